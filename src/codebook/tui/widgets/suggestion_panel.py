"""The suggestions panel: its title and the ranked list, filled from a worker thread.

Everything that runs the suggester from the coding screen runs here, in worker threads, because
scoring takes longer than a key may wait: the ranked codes for the selection (one request at a
time, the latest selection wins) and the active-learning pick of the most uncertain segment.
Results bubble up as messages (`Computed`, `Uncertain`) for the screen to act on; failures are
shown here.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from codebook.model import CodebookError, Transcript
from codebook.tui.widgets.suggestions import SuggestionList


class SuggestionPanel(Vertical):
    class Computed(Message):
        """Suggestions for `span`; they bubble past the panel only while `span` is still wanted."""

        def __init__(self, panel: SuggestionPanel, span: tuple[int, int], suggestions) -> None:
            super().__init__()
            self.panel = panel
            self.span = span
            self.suggestions = suggestions  # a list of Suggestion, or the CodebookError

    class Uncertain(Message):
        """The uncoded segment (by its start) the suggester is least sure about."""

        def __init__(self, start: int | None, code: str = "", error: str = "") -> None:
            super().__init__()
            self.start = start  # None: no uncoded segment left, or `error`
            self.code = code  # the best guess
            self.error = error

    def __init__(self, project, transcript: Transcript, coder: str) -> None:
        super().__init__()
        self.project = project
        self.transcript = transcript
        self.coder = coder
        self._asking: Worker | None = None  # the request under way
        self._wanted: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Label("★ a accept · r reject", id="suggest-title")
        yield SuggestionList(self.project.codebook, id="suggestions")

    @property
    def options(self) -> SuggestionList:
        return self.query_one(SuggestionList)

    def ask(self, span: tuple[int, int]) -> None:
        """Ask for suggestions for `span`; a request under way is answered, then this one."""
        if not hasattr(self.project, "suggest"):
            self.options.message("suggestions are not available yet")
            return
        self._wanted = span
        if self._asking is None:
            self._asking = self._suggest(span)

    @work(thread=True, group="suggest", exit_on_error=False)
    def _suggest(self, span: tuple[int, int]) -> None:
        try:
            found = self.project.suggest(self.transcript, span[0], span[1], top=5, coder=self.coder)
        except CodebookError as e:
            found = e
        self.post_message(self.Computed(self, span, found))

    @on(Computed)
    def _arrived(self, event: Computed) -> None:
        self._asking = None
        if event.span != self._wanted:
            event.stop()
            self.ask(self._wanted)  # the researcher moved on meanwhile
        elif isinstance(event.suggestions, CodebookError):
            event.stop()
            self.options.message(str(event.suggestions))

    def find_uncertain(self) -> None:
        """Look for the segment to code next (active learning); `Uncertain` tells where."""
        self.notify("Looking for the most uncertain uncoded segment…", timeout=2)
        self._uncertain()

    @work(thread=True, exclusive=True, group="uncertain", exit_on_error=False)
    def _uncertain(self) -> None:
        try:
            queue = self.project.uncertain_segments(self.transcript.name, self.coder, limit=1)
        except CodebookError as e:
            self.post_message(self.Uncertain(None, error=str(e)))
            return
        if len(queue):
            row = queue.iloc[0]
            self.post_message(self.Uncertain(int(row["start"]), str(row["code"])))
        else:
            self.post_message(self.Uncertain(None))

    @on(Uncertain)
    def _found(self, event: Uncertain) -> None:
        if event.start is None:
            event.stop()
            if event.error:
                self.notify(event.error, severity="error")
            else:
                self.notify("No uncoded segment left")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failing suggester must not take the coding session down with it: say so."""
        if event.state is WorkerState.ERROR:
            if event.worker is self._asking:
                self._asking = None
            error = event.worker.error
            self.options.message(f"suggestions failed: {error}")
            self.notify(f"{event.worker.group} failed: {error}", severity="error")
