"""A REFI-QDA `<PDFSource>` as a transcript: its text, its pages and its codings.

Tools write a PDF in two ways. With a `<Representation>` (a plain-text rendition whose
PlainTextSelections carry the codings, as QualCoder and codebook write it) the text is the
representation's, so every position lands where the tool put it; the PDF, when the archive has
it, is kept as the original and tells where each page starts. Without one, the text comes from
the PDF through the project's own reader (as a PDF file import would make it) and each
`<PDFSelection>` (a page and a rectangle, no text positions) is placed on the lines inside its
rectangle; a selection that covers no line is counted in a warning.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from codebook.ingest.pdf import locate, pages_in, read_pdf
from codebook.interchange.refi_qda.ids import clean
from codebook.interchange.refi_qda.read import (
    RefiNoteRef,
    RefiProject,
    RefiSource,
    _guid,
    _kid,
    _kids,
    _member,
    _selected,
    _selections,
    _source_text,
    _values,
    _warn_bad,
)
from codebook.interchange.refi_qda.safety import SafeZip
from codebook.interchange.refi_qda.text import normalise_with_map
from codebook.model import CodebookError


def pdf_source(z: SafeZip, el, where: str, variables: dict[str, str], project: RefiProject):
    """The source of a `<PDFSource>`, or None (with a warning) if it has no text to keep."""
    guid = _guid(el, where)
    path = (el.get("path") or "").strip()
    name = (el.get("name") or "").strip() or PurePosixPath(path.split("://")[-1]).stem or guid
    what = f"{where}: PDF source '{name}'"
    pdf, problem = _pdf_bytes(z, path)
    read = None
    if pdf is not None:
        read, problem = _read(pdf)
    rep = _kid(el, "Representation")
    found = None if rep is None else _source_text(z, rep, where, project.warnings, "source")
    pdf_selections = _kids(el, "PDFSelection")
    if found is not None:
        if problem:
            project.warnings.append(f"{what}: {problem}; its text is the representation's")
        source, bad = _from_representation(el, rep, found, guid, name, pdf, read, what, project)
    elif read is not None:
        source = RefiSource(guid, name, read.text, pdf, ".pdf")
        source.pages, source.headings = read.pages, list(read.headings)
        project.warnings += [f"{what}: {w.removeprefix('the PDF: ')}" for w in read.warnings]
        bad = sum(len(_kids(s, "Coding")) for s in _kids(el, "PlainTextSelection"))
    else:
        n = sum(len(_kids(s, "Coding")) for s in pdf_selections + _kids(el, "PlainTextSelection"))
        project.warnings.append(
            f"{what} has no text representation and {problem or 'no PDF file'}; it and its "
            f"{n} coding(s) were not carried over"
        )
        return None
    if not source.text.strip():
        project.warnings.append(f"{what} is empty")
    _place_pdf_selections(pdf_selections, source, read, what, project)
    source.variables = _values(el, variables, what, project.warnings)
    bad += len(_kids(el, "Coding"))  # a coding of the whole source has no span to keep
    _warn_bad(project, where, name, bad, len(source.text))
    for r in _kids(el, "NoteRef"):
        if g := clean(r.get("targetGUID")):
            project.note_refs.append(RefiNoteRef(g, guid))
    return source


def _pdf_bytes(z: SafeZip, path: str) -> tuple[bytes | None, str | None]:
    """The PDF file the source names if the archive holds it, else why not."""
    if not path:
        return None, "no PDF file"
    member = _member(z, path)
    if member is None:
        return None, f"its PDF '{path}' is not in the archive"
    return z.read(member), None


def _read(pdf: bytes):
    """The PDF as the project's reader reads it (its warnings matter only where its text is
    used), or None and why it cannot be read."""
    try:
        return read_pdf(pdf, "the PDF"), None
    except CodebookError as e:
        return None, str(e).removeprefix("the PDF: ")


def _from_representation(el, rep, found, guid, name, pdf, read, what, project: RefiProject):
    """The source from its text representation; returns it and the codings it could not keep.
    PlainTextSelections directly under the PDFSource (some tools put them there) count too."""
    raw, original, ext = found
    text, pos = normalise_with_map(raw, what)
    if pdf is not None:
        original, ext = pdf, ".pdf"
    source = RefiSource(guid, name, text, original, ext)
    if read is not None:
        source.pages = pages_in(text, read) or None
    for r in _kids(rep, "NoteRef"):
        if g := clean(r.get("targetGUID")):
            project.note_refs.append(RefiNoteRef(g, guid))
    selections = _kids(rep, "PlainTextSelection") + _kids(el, "PlainTextSelection")
    bad = _selections(selections, len(raw), pos, source, project)
    return source, bad + len(_kids(rep, "Coding"))


def _place_pdf_selections(selections, source: RefiSource, read, what: str, project) -> None:
    """Each PDFSelection on the text of the lines inside its rectangle; those that cannot be
    placed (no PDF to read, no line inside, a bad rectangle) are counted in one warning."""
    if not selections:
        return
    pages = [_int(s.get("page")) for s in selections]
    base = 0 if 0 in pages else 1  # the standard does not say; some tools count from 0
    lost = lost_codings = 0
    for sel, page in zip(selections, pages, strict=True):
        span = None
        if read is not None and page is not None:
            box = tuple(_int(sel.get(k)) for k in ("firstX", "firstY", "secondX", "secondY"))
            if None not in box:
                span = _span(read, page - base + 1, box, source.text)
        if span is None:
            lost += 1
            lost_codings += len(_kids(sel, "Coding"))
            continue
        lost_codings += _selected(sel, source, span[0], span[1], project)
    if lost:
        project.warnings.append(
            f"{what}: {lost} PDF selection(s) ({lost_codings} coding(s)) could not be placed "
            "in the text (no text line inside the rectangle on that page); not carried over"
        )


def _span(read, page: int, box: tuple, text: str) -> tuple[int, int] | None:
    """The span of the rectangle's lines in `text`: the PDF's own text, or (a representation
    another tool wrote) the first place the same words are found, whitespace aside."""
    found = locate(read.layout, page, box)
    if found is None:
        return None
    if text == read.text:
        a, b = found
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        return (a, b) if a < b else None
    words = read.text[found[0] : found[1]].split()
    if not words:
        return None
    m = re.compile(r"\s+".join(re.escape(w) for w in words)).search(text)
    return (m.start(), m.end()) if m else None


def _int(value: str | None) -> int | None:
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return None
