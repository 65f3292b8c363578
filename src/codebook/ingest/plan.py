"""What an import would do to each transcript, decided before anything is written.

One rule for every import (files and REFI-QDA sources): a new text is added; the same text
under the same name changes nothing (or only its attributes); a changed text replaces the
transcript only if nobody has coded it, or if the caller re-anchors the codings; the same text
under a new name is not imported twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codebook.ingest import Parsed
from codebook.model import ReanchorNeeded, Transcript, report_lines


@dataclass
class Step:
    """`action` is add, replace, attributes (same text, new attribute values) or unchanged;
    `twin` is a transcript with the same text under another name (then `action` is twin)."""

    action: str
    parsed: Parsed
    existing: Transcript | None = None
    codings: int = 0

    @property
    def writes_text(self) -> bool:
        return self.action in ("add", "replace")


def plan_import(
    parsed: list[Parsed],
    existing: list[Transcript],
    coding_counts: dict[int, int],
    reanchor: bool = False,
) -> list[Step]:
    """One step per parsed transcript; raises `ReanchorNeeded` (nothing planned) for a changed,
    coded text unless `reanchor`."""
    by_name = {t.name: t for t in existing}
    by_hash = {t.sha256: t for t in existing}
    steps = []
    for one in parsed:
        old = by_name.get(one.name)
        if old is None:
            twin = by_hash.get(one.sha256)
            steps.append(Step("twin", one, twin) if twin else Step("add", one))
        elif old.sha256 == one.sha256:
            merged = {**old.attributes, **one.attributes}
            steps.append(Step("attributes" if merged != old.attributes else "unchanged", one, old))
        else:
            n = coding_counts.get(old.id, 0)
            if n and not reanchor:
                raise ReanchorNeeded(one.file_name, one.name, n)
            steps.append(Step("replace", one, old, n))
    return steps


@dataclass
class ImportResult:
    """What an import of files did, for the researcher to read."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    updated_attributes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reanchored: dict[str, dict[str, int]] = field(default_factory=dict)
    segments: int = 0
    words: int = 0

    def lines(self) -> list[str]:
        out = report_lines(
            self.warnings,
            [
                ("imported", self.added),
                ("replaced", self.replaced),
                ("unchanged", self.unchanged),
                ("attributes updated", self.updated_attributes),
            ],
        )
        for name, c in self.reanchored.items():
            out.append(
                f"re-anchored {name}: {c['unchanged']} unchanged, {c['moved']} moved, "
                f"{c['changed']} changed, {c['lost']} lost (kept aside as detached codings)"
            )
        out.append(
            f"{len(self.added) + len(self.replaced)} transcript(s), "
            f"{self.segments} segments, {self.words} words written"
        )
        return out

    def count(self, step: Step) -> None:
        """Book one written step."""
        if step.action == "attributes":
            self.updated_attributes.append(step.parsed.name)
        elif step.action == "unchanged":
            self.unchanged.append(step.parsed.name)
        elif step.writes_text:
            (self.added if step.action == "add" else self.replaced).append(step.parsed.name)
            self.segments += len(step.parsed.segments)
            self.words += len(step.parsed.text.split())
