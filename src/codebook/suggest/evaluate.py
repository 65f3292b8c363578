"""How good are the suggestions? Cross-validation grouped by transcript, against baselines.

Train on the coded spans of some transcripts, rank codes for every coded segment of the others
(a segment's gold codes: the codings covering at least half of it), and compare with baselines in
the same folds: the most frequent codes of the training folds, and keyword matches alone (ties,
e.g. no keyword at all, broken by frequency). One coder's codings are evaluated (the coder with
most codings unless named): a second coder's codes on the same passages are a different opinion,
not more truth, and mixing them would make the gold standard inconsistent. The interviewer's
turns are neither test segments nor training examples, and spans and segments are read as the
suggester reads them (`suggest.context`): in context, with the question and the sentences around.

The learning curve refits on `DRAWS` random subsets of each training fold per point, pooled (0 =
the codebook alone); with `learning_curve=True` every ablation (the model with one part switched
off) gets the whole curve, so one table shows what each part adds at each amount of coding.
Every accuracy has its 95% interval from resampling whole transcripts (`interval`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold

from codebook.model import Codebook, CodebookError, Coding, Segment, Transcript
from codebook.nlp import docs
from codebook.nlp.function import feature_string
from codebook.progress import track
from codebook.suggest.context import covers, neighbours, readings, smooth, span_examples
from codebook.suggest.data import corpus, respondent_codings
from codebook.suggest.examples import codebook_examples
from codebook.suggest.learned import NEIGHBOURS, LearnedModel
from codebook.suggest.prior import CodebookPrior
from codebook.suggest.suggester import BLEND, TRUST, blend, lift, siblings

CURVE = (0, 10, 25, 50, 100, 200, 400, 800, 1600)
DRAWS = 3  # random subsets per fold and curve point: one draw moves a point by about 0.02
MIN_OVERLAP = 0.5
SYSTEMS = ("model", "most_frequent", "keywords")


@dataclass(frozen=True)
class System:
    """One way of scoring: the full model, an ablation of it, or the codebook alone."""

    name: str
    what: str  # one line for the report
    prior: str = "full"  # which prior: full | no_phrases | exact (no compound matching) | raw
    learned: dict = field(default_factory=dict)  # LearnedModel settings that differ
    examples: bool = True  # the codebook's sentences as training examples
    use_prior: bool = True  # blend with the prior (False: the learned score alone)
    question: bool = True  # read the question before the turn
    around: bool = True  # count the sentences around
    segments: bool = True  # a coded span's examples are its segments in context
    family: bool = True  # a code's siblings lift it (`suggester.lift`)


LEARNED = (
    System("model", "the suggester: codebook prior + learned model"),
    System("no_phrases", "keywords all weigh the same", prior="no_phrases"),
    System("no_codebook_examples", "codebook sentences not used as examples", examples=False),
    System("no_neighbours", "no nearest-neighbour score", learned={"neighbours": 0.0}),
    System(
        "no_function", "no function markers (negation, modality, ...)", learned={"function": False}
    ),  # fmt: skip
    System(
        "no_char_ngrams",
        "no character n-grams, exact keyword lemmas",
        prior="exact",
        learned={"char_ngrams": False},
    ),  # fmt: skip
    System("no_level", "the prior not calibrated on the project's passages", prior="raw"),
    System("no_question", "the question before the turn not read", question=False),
    System("no_around", "the sentences around not counted", around=False),
    System("no_family", "codes not lifted by their siblings in the codebook", family=False),
    System("whole_spans", "coded spans as one example each, their text alone", segments=False),
    System("model_only", "the learned model without the prior", use_prior=False),
)
FIXED = {
    "codebook_prior": "the codebook alone (keywords, definitions, examples), read in context",
    "keywords": "keyword matches alone (in the segment's context)",
    "keywords_exact": "keyword matches, no compound parts",
    "most_frequent": "the training folds' most frequent codes",
}


def metrics(scores: np.ndarray, gold: list[set[int]], labels: list[int], groups=None) -> dict:
    """top-1 / top-3 accuracy of the ranking and F1 of the top-1 code against the gold codes;
    with each row's transcript in `groups`, the accuracies' 95% intervals (`interval`)."""
    hit1, hit3 = hits(scores, gold)
    top1, top3 = hit1.mean(), hit3.mean()
    y_true = _indicator(gold, scores.shape)
    y_pred = np.zeros(scores.shape, dtype=int)
    y_pred[np.arange(len(gold)), np.argmax(scores, axis=1)] = 1  # the first of ties, as `hits`
    f1 = {
        avg: float(f1_score(y_true, y_pred, labels=labels, average=avg, zero_division=0))
        for avg in ("micro", "macro")
    }
    out = {
        "top1": round(float(top1), 4),
        "top3": round(float(top3), 4),
        "micro_f1": round(f1["micro"], 4),
        "macro_f1": round(f1["macro"], 4),
    }
    if groups is not None:
        out["top1_ci"], out["top3_ci"] = interval(hit1, groups), interval(hit3, groups)
    return out


def hits(scores: np.ndarray, gold: list[set[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per row 1.0 where the first code is a gold code, and where one of the first three is."""
    order = np.argsort(-scores, axis=1, kind="stable")
    hit1 = np.array([order[i, 0] in g for i, g in enumerate(gold)], dtype=float)
    hit3 = np.array([bool(set(order[i, :3]) & g) for i, g in enumerate(gold)], dtype=float)
    return hit1, hit3


def interval(hits: np.ndarray, groups: np.ndarray, seed: int = 13) -> list[float]:
    """95% percentile-bootstrap interval of the mean of `hits` (per row a hit, or a difference
    of two systems' hits), resampling whole transcripts: the segments of one interview are not
    independent, so the interval is as wide as the number of interviews makes it
    (`scipy.stats.bootstrap`, per transcript the sum of its rows and their count)."""
    groups = np.asarray(groups)
    keys, where = np.unique(groups, return_inverse=True)
    if len(keys) < 2:
        rate = round(float(np.mean(hits)), 4) if len(hits) else 0.0
        return [rate, rate]  # one transcript: nothing to resample
    hit = np.bincount(where, weights=hits, minlength=len(keys))
    count = np.bincount(where, minlength=len(keys)).astype(float)

    def rate(h, n, axis=-1):
        return h.sum(axis=axis) / n.sum(axis=axis)

    found = stats.bootstrap(
        (hit, count), rate, paired=True, vectorized=True, n_resamples=2000,
        method="percentile", random_state=np.random.default_rng(seed),
    )  # fmt: skip
    low, high = found.confidence_interval
    return [round(float(low), 4), round(float(high), 4)]


def _indicator(gold: list[set[int]], shape) -> np.ndarray:
    y = np.zeros(shape, dtype=int)
    for i, g in enumerate(gold):
        y[i, list(g)] = 1
    return y


def per_code(scores, gold, labels, ids) -> list[dict]:
    y_true = _indicator(gold, scores.shape)
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
    """Coded spans (training units) and coded segments (test units) of one coder.

    Every segment of every transcript is a row, read with and without the question before its
    turn (the `no_question` ablation); a test segment is a row with gold codes and the rows
    around it (`context.neighbours`).
    """

    def __init__(self, transcripts, segments, codings, coder: str, ids: list[str], asked=()):
        index = {c: i for i, c in enumerate(ids)}
        texts = {t.id: t.text for t in transcripts}
        asked = set(asked)
        by_transcript: dict[int, list] = {}
        for g in segments:
            by_transcript.setdefault(g.transcript_id, []).append(g)
        codings = [c for c in codings if c.coder == coder and c.code in index]
        codings = respondent_codings(codings, segments, asked)
        spans: dict[tuple[int, int, int], set[int]] = {}
        for c in codings:
            spans.setdefault((c.transcript_id, c.start, c.end), set()).add(index[c.code])
        keys = sorted(spans)
        self.span_group = np.array([k[0] for k in keys])
        self.span_labels = [spans[k] for k in keys]
        self.span_text = [texts[t][s:e] for t, s, e in keys]
        # question -> per span its examples: (context, own text, share of the span)
        self.span_examples = {
            q: [span_examples(texts[t], by_transcript[t], s, e, q, MIN_OVERLAP) for t, s, e in keys]
            for q in (True, False)
        }
        by_tid: dict[int, list] = {}
        for c in codings:
            by_tid.setdefault(c.transcript_id, []).append(c)
        self.row_text: dict[bool, list[str]] = {True: [], False: []}
        seg_row, seg_group, seg_gold, self.seg_around = [], [], [], []
        for tid, segs in by_transcript.items():
            base = len(self.row_text[True])
            for q in (True, False):
                self.row_text[q] += [r.text for r in readings(texts[tid], segs, q)]
            for i, g in enumerate(segs):
                if (g.transcript_id, g.start, g.end) in asked:
                    continue
                gold = {
                    index[c.code]
                    for c in by_tid.get(tid, ())
                    if covers(c.start, c.end, g, MIN_OVERLAP)
                }
                if gold:
                    seg_row.append(base + i)
                    seg_group.append(tid)
                    seg_gold.append(gold)
                    self.seg_around.append([(base + j, w) for j, w in neighbours(segs, i, i)])
        # the passages the prior is calibrated on, as the suggester takes them
        self.corpus = {q: corpus(transcripts, segments, asked, q) for q in (True, False)}
        self.seg_row = np.array(seg_row, dtype=int)
        self.seg_group = np.array(seg_group)
        self.seg_gold = seg_gold


def evaluate(
    transcripts: list[Transcript],
    segments: list[Segment],
    codings: list[Coding],
    codebook: Codebook,
    folds: int = 5,
    coder: str | None = None,
    seed: int = 13,
    curve: tuple[int, ...] = CURVE,
    learning_curve: bool = False,
    interviewer: set[tuple[int, int, int]] | frozenset = frozenset(),
) -> dict:
    """The evaluation report as a dict (what `codebook evaluate` prints).

    `interviewer` holds the (transcript id, start, end) of the interviewer's segments.
    """
    counts = Counter(c.coder for c in codings)
    if not counts:
        raise CodebookError("nothing to evaluate: the project has no codings yet")
    coder = coder or counts.most_common(1)[0][0]
    if coder not in counts:
        raise CodebookError(f"no codings by coder '{coder}' (coders: {', '.join(sorted(counts))})")
    if folds < 2:
        raise CodebookError("--folds must be at least 2")
    ids = [c.id for c in codebook.codes.values() if c.codable]
    data = _Data(transcripts, segments, codings, coder, ids, interviewer)
    groups = np.unique(data.span_group)
    if len(groups) < 2:
        raise CodebookError(f"coder '{coder}' coded only {len(groups)} transcript(s); need 2")
    if not data.seg_gold:
        raise CodebookError(f"coder '{coder}' has no coded segments to test on")
    k = min(folds, len(groups))
    run = _Run(data, codebook, ids, seed, curve, learning_curve)
    names = {t.id: t.name for t in transcripts}
    splitter = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    splits = list(splitter.split(groups, groups=groups))
    fold_info = [
        run.fold(i, set(groups[train_g]), set(groups[test_g]), names)
        for i, (train_g, test_g) in enumerate(track(splits, "evaluating suggestions (folds)"))
    ]
    return run.report(coder, k, seed, len(groups), fold_info)


class _Run:
    """The pooled scores of every system over the folds of one evaluation."""

    def __init__(self, data: _Data, codebook, ids, seed: int, curve, learning_curve: bool):
        self.data, self.ids, self.curve = data, ids, curve
        self.family = siblings(codebook, ids)
        # without the curve of every ablation only the model is fitted: the quick report
        self.systems = LEARNED if learning_curve else LEARNED[:1]
        lang = codebook.language
        row_docs = {q: docs(t, lang) for q, t in data.row_text.items()}
        self.row_fs = {q: [feature_string(d, lang) for d in ds] for q, ds in row_docs.items()}
        self.example_fs = {}
        for q, per_span in data.span_examples.items():
            flat = iter(_strings([t for ex in per_span for t, _, _ in ex], lang))
            self.example_fs[q] = [[next(flat) for _ in ex] for ex in per_span]
        self.whole_fs = _strings(data.span_text, lang)
        found = codebook_examples(codebook)
        strings = _strings([t for t, _, _ in found], lang)
        self.examples = [(s, t, c, w) for s, (t, c, w) in zip(strings, found, strict=True)]
        priors = {
            "full": CodebookPrior(lang=lang, compounds=True),
            "no_phrases": CodebookPrior(lang=lang, compounds=True, phrases=False),
            "exact": CodebookPrior(lang=lang, compounds=False),
        }
        fitted = {name: p.fit(codebook) for name, p in priors.items()}
        doc_of = {q: dict(zip(data.row_text[q], row_docs[q], strict=True)) for q in row_docs}
        self.prior = {}
        for q in (True, False):
            passages = [doc_of[q][t] for t in data.corpus[q]]
            for name, p in fitted.items():
                if q or name == "full":
                    self.prior[(name, q)] = p.calibrate(passages).score(row_docs[q])[0]
        self.prior[("raw", True)] = fitted["full"].calibrate([]).score(row_docs[True])[0]
        seg_docs = [row_docs[True][r] for r in data.seg_row]
        self.keywords = fitted["full"].keyword_scores(seg_docs)
        self.keywords_exact = fitted["exact"].keyword_scores(seg_docs)
        n, k = len(data.seg_row), len(ids)
        self.pooled = {s: np.zeros((n, k)) for s in [*(x.name for x in self.systems), *FIXED]}
        self.rng = np.random.default_rng(seed)
        self.curve_scores: dict[tuple[str, int], list] = {}

    def _read(self, te: np.ndarray, around: bool, score) -> np.ndarray:
        """Test segments `te` scored as the suggester reads them: `score(rows)` for their own
        rows and their neighbours', then `context.smooth` (unless `around` is off)."""
        rows = list(self.data.seg_row[te])
        pos = {r: k for k, r in enumerate(rows)}
        near = []
        for i in te:
            mine = []
            for r, w in self.data.seg_around[i] if around else ():
                if r not in pos:
                    pos[r] = len(rows)
                    rows.append(r)
                mine.append((pos[r], w))
            near.append(mine)
        return smooth(score(np.array(rows, dtype=int)), near)

    def _scores(self, system: System, tr: np.ndarray, te: np.ndarray) -> np.ndarray:
        """Fit `system` on training spans `tr` and score test segments `te`."""
        data, ids, q = self.data, self.ids, system.question
        strings, shown, labels, weights = [], [], [], []
        for i in tr:
            codes = {ids[c] for c in data.span_labels[i]}
            if system.segments:
                ex = data.span_examples[q][i]
                strings += self.example_fs[q][i]
                shown += [t for _, t, _ in ex]
                weights += [w for _, _, w in ex]
                labels += [codes] * len(ex)
            else:
                strings.append(self.whole_fs[i])
                shown.append(data.span_text[i])
                weights.append(1.0)
                labels.append(codes)
        settings = {"neighbours": NEIGHBOURS, **system.learned}
        model = LearnedModel(ids, **settings).fit(
            strings, shown, labels, weights=weights,
            examples=self.examples if system.examples else (),
        )  # fmt: skip
        trust = TRUST if system.examples else 0.0
        prior = self.prior[(system.prior, q)]

        def score(rows: np.ndarray) -> np.ndarray:
            learned = model.scores(model.features([self.row_fs[q][r] for r in rows]))
            if not system.use_prior:
                return learned
            blended = blend(prior[rows], learned, model.positives_, BLEND, trust)[0]
            return lift(blended, self.family) if system.family else blended

        return self._read(te, system.around, score)

    def fold(self, fold: int, train_t: set[int], test_t: set[int], names: dict[int, str]) -> dict:
        data, ids, pooled = self.data, self.ids, self.pooled
        tr = np.flatnonzero(np.isin(data.span_group, list(train_t)))
        te = np.flatnonzero(np.isin(data.seg_group, list(test_t)))
        freq = np.zeros(len(ids))
        for i in tr:
            freq[list(data.span_labels[i])] += 1
        tiebreak = 1e-6 * freq / max(freq.max(), 1)
        for system in self.systems:
            pooled[system.name][te] = self._scores(system, tr, te) + tiebreak
        pooled["most_frequent"][te] = np.tile(freq, (len(te), 1))
        pooled["keywords"][te] = self.keywords[te] + tiebreak
        pooled["keywords_exact"][te] = self.keywords_exact[te] + tiebreak
        codebook_alone = self._read(te, True, lambda rows: self.prior[("full", True)][rows])
        pooled["codebook_prior"][te] = codebook_alone + tiebreak
        for n in self.curve:
            if n >= len(tr):
                continue
            for _ in range(DRAWS if n else 1):  # the codebook alone (0) is the same every time
                pick = tr[self.rng.choice(len(tr), size=n, replace=False)] if n else tr[:0]
                for system in self.systems:
                    if n == 0 and not system.examples:
                        continue  # without codebook examples there is nothing to fit on at 0
                    scores = self._scores(system, pick, te) + tiebreak
                    parts = self.curve_scores.setdefault((system.name, n), [])
                    parts.append((fold, te, scores))
        return {
            "train": sorted(names[t] for t in train_t),
            "test": sorted(names[t] for t in test_t),
            "train_spans": len(tr),
            "test_segments": len(te),
        }

    def report(self, coder: str, k: int, seed: int, transcripts: int, fold_info) -> dict:
        gold = self.data.seg_gold
        labels = sorted({c for g in gold for c in g})
        groups = self.data.seg_group
        systems = {s: metrics(self.pooled[s], gold, labels, groups) for s in self.pooled}
        report = {
            "coder": coder,
            "folds": k,
            "seed": seed,
            "transcripts": transcripts,
            "training_spans": len(self.data.span_labels),
            "test_segments": len(self.data.seg_row),
            "fold_sizes": fold_info,
            "systems": systems,
            "descriptions": {**{s.name: s.what for s in self.systems}, **FIXED},
            "per_code": per_code(self.pooled["model"], gold, labels, self.ids),
            "curves": {},
        }
        points: dict[str, dict] = {}  # system -> point -> (test rows, scores)
        for (name, n), parts in sorted(self.curve_scores.items(), key=lambda kv: kv[0][1]):
            folds = len({f for f, _, _ in parts})
            if folds < k:
                continue  # a point some fold is too small for would pool different folds
            te = np.concatenate([t for _, t, _ in parts])  # every draw's test segments
            sc = np.vstack([s for _, _, s in parts])
            m = metrics(sc, [gold[i] for i in te], labels, groups[te])
            report["curves"].setdefault(name, []).append(_point(n, folds, m))
            points.setdefault(name, {})[n] = (te, sc)
        everything = np.arange(len(gold))
        for system in self.systems:
            report["curves"].setdefault(system.name, []).append(
                _point("all", k, systems[system.name])
            )
            points.setdefault(system.name, {})["all"] = (everything, self.pooled[system.name])
        report["gains"] = _gains(points, gold, groups)
        # the model's curve from the first coding on (0, the codebook alone, is in `curves`)
        report["learning_curve"] = [
            p for p in report["curves"].get("model", []) if p["train_spans"] != 0
        ]
        return report


def _gains(points: dict[str, dict], gold: list[set[int]], groups: np.ndarray) -> dict:
    """What each part adds: top-1 / top-3 of the model minus those of each ablation, per point,
    with the 95% interval of the difference. Both were scored on the same folds, subsets and
    segments, so the difference is taken row by row and varies less than either figure."""
    model = {
        n: (te, hits(sc, [gold[i] for i in te])) for n, (te, sc) in points.get("model", {}).items()
    }
    out = {}
    for name, per_point in points.items():
        for n, (te, sc) in per_point.items() if name != "model" else ():
            if n not in model or not np.array_equal(model[n][0], te):
                continue
            point: dict = {"train_spans": n}
            ablation = hits(sc, [gold[i] for i in te])
            for m, mine, theirs in zip(("top1", "top3"), model[n][1], ablation, strict=True):
                point[m] = round(float(np.mean(mine - theirs)), 4)
                point[f"{m}_ci"] = interval(mine - theirs, groups[te])
            out.setdefault(name, []).append(point)
    return out


def _strings(texts: list[str], lang: str) -> list[str]:
    return [feature_string(d, lang) for d in docs(texts, lang)]


def _point(n, folds: int, m: dict) -> dict:
    keep = ("top1", "top3", "macro_f1", "top1_ci", "top3_ci")
    return {"train_spans": n, "folds": folds, **{k: m[k] for k in keep}}


def curve_table(report: dict) -> pd.DataFrame:
    """Systems x training sizes, each cell 'top-1 / top-3': the curve and every ablation."""
    rows = []
    for name, points in report["curves"].items():
        row = {"system": name}
        row.update({str(p["train_spans"]): f"{p['top1']:.2f} / {p['top3']:.2f}" for p in points})
        rows.append(row)
    for name in FIXED:
        m = report["systems"][name]
        rows.append({"system": name, "all": f"{m['top1']:.2f} / {m['top3']:.2f}"})
    # how far chance moves the model's top-3: what a difference between rows has to exceed
    ci = {str(p["train_spans"]): p["top3_ci"] for p in report["curves"].get("model", [])}
    rows.append({"system": "model_top3_95%", **{n: f"{a:.2f}-{b:.2f}" for n, (a, b) in ci.items()}})
    return pd.DataFrame(rows).fillna("")


def gains_table(report: dict) -> pd.DataFrame:
    """Ablations x training sizes, each cell what the part adds to top-1 / top-3 (model minus
    ablation); '*' where the 95% interval of that difference leaves out 0."""

    def cell(p: dict, m: str) -> str:
        low, high = p[f"{m}_ci"]
        return f"{p[m]:+.2f}{'*' if low > 0 or high < 0 else ''}"

    rows = []
    for name, points in report.get("gains", {}).items():
        row = {"system": name}
        row.update(
            {str(p["train_spans"]): f"{cell(p, 'top1')} / {cell(p, 'top3')}" for p in points}
        )
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def _flat(rows: list[dict]) -> pd.DataFrame:
    """Rows with [low, high] intervals as a frame with numeric low / high columns."""
    frame = pd.DataFrame(rows)
    for m in ("top1", "top3"):
        if f"{m}_ci" in frame:
            bounds = pd.DataFrame(frame.pop(f"{m}_ci").tolist(), index=frame.index)
            frame[f"{m}_low"], frame[f"{m}_high"] = bounds[0], bounds[1]
    return frame


def tables(report: dict) -> dict[str, pd.DataFrame]:
    """The report as frames: `systems`, `learning_curve`, `curves`, `gains` and `per_code`."""
    systems = _flat([{"system": name, **m} for name, m in report["systems"].items()])
    return {
        "systems": systems,
        "learning_curve": _flat(report["learning_curve"]),
        "curves": curve_table(report),
        "gains": gains_table(report),
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
    described = "\n".join(f"  {k}: {v}" for k, v in report["descriptions"].items())
    parts = [
        head,
        "systems (baselines: most_frequent, keywords)\n" + t["systems"].to_string(index=False),
    ]
    if len(report["curves"]) > 1:
        parts.append(
            "learning curve: top-1 / top-3 after N coded spans (0 = the codebook alone)\n"
            + t["curves"].to_string(index=False)
        )
        parts.append(
            "what each part adds: the model minus the ablation, top-1 / top-3, on the same folds "
            "and segments (* = its 95% interval leaves out 0)\n" + t["gains"].to_string(index=False)
        )
    else:
        parts.append("learning curve (model)\n" + t["learning_curve"].to_string(index=False))
    parts += [described, "per code (model, top-1)\n" + t["per_code"].to_string(index=False)]
    return "\n\n".join(parts)
