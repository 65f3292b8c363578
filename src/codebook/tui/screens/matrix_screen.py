"""The framework matrix screen: cases x codes with counts, the selected cell's summary (or draft)
and coded segments beside it; `e` writes your summary of the cell, Enter on a segment opens it.

The grid shows per cell `✎` where someone wrote a summary and the number of coded segments;
the panel shows what `codebook matrix` would write for the cell (summary, or the draft marked
as such) and its coded segments. Writing goes through the app's `perform`, so undo and redo
work as everywhere; rows cycle through transcripts, participants and the codebook's
attributes (`r`), columns through codable codes and the tree's levels (`c`).
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, Static, TextArea

from codebook.model import SUMMARY_ROWS
from codebook.tui.history import Action, Change, WriteSummary
from codebook.tui.widgets.footer import FittingFooter

COLUMN_CHOICES = (None, 0, 1)  # every codable code; the codes at tree level 0; at level 1
TEXT_WIDTH = 90  # characters of a segment shown in the segments table


class MatrixScreen(Screen):
    BINDINGS = [
        Binding("e", "edit", "Edit summary"),
        Binding("r", "rows", "Rows"),
        Binding("c", "columns", "Codes"),
        Binding("tab", "switch", "Grid / segments", show=False),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows_by = "transcript"
        self.level_index = 0
        self.matrix = None
        self.quotes = None
        self._frames = None
        self._away = False

    @property
    def row_choices(self) -> list[str]:
        project = self.app.project
        kinds = ["transcript"]
        if project.participants():
            kinds.append("participant")
        return kinds + list(project.codebook.attributes)

    def compose(self) -> ComposeResult:
        yield Static(id="matrix-title")
        with Horizontal(id="matrix-main"):
            yield DataTable(id="matrix-grid", cursor_type="cell", zebra_stripes=True)
            with Vertical(id="matrix-side"):
                yield Static(id="matrix-cell")
                yield DataTable(id="matrix-segments", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        segments = self.query_one("#matrix-segments", DataTable)
        for key, label in (("segment", "#"), ("speaker", "Speaker"), ("text", "Text")):
            segments.add_column(label, key=key)
        self.load()
        self.query_one("#matrix-grid", DataTable).focus()

    # -- loading ---------------------------------------------------------------------------
    def load(self, keep: tuple[int, int] | None = None) -> None:
        """Build the matrix (frames kept between edits: a summary changes no count)."""
        project = self.app.project
        if self._frames is None:
            self._frames = project.frames()
        level = COLUMN_CHOICES[self.level_index]
        self.matrix = project.framework_matrix(rows=self.rows_by, level=level, frames=self._frames)
        grid = self.query_one("#matrix-grid", DataTable)
        grid.clear(columns=True)
        grid.add_column("", key="_row")
        for code in self.matrix.codes:
            grid.add_column(escape(code), key=code)
        counts = self.matrix.grid("segments")
        status = self.matrix.grid("status")
        for row in self.matrix.rows:
            cells = [escape(self._short(row, 24))]
            for code in self.matrix.codes:
                n, state = int(counts.at[row, code]), status.at[row, code]
                mark = "✎ " if state == "summary" else ""
                cells.append(f"{mark}{n}" if n or mark else "·")
            grid.add_row(*cells, key=row)
        if keep is not None:
            grid.move_cursor(row=keep[0], column=keep[1])
        words = {"transcript": "transcripts", "participant": "participants"}
        shown = words.get(self.rows_by, escape(self.rows_by))
        columns = "codable codes" if level is None else f"codes at level {level}"
        self.query_one("#matrix-title", Static).update(
            f"[b]Framework matrix[/] · rows: {shown} (r) · columns: {columns} (c) · "
            f"✎ summary written · e: edit"
        )
        self.show_cell()

    @staticmethod
    def _short(text: str, n: int) -> str:
        return text if len(text) <= n else text[: n - 1] + "…"

    # -- the selected cell -------------------------------------------------------------------
    @property
    def selected(self) -> tuple[str, str] | None:
        grid = self.query_one("#matrix-grid", DataTable)
        if self.matrix is None or not self.matrix.rows or grid.cursor_column == 0:
            return None
        row = self.matrix.rows[min(grid.cursor_row, len(self.matrix.rows) - 1)]
        code = self.matrix.codes[min(grid.cursor_column, len(self.matrix.codes)) - 1]
        return row, code

    @on(DataTable.CellHighlighted, "#matrix-grid")
    def _moved(self) -> None:
        self.show_cell()

    def show_cell(self) -> None:
        panel = self.query_one("#matrix-cell", Static)
        segments = self.query_one("#matrix-segments", DataTable)
        segments.clear()
        self.quotes = None
        picked = self.selected
        if picked is None:
            panel.update("Pick a cell: the case's summary of a code, or a draft of it.")
            return
        row, code = picked
        cell = self.matrix.cell(row, code)
        head = f"[b]{escape(row)}[/] × [b]{escape(cell['label'])}[/] ({escape(code)})"
        if cell["status"] == "summary":
            body = escape(cell["summary"])
        elif cell["status"] == "draft":
            body = f"[i dim]{escape(cell['draft'])}[/]"
        else:
            body = "[dim]no coded segments[/]"
        panel.update(f"{head}\n{body}")
        self.quotes = self.matrix.cell_quotes(row, code)
        with_case = self.rows_by not in SUMMARY_ROWS
        for q in self.quotes.itertuples():
            where = f"{q.transcript} · " if with_case else ""
            speaker = q.speaker if isinstance(q.speaker, str) else ""
            text = " ".join(str(q.text).split())
            mark = "★ " if q.digest else ""
            segments.add_row(
                str(q.segment), escape(speaker), escape(mark + where + text[:TEXT_WIDTH])
            )

    # -- actions ---------------------------------------------------------------------------
    def action_edit(self) -> None:
        picked = self.selected
        if picked is None:
            return
        if self.rows_by not in SUMMARY_ROWS:
            self.notify(
                "Summaries are written per case: show rows by transcript or participant (r)",
                severity="warning",
            )
            return
        row, code = picked
        mine = self.app.project.summary_of(row, code, self.app.coder, self.rows_by)
        cell = self.matrix.cell(row, code)
        dialog = SummaryEditor(
            self.rows_by, row, code, cell["label"], self.app.coder,
            mine.text if mine else "", cell["draft"],
        )  # fmt: skip
        self.app.push_screen(dialog, self._edited)

    def _edited(self, action: Action | None) -> None:
        if action is None:
            return
        if self.app.perform(action) is not None:
            self.notify(f"wrote {action.label}" if action.text.strip() else action.label)
            self._reload_here()

    def on_history(self, action: Action, change: Change, verb: str) -> None:
        self.notify(f"{verb} {action.label}")
        if change.summaries:
            self._reload_here()
        else:
            self._frames = None  # codings changed: counts too
            self._reload_here()

    def _reload_here(self) -> None:
        grid = self.query_one("#matrix-grid", DataTable)
        self.load(keep=(grid.cursor_row, grid.cursor_column))

    def on_screen_resume(self) -> None:
        if self._away:  # back from a transcript: codings may have changed
            self._away, self._frames = False, None
            self._reload_here()

    @on(DataTable.CellSelected, "#matrix-grid")
    def _to_segments(self) -> None:
        """Enter on a cell: to its coded segments (Enter there opens one)."""
        segments = self.query_one("#matrix-segments", DataTable)
        if segments.row_count:
            segments.focus()

    @on(DataTable.RowSelected, "#matrix-segments")
    def _segment_chosen(self) -> None:
        self._open_segment()

    def _open_segment(self) -> None:
        segments = self.query_one("#matrix-segments", DataTable)
        if self.quotes is None or not len(self.quotes):
            return
        q = self.quotes.iloc[min(segments.cursor_row, len(self.quotes) - 1)]
        self._away = True
        self.app.open_transcript(q["transcript"], at=(int(q["start"]), int(q["end"])))

    def action_switch(self) -> None:
        grid = self.query_one("#matrix-grid", DataTable)
        segments = self.query_one("#matrix-segments", DataTable)
        (grid if self.focused is segments else segments).focus()

    def action_rows(self) -> None:
        choices = self.row_choices
        now = choices.index(self.rows_by) if self.rows_by in choices else -1
        self.rows_by = choices[(now + 1) % len(choices)]
        self.load()

    def action_columns(self) -> None:
        self.level_index = (self.level_index + 1) % len(COLUMN_CHOICES)
        self.load()

    def action_back(self) -> None:
        self.app.go_back()


class SummaryEditor(ModalScreen[WriteSummary | None]):
    """Your summary of one cell in a multi-line editor: ctrl+s saves, ctrl+t takes the draft
    as a starting point, escape cancels. Saving an empty text removes your summary."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+t", "draft", "Start from the draft"),
    ]

    def __init__(
        self, kind: str, row: str, code: str, label: str, coder: str, text: str, draft: str
    ) -> None:
        super().__init__()
        self.kind, self.row, self.code, self.coder = kind, row, code, coder
        self.label, self.initial, self.draft = label, text, draft

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="summary-editor"):
            yield Label(
                f"Summary of {escape(self.row)} on {escape(self.label)} ({escape(self.code)}) "
                f"by {escape(self.coder)}"
            )
            yield Label("ctrl+s saves · ctrl+t starts from the draft · escape cancels")
            # Tab writes a tab: leaving the text by Tab would lose what was typed after it
            yield TextArea(self.initial, id="summary-text", tab_behavior="indent")

    def on_mount(self) -> None:
        self.query_one("#summary-text", TextArea).focus()

    def action_draft(self) -> None:
        if not self.draft:
            self.notify("This cell has no coded segments to draft from", severity="warning")
            return
        area = self.query_one("#summary-text", TextArea)
        area.text = (area.text.rstrip() + "\n\n" if area.text.strip() else "") + self.draft + "\n\n"
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one("#summary-text", TextArea).text
        if not text.strip() and not self.initial.strip():
            self.notify("The summary is empty", severity="warning")
            return
        self.dismiss(WriteSummary(self.kind, self.row, self.code, self.coder, text))
