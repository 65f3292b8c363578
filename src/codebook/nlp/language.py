"""Dutch or English, told apart by their stop words.

A transcript's language picks its tokenizer and lemmas. Stop words make up a third to half of
running speech in either language, and the two lists share few words, so the share of each
language's own stop words decides it. Reading simplemma's lemma dictionaries for the same
answer took about a second per process, a large part of a small `codebook import`.
"""

from __future__ import annotations

import re
from functools import lru_cache

LANGUAGES = ("nl", "en")
_WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: not the speaker label 'I'
MIN_SHARE = 0.1  # below this share of stop words, the text says too little to tell


@lru_cache(maxsize=1)
def _own_stop_words() -> dict[str, frozenset[str]]:
    """Each language's spaCy stop words that the other language does not have."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.nl.stop_words import STOP_WORDS as NL

    return {"nl": frozenset(NL - EN), "en": frozenset(EN - NL)}


def detect_language(text: str, default: str, sample: int = 5000) -> str:
    """'nl' or 'en' from the first `sample` characters; `default` when they do not say."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return default
    own = _own_stop_words()
    shares = {lang: sum(w in own[lang] for w in words) / len(words) for lang in LANGUAGES}
    best = max(LANGUAGES, key=shares.__getitem__)
    others = [shares[lang] for lang in LANGUAGES if lang != best]
    if shares[best] < MIN_SHARE or shares[best] in others:
        return default
    return best
