"""Documents as blocks (headings and paragraphs, each made of lines on pages) to one normalised
text: the lines of a paragraph joined (hyphenated line ends decided by `Dehyphenator`), blocks one
per line with a blank line between them, and where each page and each heading starts.

PDF, ODT, RTF and HTML all end here, so a paragraph reads the same whatever the format was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from codebook.ingest.decode import normalise
from codebook.ingest.hyphenation import HYPHENS, Dehyphenator
from codebook.ingest.turns import _BRACKET_TS, _COLON, KNOWN_LABELS, _looks_like_name
from codebook.nlp.language import detect_language

_SENTENCE_END = re.compile(r"[.!?:;…]['\"’”)\]]*$")
_BULLET = re.compile(r"^(?:[•▪◦●■□➢►‣∙·*–—-]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")


@dataclass
class Line:
    text: str
    page: int | None = None
    where: tuple | None = None  # where the line is in its source (PDF: page, x, y)


@dataclass
class Block:
    lines: list[Line] = field(default_factory=list)
    heading: bool = False

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass
class Assembled:
    text: str
    pages: list[tuple[int, int]]  # (offset, page): the page of text from that offset on
    headings: list[tuple[int, int]]  # [start, end) of each heading
    lines: list[tuple[tuple, int, int]] = field(default_factory=list)  # (where, start, end)


def guess_language(text: str) -> str:
    """Dutch or English (the lexicon to join hyphenated words with); Dutch if it cannot tell."""
    return detect_language(text, "nl", sample=20000)


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


class TurnStarts:
    """Which lines open a speaker turn, by the rules of `find_turns` for .txt: a timestamp, a
    well-known label, a name the format marked, or a `Name:` label that recurs."""

    def __init__(self, lines: list[str], speakers: set[str] | None = None):
        counts: dict[str, int] = {}
        for line in lines:
            m = _COLON.match(line)
            if m and _looks_like_name(m.group("name")):
                key = m.group("name").lower()
                counts[key] = counts.get(key, 0) + 1
        known = {s.lower() for s in speakers or ()}
        self.labels = {k for k, n in counts.items() if n >= 2 or k in KNOWN_LABELS or k in known}

    def __call__(self, line: str) -> bool:
        if _BRACKET_TS.match(line):
            return True
        m = _COLON.match(line)
        return bool(m and m.group("name").lower() in self.labels)


def starts_item(line: str) -> bool:
    """A bullet or numbered list item starts its own paragraph."""
    return bool(_BULLET.match(line))


def assemble(blocks: list[Block], lang: str | None = None) -> Assembled:
    """One text from `blocks`; empty blocks are dropped."""
    raw = "\n".join(line.text for b in blocks for line in b.lines)
    joiner = Dehyphenator(lang or guess_language(raw), raw)
    parts: list[str] = []
    pages: list[tuple[int, int]] = []
    headings: list[tuple[int, int]] = []
    placed: list[tuple[tuple, int, int]] = []
    pos = 0
    for block in blocks:
        text, starts = _join_lines(block.lines, joiner)
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if not text:
            continue
        if parts:
            pos += 2  # the blank line between blocks
        ats = [pos + max(0, min(offset - lead, len(text) - 1)) for offset, _, _ in starts]
        for k, (at, (_, page, where)) in enumerate(zip(ats, starts, strict=True)):
            if page is not None and (not pages or pages[-1][1] != page):
                if pages and pages[-1][0] >= at:
                    pages[-1] = (at, page)
                else:
                    pages.append((at, page))
            if where is not None:
                end = ats[k + 1] if k + 1 < len(ats) else pos + len(text)
                placed.append((where, at, max(at, end)))
        if block.heading:
            headings.append((pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return Assembled("\n\n".join(parts), pages, headings, placed)


def _join_lines(lines: list[Line], joiner: Dehyphenator) -> tuple[str, list[tuple]]:
    """The lines of one block as one line; where each line's text starts, with its page and
    its place in the source."""
    text = ""
    starts: list[tuple[int, int | None, tuple | None]] = []
    for line in lines:
        piece = normalise(line.text).replace("\n", " ").strip()
        if not piece:
            continue
        if not text:
            text = piece
            starts.append((0, line.page, line.where))
            continue
        if text[-1] in HYPHENS and piece[0].isalpha():
            if joiner.suspended(text, piece):
                text = f"{text} {piece}"
            else:
                text = joiner.join(text, piece)
        else:
            text = f"{text} {piece}"
        starts.append((len(text) - len(piece), line.page, line.where))
    return text, starts
