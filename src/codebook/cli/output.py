"""Printing segment tables: readable in a terminal (text wrapped in the last column), whole and
formula-safe in CSV, whole in JSON. Used by show, query, suggest and memos."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import textwrap

import typer

from codebook.cli.common import Format

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
NARROW = 12  # a column is never shrunk below this to make room for the wrapped one
MIN_WRAP = 40  # the wrapped column's least width


def emit_table(frame, fmt: Format, wrap: str = "text", table_columns: list[str] | None = None):
    """A DataFrame as a table (only `table_columns`, `wrap` last and wrapped), CSV or JSON."""
    if fmt is Format.csv:
        from codebook.interchange.cells import csv_safe_frame

        csv_safe_frame(frame).to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        records = json.loads(frame.to_json(orient="records", date_format="iso"))
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        emit_rows(list(frame.columns), frame.to_dict("records"), fmt, wrap, table_columns)


def emit_rows(
    columns: list[str],
    rows: list[dict],
    fmt: Format,
    wrap: str = "text",
    table_columns: list[str] | None = None,
) -> None:
    """Plain rows (dicts) the same way, without pandas."""
    if fmt is Format.csv:
        from codebook.interchange.cells import csv_safe

        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow([csv_safe(c) for c in columns])
        out.writerows([csv_safe("" if r[c] is None else r[c]) for c in columns] for r in rows)
    elif fmt is Format.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
    elif not rows:
        typer.echo("(nothing)")
    else:
        shown = [c for c in (table_columns or columns) if c in columns]
        if wrap in shown:
            shown = [c for c in shown if c != wrap] + [wrap]
        typer.echo(render(rows, shown, wrap))


def render(rows: list[dict], columns: list[str], wrap: str, width: int | None = None) -> str:
    """Columns at their natural width (the widest shrunk first while the wrapped column would
    get fewer than MIN_WRAP characters); empty columns are left out."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    cells = {c: [_cell(r[c]) for r in rows] for c in columns}
    columns = [c for c in columns if c == wrap or any(cells[c])]
    widths = {c: max([len(c), *map(len, cells[c])]) for c in columns if c != wrap}
    room = MIN_WRAP if wrap in columns else 0
    while widths and sum(widths.values()) + 2 * len(widths) + room > width:
        widest = max(widths, key=widths.get)
        if widths[widest] <= NARROW:
            break
        widths[widest] -= 1
    fixed = sum(widths.values()) + 2 * len(widths)
    wide = max(MIN_WRAP, width - fixed - 1) if wrap in columns else 0
    lines = ["  ".join([*(c.ljust(widths[c]) for c in widths), wrap if wide else ""]).rstrip()]
    for i in range(len(rows)):
        head = "  ".join(_fit(cells[c][i], widths[c]) for c in widths)
        body = (textwrap.wrap(cells[wrap][i], wide) or [""]) if wide else [""]
        lines.append(f"{head}  {body[0]}".rstrip() if widths else body[0])
        lines += [" " * fixed + more for more in body[1:]]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return " ".join(_CONTROL.sub(" ", str(value)).split())  # no terminal escapes from a text


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


def note(message: str | None, prefix: str = "") -> None:
    """A line about the output (what was left out, how many) on stderr, apart from the data."""
    if message:
        typer.echo(f"{prefix}{message}", err=True)
