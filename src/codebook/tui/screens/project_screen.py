"""The project screen: the transcripts in a table; sort, filter, Enter opens one.

The first screen and the one the others return to; it opens them through the app.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from codebook.tui.widgets.footer import FittingFooter

SHOWN_ATTRIBUTES = 2  # the codebook's first attributes get a column (all are in the filter)


def columns_for(codebook) -> dict[str, str]:
    """Column keys and titles; % coded early, so that it shows at 80 columns. The attributes
    are the codebook's own, in its order, titled by their labels."""
    columns = {"transcript": "Transcript", "coded_pct": "% coded"}
    for name, attribute in list(codebook.attributes.items())[:SHOWN_ATTRIBUTES]:
        columns[name] = attribute.label.get("en") or attribute.label.get("nl") or name
    return columns | {"words": "Words", "segments": "Segments", "coders": "Coders"}


FILTER_AFTER = 0.15  # seconds without typing before the filter is applied to the table


class ProjectScreen(Screen):
    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("f,slash", "filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("v", "review", "Review codes"),
        Binding("b", "codebook", "Codebook"),
        Binding("t", "summary", "Themes by group"),
        Binding("m", "matrix", "Matrix"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.frame = None
        self.columns: dict[str, str] = {}  # key -> title, from the codebook (`columns_for`)
        self.needle = ""
        self.sort_by = "transcript"
        self.reverse = False
        self._shown = False
        self._cells: dict[str, tuple[str, ...]] = {}  # transcript -> its row's cells
        self._in_table: set[str] = set()
        self._filter_timer = None

    def compose(self) -> ComposeResult:
        yield Static(id="project-title")
        yield Input(placeholder="filter: name or attribute values", id="transcript-filter")
        yield DataTable(id="transcripts", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self.columns = columns_for(self.app.project.codebook)
        for key, label in self.columns.items():
            table.add_column(label, key=key)
        self.load()
        table.focus()

    def on_screen_resume(self) -> None:
        if self._shown:
            self.load()  # back from coding: progress and coders changed
        self._shown = True

    def load(self) -> None:
        self.frame = self.app.project.overview(self.app.coder)
        hay = self.frame["transcript"].astype(str)
        for name in self.app.project.codebook.attributes:  # every attribute can be filtered on
            hay = hay + " " + self.frame[name].astype(str)
        self._hay = hay.str.lower()  # once, not per keystroke
        old, self._cells = self._cells, {}
        for values in self.frame.to_dict("records"):
            values["coded_pct"] = f"{int(values['coded_pct'])}%"
            # cells are markup: a "[" in a file name must stay a "["
            self._cells[values["transcript"]] = tuple(escape(str(values[k])) for k in self.columns)
        self.fill({n for n, cells in self._cells.items() if old.get(n) != cells})

    def fill(self, changed: set[str] | None = None) -> None:
        """Show the filtered, sorted rows. Adding a row measures each of its cells, a quarter
        of a second for 1,000 transcripts: rows already in the table are sorted and updated in
        place, and a changed filter adds or removes only the rows that differ."""
        self._filter_timer = None
        frame = self.frame
        if self.needle:
            frame = frame[self._hay.str.contains(self.needle.lower(), regex=False)]
        frame = frame.sort_values(self.sort_by, ascending=not self.reverse, kind="stable")
        names = frame["transcript"].tolist()
        table = self.query_one(DataTable)
        current = self._current()
        shown = set(names)
        gone = self._in_table - shown
        if len(gone) > 20:  # removing a row costs a pass over all rows: start again
            table.clear()
            self._in_table = set()
        for name in gone & self._in_table:
            table.remove_row(name)
        self._in_table -= gone
        for name in self._in_table & (changed or set()):
            for key, cell in zip(self.columns, self._cells[name], strict=True):
                table.update_cell(name, key, cell, update_width=True)
        for name in names:
            if name not in self._in_table:
                table.add_row(*self._cells[name], key=name)
        self._in_table = shown
        rank = {name: i for i, name in enumerate(names)}
        table.sort("transcript", key=rank.__getitem__)
        if current in rank:
            table.move_cursor(row=rank[current])
        arrow = "↓" if self.reverse else "↑"
        count = f"{len(frame)} of {len(self.frame)}" if self.needle else f"{len(frame)}"
        self.query_one("#project-title", Static).update(
            f"[b]{escape(self.app.project.root.name)}[/] · coder [b]{escape(self.app.coder)}[/] · "
            f"{count} transcripts · sorted by {self.columns[self.sort_by]} {arrow}"
        )

    def _current(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    @on(Input.Changed, "#transcript-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.needle = event.value.strip()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        # refill once typing pauses: a keystroke answers at once, the table follows
        self._filter_timer = self.set_timer(FILTER_AFTER, self.fill)

    @on(Input.Submitted, "#transcript-filter")
    def _filter_done(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self.fill()
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
        name = self._current()
        if name is not None:
            self.app.open_transcript(name)

    def action_filter(self) -> None:
        self.query_one("#transcript-filter").focus()

    def action_sort(self) -> None:
        keys = list(self.columns)
        self.sort_by = keys[(keys.index(self.sort_by) + 1) % len(keys)]
        self.reverse = self.sort_by in ("words", "segments", "coded_pct")
        self.fill()

    def action_review(self) -> None:
        self.app.open_review(None)

    def action_summary(self) -> None:
        self.app.open_summary()

    def action_matrix(self) -> None:
        self.app.open_matrix()

    def action_codebook(self) -> None:
        self.app.open_codebook(None)
