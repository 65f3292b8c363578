"""Markdown rendering. Charts are written as SVG files in a folder next to the .md (`NAME_charts/`)
and linked relatively, so the report renders on GitHub, in pandoc and in any editor preview."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from codebook.files import atomic_output, write_text
from codebook.interchange.cells import xml_safe
from codebook.interchange.report.document import (
    Bullets,
    Contents,
    Document,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    TitlePage,
    caption_prefix,
)


def write(doc: Document, path: Path) -> Path:
    path = Path(path)
    charts = path.with_name(f"{path.stem}_charts")
    made = doc.figures() and not charts.exists()
    if doc.figures():
        charts.mkdir(parents=True, exist_ok=True)
    try:
        write_text(path, xml_safe(render(doc, charts)))  # no terminal escapes (ESC) in the text
    except BaseException:
        if made:  # a failed first report leaves no half-filled chart folder behind
            shutil.rmtree(charts, ignore_errors=True)
        raise
    return path


def render(doc: Document, charts: Path) -> str:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, TitlePage):
            out.append(f"# {_inline(block.title)}\n\n*{_inline(block.subtitle)}*\n")
            out.append("\n".join(f"- **{_inline(k)}:** {_inline(v)}" for k, v in block.facts))
        elif isinstance(block, Contents):
            out.append(f"**{_inline(block.title)}**\n")
            out.append(
                "\n".join(
                    f"{'  ' * (h.level - 1)}- [{_inline(h.text)}](#{h.anchor})"
                    for h in doc.headings(block.depth)
                )
            )
        elif isinstance(block, Heading):
            out.append(
                f'<a id="{block.anchor}"></a>\n\n{"#" * (block.level + 1)} {_inline(block.text)}'
            )
        elif isinstance(block, Paragraph):
            lead = f"**{_inline(block.label)}** " if block.label else ""
            out.append(lead + _inline(block.text))
        elif isinstance(block, Bullets):
            lead = f"**{_inline(block.label)}**\n\n" if block.label else ""
            out.append(lead + "\n".join(f"- {_inline(i)}" for i in block.items))
        elif isinstance(block, Table):
            out.append(f"**{caption_prefix(doc, block)}.** {_inline(block.caption)}\n")
            out.append(_table(block.frame))
        elif isinstance(block, Figure):
            file = charts / f"{block.name}.svg"
            with atomic_output(file) as tmp:
                block.figure.savefig(tmp, format="svg")
            caption = f"{caption_prefix(doc, block)}. {_inline(block.caption)}"
            out.append(f"![{caption}]({charts.name}/{file.name})\n\n*{caption}*")
        elif isinstance(block, Quote):
            out.append(f"> “{_inline(block.text)}”\n>\n> — {_inline(block.source)}")
    return "\n\n".join(out) + "\n"


def _inline(text: str) -> str:
    """Escape the characters that would turn quoted speech into Markdown markup."""
    text = " ".join(str(text).split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(_inline(c) for c in frame.columns) + " |"
    align = (
        "|"
        + "|".join(
            "---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns
        )
        + "|"
    )
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, align, *rows])


def _cell(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else _inline(value)
