"""The codebook screen: definition, include / exclude criteria and examples of each code,
and adding a new code (written back to the YAML with its comments kept)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Markdown, Tree

from codebook.model import Code
from codebook.tui.history import Action, AddCode, Change
from codebook.tui.screens.dialogs import AddCodeDialog, parent_for
from codebook.tui.widgets.code_tree import CodeFinder, CodeTree
from codebook.tui.widgets.footer import FittingFooter


def describe(code: Code, count: int = 0) -> str:
    """The code as Markdown, in the order a researcher checks it while coding."""
    parts = [f"## {code.name('nl')}"]
    meta = [f"`{code.id}`"]
    if code.label.get("en"):
        meta.append(f"*{code.label['en']}*")
    if code.hotkey:
        meta.append(f"hotkey **{code.hotkey}**")
    meta.append(f"{count} coding(s)" if code.codable else "grouping (not codable)")
    parts.append(" · ".join(meta))
    for title, body in (
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
        ("Memo", code.memo),
    ):
        if body:
            parts.append(f"### {title}\n\n{body}")
    if code.examples:
        parts.append("### Examples\n\n" + "\n".join(f"- {e}" for e in code.examples))
    if code.keywords:
        parts.append("### Keywords\n\n" + ", ".join(code.keywords))
    return "\n\n".join(parts)


class CodebookScreen(Screen):
    BINDINGS = [
        Binding("e", "new_code", "New code here"),
        Binding("f", "focus('#code-filter')", "Filter"),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self, code: str | None) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Horizontal(id="codebook-main"):
            with Vertical(id="codebook-side"):
                yield CodeFinder(self.app.project.codebook)
            with VerticalScroll(id="code-detail-box"):
                yield Markdown(id="code-detail")
        yield FittingFooter()

    def on_mount(self) -> None:
        tree = self.query_one(CodeTree)
        self.counts = self.app.project.code_counts()
        tree.set_counts(self.counts)
        tree.select_code(self.code)
        tree.focus()
        self.show(self.code or next(iter(self.app.project.codebook.codes)))

    def show(self, code_id: str | None) -> None:
        code = self.app.project.codebook.codes.get(code_id or "")
        if code is not None:
            self.code = code.id
            self.query_one("#code-detail", Markdown).update(
                describe(code, self.counts.get(code.id, 0))
            )

    @on(Tree.NodeHighlighted, "#codes")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self.show(event.node.data)

    def action_new_code(self) -> None:
        book = self.app.project.codebook

        def added(code: Code | None) -> None:
            if code is None or self.app.perform(AddCode(code)) is None:
                return
            self.rebuild(code.id)
            self.notify(f"added {code.id} to {self.app.project.codebook_path.name}")

        self.app.push_screen(AddCodeDialog(book, "", parent_for(book, self.code)), added)

    def rebuild(self, select: str | None) -> None:
        """Show the codebook as it is now in the YAML (after adding, undo or redo)."""
        book = self.app.project.codebook
        tree = self.query_one(CodeTree)
        tree.set_codebook(book)
        tree.set_counts(self.counts)
        if select not in book.codes:
            select = self.code if self.code in book.codes else next(iter(book.codes))
        tree.select_code(select)
        self.show(select)

    def on_history(self, action: Action, change: Change, verb: str) -> None:
        self.notify(f"{verb} {action.label}")
        if change.codebook:
            self.counts = self.app.project.code_counts()
            self.rebuild(getattr(action, "code", None) and action.code.id)

    def action_back(self) -> None:
        self.app.go_back()
