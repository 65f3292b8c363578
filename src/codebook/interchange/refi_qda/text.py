"""Source text as other tools wrote it -> our normalised text, with positions carried along.

REFI-QDA positions count code points in the source as written, which may have `\\r\\n`, a BOM
or decomposed accents; ours count code points in the normalised text (see ingest.decode).
`normalise_with_map` returns both the text and, for every position in the source, where that
position lands in the normalised text, so a selection still covers the same characters.
"""

from __future__ import annotations

import unicodedata

from codebook.ingest.decode import normalise
from codebook.model import CodebookError

_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t", "\r", "\f"}
_NEWLINES = {"\f", "\u2028", "\u2029"}


def decode(data: bytes, where: str) -> tuple[str, list[str]]:
    """UTF-8 (BOM optional) or UTF-16 with BOM; Windows-1252 with a warning as a last resort."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as e:
            raise CodebookError(f"{where}: broken UTF-16 at byte {e.start}") from None
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        if b"\x00" in data[:8192]:
            raise CodebookError(f"{where}: looks like a binary file, not text") from None
        warning = f"{where}: not valid UTF-8 (byte {e.start}); read as Windows-1252"
        return data.decode("cp1252", errors="replace"), [warning]


class PositionMap:
    """Source position -> normalised position; identity when the source was already normal."""

    def __init__(self, table: list[int] | None, source_length: int):
        self.table = table
        self.source_length = source_length

    def __call__(self, pos: int) -> int:
        return pos if self.table is None else self.table[pos]


def normalise_with_map(raw: str, where: str) -> tuple[str, PositionMap]:
    text = normalise(raw)
    if text == raw:
        return text, PositionMap(None, len(raw))
    # pass 1: BOM, line endings, control characters (character by character)
    out: list[str] = []
    first = [0] * (len(raw) + 1)
    kept = [(i, ch) for i, ch in enumerate(raw) if ch != "\ufeff"]
    pending = 0  # source positions of dropped BOMs land where the next kept character does
    for k, (i, ch) in enumerate(kept):
        for j in range(pending, i + 1):
            first[j] = len(out)
        pending = i + 1
        if ch == "\r":
            if k + 1 < len(kept) and kept[k + 1][1] == "\n":
                continue
            out.append("\n")
        elif ch in _NEWLINES:
            out.append("\n")
        elif ch not in _CONTROL:
            out.append(ch)
    for j in range(pending, len(raw) + 1):
        first[j] = len(out)
    flat = "".join(out)
    if unicodedata.is_normalized("NFC", flat):
        second = None
        composed = flat
    else:
        composed, second = _nfc_with_map(flat)
    if composed != text:
        raise CodebookError(f"{where}: cannot map positions through Unicode normalisation")
    if second is not None:
        first = [second[p] for p in first]
    return text, PositionMap(first, len(raw))


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC chunk by chunk (a starter and its combining marks), mapping chunk boundaries."""
    table = [0] * (len(text) + 1)
    out: list[str] = []
    size = 0
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and (unicodedata.combining(text[i]) or 0x1160 <= ord(text[i]) <= 0x11FF):
            continue
        chunk = unicodedata.normalize("NFC", text[start:i])
        for j in range(start, i):
            table[j] = size
        size += len(chunk)
        out.append(chunk)
        start = i
    table[len(text)] = size
    return "".join(out), table
