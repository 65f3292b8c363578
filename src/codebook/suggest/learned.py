"""The model learned from the codings and the codebook: TF-IDF on lemmas with function markers
(`nlp.function`) and character n-grams, one logistic regression per code (one-vs-rest) calibrated
by a sigmoid (Platt scaling) where a code has enough examples, and nearest neighbours.

Training examples are the coded spans plus the codebook's own sentences (`suggest.examples`),
weighted lower, so that the model says something from the first coding on. The neighbour score
of a code is the cosine similarity to its most similar codebook sentence or the mean similarity
to its `NEAREST` most similar coded passages, whichever is higher: one coded passage is enough
for a near-repeat of it to come up, long before a regression has learned the code's words, and
once a code has several, three that resemble a passage say more than one.

Rejected suggestions are extra negative examples for the rejected code only, weighted higher than
an ordinary negative: a researcher said explicitly "not this code here".

scikit-learn style: `__init__` stores settings, `fit` sets the learned state (trailing `_`), and
`partial_fit` adds examples to a fitted model at once (for the moment after a coding; the full
refit follows in the background).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from codebook.nlp.function import is_marker, strip_markers
from codebook.suggest.prior import lemma_vectorizer

REJECTION_WEIGHT = 3.0
CALIBRATE_MIN = 8  # coded positives needed before the probabilities are recalibrated with CV
SEED = 13
TOL = 1e-2  # liblinear's stopping tolerance (its default, 1e-4, took twice as long)
MIN_TERM = 0.05  # a term adding less than this to the log-odds is not worth showing
NEIGHBOURS = 0.7  # weight of the nearest-neighbour similarity in the model score (tuned)
NEAREST = 3  # coded passages a neighbour score is the mean of (2 and 5 did no better)
CODED, CODEBOOK, REJECTED = 0, 1, 2  # kinds of training rows


class LearnedModel:
    VERSION = 6  # bump when the fitted attributes change: cached models of another version refit

    def __init__(
        self,
        codes: list[str],
        char_ngrams: bool = True,
        C: float = 2.0,  # tuned with `codebook evaluate` (1.0 and 10 did no better)
        neighbours: float = NEIGHBOURS,
        codebook_weight: float = 0.5,  # a coded span says more than a codebook sentence
        function: bool = True,
    ):
        self.codes = codes
        self.char_ngrams = char_ngrams
        self.C = C
        self.neighbours = neighbours
        self.codebook_weight = codebook_weight
        self.function = function  # False: markers are dropped (the ablation)

    # -- backwards-compatible names (notebooks read these) ---------------------------------------
    @property
    def version(self) -> int:
        return getattr(self, "version_", -1)

    @property
    def fitted(self) -> np.ndarray:
        return self.fitted_

    @property
    def positives(self) -> np.ndarray:
        """Coded spans per code, whole numbers (the examples of one span add up to one)."""
        return np.rint(self.positives_).astype(int)

    @property
    def train_text(self) -> list[str]:
        return self.memory_text_

    # -- fitting -----------------------------------------------------------------------------------
    def _prepare(self, strings: list[str]) -> list[str]:
        return list(strings) if self.function else [strip_markers(s) for s in strings]

    def features(self, strings: list[str]):
        strings = self._prepare(strings)
        x = self.vectorizer_.transform(strings)
        if self.chars_ is not None:
            x = _normalize(sparse.hstack([x, self.chars_.transform(strings)], format="csr"))
        return x

    def fit(
        self,
        strings: list[str],
        texts: list[str],
        labels: list[set[str]],
        rejected: list[tuple[str, str]] = (),
        weights: list[float] | None = None,
        examples: list[tuple[str, str, str, float]] = (),
    ) -> LearnedModel:
        """Fit on coded examples and the codebook's.

        `strings[i]` is example i as a feature string (`nlp.function.feature_string`), `texts[i]`
        its text, `labels[i]` its codes; `rejected` is (feature string, code) pairs; `weights[i]`
        is how many examples example i stands for (1 each without a sample); `examples` are the
        codebook's (feature string, text, code, weight), see `suggest.examples`.
        """
        index = {c: i for i, c in enumerate(self.codes)}
        k = len(self.codes)
        examples = [e for e in examples if e[2] in index]
        rejected = [(s, index[c]) for s, c in rejected if c in index]
        n, m = len(strings), len(examples)
        y = np.zeros((n + m + len(rejected), k), dtype=bool)
        for i, codes in enumerate(labels):
            y[i, [index[c] for c in codes if c in index]] = True
        for j, (_, _, code, _) in enumerate(examples):
            y[n + j, index[code]] = True
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        self.positives_ = w @ y[:n]  # what the blend trusts: coded spans (fractions add up)
        corpus = self._prepare([*strings, *(e[0] for e in examples), *(s for s, _ in rejected)])
        self.vectorizer_ = lemma_vectorizer(ngram_range=(1, 2), min_df=1)
        x = self.vectorizer_.fit_transform(corpus)
        self.word_names_ = self.vectorizer_.get_feature_names_out()  # once: building it is slow
        self.chars_ = None
        if self.char_ngrams:
            self.chars_ = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(3, 5),
                min_df=2,
                sublinear_tf=True,
                preprocessor=strip_markers,
            )
            x = _normalize(sparse.hstack([x, self.chars_.fit_transform(corpus)], format="csr"))
        self.x_ = x
        self.y_ = y
        self.w_ = np.concatenate(
            [w, [e[3] * self.codebook_weight for e in examples], [REJECTION_WEIGHT] * len(rejected)]
        )
        self.kind_ = np.array([CODED] * n + [CODEBOOK] * m + [REJECTED] * len(rejected))
        self.rejected_code_ = np.array([-1] * (n + m) + [c for _, c in rejected], dtype=int)
        self.memory_text_ = [*texts, *(e[1] for e in examples)]
        self.coef_ = np.zeros((x.shape[1], k), dtype=np.float32)
        self.intercept_ = np.zeros(k)
        self.platt_ = np.tile([1.0, 0.0], (k, 1))
        self.fitted_ = np.zeros(k, dtype=bool)
        for c in range(k):
            self._fit_code(c, calibrate=True)
        self._remember()
        self.version_ = self.VERSION
        return self

    def partial_fit(
        self,
        strings: list[str],
        texts: list[str],
        labels: list[set[str]],
        rejected: list[tuple[str, str]] = (),
        weights: list[float] | None = None,
    ) -> LearnedModel:
        """Add examples to the fitted model now: the vocabulary stays (new words wait for the full
        refit), the examples join the neighbours, and only the codes they name are refitted, each
        keeping its calibration. Codes they do not name gain a negative, which moves them little.
        """
        index = {c: i for i, c in enumerate(self.codes)}
        k = len(self.codes)
        rejected = [(s, index[c]) for s, c in rejected if c in index]
        n = len(strings)
        if not n and not rejected:
            return self
        y = np.zeros((n + len(rejected), k), dtype=bool)
        for i, codes in enumerate(labels):
            y[i, [index[c] for c in codes if c in index]] = True
        x = self.features([*strings, *(s for s, _ in rejected)])
        self.x_ = sparse.vstack([self.x_, x], format="csr")
        self.y_ = np.vstack([self.y_, y])
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        self.w_ = np.concatenate([self.w_, w, np.full(len(rejected), REJECTION_WEIGHT)])
        self.kind_ = np.concatenate([self.kind_, [CODED] * n, [REJECTED] * len(rejected)])
        self.rejected_code_ = np.concatenate(
            [self.rejected_code_, [-1] * n, [c for _, c in rejected]]
        ).astype(int)
        self.memory_text_ = [*self.memory_text_, *texts]
        self.positives_ = self.positives_ + w @ y[:n]
        # new arrays, not changes in place: a shallow copy of a model can take the update while
        # the original still serves suggestions
        self.coef_, self.intercept_ = self.coef_.copy(), self.intercept_.copy()
        self.platt_, self.fitted_ = self.platt_.copy(), self.fitted_.copy()
        for c in sorted(set(np.flatnonzero(y.any(axis=0))) | {c for _, c in rejected}):
            self._fit_code(int(c), calibrate=False)
        self._remember()
        return self

    def _fit_code(self, c: int, calibrate: bool) -> None:
        """Fit code c's regression on every example (and its own rejections)."""
        keep = (self.kind_ != REJECTED) | (self.rejected_code_ == c)
        if keep.all():  # no other code's rejections to leave out: no copy of the matrix
            x, y, w = self.x_, self.y_[:, c], self.w_
        else:
            rows = np.flatnonzero(keep)
            x, y, w = self.x_[rows], self.y_[rows, c], self.w_[rows]
        pos = int(y.sum())
        if pos == 0 or pos == len(y):
            return
        clf = _logistic(self.C).fit(x, y, sample_weight=w)
        self.coef_[:, c], self.intercept_[c] = clf.coef_[0], float(clf.intercept_[0])
        self.fitted_[c] = True
        if calibrate:
            self.platt_[c] = self._calibration(x, y, w, int(self.positives_[c]))

    def _calibration(self, x, y, w, coded: int) -> tuple[float, float]:
        """Platt scaling (a, b) from out-of-fold decision values, as
        CalibratedClassifierCV(method="sigmoid") does, without its per-code optimiser cost."""
        if min(coded, int((~y).sum())) < CALIBRATE_MIN:
            return 1.0, 0.0  # plain logistic output when there are too few examples
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
        f = np.zeros(len(y))
        for tr, te in folds.split(np.zeros(len(y)), y):
            f[te] = (
                _logistic(self.C).fit(x[tr], y[tr], sample_weight=w[tr]).decision_function(x[te])
            )
        return platt(f, y, w)

    def _remember(self) -> None:
        """The examples neighbours are looked up among: coded spans and codebook sentences."""
        keep = np.flatnonzero(self.kind_ != REJECTED)
        # features x examples, built once: `x @ memory.T` converted the matrix on every call
        self.memory_xt_ = self.x_[keep].T.tocsr()
        self.memory_y_ = self.y_[keep]
        self.memory_coded_ = self.kind_[keep] == CODED
        self._columns_ = None  # found again from the new memory (`_columns`)

    # -- scoring -----------------------------------------------------------------------------------
    def predict_proba(self, x) -> np.ndarray:
        """Calibrated probabilities (rows x codes); 0 for codes that have no examples yet."""
        decision = np.asarray(x @ self.coef_) + self.intercept_
        out = expit(self.platt_[:, 0] * decision + self.platt_[:, 1])
        out[:, ~self.fitted_] = 0.0
        return out

    def similarity(self, x) -> np.ndarray:
        """Per row and code: cosine similarity to the code's most similar codebook sentence, or
        the mean over its `NEAREST` most similar coded passages (all, when it has fewer) if that
        is higher. Codebook sentences are read alone: a code with a long codebook entry would
        otherwise win on the number of its sentences."""
        sims = (x @ self.memory_xt_).toarray()
        out = np.zeros((x.shape[0], len(self.codes)))
        for c, (book, coded) in enumerate(self._columns()):
            if len(book):
                out[:, c] = sims[:, book].max(axis=1)
            if len(coded):
                near = sims[:, coded]
                if len(coded) > NEAREST:
                    near = np.partition(near, -NEAREST, axis=1)[:, -NEAREST:]
                out[:, c] = np.maximum(out[:, c], near.mean(axis=1))
        return out

    def _columns(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per code, the memory columns of its codebook sentences and of its coded passages:
        found once per model (boolean masks per call made a suggestion 0.7 ms slower)."""
        cols = self.__dict__.get("_columns_")
        if cols is None or len(cols) != len(self.codes):
            y, coded = self.memory_y_, self.memory_coded_
            cols = [
                (np.flatnonzero(y[:, c] & ~coded), np.flatnonzero(y[:, c] & coded))
                for c in range(len(self.codes))
            ]
            self._columns_ = cols
        return cols

    def scores(self, x) -> np.ndarray:
        """The model's score per code: calibrated probability and neighbour similarity."""
        proba = self.predict_proba(x)
        if not self.neighbours:
            return proba
        return (1 - self.neighbours) * proba + self.neighbours * self.similarity(x)

    def terms(self, x_row, c: int, top: int = 3) -> list[tuple[str, float]]:
        """The word features of one segment that pushed code `c` up most (tf-idf x weight)."""
        if not self.fitted_[c]:
            return []
        row = x_row.tocsr()
        keep = row.indices < len(self.word_names_)
        idx, values = row.indices[keep], row.data[keep]
        contrib = values * self.coef_[idx, c]
        best = np.argsort(-contrib)[:top]
        return [
            (str(self.word_names_[idx[j]]), round(float(contrib[j]), 2))
            for j in best
            if contrib[j] >= MIN_TERM
        ]

    def closest_examples(self, x_row) -> tuple[np.ndarray, np.ndarray]:
        """Per code, the index (into `train_text`) of the most similar example with that code
        (-1: none) and its cosine similarity; one sparse product for all codes."""
        sims = (x_row @ self.memory_xt_).toarray().ravel()
        masked = np.where(self.memory_y_, sims[:, None], -1.0)
        best = masked.argmax(axis=0)
        best_sim = masked[best, np.arange(masked.shape[1])]
        return np.where(best_sim >= 0, best, -1), best_sim

    def is_coded(self, i: int) -> bool:
        """Whether memory row i is a coded span (else a codebook sentence)."""
        return bool(self.memory_coded_[i])


def is_function_term(term: str) -> bool:
    return any(is_marker(w) for w in term.split())


def _normalize(x):
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ x


def _logistic(C: float) -> LogisticRegression:
    # the dual problem: features outnumber examples, and the primal solver took seconds per code
    # tol: the coefficients agree to four digits with the default's, in half the time
    return LogisticRegression(C=C, solver="liblinear", dual=True, random_state=SEED, tol=TOL)


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
