"""Memos on their own (codebook.interchange.memos): listed with what they are on, exported."""

from __future__ import annotations

from pathlib import Path


class MemoTable:
    def memo_table(self, transcript: str | None = None, coder: str | None = None):
        """Every memo (project, transcript, segment, coding memos) with what it is on and the
        quoted text; see `interchange.memos.memos_frame`."""
        from codebook.interchange.memos import memos_frame

        t = self.transcript(transcript) if transcript else None
        tid = t.id if t else None
        transcripts = [t] if t else self.store.transcripts()
        memos = self.store.memos(tid)
        codings = [c for c in self.store.codings(tid) if c.memo]
        frame = memos_frame(transcripts, self.store.segments(tid), memos, codings)
        if coder is not None:
            frame = frame[frame["coder"] == coder].reset_index(drop=True)
        return frame

    def export_memos(
        self, path: str | Path, transcript: str | None = None, coder: str | None = None
    ) -> int:
        """Write the memos as .csv, .md, .html or .docx; returns how many."""
        from codebook.interchange.memos import export

        frame = self.memo_table(transcript, coder)
        return export(frame, Path(path), self.name, self.codebook)
