"""The arithmetic of the transcript view, without Textual: rows, word wrap, spans and search.

Offsets are code points into the transcript text with newlines shown as spaces, one cell per
code point, so everything here is plain integer work that tests can check without an app.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from codebook.model import Coding, Segment

GUTTER = 11  # speaker name / timestamp
MARGIN = 9  # compact labels of the codes on a segment
OTHER = 7  # compare mode: the other coder's codes


@dataclass(frozen=True)
class Row:
    segment: int  # -1 for the blank row between speaker turns
    start: int
    end: int
    first: bool  # first row of its segment


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of text[start:end] into (start, end) pieces of at most `width`."""
    out = []
    width = max(width, 8)
    while end - start > width:
        cut = text.rfind(" ", start, start + width + 1)
        if cut <= start:
            cut = start + width
            out.append((start, cut))
            start = cut
        else:
            out.append((start, cut))
            start = cut + 1
    out.append((start, end))
    return out


def text_width(width: int, comparing: bool) -> int:
    """Cells left for the text once the gutter, the margin (and the other coder) are drawn."""
    return max(width - GUTTER - MARGIN - (OTHER if comparing else 0), 10)


def layout(text: str, segments: Sequence[Segment], width: int) -> tuple[list[Row], list[int]]:
    """(every row, the first row of each segment); a blank row separates speaker turns."""
    rows: list[Row] = []
    first_row: list[int] = []
    speaker = object()
    for i, seg in enumerate(segments):
        if seg.speaker != speaker and i:
            rows.append(Row(-1, seg.start, seg.start, False))
        speaker = seg.speaker
        first_row.append(len(rows))
        for k, (a, b) in enumerate(wrap(text, seg.start, seg.end, width)):
            rows.append(Row(i, a, b, k == 0))
    return rows, first_row


def rows_of(rows: Sequence[Row], first_row: Sequence[int], segment: int) -> tuple[int, int]:
    """The first and last row of a segment."""
    top = bottom = first_row[segment]
    while bottom + 1 < len(rows) and rows[bottom + 1].segment == segment:
        bottom += 1
    return top, bottom


def page_target(rows: Sequence[Row], row: int) -> int:
    """The segment a page jump to `row` lands on: the next one where `row` is a blank row."""
    row = min(max(row, 0), len(rows) - 1)
    while rows[row].segment < 0 and row + 1 < len(rows):
        row += 1
    return rows[row].segment


def gutter_label(rows: Sequence[Row], segments: Sequence[Segment], index: int) -> tuple[str, bool]:
    """(label, is the speaker): the speaker on a turn's first row, its time on the second; in a
    paged source (PDF) the page where a new page starts."""
    row = rows[index]
    seg = segments[row.segment]
    if row.first and (row.segment == 0 or segments[row.segment - 1].speaker != seg.speaker):
        if seg.speaker or seg.page is None:
            return (seg.speaker or "")[: GUTTER - 2], True
    if row.first and seg.page is not None:
        if row.segment == 0 or segments[row.segment - 1].page != seg.page:
            return f"p. {seg.page}"[: GUTTER - 2], False
    if index > 0 and rows[index - 1].first and rows[index - 1].segment >= 0:
        prev = segments[rows[index - 1].segment]
        is_turn = row.segment == 0 or segments[row.segment - 1].speaker != prev.speaker
        if is_turn and not row.first:
            return clock(seg.timestamp), False
    return "", False


def segments_of(starts: Sequence[int], start: int, end: int) -> range:
    """Indices of the segments overlapping [start, end)."""
    lo = max(bisect_right(starts, start) - 1, 0)
    hi = bisect_left(starts, end)
    return range(lo, max(hi, lo + 1))


def segment_at(starts: Sequence[int], offset: int) -> int:
    return max(bisect_right(starts, offset) - 1, 0)


def nearest(ordered: Sequence[int], at: int, direction: int) -> int | None:
    """The nearest item of a sorted list after (1) or before (-1) `at`."""
    if direction > 0:
        i = bisect_right(ordered, at)
        return ordered[i] if i < len(ordered) else None
    i = bisect_left(ordered, at)
    return ordered[i - 1] if i > 0 else None


def word_end(text: str, pos: int, direction: int) -> int:
    """Where a span ending at `pos` ends with one more word (1) or its last word given back (-1)."""
    if direction > 0:
        while pos < len(text) and text[pos] == " ":
            pos += 1
        while pos < len(text) and text[pos] != " ":
            pos += 1
        return pos
    pos -= 1
    while pos > 0 and text[pos - 1] == " ":
        pos -= 1
    while pos > 0 and text[pos - 1] != " ":
        pos -= 1
    while pos > 0 and text[pos - 1] == " ":
        pos -= 1
    return pos


def moved_start(text: str, start: int, end: int, direction: int) -> int:
    """The start of [start, end) one word later (1) or earlier (-1), on a word's first letter."""
    if direction > 0:
        new = word_end(text, start, 1)
        while new < end and text[new] == " ":
            new += 1
        return new
    new = start
    while new > 0 and text[new - 1] == " ":
        new -= 1
    while new > 0 and text[new - 1] != " ":
        new -= 1
    return new


def snap_to_words(text: str, a: int, b: int) -> tuple[int, int]:
    """Widen [a, b) to whole words: a researcher selects words rather than letters."""
    while a > 0 and text[a - 1] != " ":
        a -= 1
    while b < len(text) and text[b] != " ":
        b += 1
    return a, b


def find_all(text: str, word: str) -> list[int]:
    """Where `word` starts in `text`, ignoring case (overlapping matches too)."""
    lower, needle = text.lower(), word.lower()
    hits, pos = [], lower.find(needle)
    while pos >= 0:
        hits.append(pos)
        pos = lower.find(needle, pos + 1)
    return hits


def next_hit(hits: Sequence[int], at: int, forward: bool) -> int:
    """The match after the one at `at` (forward), or before it; wraps around."""
    after = at + 1 if forward else at
    i = bisect_left(hits, after)
    return hits[i % len(hits)] if forward else hits[(i - 1) % len(hits)]


def hits_in(hits: Sequence[int], length: int, a: int, b: int) -> list[tuple[int, int]]:
    """The matches (of `length` code points) that overlap [a, b)."""
    found = []
    for h in hits[bisect_left(hits, a - length + 1) :]:
        if h >= b:
            break
        found.append((h, h + length))
    return found


def runs(
    a: int,
    b: int,
    spans: Sequence[tuple[int, int]],
    sel: tuple[int, int],
    found: Sequence[tuple[int, int]],
) -> list[tuple[int, int, int, bool, bool]]:
    """Cut [a, b) wherever a span, the selection or a match begins or ends.

    Each run is (start, end, index of the first span covering it or -1, in a match, selected).
    """
    cuts = {a, b}
    for p in (*(x for span in spans for x in span), *sel, *(x for hit in found for x in hit)):
        if a < p < b:
            cuts.add(p)
    points = sorted(cuts)
    out = []
    for p, q in zip(points, points[1:], strict=False):
        span = next((k for k, (s, e) in enumerate(spans) if s <= p and q <= e), -1)
        match = any(h <= p and q <= e for h, e in found)
        out.append((p, q, span, match, sel[0] <= p and q <= sel[1]))
    return out


class SegmentCodings:
    """One coder's codings, indexed by the segments they overlap (in the order they came)."""

    def __init__(self, starts: Sequence[int], codings: Iterable[Coding] = ()) -> None:
        self.starts = starts
        self.codings: dict[int, Coding] = {}
        self.on_segment: list[list[int]] = [[] for _ in starts]  # coding ids per segment
        for c in codings:
            self.codings[c.id] = c
            for i in segments_of(starts, c.start, c.end):
                self.on_segment[i].append(c.id)

    def add(self, coding: Coding) -> range:
        """Index a coding; returns the segments it is on."""
        self.codings[coding.id] = coding
        on = segments_of(self.starts, coding.start, coding.end)
        for i in on:
            if coding.id not in self.on_segment[i]:
                self.on_segment[i].append(coding.id)
        return on

    def remove(self, coding_id: int) -> range:
        """Forget a coding; returns the segments it was on (none if it was not here)."""
        coding = self.codings.pop(coding_id, None)
        if coding is None:
            return range(0)
        on = segments_of(self.starts, coding.start, coding.end)
        for i in on:
            if coding_id in self.on_segment[i]:
                self.on_segment[i].remove(coding_id)
        return on

    def at(self, segment: int) -> list[Coding]:
        return [self.codings[i] for i in self.on_segment[segment]]

    def codes(self, segment: int) -> set[str]:
        return {self.codings[i].code for i in self.on_segment[segment]}
