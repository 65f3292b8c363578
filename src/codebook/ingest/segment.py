"""Split turns into sentence segments with the spaCy pipeline (tokenizer + sentencizer only)."""

from __future__ import annotations

import re
from bisect import bisect_right

from codebook.model import Segment, Turn
from codebook.nlp import pipeline

_HEADING = re.compile(r"^#{1,6}\s")
_LINE = re.compile(r"[^\n]+")
# A stage direction such as '(lacht)', '[laughs]' or '(stilte, 5 sec.)' stays in one segment.
_BRACKETED = re.compile(r"\([^()\n]{1,100}\)|\[[^\[\]\n]{1,100}\]")
_CLAUSE_END = re.compile(r"[.!?;:,)\]]\s+")
MAX_PIECE = 20_000  # characters given to the sentencizer at once
MAX_SEGMENT = 1_000  # characters: a longer 'sentence' (no punctuation) is cut at a clause or word


def segment(
    text: str,
    turns: list[Turn],
    lang: str,
    pages: list[tuple[int, int]] | None = None,
    headings: list[tuple[int, int]] | None = None,
) -> list[Segment]:
    """Sentence segments of every turn; each line of a turn is split on its own.

    Markdown headings are not speech and are left out; so are pieces without a letter or digit.
    `headings` (spans of whole lines) are one segment each, without a speaker; `pages` ((offset,
    page) where each page starts) gives each segment the page it starts on.
    """
    heading_spans = set(headings or ())
    pieces: list[tuple[int, int, Turn | None]] = []
    for turn in turns:
        for m in _LINE.finditer(text, turn.start, turn.end):
            line = m.group()
            if not line.strip() or _HEADING.match(line):
                continue
            if (m.start(), m.end()) in heading_spans:
                pieces.append((m.start(), m.end(), None))
                continue
            for start, end in bounded(text, m.start(), m.end(), MAX_PIECE):
                pieces.append((start, end, turn))
    page_at = _pages(pages)
    nlp = pipeline(lang)
    segments: list[Segment] = []
    spoken = [(start, end) for start, end, turn in pieces if turn is not None]
    texts = (text[start:end] for start, end in spoken)
    with nlp.select_pipes(enable=["sentencizer"]):
        docs = iter(nlp.pipe(texts, batch_size=256))
        for offset, end, turn in pieces:
            if turn is None:
                spans = [(offset, end)]
            else:
                spans = _sentences(text, offset, next(docs))
            for start, stop in spans:
                if not any(ch.isalnum() for ch in text[start:stop]):
                    continue
                segments.append(
                    Segment(
                        None,
                        None,
                        len(segments),
                        start,
                        stop,
                        turn.speaker if turn else None,
                        turn.timestamp if turn else None,
                        page_at(start),
                    )
                )
    return segments


def _sentences(text: str, offset: int, doc) -> list[tuple[int, int]]:
    """The sentencizer's sentences of one piece, with no bracketed aside cut in two and none
    longer than MAX_SEGMENT."""
    piece = doc.text
    starts = [s.start_char for s in doc.sents][1:]
    if starts and ("(" in piece or "[" in piece):
        groups = [(m.start(), m.end()) for m in _BRACKETED.finditer(piece)]
        moved = []
        for b in starts:
            for gs, ge in groups:
                if gs < b < ge:
                    b = gs
                    break
            if b > 0 and (not moved or b > moved[-1]):
                moved.append(b)
        starts = moved
    bounds = [0, *starts, len(piece)]
    spans = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        start, end = _trim(text, offset + a, offset + b)
        if end > start:
            spans.extend(bounded(text, start, end, MAX_SEGMENT))
    return spans


def bounded(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """[start, end) cut into spans of at most `limit` characters: after the last clause mark in
    the second half of the window, else at the last space, else (one endless word) at the limit."""
    spans = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = 0
        for m in _CLAUSE_END.finditer(window, limit // 2):
            cut = m.end()
        if not cut:
            cut = window.rfind(" ", limit // 2) + 1 or limit
        a, b = _trim(text, start, start + cut)
        if b > a:
            spans.append((a, b))
        start = start + cut
    a, b = _trim(text, start, end)
    if b > a:
        spans.append((a, b))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pages(pages: list[tuple[int, int]] | None):
    if not pages:
        return lambda offset: None
    offsets = [o for o, _ in pages]
    numbers = [p for _, p in pages]

    def page_at(offset: int) -> int | None:
        k = bisect_right(offsets, offset) - 1
        return numbers[max(k, 0)]

    return page_at
