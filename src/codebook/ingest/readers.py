"""One reader per file format. Each returns the normalised text and, where the format itself
marks speakers (subtitles, bold names in Word), the turns or the speaker names it saw."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from codebook.ingest.decode import decode, normalise
from codebook.ingest.documents import read_html, read_odt, read_rtf
from codebook.ingest.frontmatter import split
from codebook.ingest.pdf import read_pdf
from codebook.model import CodebookError, Turn

MAX_DOCX_UNCOMPRESSED = 200_000_000


@dataclass
class Read:
    text: str
    front: dict = field(default_factory=dict)
    turns: list[Turn] | None = None  # None: find them in the text
    speakers: set[str] = field(default_factory=set)  # names the format marked as speakers
    warnings: list[str] = field(default_factory=list)
    pages: list[tuple[int, int]] | None = None  # (offset, page) where each page's text starts
    headings: list[tuple[int, int]] = field(default_factory=list)  # spans kept as one segment
    layout: list = field(default_factory=list)  # PDF: ((page, x, y, size), start, end) per line


def read_plain(data: bytes, name: str) -> Read:
    """.txt and .md: optional YAML front matter, then the transcript."""
    text, warnings = decode(data, name)
    front, body = split(text, name)
    body = body.strip("\n").rstrip()
    if not body.strip():
        raise CodebookError(f"{name}: no transcript text after the front matter")
    return Read(body, front, warnings=warnings)


def read_docx(data: bytes, name: str) -> Read:
    """Paragraphs and table rows in document order; a bold run opening a paragraph is a speaker."""
    import docx
    from docx.table import Table

    _check_zip(data, name)
    warnings = _doctype_warnings(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types for a broken package
        raise CodebookError(f"{name}: not a readable .docx file ({e.__class__.__name__})") from None
    lines: list[str] = []
    speakers: set[str] = set()
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                if len(cells) >= 2 and len(cells[0]) <= 40:
                    speakers.add(cells[0].rstrip(":"))
                    lines.append(f"{cells[0].rstrip(':')}: {' '.join(cells[1:])}")
                elif cells:
                    lines.append(" ".join(cells))
            continue
        runs = block.runs
        text = block.text
        bold = ""
        for run in runs:
            if run.bold and (run.text.strip() or not bold):
                bold += run.text
            else:
                break
        speaker = bold.strip().rstrip(":").strip()
        if speaker and len(speaker) <= 40 and text.strip() != bold.strip():
            rest = text[len(bold) :].lstrip(" :\t")
            speakers.add(speaker)
            lines.append(f"{speaker}: {rest}")
        else:
            lines.append(text)
    text = normalise("\n".join(lines)).strip("\n").rstrip()
    if not text.strip():
        raise CodebookError(f"{name}: the document has no text")
    return Read(text, speakers=speakers, warnings=warnings)


_VOICE_COLON = re.compile(r"^([^\W\d_][\w'’.\- ]{0,38}?):\s+(.*)$", re.S)


def read_subtitles(data: bytes, name: str, fmt: str) -> Read:
    """WebVTT (Teams `<v Name>` tags, Zoom `Name: text` cues) and SRT via webvtt-py.

    The stored text has one line per merged turn, `[hh:mm:ss] Name: text`, which reads as a
    transcript and would parse back to the same turns.
    """
    import webvtt
    from webvtt.errors import MalformedFileError

    text, warnings = decode(data, name)
    try:
        captions = list(webvtt.from_buffer(io.StringIO(text), format=fmt))
    except (MalformedFileError, ValueError, IndexError) as e:
        raise CodebookError(f"{name}: not a valid {fmt.upper()} file ({e})") from None
    merged: list[list] = []  # [speaker, start seconds, [texts]]
    for cap in captions:
        speaker, body = cap.voice, " ".join(cap.text.split())
        if not speaker:
            m = _VOICE_COLON.match(body)
            if m:
                speaker, body = m.group(1).strip(), m.group(2)
        if not body:
            continue
        if merged and merged[-1][0] == speaker:
            merged[-1][2].append(body)
        else:
            merged.append([speaker, _seconds(cap.start), [body]])
    if not merged:
        raise CodebookError(f"{name}: no cues with text")
    out, turns, pos = [], [], 0
    for speaker, start, bodies in merged:
        label = f"[{_clock(start)}] " + (f"{speaker}: " if speaker else "")
        speech = normalise(" ".join(bodies))
        line = label + speech
        turns.append(Turn(speaker, pos + len(label), pos + len(line), start))
        out.append(line)
        pos += len(line) + 1
    return Read("\n".join(out), turns=turns, warnings=warnings)


def _seconds(clock: str) -> float:
    h, m, s = clock.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _check_zip(data: bytes, name: str) -> None:
    """Refuse what is not a zip, and zip bombs, before python-docx inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
            if len(z.infolist()) > 10_000 or total > MAX_DOCX_UNCOMPRESSED:
                raise CodebookError(f"{name}: .docx is too large when unpacked")
    except zipfile.BadZipFile:
        raise CodebookError(f"{name}: not a .docx file (not a zip archive)") from None


_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def _doctype_warnings(data: bytes, name: str) -> list[str]:
    """Word never writes a DOCTYPE; one in a part is ignored by the XML parser (no entities
    are expanded, nothing is fetched), and the researcher is told rather than left guessing
    why a declared entity did not appear."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with z.open(info) as part:
                head = part.read(1_000_000)  # a prolog longer than this is not Word's
            root = _ROOT_ELEMENT.search(head)
            if _DOCTYPE.search(head, 0, root.start() if root else len(head)):
                found.append(info.filename)
    if not found:
        return []
    return [
        f"{name}: a document type declaration (DOCTYPE) in {', '.join(found)} was ignored; "
        "entities it declares are not expanded"
    ]


READERS = {
    ".txt": read_plain,
    ".md": read_plain,
    ".markdown": read_plain,
    ".docx": read_docx,
    ".vtt": lambda data, name: read_subtitles(data, name, "vtt"),
    ".srt": lambda data, name: read_subtitles(data, name, "srt"),
    ".pdf": read_pdf,
    ".odt": read_odt,
    ".rtf": read_rtf,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
}
