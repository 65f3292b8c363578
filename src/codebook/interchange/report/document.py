"""A format-neutral document: reports and codebook documents are built once as blocks and then
rendered to Markdown, HTML and Word, so the three formats cannot drift apart in content."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure as MplFigure


@dataclass
class Heading:
    level: int  # 1 = document sections; the title page has its own block
    text: str
    anchor: str = ""


@dataclass
class Paragraph:
    text: str
    label: str = ""  # a bold lead-in such as "Definitie:"


@dataclass
class Bullets:
    items: list[str]
    label: str = ""


@dataclass
class Table:
    caption: str
    frame: pd.DataFrame
    number: int = 0


@dataclass
class Figure:
    caption: str
    figure: MplFigure
    name: str  # file stem for formats that keep charts as separate files
    number: int = 0


@dataclass
class Quote:
    text: str
    source: str


@dataclass
class TitlePage:
    title: str
    subtitle: str
    facts: list[tuple[str, str]]


@dataclass
class Contents:
    title: str
    depth: int = 2  # heading levels listed


@dataclass
class Document:
    lang: str
    blocks: list = field(default_factory=list)
    _anchors: set[str] = field(default_factory=set)
    _tables: int = 0
    _figures: int = 0

    def add(self, block) -> None:
        if isinstance(block, Heading) and not block.anchor:
            block.anchor = self._anchor(block.text)
        if isinstance(block, Table):
            self._tables += 1
            block.number = self._tables
        if isinstance(block, Figure):
            self._figures += 1
            block.number = self._figures
        self.blocks.append(block)

    def _anchor(self, text: str) -> str:
        """A unique, ASCII, URL-safe id for a heading (HTML anchors and the contents)."""
        base = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "section"
        anchor, n = base, 1
        while anchor in self._anchors:
            n += 1
            anchor = f"{base}-{n}"
        self._anchors.add(anchor)
        return anchor

    def headings(self, depth: int = 9) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= depth]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def close(self) -> None:
        """Release the charts (matplotlib figures hold memory until cleared)."""
        for block in self.figures():
            block.figure.clear()


CAPTION_WORDS = {"nl": ("Tabel", "Figuur"), "en": ("Table", "Figure")}


def caption_prefix(doc: Document, block: Table | Figure) -> str:
    table, figure = CAPTION_WORDS.get(doc.lang, CAPTION_WORDS["en"])
    return f"{table if isinstance(block, Table) else figure} {block.number}"
