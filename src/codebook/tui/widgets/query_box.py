"""A code query in the review screen: type `A AND NOT B`, see the matching segments, jump.

The query runs on the analysis frames (`Project.query`, as `codebook query` does) in a worker
thread, so a large project does not freeze the keys; a malformed query puts the cursor where
the problem is and says what it is.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input

from codebook.model import CodebookError, QueryError

SNIPPET = 90  # characters of segment text in the table


class QueryBox(Vertical):
    """The query line and, once a query ran, the table of its hits (one row per segment)."""

    class Found(Message):
        """A query came back: `hits` (a `Project.query` frame) for `expr`."""

        def __init__(self, box: QueryBox, expr: str, hits) -> None:
            super().__init__()
            self.box, self.expr, self.hits = box, expr, hits

    class Jump(Message):
        """Open the transcript at this segment (the screen asks the app)."""

        def __init__(self, transcript: str, start: int, end: int) -> None:
            super().__init__()
            self.transcript, self.start, self.end = transcript, start, end

    def __init__(self, project, **kw) -> None:
        super().__init__(**kw)
        self.project = project
        self.hits = None
        self.expr = ""

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="/ query codes: A AND NOT B, (A OR B) AND C, A NEAR/2 B",
            id="query-input",
        )
        yield DataTable(id="query-hits", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in (
            ("transcript", "Transcript"),
            ("segment", "Seg."),
            ("speaker", "Speaker"),
            ("codes", "Codes"),
            ("text", "Text"),
        ):
            table.add_column(label, key=key)
        table.display = False

    @property
    def showing(self) -> bool:
        return self.query_one(DataTable).display

    def hide_hits(self) -> None:
        self.query_one(DataTable).display = False
        self.remove_class("-hits")

    @on(Input.Submitted, "#query-input")
    def _submitted(self, event: Input.Submitted) -> None:
        expr = event.value.strip()
        if expr:
            self.run_query(expr)

    @work(thread=True, exclusive=True, group="query")
    def run_query(self, expr: str) -> None:
        try:
            hits = self.project.query(expr)
        except QueryError as e:
            self.app.call_from_thread(self._malformed, e)
        except CodebookError as e:
            self.app.call_from_thread(self.notify, str(e), severity="error")
        else:
            self.app.call_from_thread(self._show, expr, hits)

    def _malformed(self, error: QueryError) -> None:
        box = self.query_one("#query-input", Input)
        box.focus()
        box.cursor_position = error.position
        self.notify(f"{error.problem} (position {error.position + 1})", severity="error")

    def _show(self, expr: str, hits) -> None:
        self.expr, self.hits = expr, hits
        table = self.query_one(DataTable)
        table.clear()
        for i, row in enumerate(hits.itertuples(index=False)):
            text = " ".join(str(row.text).split())
            table.add_row(
                Text(str(row.transcript)),
                str(row.segment),
                Text(str(row.speaker or "")),
                Text(str(row.codes)),
                Text(text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")),
                key=str(i),
            )
        table.display = True
        self.add_class("-hits")
        if len(hits):
            table.move_cursor(row=0)
            table.focus()
        self.post_message(self.Found(self, expr, hits))

    @property
    def current(self):
        """The highlighted hit (a row of the frame), or None."""
        table = self.query_one(DataTable)
        if self.hits is None or not table.display or table.cursor_row >= len(self.hits):
            return None
        return self.hits.iloc[table.cursor_row]

    @on(DataTable.RowSelected, "#query-hits")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.jump()

    def jump(self) -> bool:
        hit = self.current
        if hit is None:
            return False
        self.post_message(self.Jump(str(hit["transcript"]), int(hit["start"]), int(hit["end"])))
        return True
