"""Rank codes for segments: the codebook prior blended with the model learned from the codings.

A code with n coded examples gets weight (n + TRUST) / (n + TRUST + BLEND) on the learned score
and the rest on the prior: the learned model starts from the codebook's own sentences (worth
TRUST coded examples), so a code nobody has used yet is still suggested from its keywords and
examples, and the researcher's codings take over as they add up.

A code then moves `FAMILY` of the way up to its best sibling's score (siblings: the codes under
one parent in the codebook): a passage about one code of a family is often about another, so the
codes after the first lean towards the first's family (`lift`). Top-level codes are no family.

The prior is `calibrate`d on the project's own passages (`TrainingData.corpus`), so that a code
whose words are everywhere in these interviews does not lead everywhere; the level per code is
cached beside the model.

`retrain` builds a new model aside and swaps it in with one assignment, so the UI thread can keep
calling `rank` while a background thread retrains; `update` adds a new coding to (a copy of) the
current model at once, for the moments before that refit is done.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from pathlib import Path

import joblib
import numpy as np
import sklearn

from codebook.files import atomic_output
from codebook.model import Codebook
from codebook.nlp import docs
from codebook.nlp.function import describe, feature_string
from codebook.suggest.context import Reading, smooth
from codebook.suggest.data import TrainingData, codebook_digest, sample
from codebook.suggest.examples import codebook_examples
from codebook.suggest.learned import NEIGHBOURS, LearnedModel
from codebook.suggest.prior import CodebookPrior
from codebook.suggest.types import Suggestion

BLEND = 2.0
TRUST = 3.0  # how many coded examples the codebook's sentences are worth to the blend
MIN_SCORE = 0.01  # below this (before the family's lift) there is no evidence: not shown
AROUND = 0.05  # the sentences around a passage raised a code by this much: worth saying
FAMILY = 0.2  # how far a code moves up to its best sibling (0.35, or adding 0.1-0.3: no better)
MODEL_VERSION = LearnedModel.VERSION
SUGGESTER_VERSION = 4  # bump with any change of what a cached model is fitted on


def blend(
    prior: np.ndarray, learned: np.ndarray, positives: np.ndarray, k: float = BLEND, trust=0.0
):
    """Weight (n + trust) / (n + trust + k) on the learned score of a code with n examples, the
    rest on the prior: a code nobody has used yet is ranked mostly by the codebook."""
    n = positives + trust
    alpha = n / (n + k)
    return alpha * learned + (1 - alpha) * prior, alpha


def siblings(codebook: Codebook, ids: list[str]) -> np.ndarray:
    """ids x ids, True where two different codes have the same parent (top-level codes: none)."""
    parent = np.array([codebook.codes[c].parent or "" for c in ids], dtype=object)
    same = (parent[:, None] == parent[None, :]) & (parent[:, None] != "")
    np.fill_diagonal(same, False)
    return same


def lift(scores: np.ndarray, family: np.ndarray, k: float = FAMILY) -> np.ndarray:
    """Each code moved k of the way up to its best sibling's score when that is higher
    (`family`: see `siblings`). The first code keeps its place: the codes after it change."""
    if not family.any():
        return scores
    best = np.where(family[None], scores[:, None, :], -np.inf).max(axis=2)
    return scores + k * np.maximum(best - scores, 0.0)


def _flatten(passages: list[str | Reading]) -> tuple[list[str], list[list[tuple[int, float]]]]:
    """Every text to score once (the passages' own first, in order) and, per passage, the rows
    of its neighbours with their weights."""
    texts = [p.text if isinstance(p, Reading) else p for p in passages]
    row = {t: i for i, t in enumerate(texts)}
    around = []
    for p in passages:
        near = []
        for text, w in p.around if isinstance(p, Reading) else ():
            if text not in row:
                row[text] = len(texts)
                texts.append(text)
            near.append((row[text], w))
        around.append(near)
    return texts, around


def _replace_cache(path: Path, dump, others: str) -> None:
    """Write a cache file atomically (`files.atomic_output`) and drop the older `others`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        dump(tmp)
    for old in path.parent.glob(others):
        if old != path:
            old.unlink(missing_ok=True)


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class Suggester:
    """scikit-learn style: `__init__` keeps the settings; `fit`/`retrain` set `model_`."""

    def __init__(
        self,
        codebook: Codebook,
        lang: str = "nl",
        cache_dir: Path | None = None,
        compounds: bool = True,
        char_ngrams: bool = True,
        blend: float = BLEND,
        neighbours: float = NEIGHBOURS,
        function: bool = True,
        examples: bool = True,
        phrases: bool = True,
    ):
        self.codebook = codebook
        self.lang = lang
        self.cache_dir = cache_dir
        self.compounds = compounds
        self.char_ngrams = char_ngrams
        self.blend = blend
        self.neighbours = neighbours
        self.function = function
        self.examples = examples
        self.phrases = phrases
        self._prior: CodebookPrior | None = None
        self._examples: list | None = None
        self._state: tuple[LearnedModel | None, str | None] = (None, None)
        self._lock = threading.Lock()  # one retrain at a time
        self._prior_lock = threading.Lock()  # separate: the UI must not wait for a retrain
        self._string_cache: dict[str, str] = {}
        self._calibrated: str | None = None  # the corpus key the prior's level was set from
        self._family: np.ndarray | None = None

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.codebook.codes.values() if c.codable]

    # -- fitting ----------------------------------------------------------------------------
    @property
    def prior(self) -> CodebookPrior:
        if self._prior is None:
            with self._prior_lock:
                if self._prior is None:
                    self._prior = CodebookPrior(
                        lang=self.lang, compounds=self.compounds, phrases=self.phrases
                    ).fit(self.codebook)
        return self._prior

    @property
    def model(self) -> LearnedModel | None:
        return self._state[0]

    model_ = model  # the scikit-learn name of the learned state

    @property
    def trust(self) -> float:
        return TRUST if self.examples else 0.0

    def key(self, data: TrainingData) -> str:
        salt = [
            f"{MODEL_VERSION}.{SUGGESTER_VERSION}",
            self.lang,
            *(str(v) for v in (self.compounds, self.char_ngrams, self.neighbours)),
            *(str(v) for v in (self.function, self.examples, self.phrases)),
        ]
        return data.digest(*salt, codebook_digest(self.codebook))

    def fit(self, data: TrainingData) -> Suggester:
        """Fit on `data` now, without the model cache."""
        self.calibrate(data.corpus)
        model = self._fit_model(data)
        self._state = (model, None)
        return self

    def new_model(self) -> LearnedModel:
        return LearnedModel(
            self.ids, self.char_ngrams, neighbours=self.neighbours, function=self.function
        )

    def codebook_examples(self) -> list[tuple[str, str, str, float]]:
        """The codebook's sentences as (feature string, text, code, weight), built once."""
        if not self.examples:
            return []
        if self._examples is None:
            found = codebook_examples(self.codebook)
            strings = self.strings([t for t, _, _ in found])
            self._examples = [(s, t, c, w) for s, (t, c, w) in zip(strings, found, strict=True)]
        return self._examples

    def _fit_model(self, data: TrainingData) -> LearnedModel | None:
        examples = self.codebook_examples()
        if not len(data) and not examples:
            return None
        data, weights = sample(data)  # a large project is fitted on a weighted sample
        rejected = list(
            zip(
                self.strings([t for t, _ in data.rejected]),
                [c for _, c in data.rejected],
                strict=True,
            )
        )
        return self.new_model().fit(
            self.strings(data.texts), data.shown, data.labels, rejected, weights, examples
        )

    def strings(self, texts: list[str]) -> list[str]:
        """Feature strings (lemmas and function markers), remembered between retrains: after one
        more coding, only its text is new."""
        cache = self._string_cache
        new = [t for t in dict.fromkeys(texts) if t not in cache]
        if len(cache) + len(new) > 500_000:
            cache.clear()
            new = list(dict.fromkeys(texts))
        for text, doc in zip(new, docs(new, self.lang), strict=True):
            cache[text] = feature_string(doc, self.lang)
        return [cache[t] for t in texts]

    def retrain(self, data: TrainingData) -> bool:
        """Refit unless the model for exactly these codings is loaded; False if nothing changed."""
        self.calibrate(data.corpus)
        key = self.key(data)
        if self._state[1] == key:
            return False
        with self._lock:
            if self._state[1] == key:
                return False
            model = self._load(key)
            if model is None:
                model = self._fit_model(data)
                self._save(key, model)
            self._state = (model, key)  # one assignment: readers see old or new, never half
        return True

    def update(self, data: TrainingData) -> bool:
        """Learn new codings (and rejections) at once, without a full refit.

        A copy of the current model takes the new examples (`LearnedModel.partial_fit`) and is
        swapped in; its key is cleared, so the next `retrain` still does the full refit. False
        when there is no fitted model to update (then only `retrain` helps).
        """
        current = self.model
        if current is None or not hasattr(current, "x_"):
            return False
        n = len(data)
        strings = self.strings(data.texts + [t for t, _ in data.rejected])
        pairs = list(zip(strings[n:], [c for _, c in data.rejected], strict=True))
        model = copy.copy(current).partial_fit(
            strings[:n], data.shown, data.labels, pairs, data.weights
        )
        self._state = (model, None)
        return True

    def load(self, data: TrainingData) -> bool:
        """Take a cached model for these codings if there is one; never fits a model."""
        self.calibrate(data.corpus)
        key = self.key(data)
        model = self._load(key)
        if model is not None:
            self._state = (model, key)
        return model is not None

    def calibrate(self, corpus: list[str]) -> None:
        """Set the prior's level per code from the project's passages (`CodebookPrior.calibrate`),
        from the cache when these passages and this codebook were measured before."""
        if not corpus:  # no passages (yet, or any more): the codebook's scores as they are
            if self._calibrated is not None:
                self.prior.baseline_, self._calibrated = None, None
            return
        settings = [SUGGESTER_VERSION, self.lang, self.compounds, self.phrases]
        settings.append(codebook_digest(self.codebook))
        h = hashlib.sha256(json.dumps([str(v) for v in settings]).encode())
        h.update(json.dumps(corpus).encode())
        key = h.hexdigest()
        if self._calibrated == key:
            return
        path = self.cache_dir / "suggest" / f"level-{key[:24]}.npy" if self.cache_dir else None
        level = None
        if path is not None and path.exists():
            try:
                level = np.load(path)
            except (OSError, ValueError):  # a truncated cache is measured again
                level = None
        if level is None or level.shape != (len(self.ids),):
            level = self.prior.calibrate(docs(corpus, self.lang)).baseline_
            if path is not None:

                def dump(tmp: Path) -> None:
                    with tmp.open("wb") as f:  # a file, not a name: np.save would add ".npy"
                        np.save(f, level)

                _replace_cache(path, dump, "level-*.npy")
        self.prior.baseline_ = level
        self._calibrated = key

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
        _replace_cache(path, lambda tmp: joblib.dump(model, tmp), "model-*.joblib")

    # -- scoring ----------------------------------------------------------------------------
    def scores(self, passages: list[str | Reading], use_model: bool = True) -> np.ndarray:
        """Blended scores (passages x codable codes, in `self.ids` order); a `Reading`'s
        neighbours count with their weights (`context.smooth`)."""
        texts, around = _flatten(passages)
        base = self._score(docs(texts, self.lang), use_model)[0]
        return smooth(lift(base, self.family), around)

    @property
    def family(self) -> np.ndarray:
        if self._family is None:
            self._family = siblings(self.codebook, self.ids)
        return self._family

    def _score(self, segs, use_model: bool = True):
        # our own vectorizers on our own texts: scikit-learn's argument and finiteness checks
        # were a tenth of a suggestion's time
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self._unchecked_score(segs, use_model)

    def _unchecked_score(self, segs, use_model: bool):
        prior, evidence = self.prior.score(segs)
        model = self.model if use_model else None
        if model is None:
            return prior, prior, None, None, evidence, None
        x = model.features([feature_string(d, self.lang) for d in segs])
        learned = model.scores(x)
        blended, alpha = blend(prior, learned, model.positives_, self.blend, self.trust)
        return blended, prior, learned, alpha, evidence, (model, x)

    def rank(
        self,
        passages: list[str | Reading],
        top: int = 5,
        skip: list[set[str]] | None = None,
        own: list[str] | None = None,
    ) -> list[list[Suggestion]]:
        """The `top` codes per passage, best first, with reasons; codes in `skip[i]` left out.

        Only codable codes are ranked (a grouping code is never suggested). A passage is a text
        or a `Reading` (context and neighbours, `suggest.context`); then `own[i]` is the segment
        alone, so that a reason found only in a neighbouring sentence can say so.
        """
        texts, around = _flatten(passages)
        base, prior, learned, alpha, evidence, fitted = self._score(docs(texts, self.lang))
        alone = lift(base, self.family)
        blended = smooth(alone, around)
        evident = smooth(base, around) >= MIN_SCORE  # a sibling's lift alone is no evidence
        ids = self.ids
        out = []
        for i in range(len(passages)):
            order = np.argsort(-blended[i], kind="stable")
            banned = skip[i] if skip else set()
            chosen = [c for c in order if ids[c] not in banned and evident[i, c]][:top]
            closest = fitted[0].closest_examples(fitted[1][i]) if fitted and chosen else None
            scored = (blended, alone, base, prior, learned, alpha, evidence, fitted)
            own_i = own[i] if own else None
            out.append([self._suggestion(i, c, scored, closest, own_i) for c in chosen])
        return out

    def _prior_why(self, ev: dict, own: str | None) -> list[str]:
        why = [f"keyword '{t}' ({w:.2f})" for t, w in ev["terms"]]
        if own is not None and any(tok not in own for tok in ev["tokens"]):
            why.append("(some keywords are in the sentence before or after)")
        if ev["example"] and ev["example_sim"] >= 0.15:
            why.append(f"like codebook example: '{_short(ev['example'])}'")
        elif ev["definition_sim"] >= 0.15:
            why.append(f"close to the definition ({ev['definition_sim']:.2f})")
        if ev["redirect"] >= 0.1:
            why.append(
                f"another code's exclude criterion points here: '{_short(ev['clause'], 50)}' "
                f"(+{ev['redirect']:.2f})"
            )
        if ev["exclude"] >= 0.1:
            why.append(
                f"resembles its exclude criterion: '{_short(ev['clause'], 50)}' "
                f"(-{ev['exclude']:.2f})"
            )
        return why

    def _suggestion(self, i, c, scored, closest, own) -> Suggestion:
        blended, alone, base, prior, learned, alpha, evidence, fitted = scored
        ev = evidence[i][c]
        prior_why = self._prior_why(ev, own)
        terms, example, model_p = list(ev["terms"]), ev["example"], None
        why = prior_why
        if fitted is not None and alpha[c] > 0:
            model, x = fitted
            model_p = float(learned[i, c])
            found = model.terms(x[i], c)
            model_why = [f"term '{describe(t)}' (+{w:.2f})" for t, w in found]
            best, best_sim = closest
            near = model.train_text[best[c]] if best[c] >= 0 else None
            sim = float(best_sim[c])
            if near and sim >= 0.1:
                what = "coded example" if model.is_coded(int(best[c])) else "codebook text"
                model_why.append(f"like {what}: '{_short(near)}' ({sim:.2f})")
                example = near
            terms = found + terms
            why = model_why + prior_why if alpha[c] >= 0.5 else prior_why + model_why
        gained = float(alone[i, c] - base[i, c])
        if gained >= AROUND:
            sibling = self.ids[int(np.argmax(np.where(self.family[c], base[i], -np.inf)))]
            why.append(f"its sibling '{sibling}' scores higher here (+{gained:.2f})")
        raised = float(blended[i, c] - alone[i, c])
        if raised >= AROUND:
            why.append(f"the sentences around it point here too (+{raised:.2f})")
        return Suggestion(
            code=self.ids[c],
            score=float(np.clip(blended[i, c], 0.0, 1.0)),
            why=why or ["the model's base rate for this code"],
            terms=terms,
            example=example,
            prior=float(prior[i, c]),
            model=model_p,
        )
