"""The code review screen (as MAXQDA's Smart Coding Tool): every segment coded with one code.

Pick a code in the tree; the table lists its codings across transcripts and coders, with the
coded text in context and the transcript's attributes. Recode, uncode or move (recode the
marked rows), merge the whole code into another, or jump to the segment in its transcript
(through the app, which owns navigation). `/` asks a code query instead (`A AND NOT B`,
`A NEAR/2 B`): the table lists the matching segments, Enter jumps to one; picking a code in the
tree goes back to its codings.
"""

from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static, Tree

from codebook.model import Coding
from codebook.tui.history import Action, Change, Merge, Recode, RemoveCoding
from codebook.tui.screens.dialogs import CodePicker
from codebook.tui.widgets.code_tree import CodeFinder, CodeTree
from codebook.tui.widgets.footer import FittingFooter
from codebook.tui.widgets.query_box import QueryBox

CONTEXT = 160  # characters of context either side of a coded span


class ReviewScreen(Screen):
    BINDINGS = [
        Binding("space", "mark", "Mark"),
        Binding("r", "recode", "Recode/move"),
        Binding("x", "uncode", "Uncode"),
        Binding("e", "merge", "Merge code"),
        Binding("o", "jump", "Go to segment"),
        Binding("slash", "query", "Query"),
        Binding("f", "focus('#code-filter')", "Filter codes", show=False),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self, code: str | None) -> None:
        super().__init__()
        self.code = code
        self.rows: list[Coding] = []
        self.marked: set[int] = set()
        self.texts: dict[int, object] = {}
        self._attributes: dict[int, tuple] = {}  # transcript id -> segment starts, resolved
        self._shown = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="review-main"):
            with Vertical(id="review-side"):
                yield CodeFinder(self.app.project.codebook)
            with Vertical(id="review-body"):
                yield Static(id="review-title")
                yield QueryBox(self.app.project, id="review-query")
                yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="review-context")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one("#review-table", DataTable)
        for key, label in (
            ("mark", "✓"),
            ("transcript", "Transcript"),
            ("coder", "Coder"),
            ("group", self._group_title()),
            ("text", "Coded text"),
        ):
            table.add_column(label, key=key)
        self.texts = {t.id: t for t in self.app.project.transcripts()}
        counts = self.app.project.code_counts()
        tree = self.query_one(CodeTree)
        tree.set_counts(counts)
        if self.code is None or self.code not in self.app.project.codebook.codes:
            self.code = max(counts, key=counts.get) if counts else None
        tree.select_code(self.code)
        self.load()
        table.focus()

    def on_screen_resume(self) -> None:
        if self._shown:
            self.reload()  # back from a transcript, where codings may have changed
        self._shown = True

    def reload(self) -> None:
        self._attributes.clear()  # speakers may have been assigned meanwhile
        tree = self.query_one(CodeTree)
        tree.set_codebook(self.app.project.codebook)
        tree.set_counts(self.app.project.code_counts())
        self.load()

    def _group_title(self) -> str:
        book = self.app.project.codebook
        first = next(iter(book.attributes), None)
        if first is None:
            return "Group"
        return book.attributes[first].label.get("en") or first

    def _group(self, t, offset: int) -> str:
        """The coded passage's value of the codebook's first attribute, by the rule of
        `model.segment_attributes` (the speaker's participant's, else the transcript's)."""
        first = next(iter(self.app.project.codebook.attributes), None)
        if first is None:
            return ""
        if t.id not in self._attributes:
            found = self.app.project.segment_attributes(t)
            self._attributes[t.id] = ([start for start, _ in found], [a for _, a in found])
        starts, values = self._attributes[t.id]
        if not starts:
            return t.attributes.get(first, "")
        return values[max(bisect_right(starts, offset) - 1, 0)].get(first, "")

    def load(self) -> None:
        table = self.query_one("#review-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        self.rows = self.app.project.codings_with(self.code) if self.code else []
        self.marked &= {c.id for c in self.rows}
        for c in self.rows:
            t = self.texts[c.transcript_id]
            snippet = " ".join(t.text[c.start : c.end].split())
            table.add_row(
                "✓" if c.id in self.marked else " ",
                t.name,
                c.coder,
                self._group(t, c.start),
                snippet[:70] + ("…" if len(snippet) > 70 else ""),
                key=str(c.id),
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))
        book = self.app.project.codebook
        name = book.codes[self.code].name() if self.code else "(no code)"
        self.query_one("#review-title", Static).update(
            f"[b]{name}[/] ({self.code}) · {len(self.rows)} codings · "
            f"{len(self.marked)} marked · space marks, r recodes the marked (or current) rows"
        )
        self._show_context()

    @property
    def box(self) -> QueryBox:
        return self.query_one(QueryBox)

    @property
    def current(self) -> Coding | None:
        table = self.query_one("#review-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_context(self) -> None:
        if self.box.showing:
            self._show_hit()
            return
        c = self.current
        box = self.query_one("#review-context", Static)
        if c is None:
            box.update("")
            return
        t = self.texts[c.transcript_id]
        a, b = max(c.start - CONTEXT, 0), min(c.end + CONTEXT, len(t.text))
        text = Text()
        attrs = " · ".join(f"{k}={v}" for k, v in sorted(t.attributes.items()))
        text.append(f"{t.name} [{c.start}-{c.end}) · {c.coder} · {attrs}\n", style="dim")
        text.append(("…" if a else "") + t.text[a : c.start])
        text.append(t.text[c.start : c.end], style="bold reverse")
        text.append(t.text[c.end : b] + ("…" if b < len(t.text) else ""))
        if c.memo:
            text.append(f"\nmemo: {c.memo}", style="italic")
        box.update(text)

    def _show_hit(self) -> None:
        hit = self.box.current
        box = self.query_one("#review-context", Static)
        if hit is None:
            box.update("")
            return
        t = next(t for t in self.texts.values() if t.name == hit["transcript"])
        start, end = int(hit["start"]), int(hit["end"])
        a, b = max(start - CONTEXT, 0), min(end + CONTEXT, len(t.text))
        text = Text()
        who = f" · {hit['speaker']}" if hit["speaker"] else ""
        text.append(f"{t.name} · segment {hit['segment']}{who} · {hit['codes']}\n", style="dim")
        text.append(("…" if a else "") + t.text[a:start])
        text.append(t.text[start:end], style="bold reverse")
        text.append(t.text[end:b] + ("…" if b < len(t.text) else ""))
        box.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self._show_context()

    @on(DataTable.RowSelected, "#review-table")
    def _selected(self) -> None:
        self.action_jump()

    @on(QueryBox.Found)
    def _found(self, event: QueryBox.Found) -> None:
        self.query_one("#review-table", DataTable).display = False
        hits = event.hits
        where = hits["transcript"].nunique() if len(hits) else 0
        note = hits.attrs.get("left_out")
        self.query_one("#review-title", Static).update(
            Text.assemble(
                ("query ", "bold"),
                event.expr,
                f" · {len(hits)} segment(s) in {where} transcript(s) · Enter jumps · "
                "pick a code to see its codings again",
                (f" · {note}" if note else "", "dim"),
            )
        )
        self._show_context()

    @on(QueryBox.Jump)
    def _jump_to_hit(self, event: QueryBox.Jump) -> None:
        self.app.open_transcript(event.transcript, at=(event.start, event.end))

    @on(Tree.NodeSelected, "#codes")
    def _code_picked(self, event: Tree.NodeSelected) -> None:
        if event.node.data:
            self.code = event.node.data
            self.marked.clear()
            self.box.hide_hits()
            table = self.query_one("#review-table", DataTable)
            table.display = True
            self.load()
            table.focus()

    def action_query(self) -> None:
        self.query_one("#query-input").focus()

    def _on_hits(self) -> bool:
        """True (and say so) when the table shows query hits, which are not codings."""
        if self.box.showing:
            self.notify("These are query results: pick a code in the tree to work on its codings")
        return self.box.showing

    # -- actions --------------------------------------------------------------------------------
    def _run(self, action: Action) -> None:
        if self.app.perform(action) is not None:
            self.notify(action.label)
            self.reload()

    def on_history(self, action: Action, change: Change, verb: str) -> None:
        self.notify(f"{verb} {action.label}")
        self.reload()

    def action_mark(self) -> None:
        c = self.current
        if c is None or self._on_hits():
            return
        self.marked ^= {c.id}
        table = self.query_one("#review-table", DataTable)
        row = table.cursor_row
        self.load()
        table.move_cursor(row=min(row + 1, len(self.rows) - 1))

    def _targets(self) -> list[Coding]:
        marked = [c for c in self.rows if c.id in self.marked]
        return marked or ([self.current] if self.current else [])

    def action_recode(self) -> None:
        targets = self._targets()
        if not targets or self._on_hits():
            return

        def picked(code: str | None) -> None:
            if code:
                self.marked.clear()
                self._run(Recode([c.id for c in targets], [c.code for c in targets], code))

        title = f"Recode {len(targets)} coding(s) from {self.code} as…"
        picker = CodePicker(self.app.project.codebook, title, exclude=[self.code])
        self.app.push_screen(picker, picked)

    def action_uncode(self) -> None:
        c = self.current
        if c is not None and not self._on_hits():
            self._run(RemoveCoding(c))

    def action_merge(self) -> None:
        if not self.code or self._on_hits():
            return
        source = self.code

        def picked(code: str | None) -> None:
            if code:
                self._run(Merge(source, code))
                self.code = code
                self.reload()

        title = f"Merge every coding of {source} into…"
        self.app.push_screen(CodePicker(self.app.project.codebook, title, exclude=[source]), picked)

    def action_jump(self) -> None:
        if self.box.showing:
            self.box.jump()
            return
        c = self.current
        if c is not None:
            self.app.open_transcript(self.texts[c.transcript_id].name, at=(c.start, c.end))

    def action_back(self) -> None:
        self.app.go_back()
