"""The codebook as a tree: colour swatch, hotkey, label and a count per code; filterable."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from codebook.model import Code, Codebook


def matches(code: Code, needle: str) -> bool:
    """A code matches a filter on its id, labels (nl, en) or keywords."""
    needle = needle.lower()
    haystack = [code.id, *code.label.values(), *code.keywords]
    return any(needle in h.lower() for h in haystack)


class CodeTree(Tree[str]):
    """Node data is the code id; selecting a codable node (Enter, click) applies the code."""

    def __init__(self, codebook: Codebook, lang: str = "nl", **kw) -> None:
        super().__init__("codebook", **kw)
        self.codebook = codebook
        self.lang = lang
        self.counts: dict[str, int] = {}
        self.nodes_by_code: dict[str, TreeNode[str]] = {}
        self.needle = ""
        self.show_root = False
        self.guide_depth = 2

    def on_mount(self) -> None:
        self.rebuild()

    def label_for(self, code: Code) -> Text:
        text = Text()
        text.append("■ ", style=code.color or "grey50")
        if code.hotkey:
            text.append(f"{code.hotkey} ", style="bold")
        elif code.codable:
            text.append("  ")
        text.append(code.name(self.lang), style="" if code.codable else "italic dim")
        n = self.counts.get(code.id)
        if n:
            text.append(f" {n}", style="dim")
        return text

    def rebuild(self) -> None:
        """Fill the tree; with a filter, only matching codes and their ancestors show."""
        self.clear()
        self.nodes_by_code = {}
        keep = None
        if self.needle:
            keep = set()
            for code in self.codebook.codes.values():
                if matches(code, self.needle):
                    keep.add(code.id)
                    keep.update(self.codebook.ancestors(code.id))
        for code in self.codebook.walk():
            if keep is not None and code.id not in keep:
                continue
            parent = self.nodes_by_code.get(code.parent) if code.parent else self.root
            if parent is None:
                continue
            has_children = bool(self.codebook.children(code.id))
            node = parent.add(
                self.label_for(code), data=code.id, expand=True, allow_expand=has_children
            )
            self.nodes_by_code[code.id] = node
        if keep:
            first = next(
                (
                    c
                    for c in self.codebook.walk()
                    if c.id in keep and matches(c, self.needle) and c.codable
                ),
                None,
            )
            if first is not None:
                self.select_code(first.id)

    def select_code(self, code_id: str | None) -> None:
        """Put the cursor on a code (once the tree has laid out its lines)."""
        node = self.nodes_by_code.get(code_id or "")
        if node is not None:
            self.call_after_refresh(self.move_cursor, node)

    def set_codebook(self, codebook: Codebook) -> None:
        """Show the codebook as it is now (after a code was added, undone or redone)."""
        self.codebook = codebook
        self.rebuild()

    def set_filter(self, needle: str) -> None:
        self.needle = needle.strip()
        self.rebuild()

    def set_counts(self, counts: dict[str, int]) -> None:
        changed = {k for k in set(counts) | set(self.counts) if counts.get(k) != self.counts.get(k)}
        self.counts = dict(counts)
        for code_id in changed:
            node = self.nodes_by_code.get(code_id)
            if node is not None:
                node.set_label(self.label_for(self.codebook.codes[code_id]))

    @property
    def current_code(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None


class CodeFinder(Vertical):
    """The code tree under its filter line: typing narrows the tree, Enter moves into it."""

    def __init__(self, codebook: Codebook) -> None:
        super().__init__()
        self.codebook = codebook

    def compose(self) -> ComposeResult:
        yield Input(placeholder="f: filter codes", id="code-filter")
        yield CodeTree(self.codebook, id="codes")

    @on(Input.Changed, "#code-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.query_one(CodeTree).set_filter(event.value)

    @on(Input.Submitted, "#code-filter")
    def _filter_done(self) -> None:
        self.query_one(CodeTree).focus()
