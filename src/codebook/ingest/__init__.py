"""Files to transcripts: decode, normalise, find speaker turns, split into sentence segments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import simplemma

from codebook.ingest.frontmatter import attributes_and_metadata
from codebook.ingest.readers import READERS
from codebook.ingest.segment import segment
from codebook.ingest.turns import find_turns
from codebook.model import Codebook, CodebookError, Segment, Turn
from codebook.nlp import LANGUAGES

FORMATS = tuple(sorted(READERS))


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
        raise CodebookError(
            f"{path.name}: unsupported format '{fmt or path.name}' "
            f"(supported: {', '.join(FORMATS)}, .qdpx)"
        )
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
    read = READERS[fmt](data, path.name)
    attributes, metadata = attributes_and_metadata(read.front, path.name, codebook.attributes)
    attributes.update(attrs or {})
    for attr in codebook.attributes.values():
        if attr.default is not None:
            attributes.setdefault(attr.name, attr.default)
    codebook.check_attributes(attributes, path.name)
    language = str(metadata.get("language") or _detect(read.text, codebook.language))
    if language not in LANGUAGES:
        raise CodebookError(
            f"{path.name}: language '{language}' is not supported ({', '.join(LANGUAGES)})"
        )
    turns = read.turns if read.turns is not None else find_turns(read.text, read.speakers)
    return Parsed(
        name=path.stem,
        file_name=path.name,
        format=fmt.lstrip("."),
        language=language,
        text=read.text,
        sha256=sha256(read.text),
        original=data,
        turns=turns,
        segments=segment(read.text, turns, language),
        attributes=attributes,
        metadata=metadata,
        warnings=read.warnings,
    )


def _detect(text: str, default: str) -> str:
    """Dutch or English, from simplemma's dictionary coverage of the first few thousand chars."""
    scores = dict(simplemma.langdetect(text[:5000], lang=LANGUAGES))
    best = max(LANGUAGES, key=lambda lang: scores.get(lang, 0.0))
    return best if scores.get(best, 0.0) >= 0.2 else default
