"""Transcripts: importing files (all or nothing) and reading them back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codebook.model import AttributesChanged, CodebookError, Segment, Transcript

if TYPE_CHECKING:  # the ingest stage loads spaCy: only an import should wait for it
    from codebook.ingest import Parsed
    from codebook.ingest.plan import ImportResult


def _remap(old: str, new: str):
    from codebook.ingest.reanchor import OffsetMap

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
        update_attributes: bool = False,
    ) -> ImportResult:
        """Import transcripts all-or-nothing: every file is parsed and checked before any write.

        The same file again changes nothing; a changed file whose transcript has codings raises
        `ReanchorNeeded` unless `reanchor` is set: then each coding moves to where its text now
        is, and codings whose text is gone are kept aside. The same file with other attribute
        values raises `AttributesChanged` unless `update_attributes` is set (new attributes are
        added without asking).
        """
        from codebook.ingest.attributes_table import read_attributes_table
        from codebook.ingest.plan import ImportResult, plan_import

        table = read_attributes_table(Path(attributes_table)) if attributes_table else {}
        parsed = self._parse_files([Path(p) for p in paths], table, attrs or {})
        existing = self.store.transcripts()
        names = [Path(f).name for f in paths]
        asked = {name: {*table.get(name, {}), *(attrs or {})} for name in names}
        self._check_relabel(parsed, existing, asked, update_attributes)
        result = ImportResult(warnings=[w for one in parsed for w in one.warnings])
        steps = plan_import(parsed, existing, self.store.coding_counts(), reanchor)
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
        """Every file parsed (on all cores for a large batch; `ingest.batch`), names unique."""
        from codebook.ingest.batch import parse_files

        jobs = [(p, {**table.get(p.name, {}), **attrs}) for p in paths]
        parsed, seen = parse_files(jobs, self.codebook), set()
        for p, one in zip(paths, parsed, strict=True):
            if one.name in seen:
                raise CodebookError(f"{p.name}: two files named '{one.name}' in one import")
            seen.add(one.name)
        return parsed

    def _check_relabel(
        self,
        parsed: list[Parsed],
        existing: list[Transcript],
        asked: dict[str, set[str]],
        update: bool,
    ) -> None:
        """An unchanged file whose attribute values differ from the stored ones is relabelled
        only with `update` (else `AttributesChanged`, nothing imported). A codebook default
        nobody asked for never overrides a stored value: it is put back in `parsed`."""
        by_name = {t.name: t for t in existing}
        defaults = {a.name: a.default for a in self.codebook.attributes.values()}
        changes: dict[str, dict[str, tuple[str | None, str]]] = {}
        for one in parsed:
            old = by_name.get(one.name)
            if old is None or old.sha256 != one.sha256:
                continue
            for key, value in list(one.attributes.items()):
                was = old.attributes.get(key)
                if was is None or was == value:
                    continue
                if key not in asked.get(one.file_name, set()) and defaults.get(key) == value:
                    one.attributes[key] = was
                    continue
                changes.setdefault(one.name, {})[key] = (was, value)
        if changes and not update:
            raise AttributesChanged(changes)
