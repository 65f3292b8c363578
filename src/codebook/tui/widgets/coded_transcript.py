"""The transcript view bound to the store: whose codes it shows, kept in step with `Project`.

The left column shows one coder's codes (`shown`), the right column another's while comparing.
Undo, redo, other screens and other sessions change codings behind the screen's back, so this
widget re-reads what it shows from the project; `TranscriptView` only draws what it is given.
"""

from __future__ import annotations

from codebook.model import Coding, Transcript
from codebook.tui.history import Action, AddCoding, Change, RemoveCoding
from codebook.tui.widgets.transcript_view import TranscriptView


class CodedTranscript(TranscriptView):
    def __init__(self, project, transcript: Transcript, **kw) -> None:
        super().__init__(transcript.text, project.segments(transcript), project.codebook, **kw)
        self.project = project
        self.transcript = transcript
        self.shown: str | None = None  # the coder whose codes the left column shows

    def _codings_of(self, coder: str | None) -> list[Coding]:
        return self.project.codings_of(self.transcript, coder)

    def show_coder(self, coder: str) -> None:
        self.shown = coder
        self.set_codings(self._codings_of(coder))

    def compare_with(self, other: str | None) -> None:
        """Another coder's codes in the right column (None: the left column alone again)."""
        self.set_other(other, self._codings_of(other) if other is not None else ())

    def refresh_codings(self) -> None:
        """Both columns from the store: other sessions may have coded meanwhile."""
        self.set_codings(self._codings_of(self.shown))
        self._reload_other()

    def _reload_other(self) -> None:
        if self.other is not None:
            self.set_other(self.other, self._codings_of(self.other))

    def stale(self) -> bool:
        """Whether the store holds other codings of the coders shown than this view does."""
        stored = {
            c.id for coder in {self.shown, self.other} - {None} for c in self._codings_of(coder)
        }
        return stored != set(self.codings) | set(self.other_codings)

    def load_memos(self) -> None:
        memos = self.project.memos(self.transcript)
        self.set_memos([(m.start, m.end) for m in memos if m.start is not None])

    def apply(self, change: Change, coder: str) -> None:
        """Show what an action (or its undo, redo) changed; `coder` is the session's coder."""
        if change.memos:
            self.load_memos()
        if change.recoded:
            self.set_codings(self._codings_of(self.shown))
            self._reload_other()  # a merge recodes every coder's codings
        elif self.other == coder and (change.added or change.removed):
            self._reload_other()  # undo / redo while the session coder is the right column
        for cid in change.removed:
            self.remove_coding(cid)
        for c in change.added:
            if c.transcript_id == self.transcript.id and c.coder == self.shown:
                self.add_coding(c)

    def code_counts(self) -> dict[str, int]:
        """Codings per code in the left column."""
        counts: dict[str, int] = {}
        for c in self.codings.values():
            counts[c.code] = counts.get(c.code, 0) + 1
        return counts

    def coder_counts(self) -> dict[str, int]:
        """Codings on this transcript per coder (every coder, not only those shown)."""
        counts: dict[str, int] = {}
        for c in self._codings_of(None):
            counts[c.coder] = counts.get(c.coder, 0) + 1
        return counts

    def on_selection(self, code: str | None = None) -> list[Coding]:
        """The left column's codings of exactly the selected span (with `code`, if given)."""
        start, end = self.sel
        return [
            c
            for c in self.codings_at(self.cursor)
            if c.start == start and c.end == end and (code is None or c.code == code)
        ]

    def toggle(self, code: str, coder: str, origin: str = "manual") -> Action:
        """Uncode `code` on the selection if the selection has it, else code the selection."""
        present = self.on_selection(code)
        if present:
            return RemoveCoding(present[0])
        start, end = self.sel
        return AddCoding(Coding(None, self.transcript.id, start, end, code, coder, origin))

    def uncode(self) -> Action | None:
        """Remove the newest coding here, of the selection's own if it has any."""
        here = self.on_selection() or self.codings_at(self.cursor)
        return RemoveCoding(max(here, key=lambda c: c.id)) if here else None

    def next_uncoded(self, direction: int) -> int | None:
        """The nearest segment after (1) or before (-1) the cursor that the left column lacks."""
        i = self.cursor + direction
        while 0 <= i < len(self.segments):
            if not self.is_coded(i):
                return i
            i += direction
        return None

    def next_coded_with(self, code: str) -> int | None:
        """The next segment after the cursor with `code` in the left column, wrapping around."""
        n = len(self.segments)
        for step in range(1, n + 1):
            i = (self.cursor + step) % n
            if any(c.code == code for c in self.codings_at(i)):
                return i
        return None
