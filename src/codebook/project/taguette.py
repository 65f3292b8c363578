"""Taguette's CSV files (codebook.interchange.taguette): tags into the codebook, highlights
into codings, the codebook out as a CSV Taguette imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TaguetteResult:
    """What a Taguette import did, for the researcher to read."""

    added: list[str] = field(default_factory=list)  # new code ids
    matched: list[str] = field(default_factory=list)
    codings: int = 0
    highlights: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"warning: {w}" for w in self.warnings]
        out.append(f"codes: {len(self.added)} added, {len(set(self.matched))} matched")
        if self.highlights:
            out.append(f"{self.highlights} highlight(s): {self.codings} coding(s) added")
        return out


class TaguetteExchange:
    def import_taguette(self, path: str | Path, coder: str = "taguette") -> TaguetteResult:
        """A Taguette codebook CSV (tags become codes) or highlights CSV (codings, with the codes
        their tags need), told apart by their columns; all or nothing."""
        from codebook.interchange import taguette

        path = Path(path)
        header = taguette.read_header(path)
        lang = self.codebook.language
        if taguette.is_highlights(header):
            rows = taguette.read_highlights(path)
            plan = taguette.plan_highlights(
                path, rows, self.store.transcripts(), self.codebook, coder, lang
            )
            changes, codings = plan.changes, plan.codings
            result = TaguetteResult(highlights=plan.highlights, warnings=plan.warnings)
        else:
            tags = taguette.read_codebook(path)
            changes, codings = taguette.map_tags(tags, self.codebook, lang, str(path)), []
            result = TaguetteResult()
        result.added = [c.id for c in changes.new]
        result.matched = changes.matched
        if changes.new or codings:
            self.auto_backup("import")
        if changes.new:
            taguette.add_codes(self.codebook_path, changes.new)
            self.reload_codebook()
        if codings:
            with self.store.transaction() as conn:
                result.codings = self.store.insert_new_codings(conn, codings)
        return result

    def export_taguette(self, path: str | Path, lang: str | None = None) -> int:
        """The codebook as a CSV Taguette imports (`tag,description`, dotted tag paths)."""
        from codebook.interchange import taguette

        return taguette.write_codebook(self.codebook, Path(path), lang or self.codebook.language)
