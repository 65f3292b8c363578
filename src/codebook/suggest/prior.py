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
from codebook.nlp import KeywordMatcher, docs, lemma_string

KEYWORD = 1.0  # weight of a keyword unique to one code
COMPOUND = 0.6  # a keyword found only inside a compound counts for less
SIMILARITY = 3.0
EXCLUDE = 0.5  # how much resembling an exclude clause lowers the code
REDIRECT = 1.0  # how much it raises the code the clause points to
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
    def __init__(self, codebook: Codebook, lang: str = "nl", compounds: bool = True):
        codes = [c for c in codebook.codes.values() if c.codable]
        self.ids = [c.id for c in codes]
        self.lang = lang
        self.matcher = KeywordMatcher({c.id: c.keywords for c in codes}, lang, compounds)
        # a keyword shared by several codes says less about each of them
        df: dict[str, int] = {}
        for c in codes:
            for k in set(c.keywords):
                df[k] = df.get(k, 0) + 1
        self.keyword_weight = {
            (c.id, k): KEYWORD / math.sqrt(df[k]) for c in codes for k in c.keywords
        }
        profiles = [lemma_string(d) for d in docs(map(_profile, codes), lang)]
        examples = [(i, e) for i, c in enumerate(codes) for e in c.examples]
        example_lemmas = [lemma_string(d) for d in docs((e for _, e in examples), lang)]
        self.clauses = exclude_clauses(codes)
        clause_lemmas = [lemma_string(d) for d in docs((t for _, t, _ in self.clauses), lang)]
        self.vec = lemma_vectorizer(ngram_range=(1, 1)).fit(profiles + example_lemmas)
        self.profiles = self.vec.transform(profiles)
        self.examples = self.vec.transform(example_lemmas) if examples else None
        self.example_code = np.array([i for i, _ in examples], dtype=int)
        self.example_text = [e for _, e in examples]
        k = len(codes)
        self.clause_x = self.vec.transform(clause_lemmas) if self.clauses else None
        # clauses -> codes they lower / raise, so that one product scores every code
        self.lowers = np.zeros((len(self.clauses), k))
        self.raises = np.zeros((len(self.clauses), k))
        for j, (c, _, targets) in enumerate(self.clauses):
            self.lowers[j, c] = 1.0
            self.raises[j, targets] = 1.0

    def _clause(self, sims: np.ndarray, c: int) -> str | None:
        """The exclude clause (of `c`, or pointing to `c`) the segment resembles most."""
        mine = self.lowers[:, c] + self.raises[:, c]
        if not len(sims) or not (sims * mine).max() > 0:
            return None
        return self.clauses[int(np.argmax(sims * mine))][1]

    def keyword_scores(self, segs: list[Doc]) -> np.ndarray:
        """Keyword evidence only (segments x codes): the keywords-only baseline."""
        index = {c: i for i, c in enumerate(self.ids)}
        kw = np.zeros((len(segs), len(self.ids)))
        for i, d in enumerate(segs):
            for hit in self.matcher.find(d):
                w = self.keyword_weight[(hit.code, hit.keyword)] * (COMPOUND if hit.compound else 1)
                kw[i, index[hit.code]] += w
        return kw

    def score(self, segs: list[Doc]) -> tuple[np.ndarray, list[list[dict]]]:
        """Scores (segments x codes, 0..1) and per cell the evidence: terms, example, exclude."""
        n, k = len(segs), len(self.ids)
        index = {c: i for i, c in enumerate(self.ids)}
        x = self.vec.transform([lemma_string(d) for d in segs])
        sim = (x @ self.profiles.T).toarray()
        if self.clause_x is not None:
            clause_sim = (x @ self.clause_x.T).toarray()
        else:
            clause_sim = np.zeros((n, 0))
        excl = EXCLUDE * clause_sim @ self.lowers
        redirect = REDIRECT * clause_sim @ self.raises
        best_ex = np.zeros((n, k))
        best_ex_i = np.full((n, k), -1)
        if self.examples is not None:
            ex = (x @ self.examples.T).toarray()
            for j in range(ex.shape[1]):
                c = self.example_code[j]
                better = ex[:, j] > best_ex[:, c]
                best_ex[better, c] = ex[better, j]
                best_ex_i[better, c] = j
        kw = np.zeros((n, k))
        terms: list[list[list[tuple[str, float]]]] = [[[] for _ in range(k)] for _ in range(n)]
        tokens: list[list[set[str]]] = [[set() for _ in range(k)] for _ in range(n)]
        for i, d in enumerate(segs):
            for hit in self.matcher.find(d):
                w = self.keyword_weight[(hit.code, hit.keyword)] * (COMPOUND if hit.compound else 1)
                c = index[hit.code]
                kw[i, c] += w
                label = hit.keyword if not hit.compound else f"{hit.keyword} in {hit.token}"
                terms[i][c].append((label, round(w, 2)))
                tokens[i][c].add(hit.token)
        raw = kw + SIMILARITY * np.maximum(sim, best_ex) - excl + redirect
        scores = 1.0 - np.exp(-np.clip(raw, 0.0, None))
        evidence = [
            [
                {
                    "terms": sorted(terms[i][c], key=lambda t: -t[1]),
                    "tokens": tokens[i][c],
                    "example": self.example_text[best_ex_i[i, c]] if best_ex_i[i, c] >= 0 else None,
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
