"""Writing output files so that a crash or a full disk never leaves half a file.

Every report, export, backup and codebook write goes through `atomic_output`: the content is
written to a temporary file in the target's folder (so the final rename stays on one file
system), flushed to disk, and renamed over the target only when complete. On any failure the
old file is untouched and the temporary file is removed.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from codebook.model import CodebookError


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yields a temporary path to write; on success it replaces `path` in one rename."""
    path = Path(path)
    if not path.parent.is_dir():
        raise CodebookError(f"{path}: the folder {path.parent} does not exist")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as e:
        raise CodebookError(f"{path}: cannot write ({describe(e)})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise CodebookError(f"{path}: cannot write ({describe(e)}); nothing was changed") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | Path, text: str) -> None:
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def cache_home() -> Path:
    """codebook's own cache folder (`$XDG_CACHE_HOME/codebook` or `~/.cache/codebook`): what
    can be rebuilt from the installed packages and the project's files."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "codebook"


def describe(e: OSError) -> str:
    """An OSError as a researcher reads it: the cause, not errno soup."""
    if e.errno == errno.ENOSPC:
        return "the disk is full"
    if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "no permission to write there (read-only?)"
    return e.strerror or str(e)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
