"""Framework summaries and the framework matrix (cases x codes).

Each write checks the case, the code and the coder, commits one transaction and returns the
summary it replaced, which is what undo needs (`restore_summary`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codebook.model import SUMMARY_ROWS, CodebookError, Summary, check_name

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_COLUMNS = ["row_kind", "row", "code", "label", "coder", "text", "created_at", "updated_at"]


class Summaries:
    # -- summaries ------------------------------------------------------------------------------
    def summaries(self, kind: str | None = None, coder: str | None = None) -> pd.DataFrame:
        """Every written summary: row_kind, row, code, label, coder, text, times."""
        import pandas as pd

        if kind is not None:
            self._check_kind(kind)
        known = self.codebook.codes
        rows = [
            (s.row_kind, s.row, s.code, known[s.code].name() if s.code in known else s.code,
             s.coder, s.text, s.created_at, s.updated_at)
            for s in self.store.summaries(kind, coder)
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

    def summary_of(
        self, row: str, code: str, coder: str, kind: str = "transcript"
    ) -> Summary | None:
        """One coder's summary of a cell, or None (`summary()` is the project's overview)."""
        return self.store.summary((kind, row, code, coder))

    def set_summary(
        self, row: str, code: str, text: str, coder: str, kind: str = "transcript"
    ) -> Summary | None:
        """Write `coder`'s summary of a cell (new or replacing); returns the one replaced."""
        from codebook.interchange.summaries_csv import clean_text

        item = self._checked(row, code, coder, kind)
        text = clean_text(text)
        if not text:
            raise CodebookError("the summary is empty (remove it instead)")
        return self.store.put_summary(Summary(kind, row, code, item, text))

    def add_summary(self, row: str, code: str, text: str, coder: str, kind: str = "transcript"):
        """A new summary; refused where the coder has one for the cell already."""
        if self.summary_of(row, code, check_name(coder), kind) is not None:
            raise CodebookError(
                f"{coder} already has a summary of {kind} '{row}' on '{code}' (update it)"
            )
        return self.set_summary(row, code, text, coder, kind)

    def update_summary(
        self, row: str, code: str, text: str, coder: str, kind: str = "transcript"
    ) -> Summary:
        """Change an existing summary; returns the text it had."""
        if self.summary_of(row, code, check_name(coder), kind) is None:
            raise CodebookError(f"{coder} has no summary of {kind} '{row}' on '{code}'")
        return self.set_summary(row, code, text, coder, kind)

    def remove_summary(
        self, row: str, code: str, coder: str, kind: str = "transcript"
    ) -> Summary | None:
        """Delete a coder's summary of a cell; returns it (None if there was none)."""
        self._check_kind(kind)
        return self.store.remove_summary((kind, row, code, coder))

    def restore_summary(self, key: tuple[str, str, str, str], before: Summary | None) -> None:
        """Undo: put the cell of `key` (kind, row, code, coder) back as it was."""
        self.store.restore_summary(key, before)

    def import_summaries(self, path: str | Path, coder: str | None = None) -> dict[str, int]:
        """Summaries from CSV (row,code,summary[,coder][,kind]), all or nothing; returns how many
        were added, updated and already so."""
        from codebook.interchange import summaries_csv

        path = Path(path)
        if coder:
            coder = check_name(coder)
        items = summaries_csv.read(path, self.summary_cases(), self.codebook, coder)
        have = {s.key: s.text for s in self.store.summaries()}
        fresh = [i for i in items if have.get(i.key) != i.text]
        self.store.put_summaries(fresh)
        added = sum(1 for i in fresh if i.key not in have)
        return {"added": added, "updated": len(fresh) - added, "unchanged": len(items) - len(fresh)}

    def export_summaries(self, path: str | Path, coder: str | None = None) -> int:
        from codebook.interchange import summaries_csv

        return summaries_csv.write(self.summaries(coder=coder), Path(path))

    def summary_cases(self) -> dict[str, set[str]]:
        """The names a summary can be about, per kind of row."""
        return {
            "transcript": {t.name for t in self.store.transcripts()},
            "participant": {p.name for p in self.store.participants()},
        }

    def _check_kind(self, kind: str) -> None:
        if kind not in SUMMARY_ROWS:
            raise CodebookError(f"a summary is of a {' or a '.join(SUMMARY_ROWS)}, not '{kind}'")

    def _checked(self, row: str, code: str, coder: str, kind: str) -> str:
        self._check_kind(kind)
        if row not in self.summary_cases()[kind]:
            raise CodebookError(f"no {kind} named '{row}'")
        if code not in self.codebook.codes:
            raise CodebookError(f"{self.codebook_path}: unknown code '{code}'")
        return check_name(coder, "coder name")

    # -- the matrix -----------------------------------------------------------------------------
    def framework_matrix(
        self,
        rows: str = "transcript",
        codes: list[str] | None = None,
        level: int | None = None,
        coder: str | None = None,
        lang: str | None = None,
        include_interviewer: bool = False,
        hide=None,
        frames: dict[str, pd.DataFrame] | None = None,
    ):
        """The framework matrix (`analysis.matrix.Matrix`): rows of transcripts, participants or
        an attribute's values; a column per code; each cell the written summary or a draft.
        With `hide` (a `Pseudonymiser`), names are replaced in everything it is built from;
        `frames` (as `frames(include_interviewer)` gives them) saves reading them again when
        only summaries changed (the TUI after an edit)."""
        from codebook.analysis import matrix as _matrix

        columns = _matrix.columns_for(self.codebook, codes, level)
        frames = frames if frames is not None else self.frames(include_interviewer)
        summaries = self.summaries()
        members = None
        if rows not in SUMMARY_ROWS:
            members = {("transcript", t.name): t.attributes[rows]
                       for t in self.store.transcripts() if rows in t.attributes}  # fmt: skip
            members.update(
                {
                    ("participant", p.name): p.attributes[rows]
                    for p in self.store.participants()
                    if rows in p.attributes
                }  # fmt: skip
            )
        segments, coded = frames["segments"], frames["coded"]
        if hide is not None:
            from codebook.interchange.matrix import hide_names

            segments, coded, summaries, members = hide_names(
                segments, coded, summaries, members, hide
            )
        return _matrix.build_matrix(
            segments,
            coded,
            summaries,
            self.codebook,
            rows,
            columns,
            coder,
            lang or self._matrix_lang(),
            include_interviewer=True,  # the frames already left them out, if asked to
            members=members,
        )

    def matrix(
        self,
        rows: str = "transcript",
        codes: list[str] | None = None,
        level: int | None = None,
        coder: str | None = None,
        lang: str | None = None,
        include_interviewer: bool = False,
    ) -> pd.DataFrame:
        """Rows x codes, each cell the written summary or a draft marked as such."""
        found = self.framework_matrix(rows, codes, level, coder, lang, include_interviewer)
        return found.grid("text")

    def export_matrix(
        self,
        path: str | Path,
        rows: str = "transcript",
        codes: list[str] | None = None,
        level: int | None = None,
        coder: str | None = None,
        lang: str | None = None,
        include_interviewer: bool = False,
        pseudonymise: str | Path | None = None,
    ):
        """Write the matrix (.xlsx, .csv, .md, .docx); with `pseudonymise`, names are replaced
        through that mapping CSV, to which new names are added first. Returns (the matrix as
        written, names added)."""
        from codebook.interchange import matrix as writers

        path = Path(path)
        writers.check_suffix(path)
        if coder:
            coder = check_name(coder)
        args = (rows, codes, level, coder, lang, include_interviewer)
        found = self.framework_matrix(*args)
        added = 0
        if pseudonymise is not None:
            hide, added = self._names_to_hide(found, Path(pseudonymise))
            found = self.framework_matrix(*args, hide=hide)
        attribute = self.codebook.attributes.get(rows)
        label = (attribute.label.get(found.lang) or rows) if attribute else None
        writers.write(found, path, self.name, label, coder)
        return found, added

    def matrix_sheets(self, lang: str | None = None, hide=None) -> dict[str, pd.DataFrame]:
        """The matrix by transcript as the sheets the xlsx export adds."""
        from codebook.interchange import matrix as writers

        found = self.framework_matrix(lang=lang, hide=hide)
        return writers.sheets(found, writers.row_title(found))

    def _matrix_lang(self) -> str:
        lang = self.codebook.language
        return lang if lang in ("nl", "en") else "en"

    def _names_to_hide(self, found, mapping: Path):
        """The review step of `--pseudonymise` over what the matrix shows."""
        import pandas as pd

        from codebook.interchange.report import pseudonyms

        texts = pd.concat([found.cells["summary"], found.quotes["text"]], ignore_index=True)
        table, added = pseudonyms.review(
            mapping,
            texts.astype(str),
            [*found.quotes["speaker"].dropna().unique(), *(p.name for p in self.participants())],
            self.codebook,
            found.lang,
            sources={t.name: t.text for t in self.store.transcripts()},
        )
        return pseudonyms.Pseudonymiser(table), added
