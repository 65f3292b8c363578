"""The codebook workbench: a Textual app over one `Project`, for one coder.

Without a coder name the app asks first (`SignIn`), so one `codebook serve` serves a team.
The app owns what spans screens: navigation (only this module knows the screens; a screen asks
`open_transcript`, `open_review`, ...), the session's undo history and `perform`, through which
every screen changes the project, the code hotkeys (checked against every TUI key at startup)
and the background retraining of the suggester.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import AwaitMount

from codebook.model import CodebookError, Transcript
from codebook.project import Project
from codebook.tui.history import Action, Change, History
from codebook.tui.hotkeys import bound_keys, code_hotkeys
from codebook.tui.screens.codebook_screen import CodebookScreen
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.dialogs import SignIn
from codebook.tui.screens.matrix_screen import MatrixScreen
from codebook.tui.screens.project_screen import ProjectScreen
from codebook.tui.screens.review import ReviewScreen
from codebook.tui.screens.summary import SummaryScreen
from codebook.tui.widgets.code_tree import CodeTree
from codebook.tui.widgets.suggestions import SuggestionList
from codebook.tui.widgets.transcript_view import TranscriptView

RETRAIN_AFTER = 2.0  # seconds without a coding action before the suggester is refitted
REST = 1.0  # seconds without input before garbage is collected


class CodebookApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "codebook"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self, project: Project, coder: str | None = None, transcript: str | None = None
    ) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.start_transcript = transcript
        self.history = History(project)
        self.hotkeys: dict[str, str] = {}
        self.hotkey_problems: list[str] = []
        self._retraining = self._retrain_again = False
        self._retrain_timer = None

    class Retrained(Message):
        """The background refit of the suggester is over; `error` says why it failed."""

        def __init__(self, error: Exception | None = None) -> None:
            super().__init__()
            self.error = error

    def on_mount(self) -> None:
        self._collect_at_rest()
        self.check_hotkeys()
        if self.coder:
            self._start()
        else:
            self.push_screen(SignIn(self.project.root.name, self.project.coders()), self._signed_in)

    def _collect_at_rest(self) -> None:
        """Collect garbage while nobody waits, not in the middle of a key.

        The libraries and a large project make a few hundred thousand long-lived objects, and
        a screen of 1,000 transcripts leaves caches of cyclic garbage behind; Python's automatic
        full collection then stalls whatever key it lands on for 0.1-0.3 s. So: the objects
        alive at start are frozen (never scanned again), automatic collection is off, and a
        timer collects fully once input has rested, or only the young objects when they pile
        up during a long run of keys.
        """
        gc.freeze()
        gc.disable()
        self._last_input = time.monotonic()
        self.set_interval(REST, self._collect)

    def _collect(self) -> None:
        pending = gc.get_count()[0]
        if time.monotonic() - self._last_input >= REST and pending > 1_000:
            gc.collect()
        elif pending > 50_000:
            gc.collect(0)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseUp):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def on_unmount(self) -> None:
        gc.enable()  # the interpreter may go on (tests, a notebook) after the app

    def _signed_in(self, coder: str) -> None:
        self.coder = coder
        self.notify(f"Coding as {coder}", timeout=3)
        self._start()

    def _start(self) -> None:
        self.push_screen(ProjectScreen())
        if self.start_transcript:
            self.open_transcript(self.start_transcript)

    # -- navigation: screens ask the app, so no screen needs to know another ------------------
    def open_transcript(
        self, transcript: Transcript | str, at: tuple[int, int] | None = None
    ) -> AwaitMount:
        """Code a transcript (a name is looked up afresh), with `at` selected if given."""
        if isinstance(transcript, str):
            transcript = self.project.transcript(transcript)
        return self.push_screen(CodingScreen(transcript, at=at))

    def open_review(self, code: str | None = None) -> AwaitMount:
        """Every coding of `code` (of the most used code if None) across transcripts."""
        return self.push_screen(ReviewScreen(code))

    def open_codebook(self, code: str | None = None) -> AwaitMount:
        return self.push_screen(CodebookScreen(code))

    def open_summary(self) -> AwaitMount:
        return self.push_screen(SummaryScreen())

    def open_matrix(self) -> AwaitMount:
        """The framework matrix: summaries (or drafts) per case and code."""
        return self.push_screen(MatrixScreen())

    def go_back(self) -> AwaitComplete:
        """To the screen this one was opened from (the transcripts, from a transcript)."""
        return self.pop_screen()

    def check_hotkeys(self) -> None:
        """Bind code hotkeys that collide with no TUI key; tell the user about the others."""
        bound = bound_keys(type(self), CodingScreen, TranscriptView, CodeTree, SuggestionList)
        self.hotkeys, self.hotkey_problems = code_hotkeys(self.project.codebook, bound)
        for problem in self.hotkey_problems:
            self.notify(problem, title="hotkey collision", severity="error", timeout=30)

    # -- actions: every change of the project goes through here (or undo / redo) ---------------
    def perform(self, action: Action) -> Change | None:
        """Do an undoable action; None (and the reason shown) when the project refuses it.

        The action is on disk when this returns; new codes get their hotkeys and the suggester
        is retrained once the researcher pauses.
        """
        try:
            change = self.history.run(action)
        except CodebookError as e:
            self.notify(str(e), severity="error")
            return None
        if change.codebook:
            self.check_hotkeys()
        if change.added and getattr(self.project, "learn", None) is not None:
            self.run_worker(
                partial(self._learn, change.added), thread=True, group="learn", exit_on_error=False
            )
        self.retrain_soon()
        return change

    def _learn(self, codings) -> None:
        """In a worker thread: the suggester takes the new codings in at once (well under a
        second), so the next suggestions know them before the full refit after a pause."""
        for coding in codings:
            self.project.learn(coding)

    def retrain_soon(self) -> None:
        """Retrain once the researcher pauses: a fit holds the GIL for seconds, keys must not wait.

        Each coding action restarts a short timer; then one worker thread retrains, and once
        more if codings changed meanwhile.
        """
        if getattr(self.project, "retrain", None) is None:
            return
        if self._retrain_timer is not None:
            self._retrain_timer.stop()
        self._retrain_timer = self.set_timer(RETRAIN_AFTER, self._retrain)

    def _retrain(self) -> None:
        self._retrain_timer = None
        if self._retraining:
            self._retrain_again = True
            return
        self._retraining, self._retrain_again = True, False
        self.run_worker(self._refit, thread=True, group="retrain", exit_on_error=False)

    def _refit(self) -> None:
        """In a worker thread; whatever happens, the app hears of it as `Retrained`."""
        try:
            self.project.retrain()
        except Exception as e:  # noqa: BLE001 - a failed refit is reported, the session goes on
            self.post_message(self.Retrained(e))
        else:
            self.post_message(self.Retrained())

    def on_codebook_app_retrained(self, event: Retrained) -> None:
        self._retraining = False
        if event.error is not None:
            self.notify(f"retraining the suggester failed: {event.error}", severity="error")
        elif self._retrain_again:
            self._retrain()

    def action_undo(self) -> None:
        self._replay(self.history.undo, "undid")

    def action_redo(self) -> None:
        self._replay(self.history.redo, "redid")

    def _replay(self, step, verb: str) -> None:
        try:
            result = step()
        except CodebookError as e:  # e.g. a new code another coder has used meanwhile
            self.notify(str(e), severity="error")
            return
        if result is None:
            self.notify(f"Nothing to {'undo' if verb == 'undid' else 'redo'}")
            return
        action, change = result
        if change.codebook:
            self.check_hotkeys()
        handler = getattr(self.screen, "on_history", None)
        if handler is not None:
            handler(action, change, verb)
        self.retrain_soon()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key-bound action of the current screen is also in the command palette."""
        yield from super().get_system_commands(screen)
        seen = set()
        for key, active in screen.active_bindings.items():
            b = active.binding
            if not b.description or (b.action, b.description) in seen:
                continue
            seen.add((b.action, b.description))
            yield SystemCommand(
                b.description, f"key: {key}", partial(self._run_bound, active.node, b.action)
            )

    def _run_bound(self, node, action: str) -> None:
        self.call_later(node.run_action, action)
