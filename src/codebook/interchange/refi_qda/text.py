"""Source text as other tools wrote it -> our normalised text, with positions carried along.

REFI-QDA positions count code points in the source as written, which may have `\\r\\n`, a BOM
or decomposed accents; ours count code points in the normalised text (see ingest.decode).
`normalise_with_map` returns both the text and a `PositionMap` from every source position to
where it lands in the normalised text, so a selection still covers the same characters.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise

from codebook.ingest.decode import CONTROL, LINE_BREAKS, normalise
from codebook.ingest.reanchor import PositionMap
from codebook.model import CodebookError


def normalise_with_map(raw: str, where: str) -> tuple[str, PositionMap]:
    """`normalise(raw)` and the map of positions in `raw` to positions in it."""
    text = normalise(raw)
    if text == raw:
        return text, PositionMap(raw, text, [(0, len(raw) + 1, 0, len(raw) + 1)])
    flat, first = _flatten(raw)
    if unicodedata.is_normalized("NFC", flat):
        composed, second = flat, None
    else:
        composed, second = _nfc_with_map(flat)
    if composed != text:
        raise CodebookError(f"{where}: cannot map positions through Unicode normalisation")
    if second is not None:
        first = [second[p] for p in first]
    return text, PositionMap(raw, text, _stretches(first))


def _flatten(raw: str) -> tuple[str, list[int]]:
    """BOM, line endings and control characters, character by character, with the position
    of every source position in the result (a dropped one lands where the next kept one does)."""
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
        elif ch in LINE_BREAKS:
            out.append("\n")
        elif ch not in CONTROL:
            out.append(ch)
    for j in range(pending, len(raw) + 1):
        first[j] = len(out)
    return "".join(out), first


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


def _stretches(table: list[int]) -> list[tuple[int, int, int, int]]:
    """A position table as the stretches of a PositionMap: one per run that steps by one (a
    line, between `\\r\\n`s). They cover every position, the end of the text included, so no
    position snaps and start and end map alike."""
    starts = [0] + [i for i, (a, b) in enumerate(pairwise(table), 1) if b - a != 1]
    ends = starts[1:] + [len(table)]
    return [(i, k, table[i], table[i] + k - i) for i, k in zip(starts, ends, strict=True)]
