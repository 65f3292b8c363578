"""Consistent snapshots of a SQLite store with SQLite's online backup API.

The backup API copies pages under SQLite's own locking, so a snapshot taken while a coder is
working is still a consistent database (a file copy of a WAL database may not be).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from codebook.model import CodebookError


def snapshot(db: Path, target: Path) -> Path:
    """Write a consistent copy of the SQLite database `db` to `target`."""
    if target.exists():
        raise CodebookError(f"{target}: already exists; choose another file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    src = sqlite3.connect(db)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(target)
    return target


def rotate(db: Path, folder: Path, reason: str, keep: int) -> Path | None:
    """Snapshot `db` into `folder` as `<time>-<reason>.sqlite` and keep the newest `keep`."""
    if keep <= 0 or not db.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = snapshot(db, folder / f"{stamp}-{reason}.sqlite")
    for old in sorted(folder.glob("*.sqlite"))[:-keep]:
        old.unlink()
    return path
