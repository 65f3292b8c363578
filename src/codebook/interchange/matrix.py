"""The framework matrix as a file: Excel, CSV, Markdown or Word.

Excel has one row per case (or group) and one column per code (header: id and label), wrapped
text and a frozen header and first column, plus a sheet with the coded segments behind each
cell. CSV is the same grid, for other tools. Markdown and Word split a wide matrix into tables
of a few codes each, so a page stays readable; drafts are marked in every format.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from codebook.analysis.matrix import Matrix
from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame, xml_safe
from codebook.model import CodebookError

SUFFIXES = (".xlsx", ".csv", ".md", ".docx")
CODES_PER_TABLE = 4  # Markdown and Word: columns of text that still fit a landscape page
TEXT = {
    "nl": {
        "title": "Raamwerkmatrix",
        "rows": {"transcript": "Transcript", "participant": "Deelnemer"},
        "intro": (
            "Per {rows} en code de geschreven samenvatting. Waar nog geen samenvatting is, staat "
            "een concept (gemarkeerd als [concept]): het aantal gecodeerde segmenten en de meest "
            "centrale zinnen, met spreker en segmentnummer."
        ),
        "facts": "Project {project}, {date}; codeur: {coder}.",
        "everyone": "alle codeurs",
        "codes": "Codes {first}–{last} van {total}",
        "quotes": "citaten",
        "digest": "in concept",
    },
    "en": {
        "title": "Framework matrix",
        "rows": {"transcript": "Transcript", "participant": "Participant"},
        "intro": (
            "The written summary per {rows} and code. Where there is no summary yet, a draft "
            "(marked [draft]) gives the number of coded segments and the most central "
            "sentences, with speaker and segment number."
        ),
        "facts": "Project {project}, {date}; coder: {coder}.",
        "everyone": "all coders",
        "codes": "Codes {first}–{last} of {total}",
        "quotes": "quotes",
        "digest": "in draft",
    },
}


def check_suffix(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise CodebookError(f"{path}: unknown matrix format (use {', '.join(SUFFIXES)})")
    return suffix


def row_title(matrix: Matrix, attribute_label: str | None = None) -> str:
    words = TEXT[matrix.lang]["rows"]
    return words.get(matrix.rows_by) or attribute_label or matrix.rows_by


def header(matrix: Matrix, code: str) -> str:
    return f"{code}\n{matrix.labels[code]}"


def grid(matrix: Matrix, rows_title: str, headers: bool = True) -> pd.DataFrame:
    """One row per row key, one column per code (header `id` + newline + label)."""
    wide = matrix.grid("text")
    out = pd.DataFrame({rows_title: list(wide.index)})
    for code in matrix.codes:
        out[header(matrix, code) if headers else code] = wide[code].fillna("").to_numpy()
    return out


def sheets(matrix: Matrix, rows_title: str) -> dict[str, pd.DataFrame]:
    """The matrix sheet and the quotes sheet, formatted through `tables.write_workbook`."""
    words = TEXT[matrix.lang]
    table = grid(matrix, rows_title)
    table.attrs = {"wrap": set(table.columns[1:]), "freeze": "B2"}
    q = matrix.quotes
    quotes = pd.DataFrame(
        {
            rows_title: q["row"],
            "code": q["code"],
            "label": q["label"],
            "transcript": q["transcript"],
            "segment": q["segment"],
            "speaker": q["speaker"],
            "text": q["text"],
            words["digest"]: q["digest"].where(q["digest"] > 0),
        }
    )
    return {words["title"].lower(): table, f"{words['title'].lower()} {words['quotes']}": quotes}


def write(
    matrix: Matrix,
    path: Path,
    project: str,
    attribute_label: str | None = None,
    coder: str | None = None,
) -> Path:
    """Write the matrix in the format of the suffix of `path`; the file appears whole."""
    path = Path(path)
    suffix = check_suffix(path)
    title = row_title(matrix, attribute_label)
    if suffix == ".xlsx":
        from codebook.interchange.tables import write_workbook

        write_workbook(path, sheets(matrix, title))
    elif suffix == ".csv":
        with atomic_output(path) as tmp:
            csv_safe_frame(grid(matrix, title, headers=False)).to_csv(
                tmp, index=False, encoding="utf-8"
            )
    elif suffix == ".md":
        with atomic_output(path) as tmp:
            tmp.write_text(markdown(matrix, title, project, coder), encoding="utf-8")
    else:
        with atomic_output(path) as tmp:
            _docx(matrix, title, project, tmp, coder)
    return path


def _facts(matrix: Matrix, project: str, coder: str | None) -> str:
    words = TEXT[matrix.lang]
    return words["facts"].format(
        project=project, date=date.today().isoformat(), coder=coder or words["everyone"]
    )


def _chunks(codes: list[str]) -> list[list[str]]:
    return [codes[i : i + CODES_PER_TABLE] for i in range(0, len(codes), CODES_PER_TABLE)]


# -- Markdown -------------------------------------------------------------------------------


def markdown(matrix: Matrix, rows_title: str, project: str, coder: str | None = None) -> str:
    words = TEXT[matrix.lang]
    wide = matrix.grid("text")
    out = [
        f"# {_md(words['title'])}: {_md(rows_title)}",
        _md(words["intro"].format(rows=rows_title.lower())),
        _md(_facts(matrix, project, coder)),
    ]
    chunks = _chunks(matrix.codes)
    for n, codes in enumerate(chunks):
        if len(chunks) > 1:
            first, last = n * CODES_PER_TABLE + 1, n * CODES_PER_TABLE + len(codes)
            total = len(matrix.codes)
            out.append(f"## {words['codes'].format(first=first, last=last, total=total)}")
        head = [_md(rows_title)] + [f"{_md(matrix.labels[c])} ({_md(c)})" for c in codes]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in matrix.rows:
            cells = [f"**{_md(row)}**"] + [_md_cell(wide.at[row, c]) for c in codes]
            lines.append("| " + " | ".join(cells) + " |")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _md(text) -> str:
    """One line of text with Markdown and HTML markup escaped (quoted speech is not markup)."""
    text = " ".join(xml_safe(str(text)).split())
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def _md_cell(value) -> str:
    if not isinstance(value, str) or not value:
        return ""
    return "<br>".join(_md(line) for line in value.splitlines() if line.strip())


# -- Word -----------------------------------------------------------------------------------


def _docx(matrix: Matrix, rows_title: str, project: str, path: Path, coder: str | None) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    words = TEXT[matrix.lang]
    word = Document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)  # A4 landscape
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    word.styles["Normal"].font.size = Pt(9)
    word.core_properties.language = matrix.lang
    word.core_properties.title = f"{words['title']}: {rows_title}"
    word.add_heading(xml_safe(f"{words['title']}: {rows_title}"), level=0)
    word.add_paragraph(xml_safe(words["intro"].format(rows=rows_title.lower())))
    word.add_paragraph(xml_safe(_facts(matrix, project, coder)))
    c = matrix.cells
    cells = {
        (r, k): (text, status)
        for r, k, text, status in zip(c["row"], c["code"], c["text"], c["status"], strict=True)
    }
    chunks = _chunks(matrix.codes)
    for n, codes in enumerate(chunks):
        if len(chunks) > 1:
            first, last = n * CODES_PER_TABLE + 1, n * CODES_PER_TABLE + len(codes)
            text = words["codes"].format(first=first, last=last, total=len(matrix.codes))
            word.add_heading(text, level=1)
        table = word.add_table(rows=1, cols=len(codes) + 1)
        table.style = "Table Grid"
        head = table.rows[0]
        props = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        props.append(repeat)
        titles = [rows_title] + [f"{matrix.labels[c]} ({c})" for c in codes]
        for cell, title in zip(head.cells, titles, strict=True):
            cell.paragraphs[0].add_run(xml_safe(title)).bold = True
        for row in matrix.rows:
            out = table.add_row().cells
            out[0].paragraphs[0].add_run(xml_safe(str(row))).bold = True
            for cell, code in zip(out[1:], codes, strict=True):
                text, status = cells[(row, code)]
                run = cell.paragraphs[0].add_run(xml_safe(text))
                if status == "draft":  # drafts look unlike what a researcher wrote
                    run.italic = True
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        width = Cm(25.6 / (len(codes) + 0.6))
        for i, column in enumerate(table.columns):
            column.width = Cm(width.cm * 0.6) if i == 0 else width
            for cell in column.cells:
                cell.width = column.width
    word.save(path)


# -- pseudonyms -----------------------------------------------------------------------------


def hide_names(segments, coded, summaries, members, hide):
    """The matrix's inputs with names replaced (`report.pseudonyms.Pseudonymiser`): texts and
    speakers through `hide.text`, transcript names through `hide.name`, participants' names
    through `hide.text`; so every cell, quote and row key built from them is pseudonymised."""

    def frame(f: pd.DataFrame) -> pd.DataFrame:
        out = f.assign(text=f["text"].map(hide.text), speaker=f["speaker"].map(hide.text))
        out["transcript"] = f["transcript"].map(hide.name)
        if "participant" in f.columns:
            out["participant"] = f["participant"].map(hide.text)
        return out

    def case(kind: str, name: str) -> str:
        return hide.name(name) if kind == "transcript" else hide.text(name)

    summaries = summaries.assign(
        text=summaries["text"].map(hide.text),
        row=[case(k, r) for k, r in zip(summaries["row_kind"], summaries["row"], strict=True)],
    )
    if members is not None:
        members = {(k, case(k, r)): v for (k, r), v in members.items()}
    return frame(segments), frame(coded), summaries, members
