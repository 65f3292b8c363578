"""PDF from its text layer (pypdf): pages kept, running headers, footers and page numbers dropped,
paragraphs rebuilt from the positions of the lines, hyphenated line ends decided by a lexicon.

pypdf rather than pdfminer.six: on a 100-page report pypdf reads the text layer in 0.5 s,
pdfminer.six in 3.5 s (7 times as long; most of it even without its layout analysis), and the
3-second import target leaves no room for that. pdfminer's layout analysis groups lines into
boxes; here the same is done from the line positions pypdf reports (baseline gaps, indents, font
size and weight, short last lines), in the order of the content stream, which is the reading
order of the programs that write reports.
"""

from __future__ import annotations

import io
import logging
import math
import re
import statistics
from contextlib import contextmanager
from dataclasses import dataclass

from codebook.ingest.paragraphs import (
    Block,
    Line,
    TurnStarts,
    assemble,
    ends_sentence,
    guess_language,
    starts_item,
)
from codebook.model import CodebookError

MAX_PDF_BYTES = 200_000_000
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:pagina|page|blz|bladzijde|p|seite)\.?\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?"
    r"(?:\s*(?:/|van|of)\s*\d{1,4})?$",
    re.I,
)
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.I)
OCR_HINT = (
    "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`, or the scanner's own OCR) "
    "and import the result"
)


@dataclass
class PdfLine:
    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int


def read_pdf(data: bytes, name: str):
    """A `Read` of a PDF; a scan, an encrypted or a damaged file is refused with one message."""
    from codebook.ingest.readers import Read

    with _pypdf_log() as log:
        reader = _open(data, name)
        pages, empty = _extract(reader, name)
    text_pages = [p for p in pages if p]
    if not text_pages:
        raise CodebookError(f"{name}: the PDF has no text layer (a scanned document?); {OCR_HINT}")
    _check_legible(text_pages, name)
    warnings = []
    if empty:
        shown = ", ".join(str(n) for n in empty[:10]) + (" ..." if len(empty) > 10 else "")
        warnings.append(
            f"{name}: page(s) {shown} have no text layer (scanned?) and are left out; "
            f"to keep them, {OCR_HINT}"
        )
    if log.records:
        warnings.append(
            f"{name}: {len(log.records)} problem(s) in the PDF's structure were worked around "
            f"while reading (first: {log.records[0]}); check the text"
        )
    bodies = drop_furniture(text_pages)
    lang = guess_language("\n".join(ln.text for page in bodies for ln in page))
    blocks = paragraphs(bodies)
    out = assemble(blocks, lang)
    if not out.text.strip():
        raise CodebookError(f"{name}: the PDF has no text besides headers and page numbers")
    return Read(
        out.text, pages=out.pages, headings=out.headings, warnings=warnings, layout=out.lines
    )


def locate(layout: list, page: int, box: tuple[float, float, float, float]) -> tuple | None:
    """The text span of the lines inside a rectangle of a page (PDF points, any two corners;
    a REFI-QDA `PDFSelection`), from `Read.layout`: whole lines, or None if none is inside."""
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    spans = [
        (start, end)
        for (p, x, y, size), start, end in layout
        if p == page and x0 - size <= x <= x1 and y0 - size / 2 <= y <= y1 + size / 2
    ]
    if not spans:
        return None
    return min(a for a, _ in spans), max(b for _, b in spans)


class _Log(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage()[:120])


@contextmanager
def _pypdf_log():
    """pypdf's warnings about a broken file, collected (they become one warning of ours)
    instead of printed on stderr."""
    log = _Log()
    logger = logging.getLogger("pypdf")
    logger.addHandler(log)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield log
    finally:
        logger.removeHandler(log)
        logger.propagate = propagate


def _open(data: bytes, name: str):
    from pypdf import PasswordType, PdfReader

    if len(data) > MAX_PDF_BYTES:
        raise CodebookError(f"{name}: file is larger than {MAX_PDF_BYTES // 1_000_000} MB")
    if b"%PDF-" not in data[:1024]:
        raise CodebookError(f"{name}: not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise CodebookError(
                f"{name}: the PDF is encrypted with a password; save an unprotected copy "
                "(for example `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and import that"
            )
        len(reader.pages)
    except CodebookError:
        raise
    except Exception as e:  # pypdf raises many types for a broken file
        raise CodebookError(f"{name}: not a readable PDF ({_why(e)})") from None
    return reader


def _why(e: Exception) -> str:
    text = str(e).strip().splitlines()[0][:120] if str(e).strip() else ""
    return f"{e.__class__.__name__}: {text}" if text else e.__class__.__name__


def _extract(reader, name: str) -> tuple[list[list[PdfLine]], list[int]]:
    """The lines of every page, and the numbers of pages that have no text but an image."""
    pages: list[list[PdfLine]] = []
    empty: list[int] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            lines = _page_lines(page, number)
        except Exception as e:
            raise CodebookError(f"{name}: page {number} cannot be read ({_why(e)})") from None
        if not lines and _has_image(page):
            empty.append(number)
        pages.append(lines)
    return pages, empty


def _page_lines(page, number: int) -> list[PdfLine]:
    """Lines as pypdf breaks them, each placed where its first visible fragment is."""
    lines: list[PdfLine] = []
    parts: list[str] = []
    where: list = [None]  # (x, y, size, bold) of the line's first visible fragment
    bold_chars = [0, 0]  # characters in a bold font, all characters

    def close():
        text = "".join(parts).translate(_LIGATURES).strip()
        if text and where[0] is not None:
            x, y, size, _ = where[0]
            bold = bold_chars[0] >= 0.8 * bold_chars[1]
            lines.append(PdfLine(" ".join(text.split()), x, y, size, bold, number))
        parts.clear()
        where[0] = None
        bold_chars[:] = [0, 0]

    def visit(text, cm, tm, font, size):
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if piece.strip():
                bold = bool(font and _BOLD.search(str(font.get("/BaseFont", ""))))
                if where[0] is None:
                    m = _mult(tm, cm)
                    scale = math.hypot(m[2], m[3]) or 1.0
                    where[0] = (m[4], m[5], (size or 0) * scale, bold)
                n = len(piece.strip())
                bold_chars[1] += n
                bold_chars[0] += n if bold else 0
            parts.append(piece)
            if k < len(pieces) - 1:
                close()

    page.extract_text(visitor_text=visit)
    close()
    return lines


def _mult(m, n):
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _has_image(page) -> bool:
    try:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        return any(xobjects[k].get("/Subtype") == "/Image" for k in xobjects)
    except Exception:
        return False


def _check_legible(pages: list[list[PdfLine]], name: str) -> None:
    """Fonts without a Unicode map give glyph numbers, not letters: refuse rather than store."""
    text = "".join(ln.text for page in pages for ln in page)
    visible = [c for c in text if not c.isspace()]
    bad = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 32)
    letters = sum(1 for c in visible if c.isalpha())
    if visible and (bad > 0.3 * len(visible) or letters < 0.3 * len(visible)):
        raise CodebookError(
            f"{name}: the PDF's text layer cannot be read as letters (its fonts have no Unicode "
            f"map); {OCR_HINT}"
        )


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def drop_furniture(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """Without running headers and footers (a line at the top or bottom of at least half of the
    pages, digits aside) and page numbers (a bare number, 'p. 3', '3 / 40' at the top or bottom)."""
    n = len(pages)
    edges = [_edge_lines(page) for page in pages]
    counts: dict[str, int] = {}
    for edge in edges:
        for key in {_key(ln.text) for ln in edge}:
            counts[key] = counts.get(key, 0) + 1
    running = {k for k, c in counts.items() if c >= 2 and 2 * c >= n}
    out = []
    for page, edge in zip(pages, edges, strict=True):
        drop = {id(ln) for ln in edge if _key(ln.text) in running and len(ln.text) < 200}
        kept = [ln for ln in page if id(ln) not in drop]
        for ln in _edge_lines(kept, 1):
            if _PAGE_NUMBER.match(ln.text.strip()):
                drop.add(id(ln))
        out.append([ln for ln in page if id(ln) not in drop])
    return out


def _edge_lines(page: list[PdfLine], k: int = 2) -> list[PdfLine]:
    """The `k` highest and `k` lowest lines of a page."""
    ordered = sorted(page, key=lambda ln: -ln.y)
    return ordered[:k] + [ln for ln in ordered[-k:] if ln not in ordered[:k]]


def paragraphs(pages: list[list[PdfLine]]) -> list[Block]:
    """Blocks of lines: a paragraph ends at a wider gap, an indent, a change of font size or
    weight, a short line that ends a sentence, a list item or a speaker turn; it runs on over a
    page or column break when it did not end a sentence and the next line goes on in lowercase."""
    body = [ln for page in pages for ln in page]
    if not body:
        return []
    size = statistics.mode(round(ln.size, 1) for ln in body)
    pitch = _pitch(pages, size)
    turns = TurnStarts([ln.text for ln in body])
    blocks: list[Block] = []
    for page in pages:
        prev: PdfLine | None = None
        for i, ln in enumerate(page):
            heading = _is_heading(ln, size)
            nxt = page[i + 1] if i + 1 < len(page) else None
            if prev is None or not blocks:
                cont = bool(blocks) and _continues(blocks[-1], ln, heading)
            else:
                cont = not _breaks(prev, ln, nxt, heading, blocks[-1], pitch, turns)
            line = Line(ln.text, ln.page, (ln.page, ln.x, ln.y, ln.size))
            if cont:
                blocks[-1].lines.append(line)
            else:
                blocks.append(Block([line], heading))
            prev = ln
    return blocks


def _pitch(pages: list[list[PdfLine]], size: float) -> float:
    gaps = [
        a.y - b.y
        for page in pages
        for a, b in zip(page, page[1:], strict=False)
        if abs(a.size - size) < 0.5 and 0.5 * size < a.y - b.y < 3 * size
    ]
    return statistics.median(gaps) if gaps else 1.2 * size


def _is_heading(ln: PdfLine, size: float) -> bool:
    if len(ln.text) > 200:
        return False
    if ln.size > 1.15 * size:
        return True
    return ln.bold and len(ln.text) < 150 and not ln.text.rstrip().endswith((".", ",", ";"))


def _continues(block: Block, ln: PdfLine, heading: bool) -> bool:
    """Over a page or column break: the paragraph goes on if it did not end and the next line is
    lowercase (or the last word was hyphenated), or if its last line is as long as its others
    (a paragraph's last line is short)."""
    if block.heading or heading:
        return False
    last = block.lines[-1].text
    first = ln.text.lstrip()[:1]
    if not ends_sentence(last) and (first.islower() or last.endswith("-") and first.isalpha()):
        return True
    widest = max(len(line.text) for line in block.lines)
    return len(block.lines) >= 2 and len(last) >= 0.9 * widest and first.isalnum()


def _breaks(prev, ln, nxt, heading, block: Block, pitch, turns) -> bool:
    if heading != block.heading:
        return True
    dy = prev.y - ln.y
    if dy < -0.5 * ln.size or abs(ln.x - prev.x) > 20 * ln.size:  # another column or box
        return not _continues(block, ln, heading)
    if heading:
        return abs(ln.size - prev.size) > 0.5 or dy > 2 * pitch
    if dy > 1.4 * pitch:
        return True
    if turns(ln.text) or starts_item(ln.text):
        return True
    if ln.x - prev.x > 0.8 * ln.size and (nxt is None or abs(nxt.x - prev.x) < 0.5 * ln.size):
        return True  # a first-line indent
    # a short line that ends a sentence ends its paragraph; short against the lines around it,
    # so that it holds in a narrow column too
    full = max(len(line.text) for line in block.lines[-3:])
    full = max(full, len(ln.text), len(nxt.text) if nxt is not None else 0)
    return ends_sentence(prev.text) and len(prev.text) < 0.7 * full


def pages_in(text: str, read) -> list[tuple[int, int]]:
    """Where each page of a PDF (as `read_pdf` read it) starts in another text of the same PDF
    (a REFI-QDA representation written by another tool): the first words of the page, looked up
    in order, whitespace aside. Pages whose words are not found are left out."""
    out: list[tuple[int, int]] = []
    at = 0
    for offset, page in read.pages:
        words = read.text[offset : offset + 200].split()[:6]
        if not words:
            continue
        m = re.compile(r"\s+".join(re.escape(w) for w in words)).search(text, at)
        if m is None:
            continue
        start = m.start() if not out else max(m.start(), out[-1][0] + 1)
        out.append((start if out else 0, page))
        at = m.end()
    return out
