"""Intercoder agreement: percent agreement, Cohen's kappa and Krippendorff's alpha per code.

Each code is a binary decision per unit (did the coder apply it here or not). The unit is a
segment (a sentence) or, as NVivo reports it, a character of the compared transcripts. Only
transcripts that every compared coder worked on count, so a transcript one coder never opened
does not read as wholesale disagreement. Alpha is nominal and comes from the `krippendorff`
package; its input is built here as value counts per unit (coders that said no, coders that
said yes), which also allows missing values when coders see different units. Per segment,
alpha's 95% interval comes from resampling the segments (`alpha_intervals`): with a few codings
of a code, its alpha says little, and the verdict should not hide that.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import krippendorff
import numpy as np
import pandas as pd

from codebook.model import Codebook, CodebookError
from codebook.progress import track

RELIABLE = 0.800
TENTATIVE = 0.667
RESAMPLES = 2000  # bootstrap resamples of the units for alpha's interval
SEED = 13
UNITS = ("segment", "character")
THRESHOLDS_TEXT = (
    f"Krippendorff's alpha >= {RELIABLE:.3f} reliable; {TENTATIVE:.3f} to {RELIABLE:.3f} "
    f"tentative conclusions only; below {TENTATIVE:.3f} not reliable."
)
INTERVAL_TEXT = (
    "alpha 95%: bootstrap over the segments (2,000 resamples); where it spans a threshold, "
    "the verdict could go either way."
)


def verdict(alpha: float) -> str:
    """Krippendorff's (2004) reading of alpha, shown next to every number."""
    if alpha is None or math.isnan(alpha):
        return "n/a"
    if alpha >= RELIABLE:
        return "reliable"
    if alpha >= TENTATIVE:
        return "tentative"
    return "not reliable"


# -- the three coefficients on a units x coders matrix of 0/1 (NaN = missing) ----------------


@dataclass
class Tally:
    """What the coefficients need from a units x coders matrix, small enough to add up.

    `counts` are Krippendorff value counts (coders saying 0, coders saying 1) per unit, with
    all units on which the coders agree folded into one row per value: a unit where m coders
    agree adds m to the coincidence of that value with itself, so one row of (sum of m) adds
    exactly the same. This keeps character-level alpha exact and fast.
    """

    units: int = 0  # units with at least two values
    agree: int = 0  # of which every coder gave the same value
    table: np.ndarray | None = None  # 2x2 contingency table of two coders (rows: first coder)
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))

    @classmethod
    def of(cls, matrix: np.ndarray) -> Tally:
        counts = value_counts(matrix)
        counts = counts[counts.sum(axis=1) >= 2]
        table = None
        if matrix.shape[1] == 2:
            both = matrix[~np.isnan(matrix).any(axis=1)].astype(bool)
            a, b = both[:, 0], both[:, 1]
            table = np.array(
                [[np.sum(~a & ~b), np.sum(~a & b)], [np.sum(a & ~b), np.sum(a & b)]],
                dtype=np.int64,
            )
        agree = int(np.sum((counts[:, 0] == 0) | (counts[:, 1] == 0)))
        return cls(len(counts), agree, table, fold(counts))

    def __add__(self, other: Tally) -> Tally:
        table = None
        if self.table is not None and other.table is not None:
            table = self.table + other.table
        elif self.units == 0:
            table = other.table
        elif other.units == 0:
            table = self.table
        return Tally(
            self.units + other.units,
            self.agree + other.agree,
            table,
            fold(np.vstack([self.counts, other.counts])),
        )

    def scores(self) -> dict[str, float]:
        return {"percent": self.percent(), "kappa": self.kappa(), "alpha": self.alpha()}

    def percent(self) -> float:
        return self.agree / self.units if self.units else math.nan

    def kappa(self) -> float:
        if self.table is None or self.table.sum() == 0:
            return math.nan
        n = self.table.sum()
        observed = (self.table[0, 0] + self.table[1, 1]) / n
        first, second = self.table.sum(axis=1) / n, self.table.sum(axis=0) / n
        expected = float(first @ second)
        if expected >= 1.0:
            return math.nan
        return float((observed - expected) / (1.0 - expected))

    def alpha(self) -> float:
        totals = self.counts.sum(axis=0)
        if len(self.counts) == 0 or totals.min() == 0:
            return math.nan  # a single value: alpha is undefined
        return float(
            krippendorff.alpha(
                value_counts=self.counts, value_domain=[0, 1], level_of_measurement="nominal"
            )
        )


def value_counts(matrix: np.ndarray) -> np.ndarray:
    """Per unit: how many coders said 0 and how many said 1 (missing values are not counted)."""
    ones = np.nansum(matrix, axis=1)
    present = (~np.isnan(matrix)).sum(axis=1)
    return np.column_stack([present - ones, ones]).astype(np.int64)


def fold(counts: np.ndarray) -> np.ndarray:
    """Value counts with the unanimous units folded into one row per value (see `Tally`)."""
    unanimous = (counts[:, 0] == 0) | (counts[:, 1] == 0)
    split = counts[~unanimous]
    zeros, ones = counts[unanimous].sum(axis=0) if unanimous.any() else (0, 0)
    extra = [row for row in ([zeros, 0], [0, ones]) if sum(row) > 0]
    return np.vstack([split, np.array(extra, dtype=np.int64).reshape(-1, 2)])


def pairable_parts(matrix: np.ndarray) -> np.ndarray:
    """Per unit what nominal alpha sums over units: (zeros, ones, the 0-1 coincidences
    n0 * n1 / (m - 1)); units with fewer than two values add nothing."""
    counts = value_counts(matrix).astype(float)
    m = counts.sum(axis=1)
    parts = np.zeros((len(counts), 3))
    ok = m >= 2
    parts[ok, :2] = counts[ok]
    parts[ok, 2] = counts[ok, 0] * counts[ok, 1] / (m[ok] - 1)
    return parts


def alpha_of_parts(sums: np.ndarray) -> np.ndarray:
    """Nominal alpha of two values from summed `pairable_parts` (last axis): 1 - (n - 1) * o01 /
    (n0 * n1); NaN where one value is missing altogether (alpha is undefined)."""
    n0, n1, o01 = sums[..., 0], sums[..., 1], sums[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n0 * n1 > 0, 1 - (n0 + n1 - 1) * o01 / (n0 * n1), np.nan)


def alpha_intervals(parts: list[np.ndarray], seed: int = SEED) -> list[list[float]]:
    """95% percentile-bootstrap interval of alpha for each item of `parts` (per unit, from
    `pairable_parts`; summed over codes for the pooled figure, so that a segment's codes stay
    together), resampling the units as Hayes & Krippendorff (2007) do, every item with the same
    draws. Resamples in which alpha is undefined (not one unit with the code) are left out; NaN
    when most are. Drawn in chunks, so a large project never holds all the draws at once."""
    if not parts or len(parts[0]) < 2:
        return [[math.nan, math.nan] for _ in parts]
    units, stacked = len(parts[0]), np.hstack(parts)
    rng = np.random.default_rng(seed)
    alphas = []
    chunk = max(1, min(RESAMPLES, 2_000_000 // units))
    for done in range(0, RESAMPLES, chunk):
        n = min(chunk, RESAMPLES - done)
        drawn = rng.integers(units, size=(n, units)) + np.arange(n)[:, None] * units
        weights = np.bincount(drawn.ravel(), minlength=n * units).reshape(n, units)
        alphas.append(alpha_of_parts((weights @ stacked).reshape(n, len(parts), 3)))
    out = []
    for a in np.vstack(alphas).T:
        a = a[~np.isnan(a)]
        out.append([math.nan, math.nan] if len(a) < RESAMPLES / 2 else
                   [float(v) for v in np.percentile(a, [2.5, 97.5])])  # fmt: skip
    return out


def percent_agreement(matrix: np.ndarray) -> float:
    """Share of units (with at least two values) on which every coder that coded it agrees."""
    return Tally.of(matrix).percent()


def cohen_kappa(matrix: np.ndarray) -> float:
    """Cohen's kappa of two coders from their 2x2 table; NaN if undefined or not two coders."""
    return Tally.of(matrix).kappa()


def krippendorff_alpha(matrix: np.ndarray) -> float:
    """Nominal alpha for any number of coders; NaN when it is undefined (a single value)."""
    return Tally.of(matrix).alpha()


# -- which transcripts, coders and codes are compared ------------------------------------------


def compared_transcripts(
    codings: pd.DataFrame, transcripts: list[str], coders: list[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """Transcripts every coder worked on, and for the others which coders did not."""
    worked = codings.groupby("transcript")["coder"].agg(set).to_dict()
    included, left_out = [], {}
    for name in transcripts:
        missing = [c for c in coders if c not in worked.get(name, set())]
        if missing:
            left_out[name] = missing
        else:
            included.append(name)
    return included, left_out


def code_targets(codebook: Codebook, used: set[str], codes: list[str] | None) -> dict[str, set]:
    """For every code used in a coding, the compared codes it counts for.

    A requested group code (e.g. `sit`) counts a coding of any of its descendants, so agreement
    can be read at a higher level of the tree.
    """
    if codes:
        unknown = [c for c in codes if c not in codebook.codes and c not in used]
        if unknown:
            raise CodebookError(f"unknown code(s): {', '.join(unknown)}")
        wanted = set(codes)
    else:
        wanted = set(used)
    out: dict[str, set] = {}
    for code in used:
        lineage = {code, *(codebook.ancestors(code) if code in codebook.codes else [])}
        out[code] = lineage & wanted
    return out


def ordered(codebook: Codebook, codes: set[str]) -> list[str]:
    order = {cid: i for i, cid in enumerate(codebook.codes)}
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


# -- unit matrices -----------------------------------------------------------------------------


def segment_units(
    segments: pd.DataFrame, codings: pd.DataFrame, coders: list[str], targets: dict[str, set]
) -> tuple[pd.Index, dict[str, np.ndarray]]:
    """Per compared code, a segments x coders 0/1 matrix: which coder applied it where.

    A coding marks every segment it overlaps, as in `frames.coded_frame`.
    """
    segs = segments.sort_values(["transcript", "start"])
    index = pd.Index(segs["segment_id"])
    position = {sid: i for i, sid in enumerate(index)}
    matrices = {
        code: np.zeros((len(index), len(coders))) for code in set().union(*targets.values(), set())
    }
    column = {c: j for j, c in enumerate(coders)}
    for name, group in segs.groupby("transcript", sort=False):
        starts, ends = group["start"].to_numpy(), group["end"].to_numpy()
        ids = group["segment_id"].to_numpy()
        mine = codings[codings["transcript"] == name]
        first = np.searchsorted(ends, mine["start"].to_numpy(), side="right")
        last = np.searchsorted(starts, mine["end"].to_numpy(), side="left")
        for code, coder, a, b in zip(mine["code"], mine["coder"], first, last, strict=True):
            rows = [position[s] for s in ids[a:b]]
            for target in targets.get(code, ()):
                matrices[target][rows, column[coder]] = 1
    return index, matrices


def character_units(
    lengths: dict[str, int],
    codings: pd.DataFrame,
    coders: list[str],
    codes: list[str],
    targets: dict[str, set],
    leave_out: pd.DataFrame | None = None,
) -> Iterator[tuple[str, np.ndarray]]:
    """Per compared code, a characters x coders 0/1 matrix over all compared transcripts.

    One code at a time, so a large corpus never holds every code's characters at once. The
    characters of `leave_out` spans (transcript, start, end: the interviewer's turns) are not
    units.
    """
    offset, total = {}, 0
    for name in sorted(lengths):
        offset[name] = total
        total += lengths[name]
    keep = None
    if leave_out is not None and len(leave_out):
        spans = leave_out[leave_out["transcript"].isin(offset)]
        base = spans["transcript"].map(offset).to_numpy(np.int64)
        edges = np.zeros(total + 1, dtype=np.int64)
        np.add.at(edges, base + spans["start"].to_numpy(np.int64), 1)
        np.add.at(edges, base + spans["end"].to_numpy(np.int64), -1)
        keep = np.cumsum(edges)[:-1] == 0
    column = {c: j for j, c in enumerate(coders)}
    spans: dict[str, list] = {code: [] for code in codes}
    for row in codings.itertuples(index=False):
        base = offset[row.transcript]
        for target in targets.get(row.code, ()):
            spans[target].append((base + row.start, base + row.end, column[row.coder]))
    for code in track(codes, "Agreement by character", total=len(codes)):
        matrix = np.zeros((total, len(coders)), dtype=np.float32)
        for start, end, j in spans[code]:
            matrix[start:end, j] = 1
        yield code, matrix if keep is None else matrix[keep]


# -- the report --------------------------------------------------------------------------------


@dataclass
class Agreement:
    unit: str
    coders: list[str]
    transcripts: list[str]
    left_out: dict[str, list[str]]
    per_code: pd.DataFrame
    overall: dict
    disagreements: pd.DataFrame
    thresholds: dict = field(default_factory=lambda: {"reliable": RELIABLE, "tentative": TENTATIVE})
    interviewer_segments: int = 0  # segments of the compared transcripts left out

    def to_dict(self) -> dict:
        def clean(value):
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, np.floating):
                return clean(float(value))
            return value

        def records(frame: pd.DataFrame) -> list[dict]:
            return [
                {k: clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")
            ]

        return {
            "unit": self.unit,
            "coders": self.coders,
            "transcripts": self.transcripts,
            "left_out": [{"transcript": t, "not_coded_by": c} for t, c in self.left_out.items()],
            "thresholds": {**self.thresholds, "text": THRESHOLDS_TEXT},
            "per_code": records(self.per_code),
            "overall": {k: clean(v) for k, v in self.overall.items()},
            "disagreements": records(self.disagreements),
            "interviewer_segments_left_out": self.interviewer_segments,
        }

    def plot(self, ax=None):
        """Alpha per code as a bar chart with the threshold lines (a matplotlib figure)."""
        return plot(self, ax)

    def render(self, width: int = 60) -> str:
        """Plain-text report for the terminal: numbers, verdicts, and the discussion table."""
        lines = [
            f"Agreement between {', '.join(self.coders)} (unit: {self.unit})",
            f"Compared transcripts ({len(self.transcripts)}): {', '.join(self.transcripts)}",
        ]
        if self.left_out:
            lines.append(f"Left out ({len(self.left_out)}), not coded by every coder:")
            lines += [f"  {t} (not coded by {', '.join(c)})" for t, c in self.left_out.items()]
        if self.interviewer_segments:
            lines.append(
                f"{self.interviewer_segments} interviewer segment(s) left out "
                "(--include-interviewer compares them too)"
            )
        table = self.per_code.copy()
        overall = {"code": "(all codes, pooled)", "label": "", **self.overall}
        table = pd.concat([table, pd.DataFrame([overall])], ignore_index=True)
        spans = zip(table.pop("alpha_low"), table.pop("alpha_high"), strict=True)
        ci = ["-" if pd.isna(a) else f"{a:.2f}-{b:.2f}" for a, b in spans]
        table.insert(table.columns.get_loc("alpha") + 1, "alpha 95%", ci)
        for col in ("percent", "kappa", "alpha"):
            table[col] = table[col].map(lambda v: "-" if pd.isna(v) else f"{v:.3f}")
        table["percent"] = table["percent"].map(
            lambda v: v if v == "-" else f"{float(v) * 100:.1f}%"
        )
        table["label"] = table["label"].fillna("").astype(str).str.slice(0, 28)
        lines += ["", table.to_string(index=False), "", THRESHOLDS_TEXT]
        if self.unit == "segment":
            lines.append(INTERVAL_TEXT)
        n = len(self.disagreements)
        lines += ["", f"Disagreements ({n} segment(s)):"]
        if n:
            shown = self.disagreements.drop(columns=["start", "end", "speaker"]).copy()
            shown["text"] = shown["text"].map(
                lambda t: t if len(t) <= width else t[: width - 1] + "…"
            )
            for coder in self.coders:
                shown[coder] = shown[coder].replace("", "-")
            lines.append(shown.to_string(index=False))
        return "\n".join(lines)


def disagreements(
    segments: pd.DataFrame,
    index: pd.Index,
    matrices: dict[str, np.ndarray],
    coders: list[str],
    codes: list[str],
) -> pd.DataFrame:
    """Segments on which the coders differ: the text and what each coder coded, for discussion."""
    columns = ["transcript", "segment", "start", "end", "speaker", "text", *coders, "disputed"]
    if not codes or len(index) == 0:
        return pd.DataFrame(columns=columns)
    cube = np.stack([matrices[c] for c in codes], axis=1)  # units x codes x coders
    split = cube.min(axis=2) != cube.max(axis=2)
    rows = np.flatnonzero(split.any(axis=1))
    segs = segments.set_index("segment_id").loc[index[rows]]
    frame = pd.DataFrame(
        {
            "transcript": segs["transcript"].to_numpy(),
            "segment": segs["index"].to_numpy(),
            "start": segs["start"].to_numpy(),
            "end": segs["end"].to_numpy(),
            "speaker": segs["speaker"].to_numpy(),
            "text": segs["text"].to_numpy(),
        }
    )
    for j, coder in enumerate(coders):
        frame[coder] = [
            ", ".join(c for k, c in enumerate(codes) if cube[r, k, j] == 1) for r in rows
        ]
    frame["disputed"] = [", ".join(c for k, c in enumerate(codes) if split[r, k]) for r in rows]
    return frame[columns]


def agreement(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    lengths: dict[str, int],
    codebook: Codebook,
    coders: list[str] | None = None,
    codes: list[str] | None = None,
    unit: str = "segment",
    leave_out: pd.DataFrame | None = None,
) -> Agreement:
    """Agreement of `coders` (default: every coder) on `codes` (default: every code they used).

    `leave_out` (transcript, start, end) are segments not compared, the interviewer's turns: they
    are not in `segments`, and with `unit="character"` their characters are not units either.
    """
    if unit not in UNITS:
        raise CodebookError(f"unknown unit '{unit}' (choose from: {', '.join(UNITS)})")
    everyone = sorted(codings["coder"].unique())
    coders = list(coders) if coders else everyone
    unknown = [c for c in coders if c not in everyone]
    if unknown:
        raise CodebookError(
            f"no codings by coder(s) {', '.join(unknown)} (coders: {', '.join(everyone) or 'none'})"
        )
    if len(set(coders)) < 2:
        raise CodebookError(
            "agreement needs at least two coders "
            f"(coders with codings: {', '.join(everyone) or 'none'})"
        )
    coders = list(dict.fromkeys(coders))
    included, left_out = compared_transcripts(codings, sorted(lengths), coders)
    if not included:
        raise CodebookError(f"no transcript was coded by all of {', '.join(coders)}")
    mine = codings[codings["coder"].isin(coders) & codings["transcript"].isin(included)]
    targets = code_targets(codebook, set(mine["code"]), codes)
    compared = ordered(codebook, set().union(*targets.values(), set(codes or [])))
    segs = segments[segments["transcript"].isin(included)]
    index, seg_matrices = segment_units(segs, mine, coders, targets)
    for code in compared:
        seg_matrices.setdefault(code, np.zeros((len(index), len(coders))))
    if unit == "segment":
        units = ((code, seg_matrices[code]) for code in compared)
    else:
        units = character_units(
            {t: lengths[t] for t in included}, mine, coders, compared, targets, leave_out
        )
    rows, pooled = [], Tally(table=np.zeros((2, 2), dtype=np.int64) if len(coders) == 2 else None)
    totals = {"units": 0, **{coder: 0 for coder in coders}}
    by_segment = unit == "segment"  # characters are no independent units to resample
    parts = []
    for code, m in units:
        label = codebook.codes[code].name(codebook.language) if code in codebook.codes else code
        row = {"code": code, "label": label, "units": len(m)}
        row.update({coder: int(m[:, j].sum()) for j, coder in enumerate(coders)})
        tally = Tally.of(m)
        pooled = pooled + tally
        row.update(tally.scores())
        if by_segment:
            parts.append(pairable_parts(m))
        row["verdict"] = verdict(row["alpha"])
        rows.append(row)
        totals = {k: totals[k] + row[k] for k in totals}
    # one per code, then the pooled figure; characters get none
    spans = alpha_intervals([*parts, sum(parts)]) if parts else [[math.nan] * 2] * (len(rows) + 1)
    for row, (low, high) in zip(rows, spans, strict=False):
        row["alpha_low"], row["alpha_high"] = low, high
    per_code = pd.DataFrame(
        rows,
        columns=["code", "label", "units", *coders, "percent", "kappa", "alpha", "alpha_low",
                 "alpha_high", "verdict"],
    )  # fmt: skip
    overall = {**totals, **pooled.scores()}
    overall["alpha_low"], overall["alpha_high"] = spans[-1]
    overall["verdict"] = verdict(overall["alpha"])
    return Agreement(
        unit=unit,
        coders=coders,
        transcripts=included,
        left_out=left_out,
        per_code=per_code,
        overall=overall,
        disagreements=disagreements(segs, index, seg_matrices, coders, compared),
        interviewer_segments=_left_out_count(leave_out, included),
    )


def _left_out_count(leave_out: pd.DataFrame | None, included: list[str]) -> int:
    return 0 if leave_out is None else int(leave_out["transcript"].isin(included).sum())


def plot(result: Agreement, ax=None):
    """Alpha per code as horizontal bars with their 95% intervals and the two threshold lines;
    returns the figure."""
    import matplotlib.pyplot as plt

    frame = result.per_code.iloc[::-1]
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 0.3 * len(frame) + 1.5))
    else:
        fig = ax.figure
    colors = {
        "reliable": "#2ca02c",
        "tentative": "#ff7f0e",
        "not reliable": "#d62728",
        "n/a": "#999999",
    }
    ax.barh(frame["code"], frame["alpha"].fillna(0), color=[colors[v] for v in frame["verdict"]])
    spans = frame.dropna(subset=["alpha", "alpha_low"])
    if len(spans):  # the 95% interval (segments resampled) as a line through each bar
        below, above = spans["alpha"] - spans["alpha_low"], spans["alpha_high"] - spans["alpha"]
        ax.errorbar(spans["alpha"], spans["code"], xerr=[below, above], fmt="none",
                    ecolor="#333333", capsize=2)  # fmt: skip
    ax.axvline(RELIABLE, color="#2ca02c", linestyle="--", linewidth=1, label="0.800 reliable")
    ax.axvline(TENTATIVE, color="#ff7f0e", linestyle="--", linewidth=1, label="0.667 tentative")
    ax.set_xlabel(f"Krippendorff's alpha (nominal, unit: {result.unit})")
    lowest = pd.concat([frame["alpha"], frame["alpha_low"]]).min(skipna=True)
    ax.set_xlim(min(0.0, 0.0 if pd.isna(lowest) else float(lowest)), 1.0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2, frameon=False)
    ax.set_title(f"Agreement per code: {' vs '.join(result.coders)}", loc="left")
    fig.tight_layout()
    return fig
