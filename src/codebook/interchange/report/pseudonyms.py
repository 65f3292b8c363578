"""Pseudonymisation of speaker names, persons and other identifying details in quoted text.

For Dutch interviews, `deduce` (a maintained Dutch de-identification library, offline) finds
persons, places, institutions, dates, phone numbers, e-mail addresses, URLs and ids; for other
languages, rules guess persons from capitalised words that are not in the dictionary. Both add
speaker labels that are not roles, words after a title (`mevrouw Yildiz`) or an introduction
(`ik ben Amina`), and words of file names that the transcript writes only capitalised
(`...-peter`, `Peter`). Finding names misses some and catches others, so the result is a CSV
mapping (name, pseudonym, kind, occurrences) that the researcher reviews and edits; later runs
keep every edit and only add names not seen before. An empty pseudonym, or the name itself,
keeps the name; places, institutions and dates start out kept.
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
ADDRESS = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+")  # `jan.hoekstra@...` is no word
SENTENCE_END = re.compile(r"[.!?:;\"“”‘’()\[\]…-]\s*$")


ENGINES = ("deduce", "rules")


def detect(
    texts: Iterable[str],
    speakers: Iterable[str],
    lang: str = "nl",
    roles: Iterable[str] = (),
    sources: dict[str, str] | None = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """Candidate names, speakers first, then persons, places, institutions, dates, contact
    details and ids.

    `engine` "deduce" (the default for Dutch) finds persons, places, institutions, dates,
    phone numbers, e-mail addresses, URLs and ids with `deduce`; "rules" (the default for other
    languages) guesses persons from capitalised words that are not in the dictionary. Both
    add speaker labels, names after a title or an introduction, and `sources`: a map of
    transcript names to their text, where a word of a file name such as
    `08-werkzoekende-peter` is a name when its text has `Peter` and never `peter`.
    """
    engine = engine or ("deduce" if lang == "nl" else "rules")
    if engine not in ENGINES:
        raise CodebookError(f"unknown way to find names '{engine}' (use {' or '.join(ENGINES)})")
    roles = ROLES | {r.lower() for r in roles}
    texts = [t for t in texts if isinstance(t, str)]
    lowercase = {w for t in texts for w in WORD.findall(ADDRESS.sub(" ", t)) if w.islower()}
    speaker_names: Counter = Counter()
    person, place = Counter(), Counter()
    for speaker in speakers:
        if speaker and not _is_role(speaker, roles):
            speaker_names[speaker.strip()] += 1
            for word in speaker.split():
                if word.lower() not in PARTICLES and word.lower() not in roles and len(word) > 1:
                    person[word] += 0
    for text in texts:
        for name in INTRO.findall(text):
            person[_clean(name.split()[0])] += 1
        for name in TITLED.findall(text):
            if name.lower() not in lowercase:
                person[_clean(name)] += 1
    found: dict[str, Counter] = {}
    if engine == "deduce":
        found = _deduce(texts, lowercase, roles, lang)
        person.update(found.pop("person", Counter()))
    guessed, places = _capitalised(texts, lowercase, roles, lang)
    if engine == "rules":
        person.update(guessed)
    place.update(places)
    place.update(found.pop("place", Counter()))
    for name, text in (sources or {}).items():
        words = set(WORD.findall(text))
        for token in re.split(r"[\W_]+", name):
            title = token.capitalize()
            if token.isalpha() and len(token) > 2 and title in words and token.lower() not in words:
                person[title] += 1
    rows = [(n, "speaker", c) for n, c in speaker_names.most_common()]
    rows += [(n, "person", c) for n, c in person.most_common() if n not in speaker_names]
    seen = set(speaker_names) | set(person)
    for kind, counts in [("place", place), *found.items()]:
        rows += [(n, kind, c) for n, c in counts.most_common() if n not in seen]
        seen.update(counts)
    frame = pd.DataFrame(rows, columns=["name", "kind", "occurrences"])
    frame.insert(1, "pseudonym", "")
    return frame[COLUMNS]


def _capitalised(texts: list[str], lowercase: set[str], roles: set[str], lang: str):
    """The rules' guesses: capitalised words not in the dictionary are persons (when seen
    inside a sentence at least once), and places after a locative preposition (`uit Nador`)."""
    person, place, mid = Counter(), Counter(), Counter()
    for text in texts:
        for m in WORD.finditer(text):
            word = _clean(m.group())
            low = word.lower()
            if low in lowercase or low in roles or not _looks_like_name(word, lang):
                continue
            before = text[max(0, m.start() - 40) : m.start()]
            prev = WORD.findall(before)[-1:] or [""]
            starts_sentence = not before.strip() or bool(SENTENCE_END.search(before))
            if prev[0].lower() in LOCATIVE and not starts_sentence:
                place[word] += 1
            else:
                person[word] += 1
                mid[word] += not starts_sentence
    return Counter({w: n for w, n in person.items() if mid[w]}), place


def _deduce(texts: list[str], lowercase: set[str], roles: set[str], lang: str):
    """deduce's findings by kind; a person's title or greeting (`mevrouw`, `Goedemiddag`) is
    taken off, and a one-word person that the texts also write in lowercase (`Niks`) dropped."""
    from codebook.interchange.report import deid

    found: dict[str, Counter] = {}
    for kind, text, _, _ in deid.annotations(texts):
        name = " ".join(text.split())
        if kind == "person":
            name = _person(name, lang)
            one_word = " " not in name
            if not name or (one_word and (name.lower() in lowercase or name.lower() in roles)):
                continue
        found.setdefault(kind, Counter())[name] += 1
    return found


def _person(name: str, lang: str) -> str:
    words = name.split()
    while (
        len(words) > 1  # a title or greeting before a name, never the name itself
        and words[0].lower() not in PARTICLES
        and (words[0].lower().rstrip(".") in TITLES or simplemma.is_known(words[0].lower(), lang))
    ):
        words = words[1:]
    return _clean(" ".join(words))


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


KEPT = {"place", "institution", "date", "url"}  # start out as themselves: the reviewer decides
PLACEHOLDERS = {
    "nl": {"person": "Persoon", "contact": "[contactgegeven {n}]", "id": "[nummer {n}]"},
    "en": {"person": "Person", "contact": "[contact detail {n}]", "id": "[number {n}]"},
}


def propose(found: pd.DataFrame, existing: pd.DataFrame, lang: str = "nl") -> pd.DataFrame:
    """Existing rows unchanged, plus new names with numbered pseudonyms: `Persoon 3` for
    people, `[contactgegeven 1]` for phone numbers and e-mail addresses, `[nummer 1]` for ids;
    places, institutions, dates and URLs (mostly of public sites) start out kept as they are."""
    words = PLACEHOLDERS.get(lang, PLACEHOLDERS["en"])
    known = set(existing["name"])
    new = found[~found["name"].isin(known)].copy()
    numbers = existing["pseudonym"].astype(str).str.extract(r"(\d+)\s*$")[0].dropna().astype(int)
    n = int(numbers.max()) if len(numbers) else 0
    counters = {kind: _highest(existing, kind) for kind in ("contact", "id")}
    by_name: dict[str, str] = dict(zip(existing["name"], existing["pseudonym"], strict=True))
    pseudonyms = []
    for name, kind in zip(new["name"], new["kind"], strict=True):
        if kind in KEPT:
            pseudonyms.append(name)
            continue
        if kind in counters:
            counters[kind] += 1
            pseudonyms.append(words[kind].format(n=counters[kind]))
            continue
        full = next((f for f, p in by_name.items() if p and name in f.split()), None)
        if full is not None:  # a word of a speaker's full name gets the same pseudonym
            pseudonyms.append(by_name[full])
            continue
        n += 1
        by_name[name] = f"{words['person']} {n}"
        pseudonyms.append(by_name[name])
    new["pseudonym"] = pseudonyms
    return pd.concat([existing, new], ignore_index=True)[COLUMNS]


def _highest(existing: pd.DataFrame, kind: str) -> int:
    mine = existing["pseudonym"][existing["kind"] == kind].astype(str)
    numbers = mine.str.extract(r"(\d+)\D*$")[0].dropna().astype(int)
    return int(numbers.max()) if len(numbers) else 0


def role_words(codebook) -> set[str]:
    """Attribute values and labels (leerkracht, ouder, ...) name roles, not people."""
    words: set[str] = set()
    for attribute in codebook.attributes.values():
        words.update(v.lower() for v in attribute.values)
        words.update(w.lower() for label in attribute.label.values() for w in label.split())
    return words


def review(
    mapping: Path,
    texts: Iterable[str],
    speakers: Iterable[str],
    codebook,
    lang: str,
    sources: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, int]:
    """The review step of `--pseudonymise`: names found in what an output shows are added to
    the mapping file (edits kept); returns the mapping and how many names were added."""
    mapping = Path(mapping)
    if not mapping.parent.is_dir():  # before finding names, which takes seconds
        raise CodebookError(
            f"{mapping}: cannot write the pseudonym mapping (the folder {mapping.parent} "
            "does not exist)"
        )
    existing = load(mapping)
    found = detect(
        texts, speakers, codebook.language, roles=role_words(codebook), sources=sources
    )  # the interviews' language, not the output's
    table = propose(found, existing, lang)
    added = len(table) - len(existing)
    if added or not mapping.exists():
        save(table, mapping)
    return table, added


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
    """The mapping CSV, whole or not at all (it holds the real names: never half a file)."""
    from codebook.files import atomic_output

    with atomic_output(path) as tmp:
        mapping.to_csv(tmp, index=False, quoting=csv.QUOTE_MINIMAL, encoding="utf-8")


def hide_frames(frames: dict[str, pd.DataFrame], hide: Pseudonymiser) -> dict[str, pd.DataFrame]:
    """The project's frames with names replaced: texts, memos, speakers and participants by
    `hide.text`, transcript names by `hide.name`; for exports that show them all."""
    out = dict(frames)
    for key in ("segments", "codings", "coded"):
        if key not in frames:
            continue
        frame = frames[key].copy()
        for column in ("text", "memo", "speaker", "participant"):
            if column in frame.columns:
                frame[column] = frame[column].map(hide.text)
        frame["transcript"] = frame["transcript"].map(hide.name)
        out[key] = frame
    return out


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
