"""Transcripts: importing files (all or nothing) and reading them back."""

from __future__ import annotations

from pathlib import Path

from codebook.ingest import Parsed, read_transcript
from codebook.ingest.attributes_table import read_attributes_table
from codebook.ingest.plan import ImportResult, plan_import
from codebook.ingest.reanchor import OffsetMap
from codebook.model import CodebookError, Segment, Transcript


def _remap(old: str, new: str):
    return OffsetMap(old, new).span


class Transcripts:
    def transcripts(self) -> list[Transcript]:
        return self.store.transcripts()

    def transcript(self, name: str | int) -> Transcript:
        """A transcript by name (or by store id)."""
        return self.store.transcript(name)

    def segments(self, transcript: Transcript) -> list[Segment]:
        return self.store.segments(transcript.id)

    def import_files(
        self,
        paths: list[str | Path],
        attrs: dict[str, str] | None = None,
        attributes_table: str | Path | None = None,
        reanchor: bool = False,
    ) -> ImportResult:
        """Import transcripts all-or-nothing: every file is parsed and checked before any write.

        The same file again changes nothing; a changed file whose transcript has codings raises
        `ReanchorNeeded` unless `reanchor` is set: then each coding moves to where its text now
        is, and codings whose text is gone are kept aside.
        """
        table = read_attributes_table(Path(attributes_table)) if attributes_table else {}
        parsed = self._parse_files([Path(p) for p in paths], table, attrs or {})
        result = ImportResult(warnings=[w for one in parsed for w in one.warnings])
        steps = plan_import(parsed, self.store.transcripts(), self.store.coding_counts(), reanchor)
        for step in [s for s in steps if s.action == "twin"]:
            result.warnings.append(
                f"{step.parsed.file_name}: same text as transcript '{step.existing.name}'; skipped"
            )
        steps = [s for s in steps if s.action != "twin"]
        if any(s.action != "unchanged" for s in steps):
            self.auto_backup("reanchor" if any(s.codings for s in steps) else "import")
        result.reanchored = self.store.write_import(steps, _remap)
        for step in steps:
            result.count(step)
            if step.writes_text:
                self.keep_original(step.parsed.file_name, step.parsed.original)
        return result

    def _parse_files(
        self, paths: list[Path], table: dict[str, dict[str, str]], attrs: dict[str, str]
    ) -> list[Parsed]:
        parsed, seen = [], set()
        for p in paths:
            one = read_transcript(p, self.codebook, {**table.get(p.name, {}), **attrs})
            if one.name in seen:
                raise CodebookError(f"{p.name}: two files named '{one.name}' in one import")
            seen.add(one.name)
            parsed.append(one)
        return parsed
