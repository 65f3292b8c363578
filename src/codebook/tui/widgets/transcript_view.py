"""The transcript, segment by segment, drawn with the Line API.

Only visible rows are rendered: a 100,000-word transcript is a list of row tuples (computed once
per width), never a widget per segment. Offsets are code points into the normalised text, and
the display is one cell per code point (newlines shown as spaces), so a screen column maps
straight back to an offset for mouse selection.

Compare mode adds a second coder's codes in a column right of the margin and marks the segments
where the two coders' sets of codes differ (the segment unit of `codebook agreement`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from codebook.model import Codebook, Coding, Segment

GUTTER = 11  # speaker name / timestamp
MARGIN = 9  # compact labels of the codes on a segment
OTHER = 7  # compare mode: the other coder's codes


@dataclass(frozen=True)
class Row:
    segment: int  # -1 for the blank row between speaker turns
    start: int
    end: int
    first: bool  # first row of its segment


def _clock(seconds: float | None) -> str:
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


class TranscriptView(ScrollView, can_focus=True):
    """Shows one transcript; owns the cursor (a segment) and the selection (a span)."""

    COMPONENT_CLASSES = {
        "transcript-view--cursor",
        "transcript-view--selection",
        "transcript-view--gutter",
        "transcript-view--speaker",
        "transcript-view--match",
        "transcript-view--disagree",
    }
    BINDINGS = [
        Binding("down,j", "move(1)", "Next seg", show=False),
        Binding("up,k", "move(-1)", "Prev seg", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "jump_to(0)", "First", show=False),
        Binding("end", "jump_to(-1)", "Last", show=False),
        Binding("shift+right", "extend_word(1)", "Span +word", show=False),
        Binding("shift+left", "extend_word(-1)", "Span -word", show=False),
        Binding("shift+down", "extend_sentence(1)", "Span +sentence", show=False),
        Binding("shift+up", "extend_sentence(-1)", "Span -sentence", show=False),
        Binding("less_than_sign", "move_start(-1)", "Span start -word", show=False),
        Binding("greater_than_sign", "move_start(1)", "Span start +word", show=False),
        Binding("escape", "reset_selection", "Reset span", show=False),
    ]

    class Moved(Message):
        """The cursor or the selection changed."""

        def __init__(self, view: TranscriptView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, text: str, segments: list[Segment], codebook: Codebook, **kw) -> None:
        super().__init__(**kw)
        self.text = text.replace("\n", " ")
        self.segments = segments
        self.codebook = codebook
        self.starts = [s.start for s in segments]
        self.cursor = 0
        self.sel = (segments[0].start, segments[0].end) if segments else (0, 0)
        self.codings: dict[int, Coding] = {}
        self.on_segment: list[list[int]] = [[] for _ in segments]  # coding ids per segment
        self.matches: tuple[str, list[int]] = ("", [])
        self.memo_segments: set[int] = set()
        self.other: str | None = None  # compare mode: the other coder
        self.other_codings: dict[int, Coding] = {}
        self.other_on_segment: list[list[int]] = [[] for _ in segments]
        self.disputed: set[int] = set()  # segments where the two coders' codes differ
        self.rows: list[Row] = []
        self.first_row: list[int] = []
        self._width = 0
        self._styles: dict[str, Style] = {}
        self._dragging: int | None = None

    # -- data ---------------------------------------------------------------------------------
    def set_codings(self, codings: list[Coding]) -> None:
        self.codings = {c.id: c for c in codings}
        self.on_segment = [[] for _ in self.segments]
        for c in codings:
            for i in self._segments_of(c.start, c.end):
                self.on_segment[i].append(c.id)
        self._dispute(range(len(self.segments)))
        self.refresh()

    def set_other(self, coder: str | None, codings: list[Coding] = ()) -> None:
        """Compare with another coder's codings (None: show only this coder's again)."""
        compared = self.other is not None
        self.other = coder
        self.other_codings = {c.id: c for c in codings}
        self.other_on_segment = [[] for _ in self.segments]
        for c in codings:
            for i in self._segments_of(c.start, c.end):
                self.other_on_segment[i].append(c.id)
        self.disputed = set()
        self._dispute(range(len(self.segments)))
        if compared != (coder is not None) and self._width:
            self._layout(self._width)  # the text column narrows or widens
            self.scroll_to_cursor()
        self.refresh()

    def codes_at(self, segment: int) -> tuple[set[str], set[str]]:
        """(this coder's codes, the other coder's codes) on a segment."""
        mine = {self.codings[i].code for i in self.on_segment[segment]}
        theirs = {self.other_codings[i].code for i in self.other_on_segment[segment]}
        return mine, theirs

    def _dispute(self, segments) -> None:
        if self.other is None:
            return
        for i in segments:
            mine, theirs = self.codes_at(i)
            if mine != theirs:
                self.disputed.add(i)
            else:
                self.disputed.discard(i)

    def next_disputed(self, direction: int) -> int | None:
        """The nearest disputed segment after (1) or before (-1) the cursor."""
        ordered = sorted(self.disputed)
        if direction > 0:
            i = bisect_right(ordered, self.cursor)
            return ordered[i] if i < len(ordered) else None
        i = bisect_left(ordered, self.cursor)
        return ordered[i - 1] if i > 0 else None

    def set_memos(self, spans: list[tuple[int, int]]) -> None:
        """Mark the segments that memos were written on (✎ in the margin)."""
        self.memo_segments = {i for a, b in spans for i in self._segments_of(a, b)}
        self.refresh()

    def add_coding(self, coding: Coding) -> None:
        self.codings[coding.id] = coding
        for i in self._segments_of(coding.start, coding.end):
            if coding.id not in self.on_segment[i]:
                self.on_segment[i].append(coding.id)
        self._dispute(self._segments_of(coding.start, coding.end))
        self.refresh()

    def remove_coding(self, coding_id: int) -> None:
        coding = self.codings.pop(coding_id, None)
        if coding is not None:
            for i in self._segments_of(coding.start, coding.end):
                if coding_id in self.on_segment[i]:
                    self.on_segment[i].remove(coding_id)
            self._dispute(self._segments_of(coding.start, coding.end))
        self.refresh()

    def _segments_of(self, start: int, end: int) -> range:
        """Indices of the segments overlapping [start, end)."""
        lo = max(bisect_right(self.starts, start) - 1, 0)
        hi = bisect_left(self.starts, end)
        return range(lo, max(hi, lo + 1))

    def segment_at(self, offset: int) -> int:
        return max(bisect_right(self.starts, offset) - 1, 0)

    def codings_at(self, segment: int) -> list[Coding]:
        return [self.codings[i] for i in self.on_segment[segment]]

    def is_coded(self, segment: int) -> bool:
        return bool(self.on_segment[segment])

    @property
    def segment(self) -> Segment:
        return self.segments[self.cursor]

    # -- layout -------------------------------------------------------------------------------
    def text_width(self, width: int) -> int:
        return max(width - GUTTER - MARGIN - (OTHER if self.other else 0), 10)

    def _layout(self, width: int) -> None:
        text_width = self.text_width(width)
        rows: list[Row] = []
        first_row: list[int] = []
        speaker = object()
        for i, seg in enumerate(self.segments):
            if seg.speaker != speaker and i:
                rows.append(Row(-1, seg.start, seg.start, False))
            speaker = seg.speaker
            first_row.append(len(rows))
            for k, (a, b) in enumerate(wrap(self.text, seg.start, seg.end, text_width)):
                rows.append(Row(i, a, b, k == 0))
        self.rows, self.first_row, self._width = rows, first_row, width
        self.virtual_size = Size(width, len(rows))

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._layout(event.size.width)
            self.scroll_to_cursor(animate=False)

    def on_mount(self) -> None:
        self._styles = {
            name: self.get_component_rich_style(f"transcript-view--{name}")
            for name in ("cursor", "selection", "gutter", "speaker", "match", "disagree")
        }
        if self.size.width:
            self._layout(self.size.width)

    def _code_style(self, code_id: str) -> Style:
        key = f"code:{code_id}"
        style = self._styles.get(key)
        if style is None:
            code = self.codebook.codes.get(code_id)
            color = Color.parse(code.color) if code and code.color else Color(128, 128, 128)
            base = self.background_colors[1]
            style = Style(bgcolor=base.blend(color, 0.45).rich_color)
            self._styles[key] = style
        return style

    # -- rendering ----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        return self._render_row(index, width).crop(scroll_x, scroll_x + width)

    def _render_row(self, index: int, width: int) -> Strip:
        row = self.rows[index]
        base = self.rich_style
        if row.segment < 0:
            return Strip.blank(width, base)
        seg = self.segments[row.segment]
        current = row.segment == self.cursor
        line_style = base + self._styles["cursor"] if current else base
        out: list[RichSegment] = [self._gutter(row, seg, index, current)]
        out.extend(self._text(row, line_style))
        pad = self.text_width(width) - (row.end - row.start)
        if pad > 0:
            out.append(RichSegment(" " * pad, line_style))
        disputed = self._disputed_codes(row.segment)
        out.extend(self._margin(row, base, disputed))
        if self.other is not None:
            out.extend(self._other_column(row, base, disputed))
        return Strip(out).adjust_cell_length(width, base)

    def _disputed_codes(self, segment: int) -> set[str]:
        if segment not in self.disputed:
            return set()
        mine, theirs = self.codes_at(segment)
        return mine ^ theirs

    def _marks(self, codes, disputed: set[str]) -> list[tuple[str, Style]]:
        """One hotkey (or first letter) per code in its colour; disputed codes underlined."""
        marks = []
        for code in codes:
            c = self.codebook.codes.get(code)
            mark = (c.hotkey if c and c.hotkey else code[:1]) if c else "?"
            style = self._code_style(code)
            if code in disputed:
                style = style + Style(underline=True, bold=True)
            marks.append((mark, style))
        return marks

    def _other_column(self, row: Row, base: Style, disputed: set[str]) -> list[RichSegment]:
        """A bar (≠ on the first row of a disputed segment), then the other coder's codes."""
        is_disputed = row.segment in self.disputed
        bar_style = self._styles["disagree"] if is_disputed else self._styles["gutter"]
        bar = "≠" if is_disputed and row.first else "│"
        segs = [RichSegment(bar, bar_style)]
        marks = []
        if row.first:
            theirs = dict.fromkeys(
                self.other_codings[i].code for i in self.other_on_segment[row.segment]
            )
            marks = self._marks(theirs, disputed)[: OTHER - 1]
        segs += [RichSegment(m, base + st) for m, st in marks]
        segs.append(RichSegment(" " * (OTHER - 1 - len(marks)), base))
        return segs

    def _gutter(self, row: Row, seg: Segment, index: int, current: bool) -> RichSegment:
        label = ""
        style = self._styles["gutter"]
        starts_turn = row.first and (
            row.segment == 0 or self.segments[row.segment - 1].speaker != seg.speaker
        )
        if starts_turn:
            label, style = (seg.speaker or "")[: GUTTER - 2], self._styles["speaker"]
        elif index > 0 and self.rows[index - 1].first and self.rows[index - 1].segment >= 0:
            prev = self.segments[self.rows[index - 1].segment]
            is_turn = row.segment == 0 or self.segments[row.segment - 1].speaker != prev.speaker
            if is_turn and not row.first:
                label = _clock(seg.timestamp)
        if row.segment in self.disputed:
            style = style + self._styles["disagree"]
        bar = "▌" if current else " "
        return RichSegment(bar + label.ljust(GUTTER - 2)[: GUTTER - 2] + " ", style)

    def _text(self, row: Row, line_style: Style) -> list[RichSegment]:
        a, b = row.start, row.end
        spans = [self.codings[i] for i in self.on_segment[row.segment]]
        cuts = {a, b}
        for c in spans:
            if a < c.start < b:
                cuts.add(c.start)
            if a < c.end < b:
                cuts.add(c.end)
        s0, s1 = self.sel
        for p in (s0, s1):
            if a < p < b:
                cuts.add(p)
        word, hits = self.matches
        found = []
        if word:
            lo = bisect_left(hits, a - len(word) + 1)
            for h in hits[lo:]:
                if h >= b:
                    break
                found.append((h, h + len(word)))
                cuts.update(p for p in (h, h + len(word)) if a < p < b)
        points = sorted(cuts)
        out = []
        for p, q in zip(points, points[1:], strict=False):
            style = line_style
            for c in spans:
                if c.start <= p and q <= c.end:
                    style = style + self._code_style(c.code)
                    break
            if any(h <= p and q <= e for h, e in found):
                style = style + self._styles["match"]
            if s0 <= p and q <= s1:
                style = style + self._styles["selection"]
            out.append(RichSegment(self.text[p:q], style))
        return out

    def _margin(self, row: Row, base: Style, disputed: set[str] = frozenset()) -> list[RichSegment]:
        if not row.first:
            return [RichSegment(" " * MARGIN, base)]
        codes = dict.fromkeys(self.codings[cid].code for cid in self.on_segment[row.segment])
        marks = self._marks(codes, disputed)
        text = "".join(m for m, _ in marks)
        memo = row.segment in self.memo_segments or any(
            self.codings[cid].memo for cid in self.on_segment[row.segment]
        )
        lead = "✎" if memo else " "
        if len(text) > MARGIN - 1:
            return [RichSegment((lead + text[: MARGIN - 3] + "+" + " " * MARGIN)[:MARGIN], base)]
        segs = [RichSegment(lead, base)] + [RichSegment(m, base + st) for m, st in marks]
        rest = MARGIN - 1 - len(text)
        segs.append(RichSegment(" " * rest, base))
        return segs

    # -- cursor and selection -------------------------------------------------------------------
    def move_to(self, segment: int, scroll: bool = True) -> None:
        if not self.segments:
            return
        segment = max(0, min(segment, len(self.segments) - 1))
        self.cursor = segment
        seg = self.segments[segment]
        self.sel = (seg.start, seg.end)
        if scroll:
            self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Moved(self))

    def select(self, start: int, end: int) -> None:
        start, end = max(0, start), min(len(self.text), end)
        if end <= start:
            return
        self.sel = (start, end)
        self.cursor = max(bisect_right(self.starts, start) - 1, 0)
        self.refresh()
        self.post_message(self.Moved(self))

    def scroll_to_cursor(self, animate: bool = False) -> None:
        if not self.first_row:
            return
        top = self.first_row[self.cursor]
        bottom = top
        while bottom + 1 < len(self.rows) and self.rows[bottom + 1].segment == self.cursor:
            bottom += 1
        height = max(self.size.height, 1)
        y = self.scroll_offset.y
        if top < y:
            self.scroll_to(y=max(top - 1, 0), animate=animate, immediate=True)
        elif bottom >= y + height:
            self.scroll_to(y=bottom - height + 2, animate=animate, immediate=True)

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        height = max(self.size.height - 2, 1)
        row = min(max(self.first_row[self.cursor] + delta * height, 0), len(self.rows) - 1)
        while self.rows[row].segment < 0 and row + 1 < len(self.rows):
            row += 1
        self.move_to(self.rows[row].segment)

    def action_jump_to(self, segment: int) -> None:
        self.move_to(segment if segment >= 0 else len(self.segments) - 1)

    def _word_end(self, pos: int, direction: int) -> int:
        text = self.text
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

    def action_extend_word(self, direction: int) -> None:
        start, end = self.sel
        new = self._word_end(end, direction)
        if new > start:
            self.select(start, new)

    def action_extend_sentence(self, direction: int) -> None:
        start, end = self.sel
        last = bisect_left(self.starts, end) - 1  # segment holding end - 1
        target = last + direction
        if 0 <= target < len(self.segments) and self.segments[target].end > start:
            self.select(start, self.segments[target].end)

    def action_move_start(self, direction: int) -> None:
        start, end = self.sel
        if direction > 0:
            new = self._word_end(start, 1)
            while new < end and self.text[new] == " ":
                new += 1
        else:
            new = self._word_end(start, -1)
            while new > 0 and self.text[new - 1] != " ":
                new -= 1
        if new < end:
            self.sel = (new, end)
            self.refresh()
            self.post_message(self.Moved(self))

    def action_reset_selection(self) -> None:
        self.move_to(self.cursor, scroll=False)

    # -- search -------------------------------------------------------------------------------
    def find(self, word: str, forward: bool = True) -> bool:
        """Highlight every match of `word` and move to the next one after the selection."""
        if not word:
            self.matches = ("", [])
            self.refresh()
            return False
        lower, needle = self.text.lower(), word.lower()
        hits, pos = [], lower.find(needle)
        while pos >= 0:
            hits.append(pos)
            pos = lower.find(needle, pos + 1)
        self.matches = (needle, hits)
        if not hits:
            self.refresh()
            return False
        after = self.sel[0] + 1 if forward else self.sel[0]
        i = bisect_left(hits, after)
        hit = hits[i % len(hits)] if forward else hits[(i - 1) % len(hits)]
        self.move_to(max(bisect_right(self.starts, hit) - 1, 0))
        return True

    # -- mouse --------------------------------------------------------------------------------
    def _offset_at(self, x: int, y: int) -> int | None:
        index = self.scroll_offset.y + y
        if not 0 <= index < len(self.rows) or self.rows[index].segment < 0:
            return None
        row = self.rows[index]
        col = x + self.scroll_offset.x - GUTTER
        return min(max(row.start + col, row.start), row.end)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at(event.x, event.y)
        if offset is None:
            return
        self.focus()
        self._dragging = offset
        self.capture_mouse()
        segment = max(bisect_right(self.starts, offset) - 1, 0)
        if segment != self.cursor:
            self.move_to(segment, scroll=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging is None:
            return
        offset = self._offset_at(event.x, event.y)
        if offset is None or offset == self._dragging:
            return
        a, b = sorted((self._dragging, offset))
        # snap to whole words, as a researcher selects words rather than letters
        while a > 0 and self.text[a - 1] != " ":
            a -= 1
        while b < len(self.text) and self.text[b] != " ":
            b += 1
        self.sel = (a, b)
        self.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging is not None:
            self._dragging = None
            self.release_mouse()
            self.post_message(self.Moved(self))
