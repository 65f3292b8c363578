"""Word rendering with python-docx: built-in heading styles, real tables, and captions numbered
with SEQ fields, so Word's table of contents and list of figures work on the result."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pandas as pd
from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from codebook.files import atomic_output
from codebook.interchange.cells import xml_safe
from codebook.interchange.report.document import (
    CAPTION_WORDS,
    Bullets,
    Contents,
    Document,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    TitlePage,
)


def write(doc: Document, path: Path) -> Path:
    path = Path(path)
    doc = dataclasses.replace(doc, blocks=[_xml_safe_block(b) for b in doc.blocks])
    word = new_docx()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.2))
    word.styles["Normal"].font.size = Pt(10.5)
    word.core_properties.language = doc.lang
    _update_fields_on_open(word)
    for block in doc.blocks:
        _block(word, doc, block)
    buffer = io.BytesIO()  # built in memory, so a full disk fails in one plain write
    word.save(buffer)
    with atomic_output(path) as tmp:
        tmp.write_bytes(buffer.getvalue())
    return path


def _xml_safe_block(block):
    """A copy of `block` whose text Word's XML can hold: control characters (an ESC pasted
    into a definition) would make python-docx fail half way."""
    if not dataclasses.is_dataclass(block):
        return block
    changes = {}
    for f in dataclasses.fields(block):
        value = getattr(block, f.name)
        if isinstance(value, str):
            changes[f.name] = xml_safe(value)
        elif isinstance(value, list):
            changes[f.name] = [_xml_safe_value(v) for v in value]
        elif isinstance(value, pd.DataFrame):
            frame = value.copy()
            for column in frame.columns:
                if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                    frame[column] = frame[column].map(xml_safe)
            frame.columns = [xml_safe(str(c)) for c in frame.columns]
            changes[f.name] = frame
    return dataclasses.replace(block, **changes)


def _xml_safe_value(value):
    if isinstance(value, tuple):
        return tuple(xml_safe(v) for v in value)
    return xml_safe(value)


def _block(word, doc: Document, block) -> None:
    if isinstance(block, TitlePage):
        word.core_properties.title = block.title
        word.add_paragraph(block.title, style="Title")
        word.add_paragraph(block.subtitle, style="Subtitle")
        table = word.add_table(rows=0, cols=2)
        table.style = "Light List Accent 1"
        for key, value in block.facts:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = key, value
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, Contents):
        word.add_paragraph(block.title, style="TOC Heading")
        _toc(word, doc.headings(block.depth), block.depth)
    elif isinstance(block, Heading):
        word.add_heading(block.text, level=min(block.level, 9))
    elif isinstance(block, Paragraph):
        p = word.add_paragraph()
        if block.label:
            p.add_run(block.label + " ").bold = True
        p.add_run(block.text)
    elif isinstance(block, Bullets):
        if block.label:
            word.add_paragraph().add_run(block.label).bold = True
        for item in block.items:
            word.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Table):
        wide = len(block.frame.columns) > 6
        if wide:  # a codes x groups table needs the width of a landscape page
            _orient(word, landscape=True)
        _caption(word, CAPTION_WORDS.get(doc.lang, CAPTION_WORDS["en"])[0], block)
        _table(word, block.frame, 25.3 if wide else 16.6)
        if wide:
            _orient(word, landscape=False)
    elif isinstance(block, Figure):
        buf = io.BytesIO()
        block.figure.savefig(buf, format="png", dpi=120)
        buf.seek(0)
        width = min(Cm(16), Cm(block.figure.get_figwidth() * 2.54))
        word.add_picture(buf, width=width)
        _caption(word, CAPTION_WORDS.get(doc.lang, CAPTION_WORDS["en"])[1], block)
    elif isinstance(block, Quote):
        word.add_paragraph(f"“{block.text}”", style="Quote")
        source = word.add_paragraph(f"— {block.source}")
        source.paragraph_format.left_indent = Cm(1)
        source.runs[0].font.size = Pt(9)
    else:
        raise TypeError(f"cannot render {type(block).__name__}")


def _caption(word, kind: str, block: Table | Figure) -> None:
    """'Tabel 3. text', the number a SEQ field, as Word's own caption command writes it."""
    p = word.add_paragraph(style="Caption")
    p.add_run(f"{kind} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" SEQ {kind} \\* ARABIC ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = str(block.number)
    run.append(text)
    field.append(run)
    p._p.append(field)
    p.add_run(f". {block.caption}")


def _orient(word, landscape: bool) -> None:
    section = word.add_section(WD_SECTION.NEW_PAGE)
    short, long = sorted((section.page_width, section.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _table(word, frame: pd.DataFrame, width_cm: float) -> None:
    table = word.add_table(rows=1, cols=len(frame.columns))
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    for cell, name in zip(table.rows[0].cells, frame.columns, strict=True):
        cell.text = str(name)
    _repeat_header(table.rows[0])
    for row in frame.itertuples(False):
        cells = table.add_row().cells
        for cell, value, num in zip(cells, row, numeric, strict=True):
            cell.text = (
                "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            )
            if num:
                cell.paragraphs[0].alignment = 2  # right
    _widths(table, frame, width_cm)
    small = len(frame.columns) > 6
    for row in table.rows:
        for cell in row.cells:
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = Pt(8 if small else 9.5)


def _widths(table, frame: pd.DataFrame, total_cm: float = 16.6) -> None:
    """Number columns as wide as their header's longest word; text columns share the rest."""
    char_cm = 0.19 if len(frame.columns) > 6 else 0.22
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    need = []
    for column, num in zip(frame.columns, numeric, strict=True):
        values = frame[column].astype(str).head(200)
        longest_value = int(values.str.len().max()) if len(values) else 0
        longest_word = max((len(w) for w in str(column).split()), default=4)
        text_need = max(min(longest_value, 40), longest_word + 1)
        need.append(max(longest_value, longest_word, 4) + 3 if num else text_need)
    fixed = sum(n * char_cm for n, num in zip(need, numeric, strict=True) if num)
    text = sum(n for n, num in zip(need, numeric, strict=True) if not num) or 1
    room = total_cm - fixed
    if room < 3 * max(1, numeric.count(False)):
        widths = [total_cm * n / sum(need) for n in need]
    else:
        widths = [
            n * char_cm if num else room * n / text for n, num in zip(need, numeric, strict=True)
        ]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _repeat_header(row) -> None:
    props = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _toc(word, headings: list[Heading], depth: int) -> None:
    """A TOC field whose cached result already lists the headings; Word refreshes page numbers."""
    p = word.add_paragraph()
    _field_char(p, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f' TOC \\o "1-{depth}" \\h \\z \\u '
    p.add_run()._r.append(instr)
    _field_char(p, "separate")
    last = p
    for h in headings:
        last = word.add_paragraph(h.text)
        last.paragraph_format.left_indent = Cm(0.6 * (h.level - 1))
    _field_char(last, "end")


def _field_char(paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _update_fields_on_open(word) -> None:
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
