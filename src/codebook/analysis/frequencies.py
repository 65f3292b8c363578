"""How often each code occurs per group, normalised for group size, and whether it differs.

Groups differ in size (a group with two interviews is not 'quieter' than one with eight), so
every count comes with the group's total and a share. `chi_square` says which cells of a
codes x groups table differ more than chance would explain, counting codings as independent;
`permutation_test` asks the same with the interview as the unit, which is what a dozen
interviews can support.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from codebook.analysis.frames import at_level
from codebook.model import Codebook, CodebookError

UNITS = ("codings", "segments", "transcripts")
MISSING = "(none)"


class LowExpectedCountWarning(UserWarning):
    """Expected counts too low for the chi-square approximation to be trusted."""


def frequencies(
    coded: pd.DataFrame,
    segments: pd.DataFrame,
    by: str | None = None,
    codebook: Codebook | None = None,
    level: int | None = None,
) -> pd.DataFrame:
    """Codings, segments and transcripts per code (and group), with shares of the group.

    One row per group and code that occurs anywhere (zeros included, so tables are complete).
    `share_segments` is the part of the group's segments that carry the code; `share_transcripts`
    the part of the group's transcripts where it occurs at all; `share_codings` the code's part
    of all codings in the group. A group is any column of both frames (an attribute, `speaker`,
    `transcript`); for a column only in `coded` (`coder`), group sizes count what the group coded.
    `level` counts at that depth of the code tree (0 = the roots, needs `codebook`).
    """
    if level is not None:
        if codebook is None:
            raise CodebookError("counting at a tree level needs the codebook")
        coded = at_level(coded, codebook, level)
    if by is not None and by not in coded.columns and by not in segments.columns:
        skip = ("segment_id", "index", "start", "end", "timestamp", "text")
        choices = [c for c in segments.columns if c not in skip]
        raise CodebookError(f"cannot group by '{by}' (choose from: {', '.join(choices)})")
    group = by or "_all"
    coded = _with_group(coded, by, group)
    base = _with_group(segments, by, group) if by is None or by in segments.columns else coded
    counts = coded.groupby([group, "code"], sort=False).agg(
        codings=("coding_id", "nunique"),
        segments=("segment_id", "nunique"),
        transcripts=("transcript", "nunique"),
    )
    groups = _group_order(
        base[group], codebook.attributes[by].values if _declared(codebook, by) else None
    )
    codes = _code_order(coded["code"], codebook)
    grid = pd.MultiIndex.from_product([groups, codes], names=[group, "code"])
    table = counts.reindex(grid, fill_value=0).reset_index()
    sizes = base.groupby(group).agg(
        group_segments=("segment_id", "nunique"), group_transcripts=("transcript", "nunique")
    )
    sizes["group_codings"] = coded.groupby(group)["coding_id"].nunique()
    table = table.join(sizes.fillna(0).astype(int), on=group)
    for unit in UNITS:
        total = table[f"group_{unit}"]
        table[f"share_{unit}"] = (table[unit] / total.where(total > 0)).fillna(0.0)
    labels = coded.drop_duplicates("code").set_index("code")["label"]
    table.insert(2, "label", table["code"].map(labels))
    columns = [
        "code",
        "label",
        *UNITS,
        *(f"group_{u}" for u in UNITS),
        *(f"share_{u}" for u in UNITS),
    ]
    if by is None:
        return table[columns]
    return table[[by, *columns]]


def crosstab(freq: pd.DataFrame, value: str = "segments") -> pd.DataFrame:
    """A codes x groups table (index `code`, one column per group) of one column of `freq`."""
    by = freq.columns[0]
    if by == "code":
        return freq.set_index("code")[[value]]
    table = freq.pivot(index="code", columns=by, values=value)
    table = table.reindex(index=pd.unique(freq["code"]), columns=pd.unique(freq[by]))
    table.columns.name = by
    return table


def compare(freq: pd.DataFrame, a: str, b: str, value: str = "share_segments") -> pd.DataFrame:
    """Codes side by side for groups `a` and `b`, largest difference first.

    `only_in` names the group where a code occurs while the other never mentions it: the
    quickest answer to 'which barriers do parents name that teachers do not?'.
    """
    table = crosstab(freq, value)
    missing = [g for g in (a, b) if g not in table.columns]
    if missing:
        known = ", ".join(map(str, table.columns))
        raise CodebookError(f"no group {', '.join(map(repr, missing))} (groups: {known})")
    counts = crosstab(freq, "codings")
    labels = freq.drop_duplicates("code").set_index("code")["label"]
    out = pd.DataFrame(
        {"label": labels.reindex(table.index), a: table[a], b: table[b]}, index=table.index
    )
    out["difference"] = out[a] - out[b]
    only = np.where(counts[b] == 0, a, np.where(counts[a] == 0, b, ""))
    out["only_in"] = np.where((counts[a] == 0) & (counts[b] == 0), "", only)
    out = out[(counts[a] > 0) | (counts[b] > 0)]
    return out.sort_values("difference", key=abs, ascending=False, kind="stable").reset_index()


@dataclass
class ChiSquare:
    """A chi-square test of independence on a codes x groups table of counts."""

    statistic: float
    p: float
    dof: int
    observed: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame  # Pearson (standardised): (O - E) / sqrt(E)
    adjusted: pd.DataFrame  # adjusted standardised residuals; |r| > 1.96 differs at 5%
    low_expected: float  # share of cells with an expected count below 5
    warning: str | None

    def cells(self) -> pd.DataFrame:
        """One row per cell: observed, expected, residual, adjusted residual."""
        parts = {
            "observed": self.observed,
            "expected": self.expected,
            "residual": self.residuals,
            "adjusted_residual": self.adjusted,
        }
        by = self.observed.columns.name or "group"
        long = [
            frame.rename_axis(index="code", columns=by).stack().rename(name)
            for name, frame in parts.items()
        ]
        out = pd.concat(long, axis=1).reset_index()
        out["differs"] = out["adjusted_residual"].abs() > 1.96
        return out


def chi_square(table: pd.DataFrame) -> ChiSquare:
    """Chi-square test (scipy) with standardised and adjusted residuals per cell.

    Rows and columns without any count are left out (they carry no information and would
    divide by zero). Following Cochran, a warning is raised when any expected count is below 1
    or more than 20% are below 5: then merge groups or count at a higher tree level.
    Note that one segment may carry several codes, so cells are not strictly independent;
    read the test as a guide to where to look, not as proof.
    """
    observed = table.fillna(0)
    observed = observed.loc[observed.sum(axis=1) > 0, observed.sum(axis=0) > 0]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        raise CodebookError(
            "a chi-square test needs at least two codes and two groups with counts "
            f"(this table has {observed.shape[0]} x {observed.shape[1]})"
        )
    from scipy.stats import chi2_contingency  # loading it costs more than `stats` itself

    result = chi2_contingency(observed.to_numpy(dtype=float), correction=False)
    expected = pd.DataFrame(result.expected_freq, index=observed.index, columns=observed.columns)
    diff = observed - expected
    residuals = diff / np.sqrt(expected)
    n = observed.to_numpy().sum()
    row = observed.sum(axis=1).to_numpy()[:, None] / n
    col = observed.sum(axis=0).to_numpy()[None, :] / n
    adjusted = diff / np.sqrt(expected * (1 - row) * (1 - col))
    low = float((expected < 5).to_numpy().mean())
    smallest = float(expected.to_numpy().min())
    warning = None
    if smallest < 1 or low > 0.2:
        warning = (
            f"{low:.0%} of the {expected.size} cells have an expected count below 5 "
            f"(smallest {smallest:.2f}); the chi-square test is unreliable here: "
            "merge groups or count at a higher level of the code tree"
        )
        warnings.warn(warning, LowExpectedCountWarning, stacklevel=2)
    return ChiSquare(
        statistic=float(result.statistic),
        p=float(result.pvalue),
        dof=int(result.dof),
        observed=observed,
        expected=expected,
        residuals=residuals,
        adjusted=adjusted,
        low_expected=low,
        warning=warning,
    )


@dataclass
class Permutation:
    """A chi-square statistic judged against the groups shuffled between interviews."""

    statistic: float
    p: float
    units: int  # interviews (or, where one interview holds several groups, its parts by group)
    groups: int
    resamples: int


def permutation_test(
    coded: pd.DataFrame,
    by: str,
    codebook: Codebook | None = None,
    level: int | None = None,
    value: str = "codings",
    resamples: int = 9999,
    seed: int = 13,
) -> Permutation:
    """Whether codes x groups differ, with the interview as the unit (a permutation test).

    `chi_square` counts codings as if each were drawn on its own; but one interview's codings
    hang together (a talkative respondent, one topic for half an hour), so with a dozen
    interviews its p-value is far too small. Here the group labels are shuffled between the
    interviews (between an interview's parts by group, for a focus group) and the chi-square
    statistic of the table is compared with those of the shuffled tables: the p-value asks
    whether the groups differ more than interviews differ anyway. `value`: codings or segments.
    """
    if by not in coded.columns:
        raise CodebookError(f"cannot group by '{by}' (no such column in the codings)")
    if level is not None:
        if codebook is None:
            raise CodebookError("counting at a tree level needs the codebook")
        coded = at_level(coded, codebook, level)
    what = {"codings": "coding_id", "segments": "segment_id"}
    if value not in what:
        raise CodebookError(f"unknown value '{value}' (choose from: {', '.join(what)})")
    coded = _with_group(coded, by, by)
    pieces = coded.groupby(["transcript", by, "code"])[what[value]].nunique().unstack(fill_value=0)
    group_of, groups = pd.factorize(pieces.index.get_level_values(by))
    if len(groups) < 2 or pieces.shape[1] < 2:
        raise CodebookError(
            "a permutation test needs at least two codes and two groups with codings "
            f"(found {pieces.shape[1]} code(s) and {len(groups)} group(s))"
        )
    counts = pieces.to_numpy(dtype=float)

    def statistic(label: np.ndarray) -> float:
        table = np.zeros((counts.shape[1], len(groups)))
        np.add.at(table.T, label, counts)
        return _chi2(table)

    # by hand: scipy.stats.permutation_test wants two interviews per group, and groups of one
    # are common in qualitative samples
    rng = np.random.default_rng(seed)
    observed = statistic(group_of)
    shuffled = np.array([statistic(rng.permutation(group_of)) for _ in range(resamples)])
    p = (1 + np.sum(shuffled >= observed - 1e-9 * observed)) / (resamples + 1)
    return Permutation(observed, float(p), len(counts), len(groups), resamples)


def _chi2(table: np.ndarray) -> float:
    """Pearson's chi-square statistic of a codes x groups table (codes without counts left out)."""
    table = table[table.sum(axis=1) > 0]
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum((table - expected) ** 2 / expected))


def _with_group(frame: pd.DataFrame, by: str | None, group: str) -> pd.DataFrame:
    if by is None:
        return frame.assign(_all="all")
    if not frame[by].hasnans:
        return frame
    return frame.assign(**{group: frame[by].astype(object).where(frame[by].notna(), MISSING)})


def _declared(codebook: Codebook | None, by: str | None) -> bool:
    return codebook is not None and by in codebook.attributes


def _group_order(values: pd.Series, declared: list[str] | None) -> list:
    present = set(pd.unique(values))
    order = [v for v in declared or [] if v in present]
    return order + sorted(present - set(order), key=str)


def _code_order(codes: pd.Series, codebook: Codebook | None) -> list[str]:
    present = set(pd.unique(codes))
    order = [c for c in (codebook.codes if codebook else []) if c in present]
    return order + sorted(present - set(order))


def stats_table(
    coded: pd.DataFrame,
    segments: pd.DataFrame,
    codebook: Codebook,
    by: str | None = None,
    level: int | None = None,
    normalise: bool = False,
) -> pd.DataFrame:
    """The table of `codebook stats`: coded segments per code (and group), codes in tree order.

    Only codes that occur in a group are listed. With `normalise`, each count comes with the
    group's size and share (segments and transcripts), so groups of different size compare.
    """
    freq = frequencies(coded, segments, by, codebook, level)
    freq = freq[freq["segments"] > 0]
    columns = ["code", "label", *([by] if by else []), "segments"]
    if normalise:
        columns += [
            "group_segments",
            "share_segments",
            "transcripts",
            "group_transcripts",
            "share_transcripts",
        ]
    order = {c: i for i, c in enumerate(codebook.codes)}
    freq = freq.assign(_order=freq["code"].map(lambda c: order.get(c, len(order))))
    freq = freq.sort_values("_order", kind="stable")
    return freq[columns].reset_index(drop=True)
