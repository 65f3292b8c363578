"""Which codes occur together: in the same segment, or within a window of N segments.

Two views, as analysts know them from QDA software:

- on segments: `segments_a`, `segments_b` carry code a or b; `segments_ab` of those have the
  other code in the same segment (or within `window` segments); `jaccard` is `segments_ab`
  over the segments carrying either code. With `window=0` this is |A and B| / |A or B|.
- on codings, as ATLAS.ti reports it: `codings_a`, `codings_b` are the codings of each code,
  `n12` the pairs of codings (one of each) that co-occur, and `c_coefficient` is
  n12 / (n1 + n2 - n12). Like in ATLAS.ti it can exceed 1 when one long coding meets
  several short ones.

Co-occurrence is counted within one coder's work: with several coders, a pair of segments is
never linked by two different people's codings (units are coder x segment).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from codebook.model import CodebookError

PAIR_COLUMNS = [
    "code_a",
    "code_b",
    "label_a",
    "label_b",
    "segments_a",
    "segments_b",
    "segments_ab",
    "jaccard",
    "codings_a",
    "codings_b",
    "n12",
    "c_coefficient",
]


def cooccurrence(coded: pd.DataFrame, window: int = 0) -> pd.DataFrame:
    """One row per pair of codes that co-occur at least once, strongest (Jaccard) first."""
    if window < 0:
        raise CodebookError(f"the co-occurrence window must be 0 or more segments (got {window})")
    codes = list(pd.unique(coded["code"]))
    if len(codes) < 2:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    seg_n, seg_ab, both = _segment_counts(coded, codes, window)
    cod_n, n12 = _coding_pairs(coded, codes, window)
    a, b = np.triu_indices(len(codes), k=1)
    labels = coded.drop_duplicates("code").set_index("code")["label"]
    pairs = pd.DataFrame(
        {
            "code_a": [codes[i] for i in a],
            "code_b": [codes[j] for j in b],
            "segments_a": seg_n[a],
            "segments_b": seg_n[b],
            "segments_ab": seg_ab[a, b],
            "union": seg_n[a] + seg_n[b] - both[a, b],
            "codings_a": cod_n[a],
            "codings_b": cod_n[b],
            "n12": n12[a, b],
        }
    )
    pairs = pairs[(pairs["segments_ab"] > 0) | (pairs["n12"] > 0)].copy()
    pairs["label_a"] = pairs["code_a"].map(labels)
    pairs["label_b"] = pairs["code_b"].map(labels)
    pairs["jaccard"] = pairs["segments_ab"] / pairs["union"]
    pairs["c_coefficient"] = pairs["n12"] / (pairs["codings_a"] + pairs["codings_b"] - pairs["n12"])
    pairs = pairs.sort_values(["jaccard", "n12"], ascending=False, kind="stable")
    return pairs[PAIR_COLUMNS].reset_index(drop=True)


def matrix(pairs: pd.DataFrame, value: str = "jaccard", codes: list[str] | None = None):
    """A symmetric codes x codes table of one measure (diagonal empty), for a heatmap."""
    codes = codes or list(dict.fromkeys([*pairs["code_a"], *pairs["code_b"]]))
    where = {c: i for i, c in enumerate(codes)}
    square = np.zeros((len(codes), len(codes)))
    for a, b, v in zip(pairs["code_a"], pairs["code_b"], pairs[value], strict=True):
        if a in where and b in where:
            square[where[a], where[b]] = square[where[b], where[a]] = v
    np.fill_diagonal(square, np.nan)
    return pd.DataFrame(square, index=codes, columns=codes)


def _positions(keys: pd.DataFrame, index: pd.Series, window: int) -> np.ndarray:
    """A number line where each coder x transcript block is far from the next one."""
    block = keys.groupby(["coder", "transcript"], sort=False).ngroup().to_numpy(np.int64)
    span = int(index.max()) + 2 * window + 2
    return block * span + index.to_numpy(np.int64)


def _segment_counts(coded: pd.DataFrame, codes: list[str], window: int):
    """Per code, units carrying it; per pair, units of either code near the other."""
    units = coded[["coder", "transcript", "index", "code"]].drop_duplicates()
    keys = units[["coder", "transcript", "index"]].drop_duplicates()
    pos = np.unique(_positions(keys, keys["index"], window))
    unit_pos = _positions(units, units["index"], window)
    rows = np.searchsorted(pos, unit_pos)
    cols = units["code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
    present = np.zeros((len(pos), len(codes)), dtype=np.int32)
    present[rows, cols] = 1
    if window == 0:
        near = present
    else:
        cumulative = np.vstack([np.zeros((1, len(codes)), np.int32), np.cumsum(present, axis=0)])
        lo = np.searchsorted(pos, pos - window, side="left")
        hi = np.searchsorted(pos, pos + window, side="right")
        near = ((cumulative[hi] - cumulative[lo]) > 0).astype(np.int32)
    present, near = present.astype(float), near.astype(float)  # BLAS for the products
    both = np.rint(present.T @ present).astype(np.int64)
    with_near = np.rint(present.T @ near).astype(np.int64)
    return both.diagonal().copy(), with_near + with_near.T - both, both


def _coding_pairs(coded: pd.DataFrame, codes: list[str], window: int):
    """Codings per code and pairs of codings (different codes, one coder) that co-occur."""
    spans = coded.groupby("coding_id", sort=False).agg(
        coder=("coder", "first"),
        transcript=("transcript", "first"),
        code=("code", "first"),
        lo=("index", "min"),
        hi=("index", "max"),
    )
    spans["k"] = spans["code"].map({c: i for i, c in enumerate(codes)})
    counts = np.bincount(spans["k"], minlength=len(codes))
    left = spans.reset_index()
    joined = left.merge(left, on=["coder", "transcript"], suffixes=("_x", "_y"))
    joined = joined[
        (joined["coding_id_x"] < joined["coding_id_y"])
        & (joined["k_x"] != joined["k_y"])
        & (joined["lo_y"] <= joined["hi_x"] + window)
        & (joined["lo_x"] <= joined["hi_y"] + window)
    ]
    n12 = np.zeros((len(codes), len(codes)), dtype=np.int64)
    np.add.at(n12, (joined["k_x"].to_numpy(), joined["k_y"].to_numpy()), 1)
    return counts, n12 + n12.T
