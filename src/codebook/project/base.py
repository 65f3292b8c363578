"""Opening a project folder, its codebook, its backups and its one-screen summary."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from codebook import codebooks
from codebook.files import describe, write_bytes
from codebook.model import Code, Codebook, CodebookError
from codebook.store import Store
from codebook.store.backup import rotate, snapshot

KEEP_BACKUPS = 5


class ProjectBase:
    def __init__(self, root: Path, store: Store):
        self.root = root
        self.store = store

    # -- lifecycle ----------------------------------------------------------------------------
    @classmethod
    def init(cls, root: str | Path, codebook: str | Path | None = None):
        """Create a project folder with a copy of a codebook (the reference one by default)."""
        root = Path(root)
        source = Path(codebook) if codebook else codebooks.reference_codebook()
        problems = codebooks.validate(source)
        if problems:
            raise CodebookError("\n".join(problems))
        db = root / ".codebook" / "project.sqlite"
        if db.exists():
            raise CodebookError(f"{root}: already a codebook project")
        target = root / "codebooks" / source.name
        try:
            (root / "codebooks").mkdir(parents=True, exist_ok=True)
            (root / "transcripts").mkdir(exist_ok=True)
            if not target.exists():
                write_bytes(target, source.read_bytes())
        except OSError as e:
            raise CodebookError(f"{root}: cannot create the project ({describe(e)})") from None
        store = Store.from_env_or_path(db, create=True)
        store.set_meta("codebook", f"codebooks/{source.name}")
        return cls(root, store)

    @classmethod
    def open(cls, root: str | Path | None = None):
        """Open the project at `root`, `CODEBOOK_PROJECT` or the current folder."""
        root = Path(root or os.environ.get("CODEBOOK_PROJECT") or ".")
        db = root / ".codebook" / "project.sqlite"
        if not os.environ.get("CODEBOOK_DB") and not db.exists():
            raise CodebookError(f"{root.resolve()}: not a codebook project (run 'codebook init')")
        return cls(root, Store.from_env_or_path(db))

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        return self.root.resolve().name

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

    def add_code(self, code: Code) -> None:
        """Write a new code into the codebook YAML (comments kept) and reload it."""
        if code.id in self.codebook.codes:
            raise CodebookError(f"a code with id '{code.id}' already exists")
        codebooks.add_code(self.codebook_path, code)
        self.reload_codebook()

    def remove_code(self, code_id: str) -> None:
        """Take a code out of the codebook YAML (undo of `add_code`); refused while coded."""
        used = self.store.code_counts().get(code_id, 0)
        if used:
            raise CodebookError(
                f"{self.codebook_path}: code '{code_id}' is used by {used} coding(s); "
                "uncode or merge them first"
            )
        codebooks.remove_code(self.codebook_path, code_id)
        self.reload_codebook()

    # -- backups ------------------------------------------------------------------------------
    def backup(self, target: str | Path | None = None) -> Path:
        """A consistent snapshot of the store (default: .codebook/backups/manual/<time>)."""
        db = self.store.sqlite_file
        if db is None:
            raise CodebookError("backups of a PostgreSQL project are made with pg_dump")
        if target is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = self.root / ".codebook" / "backups" / "manual" / f"{stamp}.sqlite"
        return snapshot(db, Path(target))

    def auto_backup(self, reason: str) -> Path | None:
        """Snapshot before an import, merge or re-anchor; the newest KEEP_BACKUPS are kept.

        It runs before the change it protects, so a read-only project or a disk without room
        for the snapshot stops the change here, with nothing changed.
        """
        if self.store.read_only:
            raise self.store.read_only_error()
        db = self.store.sqlite_file
        if db is None:
            return None
        try:
            return rotate(db, self.root / ".codebook" / "backups", reason, KEEP_BACKUPS)
        except CodebookError as e:
            raise CodebookError(
                f"the automatic backup before this {reason} failed: {e}; nothing was changed"
            ) from None

    def keep_original(self, file_name: str, data: bytes) -> None:
        """The file as it came, in transcripts/ (every import keeps what it was given)."""
        target = self.root / "transcripts" / file_name
        if target.exists() and target.read_bytes() == data:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, data)
        except (OSError, CodebookError) as e:
            cause = describe(e) if isinstance(e, OSError) else str(e)
            raise CodebookError(
                f"'{file_name}' is imported (the store keeps its original), but its copy in "
                f"transcripts/ could not be written: {cause}"
            ) from None

    # -- summary ------------------------------------------------------------------------------
    def coders(self) -> list[str]:
        """Everyone who has coded or written a memo in this project, by name."""
        return self.store.coders()

    def summary(self) -> str:
        transcripts = self.store.transcripts()
        segments = sum(self.store.segment_counts().values())
        counts = self.store.coder_counts()
        words = sum(len(t.text.split()) for t in transcripts)
        lines = [
            f"project     {self.root.resolve()}",
            f"codebook    {self.codebook_path.name} ({len(self.codebook.codes)} codes)",
            f"transcripts {len(transcripts)} ({words} words, {segments} segments)",
            f"codings     {sum(counts.values())} by {', '.join(sorted(counts)) or 'nobody yet'}",
            f"store       {self.store.location}",
        ]
        return "\n".join(lines)
