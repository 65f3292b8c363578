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

from codebook.model import CodebookError
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

    def __init__(self, project, coder: str, ids: list[str]):
        store = project.store
        index = {c: i for i, c in enumerate(ids)}
        texts = {t.id: t.text for t in store.transcripts()}
        codings = [c for c in store.codings(coder=coder) if c.code in index]
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
        for g in store.segments():
            by_transcript.setdefault(g.transcript_id, []).append(g)
        context = {
            g.id: c
            for tid, segs in by_transcript.items()
            for g, c in zip(segs, contexts(texts[tid], segs), strict=True)
        }
        for g in store.segments():
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
    project,
    folds: int = 5,
    coder: str | None = None,
    seed: int = 13,
    curve: tuple[int, ...] = CURVE,
) -> dict:
    """The evaluation report as a dict (what `codebook evaluate` prints)."""
    codings = project.store.codings()
    counts = Counter(c.coder for c in codings)
    if not counts:
        raise CodebookError("nothing to evaluate: the project has no codings yet")
    coder = coder or counts.most_common(1)[0][0]
    if coder not in counts:
        raise CodebookError(f"no codings by coder '{coder}' (coders: {', '.join(sorted(counts))})")
    book, lang = project.codebook, project.codebook.language
    prior = CodebookPrior(book, lang, compounds=True)
    exact = CodebookPrior(book, lang, compounds=False)
    ids = prior.ids
    data = _Data(project, coder, ids)
    groups = np.unique(data.span_group)
    if len(groups) < 2:
        raise CodebookError(f"coder '{coder}' coded only {len(groups)} transcript(s); need 2")
    if not data.seg_gold:
        raise CodebookError(f"coder '{coder}' has no coded segments to test on")
    if folds < 2:
        raise CodebookError("--folds must be at least 2")
    k = min(folds, len(groups))
    span_ls = [lemma_string(d) for d in docs(data.span_text, lang)]
    seg_docs = docs(data.seg_text, lang)
    seg_ls = [lemma_string(d) for d in seg_docs]
    prior_all = prior.score(seg_docs)[0]
    kw_all = prior.keyword_scores(seg_docs)
    kw_exact_all = exact.keyword_scores(seg_docs)
    prior_exact_all = exact.score(seg_docs)[0]
    n_codes = len(ids)
    systems = [*SYSTEMS, "codebook_prior", "keywords_exact", "model_no_char_ngrams", "model_only"]
    pooled = {s: np.zeros((len(seg_ls), n_codes)) for s in systems}
    sizes = {}
    rng = np.random.default_rng(seed)
    splitter = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    curve_scores: dict[int, list] = {}
    fold_info = []
    names = {t.id: t.name for t in project.store.transcripts()}
    for train_g, test_g in splitter.split(groups, groups=groups):
        train_t, test_t = set(groups[train_g]), set(groups[test_g])
        tr = np.flatnonzero(np.isin(data.span_group, list(train_t)))
        te = np.flatnonzero(np.isin(data.seg_group, list(test_t)))
        fold_info.append(
            {
                "train": sorted(names[t] for t in train_t),
                "test": sorted(names[t] for t in test_t),
                "train_spans": len(tr),
                "test_segments": len(te),
            }
        )
        x_ls = [span_ls[i] for i in tr]
        x_text = [data.span_text[i] for i in tr]
        y = [{ids[c] for c in data.span_labels[i]} for i in tr]
        freq = np.zeros(n_codes)
        for i in tr:
            freq[list(data.span_labels[i])] += 1
        tiebreak = 1e-6 * freq / max(freq.max(), 1)
        test_ls = [seg_ls[i] for i in te]
        model = LearnedModel(ids).fit(x_ls, x_text, y)
        proba = model.predict_proba(model.features(test_ls))
        pooled["model"][te] = blend(prior_all[te], proba, model.positives)[0]
        pooled["model_only"][te] = proba + tiebreak
        plain = LearnedModel(ids, char_ngrams=False).fit(x_ls, x_text, y)
        plain_p = plain.predict_proba(plain.features(test_ls))
        pooled["model_no_char_ngrams"][te] = blend(prior_exact_all[te], plain_p, plain.positives)[0]
        pooled["most_frequent"][te] = np.tile(freq, (len(te), 1))
        pooled["keywords"][te] = kw_all[te] + tiebreak
        pooled["keywords_exact"][te] = kw_exact_all[te] + tiebreak
        pooled["codebook_prior"][te] = prior_all[te] + tiebreak
        for n in curve:
            if n >= len(tr):
                continue
            pick = rng.choice(len(tr), size=n, replace=False)
            sub = LearnedModel(ids).fit(
                [x_ls[i] for i in pick], [x_text[i] for i in pick], [y[i] for i in pick]
            )
            p = sub.predict_proba(sub.features(test_ls))
            curve_scores.setdefault(n, []).append((te, blend(prior_all[te], p, sub.positives)[0]))
        sizes[len(tr)] = True
    gold = data.seg_gold
    labels = sorted({c for g in gold for c in g})
    report = {
        "coder": coder,
        "folds": k,
        "seed": seed,
        "transcripts": len(groups),
        "training_spans": len(span_ls),
        "test_segments": len(seg_ls),
        "fold_sizes": fold_info,
        "systems": {s: metrics(pooled[s], gold, labels) for s in systems},
        "per_code": per_code(pooled["model"], gold, labels, ids),
        "learning_curve": [],
    }
    for n, parts in sorted(curve_scores.items()):
        te = np.concatenate([t for t, _ in parts])
        sc = np.vstack([s for _, s in parts])
        m = metrics(sc, [gold[i] for i in te], labels)
        report["learning_curve"].append(
            {
                "train_spans": n,
                "folds": len(parts),
                "top1": m["top1"],
                "top3": m["top3"],
                "macro_f1": m["macro_f1"],
            }
        )
    full = report["systems"]["model"]
    report["learning_curve"].append(
        {
            "train_spans": "all",
            "folds": k,
            "top1": full["top1"],
            "top3": full["top3"],
            "macro_f1": full["macro_f1"],
        }
    )
    return report


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
