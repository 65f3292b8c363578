"""Taguette's route: its codebook CSV and highlights CSV in, a codebook CSV it imports out.

Taguette writes its codebook as `tag,description,number of highlights` (newer versions add a
`parent` column) and its highlights as `id,document,tag,content`; it reads a codebook from any
CSV with one of `tag`, `name` or `path`, and optionally `description` and `parent`. A dotted
tag path (`Drempels.Taal`) is a hierarchy: `Taal` under `Drempels`, with the parent made a
grouping code when the file does not list it as a tag of its own.

Highlights carry no positions, only their text: each is found in the transcript named like its
document (whitespace aside), searching on from the previous highlight of that document, as
Taguette lists them in document order.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe, csv_unsafe
from codebook.model import Code, Codebook, CodebookError, Coding, Transcript, check_name

MAX_BYTES = 50_000_000
SHOWN = 20


@dataclass
class Tag:
    path: str  # the tag as Taguette names it
    parent: str  # a parent tag's path ('' at the top)
    description: str
    label: str  # the last part of a dotted path
    line: int


@dataclass
class Highlight:
    id: str
    document: str
    tag: str
    content: str
    line: int


@dataclass
class CodeChanges:
    """Tags mapped to codes: `ids` tag path -> code id; `new` codes to add (parents first)."""

    ids: dict[str, str] = field(default_factory=dict)
    new: list[Code] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)


@dataclass
class HighlightImport:
    codings: list[Coding] = field(default_factory=list)
    changes: CodeChanges = field(default_factory=CodeChanges)
    warnings: list[str] = field(default_factory=list)
    highlights: int = 0


def _rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (lowercased) and rows with their line numbers; UTF-8, else Windows-1252."""
    from codebook.ingest.decode import decode

    try:
        data = path.read_bytes()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
    if len(data) > MAX_BYTES:
        raise CodebookError(f"{path}: file is larger than {MAX_BYTES // 1_000_000} MB")
    text, _ = decode(data, path.name)
    try:
        reader = csv.reader(io.StringIO(text))
        header = [h.strip().lower() for h in next(reader)]
        rows = [(reader.line_num, [csv_unsafe(c) for c in row]) for row in reader]
    except (csv.Error, StopIteration) as e:
        raise CodebookError(f"{path}: not a readable CSV file ({e})") from None
    return header, [(n, r) for n, r in rows if any(c.strip() for c in r)]


def read_header(path: Path) -> list[str]:
    return _rows(Path(path))[0]


def is_highlights(header: list[str]) -> bool:
    """A highlights export has the highlighted text and its document; a codebook has neither."""
    return "content" in header and "document" in header


def add_codes(codebook_path: Path, codes: list[Code]) -> None:
    """Append new codes (parents first) to the codebook YAML in one checked, atomic write."""
    from codebook.codebooks.edit import add_code_to, read_yaml, write_yaml
    from codebook.codebooks.parse import parse

    data = read_yaml(codebook_path)
    for code in codes:
        add_code_to(data, code, codebook_path)
    problems = parse(data, str(codebook_path))[1]
    if problems:
        raise CodebookError("the imported tags make an invalid codebook:\n" + "\n".join(problems))
    write_yaml(codebook_path, data)


def _column(header: list[str], path: Path, *names: str, required: bool = True) -> int | None:
    found = [n for n in names if n in header]
    if len(found) > 1:
        raise CodebookError(f"{path}: not sure which column holds the tag ({', '.join(found)})")
    if not found:
        if required:
            wanted = " or ".join(f"'{n}'" for n in names)
            raise CodebookError(f"{path}: no {wanted} column (columns: {', '.join(header)})")
        return None
    return header.index(found[0])


def _cell(row: list[str], col: int | None) -> str:
    return row[col].strip() if col is not None and col < len(row) else ""


def read_codebook(path: Path) -> list[Tag]:
    """The tags of a Taguette codebook CSV (or any CSV Taguette would take as one)."""
    path = Path(path)
    header, rows = _rows(path)
    col = _column(header, path, "tag", "name", "path")
    desc = _column(header, path, "description", required=False)
    parent = _column(header, path, "parent", required=False)
    tags, errors = [], []
    for line, row in rows:
        name = _cell(row, col)
        if not name:
            errors.append(f"{path}:{line}: empty tag name")
            continue
        tags.append(_tag(name, _cell(row, parent), _cell(row, desc), line))
    if errors:
        raise CodebookError("\n".join(errors[:SHOWN]) + "\nNothing was imported.")
    if not tags:
        raise CodebookError(f"{path}: no tags")
    return tags


def _tag(path: str, parent: str, description: str, line: int) -> Tag:
    parts = [p.strip() for p in path.split(".")]
    if not parent and len(parts) > 1 and all(parts):
        return Tag(path, ".".join(parts[:-1]), description, parts[-1], line)
    return Tag(path, parent, description, path, line)


def read_highlights(path: Path) -> list[Highlight]:
    """Rows of a Taguette highlights CSV: one per highlight and tag."""
    path = Path(path)
    header, rows = _rows(path)
    doc = _column(header, path, "document")
    tag = _column(header, path, "tag_path", "tag") if "tag_path" in header else None
    tag = tag if tag is not None else _column(header, path, "tag")
    content = _column(header, path, "content")
    ident = _column(header, path, "id", required=False)
    out = []
    for line, row in rows:
        out.append(
            Highlight(
                _cell(row, ident) or f"row{line}",
                _cell(row, doc),
                _cell(row, tag),
                row[content] if content < len(row) else "",
                line,
            )
        )
    if not out:
        raise CodebookError(f"{path}: no highlights")
    return out


def _slug(text: str) -> str:
    from codebook.interchange.refi_qda.codes import slug

    return slug(text, "_").replace(".", "_")


def map_tags(tags: list[Tag], codebook: Codebook, lang: str, where: str) -> CodeChanges:
    """Each tag to a code: an existing one with the same label under the same parent (or the
    same id), else a new one; parents that are only implied by a dotted path become grouping
    codes."""
    listed = {t.path: t for t in tags}
    for t in list(tags):  # implied parents, top first
        parent = t.parent
        while parent and parent not in listed:
            grand, _, label = parent.rpartition(".")
            listed[parent] = Tag(parent, grand, "", label, t.line)
            parent = grand
    out = CodeChanges()
    taken = set(codebook.codes)
    by_label = {
        (c.parent, label.casefold()): c.id
        for c in codebook.codes.values()
        for label in (*c.label.values(), c.id)
    }
    for path in sorted(listed, key=lambda p: _depth(p, listed)):
        t = listed[path]
        if t.parent and t.parent not in listed:
            raise CodebookError(f"{where}:{t.line}: parent tag '{t.parent}' is not in the file")
        parent_id = out.ids.get(t.parent) if t.parent else None
        known = by_label.get((parent_id, t.label.casefold()))
        if known is not None:
            out.ids[path] = known
            out.matched.append(known)
            continue
        base = f"{parent_id}.{_slug(t.label)}" if parent_id else _slug(t.label)
        code_id, n = base, 2
        while code_id in taken:
            code_id, n = f"{base}_{n}", n + 1
        taken.add(code_id)
        implied = path not in {x.path for x in tags}
        out.new.append(
            Code(code_id, {lang: t.label}, parent_id, not implied, definition=t.description)
        )
        out.ids[path] = code_id
        by_label[(parent_id, t.label.casefold())] = code_id
    return out


def _depth(path: str, listed: dict[str, Tag]) -> int:
    depth, parent, seen = 0, listed[path].parent, {path}
    while parent and parent in listed and parent not in seen:
        seen.add(parent)
        depth, parent = depth + 1, listed[parent].parent
    return depth


def plan_highlights(
    path: Path,
    highlights: list[Highlight],
    transcripts: list[Transcript],
    codebook: Codebook,
    coder: str,
    lang: str,
) -> HighlightImport:
    """The codings the highlights make (and the codes their tags need), nothing written."""
    check_name(coder, "coder name")
    tags = {h.tag: _tag(h.tag, "", "", h.line) for h in highlights if h.tag}
    result = HighlightImport(highlights=len({h.id for h in highlights}))
    result.changes = map_tags(list(tags.values()), codebook, lang, str(path))
    ids = result.changes.ids
    grouping = {
        tag: ids[tag]
        for tag in tags
        if ids[tag] in codebook.codes and not codebook.codes[ids[tag]].codable
    }
    if grouping:
        raise CodebookError(
            f"{path}: tag(s) {', '.join(sorted(grouping))} are grouping codes in the codebook "
            "(not codable); nothing was imported"
        )
    by_name = _transcript_names(transcripts)
    unknown: dict[str, int] = {}
    missing = untagged = 0
    cursor: dict[int, int] = {}
    spans: dict[str, tuple[Transcript, int, int] | None] = {}
    for h in highlights:
        t = by_name.get(_name_key(h.document))
        if t is None:
            unknown[h.document] = unknown.get(h.document, 0) + 1
            continue
        if h.id not in spans:
            spans[h.id] = _find(t, h.content, cursor)
            if spans[h.id] is None:
                missing += 1
        span = spans[h.id]
        if span is None:
            continue
        if not h.tag:
            untagged += 1
            continue
        code = ids[h.tag]
        result.codings.append(Coding(None, t.id, span[1], span[2], code, coder, "import"))
    if unknown and len(unknown) == len({h.document for h in highlights}):
        names = ", ".join(sorted(unknown)[:5])
        raise CodebookError(
            f"{path}: no transcript named like its document(s) ({names}); import the documents "
            "first (with the names Taguette shows)"
        )
    if unknown:
        names = ", ".join(f"'{d}'" for d in sorted(unknown)[:5])
        result.warnings.append(
            f"{path}: {sum(unknown.values())} highlight row(s) of document(s) {names} skipped: "
            "no transcript of that name"
        )
    if missing:
        result.warnings.append(
            f"{path}: {missing} highlight(s) not found in their transcript's text (changed "
            "since it was highlighted?); skipped"
        )
    if untagged:
        result.warnings.append(f"{path}: {untagged} highlight(s) without a tag skipped")
    return result


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _transcript_names(transcripts: list[Transcript]) -> dict[str, Transcript]:
    out: dict[str, Transcript] = {}
    for t in transcripts:  # the name wins over the file name over the file name's stem
        for key in (Path(t.file_name).stem, t.file_name, t.name):
            out[_name_key(key)] = t
    return out


def _find(t: Transcript, content: str, cursor: dict[int, int]) -> tuple | None:
    """Where `content` is in the transcript (any whitespace between its words), searching on
    from the last find in this transcript, then from the top."""
    words = content.split()
    if not words:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    start = cursor.get(t.id, 0)
    m = pattern.search(t.text, start) or pattern.search(t.text)
    if m is None:
        return None
    cursor[t.id] = m.start()
    return (t, m.start(), m.end())


def tag_paths(codebook: Codebook, lang: str) -> dict[str, str]:
    """Code id -> its Taguette tag: labels from the top down, joined by dots (a dot inside a
    label would split it, so it becomes a space)."""
    out: dict[str, str] = {}
    for code in codebook.codes.values():  # parents come before their children
        label = code.name(lang).replace(".", " ").strip() or code.id
        out[code.id] = f"{out[code.parent]}.{label}" if code.parent in out else label
    return out


def write_codebook(codebook: Codebook, path: Path, lang: str) -> int:
    """The code tree as a CSV Taguette imports (`tag,description`); returns the tag count."""
    paths = tag_paths(codebook, lang)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["tag", "description"])
    for code in codebook.codes.values():
        description = " ".join(code.definition.split())
        writer.writerow([csv_safe(paths[code.id]), csv_safe(description)])
    with atomic_output(Path(path)) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8")
    return len(paths)
