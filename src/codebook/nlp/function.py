"""How a passage says something, as marker tokens next to its lemmas.

Whether a passage describes a barrier, an effect or a working element lies less in its topic than
in its wording: negation ("kan het niet lezen"), modality ("moet alles zelf"), contrast, problem
and success words, causes and consequences, tense, a question, who speaks about whom. Most of
these words are stop words, which the topic features drop. `feature_string` keeps them as marker
tokens (`~neg`, `~modal`, `~past`, ...) in place, so a learner sees both the marker and its
bigrams with the topic ("~neg lezen", "~problem formulier") and learns, per code, which function
goes with it. The word lists are small and per language; a language without lists gets only the
markers that need none (question, number, quotation).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from codebook.nlp.keywords import STRIP
from codebook.nlp.text import has_letter

MARK = "~"

# marker -> what a researcher reads in an explanation
MARKERS = {
    "neg": "negation",
    "modal": "modality",
    "contrast": "contrast",
    "cause": "cause or consequence",
    "cond": "condition",
    "problem": "a problem word",
    "success": "a success word",
    "opinion": "an opinion",
    "intens": "emphasis",
    "past": "past tense",
    "question": "a question",
    "number": "a number or amount",
    "quote": "quoted speech",
    "i": "speaking of oneself",
    "we": "speaking of 'we'",
    "you": "speaking of 'you'",
    "they": "speaking of others",
    "all": "a generalisation",
}

_NL = {
    "neg": "niet geen nooit niks niets nergens niemand nee geeneen",
    "modal": "moeten kunnen mogen willen zullen hoeven kan kon konden moest moesten mocht wilde",
    "contrast": "maar echter toch hoewel terwijl ondanks daarentegen alleen wel",
    "cause": "omdat doordat want daardoor waardoor dus daarom zodat gevolg oorzaak leiden",
    "cond": "als wanneer indien tenzij zodra",
    "problem": "moeilijk lastig probleem ingewikkeld complex moeite fout mis misgaan zwaar "
    "onmogelijk drempel belemmering knelpunt ramp vastlopen helaas gebrek tekort ontbreken "
    "struikelen verkeerd kwijt slecht spaak stuk vervelend frustrerend",
    "success": "lukken gelukt goed makkelijk gemakkelijk helpen fijn prettig oplossing beter "
    "succes blij tevreden dankzij handig duidelijk snel opgelost",
    "opinion": "denken vinden misschien eigenlijk volgens geloven vermoeden lijken",
    "intens": "heel echt erg zo veel altijd enorm ontzettend super helemaal",
    "past": "had hadden was waren werd werden ging gingen kwam kwamen zei zeiden dacht dachten "
    "wist wisten kon konden moest moesten wilde wilden mocht zat zaten stond kreeg kregen "
    "deed deden vond vonden liep bleef bleek toen vroeger",
    "i": "ik mij me mijn mezelf",
    "we": "wij we ons onze",
    "you": "jij je jou jouw u uw",
    "they": "zij ze hun hen hij hem haar zijzelf",
    "all": "iedereen niemand alle allemaal altijd nooit elke",
}
_EN = {
    "neg": "not no never nothing nobody nowhere none n't cannot",
    "modal": "must can could should would may might need will shall",
    "contrast": "but however yet although though whereas despite still only",
    "cause": "because since so therefore thus result cause lead consequently",
    "cond": "if when unless once whenever",
    "problem": "difficult hard problem complicated complex trouble struggle wrong fail miss "
    "impossible barrier obstacle unfortunately lack shortage confusing lose stuck bad",
    "success": "succeed manage work good easy help fine solution better success happy "
    "glad thanks clear quick solved useful",
    "opinion": "think believe feel maybe perhaps actually seem suppose",
    "intens": "very really so much always extremely totally completely",
    "past": "was were had did went came said thought knew could got made took felt "
    "became found kept left ago then",
    "i": "i me my myself mine",
    "we": "we us our ours",
    "you": "you your yours",
    "they": "they them their he him his she her",
    "all": "everyone everybody nobody all always never every",
}
LEXICONS = {
    lang: {marker: set(words.split()) for marker, words in table.items()}
    for lang, table in (("nl", _NL), ("en", _EN))
}
_DIGIT = re.compile(r"\d")
_PASSAGE = frozenset(("past", "i", "we", "you", "they", "all"))  # said of the passage, not a word
QUOTES = set('"“”‘’„«»')


def _index(lang: str) -> dict[str, list[str]]:
    """Word -> the markers it carries, for one language (built once)."""
    cached = _INDEX.get(lang)
    if cached is None:
        cached = {}
        for marker, words in LEXICONS.get(lang, {}).items():
            for word in words:
                cached.setdefault(word, []).append(marker)
        _INDEX[lang] = cached
    return cached


_INDEX: dict[str, dict[str, list[str]]] = {}


def _participle(token) -> bool:
    """A Dutch past participle ("gelezen", "gebeld"): `ge-` and a lemma of another form."""
    text = token.lower_
    return len(text) >= 6 and text.startswith("ge") and token.lemma_ != text


def feature_string(doc: Doc, lang: str = "nl") -> str:
    """The content lemmas of `doc` with function markers in place, and passage markers at the end.

    "Ik kan de brief niet lezen." -> "~i ~modal brief ~neg lezen": the topic lemmas of
    `lemma_string` plus where and how they are said.
    """
    index = _index(lang)
    vocab = doc.vocab
    out: list[str] = []
    passage: set[str] = set()
    for token in doc:
        text = token.text
        if text == "?":
            passage.add("question")
        if text in QUOTES or text.startswith(('"', "“", "‘")):
            passage.add("quote")
        if token.like_num or text.startswith("€") or _DIGIT.search(text):
            passage.add("number")
            continue
        if not has_letter(text):
            continue
        lower, lemma = token.lower_.strip(STRIP), token.lemma_.strip(STRIP)
        for marker in index.get(lower) or index.get(lemma) or ():
            if marker in _PASSAGE:
                passage.add(marker)
            else:
                out.append(MARK + marker)
        if lang == "nl" and _participle(token):
            passage.add("past")
        if lemma and not token.is_stop and not vocab[lemma].is_stop:
            out.append(lemma)
    out.extend(MARK + m for m in sorted(passage))
    return " ".join(out)


def is_marker(term: str) -> bool:
    return term.startswith(MARK)


def describe(term: str) -> str:
    """A feature name as a researcher reads it: '~neg lezen' -> 'negation + lezen'."""
    return " + ".join(MARKERS.get(w[1:], w[1:]) if is_marker(w) else w for w in term.split())


def strip_markers(text: str) -> str:
    """The feature string without its markers (for character n-grams of the lemmas only)."""
    return " ".join(w for w in text.split() if not is_marker(w))
