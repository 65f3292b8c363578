"""The model learned from the project's codings: TF-IDF on lemmas and character n-grams, and one
logistic regression per code (one-vs-rest), whose scores are calibrated into probabilities by a
sigmoid (Platt scaling) fitted on out-of-fold decision values where a code has enough examples.

Rejected suggestions are extra negative examples for the rejected code only, weighted higher than
an ordinary negative: a researcher said explicitly "not this code here".
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from codebook.suggest.prior import lemma_vectorizer

REJECTION_WEIGHT = 3.0
CALIBRATE_MIN = 8  # positives needed before the probabilities are recalibrated with CV
SEED = 13
MIN_TERM = 0.05  # a term adding less than this to the log-odds is not worth showing


class LearnedModel:
    VERSION = 3  # bump when the fitted attributes change: cached models of another version refit

    def __init__(self, codes: list[str], char_ngrams: bool = True, C: float = 1.0):
        self.version = self.VERSION
        self.codes = codes
        self.char_ngrams = char_ngrams
        self.C = C
        self.words: TfidfVectorizer | None = None
        self.chars: TfidfVectorizer | None = None
        self.weights: np.ndarray | None = None  # features x codes
        self.fitted = np.zeros(len(codes), dtype=bool)
        self.positives = np.zeros(len(codes), dtype=int)
        self.train_x = None
        self.train_text: list[str] = []
        self.train_y = np.zeros((0, len(codes)), dtype=bool)

    def features(self, lemma_strings: list[str]):
        x = self.words.transform(lemma_strings)
        if self.chars is not None:
            x = sparse.hstack([x, self.chars.transform(lemma_strings)], format="csr")
            x = _normalize(x)
        return x

    def fit(
        self,
        lemma_strings: list[str],
        texts: list[str],
        labels: list[set[str]],
        rejected: list[tuple[str, str]] = (),
        weights: list[float] | None = None,
    ) -> LearnedModel:
        """`labels[i]` are the codes of example i; `rejected` is (lemma string, code) pairs;
        `weights[i]` is how many examples example i stands for (1 each without a sample)."""
        index = {c: i for i, c in enumerate(self.codes)}
        y = np.zeros((len(labels), len(self.codes)), dtype=bool)
        for i, codes in enumerate(labels):
            for c in codes:
                if c in index:
                    y[i, index[c]] = True
        rejected = [(s, index[c]) for s, c in rejected if c in index]
        corpus = list(lemma_strings) + [s for s, _ in rejected]
        self.words = lemma_vectorizer(ngram_range=(1, 2), min_df=1)
        x = self.words.fit_transform(corpus)
        self.word_names = self.words.get_feature_names_out()  # once: building it is slow
        if self.char_ngrams:
            self.chars = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True
            )
            x = _normalize(sparse.hstack([x, self.chars.fit_transform(corpus)], format="csr"))
        n = len(lemma_strings)
        x_coded, x_rej = x[:n], x[n:]
        rej_code = np.array([c for _, c in rejected], dtype=int)
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        self.positives = np.rint(w @ y).astype(int)  # what the blend trusts: all the examples
        self.train_x, self.train_text, self.train_y = x_coded, list(texts), y
        fits: dict[int, tuple] = {}
        for c in range(len(self.codes)):
            pos = int(y[:, c].sum())
            if pos == 0 or pos == n:
                continue
            mine = np.flatnonzero(rej_code == c)
            xc = sparse.vstack([x_coded, x_rej[mine]], format="csr") if len(mine) else x_coded
            yc = np.concatenate([y[:, c], np.zeros(len(mine), dtype=bool)])
            wc = np.concatenate([w, np.full(len(mine), REJECTION_WEIGHT)])
            fits[c] = self._fit_one(xc, yc, wc, pos)
        k = len(self.codes)
        self.fitted = np.array([c in fits for c in range(k)], dtype=bool)
        self.weights = np.zeros((x.shape[1], k), dtype=np.float32)
        self.intercepts, self.a, self.b = np.zeros(k), np.zeros(k), np.zeros(k)
        for c, (coef, intercept, a, b) in fits.items():
            self.weights[:, c], self.intercepts[c], self.a[c], self.b[c] = coef, intercept, a, b
        return self

    def _fit_one(self, x, y, w, positives: int) -> tuple[np.ndarray, float, float, float]:
        """Weights, intercept and Platt scaling (a, b) of one code's classifier."""
        clf = _logistic(self.C).fit(x, y, sample_weight=w)
        coef, intercept = clf.coef_[0].copy(), float(clf.intercept_[0])
        a, b = 1.0, 0.0  # plain logistic output when there are too few examples to calibrate
        if min(positives, int((~y).sum())) >= CALIBRATE_MIN:
            # out-of-fold decision values -> sigmoid fit (Platt scaling), as
            # CalibratedClassifierCV(method="sigmoid") does, without its per-code optimiser cost
            folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
            f = np.zeros(len(y))
            for tr, te in folds.split(np.zeros(len(y)), y):
                f[te] = (
                    _logistic(self.C)
                    .fit(x[tr], y[tr], sample_weight=w[tr])
                    .decision_function(x[te])
                )
            a, b = platt(f, y, w)
        return coef, intercept, a, b

    def predict_proba(self, x) -> np.ndarray:
        """Calibrated probabilities (rows x codes); 0 for codes that have no examples yet."""
        out = np.zeros((x.shape[0], len(self.codes)))
        if self.weights is None:
            return out
        decision = np.asarray(x @ self.weights) + self.intercepts
        out[:, self.fitted] = expit(self.a * decision + self.b)[:, self.fitted]
        return out

    def terms(self, x_row, c: int, top: int = 3) -> list[tuple[str, float]]:
        """The word features of one segment that pushed code `c` up most (tf-idf x weight)."""
        if not self.fitted[c]:
            return []
        row = x_row.tocsr()
        keep = row.indices < len(self.word_names)
        idx, values = row.indices[keep], row.data[keep]
        contrib = values * self.weights[idx, c]
        best = np.argsort(-contrib)[:top]
        return [
            (str(self.word_names[idx[j]]), round(float(contrib[j]), 2))
            for j in best
            if contrib[j] >= MIN_TERM
        ]

    def closest_examples(self, x_row) -> tuple[np.ndarray, np.ndarray]:
        """Per code, the index of the most similar training example with that code (-1: none)
        and its cosine similarity; one sparse product for all codes."""
        sims = np.asarray((self.train_x @ x_row.T).todense()).ravel()
        masked = np.where(self.train_y, sims[:, None], -1.0)
        best = masked.argmax(axis=0)
        best_sim = masked[best, np.arange(masked.shape[1])]
        return np.where(best_sim >= 0, best, -1), best_sim


def _normalize(x):
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


def _logistic(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, solver="liblinear", random_state=SEED)


def platt(f: np.ndarray, y: np.ndarray, w: np.ndarray, steps: int = 50) -> tuple[float, float]:
    """Fit p = sigmoid(a*f + b) to labels y by Newton's method (Platt 1999, with his smoothed
    targets so that a separable fold does not push the sigmoid to a step)."""
    n_pos, n_neg = w[y].sum(), w[~y].sum()
    t = np.where(y, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = expit(a * f + b)
        r = w * (p - t)
        d = w * p * (1 - p) + 1e-12
        grad = np.array([r @ f, r.sum()])
        hess = np.array([[d @ (f * f), d @ f], [d @ f, d.sum()]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-7:
            break
    return float(a), float(b)
