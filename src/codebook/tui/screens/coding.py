"""The coding screen: transcript, code tree, suggestions, status line.

Every action goes through the app's `perform` (history, written through `Project`) before the
next key is handled; suggestions and retraining run in worker threads so keys never wait for
them. The left column shows one coder's codes (the session coder's unless `i` picks another,
which is read-only: nobody codes on another's behalf); `d` adds a second coder in a column beside
it. Other coders may code the same project at once (a shared PostgreSQL database, `codebook
serve`): the screen looks for their changes every few seconds, and `ctrl+l` looks at once.

The screen holds the keys and asks the questions (dialogs); the widgets hold the rest:
`CodedTranscript` (whose codes, in step with the store), `CodeFinder`, `SuggestionPanel` (the
suggester's worker threads) and `StatusLine`. Other screens are opened only through the app.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, TextArea, Tree

from codebook.model import Code, Transcript
from codebook.tui.history import (
    Action,
    AddCode,
    Change,
    Reject,
)
from codebook.tui.screens.dialogs import (
    AddCodeDialog,
    CodePicker,
    CoderPicker,
    MemoDialog,
    SearchDialog,
    parent_for,
)
from codebook.tui.screens.speaker_dialog import SpeakerActions
from codebook.tui.widgets.code_tree import CodeFinder, CodeTree
from codebook.tui.widgets.coded_transcript import CodedTranscript
from codebook.tui.widgets.footer import FittingFooter
from codebook.tui.widgets.status_line import StatusLine
from codebook.tui.widgets.suggestion_panel import SuggestionPanel
from codebook.tui.widgets.suggestions import SuggestionList

POLL_EVERY = 5.0  # seconds between looks for codings made by other sessions
SUGGEST_AFTER = 0.12  # seconds the selection rests before suggestions are asked for


class CodingScreen(SpeakerActions, Screen):
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("r", "reject", "Reject"),
        Binding("x", "uncode", "Uncode"),
        Binding("n", "next_uncoded(1)", "Next uncoded"),
        Binding("p", "next_uncoded(-1)", "Prev uncoded", show=False),
        Binding("g", "next_with_code", "Go to code", show=False),
        Binding("w", "next_uncertain", "Most uncertain", show=False),
        Binding("slash", "search", "Search"),
        Binding("s", "search_again", "Search again", show=False),
        Binding("m", "memo", "Memo"),
        Binding("e", "new_code", "New code", show=False),
        Binding("f", "focus('#code-filter')", "Filter codes", show=False),
        Binding("c", "focus('#codes')", "Code tree", show=False),
        Binding("t", "focus('#transcript')", "Transcript", show=False),
        Binding("b", "codebook", "Codebook", show=False),
        Binding("v", "review", "Review", show=False),
        Binding("o", "transcripts", "Transcripts", show=False),
        Binding("d", "compare", "Compare coders", show=False),
        Binding("i", "show_coder", "Whose codes", show=False),
        Binding("h", "speaker", "Who speaks", show=False),
        Binding("ctrl+l", "refresh_codings", "Refresh", show=False),
        Binding("right_square_bracket", "next_disagreement(1)", "Next diff", key_display="]"),
        Binding("left_square_bracket", "next_disagreement(-1)", "Prev diff", key_display="["),
        Binding("q,escape", "back", "Back"),  # not the app's quit: back to the list
    ]

    def __init__(self, transcript: Transcript, at: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.transcript = transcript
        self.at = at
        self.last = "opened"
        self._search = ""
        self._suggest_timer = None
        self._shown = False

    @property
    def shown(self) -> str | None:
        """The coder whose codes the left column shows."""
        return self.view.shown

    @property
    def read_only(self) -> bool:
        return self.shown != self.coder

    # -- setup --------------------------------------------------------------------------------
    @property
    def project(self):
        return self.app.project

    @property
    def coder(self) -> str:
        return self.app.coder

    @property
    def view(self) -> CodedTranscript:
        return self.query_one(CodedTranscript)

    @property
    def tree(self) -> CodeTree:
        return self.query_one(CodeTree)

    def compose(self) -> ComposeResult:
        book = self.project.codebook
        with Horizontal(id="coding-main"):
            yield CodedTranscript(self.project, self.transcript, id="transcript")
            with Vertical(id="side"):
                yield CodeFinder(book)
                yield SuggestionPanel(self.project, self.transcript, self.coder)
        yield StatusLine(id="status")
        yield FittingFooter()

    def on_mount(self) -> None:
        view = self.view
        view.show_coder(self.coder)
        view.load_memos()
        self._load_speakers()
        if self.at is not None:
            view.select(*self.at)
            self.call_after_refresh(view.scroll_to_cursor)
        view.focus()
        self._after_change()
        self._queue_suggest()
        self.set_interval(POLL_EVERY, self.poll_store)

    def on_screen_resume(self) -> None:
        if self._shown and self.view.segments:
            self.reload()  # back from another screen, which may have changed codings
        self._shown = True

    def reload(self) -> None:
        self.view.codebook = self.project.codebook
        self.tree.set_codebook(self.project.codebook)
        self.view.load_memos()
        self.refresh_codings()

    def refresh_codings(self) -> None:
        self.view.refresh_codings()
        self._after_change()

    def poll_store(self) -> bool:
        """Refresh when the store holds other codings of the coders shown than the screen does."""
        if not self.view.stale():
            return False
        self.refresh_codings()
        self._said("updated: codings changed in another session")
        return True

    def action_refresh_codings(self) -> None:
        if not self.poll_store():
            self.notify("Up to date with the store")

    # -- status -------------------------------------------------------------------------------
    def _after_change(self) -> None:
        self.tree.set_counts(self.view.code_counts())
        self._status()

    def _said(self, last: str) -> None:
        self.last = last
        self._status()

    def _status(self) -> None:
        status = self.query_one(StatusLine)
        status.show(self.view, self.coder, self.last, self.speaker_now(), self.interviewer_rows())

    # -- the key dispatch for code hotkeys ------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if isinstance(self.focused, Input | TextArea):
            return
        code = self.app.hotkeys.get(event.character or "")
        if code is not None:
            event.stop()
            event.prevent_default()
            self.toggle_code(code)
        elif event.character in ("[", "]") and self.view.other is None:
            self.notify("Press d to compare with another coder first")

    @on(CodedTranscript.Moved)
    def _moved(self) -> None:
        self._status()
        self._queue_suggest()

    @on(Tree.NodeSelected, "#codes")
    def _tree_selected(self, event: Tree.NodeSelected) -> None:
        code = self.project.codebook.codes.get(event.node.data or "")
        if code is not None and code.codable:
            self.toggle_code(code.id)

    # -- actions ------------------------------------------------------------------------------
    def do_action(self, action: Action) -> bool:
        """Perform through the app; then show what changed here."""
        change = self.app.perform(action)
        if change is None:
            return False
        self.last = action.label
        self.apply_change(change)
        return True

    def apply_change(self, change: Change) -> None:
        if change.codebook:
            self.reload()
        if change.speakers:
            self._load_speakers()
        self.view.apply(change, self.coder)
        self._after_change()
        self._queue_suggest()

    def on_history(self, action: Action, change: Change, verb: str) -> None:
        """Undo / redo happened (in the app): show it, and select what came back."""
        self.last = f"{verb} {action.label}"
        self.apply_change(change)
        if change.added and change.added[0].transcript_id == self.transcript.id:
            self.view.select(change.added[0].start, change.added[0].end)

    def _refuse_read_only(self) -> bool:
        """True (and say so) when the left column is another coder's: their codes are theirs."""
        if self.read_only:
            self.notify(
                f"These are {self.shown}'s codes, read-only: press i and pick {self.coder} to code",
                severity="warning",
            )
        return self.read_only

    def toggle_code(self, code_id: str, origin: str = "manual") -> None:
        """Apply a code to the selection, or remove it when the selection has it already."""
        if self._refuse_read_only():
            return
        code = self.project.codebook.codes[code_id]
        if not code.codable:
            self.notify(f"'{code.name()}' is a grouping, not a code", severity="warning")
            return
        self.do_action(self.view.toggle(code_id, self.coder, origin))

    def action_uncode(self) -> None:
        if self._refuse_read_only():
            return
        action = self.view.uncode()
        if action is None:
            self.notify("Nothing coded here to remove", severity="warning")
        else:
            self.do_action(action)

    def _jump(self, target: int | None, nothing: str, severity: str = "information") -> bool:
        """Move to `target`; without one, say there is `nothing`."""
        if target is None:
            self.notify(nothing, severity=severity)
            return False
        self.view.move_to(target)
        return True

    def action_next_uncoded(self, direction: int) -> None:
        where = "below" if direction > 0 else "above"
        self._jump(self.view.next_uncoded(direction), f"No uncoded segment {where}")

    # -- compare two coders ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The disagreement jumps exist (and show in the footer) only while comparing."""
        if action == "next_disagreement":
            return self.is_mounted and self.view.other is not None
        return True

    def action_show_coder(self) -> None:
        """Pick whose codes the left column shows: yours to code, anyone else's to read."""
        picker = CoderPicker.whose(self.view.coder_counts(), self.coder)
        if picker is None:
            self.notify(f"Nobody else has coded {self.transcript.name}")
        else:
            self.app.push_screen(picker, self.show_coder)

    def show_coder(self, coder: str | None) -> None:
        if coder is None or coder == self.shown:
            return
        if self.view.other == coder:
            self.compare_with(None)
        self.view.show_coder(coder)
        self.last = "your codes" if coder == self.coder else f"{coder}'s codes (read-only)"
        self._after_change()
        self._queue_suggest()

    def action_compare(self) -> None:
        """Toggle compare mode: pick the other coder, or go back to one coder's codes alone."""
        if self.view.other is not None:
            self.compare_with(None)
            return
        picker = CoderPicker.compare(self.view.coder_counts(), self.shown, self.coder)
        if picker is None:
            self.notify(f"No other coder has coded {self.transcript.name}", severity="warning")
        else:
            self.app.push_screen(picker, self.compare_with)

    def compare_with(self, other: str | None) -> None:
        view = self.view
        if other is None:
            if view.other is None:
                return  # the picker was cancelled
            self.last = f"stopped comparing with {view.other}"
            view.compare_with(None)
        else:
            view.compare_with(other)
            self.last = f"comparing with {other}: {len(view.disputed)} segments differ"
        self.query_one(StatusLine).comparing(view.other is not None)
        self.refresh_bindings()
        self._status()

    def action_next_disagreement(self, direction: int) -> None:
        where = "below" if direction > 0 else "above"
        nothing = f"No disagreement with {self.view.other} {where}"
        self._jump(self.view.next_disputed(direction), nothing)

    # -- jumps and search ---------------------------------------------------------------------
    def action_next_uncertain(self) -> None:
        """Active learning: go to the uncoded segment the suggester is least sure about."""
        self.query_one(SuggestionPanel).find_uncertain()

    def on_suggestion_panel_uncertain(self, event: SuggestionPanel.Uncertain) -> None:
        self.view.move_to(self.view.segment_at(event.start))
        self._said(f"uncertain segment (best guess {event.code})")

    def action_next_with_code(self) -> None:
        def go(code: str | None) -> None:
            if code:
                self.jump_to_code(code)

        self.app.push_screen(
            CodePicker(self.project.codebook, "Go to the next segment coded with…"), go
        )

    def jump_to_code(self, code: str) -> bool:
        nothing = f"No segment coded with {code} by {self.shown}"
        return self._jump(self.view.next_coded_with(code), nothing, "warning")

    def action_search(self) -> None:
        def found(word: str | None) -> None:
            if word is not None:
                self._search = word
                self.action_search_again()

        self.app.push_screen(SearchDialog(self._search), found)

    def action_search_again(self) -> None:
        if not self._search:
            self.action_search()
            return
        if not self.view.find(self._search):
            self.notify(f"'{self._search}' not found in {self.transcript.name}")
        else:
            self._said(f"found '{self._search}'")

    # -- memos and new codes --------------------------------------------------------------------
    def action_memo(self) -> None:
        view = self.view
        mine = [] if self.read_only else view.codings_at(view.cursor)
        dialog = MemoDialog(self.transcript, self.coder, view.sel, mine)
        self.app.push_screen(dialog, self._answered)

    def _answered(self, action: Action | None) -> None:
        """A dialog's answer that is an action (None: cancelled)."""
        if action is not None:
            self.do_action(action)

    def action_new_code(self) -> None:
        if self._refuse_read_only():
            return
        start, end = self.view.sel
        book = self.project.codebook

        def added(code: Code | None) -> None:
            if code is None or self.app.perform(AddCode(code)) is None:
                return
            self.reload()
            self.view.select(start, end)
            self.toggle_code(code.id)

        parent = parent_for(book, self.tree.current_code)
        self.app.push_screen(AddCodeDialog(book, self.view.text[start:end], parent), added)

    # -- other screens --------------------------------------------------------------------------
    def action_codebook(self) -> None:
        self.app.open_codebook(self.tree.current_code)

    def action_review(self) -> None:
        self.app.open_review(self.tree.current_code)

    def action_transcripts(self) -> None:
        self.app.go_back()

    def action_back(self) -> None:
        """q / escape: from the code filter or tree to the transcript, from there to the list."""
        if self.focused is not self.view:
            self.view.focus()
        else:
            self.app.go_back()

    # -- suggestions --------------------------------------------------------------------------
    def _queue_suggest(self) -> None:
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        self._suggest_timer = self.set_timer(SUGGEST_AFTER, self.refresh_suggestions)

    def refresh_suggestions(self) -> None:
        """Ask for suggestions for the selection; one request runs at a time, the latest wins."""
        self.query_one(SuggestionPanel).ask(self.view.sel)

    def on_suggestion_panel_computed(self, event: SuggestionPanel.Computed) -> None:
        """Fresh suggestions: all but the codes the selection has already."""
        have = {c.code for c in self.view.on_selection()}
        event.panel.options.show([s for s in event.suggestions if s.code not in have])

    def _suggestion(self, verb: str):
        """The highlighted suggestion; None (and say why) when there is none or it is not yours."""
        if self._refuse_read_only():
            return None
        s = self.query_one(SuggestionList).current
        if s is None:
            self.notify(f"No suggestion to {verb}", severity="warning")
        return s

    def action_accept(self) -> None:
        s = self._suggestion("accept")
        if s is not None and not self.view.on_selection(s.code):
            self.do_action(self.view.toggle(s.code, self.coder, "suggestion"))

    def action_reject(self) -> None:
        s = self._suggestion("reject")
        if s is not None:
            start, end = self.view.sel
            self.do_action(Reject(self.transcript, start, end, s.code, self.coder))
