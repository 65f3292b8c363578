"""Framework summaries as CSV: `row,code,summary[,coder][,kind]`, written and read back.

Reading checks every row and reports them all (up to 20) at once, so a researcher fixes a
spreadsheet in one pass; nothing is returned unless every row is good. `kind` (transcript or
participant) is needed only where a name is both a transcript and a participant.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame, csv_unsafe
from codebook.model import SUMMARY_ROWS, Codebook, CodebookError, Summary, check_name

REQUIRED = ["row", "code", "summary"]
COLUMNS = ["row", "code", "summary", "coder", "kind", "label", "updated_at"]
SHOWN_ERRORS = 20
MAX_CHARS = 100_000  # one summary; a cell of a spreadsheet holds at most 32,767
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """A summary as stored: no control characters (XML, Word and Excel refuse them), line
    endings as `\\n`, no blank margins."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text).strip()


def read(
    path: Path, cases: dict[str, set[str]], codebook: Codebook, coder: str | None
) -> list[Summary]:
    """The summaries of a CSV file, checked against the cases (kind -> names), the codebook
    and the coder name rule; `coder` is used for rows without a coder of their own."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CodebookError(f"{path}: cannot read as UTF-8 CSV ({e})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fields = [f.strip() for f in reader.fieldnames or []]
    except csv.Error as e:
        raise CodebookError(f"{path}: not a CSV file ({e})") from None
    reader.fieldnames = fields
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise CodebookError(
            f"{path}: missing column(s) {', '.join(missing)} (columns: row,code,summary[,coder])"
        )
    items, errors, seen = [], [], {}
    try:
        for record in reader:
            where = f"{path}: row {reader.line_num}"
            if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
                continue  # a blank line of a spreadsheet
            try:
                item = _summary(record, where, cases, codebook, coder)
            except CodebookError as e:
                errors.append(str(e))
                continue
            if item.key in seen:
                errors.append(f"{where}: the same row, code and coder as row {seen[item.key]}")
                continue
            seen[item.key] = reader.line_num
            items.append(item)
    except csv.Error as e:
        errors.append(f"{path}: line {reader.line_num}: {e}")
    if errors:
        more = f"\n... and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise CodebookError(
            "\n".join(errors[:SHOWN_ERRORS]) + more + "\nNo summaries were imported."
        )
    return items


def _summary(
    record: dict, where: str, cases: dict[str, set[str]], codebook: Codebook, coder: str | None
) -> Summary:
    row = _cell(record.get("row"))
    kind = _cell(record.get("kind")).lower()
    if kind and kind not in SUMMARY_ROWS:
        raise CodebookError(f"{where}: kind '{kind}' is not one of {', '.join(SUMMARY_ROWS)}")
    kinds = [kind] if kind else [k for k in SUMMARY_ROWS if row in cases.get(k, ())]
    if not row:
        raise CodebookError(f"{where}: empty row (a transcript or participant name)")
    if not kinds or row not in cases.get(kinds[0], ()):
        what = kind or "transcript or participant"
        raise CodebookError(f"{where}: unknown {what} '{row}'")
    if len(kinds) > 1:
        raise CodebookError(
            f"{where}: '{row}' is both a transcript and a participant; add a kind column"
        )
    code = _cell(record.get("code"))
    if code not in codebook.codes:
        raise CodebookError(f"{where}: unknown code '{code}'")
    who = _cell(record.get("coder")) or coder
    if not who:
        raise CodebookError(f"{where}: no coder (add a coder column or give --coder)")
    try:
        who = check_name(who, "coder name")
    except CodebookError as e:
        raise CodebookError(f"{where}: {e}") from None
    text = clean_text(csv_unsafe(record.get("summary") or ""))
    if not text:
        raise CodebookError(f"{where}: empty summary")
    if len(text) > MAX_CHARS:
        raise CodebookError(f"{where}: summary longer than {MAX_CHARS:,} characters")
    return Summary(kinds[0], row, code, who, text)


def _cell(value) -> str:
    return (value or "").strip() if isinstance(value, str) else ""


def write(summaries: pd.DataFrame, path: Path) -> int:
    """The summaries (as `Project.summaries()` lists them) in the columns `read` takes back."""
    frame = pd.DataFrame(
        {
            "row": summaries["row"],
            "code": summaries["code"],
            "summary": summaries["text"],
            "coder": summaries["coder"],
            "kind": summaries["row_kind"],
            "label": summaries["label"],
            "updated_at": summaries["updated_at"].map(_iso),
        },
        columns=COLUMNS,
    )
    with atomic_output(path) as tmp:
        csv_safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
    return len(frame)


def _iso(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return pd.Timestamp(value).isoformat(timespec="seconds")
