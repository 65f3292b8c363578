"""Write REFI-QDA: a .qdc codebook, or a .qdpx with project.qde and sources/<guid>.txt.

The XML is built with lxml (escaping is the library's job) and validated against the schemas
in the tests. Positions are our code-point offsets; sources are written as UTF-8 with `\\n`,
exactly the text the offsets count in.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from codebook.interchange.refi_qda.cases import People, Turn, write_cases
from codebook.interchange.refi_qda.describe import fold
from codebook.interchange.refi_qda.ids import code_guid, derive
from codebook.interchange.refi_qda.read import CODEBOOK_NS, PROJECT_NS
from codebook.model import Codebook, CodebookError, Coding, Memo, Transcript

ORIGIN = "codebook"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
P = f"{{{PROJECT_NS}}}"  # the project namespace, as lxml spells a tag in it


@dataclass
class Guids:
    """Where GUIDs come from: imported ones are kept, the rest are derived."""

    scope: str  # the project's own scope for sources, users, selections, notes
    codebook_id: str
    known: dict[str, str] = field(default_factory=dict)  # "code:<id>" / "user:<name>" -> guid

    def code(self, code_id: str) -> str:
        return self.known.get(f"code:{code_id}") or code_guid(self.codebook_id, code_id)

    def user(self, name: str) -> str:
        return self.known.get(f"user:{name}") or derive(self.scope, "user", name)

    def source(self, t: Transcript) -> str:
        return t.metadata.get("refi_guid") or derive(self.scope, "source", t.name)


def _stamp(when: datetime | None) -> str:
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _codes(parent, ns: str, codebook: Codebook, guids: Guids, code_id: str | None) -> None:
    for code in codebook.children(code_id):
        el = etree.SubElement(
            parent,
            f"{{{ns}}}Code",
            guid=guids.code(code.id),
            name=code.name(codebook.language),
            isCodable="true" if code.codable else "false",
        )
        if code.color:
            el.set("color", code.color)
        etree.SubElement(el, f"{{{ns}}}Description").text = fold(code, codebook.language)
        _codes(el, ns, codebook, guids, code.id)


def codebook_xml(codebook: Codebook, guids: Guids) -> bytes:
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    _codes(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS, codebook, guids, None)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_qdc(path: Path, codebook: Codebook, guids: Guids) -> int:
    if not codebook.codes:
        raise CodebookError(f"{path}: the codebook has no codes to export")
    _atomic(path, codebook_xml(codebook, guids))
    return len(codebook.codes)


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise CodebookError(f"{path}: cannot write ({e.strerror})") from None


def project_xml(
    name: str,
    codebook: Codebook,
    transcripts: list[Transcript],
    codings: list[Coding],
    memos: list[Memo],
    guids: Guids,
    people: People | None = None,
) -> bytes:
    """project.qde: users, codes, variables, participants as cases, text sources with codings,
    notes for memos."""
    root = etree.Element(
        P + "Project",
        nsmap={None: PROJECT_NS, "xsi": XSI},
        name=name,
        origin=ORIGIN,
        creationDateTime=_stamp(None),
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{PROJECT_NS} Project.xsd")
    _users(root, sorted({c.coder for c in codings} | {m.coder for m in memos}), guids)
    if codebook.codes:
        codes = etree.SubElement(etree.SubElement(root, P + "CodeBook"), P + "Codes")
        _codes(codes, PROJECT_NS, codebook, guids, None)
    people = people or People([], [], [])
    variables = _variables(root, transcripts, people, guids)
    turns = write_cases(root, people, transcripts, guids, variables, PROJECT_NS)
    by_tid: dict[int, list[Coding]] = {}
    for c in codings:
        by_tid.setdefault(c.transcript_id, []).append(c)
    memos_by_tid: dict[int | None, list[Memo]] = {}
    for m in memos:
        memos_by_tid.setdefault(m.transcript_id, []).append(m)
    notes = _Notes(guids.scope)
    if transcripts:
        sources = etree.SubElement(root, P + "Sources")
    for t in transcripts:
        src = _source(sources, t, guids)
        for c in by_tid.get(t.id, []):
            _coding(src, t, c, guids, notes)
        for turn in turns.get(t.id, []):
            _turn(src, t, turn)
        _memos(src, t, memos_by_tid.get(t.id, []), guids, notes)
        for k in sorted(t.attributes):
            vv = etree.SubElement(src, P + "VariableValue")
            etree.SubElement(vv, P + "VariableRef", targetGUID=variables[k])
            etree.SubElement(vv, P + "TextValue").text = t.attributes[k]
    project_notes = [
        notes.add(m.text, m.coder, m.created_at, "memo", m.id) for m in memos_by_tid.get(None, [])
    ]
    notes.write(root, guids)
    for target in project_notes:
        etree.SubElement(root, P + "NoteRef", targetGUID=target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _users(root, coders: list[str], guids: Guids) -> None:
    if coders:
        users = etree.SubElement(root, P + "Users")
        for coder in coders:
            etree.SubElement(users, P + "User", guid=guids.user(coder), name=coder)


def _variables(root, transcripts: list[Transcript], people: People, guids: Guids):
    """One text variable per attribute key in use (of transcripts and participants); returns
    key -> variable GUID."""
    names = sorted(
        {k for t in transcripts for k in t.attributes}
        | {k for p in people.participants for k in p.attributes}
    )
    guid = {k: derive(guids.scope, "variable", k) for k in names}
    if names:
        variables = etree.SubElement(root, P + "Variables")
        for k in names:
            etree.SubElement(variables, P + "Variable", guid=guid[k], name=k, typeOfVariable="Text")
    return guid


class _Notes:
    """Memos become Notes, written together after the sources that refer to them."""

    def __init__(self, scope: str):
        self.scope = scope
        self.notes: list[tuple[str, str, str, datetime | None]] = []  # guid, text, coder, when

    def add(self, text: str, coder: str, when, *key) -> str:
        guid = derive(self.scope, "note", *key)
        self.notes.append((guid, text, coder, when))
        return guid

    def write(self, root, guids: Guids) -> None:
        if not self.notes:
            return
        notes_el = etree.SubElement(root, P + "Notes")
        for guid, text, coder, when in self.notes:
            n = etree.SubElement(
                notes_el,
                P + "Note",
                guid=guid,
                name=_excerpt(text),
                creatingUser=guids.user(coder),
                creationDateTime=_stamp(when),
            )
            etree.SubElement(n, P + "PlainTextContent").text = text


def _source(sources, t: Transcript, guids: Guids):
    sguid = guids.source(t)
    src = etree.SubElement(
        sources, P + "TextSource", guid=sguid, name=t.name, plainTextPath=f"internal://{sguid}.txt"
    )
    if t.imported_at:
        src.set("creationDateTime", _stamp(t.imported_at))
    return src


def _coding(src, t: Transcript, c: Coding, guids: Guids, notes: _Notes) -> None:
    """A selection with one coding (and its memo as a note) per coding: GUIDs derive from it."""
    key = ("coding", t.name, c.start, c.end, c.code, c.coder)
    sel = etree.SubElement(
        src,
        P + "PlainTextSelection",
        guid=derive(guids.scope, "selection", *key),
        name=_excerpt(t.text[c.start : c.end]),
        startPosition=str(c.start),
        endPosition=str(c.end),
        creatingUser=guids.user(c.coder),
        creationDateTime=_stamp(c.created_at),
    )
    coding = etree.SubElement(
        sel,
        P + "Coding",
        guid=derive(guids.scope, *key),
        creatingUser=guids.user(c.coder),
        creationDateTime=_stamp(c.created_at),
    )
    etree.SubElement(coding, P + "CodeRef", targetGUID=guids.code(c.code))
    if c.memo:
        target = notes.add(c.memo, c.coder, c.created_at, "coding-memo", *key)
        etree.SubElement(coding, P + "NoteRef", targetGUID=target)


def _turn(src, t: Transcript, turn: Turn) -> None:
    """A speaker's turn, selected for the participant's case to refer to (no coding)."""
    etree.SubElement(
        src,
        P + "PlainTextSelection",
        guid=turn.guid,
        name=f"{turn.label}: {_excerpt(t.text[turn.start : turn.end], 40)}",
        startPosition=str(turn.start),
        endPosition=str(turn.end),
    )


def _memos(src, t: Transcript, memos: list[Memo], guids: Guids, notes: _Notes) -> None:
    """Memos on a span hang on a selection; memos on the whole transcript on the source."""
    whole = []
    for m in memos:
        target = notes.add(m.text, m.coder, m.created_at, "memo", m.id)
        if m.start is None or m.end is None:
            whole.append(target)
            continue
        sel = etree.SubElement(
            src,
            P + "PlainTextSelection",
            guid=derive(guids.scope, "memo-selection", m.id),
            name=_excerpt(t.text[m.start : m.end]),
            startPosition=str(m.start),
            endPosition=str(m.end),
            creatingUser=guids.user(m.coder),
        )
        etree.SubElement(sel, P + "NoteRef", targetGUID=target)
    for target in whole:
        etree.SubElement(src, P + "NoteRef", targetGUID=target)


def _excerpt(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def write_qdpx(path: Path, qde: bytes, transcripts: list[Transcript], guids: Guids) -> None:
    """A zip with project.qde and sources/<guid>.txt, written to a temporary name first."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for t in transcripts:
                z.writestr(f"sources/{guids.source(t)}.txt", t.text.encode("utf-8"))
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise CodebookError(f"{path}: cannot write ({e.strerror})") from None
