"""The codebook workbench: a Textual app over one `Project`, for one coder.

Without a coder name the app asks first (`SignIn`), so one `codebook serve` serves a team.
The app owns what spans screens: the session's undo history, the code hotkeys (checked against
every TUI key at startup) and the background retraining of the suggester.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from codebook.model import Code, CodebookError
from codebook.project import Project
from codebook.tui.history import AddCode, History
from codebook.tui.hotkeys import bound_keys, code_hotkeys

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

    def on_mount(self) -> None:
        from codebook.tui.screens.dialogs import SignIn

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
        from codebook.tui.screens.coding import CodingScreen
        from codebook.tui.screens.project_screen import ProjectScreen

        self.push_screen(ProjectScreen())
        if self.start_transcript:
            self.push_screen(CodingScreen(self.project.transcript(self.start_transcript)))

    def check_hotkeys(self) -> None:
        """Bind code hotkeys that collide with no TUI key; tell the user about the others."""
        from codebook.tui.screens.coding import CodingScreen
        from codebook.tui.widgets.code_tree import CodeTree
        from codebook.tui.widgets.suggestions import SuggestionList
        from codebook.tui.widgets.transcript_view import TranscriptView

        bound = bound_keys(type(self), CodingScreen, TranscriptView, CodeTree, SuggestionList)
        self.hotkeys, self.hotkey_problems = code_hotkeys(self.project.codebook, bound)
        for problem in self.hotkey_problems:
            self.notify(problem, title="hotkey collision", severity="error", timeout=30)

    def add_code(self, code: Code) -> None:
        """Write a new code into the codebook YAML (undoable) and bind its hotkey."""
        self.history.run(AddCode(code))
        self.check_hotkeys()

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
        self.run_worker(self.project.retrain, thread=True, group="retrain", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "retrain" or not event.worker.is_finished:
            return
        self._retraining = False
        if event.state is WorkerState.ERROR:
            self.notify(f"retraining the suggester failed: {event.worker.error}", severity="error")
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
