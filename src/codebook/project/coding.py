"""Coding actions: each one checks, writes one transaction, and returns what undo needs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from codebook.lazy import lazy
from codebook.model import CodebookError, Coding, Memo, Transcript

codings_csv = lazy("codebook.interchange.codings_csv")  # pandas: only for CSV in or out


class CodingActions:
    def codings(self, transcript: str | None = None, coder: str | None = None) -> list[Coding]:
        tid = self.store.transcript(transcript).id if transcript else None
        return self.store.codings(tid, coder)

    def codings_of(self, transcript: Transcript, coder: str | None = None) -> list[Coding]:
        return self.store.codings(transcript.id, coder)

    def codings_with(self, code: str) -> list[Coding]:
        """Every coding with `code`, across transcripts and coders (for the review screen)."""
        return self.store.codings(code=code)

    def code_counts(self, coder: str | None = None) -> dict[str, int]:
        return self.store.code_counts(coder)

    def add_coding(
        self,
        transcript: Transcript,
        start: int,
        end: int,
        code: str,
        coder: str,
        origin: str = "manual",
        memo: str | None = None,
    ) -> int:
        """Code [start, end) of a transcript; checked against the text and the codebook."""
        self.codebook.check_codable(code, transcript.name)
        transcript.check_span(start, end, transcript.name)
        return self.store.add_coding(
            Coding(None, transcript.id, start, end, code, coder, origin, memo)
        )

    def remove_coding(self, coding_id: int) -> Coding | None:
        """Delete a coding; returns it (so undo can restore it) or None if it was gone."""
        return self.store.remove_coding(coding_id)

    def restore_coding(self, coding: Coding) -> int:
        """Put a removed coding back (same span, code, coder, origin and memo); returns its id."""
        return self.store.add_coding(replace(coding, id=None))

    def recode(self, codes: dict[int, str]) -> None:
        """Give codings other codes, {coding id: code}, in one transaction (recode, move)."""
        for code in set(codes.values()):
            if code not in self.codebook.codes or not self.codebook.codes[code].codable:
                raise CodebookError(f"{self.codebook_path}: '{code}' is not a codable code")
        self.store.recode(codes)

    def set_coding_memo(self, coding_id: int, memo: str | None) -> None:
        self.store.update_coding(coding_id, memo=memo or None)

    def merge_codes(self, source: str, target: str) -> tuple[list[int], list[Coding]]:
        """Recode every `source` coding as `target`; see `Store.merge_codes`."""
        for code in (source, target):
            if code not in self.codebook.codes:
                raise CodebookError(f"{self.codebook_path}: unknown code '{code}'")
        if source == target:
            raise CodebookError(f"cannot merge '{source}' into itself")
        if not self.codebook.codes[target].codable:
            raise CodebookError(f"{self.codebook_path}: '{target}' is a grouping node")
        return self.store.merge_codes(source, target)

    def unmerge_codes(self, source: str, recoded: list[int], removed: list[Coding]) -> None:
        """Reverse `merge_codes` in one transaction."""
        self.store.unmerge_codes(source, recoded, removed)

    def import_codings(self, path: str | Path) -> int:
        """Import codings from CSV (transcript,start,end,code,coder[,memo]), all or nothing."""
        items = codings_csv.read(Path(path), self.store.transcripts(), self.codebook)
        with self.store.transaction() as conn:
            return self.store.insert_new_codings(conn, items)

    def export_codings(self, path: str | Path) -> int:
        """Every coding, the interviewer's turns' too: an export is a backup of the work."""
        return codings_csv.write(self.frames(include_interviewer=True)["codings"], Path(path))

    # -- memos ----------------------------------------------------------------------------------
    def add_memo(
        self,
        transcript: Transcript | None,
        text: str,
        coder: str,
        start: int | None = None,
        end: int | None = None,
    ) -> int:
        tid = transcript.id if transcript else None
        return self.store.add_memo(Memo(None, tid, start, end, coder, text))

    def memos(self, transcript: Transcript | None = None) -> list[Memo]:
        return self.store.memos(transcript.id if transcript else None)

    def remove_memo(self, memo_id: int) -> None:
        self.store.remove_memo(memo_id)

    # -- rejected suggestions -------------------------------------------------------------------
    def reject_suggestion(
        self, transcript: Transcript, start: int, end: int, code: str, coder: str
    ) -> None:
        """Record that `coder` rejected `code` for this span (negative evidence on retrain)."""
        self.codebook.check_codable(code, transcript.name)
        transcript.check_span(start, end, transcript.name)
        self.store.add_rejection(transcript.id, start, end, code, coder)

    def unreject_suggestion(
        self, transcript: Transcript, start: int, end: int, code: str, coder: str
    ) -> None:
        """Forget a rejection (undo of a reject)."""
        self.store.remove_rejection(transcript.id, start, end, code, coder)

    def rejected(self, transcript: Transcript, coder: str) -> set[tuple[int, int, str]]:
        rows = self.store.rejections(transcript.id)
        return {(s, e, c) for _, s, e, c, who in rows if who == coder}
