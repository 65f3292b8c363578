"""Tidy frames of a project: segments, codings, and codings joined to the segments they touch.

Every other analysis takes these frames, so notebooks, reports and the TUI count the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from codebook.model import Codebook, Coding, Segment, Transcript

SEGMENT_COLUMNS = [
    "segment_id",
    "transcript",
    "index",
    "start",
    "end",
    "speaker",
    "timestamp",
    "text",
]
CODING_COLUMNS = [
    "coding_id",
    "transcript",
    "start",
    "end",
    "code",
    "coder",
    "origin",
    "memo",
    "created_at",
]


def segments_frame(transcripts: list[Transcript], segments: list[Segment]) -> pd.DataFrame:
    """One row per segment with its text and the attributes of its transcript."""
    by_id = {t.id: t for t in transcripts}
    rows = [
        (
            g.id,
            by_id[g.transcript_id].name,
            g.index,
            g.start,
            g.end,
            g.speaker,
            g.timestamp,
            by_id[g.transcript_id].text[g.start : g.end],
        )
        for g in segments
    ]
    frame = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    return frame.merge(attributes_frame(transcripts), on="transcript", how="left")


def attributes_frame(transcripts: list[Transcript]) -> pd.DataFrame:
    """One row per transcript, one column per attribute."""
    frame = pd.DataFrame([{"transcript": t.name, **t.attributes} for t in transcripts])
    return frame if not frame.empty else pd.DataFrame(columns=["transcript"])


def codings_frame(transcripts: list[Transcript], codings: list[Coding]) -> pd.DataFrame:
    """One row per coding, with the coded text."""
    by_id = {t.id: t for t in transcripts}
    rows = [
        (
            c.id,
            by_id[c.transcript_id].name,
            c.start,
            c.end,
            c.code,
            c.coder,
            c.origin,
            c.memo,
            c.created_at,
        )
        for c in codings
    ]
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    frame["text"] = [by_id[c.transcript_id].text[c.start : c.end] for c in codings]
    return frame


def coded_frame(segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per (coding, segment it overlaps), with segment columns and the code's ancestors.

    A coding that spans three sentences counts for each of them; a coding inside one sentence
    counts for that sentence only.
    """
    pairs = []
    for name, segs in segments.groupby("transcript", sort=False):
        segs = segs.sort_values("start")
        starts, ends = segs["start"].to_numpy(), segs["end"].to_numpy()
        ids = segs["segment_id"].to_numpy()
        mine = codings[codings["transcript"] == name]
        first = np.searchsorted(ends, mine["start"].to_numpy(), side="right")
        last = np.searchsorted(starts, mine["end"].to_numpy(), side="left")
        for coding_id, a, b in zip(mine["coding_id"].to_numpy(), first, last, strict=True):
            pairs.extend((coding_id, ids[k]) for k in range(a, b))
    link = pd.DataFrame(pairs, columns=["coding_id", "segment_id"])
    coded = link.merge(
        codings.drop(columns=["transcript", "start", "end", "text"]), on="coding_id"
    ).merge(segments, on="segment_id")
    known = codebook.codes
    coded["label"] = coded["code"].map(lambda c: known[c].name() if c in known else c)
    coded["ancestors"] = coded["code"].map(lambda c: codebook.ancestors(c) if c in known else [])
    return coded


def stats(coded: pd.DataFrame, codebook: Codebook, by: str | None = None) -> pd.DataFrame:
    """Coded segments per code (and per value of `by`), in codebook order."""
    keys = ["code"] + ([by] if by else [])
    if by and by not in coded.columns:
        coded = coded.assign(**{by: pd.NA})
    counts = (
        coded.groupby(keys, dropna=False)["segment_id"].nunique().rename("segments").reset_index()
    )
    order = {cid: i for i, cid in enumerate(codebook.codes)}
    counts["_order"] = counts["code"].map(lambda c: order.get(c, len(order)))
    counts.insert(
        1,
        "label",
        counts["code"].map(lambda c: codebook.codes[c].name() if c in codebook.codes else c),
    )
    return counts.sort_values(["_order"] + keys[1:]).drop(columns="_order").reset_index(drop=True)
