"""Cells that spreadsheets must not run: the one home of formula-injection defence (OWASP).

Text from transcripts, memos, labels and names can start with `=`, `+`, `-`, `@`, a tab or a
carriage return, which Excel, LibreOffice and Sheets read as a formula (`=HYPERLINK(...)`, a DDE
payload). CSV cells that start so get a leading apostrophe (and readers of our own CSV files take
it off again with `csv_unsafe`); in xlsx, text is always written as a string cell, never as a
formula (`sheet_value`). XML-based formats (xlsx, docx) cannot hold most control characters at
all, so `xml_safe` drops them instead of letting the writer crash.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from numbers import Number

from codebook.lazy import lazy

np = lazy("numpy")  # imported on first use: the CLI writes a few CSV rows without pandas
pd = lazy("pandas")

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 allows tab, LF and CR of the C0 controls, and no surrogates or U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def csv_safe(value):
    """`value` with a leading `'` if it is text a spreadsheet would take for a formula.

    Text that already starts with apostrophes and then a trigger gets one more, so `csv_unsafe`
    gives back exactly what was written.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(TRIGGERS):
        return "'" + value
    return value


def csv_unsafe(value):
    """The text `csv_safe` was given: one leading `'` before a trigger is taken off."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'").startswith(TRIGGERS):
        return value[1:]
    return value


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are `csv_safe`."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(csv_safe)
    out.columns = [csv_safe(str(c)) for c in out.columns]
    return out


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (ESC, NUL, ...)."""
    return _NOT_XML.sub("", text) if isinstance(text, str) else text


def sheet_value(value):
    """A value for an xlsx cell: numbers, booleans and dates as they are (the code computed
    them), everything else as text; None for an empty cell. Returns (value, is_text)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, False
    if isinstance(value, bool | np.bool_):
        return bool(value), False
    if isinstance(value, Number):
        if pd.isna(value):
            return None, False
        return (value.item() if isinstance(value, np.generic) else value), False
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), False  # Excel has no time zones
    if isinstance(value, date):
        return value, False
    return xml_safe(str(value)), True
