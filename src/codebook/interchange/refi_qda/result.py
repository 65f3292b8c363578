"""What a REFI-QDA import did, and every warning about what it could not carry over."""

from __future__ import annotations

from dataclasses import dataclass, field

from codebook.model import report_lines


@dataclass
class RefiImportResult:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    attributes_added: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    summaries: int = 0  # framework summaries, from summary notes
    coders: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)  # from the file's cases
    participants_new: int = 0
    speakers: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = report_lines(
            self.warnings,
            [
                ("imported", self.added),
                ("replaced", self.replaced),
                ("unchanged", self.unchanged),
                ("new attributes", self.attributes_added),
            ],
        )
        out.append(
            f"codes: {len(self.codes_added)} added, {self.codes_matched} matched; "
            f"{len(self.added) + len(self.replaced)} transcript(s), {self.codings} coding(s) "
            f"and {self.memos} memo(s) written"
            + (f" (coders: {', '.join(self.coders)})" if self.coders else "")
        )
        if self.summaries:
            out.append(f"summaries: {self.summaries} framework summary(ies) written")
        if self.participants:
            out.append(
                f"cases: {len(self.participants)} participant(s) ({self.participants_new} new), "
                f"{self.speakers} speaker(s) assigned"
            )
        return out
