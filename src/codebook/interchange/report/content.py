"""What a report says, as DataFrames: frequencies by group, representative quotes and memos.

Counts are coded segments (a segment coded twice, or by two coders, counts once), counted by
`codebook.analysis.frequencies`; quotes are picked by `codebook.analysis.quotes`, so a report
and the notebooks agree.
"""

from __future__ import annotations

import fnmatch

import pandas as pd

from codebook.analysis.frequencies import MISSING
from codebook.analysis.frequencies import frequencies as analysis_frequencies
from codebook.analysis.quotes import quotes as analysis_quotes
from codebook.model import Codebook, CodebookError


def select(
    frames: dict[str, pd.DataFrame], transcripts: list[str] | None
) -> dict[str, pd.DataFrame]:
    """Keep the transcripts whose names match any of the names or glob patterns given."""
    if not transcripts:
        return frames
    names = frames["segments"]["transcript"].unique()
    keep: set[str] = set()
    for pattern in transcripts:
        hits = fnmatch.filter(names, pattern)
        if not hits:
            raise CodebookError(f"--transcripts: no transcript matches '{pattern}'")
        keep.update(hits)
    return {key: f[f["transcript"].isin(keep)].reset_index(drop=True) for key, f in frames.items()}


def codes_in_scope(codebook: Codebook, codes: list[str] | None) -> list[str]:
    """The codes named (with their subcodes), in codebook order; all codes by default."""
    if not codes:
        return list(codebook.codes)
    unknown = [c for c in codes if c not in codebook.codes]
    if unknown:
        raise CodebookError(f"--codes: unknown code(s) {', '.join(unknown)}")
    wanted = set(codes)
    for code in codes:
        wanted.update(c.id for c in codebook.walk(code))
    return [c for c in codebook.codes if c in wanted]


def group_values(frame: pd.DataFrame, by: str) -> pd.Series:
    if by not in frame:
        return pd.Series(MISSING, frame.index, dtype=object)
    return frame[by].astype(object).where(frame[by].notna(), MISSING)


def frequencies(
    segments: pd.DataFrame, coded: pd.DataFrame, codebook: Codebook, by: str
) -> pd.DataFrame:
    """Per code and group: coded segments, their share of the group's segments, transcripts.

    The counting is `codebook.analysis.frequencies`, the same the notebooks use."""
    table = analysis_frequencies(coded, segments, by, codebook)
    return table.rename(columns={by: "group", "share_segments": "share"})


def quotes(
    codings: pd.DataFrame, coded: pd.DataFrame, by: str, per_group: int = 2, lang: str = "nl"
) -> pd.DataFrame:
    """The most representative passages per code and group, as the notebooks pick them
    (`codebook.analysis.quotes`: closest to the code's centroid; one quote per passage).
    `page` is the page the quote starts on, in paged sources (PDF); empty otherwise."""
    columns = ["code", "group", "transcript", "speaker", "text", "start", "end", "score", "page"]
    if coded.empty:
        return pd.DataFrame(columns=columns)
    coded = coded.assign(_group=group_values(coded, by))  # `by` may be a column of codings too
    best = analysis_quotes(coded, codings, by="_group", n=per_group, max_chars=600, lang=lang)
    if "page" in coded.columns:
        pages = coded[["transcript", "index", "page"]].drop_duplicates(["transcript", "index"])
        pages = pages.rename(columns={"index": "segment"})
        best = best.merge(pages, on=["transcript", "segment"], how="left")
    else:
        best["page"] = pd.NA
    return best.rename(columns={"_group": "group", "quote": "text"})[columns]


def memos(codings: pd.DataFrame) -> pd.DataFrame:
    """Memos written on codings, per code, once per distinct text."""
    with_memo = codings[codings["memo"].fillna("").str.strip() != ""]
    return (
        with_memo[["code", "transcript", "coder", "memo"]]
        .drop_duplicates(["code", "transcript", "memo"])
        .reset_index(drop=True)
    )
