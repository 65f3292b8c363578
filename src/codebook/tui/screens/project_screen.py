"""The project screen: the transcripts in a table; sort, filter, Enter opens one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

COLUMNS = {  # % coded early, so that it shows at 80 columns
    "transcript": "Transcript",
    "coded_pct": "% coded",
    "stakeholder_group": "Group",
    "domain": "Domain",
    "words": "Words",
    "segments": "Segments",
    "coders": "Coders",
}


class ProjectScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("f,slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("v", "review", "Review codes"),
        Binding("b", "codebook", "Codebook"),
        Binding("t", "summary", "Themes by group"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.frame = None
        self.needle = ""
        self.sort_by = "transcript"
        self.reverse = False
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Static(id="project-title")
        yield Input(placeholder="filter: name, group or domain", id="transcript-filter")
        yield DataTable(id="transcripts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS.items():
            table.add_column(label, key=key)
        self.load()
        table.focus()

    def on_screen_resume(self) -> None:
        if self._shown:
            self.load()  # back from coding: progress and coders changed
        self._shown = True

    def load(self) -> None:
        self.frame = self.app.project.overview(self.app.coder)
        self.fill()

    def fill(self) -> None:
        frame = self.frame
        if self.needle:
            hay = frame[["transcript", "stakeholder_group", "domain"]].astype(str).agg(" ".join, 1)
            frame = frame[hay.str.lower().str.contains(self.needle.lower(), regex=False)]
        frame = frame.sort_values(self.sort_by, ascending=not self.reverse, kind="stable")
        table = self.query_one(DataTable)
        current = self._current()
        table.clear()
        for row in frame.itertuples(index=False):
            values = row._asdict()
            values["coded_pct"] = f"{int(values['coded_pct'])}%"
            table.add_row(*(str(values[k]) for k in COLUMNS), key=values["transcript"])
        if current in frame["transcript"].values:
            table.move_cursor(row=table.get_row_index(current))
        arrow = "↓" if self.reverse else "↑"
        shown = f"{len(frame)} of {len(self.frame)}" if self.needle else f"{len(frame)}"
        self.query_one("#project-title", Static).update(
            f"[b]{self.app.project.root.name}[/] · coder [b]{self.app.coder}[/] · "
            f"{shown} transcripts · sorted by {COLUMNS[self.sort_by]} {arrow}"
        )

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    @on(Input.Changed, "#transcript-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.needle = event.value.strip()
        self.fill()

    @on(Input.Submitted, "#transcript-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        self.reverse = not self.reverse if key == self.sort_by else False
        self.sort_by = key
        self.fill()

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from codebook.tui.screens.coding import CodingScreen

        name = self._current()
        if name is not None:
            self.app.push_screen(CodingScreen(self.app.project.transcript(name)))

    def action_filter(self) -> None:
        self.query_one("#transcript-filter").focus()

    def action_sort(self) -> None:
        keys = list(COLUMNS)
        self.sort_by = keys[(keys.index(self.sort_by) + 1) % len(keys)]
        self.reverse = self.sort_by in ("words", "segments", "coded_pct")
        self.fill()

    def action_review(self) -> None:
        from codebook.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(None))

    def action_summary(self) -> None:
        from codebook.tui.screens.summary import SummaryScreen

        self.app.push_screen(SummaryScreen())

    def action_codebook(self) -> None:
        from codebook.tui.screens.codebook_screen import CodebookScreen

        self.app.push_screen(CodebookScreen(None))
