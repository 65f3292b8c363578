"""Content lemmas of segment texts, the unit that terms, topics and quotes count.

Lemmas (not word forms) so that 'brieven' and 'brief' count together; stop words and tokens
without letters are left out. Results are cached per text, because notebooks ask for the same
segments again and again.
"""

from __future__ import annotations

from collections.abc import Iterable

from codebook.nlp import pipeline

_CACHE: dict[tuple[str, str], str] = {}
_CACHE_LIMIT = 500_000
_PUNCT = ".,;:!?'\"()[]{}‘’“”«»…-–—/"


def lemmatise(texts: Iterable[str], lang: str = "nl") -> list[str]:
    """Content lemmas of each text, joined by spaces (ready for scikit-learn vectorizers)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    found = {t: _CACHE[(lang, t)] for t in set(texts) if (lang, t) in _CACHE}
    todo = [t for t in dict.fromkeys(texts) if t not in found]
    if todo:
        nlp = pipeline(lang)
        stop = nlp.Defaults.stop_words
        with nlp.select_pipes(disable=["sentencizer"]):
            for text, doc in zip(todo, nlp.pipe(todo, batch_size=256), strict=True):
                # the tokenizer leaves some punctuation on ("DigiD."), so strip it off the lemma
                words = (t.lemma_.strip(_PUNCT) for t in doc if not t.is_stop)
                found[text] = " ".join(
                    w for w in words if len(w) > 1 and w.isalpha() and w not in stop
                )
        if len(_CACHE) + len(todo) <= _CACHE_LIMIT:
            _CACHE.update({(lang, t): found[t] for t in todo})
    return [found[t] for t in texts]


# Words of talk rather than of content: fillers, hedges, transcription notes and the most
# generic verbs. Topics drown in them (segments are spoken sentences); terms keep them,
# since how a group talks can itself be distinctive.
SPOKEN = {
    "nl": set(
        "eh ehm uh uhm hm hmm mm nou ja jaa nee oké ok okay hè joh zo eigenlijk gewoon echt goed "
        "heel erg soms even wel beetje best natuurlijk inderdaad precies misschien toch allemaal "
        "lachen lacht zucht pauze stilte zeggen denken weten vinden gaan komen zien horen doen "
        "krijgen maken staan zitten liggen kijken praten vertellen bedoelen geloven snap ding "
        "keer iets niks mens iemand iedereen jaar dag week maand ander eerlijk dus sorry mee "
        "één twee drie vier vijf zes zeven acht negen tien elf twaalf honderd".split()
    ),
    "en": set(
        "uh um er erm hm mm yeah yes no okay ok well like just really actually basically right "
        "so kind sort thing things laughs laughing pause say said think know mean go get got "
        "make see look come tell talk people someone something year day week month "
        "one two three four five six seven eight nine ten".split()
    ),
}


def analyzer(text: str) -> list[str]:
    """Splits a lemma string: the analyzer for scikit-learn vectorizers over `lemmatise` output."""
    return text.split()
