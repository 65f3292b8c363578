"""Bytes to normalised text: the offsets of every coding count code points into this text.

Every importer decodes here (files and REFI-QDA sources alike), so one file gives one text
whichever way it came in.
"""

from __future__ import annotations

import unicodedata

from codebook.model import CodebookError

MAX_BYTES = 50_000_000
# what `normalise` drops, and the one-character line breaks it turns into `\n` (besides `\r`)
CONTROL = frozenset(chr(c) for c in range(32)) - {"\n", "\t", "\r", "\f"}
LINE_BREAKS = frozenset({"\f", "\u2028", "\u2029"})


def normalise(text: str) -> str:
    """NFC, `\\n` line endings, no BOM, no NUL or other C0 control characters but tab."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    for ch in LINE_BREAKS:
        text = text.replace(ch, "\n")
    if any(ch in CONTROL for ch in text):
        text = "".join(ch for ch in text if ch not in CONTROL)
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode and normalise; return (text, warnings).

    Empty files are refused: an importer must never store nothing as a transcript.
    """
    text, warnings = decode_raw(data, name)
    text = normalise(text)
    if not text.strip():
        raise CodebookError(f"{name}: file is empty")
    return text, warnings


def decode_raw(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> tuple[str, list[str]]:
    """UTF-8 / UTF-16 (with BOM) / Windows-1252 to text as written, not yet normalised.

    REFI-QDA positions count code points in this text, so its reader normalises with a
    position map; binary files are refused, so that garbage is never stored as text.
    """
    warnings: list[str] = []
    if len(data) > max_bytes:
        raise CodebookError(f"{name}: file is larger than {max_bytes // 1_000_000} MB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), warnings
        except UnicodeDecodeError as e:
            raise CodebookError(f"{name}: broken UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192]:
        raise CodebookError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig"), warnings
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise CodebookError(
                f"{name}: not UTF-8, UTF-16 or Windows-1252 text (byte {e.start})"
            ) from None
    warnings.append(f"{name}: not valid UTF-8; read as Windows-1252")
    return text, warnings
