"""The summary screen: how often each code occurs per group (the same `Project.stats` as the
CLI, reports and notebooks), so a researcher sees which themes a group names and others do not."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Static

from codebook.tui.widgets.footer import FittingFooter


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("g", "next_group", "Group by"),
        Binding("n", "normalise", "Counts / %"),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by_index = 0
        self.normalise = False
        self.left_out: str | None = None  # what the counts leave out: the interviewer's turns

    @property
    def groupings(self) -> list[str]:
        return [*self.app.project.codebook.attributes, "participant", "coder"]

    def compose(self) -> ComposeResult:
        yield Static(id="summary-title")
        yield DataTable(id="summary-table", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load()
        self.query_one(DataTable).focus()

    def table(self):
        """Codes (rows, tree order) by group values (columns)."""
        by = self.groupings[self.by_index]
        stats = self.app.project.stats(by, normalise=self.normalise)
        self.left_out = stats.attrs.get("left_out")
        value = "share_segments" if self.normalise else "segments"
        wide = stats.pivot_table(index="code", columns=by, values=value, aggfunc="sum")
        book = self.app.project.codebook
        order = [c for c in book.codes if c in wide.index]
        values = book.attributes[by].values if by in book.attributes else []
        columns = [v for v in values if v in wide.columns]  # the codebook's order of values
        columns += [v for v in wide.columns if v not in columns]
        return by, wide.reindex(index=order, columns=columns).fillna(0)

    def load(self) -> None:
        by, wide = self.table()
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("Code", key="code")
        for col in wide.columns:
            table.add_column(str(col), key=str(col))
        book = self.app.project.codebook
        for code, row in wide.iterrows():
            name = "  " * book.depth(code) + book.codes[code].name()
            table.add_row(name, *(self._cell(v) for v in row), key=code)
        what = "share of the group's segments (%)" if self.normalise else "coded segments"
        asked = f"\n[dim]{escape(self.left_out.split(' (')[0])}[/]" if self.left_out else ""
        self.query_one("#summary-title", Static).update(
            f"[b]Themes by {escape(by)}[/] · {what} · g: group by · n: counts / %{asked}"
        )

    def _cell(self, v: float) -> str:
        if self.normalise:
            return f"{100 * v:.0f}%" if v else "·"
        return f"{int(v)}" if v else "·"

    def action_next_group(self) -> None:
        self.by_index = (self.by_index + 1) % len(self.groupings)
        self.load()

    def action_normalise(self) -> None:
        self.normalise = not self.normalise
        self.load()

    def action_back(self) -> None:
        self.app.go_back()
