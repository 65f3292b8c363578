"""Find a codebook's keyword lemmas in segments: spaCy's PhraseMatcher on LEMMA, plus compounds.

Dutch writes compounds as one word (`taalvaardigheid`, `toeslagenstelsel`, `ouderportaal`), so a
keyword such as `toeslag` or `portaal` is often only part of a token. With `compounds=True` a
keyword of at least four letters also matches at the start or end of a longer token (its head or
modifier), which `codebook evaluate` measures against exact lemma matching.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from codebook.nlp.pipeline import pipeline

MIN_PART = 4  # shortest keyword matched inside a compound
MIN_REST = 3  # shortest remaining part of the compound
STRIP = ".,;:!?()[]\"'‘’“”…"


@dataclass(frozen=True)
class Hit:
    code: str
    keyword: str
    token: str
    compound: bool  # True when the keyword is only part of the token


class KeywordMatcher:
    def __init__(self, keywords: dict[str, list[str]], lang: str = "nl", compounds: bool = True):
        nlp = pipeline(lang)
        self.compounds = compounds
        self._matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._labels: dict[int, tuple[str, str]] = {}
        self._parts: dict[str, list[tuple[str, str]]] = {}  # keyword lemma -> [(code, keyword)]
        for code, words in keywords.items():
            for word in words:
                pattern = nlp(word.lower())
                if not len(pattern):
                    continue
                key = nlp.vocab.strings.add(f"{code}\t{word}")
                self._labels[key] = (code, word)
                self._matcher.add(f"{code}\t{word}", [pattern])
                if len(pattern) == 1:
                    self._parts.setdefault(pattern[0].lemma_, []).append((code, word))

    def find(self, doc: Doc) -> list[Hit]:
        """Every (code, keyword) found in `doc`; each keyword counted once per code."""
        hits: dict[tuple[str, str], Hit] = {}
        exact_tokens: set[int] = set()
        for key, start, end in self._matcher(doc):
            code, word = self._labels[key]
            hits.setdefault((code, word), Hit(code, word, doc[start:end].text, False))
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
