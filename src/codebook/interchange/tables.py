"""Coded segments as tables for spreadsheets and data tools: CSV, Excel and Parquet.

One row per coding (a coded segment in MAXQDA's sense): where it is, who said it, what it says,
which code (with its ancestors) and who coded it. The Excel workbook adds the codebook and the
frequencies by stakeholder group, each sheet with a frozen header, filters and sized columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from codebook.analysis.frequencies import crosstab, frequencies
from codebook.model import Codebook, CodebookError

SUFFIXES = (".csv", ".xlsx", ".parquet")
FIXED = ["transcript", "speaker", "start", "end", "text", "code", "label", "ancestors", "coder"]
WRAP = {"text", "definition", "include", "exclude", "examples", "memo", "keywords"}


def coded_segments(frames: dict[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """One row per coding with the transcript's attributes and the speaker of its first segment."""
    codings, coded, segments = frames["codings"], frames["coded"], frames["segments"]
    attributes = [c for c in segments.columns if c in codebook.attributes]
    attributes += [c for c in segments.columns if c not in attributes and c not in _SEGMENT_OWN]
    speaker = coded.sort_values(["coding_id", "index"]).groupby("coding_id")["speaker"].first()
    per_transcript = segments.drop_duplicates("transcript").set_index("transcript")[attributes]
    lang = codebook.language
    known = codebook.codes
    out = codings.assign(
        speaker=codings["coding_id"].map(speaker),
        label=codings["code"].map(lambda c: known[c].name(lang) if c in known else c),
        ancestors=codings["code"].map(
            lambda c: " > ".join(codebook.ancestors(c)) if c in known else ""
        ),
    ).join(per_transcript, on="transcript")
    columns = ["transcript", *attributes, *FIXED[1:], "origin", "memo"]
    return out[columns].reset_index(drop=True)


_SEGMENT_OWN = {
    "segment_id", "transcript", "index", "start", "end", "speaker", "timestamp", "page", "text"
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
    frames: dict[str, pd.DataFrame], codebook: Codebook, by: str = "stakeholder_group"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Codes x groups (coded segments, with a total) and the long table with shares."""
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


def export(frames: dict[str, pd.DataFrame], codebook: Codebook, path: Path) -> int:
    """Write the coded segments to `path` (.csv, .xlsx or .parquet); returns the row count."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CodebookError(f"{path}: unknown table format (use {', '.join(SUFFIXES)})")
    if not path.parent.exists():
        raise CodebookError(f"{path}: the folder {path.parent} does not exist")
    table = coded_segments(frames, codebook)
    try:
        if suffix == ".csv":
            table.to_csv(path, index=False, encoding="utf-8")
        elif suffix == ".parquet":
            table.to_parquet(path, index=False)
        else:
            wide, long = group_frequencies(frames, codebook)
            write_workbook(
                path,
                {
                    "coded segments": table,
                    "codebook": codebook_table(codebook),
                    "frequencies": wide,
                    "frequencies (long)": long,
                },
            )
    except OSError as e:
        raise CodebookError(f"{path}: cannot write ({e.strerror or e})") from None
    return len(table)


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """Sheets of frames, each formatted for reading (frozen header, filter, widths)."""
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], frame)


def _format(sheet, frame: pd.DataFrame) -> None:
    """Bold, shaded, frozen header; an autofilter over the data; widths from the content."""
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for i, column in enumerate(frame.columns, start=1):
        values = frame[column].head(500).astype(str)
        longest = max([len(str(column)), *values.str.len().tolist()]) if len(values) else 8
        wrap = column in WRAP
        sheet.column_dimensions[get_column_letter(i)].width = min(
            max(longest + 2, 8), 60 if wrap else 40
        )
        if wrap:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
