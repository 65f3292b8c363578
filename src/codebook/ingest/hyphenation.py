"""A hyphen at a line end: a word broken by the typesetter (`kun-` / `nen`) or a real hyphen
(`vve-instellingen`, `voor- en vroegschoolse`)?

Decided by evidence, in this order: how the document itself writes the word elsewhere; then the
lexicon (simplemma's dictionary of the document's language, which lists inflected forms and many
hyphenated compounds); then the spelling rules that make a hyphen obligatory (Dutch: two vowels
meeting at the seam, an abbreviation or number as first part). What none of these decides is a
word the lexicon does not know, broken in two: joined, as Dutch writes compounds closed; in
English two known words keep their hyphen (`parent-teacher`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import simplemma

HYPHENS = "-\u2010\u2011\u00ad"
_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010\u2011][^\W\d_]+)*")
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
_TREMA = {"e": "ë", "i": "ï", "u": "ü", "o": "ö", "a": "ä"}
# After a suspended hyphen ('voor- en vroegschoolse', 'pre- or post-natal') comes a conjunction.
CONJUNCTIONS = {
    "nl": {"en", "of", "tot", "noch", "dan", "als", "en/of"},
    "en": {"and", "or", "nor", "to", "and/or", "versus"},
}


@lru_cache(maxsize=200_000)
def known(word: str, lang: str) -> bool:
    return simplemma.is_known(word.lower(), lang=lang)


class Dehyphenator:
    """Joins line ends for one document; `text` (all of it, line breaks and all) is where the
    document's own spellings are looked up."""

    def __init__(self, lang: str, text: str = ""):
        self.lang = lang
        self.seen = {m.group().lower() for m in _WORD.finditer(text)}

    def join(self, head: str, tail: str) -> str:
        """`head` ends with a hyphen, `tail` is the next line: the two as one text."""
        hyphen = head[-1]
        stem = head[:-1]
        if hyphen == "\u00ad":  # a soft hyphen is a break by definition
            return stem + tail
        m = re.match(r"[^\W\d_]+", tail)
        left = re.search(r"[^\W\d_]+$", stem)
        if m is None or left is None:
            return head + tail  # '3-' / '5': no word to join
        x, y = left.group(), m.group()
        return stem + tail if self.is_broken(x, y, stem) else head + tail

    def suspended(self, head: str, tail: str) -> bool:
        """'voor-' + 'en ...': a suspended hyphen; the line break was a space."""
        if not head.endswith(tuple(HYPHENS[:3])) or not tail:
            return False
        first = tail.split(maxsplit=1)[0].lower().rstrip(",;")
        stem = re.search(r"[^\W\d_]+$", head[:-1])
        return (
            first in CONJUNCTIONS.get(self.lang, set())
            and stem is not None
            and not self._word(stem.group() + first)
        )

    def is_broken(self, x: str, y: str, stem: str = "") -> bool:
        """True when `x-` + `y` is one word broken at the line end."""
        joined, hyphenated = (x + y).lower(), f"{x}-{y}".lower()
        if hyphenated in self.seen:
            return False
        if joined in self.seen:
            return True
        if self.lang == "nl" and y[:1].lower() in _TREMA:
            trema = x + _TREMA[y[0].lower()] + y[1:]  # be-invloeden -> beïnvloeden
            if trema.lower() in self.seen or known(trema, self.lang):
                return True
        joined_known, hyphen_known = self._word(joined), known(hyphenated, self.lang)
        if joined_known != hyphen_known:
            return joined_known
        if joined_known:  # both spellings exist ('e-mail', 'email'): keep what was printed
            return False
        if x[-1].lower() in _VOWELS and y[0].lower() in _VOWELS:
            return False  # 'vve-instellingen', 'co-operation': the hyphen keeps the vowels apart
        if _abbreviation(x) or _abbreviation(stem.split()[-1] if stem.split() else x):
            return False
        if self.lang == "en" and len(x) > 2 and len(y) > 2 and self._word(x) and self._word(y):
            return False
        return True

    def _word(self, word: str) -> bool:
        return word.lower() in self.seen or known(word, self.lang)


def _abbreviation(part: str) -> bool:
    """'ICT', 'A4', 'vmbo'-like parts: capitals after the first letter, digits, no vowel."""
    letters = [c for c in part if c.isalpha()]
    return (
        any(c.isdigit() for c in part)
        or sum(c.isupper() for c in letters) >= 2
        or not any(c.lower() in _VOWELS for c in letters)
    )
