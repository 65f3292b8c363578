"""Consistent snapshots of a SQLite store with SQLite's online backup API.

The backup API copies pages under SQLite's own locking, so a snapshot taken while a coder is
working is still a consistent database (a file copy of a WAL database may not be). A snapshot
is written beside its target and renamed into place when complete (`atomic_output`), after a
check that the disk has room for it: a backup that fills the disk must not be what stops an
import half way.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from codebook.files import atomic_output, describe
from codebook.model import CodebookError
from codebook.store.base import read_only_place, sqlite_read_uri

MARGIN = 1.1  # a snapshot is at most the database and its log; a little more for the journal
RESERVE = 20_000_000  # left free after the snapshot, for the write the backup precedes


def needed_bytes(db: Path) -> int:
    """Room a snapshot of `db` may take (the database file and its write-ahead log)."""
    wal = db.with_name(db.name + "-wal")
    size = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    return int(size * MARGIN) + RESERVE


def check_space(db: Path, folder: Path) -> None:
    """Refuse, saying how much is needed, when `folder`'s disk cannot take a snapshot of `db`."""
    need, free = needed_bytes(db), shutil.disk_usage(folder).free
    if free < need:
        raise CodebookError(
            f"{folder}: not enough free space for a backup of the project: it needs "
            f"{_mb(need)} and {_mb(free)} are free"
        )


def snapshot(db: Path, target: Path) -> Path:
    """Write a consistent copy of the SQLite database `db` to `target`."""
    if target.exists():
        raise CodebookError(f"{target}: already exists; choose another file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CodebookError(f"{target.parent}: cannot create the folder ({describe(e)})") from None
    check_space(db, target.parent)
    try:
        with atomic_output(target) as tmp:
            _copy(db, tmp)
    except sqlite3.Error as e:
        cause = "the disk is full" if "full" in str(e) else str(e)
        raise CodebookError(
            f"{target}: cannot write the backup ({cause}); no backup written"
        ) from None
    return target


def _copy(db: Path, target: Path) -> None:
    # read-only where it must be, so a project on a read-only share can still be backed up
    src = (
        sqlite3.connect(sqlite_read_uri(db), uri=True)
        if read_only_place(db)
        else sqlite3.connect(db)
    )
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def rotate(db: Path, folder: Path, reason: str, keep: int) -> Path | None:
    """Snapshot `db` into `folder` as `<time>-<reason>.sqlite` and keep the newest `keep`."""
    if keep <= 0 or not db.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = snapshot(db, folder / f"{stamp}-{reason}.sqlite")
    for old in sorted(folder.glob("*.sqlite"))[:-keep]:
        old.unlink(missing_ok=True)
    return path


def _mb(n: int) -> str:
    return f"{n / 1_000_000:,.1f} MB"
