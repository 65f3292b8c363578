"""The status line under the transcript: who codes, where, how far, and what the keys do now."""

from __future__ import annotations

from textual.markup import escape
from textual.widgets import Static

from codebook.tui.widgets.coded_transcript import CodedTranscript

HINT = (
    "[dim]to code: press a hotkey (0-9 A-Z, see tree) · j/k move · shift+arrows span"
    " · ctrl+p all[/]"
)


class StatusLine(Static):
    """Two lines: progress and the last action; then a hint, or the comparison while comparing."""

    def show(
        self,
        view: CodedTranscript,
        coder: str,
        last: str,
        speaker: str = "",
        asked: frozenset[int] = frozenset(),
    ) -> None:
        """Redraw from the view; its codes are read-only unless they are the session `coder`'s.
        `speaker` says who speaks in the highlighted segment (participant, group); progress
        counts the segments not in `asked` (the interviewer's), as the transcript list does."""
        shown, name = view.shown, view.transcript.name
        total = len(view.segments)
        said = total - len(asked)
        done = sum(1 for i, ids in enumerate(view.on_segment) if ids and i not in asked)
        pct = 100 * done // said if said else 0
        here = ""
        if total:
            codes = sorted({c.code for c in view.codings_at(view.cursor)})
            here = f"segment {view.segment.number}/{total}"
            if view.segment.page is not None:  # a paged source (PDF): where it is in the file
                here += f", p. {view.segment.page}"
            here += f" [{', '.join(codes)}]" if codes else ""
            here += f" · {speaker}" if speaker else ""
        hint = HINT
        if view.other is not None and total:
            theirs = ", ".join(sorted(view.codes_at(view.cursor)[1])) or "-"
            mark = "[b red]≠[/]" if view.cursor in view.disputed else "="
            hint = (
                f"{mark} right column: {escape(view.other)} {escape(f'[{theirs}]')} · "
                f"{len(view.disputed)} differ [dim]· ] / \\[ next / prev · d stops[/]"
            )
        who = f"[b]{escape(coder)}[/]"
        if shown != coder:
            who += f" viewing [b]{escape(shown)}[/] [reverse] read-only [/] (i: yours)"
        self.update(
            f"{who} · {escape(name)} · {done}/{said} coded ({pct}%) · "
            f"{escape(here)} · last: {escape(last)}\n{hint}",
            layout=False,  # fixed height: no need to lay the whole screen out again per key
        )

    def comparing(self, on: bool) -> None:
        """One line each while comparing, so the comparison line is never pushed out."""
        self.set_class(on, "-compare")
