"""Coded segments as tables for spreadsheets and data tools: CSV, Excel and Parquet.

One row per coding (a coded segment in MAXQDA's sense): where it is, who said it, what it says,
which code (with its ancestors) and who coded it; the participant and attributes are those of its
first segment (resolved: the speaker's participant's value, else the transcript's). The Excel
workbook adds the codebook and the frequencies by group (the first declared attribute), each
sheet with a frozen header, filters and sized columns.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from codebook.analysis.frequencies import crosstab, frequencies
from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame, sheet_value, xml_safe
from codebook.model import Codebook, CodebookError

SUFFIXES = (".csv", ".xlsx", ".parquet")
FIXED = ["transcript", "speaker", "participant", "start", "end", "text", "code", "label",
         "ancestors", "coder"]  # fmt: skip
WRAP = {"text", "definition", "include", "exclude", "examples", "memo", "keywords"}


def coded_segments(frames: dict[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """One row per coding with the speaker, participant and resolved attributes of its first
    segment (a coding outside every segment gets its transcript's first segment's), and the
    page it starts on in a paged source (PDF; empty for other sources)."""
    codings, coded, segments = frames["codings"], frames["coded"], frames["segments"]
    attributes = [c for c in segments.columns if c in codebook.attributes]
    attributes += [c for c in segments.columns if c not in attributes and c not in _SEGMENT_OWN]
    first = coded.sort_values(["coding_id", "index"], kind="stable").drop_duplicates("coding_id")
    per_coding = first.set_index("coding_id")[["speaker", "participant", "page", *attributes]]
    per_transcript = segments.drop_duplicates("transcript").set_index("transcript")[attributes]
    lang = codebook.language
    known = codebook.codes
    out = codings.assign(
        label=codings["code"].map(lambda c: known[c].name(lang) if c in known else c),
        ancestors=codings["code"].map(
            lambda c: " > ".join(codebook.ancestors(c)) if c in known else ""
        ),
    ).join(per_coding, on="coding_id")
    outside = ~codings["coding_id"].isin(per_coding.index).to_numpy()
    if outside.any():
        fallback = out.loc[outside, ["transcript"]].join(per_transcript, on="transcript")
        out.loc[outside, attributes] = fallback[attributes].to_numpy()
    fixed = FIXED[1:]
    fixed.insert(fixed.index("end") + 1, "page")
    out["page"] = out["page"].astype("Int64")
    columns = ["transcript", *attributes, *fixed, "origin", "memo"]
    return out[columns].reset_index(drop=True)


_SEGMENT_OWN = {
    "segment_id", "transcript", "index", "start", "end", "speaker", "timestamp", "page", "text",
    "participant", "interviewer",
}  # fmt: skip


def codebook_table(codebook: Codebook) -> pd.DataFrame:
    """The codebook flattened, one row per code in tree order."""
    rows = [
        {
            "id": c.id,
            "parent": c.parent or "",
            "depth": codebook.depth(c.id),
            "label_nl": c.label.get("nl", ""),
            "label_en": c.label.get("en", ""),
            "codable": c.codable,
            "definition": c.definition,
            "include": c.include,
            "exclude": c.exclude,
            "examples": "\n".join(c.examples),
            "keywords": ", ".join(c.keywords),
            "hotkey": c.hotkey or "",
            "color": c.color or "",
        }
        for c in codebook.walk()
    ]
    return pd.DataFrame(rows)


def group_frequencies(
    frames: dict[str, pd.DataFrame], codebook: Codebook, by: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Codes x groups (coded segments, with a total) and the long table with shares; groups are
    `by` (default: the first attribute the codebook declares), else transcripts."""
    by = by or next(iter(codebook.attributes), "transcript")
    if by not in frames["segments"].columns:
        by = "transcript"
    long = frequencies(frames["coded"], frames["segments"], by, codebook)
    if long.empty:
        return pd.DataFrame(columns=["code", "label"]), long
    wide = crosstab(long, "segments").fillna(0).astype(int)
    wide["total"] = wide.sum(axis=1)
    labels = long.drop_duplicates("code").set_index("code")["label"]
    wide.insert(0, "label", labels.reindex(wide.index))
    wide.columns.name = None
    return wide.reset_index(), long


def export(
    frames: dict[str, pd.DataFrame],
    codebook: Codebook,
    path: Path,
    extra: dict[str, pd.DataFrame] | None = None,
    by: str | None = None,
) -> int:
    """Write the coded segments to `path` (.csv, .xlsx or .parquet); returns the row count.

    The file appears whole or not at all (`atomic_output`); text cells cannot become formulas.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CodebookError(f"{path}: unknown table format (use {', '.join(SUFFIXES)})")
    if not path.parent.exists():
        raise CodebookError(f"{path}: the folder {path.parent} does not exist")
    table = coded_segments(frames, codebook)
    if suffix == ".csv":
        write_csv(path, table)
    elif suffix == ".parquet":
        with atomic_output(path) as tmp:
            table.to_parquet(tmp, index=False)
    else:
        wide, long = group_frequencies(frames, codebook, by)
        write_workbook(
            path,
            {
                "coded segments": table,
                "codebook": codebook_table(codebook),
                "frequencies": wide,
                "frequencies (long)": long,
                **(extra or {}),  # the framework matrix and its quotes
            },
        )
    return len(table)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A frame as UTF-8 CSV for spreadsheets: formula-like text gets a leading `'`."""
    with atomic_output(path) as tmp:
        csv_safe_frame(frame).to_csv(tmp, index=False, encoding="utf-8")


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Sheets of frames, each formatted for reading (frozen header, filter, widths).

    Every cell is written by hand rather than by `DataFrame.to_excel`, so that text is always a
    string cell, never a formula (`=HYPERLINK(...)` in a quote stays text); only numbers the
    code computed are numbers. The workbook appears whole or not at all.
    """
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(name, book.sheetnames))
        _fill(sheet, frame)
        _format(sheet, frame)
    buffer = io.BytesIO()  # built in memory, so a full disk fails in one plain write
    book.save(buffer)
    with atomic_output(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


def _fill(sheet, frame: pd.DataFrame) -> None:
    for col, name in enumerate(frame.columns, start=1):
        _put(sheet.cell(row=1, column=col), str(name))
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for col, value in enumerate(values, start=1):
            _put(sheet.cell(row=row, column=col), value)


def _put(cell, value) -> None:
    value, is_text = sheet_value(value)
    if value is None:
        return
    cell.value = value
    if is_text:
        cell.data_type = "s"  # openpyxl takes text that starts with '=' for a formula


def _sheet_title(name: str, taken: list[str]) -> str:
    """Excel's rules for sheet names: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", xml_safe(str(name))).strip("'") or "sheet"
    title, n, used = base[:31], 1, {t.lower() for t in taken}
    while title.lower() in used:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]}~{n}"
    return title


def _format(sheet, frame: pd.DataFrame) -> None:
    """Bold, shaded, frozen header; an autofilter over the data; widths from the content."""
    sheet.freeze_panes = frame.attrs.get("freeze", "A2")  # a sheet may ask for more ("B2")
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for i, column in enumerate(frame.columns, start=1):
        values = frame[column].head(500).astype(str)
        longest = max([len(str(column)), *values.str.len().tolist()]) if len(values) else 8
        wrap = column in WRAP or column in frame.attrs.get("wrap", ())
        sheet.column_dimensions[get_column_letter(i)].width = min(
            max(longest + 2, 8), 60 if wrap else 40
        )
        if wrap:
            for (cell,) in sheet.iter_rows(min_row=1, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
