"""Read a .qdpx (zip with a .qde and sources/) or a .qdc into plain records.

Nothing here touches a project: the result is planned by `plan.py`, so a file that cannot be
read leaves the project as it was. Whatever cannot be carried over becomes a warning.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from codebook.ingest.decode import decode_raw, normalise
from codebook.interchange.refi_qda.ids import clean
from codebook.interchange.refi_qda.safety import SafeZip, parse_xml
from codebook.interchange.refi_qda.text import normalise_with_map
from codebook.model import CodebookError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
OTHER_SOURCES = ("PictureSource", "AudioSource", "VideoSource")


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool
    color: str | None
    description: str
    parent: str | None  # guid
    notes: list[str] = field(default_factory=list)  # note guids


@dataclass
class RefiCoding:
    code: str  # code guid
    user: str | None  # user guid
    start: int  # normalised positions
    end: int
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiNoteRef:
    """A note attached to a source, a span of it, or the project (source None)."""

    note: str
    source: str | None
    start: int | None = None
    end: int | None = None


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    original: bytes
    ext: str
    codings: list[RefiCoding] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # variable name -> value
    pages: list[tuple[int, int]] | None = None  # a PDF's (offset, page) where each page starts
    headings: list[tuple[int, int]] = field(default_factory=list)  # a PDF's headings, as read


@dataclass
class RefiNote:
    guid: str
    text: str
    user: str | None
    created: str | None = None  # xsd:dateTime as written
    modified: str | None = None


@dataclass
class RefiCase:
    """A case (NVivo, MAXQDA and QualCoder write them for persons): its variable values and
    what it holds, whole sources or selections of them (GUIDs)."""

    guid: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # variable name -> value
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    origin: str
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    codes: list[RefiCode] = field(default_factory=list)  # tree order
    sources: list[RefiSource] = field(default_factory=list)
    notes: dict[str, RefiNote] = field(default_factory=dict)
    note_refs: list[RefiNoteRef] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    # selection GUID -> (source GUID, start, end) of every text selection, in normalised positions
    selections: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    default_user: str | None = None
    warnings: list[str] = field(default_factory=list)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kids(el, name: str) -> list:
    return [c for c in el if _local(c) == name]


def _kid(el, name: str):
    found = _kids(el, name)
    return found[0] if found else None


def _text(el) -> str:
    return "" if el is None else "".join(el.itertext())


def _guid(el, where: str, attr: str = "guid") -> str:
    raw = el.get(attr)
    guid = clean(raw)
    if guid is None:
        line = getattr(el, "sourceline", "?")
        raise CodebookError(f"{where}: line {line}: {_local(el)} has no valid {attr} ({raw!r})")
    return guid


def _codes(parent_el, parent: str | None, where: str, out: list[RefiCode]) -> None:
    for el in _kids(parent_el, "Code"):
        guid = _guid(el, where)
        codable = (el.get("isCodable") or "true").strip().lower() in ("true", "1")
        color = (el.get("color") or "").strip() or None
        if color and len(color) == 4:  # #RGB -> #RRGGBB
            color = "#" + "".join(c * 2 for c in color[1:])
        out.append(
            RefiCode(
                guid=guid,
                name=(el.get("name") or "").strip() or guid,
                codable=codable,
                color=color,
                description=_text(_kid(el, "Description")).strip(),
                parent=parent,
                notes=[g for r in _kids(el, "NoteRef") if (g := clean(r.get("targetGUID")))],
            )
        )
        _codes(el, guid, where, out)


def read_qdc(path: Path) -> RefiProject:
    """The codes of a .qdc codebook, parents first (other parts only as warnings)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
    root = parse_xml(data, str(path)).getroot()
    if _local(root) != "CodeBook" or etree.QName(root).namespace not in (CODEBOOK_NS, None):
        raise CodebookError(
            f"{path}: not a REFI-QDA codebook (root element <{etree.QName(root).localname}>, "
            f"expected <CodeBook> in {CODEBOOK_NS})"
        )
    book = RefiProject(path.stem, root.get("origin") or "unknown tool")
    book.codes = _codebook(root, str(path))
    sets = _kid(root, "Sets")
    if sets is not None and len(sets):
        book.warnings.append(f"{path.name}: {len(sets)} Set(s) not carried over (no sets here)")
    return book


def _codebook(el, where: str) -> list[RefiCode]:
    codes_el = _kid(el, "Codes")
    out: list[RefiCode] = []
    if codes_el is not None:
        _codes(codes_el, None, where, out)
    dup = [g for g, n in Counter(c.guid for c in out).items() if n > 1]
    if dup:
        raise CodebookError(f"{where}: code GUID {dup[0]} is used twice")
    return out


def _find_qde(z: SafeZip) -> str:
    if z.find("project.qde"):
        return z.find("project.qde")
    candidates = [
        n for n in z.names if n.lower().endswith(".qde") and not n.lower().startswith("sources/")
    ]
    if len(candidates) != 1:
        what = "no .qde file" if not candidates else f"{len(candidates)} .qde files"
        raise CodebookError(f"{z.path}: not a REFI-QDA project ({what} in the archive)")
    return candidates[0]


def read_qdpx(path: Path) -> RefiProject:
    """Everything a .qdpx holds that codebook can use, with positions already normalised."""
    z = SafeZip(path)
    qde = _find_qde(z)
    where = f"{path.name}:{qde}"
    root = parse_xml(z.read(qde), where).getroot()
    if _local(root) != "Project" or etree.QName(root).namespace not in (PROJECT_NS, None):
        raise CodebookError(
            f"{where}: not a REFI-QDA project (root element <{etree.QName(root).localname}>, "
            f"expected <Project> in {PROJECT_NS})"
        )
    project = RefiProject(
        name=root.get("name") or path.stem,
        origin=root.get("origin") or "unknown tool",
        default_user=clean(root.get("creatingUserGUID")),
    )
    users_el = _kid(root, "Users")
    for el in _kids(users_el, "User") if users_el is not None else []:
        guid = _guid(el, where)
        project.users[guid] = (el.get("name") or el.get("id") or "").strip() or f"user-{guid[:8]}"
    book = _kid(root, "CodeBook")
    project.codes = _codebook(book, where) if book is not None else []
    variables: dict[str, str] = {}
    vars_el = _kid(root, "Variables")
    for el in _kids(vars_el, "Variable") if vars_el is not None else []:
        variables[_guid(el, where)] = (el.get("name") or "").strip()
    notes_el = _kid(root, "Notes")
    for el in _kids(notes_el, "Note") if notes_el is not None else []:
        guid = _guid(el, where)
        text = _source_text(z, el, where, project.warnings, kind="note")
        body = normalise(text[0]) if text else ""
        project.notes[guid] = RefiNote(
            guid, body, clean(el.get("creatingUser")),
            el.get("creationDateTime"), el.get("modifiedDateTime"),
        )  # fmt: skip
    sources_el = _kid(root, "Sources")
    skipped = Counter()
    for el in list(sources_el) if sources_el is not None else []:
        kind = _local(el)
        if kind in OTHER_SOURCES:
            skipped[kind] += 1
            continue
        if kind == "PDFSource":
            from codebook.interchange.refi_qda.pdf_source import pdf_source

            source = pdf_source(z, el, where, variables, project)
        elif kind == "TextSource":
            source = _text_source(z, el, where, variables, project)
        else:
            continue
        if source is not None:
            project.sources.append(source)
    for kind, n in skipped.items():
        project.warnings.append(
            f"{where}: {n} {kind}(s) not carried over (codebook holds text transcripts only)"
        )
    project.note_refs += [
        RefiNoteRef(g, None) for r in _kids(root, "NoteRef") if (g := clean(r.get("targetGUID")))
    ]
    if _text(_kid(root, "Description")).strip():
        project.warnings.append(f"{where}: the project description is not carried over")
    for kind in ("Cases", "Links", "Sets", "Graphs"):
        el = _kid(root, kind)
        if el is not None and len(el):
            if kind == "Cases":
                _cases(el, variables, project, where)
            else:
                project.warnings.append(
                    f"{where}: {len(el)} {kind[:-1]}(s) not carried over (no {kind} in codebook)"
                )
    return project


def _source_text(z: SafeZip, el, where: str, warnings: list[str], kind: str):
    """(raw text, original bytes, ext) of a text source or note, or None if it has none."""
    inline = _kid(el, "PlainTextContent")
    if inline is not None:
        raw = _text(inline)
        return raw, raw.encode("utf-8"), ".txt"
    name = el.get("name") or el.get("guid")
    for attr in ("plainTextPath", "richTextPath"):
        ref = (el.get(attr) or "").strip()
        if not ref:
            continue
        member = _member(z, ref)
        if member is None:
            warnings.append(f"{where}: {kind} '{name}': {attr} '{ref}' is not in the archive")
            continue
        data = z.read(member)
        ext = PurePosixPath(member).suffix.lower()
        if attr == "richTextPath":
            if ext != ".docx":
                warnings.append(
                    f"{where}: {kind} '{name}': only a {ext or 'rich text'} rendition; "
                    "not carried over (needs a plain text or .docx file)"
                )
                return None
            warnings.append(
                f"{where}: {kind} '{name}': no plain text rendition; text taken from the .docx"
            )
            return _docx_text(data, f"{where}: {member}"), data, ".docx"
        text, decode_warnings = decode_raw(data, f"{path_name(z)}:{member}")
        warnings.extend(decode_warnings)
        return text, data, ext or ".txt"
    return None


def path_name(z: SafeZip) -> str:
    return z.path.name


def _member(z: SafeZip, ref: str) -> str | None:
    """internal://x.txt -> sources/x.txt; a bare relative path is looked up in sources/ too."""
    if ref.startswith("internal://"):
        ref = ref[len("internal://") :]
    elif "://" in ref:
        return None  # absolute:// or relative:// files live outside the archive
    ref = ref.replace("\\", "/").lstrip("/")
    return z.find(f"sources/{ref}") or z.find(ref)


def _docx_text(data: bytes, where: str) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types for a broken package
        raise CodebookError(f"{where}: not a readable .docx ({e.__class__.__name__})") from None
    return "\n".join(p.text for p in document.paragraphs)


def _values(el, variables: dict[str, str], where: str, warnings: list[str]) -> dict[str, str]:
    out = {}
    for vv in _kids(el, "VariableValue"):
        ref = _kid(vv, "VariableRef")
        guid = clean(ref.get("targetGUID")) if ref is not None else None
        if guid not in variables:
            warnings.append(f"{where}: a VariableValue names an unknown variable; not carried over")
            continue
        value = next((_text(v).strip() for v in vv if _local(v) != "VariableRef"), "")
        if value:
            out[variables[guid]] = value
    return out


def _text_source(z: SafeZip, el, where: str, variables: dict[str, str], project: RefiProject):
    guid = _guid(el, where)
    path_hint = el.get("plainTextPath") or el.get("richTextPath") or ""
    stem = PurePosixPath(path_hint.split("://")[-1]).stem if path_hint else ""
    name = (el.get("name") or "").strip() or stem or guid
    selections = _kids(el, "PlainTextSelection")
    found = _source_text(z, el, where, project.warnings, kind="source")
    if found is None:
        n = sum(len(_kids(s, "Coding")) for s in selections)
        project.warnings.append(
            f"{where}: source '{name}' has no readable text; it and its {n} coding(s) were "
            "not carried over"
        )
        return None
    raw, original, ext = found
    text, pos = normalise_with_map(raw, f"{where}: source '{name}'")
    if not text.strip():
        project.warnings.append(f"{where}: source '{name}' is empty")
    source = RefiSource(guid, name, text, original, ext)
    source.variables = _values(el, variables, f"{where}: source '{name}'", project.warnings)
    bad = _selections(selections, len(raw), pos, source, project)
    bad += len(_kids(el, "Coding"))  # a coding of the whole source has no span to keep
    _warn_bad(project, where, name, bad, len(raw))
    for r in _kids(el, "NoteRef"):
        if g := clean(r.get("targetGUID")):
            project.note_refs.append(RefiNoteRef(g, guid))
    return source


def _selections(selections, size: int, pos, source: RefiSource, project: RefiProject) -> int:
    """The codings and notes of text selections onto `source` (positions through `pos`, the
    map to normalised positions); returns how many could not be kept."""
    bad = 0
    for sel in selections:
        try:
            a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            a, b = -1, -1
        if not 0 <= a < b <= size or pos(a) >= pos(b):
            bad += len(_kids(sel, "Coding")) + len(_kids(sel, "NoteRef"))
            continue
        bad += _selected(sel, source, pos(a), pos(b), project)
    return bad


def _selected(sel, source: RefiSource, start: int, end: int, project: RefiProject) -> int:
    """One selection's codings and notes on [start, end); returns the codings without a code."""
    bad = 0
    if sel_guid := clean(sel.get("guid")):
        project.selections[sel_guid] = (source.guid, start, end)
    sel_user = clean(sel.get("creatingUser"))
    for c in _kids(sel, "Coding"):
        ref = _kid(c, "CodeRef")
        code = clean(ref.get("targetGUID")) if ref is not None else None
        if code is None:
            bad += 1
            continue
        notes = [g for r in _kids(c, "NoteRef") if (g := clean(r.get("targetGUID")))]
        user = clean(c.get("creatingUser")) or sel_user
        source.codings.append(RefiCoding(code, user, start, end, notes))
    for r in _kids(sel, "NoteRef"):
        if g := clean(r.get("targetGUID")):
            project.note_refs.append(RefiNoteRef(g, source.guid, start, end))
    return bad


def _warn_bad(project: RefiProject, where: str, name: str, bad: int, size: int) -> None:
    if bad:
        project.warnings.append(
            f"{where}: source '{name}': {bad} coding(s) or note(s) with a position outside "
            f"the text (0..{size}), an empty span or no code were not carried over"
        )


def _cases(el, variables: dict[str, str], project: RefiProject, where: str) -> None:
    """Cases as read; which participant or transcript each one becomes is for the plan."""
    codes = 0
    for case in _kids(el, "Case"):
        guid = _guid(case, where)
        name = (case.get("name") or "").strip() or guid
        refs = {kind: [g for r in _kids(case, kind) if (g := clean(r.get("targetGUID")))]
                for kind in ("SourceRef", "SelectionRef")}  # fmt: skip
        values = _values(case, variables, f"{where}: case '{name}'", project.warnings)
        project.cases.append(RefiCase(guid, name, values, refs["SourceRef"], refs["SelectionRef"]))
        codes += len(_kids(case, "CodeRef"))
    if codes:
        project.warnings.append(
            f"{where}: {codes} code reference(s) of cases not carried over (a participant has "
            "attributes, not codes)"
        )
