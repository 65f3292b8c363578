"""Cells that spreadsheets must not run: the one home of formula-injection defence (OWASP).

Text from transcripts, memos, labels and names can start with `=`, `+`, `-`, `@`, a tab or a
carriage return, which Excel, LibreOffice and Sheets read as a formula (`=HYPERLINK(...)`, a DDE
payload). CSV cells that start so get a leading apostrophe; in xlsx, text is always written as a
string cell, never as a formula.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """`value` with a leading `'` if it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are `csv_safe`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(csv_safe)
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out
