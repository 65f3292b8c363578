"""The codebook as a document (Markdown, Word or HTML) for appendices and for training coders:
every code in tree order with its definition, when to use it and when not, examples and keywords.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from codebook.interchange.report import render
from codebook.interchange.report.document import (
    Bullets,
    Contents,
    Document,
    Heading,
    Paragraph,
    Table,
    TitlePage,
)
from codebook.interchange.report.i18n import texts
from codebook.model import Codebook, CodebookError

SUFFIXES = {".md": "md", ".docx": "docx", ".html": "html"}


def build(codebook: Codebook, lang: str = "nl") -> Document:
    t = texts(lang)
    meta = codebook.meta
    title = (meta.get("title") or {}).get(lang) or meta.get("id") or t["codebook_doc"]
    doc = Document(lang)
    facts = [
        (t["codebook"], str(meta.get("id", ""))),
        ("Versie" if lang == "nl" else "Version", str(meta.get("version", ""))),
        (t["codes"], str(len(codebook.codes))),
    ]
    if meta.get("source"):
        facts.append(("Bron" if lang == "nl" else "Source", str(meta["source"])))
    doc.add(TitlePage(f"{t['codebook_doc']}: {title}", Path(codebook.path or "").name, facts))
    doc.add(Contents(t["contents"], depth=3))
    if codebook.attributes:
        doc.add(Heading(1, t["attributes"]))
        rows = [
            (a.label.get(lang) or a.name, a.name, ", ".join(a.values))
            for a in codebook.attributes.values()
        ]
        frame = pd.DataFrame(rows, columns=[t["attribute"], "Id", t["values"]])
        doc.add(Table(t["attributes"], frame))
    for code in codebook.walk():
        _code(doc, codebook, code, lang, t)
    return doc


def _code(doc: Document, codebook: Codebook, code, lang: str, t: dict) -> None:
    level = min(codebook.depth(code.id) + 1, 3)
    doc.add(Heading(level, f"{code.name(lang)} ({code.id})"))
    facts = [f"{t['id'].rstrip(':')}: {code.id}"]
    other = "en" if lang == "nl" else "nl"
    if code.label.get(other):
        facts.append(f"{'English' if other == 'en' else 'Nederlands'}: {code.label[other]}")
    if code.hotkey:
        facts.append(f"{t['hotkey'].rstrip(':')}: {code.hotkey}")
    if not code.codable:
        facts.append(t["grouping"])
    doc.add(Paragraph(" · ".join(facts)))
    for key in ("definition", "include", "exclude"):
        value = getattr(code, key)
        if value:
            doc.add(Paragraph(value, label=t[key]))
    if code.examples:
        doc.add(Bullets(code.examples, label=t["examples"]))
    if code.keywords:
        doc.add(Paragraph(", ".join(code.keywords), label=t["keywords"]))
    if code.memo:
        doc.add(Paragraph(code.memo, label=t["memos"] + ":"))


def export(codebook: Codebook, path: Path, lang: str | None = None) -> int:
    """Write the codebook document; the format follows the suffix. Returns the number of codes."""
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise CodebookError(f"{path}: unknown codebook document format (use .md, .docx or .html)")
    doc = build(codebook, lang or codebook.language)
    render(doc, path, fmt)
    return len(codebook.codes)
