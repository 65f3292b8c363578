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
        """Merge a .qdpx from any tool, all or nothing; what cannot be kept is warned about.

        Planned first (so a file that cannot be imported whole changes nothing, not even the
        backups), backed up, written in one transaction, then the originals are kept."""
        from codebook.interchange import refi_qda

        plan = refi_qda.plan_qdpx(Path(path), self.store, self.codebook_path)
        self.auto_backup("import")
        result = refi_qda.write_plan(plan, self.store, self.codebook_path)
        self.reload_codebook()
        for parsed in plan.originals():
            self.keep_original(parsed.file_name, parsed.original)
        return result

    def import_qdc(self, path: str | Path):
        """Add the codes of a .qdc that the project's codebook does not have yet."""
        from codebook.interchange import refi_qda

        plan = refi_qda.plan_qdc(Path(path), self.store, self.codebook_path)
        result = refi_qda.write_plan(plan, self.store, self.codebook_path)
        self.reload_codebook()
        return result

    @staticmethod
    def codebook_from_qdc(path: str | Path, target: str | Path):
        """A new codebook YAML file from a .qdc (no project needed; `init --codebook` uses it)."""
        from codebook.interchange import refi_qda

        path = Path(path)
        return refi_qda.qdc_to_yaml(refi_qda.read_qdc(path), Path(target), path.name)

    # -- tables, reports, codebook documents ----------------------------------------------------
    def export_table(self, path: str | Path, include_interviewer: bool = False) -> int:
        """Coded segments as .csv, .parquet or .xlsx (with codebook and frequency sheets), each
        row with its participant and resolved attributes; codings on the interviewer's turns
        only are left out unless `include_interviewer`."""
        from codebook.interchange import tables

        frames = self.frames(include_interviewer)
        extra = self.matrix_sheets() if Path(path).suffix.lower() == ".xlsx" else None
        return tables.export(frames, self.codebook, Path(path), extra, by=self.default_grouping())

    def export_table_pseudonymised(
        self, path: str | Path, mapping: str | Path, include_interviewer: bool = False
    ) -> tuple[int, int]:
        """`export_table` with names replaced through the mapping CSV, to which the names
        found in the coded segments are added first; returns (rows, names added)."""
        import pandas as pd

        from codebook.interchange import tables
        from codebook.interchange.report import pseudonyms

        frames = self.frames(include_interviewer)
        codings = frames["codings"]
        table, added = pseudonyms.review(
            Path(mapping),
            pd.concat([codings["text"], codings["memo"].dropna()]),
            [*frames["segments"]["speaker"].dropna().unique(),
             *(p.name for p in self.participants())],
            self.codebook,
            self.codebook.language,
            sources={t.name: t.text for t in self.store.transcripts()},
        )  # fmt: skip
        hide = pseudonyms.Pseudonymiser(table)
        extra = None
        if Path(path).suffix.lower() == ".xlsx":
            extra = self.matrix_sheets(hide=hide)
        hidden = pseudonyms.hide_frames(frames, hide)
        n = tables.export(hidden, self.codebook, Path(path), extra, by=self.default_grouping())
        return n, added

    def export_codebook_document(self, path: str | Path, lang: str | None = None) -> int:
        """The codebook as .md, .docx or .html, for appendices and training coders."""
        from codebook.interchange import codebook_doc

        return codebook_doc.export(self.codebook, Path(path), lang)

    def report(
        self,
        path: str | Path,
        fmt: str | None = None,
        lang: str = "nl",
        by: str | None = None,
        codes: list[str] | None = None,
        transcripts: list[str] | None = None,
        pseudonymise: str | Path | None = None,
        include_interviewer: bool = False,
    ) -> tuple[Path, int]:
        """Write a report (md, html or docx) grouped `by` an attribute (default: the first the
        codebook declares); with `pseudonymise`, names are replaced using that mapping CSV, to
        which newly found names are added. The interviewer's turns are left out (the title page
        says how many) unless `include_interviewer`. Returns (path, names added)."""
        from codebook.interchange import report

        by = by or self.default_grouping()
        options = report.ReportOptions(lang=lang, by=by, codes=codes, transcripts=transcripts)
        options.summaries = self.summaries()  # the framework-matrix section
        mapping = Path(pseudonymise) if pseudonymise else None
        return report.write_report(
            self.frames(include_interviewer), self.codebook, self.name, Path(path), fmt, options,
            mapping,
        )  # fmt: skip

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
