"""Pseudonymisation of speaker names and named persons in quoted text.

Names are found with rules (no trained NER model is available offline): speaker labels that are
not roles, capitalised words that are not in the language's dictionary, words after a title
(`mevrouw Yildiz`) or an introduction (`ik ben Amina`), and words of file names that the
transcript writes only capitalised (`...-peter`, `Peter`). Rules miss names and catch places, so the
result is a CSV mapping (name, pseudonym, kind, occurrences) that the researcher reviews and edits;
later runs keep every edit and only add names not seen before. An empty pseudonym, or the name
itself, keeps the name; names found after a locative preposition (`uit Nador`) start out kept.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import simplemma

from codebook.model import CodebookError

COLUMNS = ["name", "pseudonym", "kind", "occurrences"]
ROLES = {
    "i", "r", "iv", "interviewer", "interviewster", "respondent", "onderzoeker", "researcher",
    "moderator", "spreker", "speaker", "deelnemer", "participant", "geinterviewde", "interviewee",
    "gespreksleider", "tolk", "interpreter",
}  # fmt: skip
TITLES = {
    "mevrouw", "meneer", "mevr", "mw", "dhr", "juf", "juffrouw", "meester", "dokter", "dr",
    "mr", "mrs", "ms", "miss", "mister", "tante", "oom", "opa", "oma",
}  # fmt: skip
INTRO = re.compile(
    r"\b(?i:ik ben|ik heet|mijn naam is|heet|heette|i am|i'm|my name is|called)\s+"
    r"([A-ZÀ-Þ][\w'-]+(?:\s+[A-ZÀ-Þ][\w'-]+)?)"
)
TITLED = re.compile(
    r"\b(?i:" + "|".join(sorted(TITLES)) + r"|mevr\.|mw\.|dhr\.|dr\.|mr\.)[ \t]+"
    r"((?:(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|[Ee]l|[Aa]l)[ \t]+)*[A-ZÀ-Þ][\w'-]+)"
)
LOCATIVE = {"in", "uit", "naar", "te", "rond", "from", "to", "at", "near"}
PARTICLES = {"de", "van", "der", "den", "ter", "ten", "het", "el", "al", "bin", "ben", "la", "le"}
WORD = re.compile(r"[^\W\d_][\w'-]*")
SENTENCE_END = re.compile(r"[.!?:;\"“”‘’()\[\]…-]\s*$")


def detect(
    texts: Iterable[str],
    speakers: Iterable[str],
    lang: str = "nl",
    roles: Iterable[str] = (),
    sources: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Candidate names, speakers first, then persons, then places.

    `sources` maps transcript names to their text: a word of a file name such as
    `08-werkzoekende-peter` is a name when its text has `Peter` and never `peter`.
    """
    roles = ROLES | {r.lower() for r in roles}
    person, place = Counter(), Counter()
    speaker_names: Counter = Counter()
    for speaker in speakers:
        if speaker and not _is_role(speaker, roles):
            speaker_names[speaker.strip()] += 1
            for word in speaker.split():
                if word.lower() not in PARTICLES and word.lower() not in roles and len(word) > 1:
                    person[word] += 0
    texts = [t for t in texts if isinstance(t, str)]
    lowercase = {w for t in texts for w in WORD.findall(t) if w.islower()}
    mid: Counter = Counter()  # capitalised inside a sentence, where common nouns are lowercase
    for text in texts:
        for name in INTRO.findall(text):
            person[_clean(name.split()[0])] += 1
        for name in TITLED.findall(text):
            if name.lower() not in lowercase:
                person[_clean(name)] += 1
        for m in WORD.finditer(text):
            word = _clean(m.group())
            before = text[max(0, m.start() - 40) : m.start()]
            prev = WORD.findall(before)[-1:] or [""]
            if (
                word.lower() in lowercase
                or word.lower() in roles
                or not _looks_like_name(word, lang)
            ):
                continue
            starts_sentence = not before.strip() or bool(SENTENCE_END.search(before))
            if prev[0].lower() in LOCATIVE and not starts_sentence:
                place[word] += 1
            else:
                person[word] += 1
                mid[word] += not starts_sentence
    person = Counter({w: n for w, n in person.items() if mid[w] or w not in mid})
    for name, text in (sources or {}).items():
        words = set(WORD.findall(text))
        for token in re.split(r"[\W_]+", name):
            title = token.capitalize()
            if token.isalpha() and len(token) > 2 and title in words and token.lower() not in words:
                person[title] += 1
    rows = [(n, "speaker", c) for n, c in speaker_names.most_common()]
    rows += [(n, "person", c) for n, c in person.most_common() if n not in speaker_names]
    rows += [(n, "place", c) for n, c in place.most_common() if n not in person]
    frame = pd.DataFrame(rows, columns=["name", "kind", "occurrences"])
    frame.insert(1, "pseudonym", "")
    return frame[COLUMNS]


def _is_role(speaker: str, roles: set[str]) -> bool:
    words = [w.lower().strip(".:") for w in re.split(r"[\s_]+", speaker.strip()) if w]
    return all(w in roles or w.isdigit() for w in words) or len(speaker.strip()) <= 1


def _clean(word: str) -> str:
    """`Mila's` -> `Mila`, `Ouder-` -> `Ouder`."""
    word = word.strip("-'")
    return word[:-2] if word.endswith("'s") else word


@lru_cache(maxsize=100_000)
def _looks_like_name(word: str, lang: str) -> bool:
    """Capitalised, not an acronym or mixed case (UWV, DigiD), and no part a dictionary word."""
    parts = word.split("-")
    return (
        all(
            len(p) >= 2
            and p[0].isupper()
            and p[1:].islower()
            and not simplemma.is_known(p, lang)
            and not simplemma.is_known(p.lower(), lang)
            for p in parts
        )
        and len(word) >= 3
    )


def propose(found: pd.DataFrame, existing: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """Existing rows unchanged, plus new names with numbered pseudonyms (places kept as is)."""
    word = {"nl": "Persoon", "en": "Person"}.get(lang, "Person")
    known = set(existing["name"])
    new = found[~found["name"].isin(known)].copy()
    numbers = existing["pseudonym"].astype(str).str.extract(r"(\d+)\s*$")[0].dropna().astype(int)
    n = int(numbers.max()) if len(numbers) else 0
    by_name: dict[str, str] = dict(zip(existing["name"], existing["pseudonym"], strict=True))
    pseudonyms = []
    for name, kind in zip(new["name"], new["kind"], strict=True):
        if kind == "place":
            pseudonyms.append(name)
            continue
        full = next((f for f, p in by_name.items() if p and name in f.split()), None)
        if full is not None:  # a word of a speaker's full name gets the same pseudonym
            pseudonyms.append(by_name[full])
            continue
        n += 1
        by_name[name] = f"{word} {n}"
        pseudonyms.append(by_name[name])
    new["pseudonym"] = pseudonyms
    return pd.concat([existing, new], ignore_index=True)[COLUMNS]


def load(path: Path) -> pd.DataFrame:
    """Read a mapping; a missing file is an empty mapping."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as e:
        raise CodebookError(f"{path}: cannot read the pseudonym mapping ({e})") from None
    missing = [c for c in ("name", "pseudonym") if c not in frame.columns]
    if missing:
        raise CodebookError(
            f"{path}: the pseudonym mapping needs the column(s) {', '.join(missing)}"
        )
    for col in COLUMNS[2:]:
        if col not in frame.columns:
            frame[col] = ""
    frame["name"] = frame["name"].str.strip()
    frame = frame[frame["name"] != ""]
    dupes = frame["name"][frame["name"].duplicated()]
    if len(dupes):
        raise CodebookError(f"{path}: the name '{dupes.iloc[0]}' is listed twice")
    return frame[COLUMNS].reset_index(drop=True)


def save(mapping: pd.DataFrame, path: Path) -> None:
    try:
        mapping.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, encoding="utf-8")
    except OSError as e:
        raise CodebookError(
            f"{path}: cannot write the pseudonym mapping ({e.strerror or e})"
        ) from None


class Pseudonymiser:
    """Replaces whole names (longest first) by their pseudonyms."""

    def __init__(self, mapping: pd.DataFrame):
        pairs = {
            n: p.strip()
            for n, p in zip(mapping["name"], mapping["pseudonym"].fillna(""), strict=True)
            if p.strip() and p.strip() != n
        }
        self.pairs = pairs
        self._lower = {n.lower(): p for n, p in pairs.items()}
        alternation = "|".join(map(re.escape, sorted(pairs, key=len, reverse=True)))
        self._text = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)") if pairs else None
        self._any = re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])", re.I) if pairs else None

    def text(self, value):
        if self._text is None or not isinstance(value, str):
            return value
        return self._text.sub(lambda m: self.pairs[m.group()], value)

    def name(self, value):
        """File-like names (`01-ouder-nt2-amina`): case-insensitive, pseudonym as a slug."""
        if self._any is None or not isinstance(value, str):
            return value
        return self._any.sub(
            lambda m: re.sub(r"\W+", "-", self._lower[m.group().lower()].lower()), value
        )
