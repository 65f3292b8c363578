"""The facade: CLI, TUI and notebooks go through `Project` and never touch a stage directly.

A project is a folder with `codebooks/`, `transcripts/` and `.codebook/project.sqlite`
(or the database named by `CODEBOOK_DB`).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd
import sqlalchemy as _sa

from codebook import codebooks
from codebook.analysis import agreement as _agreement
from codebook.analysis import frames as _frames
from codebook.ingest import Parsed, read_transcript
from codebook.ingest.reanchor import OffsetMap
from codebook.interchange import refi_qda
from codebook.model import Codebook, CodebookError, Coding, Memo, Segment, Transcript, report_lines
from codebook.store import Store
from codebook.store import schema as _schema
from codebook.store.backup import rotate, snapshot

REFERENCE_CODEBOOK = "domeinspecifieke-geletterdheid.yaml"
KEEP_BACKUPS = 5
CODINGS_COLUMNS = ["transcript", "start", "end", "code", "coder", "memo"]


def reference_codebook() -> Path:
    """The reference codebook: packaged in a wheel, or the repo's `codebooks/` in a checkout."""
    packaged = resources.files("codebook") / "reference" / REFERENCE_CODEBOOK
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "codebooks" / REFERENCE_CODEBOOK


@dataclass
class ImportReport:
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


class Project:
    def __init__(self, root: Path, store: Store):
        self.root = root
        self.store = store

    # -- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def init(cls, root: str | Path, codebook: str | Path | None = None) -> Project:
        """Create a project folder with a copy of a codebook (the reference one by default)."""
        root = Path(root)
        source = Path(codebook) if codebook else reference_codebook()
        problems = codebooks.validate(source)
        if problems:
            raise CodebookError("\n".join(problems))
        db = root / ".codebook" / "project.sqlite"
        if db.exists():
            raise CodebookError(f"{root}: already a codebook project")
        (root / "codebooks").mkdir(parents=True, exist_ok=True)
        (root / "transcripts").mkdir(exist_ok=True)
        target = root / "codebooks" / source.name
        if not target.exists():
            shutil.copyfile(source, target)
        store = Store.from_env_or_path(db, create=True)
        store.set_meta("codebook", f"codebooks/{source.name}")
        return cls(root, store)

    @classmethod
    def open(cls, root: str | Path | None = None) -> Project:
        """Open the project at `root`, `CODEBOOK_PROJECT` or the current folder."""
        root = Path(root or os.environ.get("CODEBOOK_PROJECT") or ".")
        db = root / ".codebook" / "project.sqlite"
        if not os.environ.get("CODEBOOK_DB") and not db.exists():
            raise CodebookError(f"{root.resolve()}: not a codebook project (run 'codebook init')")
        return cls(root, Store.from_env_or_path(db))

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- codebook -----------------------------------------------------------------------------
    @property
    def codebook_path(self) -> Path:
        rel = self.store.get_meta("codebook")
        if rel:
            return self.root / rel
        found = sorted((self.root / "codebooks").glob("*.yaml"))
        if not found:
            raise CodebookError(f"{self.root / 'codebooks'}: no codebook file")
        return found[0]

    @cached_property
    def codebook(self) -> Codebook:
        return codebooks.load(self.codebook_path)

    def reload_codebook(self) -> Codebook:
        self.__dict__.pop("codebook", None)
        return self.codebook

    def add_code(self, code) -> None:
        """Write a new code into the codebook YAML (comments kept) and reload it."""
        if code.id in self.codebook.codes:
            raise CodebookError(f"a code with id '{code.id}' already exists")
        codebooks.add_code(self.codebook_path, code)
        self.reload_codebook()

    def remove_code(self, code_id: str) -> None:
        """Take a code out of the codebook YAML (undo of `add_code`); refused while coded."""
        used = len(self.store.codings(code=code_id))
        if used:
            raise CodebookError(
                f"{self.codebook_path}: code '{code_id}' is used by {used} coding(s); "
                "uncode or merge them first"
            )
        codebooks.remove_code(self.codebook_path, code_id)
        self.reload_codebook()

    # -- transcripts --------------------------------------------------------------------------
    def transcripts(self) -> list[Transcript]:
        return self.store.transcripts()

    def transcript(self, name: str) -> Transcript:
        return self.store.transcript(name)

    def import_files(
        self,
        paths: list[str | Path],
        attrs: dict[str, str] | None = None,
        attributes_table: str | Path | None = None,
        reanchor: bool = False,
    ) -> ImportReport:
        """Import transcripts all-or-nothing: every file is parsed and checked before any write.

        The same file again changes nothing; a changed file whose transcript has codings is
        refused, naming how many codings it would affect, unless `reanchor` is set: then each
        coding moves to where its text now is, and codings whose text is gone are kept aside.
        """
        table = _attributes_table(Path(attributes_table)) if attributes_table else {}
        report = ImportReport()
        parsed: list[Parsed] = []
        seen: set[str] = set()
        for p in map(Path, paths):
            file_attrs = {**table.get(p.name, {}), **(attrs or {})}
            one = read_transcript(p, self.codebook, file_attrs)
            if one.name in seen:
                raise CodebookError(f"{p.name}: two files named '{one.name}' in one import")
            seen.add(one.name)
            report.warnings.extend(one.warnings)
            parsed.append(one)
        existing = {t.name: t for t in self.store.transcripts()}
        by_hash = {t.sha256: t.name for t in existing.values()}
        counts = self.store.coding_counts()
        plan: list[tuple[str, Parsed, int | None]] = []  # (add | replace | attributes, ...)
        for one in parsed:
            old = existing.get(one.name)
            if old is None:
                if one.sha256 in by_hash:
                    report.warnings.append(
                        f"{one.file_name}: same text as transcript '{by_hash[one.sha256]}'; skipped"
                    )
                    continue
                plan.append(("add", one, None))
            elif old.sha256 == one.sha256:
                if old.attributes != {**old.attributes, **one.attributes}:
                    plan.append(("attributes", one, old.id))
                else:
                    report.unchanged.append(one.name)
            else:
                n = counts.get(old.id, 0)
                if n and not reanchor:
                    raise CodebookError(
                        f"{one.file_name}: differs from the imported transcript '{one.name}', "
                        f"which has {n} coding(s); re-importing would affect {n} coding(s). "
                        "Nothing was imported (use --reanchor to move the codings to where "
                        "their text now is)."
                    )
                plan.append(("replace", one, old.id))
        if plan:
            self.auto_backup(
                "reanchor"
                if reanchor and any(a == "replace" and counts.get(t, 0) for a, _, t in plan)
                else "import"
            )
        with self.store.transaction() as conn:
            for action, one, tid in plan:
                if action == "attributes":
                    merged = {**existing[one.name].attributes, **one.attributes}
                    self.store.write_attributes(conn, tid, merged)
                    report.updated_attributes.append(one.name)
                    continue
                self.store.write_transcript(conn, one, replace_id=tid)
                if action == "replace":
                    old_text = existing[one.name].text
                    moved = self.store.reanchor(
                        conn, tid, OffsetMap(old_text, one.text).span, old_text
                    )
                    report.reanchored[one.name] = moved
                (report.added if action == "add" else report.replaced).append(one.name)
                report.segments += len(one.segments)
                report.words += len(one.text.split())
        for action, one, _ in plan:
            if action != "attributes":
                self._keep_original(one)
        return report

    # -- backups ------------------------------------------------------------------------------
    @property
    def _db_file(self) -> Path | None:
        """The SQLite file of the store, or None for a server database."""
        if self.store.engine.dialect.name != "sqlite":
            return None
        return Path(self.store.engine.url.database)

    def backup(self, target: str | Path | None = None) -> Path:
        """A consistent snapshot of the store (default: .codebook/backups/<time>-manual)."""
        db = self._db_file
        if db is None:
            raise CodebookError("backups of a PostgreSQL project are made with pg_dump")
        if target is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = self.root / ".codebook" / "backups" / "manual" / f"{stamp}.sqlite"
        return snapshot(db, Path(target))

    def auto_backup(self, reason: str) -> Path | None:
        """Snapshot before an import, merge or re-anchor; the newest KEEP_BACKUPS are kept."""
        db = self._db_file
        if db is None:
            return None
        return rotate(db, self.root / ".codebook" / "backups", reason, KEEP_BACKUPS)

    def _keep_original(self, one: Parsed) -> None:
        target = self.root / "transcripts" / one.file_name
        if not target.exists() or target.read_bytes() != one.original:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(one.original)

    # -- codings ------------------------------------------------------------------------------
    def coders(self) -> list[str]:
        """Everyone who has coded or written a memo in this project, by name."""
        return self.store.coders()

    def codings(self, transcript: str | None = None, coder: str | None = None) -> list[Coding]:
        tid = self.store.transcript(transcript).id if transcript else None
        return self.store.codings(tid, coder)

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
        self._check_span(transcript, start, end, code, where=transcript.name)
        return self.store.add_coding(
            Coding(None, transcript.id, start, end, code, coder, origin, memo)
        )

    def _check_span(self, t: Transcript, start: int, end: int, code: str, where: str) -> None:
        if code not in self.codebook.codes:
            raise CodebookError(f"{where}: unknown code '{code}'")
        if not self.codebook.codes[code].codable:
            raise CodebookError(f"{where}: code '{code}' is a grouping node and not codable")
        if not 0 <= start < end <= len(t.text):
            raise CodebookError(
                f"{where}: span [{start}, {end}) is outside the text of '{t.name}' "
                f"(0..{len(t.text)}) or empty"
            )

    def import_codings(self, path: str | Path) -> int:
        """Import codings from CSV (transcript,start,end,code,coder[,memo]), all or nothing."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise CodebookError(f"{path}: cannot read as UTF-8 CSV ({e})") from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in CODINGS_COLUMNS[:5] if c not in (reader.fieldnames or [])]
        if missing:
            raise CodebookError(f"{path}: missing column(s) {', '.join(missing)}")
        transcripts = {t.name: t for t in self.store.transcripts()}
        items, errors = [], []
        for row in reader:
            where = f"{path}: row {reader.line_num}"
            try:
                t = transcripts.get((row["transcript"] or "").strip())
                if t is None:
                    raise CodebookError(f"{where}: unknown transcript '{row['transcript']}'")
                try:
                    start, end = int(row["start"]), int(row["end"])
                except (TypeError, ValueError):
                    raise CodebookError(f"{where}: start and end must be integers") from None
                code = (row["code"] or "").strip()
                self._check_span(t, start, end, code, where)
                coder = (row["coder"] or "").strip()
                if not coder:
                    raise CodebookError(f"{where}: empty coder")
                items.append(
                    Coding(
                        None,
                        t.id,
                        start,
                        end,
                        code,
                        coder,
                        "import",
                        (row.get("memo") or "").strip() or None,
                    )
                )
            except CodebookError as e:
                errors.append(str(e))
        if errors:
            more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
            raise CodebookError("\n".join(errors[:20]) + more + "\nNo codings were imported.")
        before = sum(self.store.coding_counts().values())
        self.store.add_codings(items)
        return sum(self.store.coding_counts().values()) - before

    def export_codings(self, path: str | Path) -> int:
        frame = self.frames()["codings"]
        frame[CODINGS_COLUMNS].to_csv(path, index=False)
        return len(frame)

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

    # -- workbench support: every edit returns what undo needs to put it back -------------------
    def segments(self, transcript: Transcript) -> list[Segment]:
        return self.store.segments(transcript.id)

    def codings_of(self, transcript: Transcript, coder: str | None = None) -> list[Coding]:
        return self.store.codings(transcript.id, coder)

    def codings_with(self, code: str) -> list[Coding]:
        """Every coding with `code`, across transcripts and coders (for the review screen)."""
        return self.store.codings(code=code)

    def code_counts(self, coder: str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.store.codings(coder=coder):
            counts[c.code] = counts.get(c.code, 0) + 1
        return counts

    def remove_coding(self, coding_id: int) -> Coding | None:
        """Delete a coding; returns it (so undo can restore it) or None if it was gone."""
        return self.store.remove_coding(coding_id)

    def restore_coding(self, coding: Coding) -> int:
        """Put a removed coding back (same span, code, coder, origin and memo); returns its id."""
        return self.store.add_coding(
            Coding(
                None,
                coding.transcript_id,
                coding.start,
                coding.end,
                coding.code,
                coding.coder,
                coding.origin,
                coding.memo,
                coding.created_at,
            )
        )

    def recode(self, codes: dict[int, str]) -> None:
        """Give codings other codes, {coding id: code}, in one transaction (recode, move)."""
        for code in set(codes.values()):
            if code not in self.codebook.codes or not self.codebook.codes[code].codable:
                raise CodebookError(f"{self.codebook_path}: '{code}' is not a codable code")
        try:
            with self.store.transaction() as conn:
                for code in set(codes.values()):
                    self._recode_many(conn, [i for i, c in codes.items() if c == code], code)
        except _sa.exc.IntegrityError:
            raise CodebookError(
                "the same coder already has that code on that span; nothing was recoded "
                "(merge the codes instead)"
            ) from None

    def set_coding_memo(self, coding_id: int, memo: str | None) -> None:
        self.store.update_coding(coding_id, memo=memo or None)

    def merge_codes(self, source: str, target: str) -> tuple[list[int], list[Coding]]:
        """Recode every `source` coding as `target` in one transaction.

        A coding the target already has (same span and coder) is removed instead of doubled.
        Returns (recoded ids, removed codings) so that undo can reverse the merge exactly.
        """
        for code in (source, target):
            if code not in self.codebook.codes:
                raise CodebookError(f"{self.codebook_path}: unknown code '{code}'")
        if source == target:
            raise CodebookError(f"cannot merge '{source}' into itself")
        if not self.codebook.codes[target].codable:
            raise CodebookError(f"{self.codebook_path}: '{target}' is a grouping node")
        have = {(c.transcript_id, c.start, c.end, c.coder) for c in self.store.codings(code=target)}
        moved = self.store.codings(code=source)
        recoded = [c.id for c in moved if (c.transcript_id, c.start, c.end, c.coder) not in have]
        dropped = [c for c in moved if (c.transcript_id, c.start, c.end, c.coder) in have]
        with self.store.transaction() as conn:
            self._recode_many(conn, recoded, target)
            if dropped:
                ids = [c.id for c in dropped]
                conn.execute(_sa.delete(_schema.codings).where(_schema.codings.c.id.in_(ids)))
        return recoded, dropped

    def unmerge_codes(self, source: str, recoded: list[int], removed: list[Coding]) -> None:
        """Reverse `merge_codes` in one transaction."""
        with self.store.transaction() as conn:
            self._recode_many(conn, recoded, source)
            if removed:
                self.store.add_codings([replace(c, id=None) for c in removed], conn)

    @staticmethod
    def _recode_many(conn, ids: list[int], code: str) -> None:
        if ids:
            table = _schema.codings
            conn.execute(_sa.update(table).where(table.c.id.in_(ids)).values(code=code))

    def unreject_suggestion(
        self, transcript: Transcript, start: int, end: int, code: str, coder: str
    ) -> None:
        """Forget a rejection (undo of a reject)."""
        self.store.remove_rejection(transcript.id, start, end, code, coder)

    def rejected(self, transcript: Transcript, coder: str) -> set[tuple[int, int, str]]:
        rows = self.store.rejections(transcript.id)
        return {(s, e, c) for _, s, e, c, who in rows if who == coder}

    def overview(self, coder: str) -> pd.DataFrame:
        """One row per transcript: attributes, words, segments, % coded by `coder`, coders."""
        transcripts = self.store.transcripts()
        words = {t.name: len(t.text.split()) for t in transcripts}
        out = _frames.overview_counts(self.store.engine, coder).set_index("transcript")
        out = out.sort_index()
        out["coded_pct"] = (100 * out.pop("coded") / out["segments"]).round(0)
        out["words"] = [words.get(n, 0) for n in out.index]
        attrs = _frames.attributes_frame(transcripts).set_index("transcript")
        out = out.join(attrs, how="left").reset_index()
        for col in ("stakeholder_group", "domain"):
            if col not in out:
                out[col] = ""
        cols = ["transcript", "stakeholder_group", "domain", "words", "segments", "coded_pct"]
        return out[cols + ["coders"]].fillna("")

    # -- suggestions (codebook.suggest) ---------------------------------------------------------
    @property
    def suggester(self):
        """The suggester for the current codebook, with the cached model if the codings match."""
        import threading

        from codebook.suggest import Suggester, training_data

        # the TUI's retrain worker and the UI thread may both get here first: build it once
        with self.__dict__.setdefault("_suggester_lock", threading.Lock()):
            current = self.__dict__.get("_suggester")
            if current is None or current.codebook is not self.codebook:
                current = Suggester(self.codebook, self.codebook.language, self.root / ".codebook")
                current.load(training_data(self.store))
                self.__dict__["_suggester"] = current
        return current

    def retrain(self) -> bool:
        """Refit the learned model from all codings and rejections; False if nothing changed.

        Safe in a background thread while `suggest` runs: the new model is swapped in whole.
        """
        from codebook.suggest import training_data

        return self.suggester.retrain(training_data(self.store))

    def suggest(
        self,
        transcript: Transcript,
        start: int,
        end: int,
        top: int = 5,
        coder: str | None = None,
    ) -> list:
        """Codes for [start, end), best first (`codebook.suggest.Suggestion`s with reasons).

        Codes that `coder` rejected for this span or already applied to it are left out.
        """
        if not 0 <= start < end <= len(transcript.text):
            raise CodebookError(
                f"{transcript.name}: span [{start}, {end}) is outside the text or empty"
            )
        skip: set[str] = set()
        if coder:
            skip = {c for s, e, c in self.rejected(transcript, coder) if (s, e) == (start, end)}
            skip |= {
                c.code
                for c in self.store.codings(transcript.id, coder)
                if c.start < end and start < c.end
            }
        from codebook.suggest.context import span_context

        text = span_context(transcript.text, self.store.segments(transcript.id), start, end)
        return self.suggester.rank([text], top, [skip], [transcript.text[start:end]])[0]

    def reject_suggestion(
        self, transcript: Transcript, start: int, end: int, code: str, coder: str
    ) -> None:
        """Record that `coder` rejected `code` for this span (negative evidence on retrain)."""
        self._check_span(transcript, start, end, code, where=transcript.name)
        self.store.add_rejection(transcript.id, start, end, code, coder)

    def uncertain_segments(
        self, transcript: str | None = None, coder: str | None = None, limit: int = 50
    ) -> pd.DataFrame:
        """The active-learning queue: uncoded segments, most uncertain (and rarest code) first."""
        from codebook.suggest import queue

        segs = self._uncoded_segments(transcript, coder)
        return queue.uncertain(segs, self.suggester).head(limit).reset_index(drop=True)

    def suggestions(
        self, transcript: str | None = None, top: int = 3, coder: str | None = None
    ) -> pd.DataFrame:
        """Top suggestions for every uncoded segment, one row per (segment, code)."""
        from codebook.suggest import queue

        return queue.suggestions(self._uncoded_segments(transcript, coder), self.suggester, top)

    def _uncoded_segments(self, transcript: str | None, coder: str | None) -> pd.DataFrame:
        """Segments nobody (or `coder`) has coded, with a `context` column to score them by."""
        from codebook.suggest.context import contexts

        f = self.frames()
        segs, coded = f["segments"], f["coded"]
        by_tid: dict[int, list] = {}
        for g in self.store.segments():
            by_tid.setdefault(g.transcript_id, []).append(g)
        context = {}
        for t in self.store.transcripts():
            mine = by_tid.get(t.id, [])
            context.update(zip([g.id for g in mine], contexts(t.text, mine), strict=True))
        segs = segs.assign(context=segs["segment_id"].map(context))
        if transcript:
            self.transcript(transcript)  # a clear error for an unknown name
            segs = segs[segs["transcript"] == transcript]
        if coder:
            coded = coded[coded["coder"] == coder]
        return segs[~segs["segment_id"].isin(coded["segment_id"])].reset_index(drop=True)

    def evaluate(self, folds: int = 5, coder: str | None = None, seed: int = 13) -> dict:
        """Cross-validation grouped by transcript on one coder's codings (see suggest.evaluate)."""
        from codebook.suggest import evaluate

        return evaluate.evaluate(self, folds=folds, coder=coder, seed=seed)

    # -- REFI-QDA exchange (codebook.interchange.refi_qda) -------------------------------------
    def export_qdc(self, path: str | Path) -> int:
        """The code tree as a REFI-QDA codebook; returns the number of codes written."""
        return refi_qda.export_qdc(Path(path), self.codebook, self.store)

    def export_qdpx(self, path: str | Path) -> dict[str, int]:
        """The whole project as a REFI-QDA project (codes, transcripts, codings, memos)."""
        name = self.root.resolve().name
        return refi_qda.export_qdpx(Path(path), name, self.codebook, self.store)

    def import_qdpx(self, path: str | Path) -> refi_qda.RefiReport:
        """Merge a .qdpx from any tool, all or nothing; what cannot be kept is warned about."""
        report = refi_qda.import_qdpx(
            Path(path),
            self.root,
            self.store,
            self.codebook_path,
            before_write=lambda: self.auto_backup("import"),
        )
        self.reload_codebook()
        return report

    def import_qdc(self, path: str | Path) -> refi_qda.RefiReport:
        """Add the codes of a .qdc that the project's codebook does not have yet."""
        report = refi_qda.import_qdc(Path(path), self.store, self.codebook_path)
        self.reload_codebook()
        return report

    @staticmethod
    def codebook_from_qdc(path: str | Path, target: str | Path) -> refi_qda.RefiReport:
        """A new codebook YAML file from a .qdc (no project needed; `init --codebook` uses it)."""
        path = Path(path)
        return refi_qda.qdc_to_yaml(refi_qda.read_qdc(path), Path(target), path.name)

    # -- tables, reports, codebook documents (codebook.interchange; imported when used) ---------
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
        name = self.root.resolve().name
        return report.write_report(
            self.frames(), self.codebook, name, Path(path), fmt, options, mapping
        )

    # -- frames and statistics ------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """Tidy frames: `segments`, `codings` and `coded` (codings x segments, with ancestors)."""
        return _frames.load(self.store.engine, self.codebook)

    def stats(
        self, by: str | None = None, level: int | None = None, normalise: bool = False
    ) -> pd.DataFrame:
        """Coded segments per code (at a tree `level`), per group; shares with `normalise`."""
        if (
            by
            and by not in self.codebook.attributes
            and by not in ("speaker", "transcript", "coder")
        ):
            known = ", ".join([*self.codebook.attributes, "speaker", "transcript", "coder"])
            raise CodebookError(f"cannot group by '{by}' (choose from: {known})")
        from codebook.analysis.frequencies import stats_table  # loads scipy only when asked

        frames = self.frames()
        return stats_table(frames["coded"], frames["segments"], self.codebook, by, level, normalise)

    # -- teams: intercoder agreement and merging another coder's copy --------------------------
    def agreement(
        self,
        coders: list[str] | None = None,
        codes: list[str] | None = None,
        unit: str = "segment",
    ) -> _agreement.Agreement:
        """Agreement per code and overall, on the transcripts every compared coder worked on."""
        transcripts = self.store.transcripts()
        segments = _frames.segments_frame(transcripts, self.store.segments())
        codings = _frames.codings_frame(transcripts, self.store.codings())
        lengths = {t.name: len(t.text) for t in transcripts}
        return _agreement.agreement(segments, codings, lengths, self.codebook, coders, codes, unit)

    def merge(self, other: str | Path):
        """Bring in another copy of this project (codings, memos, new codes); all or nothing."""
        from codebook.store.merge import merge as _merge

        other = Path(other)
        db = other / ".codebook" / "project.sqlite"
        if not db.is_file():
            raise CodebookError(f"{other}: not a codebook project (no .codebook/project.sqlite)")
        if self.store.engine.url.database and Path(self.store.engine.url.database).resolve() == (
            db.resolve()
        ):
            raise CodebookError(f"{other}: that is this project; nothing to merge")
        with Project(other, Store.open(db)) as theirs:
            report = _merge(
                self.store,
                self.codebook_path,
                self.codebook,
                theirs.store,
                theirs.codebook,
                str(other),
            )
        self.reload_codebook()
        for name in report.added_transcripts:
            t = self.store.transcript(name)
            target = self.root / "transcripts" / t.file_name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(self.store.original(t.id))
        return report

    def summary(self) -> str:
        transcripts = self.store.transcripts()
        codings = self.store.codings()
        segments = self.store.segments()
        coders = sorted({c.coder for c in codings})
        lines = [
            f"project     {self.root.resolve()}",
            f"codebook    {self.codebook_path.name} ({len(self.codebook.codes)} codes)",
            f"transcripts {len(transcripts)} ({sum(len(t.text.split()) for t in transcripts)}"
            f" words, {len(segments)} segments)",
            f"codings     {len(codings)} by {', '.join(coders) or 'nobody yet'}",
        ]
        return "\n".join(lines)


def _attributes_table(path: Path) -> dict[str, dict[str, str]]:
    """`file` column plus one column per attribute; empty cells are ignored."""
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError) as e:
        raise CodebookError(f"{path}: cannot read attributes table ({e})") from None
    if rows and "file" not in rows[0]:
        raise CodebookError(f"{path}: the attributes table needs a 'file' column")
    return {
        r["file"].strip(): {k: v.strip() for k, v in r.items() if k != "file" and v and v.strip()}
        for r in rows
    }
