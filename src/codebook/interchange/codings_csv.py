"""Codings as CSV (transcript,start,end,code,coder[,memo]): the simplest exchange there is.

Reading checks every row and reports them all (up to 20) at once, so a researcher fixes a
spreadsheet in one pass; nothing is returned unless every row is good.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame, csv_unsafe
from codebook.model import Codebook, CodebookError, Coding, Transcript, check_name

COLUMNS = ["transcript", "start", "end", "code", "coder", "memo"]
SHOWN_ERRORS = 20


def read(path: Path, transcripts: list[Transcript], codebook: Codebook) -> list[Coding]:
    """The codings of a CSV file, checked against the transcripts and the codebook."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CodebookError(f"{path}: cannot read as UTF-8 CSV ({e})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        raise CodebookError(f"{path}: missing column(s) {', '.join(missing)}")
    by_name = {t.name: t for t in transcripts}
    items, errors = [], []
    for row in reader:
        row = {k: csv_unsafe(v) for k, v in row.items()}  # what `write` protected from formulas
        try:
            items.append(_coding(row, f"{path}: row {reader.line_num}", by_name, codebook))
        except CodebookError as e:
            errors.append(str(e))
    if errors:
        more = f"\n... and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise CodebookError("\n".join(errors[:SHOWN_ERRORS]) + more + "\nNo codings were imported.")
    return items


def _coding(row: dict, where: str, by_name: dict[str, Transcript], codebook: Codebook) -> Coding:
    t = by_name.get((row["transcript"] or "").strip())
    if t is None:
        raise CodebookError(f"{where}: unknown transcript '{row['transcript']}'")
    try:
        start, end = int(row["start"]), int(row["end"])
    except (TypeError, ValueError):
        raise CodebookError(f"{where}: start and end must be integers") from None
    code = (row["code"] or "").strip()
    codebook.check_codable(code, where)
    t.check_span(start, end, where)
    coder = (row["coder"] or "").strip()
    if not coder:
        raise CodebookError(f"{where}: empty coder")
    check_name(coder, f"{where}: coder name")
    memo = (row.get("memo") or "").strip() or None
    return Coding(None, t.id, start, end, code, coder, "import", memo)


def write(codings: pd.DataFrame, path: Path) -> int:
    """The `codings` frame as CSV in the columns `read` takes back; formula-like text gets a
    leading `'` (which `read` takes off), and the file appears whole or not at all."""
    with atomic_output(path) as tmp:
        csv_safe_frame(codings[COLUMNS]).to_csv(tmp, index=False)
    return len(codings)
