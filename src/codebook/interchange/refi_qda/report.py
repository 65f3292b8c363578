"""What a REFI-QDA import did, and every warning about what it could not carry over."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RefiReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    attributes_added: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    coders: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"warning: {w}" for w in self.warnings]
        for verb, names in (
            ("imported", self.added),
            ("replaced", self.replaced),
            ("unchanged", self.unchanged),
            ("new attributes", self.attributes_added),
        ):
            if names:
                out.append(f"{verb}: {', '.join(names)}")
        out.append(
            f"codes: {len(self.codes_added)} added, {self.codes_matched} matched; "
            f"{len(self.added) + len(self.replaced)} transcript(s), {self.codings} coding(s) "
            f"and {self.memos} memo(s) written"
            + (f" (coders: {', '.join(self.coders)})" if self.coders else "")
        )
        return out
