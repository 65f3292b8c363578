"""Rank codes for segments: the codebook prior blended with the model learned from the codings.

A code with n coded examples gets weight n / (n + BLEND) on the learned probability and the rest
on the prior, so a code nobody has used yet can still be suggested from its keywords and examples.
`retrain` builds a new model aside and swaps it in with one assignment, so the UI thread can keep
calling `rank` while a background thread retrains.
"""

from __future__ import annotations

import threading
from pathlib import Path

import joblib
import numpy as np

from codebook.model import Codebook
from codebook.nlp import docs, lemma_string
from codebook.suggest.data import TrainingData, codebook_digest, sample
from codebook.suggest.learned import LearnedModel
from codebook.suggest.prior import CodebookPrior
from codebook.suggest.types import Suggestion

BLEND = 4.0
MIN_SCORE = 0.01  # below this there is no evidence at all: not worth showing
MODEL_VERSION = LearnedModel.VERSION


def blend(prior: np.ndarray, proba: np.ndarray, positives: np.ndarray, k: float = BLEND):
    """Weight n / (n + k) on the learned probability of a code with n examples, the rest on the
    prior: a code nobody has used yet is ranked by the codebook alone."""
    alpha = positives / (positives + k)
    return alpha * proba + (1 - alpha) * prior, alpha


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Suggester:
    def __init__(
        self,
        codebook: Codebook,
        lang: str = "nl",
        cache_dir: Path | None = None,
        compounds: bool = True,
        char_ngrams: bool = True,
        blend: float = BLEND,
    ):
        self.codebook = codebook
        self.lang = lang
        self.cache_dir = cache_dir
        self.compounds = compounds
        self.char_ngrams = char_ngrams
        self.blend = blend
        self.ids = [c.id for c in codebook.codes.values() if c.codable]
        self._prior: CodebookPrior | None = None
        self._state: tuple[LearnedModel | None, str | None] = (None, None)
        self._lock = threading.Lock()  # one retrain at a time
        self._prior_lock = threading.Lock()  # separate: the UI must not wait for a retrain
        self._lemma_cache: dict[str, str] = {}

    # -- fitting ----------------------------------------------------------------------------
    @property
    def prior(self) -> CodebookPrior:
        if self._prior is None:
            with self._prior_lock:
                if self._prior is None:
                    self._prior = CodebookPrior(self.codebook, self.lang, self.compounds)
        return self._prior

    @property
    def model(self) -> LearnedModel | None:
        return self._state[0]

    def key(self, data: TrainingData) -> str:
        salt = [str(MODEL_VERSION), self.lang, str(self.compounds), str(self.char_ngrams)]
        return data.digest(*salt, codebook_digest(self.codebook))

    def fit(self, data: TrainingData) -> Suggester:
        """Fit on `data` now, without the cache (evaluation uses this)."""
        model = self._fit_model(data)
        self._state = (model, None)
        return self

    def _fit_model(self, data: TrainingData) -> LearnedModel | None:
        if not len(data):
            return None
        data, weights = sample(data)  # a large project is fitted on a weighted sample
        return LearnedModel(self.ids, self.char_ngrams).fit(
            self._lemma_strings(data.texts),
            data.texts,
            data.labels,
            list(
                zip(
                    self._lemma_strings([t for t, _ in data.rejected]),
                    [c for _, c in data.rejected],
                    strict=True,
                )
            ),
            weights,
        )

    def _lemma_strings(self, texts: list[str]) -> list[str]:
        """Lemma strings, remembered between retrains: after one more coding, only its text is
        new."""
        cache = self._lemma_cache
        new = [t for t in dict.fromkeys(texts) if t not in cache]
        if len(cache) + len(new) > 500_000:
            cache.clear()
            new = list(dict.fromkeys(texts))
        for text, doc in zip(new, docs(new, self.lang), strict=True):
            cache[text] = lemma_string(doc)
        return [cache[t] for t in texts]

    def retrain(self, data: TrainingData) -> bool:
        """Refit unless the model for exactly these codings is loaded; False if nothing changed."""
        key = self.key(data)
        if self._state[1] == key:
            return False
        with self._lock:
            if self._state[1] == key:
                return False
            model = self._load(key)
            if model is None and len(data):
                model = self._fit_model(data)
                self._save(key, model)
            self._state = (model, key)  # one assignment: readers see old or new, never half
        return True

    def load(self, data: TrainingData) -> bool:
        """Take a cached model for these codings if there is one; never fits."""
        key = self.key(data)
        model = self._load(key)
        if model is not None:
            self._state = (model, key)
        return model is not None

    def _path(self, key: str) -> Path | None:
        return self.cache_dir / "suggest" / f"model-{key[:24]}.joblib" if self.cache_dir else None

    def _load(self, key: str) -> LearnedModel | None:
        path = self._path(key)
        if path is None or not path.exists():
            return None
        try:
            model = joblib.load(path)
        except Exception:  # a stale or truncated cache is rebuilt, not an error
            return None
        ok = isinstance(model, LearnedModel) and model.version == LearnedModel.VERSION
        return model if ok else None

    def _save(self, key: str, model: LearnedModel | None) -> None:
        path = self._path(key)
        if path is None or model is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        joblib.dump(model, tmp)
        tmp.replace(path)
        for old in path.parent.glob("model-*.joblib"):
            if old != path:
                old.unlink(missing_ok=True)

    # -- scoring ----------------------------------------------------------------------------
    def scores(self, texts: list[str], use_model: bool = True) -> np.ndarray:
        """Blended scores (texts x codable codes, in `self.ids` order)."""
        return self._score(docs(texts, self.lang), use_model)[0]

    def _score(self, segs, use_model: bool = True):
        prior, evidence = self.prior.score(segs)
        model = self.model if use_model else None
        if model is None:
            return prior, prior, None, None, evidence, None
        x = model.features([lemma_string(d) for d in segs])
        proba = model.predict_proba(x)
        blended, alpha = blend(prior, proba, model.positives, self.blend)
        return blended, prior, proba, alpha, evidence, (model, x)

    def rank(
        self,
        texts: list[str],
        top: int = 5,
        skip: list[set[str]] | None = None,
        own: list[str] | None = None,
    ) -> list[list[Suggestion]]:
        """The `top` codes per text, best first, with reasons; codes in `skip[i]` left out.

        When `texts` are segments in context, `own[i]` is the segment alone, so that a reason
        found only in a neighbouring sentence can say so.
        """
        segs = docs(texts, self.lang)
        blended, prior, proba, alpha, evidence, fitted = self._score(segs)
        out = []
        for i in range(len(segs)):
            order = np.argsort(-blended[i], kind="stable")
            banned = skip[i] if skip else set()
            chosen = [c for c in order if self.ids[c] not in banned and blended[i, c] >= MIN_SCORE][
                :top
            ]
            closest = fitted[0].closest_examples(fitted[1][i]) if fitted and chosen else None
            out.append(
                [
                    self._suggestion(
                        i,
                        c,
                        blended,
                        prior,
                        proba,
                        alpha,
                        evidence,
                        fitted,
                        closest,
                        own[i] if own else None,
                    )
                    for c in chosen
                ]
            )
        return out

    def _suggestion(
        self, i, c, blended, prior, proba, alpha, evidence, fitted, closest, own
    ) -> Suggestion:
        ev = evidence[i][c]
        prior_why = [f"keyword '{t}' ({w:.2f})" for t, w in ev["terms"]]
        if own is not None and any(tok not in own for tok in ev["tokens"]):
            prior_why.append("(some keywords are in the sentence before or after)")
        if ev["example"] and ev["example_sim"] >= 0.15:
            prior_why.append(f"like codebook example: '{_short(ev['example'])}'")
        elif ev["definition_sim"] >= 0.15:
            prior_why.append(f"close to the definition ({ev['definition_sim']:.2f})")
        if ev["redirect"] >= 0.1:
            prior_why.append(
                f"another code's exclude criterion points here: '{_short(ev['clause'], 50)}' "
                f"(+{ev['redirect']:.2f})"
            )
        if ev["exclude"] >= 0.1:
            prior_why.append(
                f"resembles its exclude criterion: '{_short(ev['clause'], 50)}' "
                f"(-{ev['exclude']:.2f})"
            )
        terms, example, model_p = list(ev["terms"]), ev["example"], None
        why = prior_why
        if fitted is not None and alpha[c] > 0:
            model, x = fitted
            model_p = float(proba[i, c])
            learned = model.terms(x[i], c)
            model_why = [f"term '{t}' (+{w:.2f})" for t, w in learned]
            best, best_sim = closest
            near = model.train_text[best[c]] if best[c] >= 0 else None
            sim = float(best_sim[c])
            if near and sim >= 0.1:
                model_why.append(f"like coded example: '{_short(near)}' ({sim:.2f})")
                example = near
            terms = learned + terms
            why = model_why + prior_why if alpha[c] >= 0.5 else prior_why + model_why
        return Suggestion(
            code=self.ids[c],
            score=float(np.clip(blended[i, c], 0.0, 1.0)),
            why=why or ["the model's base rate for this code"],
            terms=terms,
            example=example,
            prior=float(prior[i, c]),
            model=model_p,
        )
