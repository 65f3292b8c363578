"""The coding screen: transcript, code tree, suggestions, status line.

Every action goes through the app's `History` (which writes through `Project`) before the next
key is handled; suggestions and retraining run in worker threads so keys never wait for them.
The left column shows one coder's codes (the session coder's unless `i` picks another, which is
read-only: nobody codes on another's behalf); `d` adds a second coder in a column beside it.
Other coders may code the same project at once (a shared PostgreSQL database, `codebook serve`):
the screen looks for their changes every few seconds, and `ctrl+l` looks at once.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static, TextArea, Tree
from textual.worker import Worker, WorkerState

from codebook.model import Code, CodebookError, Coding, Transcript
from codebook.tui.history import (
    Action,
    AddCoding,
    AddMemo,
    Change,
    CodingMemo,
    Reject,
    RemoveCoding,
)
from codebook.tui.screens.dialogs import (
    AddCodeDialog,
    CodePicker,
    CoderPicker,
    MemoDialog,
    SearchDialog,
)
from codebook.tui.widgets.code_tree import CodeFinder, CodeTree
from codebook.tui.widgets.suggestions import SuggestionList
from codebook.tui.widgets.transcript_view import TranscriptView

POLL_EVERY = 5.0  # seconds between looks for codings made by other sessions


class CodingScreen(Screen):
    BINDINGS = [
        Binding("a", "accept", "Accept sugg."),
        Binding("r", "reject", "Reject sugg."),
        Binding("x", "uncode", "Uncode"),
        Binding("n", "next_uncoded(1)", "Next uncoded"),
        Binding("p", "next_uncoded(-1)", "Prev uncoded", show=False),
        Binding("g", "next_with_code", "Go to code", show=False),
        Binding("w", "next_uncertain", "Most uncertain", show=False),
        Binding("slash", "search", "Search"),
        Binding("s", "search_again", "Search again", show=False),
        Binding("m", "memo", "Memo"),
        Binding("e", "new_code", "New code", show=False),
        Binding("f", "filter_codes", "Filter codes", show=False),
        Binding("c", "focus_codes", "Code tree", show=False),
        Binding("t", "focus_transcript", "Transcript", show=False),
        Binding("b", "codebook", "Codebook", show=False),
        Binding("v", "review", "Review", show=False),
        Binding("o", "transcripts", "Transcripts", show=False),
        Binding("d", "compare", "Compare coders", show=False),
        Binding("i", "show_coder", "Whose codes", show=False),
        Binding("ctrl+l", "refresh_codings", "Refresh", show=False),
        Binding("right_square_bracket", "next_disagreement(1)", "Next diff", key_display="]"),
        Binding("left_square_bracket", "next_disagreement(-1)", "Prev diff", key_display="["),
    ]

    def __init__(self, transcript: Transcript, at: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.transcript = transcript
        self.at = at
        self.last = "opened"
        self._search = ""
        self._suggest_timer = None
        self._asking = False
        self._shown = False
        self._wanted: tuple[int, int] | None = None
        self.shown: str | None = None  # the coder whose codes the left column shows

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

    def compose(self) -> ComposeResult:
        book = self.project.codebook
        segments = self.project.segments(self.transcript)
        with Horizontal(id="coding-main"):
            yield TranscriptView(self.transcript.text, segments, book, id="transcript")
            with Vertical(id="side"):
                yield CodeFinder(book)
                yield Label("★ a accept · r reject", id="suggest-title")
                yield SuggestionList(book, id="suggestions")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        view = self.view
        self.shown = self.coder
        view.set_codings(self.project.codings_of(self.transcript, self.shown))
        self._load_memos()
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
        tree = self.query_one(CodeTree)
        tree.codebook = self.project.codebook
        tree.rebuild()
        self._load_memos()
        self.refresh_codings()

    def refresh_codings(self) -> None:
        """Both columns from the store: other sessions may have coded meanwhile."""
        self.view.set_codings(self.project.codings_of(self.transcript, self.shown))
        self._reload_other()
        self._after_change()

    def poll_store(self) -> bool:
        """Refresh when the store holds other codings of the coders shown than the screen does."""
        view = self.view
        stored = {
            c.id
            for coder in {self.shown, view.other} - {None}
            for c in self.project.codings_of(self.transcript, coder)
        }
        if stored == set(view.codings) | set(view.other_codings):
            return False
        self.refresh_codings()
        self.last = "updated: codings changed in another session"
        self._status()
        return True

    def action_refresh_codings(self) -> None:
        if not self.poll_store():
            self.notify("Up to date with the store")

    def _reload_other(self) -> None:
        other = self.view.other
        if other is not None:
            self.view.set_other(other, self.project.codings_of(self.transcript, other))

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    # -- status -------------------------------------------------------------------------------
    def _after_change(self) -> None:
        view = self.view
        counts: dict[str, int] = {}
        for c in view.codings.values():
            counts[c.code] = counts.get(c.code, 0) + 1
        self.query_one(CodeTree).set_counts(counts)
        self._status()

    def _status(self) -> None:
        view = self.view
        total = len(view.segments)
        done = sum(1 for ids in view.on_segment if ids)
        pct = 100 * done // total if total else 0
        here = ""
        if total:
            codes = sorted({c.code for c in view.codings_at(view.cursor)})
            here = f"seg {view.cursor + 1}/{total}" + (f" [{', '.join(codes)}]" if codes else "")
        hint = (
            "[dim]to code: press a hotkey (0-9 A-Z, see tree) · j/k move · shift+arrows span"
            " · ctrl+p all[/]"
        )
        if view.other is not None and total:
            theirs = ", ".join(sorted(view.codes_at(view.cursor)[1])) or "-"
            mark = "[b red]≠[/]" if view.cursor in view.disputed else "="
            hint = (
                f"{mark} right column: {escape(view.other)} {escape(f'[{theirs}]')} · "
                f"{len(view.disputed)} differ [dim]· ] / \\[ next / prev · d stops[/]"
            )
        who = f"[b]{escape(self.coder)}[/]"
        if self.read_only:
            who += f" viewing [b]{escape(self.shown)}[/] [reverse] read-only [/] (i: yours)"
        self.query_one("#status", Static).update(
            f"{who} · {escape(self.transcript.name)} · {done}/{total} coded ({pct}%) · "
            f"{escape(here)} · last: {escape(self.last)}\n{hint}",
            layout=False,  # fixed height: no need to lay the whole screen out again per key
        )

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

    @on(TranscriptView.Moved)
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
        try:
            change = self.app.history.run(action)
        except CodebookError as e:
            self.notify(str(e), severity="error")
            return False
        self.last = action.label
        self.apply_change(change)
        self.app.retrain_soon()
        return True

    def _load_memos(self) -> None:
        memos = self.project.memos(self.transcript)
        self.view.set_memos([(m.start, m.end) for m in memos if m.start is not None])

    def apply_change(self, change: Change) -> None:
        if change.codebook:
            self.reload()
        view = self.view
        if change.memos:
            self._load_memos()
        if change.recoded:
            view.set_codings(self.project.codings_of(self.transcript, self.shown))
            self._reload_other()  # a merge recodes every coder's codings
        elif view.other == self.coder and (change.added or change.removed):
            self._reload_other()  # undo / redo while this coder's codes are the right column
        for cid in change.removed:
            view.remove_coding(cid)
        for c in change.added:
            if c.transcript_id == self.transcript.id and c.coder == self.shown:
                view.add_coding(c)
        self._after_change()
        self._queue_suggest()

    def on_history(self, action: Action, change: Change, verb: str) -> None:
        self.last = f"{verb} {action.label}"
        self.apply_change(change)
        if change.added and change.added[0].transcript_id == self.transcript.id:
            self.view.select(change.added[0].start, change.added[0].end)

    def _mine_on_selection(self, code: str | None = None) -> list[Coding]:
        view = self.view
        start, end = view.sel
        return [
            c
            for c in view.codings_at(view.cursor)
            if c.start == start and c.end == end and (code is None or c.code == code)
        ]

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
        present = self._mine_on_selection(code_id)
        if present:
            self.do_action(RemoveCoding(present[0]))
            return
        start, end = self.view.sel
        self.do_action(
            AddCoding(Coding(None, self.transcript.id, start, end, code_id, self.coder, origin))
        )

    def action_uncode(self) -> None:
        if self._refuse_read_only():
            return
        view = self.view
        mine = self._mine_on_selection() or view.codings_at(view.cursor)
        if not mine:
            self.notify("Nothing coded here to remove", severity="warning")
            return
        self.do_action(RemoveCoding(max(mine, key=lambda c: c.id)))

    def action_next_uncoded(self, direction: int) -> None:
        view = self.view
        i = view.cursor + direction
        while 0 <= i < len(view.segments):
            if not view.is_coded(i):
                view.move_to(i)
                return
            i += direction
        self.notify("No uncoded segment " + ("below" if direction > 0 else "above"))

    # -- compare two coders ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The disagreement jumps exist (and show in the footer) only while comparing."""
        if action == "next_disagreement":
            return self.is_mounted and self.view.other is not None
        return True

    def _coder_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.project.codings_of(self.transcript):
            counts[c.coder] = counts.get(c.coder, 0) + 1
        return counts

    def action_show_coder(self) -> None:
        """Pick whose codes the left column shows: yours to code, anyone else's to read."""
        counts = {self.coder: 0} | self._coder_counts()
        if len(counts) == 1:
            self.notify(f"Nobody else has coded {self.transcript.name}")
            return
        title = "Show the codes of… (yours to code, others' to read; escape cancels)"
        self.app.push_screen(CoderPicker(title, counts, you=self.coder), self.show_coder)

    def show_coder(self, coder: str | None) -> None:
        if coder is None or coder == self.shown:
            return
        self.shown = coder
        view = self.view
        if view.other == coder:
            self.compare_with(None)
        view.set_codings(self.project.codings_of(self.transcript, coder))
        self.last = "your codes" if coder == self.coder else f"{coder}'s codes (read-only)"
        self._after_change()
        self._queue_suggest()

    def action_compare(self) -> None:
        """Toggle compare mode: pick the other coder, or go back to one coder's codes alone."""
        if self.view.other is not None:
            self.compare_with(None)
            return
        counts = {k: n for k, n in self._coder_counts().items() if k != self.shown}
        if not counts:
            self.notify(f"No other coder has coded {self.transcript.name}", severity="warning")
            return
        title = f"Compare {self.shown}'s codes with… (escape cancels)"
        self.app.push_screen(CoderPicker(title, counts, you=self.coder), self.compare_with)

    def compare_with(self, other: str | None) -> None:
        view = self.view
        if other is None:
            if view.other is None:
                return  # the picker was cancelled
            self.last = f"stopped comparing with {view.other}"
            view.set_other(None)
        else:
            view.set_other(other, self.project.codings_of(self.transcript, other))
            self.last = f"comparing with {other}: {len(view.disputed)} segments differ"
        # one line each while comparing, so the comparison line is never pushed out
        self.query_one("#status").set_class(view.other is not None, "-compare")
        self.refresh_bindings()
        self._status()

    def action_next_disagreement(self, direction: int) -> None:
        target = self.view.next_disputed(direction)
        if target is None:
            where = "below" if direction > 0 else "above"
            self.notify(f"No disagreement with {self.view.other} {where}")
            return
        self.view.move_to(target)

    def action_next_uncertain(self) -> None:
        """Active learning: go to the uncoded segment the suggester is least sure about."""
        self.notify("Looking for the most uncertain uncoded segment…", timeout=2)
        self._uncertain()

    @work(thread=True, exclusive=True, group="uncertain", exit_on_error=False)
    def _uncertain(self) -> None:
        try:
            queue = self.project.uncertain_segments(self.transcript.name, self.coder, limit=1)
        except CodebookError as e:
            self.app.call_from_thread(self.notify, str(e), severity="error")
            return
        if len(queue):
            row = queue.iloc[0]
            self.app.call_from_thread(self._go_uncertain, int(row["start"]), str(row["code"]))
        else:
            self.app.call_from_thread(self.notify, "No uncoded segment left")

    def _go_uncertain(self, start: int, code: str) -> None:
        view = self.view
        view.move_to(view.segment_at(start))
        self.last = f"uncertain segment (best guess {code})"
        self._status()

    def action_next_with_code(self) -> None:
        def go(code: str | None) -> None:
            if code:
                self.jump_to_code(code)

        self.app.push_screen(
            CodePicker(self.project.codebook, "Go to the next segment coded with…"), go
        )

    def jump_to_code(self, code: str) -> bool:
        view = self.view
        n = len(view.segments)
        for step in range(1, n + 1):
            i = (view.cursor + step) % n
            if any(c.code == code for c in view.codings_at(i)):
                view.move_to(i)
                return True
        self.notify(f"No segment coded with {code} by {self.shown}", severity="warning")
        return False

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
            self.last = f"found '{self._search}'"
            self._status()

    def action_memo(self) -> None:
        view = self.view
        start, end = view.sel
        quote = " ".join(view.text[start:end].split())
        targets = [("selection", f"the selection: “{quote[:40]}…”")]
        mine = [] if self.read_only else view.codings_at(view.cursor)
        for c in mine:
            targets.append((f"coding:{c.id}", f"the coding {c.code} [{c.start}-{c.end})"))
        targets.append(("transcript", f"the transcript {self.transcript.name}"))

        def save(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            target, text = result
            if target.startswith("coding:"):
                coding = view.codings[int(target.split(":")[1])]
                self.do_action(CodingMemo(coding, text))
            elif target == "selection":
                self.do_action(AddMemo(self.transcript, text, self.coder, start, end))
            else:
                self.do_action(AddMemo(self.transcript, text, self.coder))

        self.app.push_screen(MemoDialog(targets), save)

    def action_new_code(self) -> None:
        if self._refuse_read_only():
            return
        view = self.view
        start, end = view.sel
        tree = self.query_one(CodeTree)
        book = self.project.codebook
        here = book.codes.get(tree.current_code or "")
        parent = None
        if here is not None:
            parent = here.id if not here.codable or book.children(here.id) else here.parent

        def added(code: Code | None) -> None:
            if code is None:
                return
            try:
                self.app.add_code(code)
            except CodebookError as e:
                self.notify(str(e), severity="error")
                return
            self.reload()
            self.view.select(start, end)
            self.toggle_code(code.id)

        self.app.push_screen(AddCodeDialog(book, view.text[start:end], parent), added)

    def action_filter_codes(self) -> None:
        self.query_one("#code-filter").focus()

    def action_focus_codes(self) -> None:
        self.query_one(CodeTree).focus()

    def action_focus_transcript(self) -> None:
        self.view.focus()

    def action_codebook(self) -> None:
        from codebook.tui.screens.codebook_screen import CodebookScreen

        self.app.push_screen(CodebookScreen(self.query_one(CodeTree).current_code))

    def action_review(self) -> None:
        from codebook.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.query_one(CodeTree).current_code))

    def action_transcripts(self) -> None:
        self.app.pop_screen()

    # -- suggestions --------------------------------------------------------------------------
    def _queue_suggest(self) -> None:
        if self._suggest_timer is not None:
            self._suggest_timer.stop()
        self._suggest_timer = self.set_timer(0.12, self.refresh_suggestions)

    def refresh_suggestions(self) -> None:
        """Ask for suggestions for the selection; one request runs at a time, the latest wins."""
        panel = self.query_one(SuggestionList)
        if not hasattr(self.project, "suggest"):
            panel.message("suggestions are not available yet")
            return
        self._wanted = self.view.sel
        if not self._asking:
            self._asking = True
            self._suggest(self._wanted)

    @work(thread=True, group="suggest", exit_on_error=False)
    def _suggest(self, span: tuple[int, int]) -> None:
        try:
            found = self.project.suggest(self.transcript, span[0], span[1], top=5, coder=self.coder)
        except CodebookError as e:
            found = e
        self.app.call_from_thread(self._show_suggestions, span, found)

    def _show_suggestions(self, span: tuple[int, int], found) -> None:
        self._asking = False
        if span != self._wanted:
            self.refresh_suggestions()  # the researcher moved on meanwhile
            return
        panel = self.query_one(SuggestionList)
        if isinstance(found, CodebookError):
            panel.message(str(found))
            return
        have = {c.code for c in self._mine_on_selection()}
        panel.show([s for s in found if s.code not in have])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failing suggester must not take the coding session down with it."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            if event.worker.group == "suggest":
                self._asking = False
            self.query_one(SuggestionList).message(f"suggestions failed: {error}")
            self.notify(f"{event.worker.group} failed: {error}", severity="error")

    def action_accept(self) -> None:
        if self._refuse_read_only():
            return
        s = self.query_one(SuggestionList).current
        if s is None:
            self.notify("No suggestion to accept", severity="warning")
            return
        if self._mine_on_selection(s.code):
            return
        start, end = self.view.sel
        self.do_action(
            AddCoding(
                Coding(None, self.transcript.id, start, end, s.code, self.coder, "suggestion")
            )
        )

    def action_reject(self) -> None:
        if self._refuse_read_only():
            return
        s = self.query_one(SuggestionList).current
        if s is None:
            self.notify("No suggestion to reject", severity="warning")
            return
        start, end = self.view.sel
        self.do_action(Reject(self.transcript, start, end, s.code, self.coder))
