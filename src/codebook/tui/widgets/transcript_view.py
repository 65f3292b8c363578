"""The transcript, segment by segment, drawn with the Line API.

Only visible rows are rendered: a 100,000-word transcript is a list of row tuples (computed once
per width), never a widget per segment. Offsets are code points into the normalised text, and
the display is one cell per code point (newlines shown as spaces), so a screen column maps
straight back to an offset for mouse selection. The arithmetic lives in `transcript_layout`;
this widget keeps the state, the styles and the keys.

Compare mode adds a second coder's codes in a column right of the margin and marks the segments
where the two coders' sets of codes differ (the segment unit of `codebook agreement`).
"""

from __future__ import annotations

from bisect import bisect_left

from rich.segment import Segment as RichSegment
from rich.style import Style
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from codebook.model import Codebook, Coding, Segment
from codebook.tui.widgets import transcript_layout as lay
from codebook.tui.widgets.transcript_layout import GUTTER, MARGIN, OTHER, Row, SegmentCodings

__all__ = ["GUTTER", "MARGIN", "OTHER", "TranscriptView"]


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
        self.mine = SegmentCodings(self.starts)
        self.matches: tuple[str, list[int]] = ("", [])
        self.memo_segments: set[int] = set()
        self.other: str | None = None  # compare mode: the other coder
        self.theirs = SegmentCodings(self.starts)
        self.disputed: set[int] = set()  # segments where the two coders' codes differ
        self.rows: list[Row] = []
        self.first_row: list[int] = []
        self._width = 0
        self._styles: dict[str, Style] = {}
        self._dragging: int | None = None

    # -- data ---------------------------------------------------------------------------------
    @property
    def codings(self) -> dict[int, Coding]:
        return self.mine.codings

    @property
    def on_segment(self) -> list[list[int]]:
        """Coding ids per segment (this coder's)."""
        return self.mine.on_segment

    @property
    def other_codings(self) -> dict[int, Coding]:
        return self.theirs.codings

    @property
    def other_on_segment(self) -> list[list[int]]:
        return self.theirs.on_segment

    def set_codings(self, codings: list[Coding]) -> None:
        self.mine = SegmentCodings(self.starts, codings)
        self._dispute(range(len(self.segments)))
        self.refresh()

    def set_other(self, coder: str | None, codings: list[Coding] = ()) -> None:
        """Compare with another coder's codings (None: show only this coder's again)."""
        compared = self.other is not None
        self.other = coder
        self.theirs = SegmentCodings(self.starts, codings)
        self.disputed = set()
        self._dispute(range(len(self.segments)))
        if compared != (coder is not None) and self._width:
            self._layout(self._width)  # the text column narrows or widens
            self.scroll_to_cursor()
        self.refresh()

    def codes_at(self, segment: int) -> tuple[set[str], set[str]]:
        """(this coder's codes, the other coder's codes) on a segment."""
        return self.mine.codes(segment), self.theirs.codes(segment)

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
        return lay.nearest(sorted(self.disputed), self.cursor, direction)

    def set_memos(self, spans: list[tuple[int, int]]) -> None:
        """Mark the segments that memos were written on (✎ in the margin)."""
        self.memo_segments = {i for a, b in spans for i in self._segments_of(a, b)}
        self.refresh()

    def add_coding(self, coding: Coding) -> None:
        self._dispute(self.mine.add(coding))
        self.refresh()

    def remove_coding(self, coding_id: int) -> None:
        self._dispute(self.mine.remove(coding_id))
        self.refresh()

    def _segments_of(self, start: int, end: int) -> range:
        return lay.segments_of(self.starts, start, end)

    def segment_at(self, offset: int) -> int:
        return lay.segment_at(self.starts, offset)

    def codings_at(self, segment: int) -> list[Coding]:
        return self.mine.at(segment)

    def is_coded(self, segment: int) -> bool:
        return bool(self.mine.on_segment[segment])

    @property
    def segment(self) -> Segment:
        return self.segments[self.cursor]

    # -- layout -------------------------------------------------------------------------------
    def text_width(self, width: int) -> int:
        return lay.text_width(width, self.other is not None)

    def _layout(self, width: int) -> None:
        self.rows, self.first_row = lay.layout(self.text, self.segments, self.text_width(width))
        self._width = width
        self.virtual_size = Size(width, len(self.rows))

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
        current = row.segment == self.cursor
        line_style = base + self._styles["cursor"] if current else base
        out: list[RichSegment] = [self._gutter(row, index, current)]
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
            theirs = dict.fromkeys(c.code for c in self.theirs.at(row.segment))
            marks = self._marks(theirs, disputed)[: OTHER - 1]
        segs += [RichSegment(m, base + st) for m, st in marks]
        segs.append(RichSegment(" " * (OTHER - 1 - len(marks)), base))
        return segs

    def _gutter(self, row: Row, index: int, current: bool) -> RichSegment:
        label, is_speaker = lay.gutter_label(self.rows, self.segments, index)
        style = self._styles["speaker" if is_speaker else "gutter"]
        if row.segment in self.disputed:
            style = style + self._styles["disagree"]
        bar = "▌" if current else " "
        return RichSegment(bar + label.ljust(GUTTER - 2)[: GUTTER - 2] + " ", style)

    def _text(self, row: Row, line_style: Style) -> list[RichSegment]:
        spans = self.mine.at(row.segment)
        word, hits = self.matches
        found = lay.hits_in(hits, len(word), row.start, row.end) if word else []
        out = []
        for p, q, span, match, selected in lay.runs(
            row.start, row.end, [(c.start, c.end) for c in spans], self.sel, found
        ):
            style = line_style
            if span >= 0:
                style = style + self._code_style(spans[span].code)
            if match:
                style = style + self._styles["match"]
            if selected:
                style = style + self._styles["selection"]
            out.append(RichSegment(self.text[p:q], style))
        return out

    def _margin(self, row: Row, base: Style, disputed: set[str] = frozenset()) -> list[RichSegment]:
        if not row.first:
            return [RichSegment(" " * MARGIN, base)]
        here = self.mine.at(row.segment)
        marks = self._marks(dict.fromkeys(c.code for c in here), disputed)
        text = "".join(m for m, _ in marks)
        memo = row.segment in self.memo_segments or any(c.memo for c in here)
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
        self.cursor = self.segment_at(start)
        self.refresh()
        self.post_message(self.Moved(self))

    def scroll_to_cursor(self, animate: bool = False) -> None:
        if not self.first_row:
            return
        top, bottom = lay.rows_of(self.rows, self.first_row, self.cursor)
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
        self.move_to(lay.page_target(self.rows, self.first_row[self.cursor] + delta * height))

    def action_jump_to(self, segment: int) -> None:
        self.move_to(segment if segment >= 0 else len(self.segments) - 1)

    def action_extend_word(self, direction: int) -> None:
        start, end = self.sel
        new = lay.word_end(self.text, end, direction)
        if new > start:
            self.select(start, new)

    def action_extend_sentence(self, direction: int) -> None:
        start, end = self.sel
        target = bisect_left(self.starts, end) - 1 + direction  # from the segment holding end - 1
        if 0 <= target < len(self.segments) and self.segments[target].end > start:
            self.select(start, self.segments[target].end)

    def action_move_start(self, direction: int) -> None:
        start, end = self.sel
        new = lay.moved_start(self.text, start, end, direction)
        if new < end:
            self.sel = (new, end)
            self.refresh()
            self.post_message(self.Moved(self))

    def action_reset_selection(self) -> None:
        """Back to the segment at the cursor; if the selection is that already, escape is the
        screen's (back)."""
        if not self.segments or self.sel == (self.segment.start, self.segment.end):
            raise SkipAction()
        self.move_to(self.cursor, scroll=False)

    # -- search -------------------------------------------------------------------------------
    def find(self, word: str, forward: bool = True) -> bool:
        """Highlight every match of `word` and move to the next one after the selection."""
        if not word:
            self.matches = ("", [])
            self.refresh()
            return False
        hits = lay.find_all(self.text, word)
        self.matches = (word.lower(), hits)
        if not hits:
            self.refresh()
            return False
        self.move_to(self.segment_at(lay.next_hit(hits, self.sel[0], forward)))
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
        segment = self.segment_at(offset)
        if segment != self.cursor:
            self.move_to(segment, scroll=False)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging is None:
            return
        offset = self._offset_at(event.x, event.y)
        if offset is None or offset == self._dragging:
            return
        self.sel = lay.snap_to_words(self.text, *sorted((self._dragging, offset)))
        self.refresh()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging is not None:
            self._dragging = None
            self.release_mouse()
            self.post_message(self.Moved(self))
