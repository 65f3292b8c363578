"""Segments in the order a researcher should code them next, and suggestion tables.

Active learning by uncertainty sampling: a segment whose two best codes score about the same
teaches the model most. Segments where no code scores at all (small talk, "Ja.") are pushed
back, and a segment whose candidates are codes with few examples comes forward.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from codebook.suggest.suggester import Suggester

RELEVANT = 0.3  # a best score below this makes a segment less worth asking about
QUEUE_COLUMNS = [
    "transcript",
    "segment_id",
    "index",
    "start",
    "end",
    "speaker",
    "text",
    "code",
    "second",
    "score",
    "margin",
    "examples",
    "priority",
]
SUGGESTION_COLUMNS = ["transcript", "start", "end", "text", "rank", "code", "score", "why"]


def uncertain(segments: pd.DataFrame, suggester: Suggester) -> pd.DataFrame:
    """`segments` (a segments frame) ordered by priority, most worth coding first."""
    if segments.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    scores = suggester.scores(_texts(segments))
    order = np.argsort(-scores, axis=1, kind="stable")
    rows = np.arange(len(scores))
    first = order[:, 0]
    second = order[:, 1] if scores.shape[1] > 1 else first
    s1 = scores[rows, first]
    s2 = scores[rows, second] if scores.shape[1] > 1 else np.zeros(len(rows))
    model = suggester.model
    counts = model.positives if model is not None else np.zeros(len(suggester.ids), dtype=int)
    rarity = 0.5 * (1 / (1 + counts[first]) + 1 / (1 + counts[second]))
    margin = s1 - s2
    priority = (1 - margin) * np.minimum(1.0, s1 / RELEVANT) * (1 + rarity)
    ids = np.array(suggester.ids)
    out = segments.assign(
        code=ids[first],
        second=ids[second],
        score=s1.round(3),
        margin=margin.round(3),
        examples=counts[first],
        priority=priority.round(4),
    )
    out = out.sort_values(["priority", "segment_id"], ascending=[False, True], kind="stable")
    return out[QUEUE_COLUMNS].reset_index(drop=True)


def suggestions(segments: pd.DataFrame, suggester: Suggester, top: int = 3) -> pd.DataFrame:
    """One row per (segment, suggested code): the table `codebook suggest` prints."""
    if segments.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    ranked = suggester.rank(_texts(segments), top, own=segments["text"].tolist())
    rows = [
        (
            seg.transcript,
            seg.start,
            seg.end,
            seg.text,
            k + 1,
            s.code,
            round(s.score, 3),
            "; ".join(s.why),
        )
        for seg, found in zip(segments.itertuples(index=False), ranked, strict=True)
        for k, s in enumerate(found)
    ]
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def _texts(segments: pd.DataFrame) -> list:
    """What to score: the segment's `context.Reading` when the frame has it, else its text."""
    column = "context" if "context" in segments else "text"
    return segments[column].tolist()


def uncoded(
    segments: pd.DataFrame, coded: pd.DataFrame, context: dict, coder: str | None
) -> pd.DataFrame:
    """Segments nobody (or `coder`) has coded, with a `context` column (`context.Reading`s)
    to score them by."""
    if coder:
        coded = coded[coded["coder"] == coder]
    segs = segments.assign(context=segments["segment_id"].map(context))
    return segs[~segs["segment_id"].isin(coded["segment_id"])].reset_index(drop=True)
