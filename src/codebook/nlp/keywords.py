"""Find a codebook's keywords in segments: lemmas, lemma phrases and phrases with gaps.

A keyword is one lemma (`taal`), a phrase of lemmas in order (`geen tijd`), or a phrase with
gaps written `...` (`zin ... in`: up to MAX_GAP tokens between, within one sentence). Phrases are
matched on lemmas with spaCy's `PhraseMatcher` (contiguous) and `Matcher` (with gaps), so
"heb er geen zin in" matches `geen zin` and `er ... zin in` while "lange zinnen" matches neither.

Dutch writes compounds as one word (`taalvaardigheid`, `toeslagenstelsel`, `ouderportaal`), so a
one-lemma keyword such as `toeslag` or `portaal` is often only part of a token. With
`compounds=True` a lemma keyword of at least four letters also matches at the start or end of a
longer token (its head or modifier), which `codebook evaluate` measures against exact matching.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from codebook.model import KEYWORD_GAP as GAP
from codebook.model import keyword_problem
from codebook.nlp.pipeline import pipeline

MIN_PART = 4  # shortest keyword matched inside a compound
MIN_REST = 3  # shortest remaining part of the compound
MAX_GAP = 4  # tokens a `...` in a keyword may stand for
SENTENCE_END = [".", "?", "!", ";", ":"]  # a gap never crosses these
STRIP = ".,;:!?()[]\"'‘’“”…"


@dataclass(frozen=True)
class Hit:
    code: str
    keyword: str
    token: str  # the text that matched
    compound: bool  # True when the keyword is only part of the token
    words: int = 1  # lemmas in the keyword: a phrase is more specific than one lemma


def keyword_parts(keyword: str, lang: str = "nl") -> list[list[str]]:
    """The lemmas of a keyword pattern, one list per part between `...` gaps."""
    nlp = pipeline(lang)
    text = " ".join(keyword.lower().split()).replace(GAP, f" {GAP} ")
    parts = []
    for part in text.split(f" {GAP} "):
        doc = nlp.get_pipe("simplemma_lemmatizer")(nlp.make_doc(part.strip()))
        lemmas = [t.lemma_.strip(STRIP) or t.lower_ for t in doc]
        lemmas = [lemma for lemma in lemmas if lemma and lemma != GAP]
        if lemmas:
            parts.append(lemmas)
    return parts


def _pattern_doc(nlp, lemmas: list[str]) -> Doc:
    """A PhraseMatcher pattern whose LEMMA attributes are the keyword's lemmas."""
    doc = Doc(nlp.vocab, words=lemmas)
    for token, lemma in zip(doc, lemmas, strict=True):
        token.lemma_ = lemma
    return doc


class KeywordMatcher:
    def __init__(self, keywords: dict[str, list[str]], lang: str = "nl", compounds: bool = True):
        nlp = pipeline(lang)
        self.compounds = compounds
        self._phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._gapped = Matcher(nlp.vocab)
        self._labels: dict[int, tuple[str, str]] = {}
        self._parts: dict[str, list[tuple[str, str]]] = {}  # keyword lemma -> [(code, keyword)]
        self.lemmas: dict[tuple[str, str], tuple[str, ...]] = {}  # (code, keyword) -> lemmas
        for code, words in keywords.items():
            for word in words:
                if keyword_problem(word):
                    continue
                parts = keyword_parts(word, lang)
                if not parts:
                    continue
                self.lemmas[(code, word)] = tuple(lemma for part in parts for lemma in part)
                label = f"{code}\t{word}"
                self._labels[nlp.vocab.strings.add(label)] = (code, word)
                if len(parts) > 1:
                    self._gapped.add(label, [_gapped_pattern(parts)])
                    continue
                self._phrases.add(label, [_pattern_doc(nlp, parts[0])])
                if len(parts[0]) == 1:
                    self._parts.setdefault(parts[0][0], []).append((code, word))

    def find(self, doc: Doc) -> list[Hit]:
        """Every (code, keyword) found in `doc`; each keyword counted once per code."""
        hits: dict[tuple[str, str], Hit] = {}
        exact_tokens: set[int] = set()
        found = [*self._phrases(doc)] if len(self._phrases) else []
        if len(self._gapped):  # an empty Matcher warns on every call
            found += self._gapped(doc)
        for key, start, end in found:
            code, word = self._labels[key]
            words = sum(any(ch.isalpha() for ch in lemma) for lemma in self.lemmas[(code, word)])
            hits.setdefault((code, word), Hit(code, word, doc[start:end].text, False, words))
            if words == 1:
                exact_tokens.update(range(start, end))
        for token in doc:
            if token.i in exact_tokens or token.is_punct:
                continue
            # the tokenizer leaves some punctuation attached ("DigiD."): retry without it
            lemma, lower = token.lemma_.strip(STRIP), token.lower_.strip(STRIP)
            for code, word in self._parts.get(lemma, ()) or self._parts.get(lower, ()):
                hits.setdefault((code, word), Hit(code, word, token.text, False))
            if self.compounds:
                for code, word in self._compound_parts(lemma, lower):
                    hits.setdefault((code, word), Hit(code, word, token.text, True))
        return list(hits.values())

    def _compound_parts(self, lemma: str, lower: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for form in {lemma, lower}:
            n = len(form)
            if n < MIN_PART + MIN_REST:
                continue
            for k in range(MIN_PART, n - MIN_REST + 1):
                # a keyword shorter than MIN_PART never reaches here: k starts at MIN_PART
                found.extend(self._parts.get(form[:k], ()))  # modifier: taal|vaardigheid
                found.extend(self._parts.get(form[n - k :], ()))  # head: ouder|portaal
        return found


def _gapped_pattern(parts: list[list[str]]) -> list[dict]:
    """A Matcher pattern: the parts' lemmas in order, up to MAX_GAP tokens of one sentence
    between parts."""
    pattern: list[dict] = []
    for k, part in enumerate(parts):
        if k:
            pattern.append({"TEXT": {"NOT_IN": SENTENCE_END}, "OP": f"{{0,{MAX_GAP}}}"})
        pattern.extend({"LEMMA": lemma} for lemma in part)
    return pattern
