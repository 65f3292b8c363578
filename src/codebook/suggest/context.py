"""How a passage is read: in its context, with the question it answers, next to its neighbours.

Codes are given to passages, and a sentence such as "Dat lukt me gewoon niet." only says what
"dat" is in context. Three things, each measured with `codebook evaluate --learning-curve` on
the sample project (see the README):

- the **context**: the segment twice (its own words weigh most), the same speaker's sentence
  before and after it in the turn, and the **question**: the last sentence of the turn before
  (another speaker's: in an interview the interviewer's question, which names the topic the
  answer is about: "Aan wie vraagt u het dan?");
- the **sentences around** it in the same turn: a coded passage is two or three sentences long,
  so a neighbour's scores count too, less with distance (`NEAR ** distance`, up to `REACH`);
- **training examples** are read the same way: a coded span becomes the segments it covers,
  each in its context and standing for its share of the span, so that the model learns from
  what it is later asked about.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np

from codebook.model import Segment, Transcript

REACH = 2  # sentences on each side whose scores count
NEAR = 0.5  # weight of a neighbour one sentence away (NEAR**2 two away)
QUESTION = ("?", "？", "؟")  # noqa: RUF001 (the full-width and Arabic question marks)


@dataclass(frozen=True)
class Reading:
    """What is scored for a passage: its text in context, and its neighbours' (text, weight)."""

    text: str
    around: tuple[tuple[str, float], ...] = ()


def _covered(segments: list[Segment], start: int, end: int) -> tuple[int, int]:
    """Indexes of the first and last segment overlapping [start, end) (first > last: none)."""
    first = bisect_right([s.end for s in segments], start)
    last = bisect_left([s.start for s in segments], end) - 1
    return first, last


def _question(segments: list[Segment], first: int, text: str) -> int | None:
    """The last question in the turn before the one that holds segment `first`, if any."""
    j = first
    while j > 0 and segments[j - 1].speaker == segments[first].speaker:
        j -= 1
    if j == 0:
        return None
    asker = segments[j - 1].speaker
    while j > 0 and segments[j - 1].speaker == asker:
        j -= 1
        if text[segments[j].start : segments[j].end].rstrip().endswith(QUESTION):
            return j
    return None


def _context(
    text: str, segments: list[Segment], first: int, last: int, own: str, question: bool
) -> str:
    """`own` twice, with segments `first`..`last`'s neighbours in the turn and the question."""
    parts = [own, own]
    if 0 <= first <= last < len(segments):
        before, after = first - 1, last + 1
        if before >= 0 and segments[before].speaker == segments[first].speaker:
            parts.insert(0, text[segments[before].start : segments[before].end])
        if after < len(segments) and segments[after].speaker == segments[last].speaker:
            parts.append(text[segments[after].start : segments[after].end])
        q = _question(segments, first, text) if question else None
        if q is not None:
            parts.insert(0, text[segments[q].start : segments[q].end])
    return " ".join(parts)


def _segment_context(text: str, segments: list[Segment], i: int, question: bool) -> str:
    g = segments[i]
    return _context(text, segments, i, i, text[g.start : g.end], question)


def span_context(
    text: str, segments: list[Segment], start: int, end: int, question: bool = True
) -> str:
    """The text of [start, end) twice, the same speaker's sentence before and after, and the
    question before the turn. `segments` are one transcript's segments in order."""
    first, last = _covered(segments, start, end)
    return _context(text, segments, first, last, text[start:end], question)


def covers(start: int, end: int, segment: Segment, share: float = 0.5) -> bool:
    """Whether [start, end) covers at least `share` of `segment` (THE rule for which segments
    a coding is about: training examples and the evaluation's gold codes)."""
    overlap = min(end, segment.end) - max(start, segment.start)
    return overlap >= share * (segment.end - segment.start)


def neighbours(segments: list[Segment], first: int, last: int) -> list[tuple[int, float]]:
    """(index, weight) of the same speaker's segments up to `REACH` before `first` and after
    `last`, in the same turn."""
    out = []
    for step, edge in ((-1, first), (1, last)):
        j = edge
        for distance in range(1, REACH + 1):
            j += step
            if not 0 <= j < len(segments) or segments[j].speaker != segments[edge].speaker:
                break
            out.append((j, NEAR**distance))
    return out


def read_span(
    text: str, segments: list[Segment], start: int, end: int, question: bool = True
) -> Reading:
    """The `Reading` of any span of one transcript (`segments` in order)."""
    first, last = _covered(segments, start, end)
    if not 0 <= first <= last < len(segments):
        return Reading(span_context(text, segments, start, end, question))
    around = tuple(
        (_segment_context(text, segments, j, question), w)
        for j, w in neighbours(segments, first, last)
    )
    return Reading(span_context(text, segments, start, end, question), around)


def readings(text: str, segments: list[Segment], question: bool = True) -> list[Reading]:
    """The `Reading` of every segment of one transcript (segments in order); each context is
    built once and shared by the neighbours that use it."""
    own = [_segment_context(text, segments, i, question) for i in range(len(segments))]
    return [
        Reading(own[i], tuple((own[j], w) for j, w in neighbours(segments, i, i)))
        for i in range(len(segments))
    ]


def readings_by_id(transcripts: list[Transcript], segments: list[Segment]) -> dict[int, Reading]:
    """Segment id -> its `Reading`, for segments of many transcripts (in transcript order)."""
    by_tid: dict[int, list[Segment]] = {}
    for g in segments:
        by_tid.setdefault(g.transcript_id, []).append(g)
    out: dict[int, Reading] = {}
    for t in transcripts:
        mine = by_tid.get(t.id, [])
        out.update(zip([g.id for g in mine], readings(t.text, mine), strict=True))
    return out


def span_examples(
    text: str,
    segments: list[Segment],
    start: int,
    end: int,
    question: bool = True,
    min_overlap: float = 0.5,
) -> list[tuple[str, str, float]]:
    """A coded span as training examples: (context, own text, weight) of each segment it
    `covers`, the weights adding up to 1; the span itself in its context when it covers no
    segment that far (a phrase inside a sentence)."""
    first, last = _covered(segments, start, end)
    inside = [
        i for i in range(max(first, 0), last + 1) if covers(start, end, segments[i], min_overlap)
    ]
    if not inside:
        return [(span_context(text, segments, start, end, question), text[start:end], 1.0)]
    share = 1.0 / len(inside)
    return [
        (
            _segment_context(text, segments, i, question),
            text[segments[i].start : segments[i].end],
            share,
        )
        for i in inside
    ]


def smooth(scores: np.ndarray, around: list[list[tuple[int, float]]]) -> np.ndarray:
    """Row i of `scores` averaged with the rows `around[i]` names, by their weights: the
    passage's own score counts once, each neighbour by its weight."""
    out = scores[: len(around)].copy()
    for i, near in enumerate(around):
        if near:
            rows = [j for j, _ in near]
            w = np.array([w for _, w in near])
            out[i] = (scores[i] + w @ scores[rows]) / (1.0 + w.sum())
    return out
