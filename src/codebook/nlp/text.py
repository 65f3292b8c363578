"""Segment texts as spaCy Docs and lemma strings: the one representation every scorer uses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc

from codebook.nlp.keywords import STRIP
from codebook.nlp.pipeline import pipeline

_LETTER = re.compile(r"[^\W\d_]")  # a character str.isalpha() accepts (faster than any(...))


def has_letter(text: str) -> bool:
    return _LETTER.search(text) is not None


def docs(texts: Iterable[str], lang: str = "nl") -> list[Doc]:
    """Tokenised and lemmatised Docs (callers pass segments, so no sentencizer).

    The components are called directly instead of through `select_pipes`, which changes the
    shared pipeline and so would race with a retrain running in another thread.
    """
    nlp = pipeline(lang)
    lemmatize = nlp.get_pipe("simplemma_lemmatizer")
    return [lemmatize(nlp.make_doc(text)) for text in texts]


def lemma_string(doc: Doc) -> str:
    """Content lemmas joined by spaces (stop words, punctuation and numbers dropped).

    A string (not a list) so scikit-learn vectorizers can split it and build char n-grams on it.
    """
    out = []
    for t in doc:
        if t.is_stop or not has_letter(t.text):
            continue
        lemma = t.lemma_.strip(STRIP)  # the tokenizer leaves some punctuation on ("DigiD.")
        if lemma and not doc.vocab[lemma].is_stop:
            out.append(lemma)
    return " ".join(out)
