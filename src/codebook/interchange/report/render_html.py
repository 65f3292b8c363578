"""One self-contained HTML file: styles inline, charts as inline SVG, no scripts and no network,
so it can be mailed to a policy maker or opened from a USB stick."""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import pandas as pd

from codebook.files import write_text
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

CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.5; }
header.title { border-bottom: 2px solid #444; margin-bottom: 2rem; }
h1 { font-size: 2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #eee; text-align: left; } td.num { text-align: right; }
caption, figcaption { caption-side: top; text-align: left; font-style: italic; margin: 0.3rem 0; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
blockquote { border-left: 4px solid #bbb; margin: 0.8rem 0; padding: 0.2rem 1rem; color: #333; }
blockquote footer { font-size: 0.85rem; color: #666; }
nav ul { list-style: none; padding-left: 1rem; }
"""


def write(doc: Document, path: Path) -> Path:
    path = Path(path)
    write_text(path, xml_safe(render(doc)))  # no control characters (ESC) in the page
    return path


def render(doc: Document) -> str:
    title = next((b.title for b in doc.blocks if isinstance(b, TitlePage)), "codebook")
    body = "\n".join(_block(doc, b) for b in doc.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{doc.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


def _block(doc: Document, block) -> str:
    if isinstance(block, TitlePage):
        facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in block.facts)
        return (
            f'<header class="title"><h1>{escape(block.title)}</h1>'
            f"<p><em>{escape(block.subtitle)}</em></p><dl>{facts}</dl></header>"
        )
    if isinstance(block, Contents):
        return f"<nav><h2>{escape(block.title)}</h2>{_contents(doc.headings(block.depth))}</nav>"
    if isinstance(block, Heading):
        n = min(block.level + 1, 6)
        return f'<h{n} id="{block.anchor}">{escape(block.text)}</h{n}>'
    if isinstance(block, Paragraph):
        lead = f"<strong>{escape(block.label)}</strong> " if block.label else ""
        return f"<p>{lead}{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        lead = f"<p><strong>{escape(block.label)}</strong></p>" if block.label else ""
        return lead + "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(f"{caption_prefix(doc, block)}. {block.caption}", block.frame)
    if isinstance(block, Figure):
        caption = f"{caption_prefix(doc, block)}. {block.caption}"
        return (
            f'<figure id="figure-{block.number}">{_svg(block.figure, block.number)}'
            f"<figcaption>{escape(caption)}</figcaption></figure>"
        )
    if isinstance(block, Quote):
        return (
            f"<blockquote><p>“{escape(block.text)}”</p>"
            f"<footer>— {escape(block.source)}</footer></blockquote>"
        )
    raise TypeError(f"cannot render {type(block).__name__}")


def _contents(headings: list[Heading]) -> str:
    out, depth = [], 0
    for h in headings:
        while depth < h.level:
            out.append("<ul>")
            depth += 1
        while depth > h.level:
            out.append("</ul>")
            depth -= 1
        out.append(f'<li><a href="#{h.anchor}">{escape(h.text)}</a></li>')
    out.extend("</ul>" for _ in range(depth))
    return "".join(out)


def _table(caption: str, frame: pd.DataFrame) -> str:
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    rows = []
    for row in frame.itertuples(False):
        cells = "".join(
            f'<td class="num">{_text(v)}</td>' if num else f"<td>{_text(v)}</td>"
            for v, num in zip(row, numeric, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return escape(str(value))


def _svg(figure, number: int) -> str:
    """Inline SVG without the XML prolog; ids are prefixed so that charts cannot collide."""
    buf = io.StringIO()
    figure.savefig(buf, format="svg")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)  # RDF with remote URIs
    prefix = f"f{number}-"
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if ids:
        pattern = re.compile(
            r'(\bid="|#)(' + "|".join(map(re.escape, sorted(ids, key=len)[::-1])) + r')(?=["\)])'
        )
        svg = pattern.sub(lambda m: m.group(1) + prefix + m.group(2), svg)
    return svg
