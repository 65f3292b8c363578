"""A table of attributes per file (`file` column, one column per attribute) for an import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from codebook.model import CodebookError


def read_attributes_table(path: Path) -> dict[str, dict[str, str]]:
    """File name -> attributes; empty cells are ignored."""
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
