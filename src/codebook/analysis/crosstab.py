"""Codes x groups with totals: the table of `codebook stats --crosstab` (and the xlsx sheet's
reading of it), counted as `frequencies` counts."""

from __future__ import annotations

import pandas as pd

from codebook.analysis.frames import at_level
from codebook.analysis.frequencies import MISSING, frequencies
from codebook.model import Codebook

CODED = "(coded segments)"  # segments with any of the codes, per group
ALL = "(all segments)"  # the group's size


def crosstab(
    coded: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    by: str,
    level: int | None = None,
    normalise: bool = False,
) -> pd.DataFrame:
    """One row per code (tree order, at `level`), one column per group of `by`, and `total`.

    Cells count coded segments. Two last rows: segments with any code, and all segments of the
    group (its size). With `normalise`, code and coded-segment cells are shares of the group's
    segments (0..1), so groups of different size compare; the size row stays a count.
    """
    freq = frequencies(coded, segments, by, codebook, level)
    groups = list(pd.unique(freq[by]))
    table = freq.pivot(index="code", columns=by, values="segments")
    table = table.reindex(index=pd.unique(freq["code"]), columns=groups).fillna(0).astype(int)
    sizes = freq.drop_duplicates(by).set_index(by)["group_segments"].reindex(groups)
    leveled = at_level(coded, codebook, level)
    group = leveled[by].astype(object).where(leveled[by].notna(), MISSING) if len(leveled) else []
    any_code = (
        leveled.assign(_g=group).groupby("_g")["segment_id"].nunique().reindex(groups)
        if len(leveled)
        else pd.Series(0, index=groups)
    )
    total = leveled.groupby("code")["segment_id"].nunique().reindex(table.index).fillna(0)
    all_segments = int(sizes.sum())
    name = "total" if "total" not in map(str, groups) else "(total)"
    table[name] = total.astype(int)
    table.loc[CODED] = [*any_code.fillna(0).astype(int), leveled["segment_id"].nunique()]
    if normalise:
        denominators = pd.Series([*sizes.to_numpy(), all_segments], index=table.columns)
        table = (table / denominators.where(denominators > 0)).fillna(0.0).round(4)
        table = table.astype(object)  # the size row below stays a whole number
    table.loc[ALL] = [*map(int, sizes), all_segments]
    labels = freq.drop_duplicates("code").set_index("code")["label"]
    out = table.reset_index(names="code")
    out.insert(1, "label", out["code"].map(labels).fillna(""))
    out.columns = ["code", "label", *map(str, groups), name]
    return out
