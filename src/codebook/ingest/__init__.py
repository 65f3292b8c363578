"""Files to transcripts: decode, normalise, find speaker turns, split into sentence segments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from codebook.ingest.frontmatter import attributes_and_metadata
from codebook.ingest.readers import READERS
from codebook.ingest.segment import segment
from codebook.ingest.turns import find_turns
from codebook.model import Codebook, CodebookError, Segment, Turn
from codebook.nlp.language import LANGUAGES, detect_language

FORMATS = tuple(sorted(READERS))
REFI_FORMATS = (".qdpx", ".qdc")
# What to do with a file we cannot read: the conversion that gets it in.
_CONVERT = {
    (".doc", ".wpd", ".pages", ".wps", ".dot", ".dotx", ".docm"): "save it as .docx or .odt",
    (".ppt", ".pptx", ".odp", ".key"): "export its text as .pdf or .txt",
    (".xls", ".xlsx", ".ods", ".csv", ".tsv"): (
        "a table: attributes come in with --attributes FILE.csv, codings with "
        "'codebook codings import', Taguette highlights with 'codebook taguette import'"
    ),
    (".mp3", ".wav", ".m4a", ".mp4", ".mov", ".ogg", ".webm"): (
        "transcribe it first (a .vtt or .srt from the transcription service, or .txt)"
    ),
    (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".bmp", ".heic"): (
        "run OCR on it first and import the text (or a PDF with a text layer)"
    ),
    (".nvp", ".nvpx", ".atlproj", ".atlcb", ".mx24", ".mx22", ".mx20", ".mex", ".qda"): (
        "export a REFI-QDA project (.qdpx) from that program and import that"
    ),
    (".epub", ".mobi", ".tex", ".xml", ".json"): "convert it to .html, .pdf or .txt",
}


def unsupported(path: Path) -> str:
    """The message for a file no reader takes: what is supported and how to convert it."""
    fmt = path.suffix.lower()
    hint = next(
        (text for suffixes, text in _CONVERT.items() if fmt in suffixes),
        "convert it to .txt, .docx, .odt or .pdf",
    )
    return (
        f"{path.name}: unsupported format '{fmt or path.name}' "
        f"(supported: {', '.join((*FORMATS, *REFI_FORMATS))}); {hint}"
    )


@dataclass
class Parsed:
    name: str
    file_name: str
    format: str
    language: str
    text: str
    sha256: str
    original: bytes
    turns: list[Turn]
    segments: list[Segment]
    attributes: dict[str, str] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_transcript(
    path: Path,
    codebook: Codebook,
    attrs: dict[str, str] | None = None,
    data: bytes | None = None,
) -> Parsed:
    """Parse one file. Attributes from `attrs` override those in front matter; all are checked."""
    fmt = path.suffix.lower()
    if fmt not in READERS:
        raise CodebookError(unsupported(path))
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
    read = READERS[fmt](data, path.name)
    attributes, metadata = attributes_and_metadata(read.front, path.name, codebook.attributes)
    attributes.update(attrs or {})
    codebook.check_attributes(with_defaults(attributes, codebook), path.name)
    parsed = build_transcript(
        path.stem,
        read.text,
        codebook,
        file_name=path.name,
        format=fmt.lstrip("."),
        original=data,
        attributes=attributes,
        metadata=metadata,
        turns=read.turns,
        speakers=read.speakers,
        language=metadata.get("language"),
        pages=read.pages,
        headings=read.headings,
    )
    parsed.warnings = read.warnings
    return parsed


def build_transcript(
    name: str,
    text: str,
    codebook: Codebook,
    *,
    file_name: str,
    format: str,
    original: bytes,
    attributes: dict[str, str] | None = None,
    metadata: dict | None = None,
    turns: list[Turn] | None = None,
    speakers: set[str] | None = None,
    language: str | None = None,
    pages: list[tuple[int, int]] | None = None,
    headings: list[tuple[int, int]] | None = None,
) -> Parsed:
    """A transcript from normalised text: language, speaker turns and sentence segments.

    Every import (files, REFI-QDA sources) ends here, so all transcripts are cut the same way.
    Attributes get the codebook's defaults; checking them is the caller's (who knows the file).
    `pages` ((offset, page) where each page starts) and `headings` (spans of whole lines, one
    segment each) come from paged and structured documents.
    """
    language = str(language or detect_language(text, codebook.language))
    if language not in LANGUAGES:
        raise CodebookError(
            f"{file_name}: language '{language}' is not supported ({', '.join(LANGUAGES)})"
        )
    turns = turns if turns is not None else find_turns(text, speakers or set())
    return Parsed(
        name=name,
        file_name=file_name,
        format=format,
        language=language,
        text=text,
        sha256=sha256(text),
        original=original,
        turns=turns,
        segments=segment(text, turns, language, pages, headings),
        attributes=with_defaults(attributes or {}, codebook),
        metadata=metadata or {},
    )


def with_defaults(attributes: dict[str, str], codebook: Codebook) -> dict[str, str]:
    """`attributes` plus the default of every declared attribute it does not set."""
    out = dict(attributes)
    for attr in codebook.attributes.values():
        if attr.default is not None:
            out.setdefault(attr.name, attr.default)
    return out
