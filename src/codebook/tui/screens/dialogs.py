"""Small modal dialogs: search, pick a code or a coder, write a memo, add a code; sign in."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, RadioButton, RadioSet, Select, TextArea
from textual.widgets.option_list import Option

from codebook.model import Code, Codebook, Coding, Transcript
from codebook.tui.history import Action, AddMemo, CodingMemo
from codebook.tui.widgets.code_tree import matches


class SearchDialog(ModalScreen[str | None]):
    """`/`: a word or phrase to find in the transcript."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Search the transcript (Enter finds the next match, s repeats)")
            yield Input(self.initial, placeholder="word or phrase", id="search-input")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class CodePicker(ModalScreen[str | None]):
    """Choose a codable code by typing part of its label, id or keywords."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, codebook: Codebook, title: str, lang: str = "nl", exclude=()) -> None:
        super().__init__()
        self.codebook = codebook
        self.title_text = title
        self.lang = lang
        self.exclude = set(exclude)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text)
            yield Input(placeholder="type to filter codes", id="picker-filter")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, needle: str) -> None:
        options = self.query_one("#picker-list", OptionList)
        options.clear_options()
        for code in self.codebook.walk():
            if code.codable and code.id not in self.exclude and matches(code, needle):
                key = f"[{code.hotkey}] " if code.hotkey else ""
                options.add_option(Option(f"{key}{code.name(self.lang)} ({code.id})", id=code.id))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _take_first(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one("#picker-list").focus()


class CoderPicker(ModalScreen[str | None]):
    """Choose a coder: you first, then those with most codings on the transcript.

    `whose` and `compare` ask the coding screen's two questions; None when there is no choice.
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, counts: dict[str, int], you: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.counts = counts
        self.you = you

    @classmethod
    def whose(cls, counts: dict[str, int], you: str) -> CoderPicker | None:
        """Whose codes to show: yours to code, anyone else's to read."""
        counts = {you: 0} | counts
        if len(counts) == 1:
            return None
        return cls(
            "Show the codes of… (yours to code, others' to read; escape cancels)", counts, you
        )

    @classmethod
    def compare(cls, counts: dict[str, int], shown: str, you: str) -> CoderPicker | None:
        """Whose codes to set beside `shown`'s."""
        counts = {k: n for k, n in counts.items() if k != shown}
        if not counts:
            return None
        return cls(f"Compare {shown}'s codes with… (escape cancels)", counts, you)

    def compose(self) -> ComposeResult:
        def label(coder: str, n: int) -> str:
            me = " (you)" if coder == self.you else ""
            return f"{coder}{me}: {n} coding{'s' * (n != 1)} here"

        with Vertical(classes="dialog"):
            yield Label(self.title_text)
            yield OptionList(
                *(
                    Option(label(coder, n), id=coder)
                    for coder, n in sorted(
                        self.counts.items(), key=lambda kv: (kv[0] != self.you, -kv[1], kv[0])
                    )
                ),
                id="coder-list",
            )

    def on_mount(self) -> None:
        options = self.query_one("#coder-list", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#coder-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class SignIn(Screen[str]):
    """Who is coding: pick a coder of the project or type a new name.

    Shown when no coder was named, which is how every tab of `codebook serve` starts: one
    server, each browser tab its own coder.
    """

    def __init__(self, project_name: str, coders: list[str]) -> None:
        super().__init__()
        self.project_name = project_name
        self.coders = coders

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="sign-in"):
            yield Label(f"[b]{escape(self.project_name)}[/]: who is coding?")
            yield Input(placeholder="your coder name, then Enter", id="coder-name")
            if self.coders:
                yield Label("or pick a coder of this project (tab, then ↓ and Enter):")
                yield OptionList(*(Option(c, id=c) for c in self.coders), id="known-coders")

    def on_mount(self) -> None:
        self.query_one("#coder-name").focus()

    @on(Input.Submitted, "#coder-name")
    def _typed(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        if not name:
            self.notify("Type a coder name, or pick one from the list", severity="warning")
        elif len(name) > 64:
            self.notify("A coder name has at most 64 characters", severity="warning")
        else:
            self.dismiss(name)

    @on(OptionList.OptionSelected, "#known-coders")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class MemoDialog(ModalScreen[Action | None]):
    """A memo on the selected span, a coding on it or the whole transcript; ctrl+s saves.

    It answers with the undoable action that writes the memo, for the screen to perform.
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "save", "Save memo"),
    ]

    def __init__(
        self,
        transcript: Transcript,
        coder: str,
        span: tuple[int, int],
        codings: list[Coding],
        initial: str = "",
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.coder = coder
        self.span = span
        quote = " ".join(transcript.text[span[0] : span[1]].split())
        self.targets: list[tuple[object, str]] = [  # the selection, each coding, the transcript
            ("selection", f"the selection: “{quote[:40]}…”"),
            *((c, f"the coding {c.code} [{c.start}-{c.end})") for c in codings),
            ("transcript", f"the transcript {transcript.name}"),
        ]
        self.initial = initial

    def _memo(self, target: object, text: str) -> Action:
        if isinstance(target, Coding):
            return CodingMemo(target, text)
        span = self.span if target == "selection" else ()
        return AddMemo(self.transcript, text, self.coder, *span)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Memo on (shift+tab chooses; ctrl+s saves, escape cancels):")
            with RadioSet(id="memo-target"):
                for i, (_key, label) in enumerate(self.targets):
                    yield RadioButton(label, value=i == 0)
            # Tab writes a tab: leaving the text by Tab lost what was typed after it
            yield TextArea(self.initial, id="memo-text", tab_behavior="indent")

    def on_mount(self) -> None:
        self.query_one("#memo-text").focus()

    def action_save(self) -> None:
        text = self.query_one("#memo-text", TextArea).text.strip()
        index = self.query_one("#memo-target", RadioSet).pressed_index
        if text:
            self.dismiss(self._memo(self.targets[max(index, 0)][0], text))
        else:
            self.notify("The memo is empty", severity="warning")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "code"


def parent_for(codebook: Codebook, near: str | None) -> str | None:
    """Where a new code goes: under the code at the cursor if that one groups codes, else beside
    it (under its parent); at the top without a code at the cursor."""
    here = codebook.codes.get(near or "")
    if here is None:
        return None
    return here.id if not here.codable or codebook.children(here.id) else here.parent


class AddCodeDialog(ModalScreen[Code | None]):
    """A new (emergent or in-vivo) code, placed under a parent; ctrl+s adds it."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("ctrl+s", "save", "Add code"),
    ]

    def __init__(self, codebook: Codebook, quote: str = "", parent: str | None = None) -> None:
        super().__init__()
        self.codebook = codebook
        self.quote = " ".join(quote.split())
        self.parent_id = parent

    def compose(self) -> ComposeResult:
        label = self.quote[:60]
        parent = self.parent_id if self.parent_id in self.codebook.codes else None
        used = {c.hotkey for c in self.codebook.codes.values() if c.hotkey}
        with Vertical(classes="dialog wide"):
            yield Label("New code (ctrl+s adds it to the codebook, escape cancels)")
            yield Input(label, placeholder="label (nl)", id="new-label-nl")
            yield Input("", placeholder="label (en, optional)", id="new-label-en")
            yield Input(self._suggest_id(label, parent), placeholder="id", id="new-id")
            yield Select(
                [
                    (f"{'  ' * self.codebook.depth(c.id)}{c.name()}", c.id)
                    for c in self.codebook.walk()
                ],
                value=parent if parent else Select.NULL,
                prompt="(top level)",
                id="new-parent",
            )
            yield Input(
                "",
                placeholder=f"definition{' (in vivo: ' + label + ')' if label else ''}",
                id="new-definition",
            )
            yield Input(
                "",
                placeholder=f"hotkey (optional; taken: {''.join(sorted(used))})",
                id="new-hotkey",
                max_length=1,
            )

    def _suggest_id(self, label: str, parent: str | None) -> str:
        base = slug(label) if label else "nieuw"
        return f"{parent}.{base}" if parent else base

    @on(Input.Changed, "#new-label-nl")
    def _relabel(self, event: Input.Changed) -> None:
        parent = self.query_one("#new-parent", Select).value
        parent = parent if isinstance(parent, str) else None
        self.query_one("#new-id", Input).value = self._suggest_id(event.value, parent)

    def action_save(self) -> None:
        def value(wid: str) -> str:
            return self.query_one(f"#{wid}", Input).value.strip()

        parent = self.query_one("#new-parent", Select).value
        label = {"nl": value("new-label-nl")}
        if value("new-label-en"):
            label["en"] = value("new-label-en")
        if not label["nl"] or not value("new-id"):
            self.notify("A new code needs a label and an id", severity="error")
            return
        parent_id = parent if isinstance(parent, str) else None
        parent_code = self.codebook.codes.get(parent_id) if parent_id else None
        self.dismiss(
            Code(
                id=value("new-id"),
                label=label,
                parent=parent_id,
                definition=value("new-definition"),
                examples=[self.quote] if self.quote else [],
                color=parent_code.color if parent_code else None,
                hotkey=value("new-hotkey") or None,
            )
        )
