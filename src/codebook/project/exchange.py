"""Exchange (codebook.interchange): REFI-QDA, tables, reports, codebook documents, and merging
another coder's copy of the project. Each stage is imported when its command runs."""

from __future__ import annotations

from pathlib import Path

from codebook.model import CodebookError


class Exchange:
    # -- REFI-QDA -------------------------------------------------------------------------------
    def export_qdc(self, path: str | Path) -> int:
        """The code tree as a REFI-QDA codebook; returns the number of codes written."""
        from codebook.interchange import refi_qda

        return refi_qda.export_qdc(Path(path), self.codebook, self.store)

    def export_qdpx(self, path: str | Path) -> dict[str, int]:
        """The whole project as a REFI-QDA project (codes, transcripts, codings, memos)."""
        from codebook.interchange import refi_qda

        return refi_qda.export_qdpx(Path(path), self.name, self.codebook, self.store)

    def import_qdpx(self, path: str | Path):
        """Merge a .qdpx from any tool, all or nothing; what cannot be kept is warned about."""
        from codebook.interchange import refi_qda

        report = refi_qda.import_qdpx(
            Path(path),
            self.root,
            self.store,
            self.codebook_path,
            before_write=lambda: self.auto_backup("import"),
        )
        self.reload_codebook()
        return report

    def import_qdc(self, path: str | Path):
        """Add the codes of a .qdc that the project's codebook does not have yet."""
        from codebook.interchange import refi_qda

        report = refi_qda.import_qdc(Path(path), self.store, self.codebook_path)
        self.reload_codebook()
        return report

    @staticmethod
    def codebook_from_qdc(path: str | Path, target: str | Path):
        """A new codebook YAML file from a .qdc (no project needed; `init --codebook` uses it)."""
        from codebook.interchange import refi_qda

        path = Path(path)
        return refi_qda.qdc_to_yaml(refi_qda.read_qdc(path), Path(target), path.name)

    # -- tables, reports, codebook documents ----------------------------------------------------
    def export_table(self, path: str | Path) -> int:
        """Coded segments as .csv, .parquet or .xlsx (with codebook and frequency sheets)."""
        from codebook.interchange import tables

        return tables.export(self.frames(), self.codebook, Path(path))

    def export_codebook_document(self, path: str | Path, lang: str | None = None) -> int:
        """The codebook as .md, .docx or .html, for appendices and training coders."""
        from codebook.interchange import codebook_doc

        return codebook_doc.export(self.codebook, Path(path), lang)

    def report(
        self,
        path: str | Path,
        fmt: str | None = None,
        lang: str = "nl",
        by: str = "stakeholder_group",
        codes: list[str] | None = None,
        transcripts: list[str] | None = None,
        pseudonymise: str | Path | None = None,
    ) -> tuple[Path, int]:
        """Write a report (md, html or docx); with `pseudonymise`, names are replaced using that
        mapping CSV, to which newly found names are added. Returns (path, names added)."""
        from codebook.interchange import report

        options = report.ReportOptions(lang=lang, by=by, codes=codes, transcripts=transcripts)
        mapping = Path(pseudonymise) if pseudonymise else None
        return report.write_report(
            self.frames(), self.codebook, self.name, Path(path), fmt, options, mapping
        )

    # -- another coder's copy -------------------------------------------------------------------
    def merge(self, other: str | Path):
        """Bring in another copy of this project (codings, memos, new codes); all or nothing."""
        from codebook.interchange.project_copy import merge_copy
        from codebook.store import Store

        other = Path(other)
        db = other / ".codebook" / "project.sqlite"
        if not db.is_file():
            raise CodebookError(f"{other}: not a codebook project (no .codebook/project.sqlite)")
        mine = self.store.sqlite_file
        if mine is not None and mine.resolve() == db.resolve():
            raise CodebookError(f"{other}: that is this project; nothing to merge")
        with type(self)(other, Store.open(db)) as theirs:
            result = merge_copy(
                self.store, self.codebook_path, self.codebook, theirs.store, theirs.codebook,
                str(other),
            )  # fmt: skip
        self.reload_codebook()
        for name in result.added_transcripts:
            t = self.store.transcript(name)
            self.keep_original(t.file_name, self.store.original(t.id))
        return result
