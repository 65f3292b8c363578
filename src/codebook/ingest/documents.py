"""ODT (odfpy), RTF (striprtf) and HTML (lxml.html): body text only, one block per paragraph,
headings as blocks of their own, speaker turns as in Word files (a bold name opening a
paragraph, a two-column table row) or as in .txt (`Name: text`).

Left out: scripts, styles and page chrome (HTML `nav`), comments, tracked deletions, and
hidden text; footnotes come after the body as paragraphs of their own.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from codebook.ingest.decode import decode
from codebook.ingest.paragraphs import Block, Line, assemble
from codebook.model import CodebookError

MAX_UNPACKED = 200_000_000
MAX_SPEAKER = 40


@dataclass
class Blocks:
    """Paragraphs as they are found; a paragraph is a list of (text, bold) runs."""

    blocks: list[Block] = field(default_factory=list)
    speakers: set[str] = field(default_factory=set)
    runs: list[tuple[str, bool]] = field(default_factory=list)

    def add(self, text: str, bold: bool = False) -> None:
        if text:
            self.runs.append((text, bold))

    def flush(self, heading: bool = False, pre: bool = False) -> None:
        """End the current paragraph (a `pre` one keeps its line breaks as paragraphs)."""
        runs, self.runs = self.runs, []
        text = "".join(t for t, _ in runs)
        if pre:
            for line in text.split("\n"):
                self.paragraph(line, heading)
            return
        bold = ""
        for t, b in runs:
            if not b and t.strip():
                break
            bold += t
        speaker = " ".join(bold.split()).rstrip(":").strip()
        rest = " ".join(text.split())
        if speaker and not heading and len(speaker) <= MAX_SPEAKER and rest != speaker:
            body = " ".join(text[len(bold) :].split()).lstrip(": ")
            if body:
                self.speakers.add(speaker)
                rest = f"{speaker}: {body}"
        self.paragraph(rest, heading)

    def paragraph(self, text: str, heading: bool = False) -> None:
        text = " ".join(text.split())
        if text:
            self.blocks.append(Block([Line(text)], heading))

    def row(self, cells: list[str]) -> None:
        """A table row: `speaker | text` becomes a turn, as in .docx; other rows one paragraph."""
        cells = [" ".join(c.split()) for c in cells]
        cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
        if len(cells) >= 2 and len(cells[0]) <= MAX_SPEAKER:
            speaker = cells[0].rstrip(":")
            self.speakers.add(speaker)
            self.paragraph(f"{speaker}: {' '.join(cells[1:])}")
        elif cells:
            self.paragraph(" ".join(cells))

    def read(self, name: str, warnings: list[str] | None = None):
        from codebook.ingest.readers import Read

        out = assemble(self.blocks)
        if not out.text.strip():
            raise CodebookError(f"{name}: the document has no text")
        return Read(
            out.text, speakers=self.speakers, headings=out.headings, warnings=warnings or []
        )


# -- HTML -------------------------------------------------------------------------------------
_DROP = {
    "script", "style", "noscript", "template", "head", "title", "nav", "svg", "math", "canvas",
    "iframe", "object", "embed", "button", "select", "textarea", "input", "form", "audio",
    "video", "map",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "li", "ul", "ol",
    "dl", "dt", "dd", "blockquote", "figure", "figcaption", "caption", "address", "hr", "body",
    "center", "details", "summary", "fieldset", "legend",
}  # fmt: skip
_BOLD_TAGS = {"b", "strong"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def read_html(data: bytes, name: str):
    """.html / .htm / .xhtml: the body's text in document order."""
    import lxml.html
    from lxml import etree

    text, warnings = _decode_html(data, name)
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=False
    )
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text), parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise CodebookError(f"{name}: not a readable HTML file ({e})") from None
    out = Blocks()
    body = root.find("body")
    _html_walk(body if body is not None else root, out, bold=False)
    out.flush()
    return out.read(name, warnings)


def _decode_html(data: bytes, name: str) -> tuple[str, list[str]]:
    m = _META_CHARSET.search(data[:4096])
    charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    if charset not in ("utf-8", "utf8") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode(charset), []
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: fall back to the usual detection
    return decode(data, name)


def _html_walk(el, out: Blocks, bold: bool) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _DROP or el.get("hidden") is not None or _HIDDEN_STYLE.search(el.get("style", "")):
        return
    if tag in _HEADINGS:
        out.flush()
        out.add(el.text_content())
        out.flush(heading=True)
        return
    if tag == "tr":
        out.flush()
        out.row([c.text_content() for c in el if isinstance(c.tag, str) and c.tag in ("td", "th")])
        return
    if tag == "pre":
        out.flush()
        out.add(el.text_content())
        out.flush(pre=True)
        return
    if tag == "br":
        out.flush()
        return
    block = tag in _BLOCKS or tag in ("table", "tbody", "thead", "tfoot")
    if block:
        out.flush()
    bold = bold or tag in _BOLD_TAGS
    out.add(el.text or "", bold)
    for child in el:
        _html_walk(child, out, bold)
        if isinstance(child.tag, str) or child.tail:
            out.add(child.tail or "", bold)
    if block:
        out.flush()


# -- ODT --------------------------------------------------------------------------------------
def read_odt(data: bytes, name: str):
    """.odt: headings, paragraphs, lists and tables of the body, in order."""
    from odf.opendocument import load

    _check_zip(data, name, "content.xml")
    try:
        doc = load(io.BytesIO(data))
    except Exception as e:  # odfpy raises what the XML or zip layer raises
        raise CodebookError(f"{name}: not a readable .odt file ({e.__class__.__name__})") from None
    styles = _OdtStyles(doc)
    out = Blocks()
    notes: list[str] = []
    _odt_walk(doc.text, out, styles, notes, bold=False)
    out.flush()
    for note in notes:
        out.paragraph(note)
    return out.read(name)


def _check_zip(data: bytes, name: str, member: str) -> None:
    """Refuse what is not a zip with `member`, and zip bombs, before anything is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > 10_000 or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise CodebookError(f"{name}: the file is too large when unpacked")
            if member not in z.namelist():
                raise CodebookError(f"{name}: not an OpenDocument text (no {member})")
    except zipfile.BadZipFile:
        raise CodebookError(f"{name}: not an OpenDocument file (not a zip archive)") from None


class _OdtStyles:
    """Which paragraph and text styles are bold or headings (following parent styles)."""

    def __init__(self, doc):
        from odf.namespaces import FONS, STYLENS

        self.parent: dict[str, str] = {}
        self.bold: dict[str, bool] = {}
        self.outline: set[str] = set()
        for root in (doc.styles, doc.automaticstyles):
            for st in root.getElementsByType(_style_class()):
                sname = st.getAttrNS(STYLENS, "name")
                parent = st.getAttrNS(STYLENS, "parent-style-name")
                if parent:
                    self.parent[sname] = parent
                if st.getAttrNS(STYLENS, "default-outline-level") or (
                    sname or ""
                ).lower().startswith(("heading", "title", "kop")):
                    self.outline.add(sname)
                for props in st.childNodes:
                    if getattr(props, "qname", None) == (STYLENS, "text-properties"):
                        weight = props.getAttrNS(FONS, "font-weight")
                        if weight:
                            self.bold[sname] = weight in ("bold", "600", "700", "800", "900")

    def _chain(self, name: str | None):
        seen = set()
        while name and name not in seen:
            seen.add(name)
            yield name
            name = self.parent.get(name)

    def is_bold(self, name: str | None) -> bool | None:
        for n in self._chain(name):
            if n in self.bold:
                return self.bold[n]
        return None

    def is_heading(self, name: str | None) -> bool:
        return any(n in self.outline for n in self._chain(name))


def _style_class():
    from odf.style import Style

    return Style


_ODT_SKIP = {"tracked-changes", "annotation", "note-citation", "bookmark-ref", "sequence-decls"}


def _odt_walk(el, out: Blocks, styles: _OdtStyles, notes: list[str], bold: bool) -> None:
    from odf.namespaces import OFFICENS, TABLENS, TEXTNS

    for node in el.childNodes:
        if node.nodeType == node.TEXT_NODE:
            out.add(str(node.data), bold)
            continue
        ns, local = node.qname
        if ns == OFFICENS and local == "annotation" or local in _ODT_SKIP:
            continue
        style = node.getAttrNS(TEXTNS, "style-name") if ns == TEXTNS else None
        if ns == TEXTNS and local in ("p", "h"):
            out.flush()
            heading = local == "h" or styles.is_heading(style)
            _odt_walk(node, out, styles, notes, bool(styles.is_bold(style)))
            out.flush(heading=heading)
        elif ns == TEXTNS and local == "span":
            own = styles.is_bold(style)
            _odt_walk(node, out, styles, notes, bold if own is None else own)
        elif ns == TEXTNS and local == "s":
            out.add(" " * int(node.getAttrNS(TEXTNS, "c") or 1), bold)
        elif ns == TEXTNS and local == "tab":
            out.add("\t", bold)
        elif ns == TEXTNS and local == "line-break":
            out.flush()
        elif ns == TEXTNS and local == "note":
            body = Blocks()
            for child in node.childNodes:
                if child.qname == (TEXTNS, "note-body"):
                    _odt_walk(child, body, styles, [], False)
            body.flush()
            notes.extend(b.text for b in body.blocks)
        elif ns == TABLENS and local == "table-row":
            out.flush()
            out.row([_odt_text(cell) for cell in node.childNodes if cell.qname[1] == "table-cell"])
        else:
            _odt_walk(node, out, styles, notes, bold)


def _odt_text(el) -> str:
    from odf import teletype

    return " ".join(teletype.extractText(p) for p in el.childNodes if p.nodeType != p.TEXT_NODE)


# -- RTF --------------------------------------------------------------------------------------
_CODEPAGE = re.compile(r"\\ansicpg(\d+)")


def read_rtf(data: bytes, name: str):
    """.rtf: paragraphs as striprtf reads them (pictures and hidden groups dropped)."""
    from striprtf.striprtf import rtf_to_text

    text, warnings = decode(data, name)
    if not text.lstrip().startswith("{\\rtf"):
        raise CodebookError(f"{name}: not an RTF file (it does not start with {{\\rtf)")
    m = _CODEPAGE.search(text[:2000])
    encoding = f"cp{m.group(1)}" if m else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        plain = rtf_to_text(text, encoding=encoding, errors="replace")
    except Exception as e:  # striprtf is a tokenizer; broken input raises what it raises
        raise CodebookError(f"{name}: not a readable RTF file ({e.__class__.__name__})") from None
    out = Blocks()
    for line in plain.splitlines():
        out.paragraph(line)
    return out.read(name, warnings)
