"""The facade: CLI, TUI and notebooks go through `Project` and never touch a stage directly.

A project is a folder with `codebooks/`, `transcripts/` and `.codebook/project.sqlite`
(or the database named by `CODEBOOK_DB`).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import pandas as pd

from codebook import codebooks
from codebook.analysis import frames as _frames
from codebook.ingest import Parsed, read_transcript
from codebook.model import Codebook, CodebookError, Coding, Memo, Transcript
from codebook.store import Store

REFERENCE_CODEBOOK = "domeinspecifieke-geletterdheid.yaml"
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
    segments: int = 0
    words: int = 0

    def lines(self) -> list[str]:
        out = [f"warning: {w}" for w in self.warnings]
        for verb, names in (
            ("imported", self.added),
            ("replaced", self.replaced),
            ("unchanged", self.unchanged),
            ("attributes updated", self.updated_attributes),
        ):
            if names:
                out.append(f"{verb}: {', '.join(names)}")
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
    ) -> ImportReport:
        """Import transcripts all-or-nothing: every file is parsed and checked before any write.

        The same file again changes nothing; a changed file whose transcript has codings is
        refused, naming how many codings it would affect.
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
                if n:
                    raise CodebookError(
                        f"{one.file_name}: differs from the imported transcript '{one.name}', "
                        f"which has {n} coding(s); re-importing would affect {n} coding(s). "
                        "Nothing was imported."
                    )
                plan.append(("replace", one, old.id))
        with self.store.transaction() as conn:
            for action, one, tid in plan:
                if action == "attributes":
                    merged = {**existing[one.name].attributes, **one.attributes}
                    self.store.write_attributes(conn, tid, merged)
                    report.updated_attributes.append(one.name)
                    continue
                self.store.write_transcript(conn, one, replace_id=tid)
                (report.added if action == "add" else report.replaced).append(one.name)
                report.segments += len(one.segments)
                report.words += len(one.text.split())
        for action, one, _ in plan:
            if action != "attributes":
                self._keep_original(one)
        return report

    def _keep_original(self, one: Parsed) -> None:
        target = self.root / "transcripts" / one.file_name
        if not target.exists() or target.read_bytes() != one.original:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(one.original)

    # -- codings ------------------------------------------------------------------------------
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

    # -- frames and statistics ------------------------------------------------------------------
    def frames(self) -> dict[str, pd.DataFrame]:
        """Tidy frames: `segments`, `codings` and `coded` (codings x segments, with ancestors)."""
        transcripts = self.store.transcripts()
        segments = _frames.segments_frame(transcripts, self.store.segments())
        codings = _frames.codings_frame(transcripts, self.store.codings())
        coded = _frames.coded_frame(segments, codings, self.codebook)
        return {"segments": segments, "codings": codings, "coded": coded}

    def stats(self, by: str | None = None) -> pd.DataFrame:
        if (
            by
            and by not in self.codebook.attributes
            and by not in ("speaker", "transcript", "coder")
        ):
            known = ", ".join([*self.codebook.attributes, "speaker", "transcript", "coder"])
            raise CodebookError(f"cannot group by '{by}' (choose from: {known})")
        return _frames.stats(self.frames()["coded"], self.codebook, by)

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
