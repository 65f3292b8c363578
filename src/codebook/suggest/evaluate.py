"""How good are the suggestions? Cross-validation grouped by transcript, against baselines.

Train on the coded spans of some transcripts, rank codes for every coded segment of the others
(a segment's gold codes: the codings covering at least half of it), and compare with two
baselines in the same folds: the most frequent codes of the training folds, and keyword matches
alone (ties, e.g. no keyword at all, broken by frequency). One coder's codings are evaluated
(the coder with most codings unless named): a second coder's codes on the same passages are a
different opinion, not more truth, and mixing them would make the gold standard inconsistent.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from codebook.model import Codebook, CodebookError, Coding, Segment, Transcript
from codebook.nlp import docs, lemma_string
from codebook.suggest.context import contexts
from codebook.suggest.learned import LearnedModel
from codebook.suggest.prior import CodebookPrior
from codebook.suggest.suggester import blend

CURVE = (10, 25, 50, 100, 200, 400, 800, 1600)
MIN_OVERLAP = 0.5
SYSTEMS = ("model", "most_frequent", "keywords")


def metrics(scores: np.ndarray, gold: list[set[int]], labels: list[int]) -> dict:
    """top-1 / top-3 accuracy of the ranking and F1 of the top-1 code against the gold codes."""
    order = np.argsort(-scores, axis=1, kind="stable")
    top1 = np.mean([order[i, 0] in g for i, g in enumerate(gold)])
    top3 = np.mean([bool(set(order[i, :3]) & g) for i, g in enumerate(gold)])
    y_true = np.zeros(scores.shape, dtype=int)
    for i, g in enumerate(gold):
        y_true[i, list(g)] = 1
    y_pred = np.zeros(scores.shape, dtype=int)
    y_pred[np.arange(len(gold)), order[:, 0]] = 1
    f1 = {
        avg: float(f1_score(y_true, y_pred, labels=labels, average=avg, zero_division=0))
        for avg in ("micro", "macro")
    }
    return {
        "top1": round(float(top1), 4),
        "top3": round(float(top3), 4),
        "micro_f1": round(f1["micro"], 4),
        "macro_f1": round(f1["macro"], 4),
    }


def per_code(scores, gold, labels, ids) -> list[dict]:
    y_true = np.zeros(scores.shape, dtype=int)
    for i, g in enumerate(gold):
        y_true[i, list(g)] = 1
    y_pred = np.zeros(scores.shape, dtype=int)
    y_pred[np.arange(len(gold)), np.argmax(scores, axis=1)] = 1
    p, r, f, n = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return [
        {
            "code": ids[c],
            "precision": round(float(p[k]), 3),
            "recall": round(float(r[k]), 3),
            "f1": round(float(f[k]), 3),
            "support": int(n[k]),
        }
        for k, c in enumerate(labels)
    ]


class _Data:
    """Coded spans (training units) and coded segments (test units) of one coder."""

    def __init__(self, transcripts, segments, codings, coder: str, ids: list[str]):
        index = {c: i for i, c in enumerate(ids)}
        texts = {t.id: t.text for t in transcripts}
        codings = [c for c in codings if c.coder == coder and c.code in index]
        spans: dict[tuple[int, int, int], set[int]] = {}
        for c in codings:
            spans.setdefault((c.transcript_id, c.start, c.end), set()).add(index[c.code])
        keys = sorted(spans)
        self.span_group = np.array([k[0] for k in keys])
        self.span_text = [texts[t][s:e] for t, s, e in keys]
        self.span_labels = [spans[k] for k in keys]
        by_tid: dict[int, list] = {}
        for c in codings:
            by_tid.setdefault(c.transcript_id, []).append(c)
        seg_group, seg_text, seg_gold = [], [], []
        by_transcript: dict[int, list] = {}
        for g in segments:
            by_transcript.setdefault(g.transcript_id, []).append(g)
        context = {
            g.id: c
            for tid, segs in by_transcript.items()
            for g, c in zip(segs, contexts(texts[tid], segs), strict=True)
        }
        for g in segments:
            gold = {
                index[c.code]
                for c in by_tid.get(g.transcript_id, ())
                if min(c.end, g.end) - max(c.start, g.start) >= MIN_OVERLAP * (g.end - g.start)
            }
            if gold:
                seg_group.append(g.transcript_id)
                seg_text.append(context[g.id])  # scored in context, as the suggester does
                seg_gold.append(gold)
        self.seg_group = np.array(seg_group)
        self.seg_text, self.seg_gold = seg_text, seg_gold


def evaluate(
    transcripts: list[Transcript],
    segments: list[Segment],
    codings: list[Coding],
    codebook: Codebook,
    folds: int = 5,
    coder: str | None = None,
    seed: int = 13,
    curve: tuple[int, ...] = CURVE,
) -> dict:
    """The evaluation report as a dict (what `codebook evaluate` prints)."""
    counts = Counter(c.coder for c in codings)
    if not counts:
        raise CodebookError("nothing to evaluate: the project has no codings yet")
    coder = coder or counts.most_common(1)[0][0]
    if coder not in counts:
        raise CodebookError(f"no codings by coder '{coder}' (coders: {', '.join(sorted(counts))})")
    lang = codebook.language
    prior = CodebookPrior(codebook, lang, compounds=True)
    ids = prior.ids
    data = _Data(transcripts, segments, codings, coder, ids)
    groups = np.unique(data.span_group)
    if len(groups) < 2:
        raise CodebookError(f"coder '{coder}' coded only {len(groups)} transcript(s); need 2")
    if not data.seg_gold:
        raise CodebookError(f"coder '{coder}' has no coded segments to test on")
    if folds < 2:
        raise CodebookError("--folds must be at least 2")
    k = min(folds, len(groups))
    run = _Run(data, prior, CodebookPrior(codebook, lang, compounds=False), ids, seed, curve)
    names = {t.id: t.name for t in transcripts}
    splitter = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    fold_info = [
        run.fold(set(groups[train_g]), set(groups[test_g]), names)
        for train_g, test_g in splitter.split(groups, groups=groups)
    ]
    return run.report(coder, k, seed, len(groups), fold_info)


class _Run:
    """The pooled scores of every system over the folds of one evaluation."""

    SYSTEMS = (*SYSTEMS, "codebook_prior", "keywords_exact", "model_no_char_ngrams", "model_only")

    def __init__(self, data: _Data, prior, exact, ids, seed: int, curve: tuple[int, ...]):
        self.data, self.ids, self.curve = data, ids, curve
        lang = prior.lang
        self.span_ls = [lemma_string(d) for d in docs(data.span_text, lang)]
        seg_docs = docs(data.seg_text, lang)
        self.seg_ls = [lemma_string(d) for d in seg_docs]
        self.prior_all = prior.score(seg_docs)[0]
        self.kw_all = prior.keyword_scores(seg_docs)
        self.kw_exact_all = exact.keyword_scores(seg_docs)
        self.prior_exact_all = exact.score(seg_docs)[0]
        self.pooled = {s: np.zeros((len(self.seg_ls), len(ids))) for s in self.SYSTEMS}
        self.rng = np.random.default_rng(seed)
        self.curve_scores: dict[int, list] = {}

    def fold(self, train_t: set[int], test_t: set[int], names: dict[int, str]) -> dict:
        data, ids, pooled = self.data, self.ids, self.pooled
        tr = np.flatnonzero(np.isin(data.span_group, list(train_t)))
        te = np.flatnonzero(np.isin(data.seg_group, list(test_t)))
        x_ls = [self.span_ls[i] for i in tr]
        x_text = [data.span_text[i] for i in tr]
        y = [{ids[c] for c in data.span_labels[i]} for i in tr]
        freq = np.zeros(len(ids))
        for i in tr:
            freq[list(data.span_labels[i])] += 1
        tiebreak = 1e-6 * freq / max(freq.max(), 1)
        test_ls = [self.seg_ls[i] for i in te]
        model = LearnedModel(ids).fit(x_ls, x_text, y)
        proba = model.predict_proba(model.features(test_ls))
        pooled["model"][te] = blend(self.prior_all[te], proba, model.positives)[0]
        pooled["model_only"][te] = proba + tiebreak
        plain = LearnedModel(ids, char_ngrams=False).fit(x_ls, x_text, y)
        plain_p = plain.predict_proba(plain.features(test_ls))
        exact = blend(self.prior_exact_all[te], plain_p, plain.positives)[0]
        pooled["model_no_char_ngrams"][te] = exact
        pooled["most_frequent"][te] = np.tile(freq, (len(te), 1))
        pooled["keywords"][te] = self.kw_all[te] + tiebreak
        pooled["keywords_exact"][te] = self.kw_exact_all[te] + tiebreak
        pooled["codebook_prior"][te] = self.prior_all[te] + tiebreak
        for n in self.curve:
            if n >= len(tr):
                continue
            pick = self.rng.choice(len(tr), size=n, replace=False)
            sub = LearnedModel(ids).fit(
                [x_ls[i] for i in pick], [x_text[i] for i in pick], [y[i] for i in pick]
            )
            p = sub.predict_proba(sub.features(test_ls))
            scores = blend(self.prior_all[te], p, sub.positives)[0]
            self.curve_scores.setdefault(n, []).append((te, scores))
        return {
            "train": sorted(names[t] for t in train_t),
            "test": sorted(names[t] for t in test_t),
            "train_spans": len(tr),
            "test_segments": len(te),
        }

    def report(self, coder: str, k: int, seed: int, transcripts: int, fold_info) -> dict:
        gold = self.data.seg_gold
        labels = sorted({c for g in gold for c in g})
        report = {
            "coder": coder,
            "folds": k,
            "seed": seed,
            "transcripts": transcripts,
            "training_spans": len(self.span_ls),
            "test_segments": len(self.seg_ls),
            "fold_sizes": fold_info,
            "systems": {s: metrics(self.pooled[s], gold, labels) for s in self.SYSTEMS},
            "per_code": per_code(self.pooled["model"], gold, labels, self.ids),
            "learning_curve": [],
        }
        for n, parts in sorted(self.curve_scores.items()):
            te = np.concatenate([t for t, _ in parts])
            sc = np.vstack([s for _, s in parts])
            m = metrics(sc, [gold[i] for i in te], labels)
            report["learning_curve"].append(_point(n, len(parts), m))
        report["learning_curve"].append(_point("all", k, report["systems"]["model"]))
        return report


def _point(n, folds: int, m: dict) -> dict:
    return {"train_spans": n, "folds": folds, "top1": m["top1"], "top3": m["top3"],
            "macro_f1": m["macro_f1"]}  # fmt: skip


def tables(report: dict) -> dict[str, pd.DataFrame]:
    """The report as frames: `systems`, `learning_curve` and `per_code`."""
    systems = pd.DataFrame([{"system": name, **m} for name, m in report["systems"].items()])
    return {
        "systems": systems,
        "learning_curve": pd.DataFrame(report["learning_curve"]),
        "per_code": pd.DataFrame(report["per_code"]),
    }


def render(report: dict) -> str:
    """Plain-text report for the terminal."""
    t = tables(report)
    head = (
        f"{report['coder']}'s codings: {report['training_spans']} coded spans, "
        f"{report['test_segments']} coded segments in {report['transcripts']} transcripts; "
        f"{report['folds']} folds grouped by transcript, seed {report['seed']}"
    )
    return "\n\n".join(
        [
            head,
            "systems (model = codebook prior + learned model; baselines: most_frequent, "
            "keywords)\n" + t["systems"].to_string(index=False),
            "learning curve (model)\n" + t["learning_curve"].to_string(index=False),
            "per code (model, top-1)\n" + t["per_code"].to_string(index=False),
        ]
    )
