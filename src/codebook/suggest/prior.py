"""Cold start: rank codes for a segment from the codebook alone.

Three signals per code: its keyword lemmas found in the segment (PhraseMatcher on lemmas, plus
compound parts), TF-IDF similarity to the code's label, definition, include criteria and examples,
and similarity to its exclude criteria. Exclude criteria are read clause by clause: a clause like
"geen eigen computer -> sit.access" lowers this code and raises the code it points to, when the
segment resembles the clause; a clause without "->" only lowers.
"""

from __future__ import annotations

import math
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.tokens import Doc

from codebook.model import Code, Codebook
from codebook.nlp import KeywordMatcher, docs, lemma_string, pipeline

KEYWORD = 1.0  # weight of a keyword unique to one code
PHRASE = 1.5  # a phrase of lemmas is more specific than one lemma
AMBIGUOUS = 0.5  # a lone lemma the codebook also uses inside a phrase
COMPOUND = 0.6  # a keyword found only inside a compound counts for less
SIMILARITY = 2.0
EXCLUDE = 0.5  # how much resembling an exclude clause lowers the code
REDIRECT = 1.0  # how much it raises the code the clause points to
DISCOUNT = 1.5  # a code's score counts above this many times its level in the project (tuned)
UNSURE = 100  # a level is measured as if on this many more passages scoring 0: a few say little
_CLAUSE = re.compile(r";|(?<=[.!?])\s+")
_TARGET = re.compile(r"[a-z][\w.-]*\*?")


def exclude_clauses(codes: list[Code]) -> list[tuple[int, str, list[int]]]:
    """(code index, clause text, indices of the codes it points to) for every exclude clause."""
    index = {c.id: i for i, c in enumerate(codes)}
    out = []
    for i, code in enumerate(codes):
        for clause in _CLAUSE.split(code.exclude):
            text, arrow, rest = clause.partition("->")
            if not text.strip():
                continue
            targets: list[int] = []
            for name in _TARGET.findall(rest) if arrow else ():
                name = name.rstrip(".")
                if name.endswith("*"):
                    targets += [j for cid, j in index.items() if cid.startswith(name[:-1])]
                elif name in index:
                    targets.append(index[name])
            out.append((i, text.strip(), sorted(set(targets) - {i})))
    return out


def _profile(code: Code) -> str:
    return " ".join(
        [*code.label.values(), code.definition, code.include, *code.examples, *code.keywords]
    )


def lemma_vectorizer(**kw) -> TfidfVectorizer:
    """TF-IDF over the space-separated lemma strings of `lemma_string`."""
    return TfidfVectorizer(
        tokenizer=str.split, token_pattern=None, lowercase=False, sublinear_tf=True, **kw
    )


class CodebookPrior:
    """Scores from the codebook alone. `fit(codebook)` reads it; nothing here learns from codings.

    Keyword weights: a keyword shared by several codes says less about each of them (1/sqrt of
    the number of codes listing it); a phrase (`geen tijd`, `zin ... in`) says more than one
    lemma; and a lone lemma that the codebook also uses inside a phrase is ambiguous by the
    codebook's own account (`zin` of `geen zin` is also the `zin` of "lange zinnen"), so alone it
    weighs little.

    `calibrate(passages)` reads the project's own passages once: a code whose definition and
    keywords match something in almost every passage (its words are the interviews' everyday
    words) is then scored by how far a passage stands out from that level, so it no longer
    crowds the codes with specific words out of the first places.
    """

    def __init__(
        self,
        codebook: Codebook | None = None,
        lang: str = "nl",
        compounds: bool = True,
        phrases: bool = True,
    ):
        self.lang = lang
        self.compounds = compounds
        self.phrases = phrases  # False: every keyword weighs the same (the ablation)
        if codebook is not None:  # the short form CodebookPrior(codebook, lang) fits at once
            self.fit(codebook)

    @property
    def ids(self) -> list[str]:
        return self.ids_

    def fit(self, codebook: Codebook) -> CodebookPrior:
        lang = self.lang
        codes = [c for c in codebook.codes.values() if c.codable]
        self.ids_ = [c.id for c in codes]
        self.matcher_ = KeywordMatcher({c.id: c.keywords for c in codes}, lang, self.compounds)
        self.keyword_weight_ = self._keyword_weights(codes)
        profiles = [lemma_string(d) for d in docs(map(_profile, codes), lang)]
        examples = [(i, e) for i, c in enumerate(codes) for e in c.examples]
        example_lemmas = [lemma_string(d) for d in docs((e for _, e in examples), lang)]
        self.clauses_ = exclude_clauses(codes)
        clause_lemmas = [lemma_string(d) for d in docs((t for _, t, _ in self.clauses_), lang)]
        self.vectorizer_ = lemma_vectorizer(ngram_range=(1, 1)).fit(profiles + example_lemmas)
        self.profiles_ = self.vectorizer_.transform(profiles)
        self.examples_ = self.vectorizer_.transform(example_lemmas) if examples else None
        self.example_code_ = np.array([i for i, _ in examples], dtype=int)
        self.example_text_ = [e for _, e in examples]
        k = len(codes)
        self.clause_x_ = self.vectorizer_.transform(clause_lemmas) if self.clauses_ else None
        # clauses -> codes they lower / raise, so that one product scores every code
        self.lowers_ = np.zeros((len(self.clauses_), k))
        self.raises_ = np.zeros((len(self.clauses_), k))
        for j, (c, _, targets) in enumerate(self.clauses_):
            self.lowers_[j, c] = 1.0
            self.raises_[j, targets] = 1.0
        self.baseline_ = None
        return self

    def calibrate(self, passages: list[Doc]) -> CodebookPrior:
        """Set each code's level in this project: its mean score over `passages` (a sample of the
        project's respondent passages), shrunk towards 0 when they are few (`UNSURE`), which
        `score` discounts by `DISCOUNT`. A first transcript of a few turns barely moves it."""
        level = None
        if passages:
            level = self._match(passages)[0].sum(axis=0) / (len(passages) + UNSURE)
        self.baseline_ = level  # one assignment: a thread scoring meanwhile sees old or new
        return self

    def _similarity_string(self, doc: Doc) -> str:
        """The lemmas compared with definitions, examples and exclude clauses: without the lemmas
        the codebook uses only inside phrases ("zin" of `geen zin`), which alone mean other
        things ("lange zinnen")."""
        drop = self.context_only_
        return " ".join(w for w in lemma_string(doc).split() if w not in drop)

    def _keyword_weights(self, codes: list[Code]) -> dict[tuple[str, str], float]:
        lemmas = self.matcher_.lemmas
        df: dict[str, int] = {}
        for c in codes:
            for k in set(c.keywords):
                df[k] = df.get(k, 0) + 1
        in_phrases = {lemma for words in lemmas.values() if len(words) > 1 for lemma in words}
        alone = {words[0] for words in lemmas.values() if len(words) == 1}
        stop = pipeline(self.lang).vocab
        self.context_only_ = (
            {w for w in in_phrases - alone if not stop[w].is_stop} if self.phrases else set()
        )
        weights = {}
        for c in codes:
            for k in c.keywords:
                w = KEYWORD / math.sqrt(df[k])
                words = lemmas.get((c.id, k), ())
                if self.phrases and len(words) > 1:
                    w *= PHRASE
                elif self.phrases and words and words[0] in in_phrases:
                    w *= AMBIGUOUS
                weights[(c.id, k)] = w
        return weights

    def _clause(self, sims: np.ndarray, c: int) -> str | None:
        """The exclude clause (of `c`, or pointing to `c`) the segment resembles most."""
        mine = self.lowers_[:, c] + self.raises_[:, c]
        if not len(sims) or not (sims * mine).max() > 0:
            return None
        return self.clauses_[int(np.argmax(sims * mine))][1]

    def keyword_scores(self, segs: list[Doc]) -> np.ndarray:
        """Keyword evidence only (segments x codes): the keywords-only baseline."""
        index = {c: i for i, c in enumerate(self.ids_)}
        kw = np.zeros((len(segs), len(self.ids_)))
        for i, d in enumerate(segs):
            for hit in self.matcher_.find(d):
                kw[i, index[hit.code]] += self._hit_weight(hit)
        return kw

    def _match(self, segs: list[Doc]):
        """Undiscounted scores (segments x codes, 0..1) and what they are made of."""
        n, k = len(segs), len(self.ids_)
        index = {c: i for i, c in enumerate(self.ids_)}
        x = self.vectorizer_.transform([self._similarity_string(d) for d in segs])
        sim = (x @ self.profiles_.T).toarray()
        if self.clause_x_ is not None:
            clause_sim = (x @ self.clause_x_.T).toarray()
        else:
            clause_sim = np.zeros((n, 0))
        excl = EXCLUDE * clause_sim @ self.lowers_
        redirect = REDIRECT * clause_sim @ self.raises_
        best_ex = np.zeros((n, k))
        best_ex_i = np.full((n, k), -1)
        if self.examples_ is not None:
            ex = (x @ self.examples_.T).toarray()
            for j in range(ex.shape[1]):
                c = self.example_code_[j]
                better = ex[:, j] > best_ex[:, c]
                best_ex[better, c] = ex[better, j]
                best_ex_i[better, c] = j
        kw = np.zeros((n, k))
        hits = [[(index[h.code], h) for h in self.matcher_.find(d)] for d in segs]
        for i, found in enumerate(hits):
            for c, hit in found:
                kw[i, c] += self._hit_weight(hit)
        raw = kw + SIMILARITY * np.maximum(sim, best_ex) - excl + redirect
        scores = 1.0 - np.exp(-np.clip(raw, 0.0, None))
        return scores, (hits, sim, best_ex, best_ex_i, excl, redirect, clause_sim)

    def _hit_weight(self, hit) -> float:
        return self.keyword_weight_[(hit.code, hit.keyword)] * (COMPOUND if hit.compound else 1)

    def score(self, segs: list[Doc]) -> tuple[np.ndarray, list[list[dict]]]:
        """Scores (segments x codes, 0..1), discounted by the project's level of each code once
        `calibrate`d, and per cell the evidence: terms, example, exclude."""
        scores, (hits, sim, best_ex, best_ex_i, excl, redirect, clause_sim) = self._match(segs)
        baseline = self.baseline_  # once: a retrain may calibrate again meanwhile
        if baseline is not None:
            scores = np.maximum(scores - DISCOUNT * baseline, 0.0)
        n, k = scores.shape
        terms: list[list[list[tuple[str, float]]]] = [[[] for _ in range(k)] for _ in range(n)]
        tokens: list[list[set[str]]] = [[set() for _ in range(k)] for _ in range(n)]
        for i, found in enumerate(hits):
            for c, hit in found:
                label = hit.keyword if not hit.compound else f"{hit.keyword} in {hit.token}"
                terms[i][c].append((label, round(self._hit_weight(hit), 2)))
                tokens[i][c].add(hit.token)
        evidence = [
            [
                {
                    "terms": sorted(terms[i][c], key=lambda t: -t[1]),
                    "tokens": tokens[i][c],
                    "example": self.example_text_[best_ex_i[i, c]]
                    if best_ex_i[i, c] >= 0
                    else None,
                    "example_sim": float(best_ex[i, c]),
                    "definition_sim": float(sim[i, c]),
                    "exclude": float(excl[i, c]),
                    "redirect": float(redirect[i, c]),
                    "clause": self._clause(clause_sim[i], c),
                }
                for c in range(k)
            ]
            for i in range(n)
        ]
        return scores, evidence
