"""Bytes to normalised text: the offsets of every coding count code points into this text."""

from __future__ import annotations

import unicodedata

from codebook.model import CodebookError

MAX_BYTES = 50_000_000
_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t", "\r", "\f"}


def normalise(text: str) -> str:
    """NFC, `\\n` line endings, no BOM, no NUL or other C0 control characters but tab."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if any(ch in _CONTROL for ch in text):
        text = "".join(ch for ch in text if ch not in _CONTROL)
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode UTF-8 / UTF-16 (with BOM) / Windows-1252; return (text, warnings).

    Empty and binary files are refused: an importer must never store garbage as a transcript.
    """
    warnings: list[str] = []
    if len(data) > MAX_BYTES:
        raise CodebookError(f"{name}: file is larger than {MAX_BYTES // 1_000_000} MB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise CodebookError(f"{name}: broken UTF-16 at byte {e.start}") from None
    else:
        if b"\x00" in data[:8192]:
            raise CodebookError(f"{name}: looks like a binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise CodebookError(
                    f"{name}: not UTF-8, UTF-16 or Windows-1252 text (byte {e.start})"
                ) from None
            warnings.append(f"{name}: not valid UTF-8; read as Windows-1252")
    text = normalise(text)
    if not text.strip():
        raise CodebookError(f"{name}: file is empty")
    return text, warnings
