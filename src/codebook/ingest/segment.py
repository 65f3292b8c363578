"""Split turns into sentence segments with the spaCy pipeline (tokenizer + sentencizer only)."""

from __future__ import annotations

import re

from codebook.model import Segment, Turn
from codebook.nlp import pipeline

_HEADING = re.compile(r"^#{1,6}\s")
_LINE = re.compile(r"[^\n]+")


def segment(text: str, turns: list[Turn], lang: str) -> list[Segment]:
    """Sentence segments of every turn; each line of a turn is split on its own.

    Markdown headings are not speech and are left out; so are pieces without a letter or digit.
    """
    pieces: list[tuple[int, int, Turn]] = []
    for turn in turns:
        for m in _LINE.finditer(text, turn.start, turn.end):
            line = m.group()
            if line.strip() and not _HEADING.match(line):
                pieces.append((m.start(), m.end(), turn))
    nlp = pipeline(lang)
    segments: list[Segment] = []
    texts = (text[start:end] for start, end, _ in pieces)
    with nlp.select_pipes(enable=["sentencizer"]):
        for (offset, _, turn), doc in zip(pieces, nlp.pipe(texts, batch_size=256), strict=True):
            for sent in doc.sents:
                start, end = offset + sent.start_char, offset + sent.end_char
                if not any(ch.isalnum() for ch in sent.text):
                    continue
                segments.append(
                    Segment(None, None, len(segments), start, end, turn.speaker, turn.timestamp)
                )
    return segments
