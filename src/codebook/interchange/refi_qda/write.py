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
from codebook.interchange.refi_qda.summaries import note_name, note_text
from codebook.model import Codebook, CodebookError, Coding, Memo, Summary, Transcript

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

    def representation(self, t: Transcript) -> str:
        """The text representation of a PDF source (its own GUID names its .txt)."""
        return derive(self.scope, "representation", self.source(t))


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
    pdfs: set[int] = frozenset(),
    summaries: list[Summary] | None = None,
) -> bytes:
    """project.qde: users, codes, variables, participants as cases, text sources with codings,
    notes for memos and framework summaries. Transcripts in `pdfs` (ids) are PDF sources whose
    codings are on their text representation."""
    summaries = summaries or []
    root = etree.Element(
        P + "Project",
        nsmap={None: PROJECT_NS, "xsi": XSI},
        name=name,
        origin=ORIGIN,
        creationDateTime=_stamp(None),
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{PROJECT_NS} Project.xsd")
    coders = {c.coder for c in codings} | {m.coder for m in memos} | {s.coder for s in summaries}
    _users(root, sorted(coders), guids)
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
    summary_notes = _summaries(summaries, codebook, {t.name for t in transcripts}, guids, notes)
    if transcripts:
        sources = etree.SubElement(root, P + "Sources")
    for t in transcripts:
        outer, src = _source(sources, t, guids, t.id in pdfs)
        for c in by_tid.get(t.id, []):
            _coding(src, t, c, guids, notes)
        for turn in turns.get(t.id, []):
            _turn(src, t, turn)
        whole = _memos(src, t, memos_by_tid.get(t.id, []), guids, notes)
        for target in whole + summary_notes.get(t.name, []):
            etree.SubElement(outer, P + "NoteRef", targetGUID=target)
        for k in sorted(t.attributes):
            vv = etree.SubElement(outer, P + "VariableValue")
            etree.SubElement(vv, P + "VariableRef", targetGUID=variables[k])
            etree.SubElement(vv, P + "TextValue").text = t.attributes[k]
    project_notes = [
        notes.add(m.text, m.coder, m.created_at, "memo", m.id) for m in memos_by_tid.get(None, [])
    ]
    notes.write(root, guids)
    for target in project_notes + summary_notes.get(None, []):
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
        self.notes: list[tuple] = []  # guid, text, coder, when, name, modified

    def add(self, text: str, coder: str, when, *key, name=None, modified=None) -> str:
        guid = derive(self.scope, "note", *key)
        self.notes.append((guid, text, coder, when, name or _excerpt(text), modified))
        return guid

    def write(self, root, guids: Guids) -> None:
        if not self.notes:
            return
        notes_el = etree.SubElement(root, P + "Notes")
        for guid, text, coder, when, name, modified in self.notes:
            n = etree.SubElement(
                notes_el,
                P + "Note",
                guid=guid,
                name=name,
                creatingUser=guids.user(coder),
                creationDateTime=_stamp(when),
            )
            if modified is not None:
                n.set("modifiedDateTime", _stamp(modified))
            etree.SubElement(n, P + "PlainTextContent").text = text


def _summaries(summaries, codebook: Codebook, transcripts: set[str], guids: Guids, notes):
    """A note per framework summary; returns the note GUIDs by the transcript whose source
    refers to them (None: the project, for participants' summaries, as a Case has no NoteRef)."""
    out: dict[str | None, list[str]] = {}
    for s in summaries:
        code = codebook.codes.get(s.code)
        label = code.name(codebook.language) if code is not None else s.code
        text = note_text(s, label, guids.code(s.code))
        name = note_name(label, s.row)
        target = notes.add(
            text, s.coder, s.created_at, "summary", *s.key, name=name, modified=s.updated_at
        )
        row = s.row if s.row_kind == "transcript" and s.row in transcripts else None
        out.setdefault(row, []).append(target)
    return out


def _source(sources, t: Transcript, guids: Guids, pdf: bool):
    """(the source element, the text source inside it that holds the selections): one
    TextSource, or a PDFSource with its original PDF and its text as a Representation."""
    sguid = guids.source(t)
    if pdf:
        outer = etree.SubElement(
            sources, P + "PDFSource", guid=sguid, name=t.name, path=f"internal://{sguid}.pdf"
        )
        rguid = guids.representation(t)
        src = etree.SubElement(
            outer, P + "Representation", guid=rguid, name=t.name,
            plainTextPath=f"internal://{rguid}.txt",
        )  # fmt: skip
    else:
        outer = src = etree.SubElement(
            sources, P + "TextSource", guid=sguid, name=t.name,
            plainTextPath=f"internal://{sguid}.txt",
        )  # fmt: skip
    if t.imported_at:
        for el in {id(outer): outer, id(src): src}.values():
            el.set("creationDateTime", _stamp(t.imported_at))
    return outer, src


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


def _memos(src, t: Transcript, memos: list[Memo], guids: Guids, notes: _Notes) -> list[str]:
    """Memos on a span hang on a selection; returns the notes of memos on the whole transcript,
    for the source to refer to."""
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
    return whole


def _excerpt(text: str, n: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def write_qdpx(
    path: Path,
    qde: bytes,
    transcripts: list[Transcript],
    guids: Guids,
    pdfs: dict[int, bytes] | None = None,
) -> None:
    """A zip with project.qde and sources/<guid>.txt (a PDF source: sources/<guid>.pdf, the
    original, and its representation's .txt), written to a temporary name first."""
    pdfs = pdfs or {}
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for t in transcripts:
                text = t.text.encode("utf-8")
                if t.id in pdfs:
                    z.writestr(f"sources/{guids.source(t)}.pdf", pdfs[t.id])
                    z.writestr(f"sources/{guids.representation(t)}.txt", text)
                else:
                    z.writestr(f"sources/{guids.source(t)}.txt", text)
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise CodebookError(f"{path}: cannot write ({e.strerror})") from None
