"""A blank spaCy pipeline with a sentencizer and a simplemma-backed lemmatizer.

No trained Dutch pipeline is available offline, so lemmas come from simplemma's dictionaries,
which ship inside the package.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from codebook.nlp.language import LANGUAGES


@Language.factory("simplemma_lemmatizer", default_config={"lang": "nl"})
def _make_lemmatizer(nlp: Language, name: str, lang: str):
    return SimplemmaLemmatizer(lang)


class SimplemmaLemmatizer:
    """Sets `token.lemma_` (lowercased) from simplemma; caches per surface form."""

    def __init__(self, lang: str):
        self.lang = lang
        self._cache: dict[str, str] = {}

    def __call__(self, doc: Doc) -> Doc:
        cache = self._cache
        for token in doc:
            text = token.text
            lemma = cache.get(text)
            if lemma is None:
                lemma = simplemma.lemmatize(text, lang=self.lang).lower()
                if len(cache) < 200_000:
                    cache[text] = lemma
            token.lemma_ = lemma
        return doc


@lru_cache(maxsize=4)
def pipeline(lang: str = "nl") -> Language:
    """The shared pipeline for a language (built once per process)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (supported: {', '.join(LANGUAGES)})")
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("simplemma_lemmatizer", config={"lang": lang})
    nlp.max_length = 5_000_000
    return nlp


def lemmas(text: str, lang: str = "nl", keep_stop: bool = False) -> list[str]:
    """Lowercased lemmas of the alphabetic tokens of `text`, stop words dropped by default."""
    doc = pipeline(lang)(text)
    return [t.lemma_ for t in doc if t.is_alpha and (keep_stop or not t.is_stop)]
