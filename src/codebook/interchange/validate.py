"""`codebook validate FILE`: is this a file another program (or codebook) can take?

A .qdpx or .qdc is checked against the REFI-QDA 1.0 schemas that ship in the package, then for
what the schemas cannot say: GUIDs unique, every reference pointing at something that exists,
`internal://` sources present in the archive, text selections inside their text. A codebook
YAML is checked as `codebook codebook validate` checks it. Every problem is one line,
`FILE[:MEMBER]:LINE: message`.

The XML is read as untrusted input: no DTD, no entities, no network (as on import).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from codebook.model import CodebookError

SCHEMAS = Path(__file__).parent / "refi_qda" / "schemas"
PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
MAX_XML = 100_000_000
MAX_PROBLEMS = 200
SUFFIXES = (".qdpx", ".qdc", ".yaml", ".yml")
# attributes that hold the GUID of another element, and what that element must be
_REFS = {
    "targetGUID": None,  # CodeRef -> Code; NoteRef -> Note; handled by the parent's tag
    "creatingUser": "User",
    "modifyingUser": "User",
    "variableGUID": "Variable",
}


@dataclass
class Validation:
    """What `validate` found: `kind` names what the file is, `problems` what is wrong."""

    path: Path
    kind: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(path: str | Path) -> Validation:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise CodebookError(f"{path}: no such file")
    if suffix == ".qdpx":
        return _qdpx(path)
    if suffix == ".qdc":
        return _qdc(path)
    if suffix in (".yaml", ".yml"):
        from codebook import codebooks

        return Validation(path, "codebook YAML", codebooks.validate(path))
    raise CodebookError(
        f"{path}: cannot validate '{suffix or path.name}' files "
        f"(a .qdpx or .qdc REFI-QDA file, or a codebook .yaml)"
    )


@lru_cache(maxsize=2)
def schema(name: str) -> etree.XMLSchema:
    file = SCHEMAS / name
    if not file.is_file():
        raise CodebookError(f"{file}: the REFI-QDA schema is missing from the installation")
    return etree.XMLSchema(etree.parse(str(file)))


def _parse(data: bytes, where: str, problems: list[str]):
    """The XML tree, or None with the problem (its line) added."""
    if len(data) > MAX_XML:
        problems.append(f"{where}: XML is larger than {MAX_XML // 1_000_000} MB")
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as e:
        line = e.lineno or 1
        problems.append(f"{where}:{line}: not well-formed XML: {e.msg}")
        return None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        problems.append(f"{where}:1: has a DOCTYPE; DTDs and entities are not allowed")
        return None
    return tree


def _against(tree, xsd: str, namespace: str, where: str, problems: list[str]) -> bool:
    root = tree.getroot()
    if etree.QName(root).namespace != namespace:
        problems.append(
            f"{where}:{root.sourceline}: root element is '{root.tag}', not one of namespace "
            f"{namespace} (is this a REFI-QDA file?)"
        )
        return False
    checker = schema(xsd)
    if checker.validate(tree):
        return True
    for error in checker.error_log:
        problems.append(f"{where}:{error.line}: {error.message}")
    return False


def _qdc(path: Path) -> Validation:
    result = Validation(path, "REFI-QDA codebook")
    tree = _parse(_read(path), str(path), result.problems)
    if tree is not None:
        _against(tree, "Codebook.xsd", CODEBOOK_NS, str(path), result.problems)
        _guids(tree, str(path), result.problems)
    result.problems = _capped(result.problems)
    return result


def _qdpx(path: Path) -> Validation:
    from codebook.interchange.refi_qda.safety import SafeZip

    result = Validation(path, "REFI-QDA project")
    archive = SafeZip(path)  # refuses zip bombs and paths that leave the archive
    member = archive.find("project.qde")
    if member is None:  # as on import: one .qde under another name will do
        found = [n for n in archive.names if n.lower().endswith(".qde") and "/" not in n]
        if len(found) != 1:
            what = "no .qde file" if not found else f"{len(found)} .qde files"
            result.problems.append(f"{path}: not a REFI-QDA project ({what} in the archive)")
            return result
        member = found[0]
    where = f"{path}:{member}"
    tree = _parse(archive.read(member), where, result.problems)
    if tree is None:
        return result
    _against(tree, "Project.xsd", PROJECT_NS, where, result.problems)
    guids = _guids(tree, where, result.problems)
    _references(tree, guids, where, result.problems)
    _sources(tree, archive, where, result.problems)
    result.problems = _capped(result.problems)
    return result


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read ({e.strerror})") from None


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], f"... and {len(problems) - MAX_PROBLEMS} more problem(s)"]


def _guid(value: str) -> str:
    """GUIDs compare without braces and case ('{ABC-...}' is 'abc-...'), as tools write both."""
    return value.strip().strip("{}").lower()


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _guids(tree, where: str, problems: list[str]) -> dict[str, str]:
    """GUID -> element name; a GUID used twice is a problem (tools key everything on them)."""
    seen: dict[str, tuple[str, int]] = {}
    for el in tree.iter():
        guid = el.get("guid") if isinstance(el.tag, str) else None
        if not guid:
            continue
        key = _guid(guid)
        if key in seen:
            line = seen[key][1]
            problems.append(
                f"{where}:{el.sourceline}: duplicate guid {guid} (first on line {line})"
            )
        else:
            seen[key] = (_local(el), el.sourceline)
    return {k: v[0] for k, v in seen.items()}


def _references(tree, guids: dict[str, str], where: str, problems: list[str]) -> None:
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _local(el)
        for attr, wanted in _REFS.items():
            value = el.get(attr)
            if not value:
                continue
            if attr == "targetGUID":
                wanted = {"CodeRef": "Code", "NoteRef": "Note"}.get(tag)
                if wanted is None:
                    continue  # a Link, Set member or graph vertex may point at anything
            found = guids.get(_guid(value))
            if found is None:
                problems.append(
                    f"{where}:{el.sourceline}: {tag} {attr}={value} points at no {wanted}"
                )
            elif found != wanted:
                problems.append(
                    f"{where}:{el.sourceline}: {tag} {attr}={value} is a {found}, not a {wanted}"
                )


def _sources(tree, archive, where: str, problems: list[str]) -> None:
    """`internal://` paths present in sources/; plain-text selections inside their text."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("plainTextPath", "richTextPath", "path"):
            value = el.get(attr) or ""
            if not value.startswith("internal://"):
                continue
            member = archive.find(f"sources/{value[len('internal://') :]}")
            if member is None:
                problems.append(
                    f"{where}:{el.sourceline}: {_local(el)} {attr}={value} is not in the "
                    "archive's sources/ folder"
                )
                continue
            if attr == "plainTextPath":
                _selections(el, archive.read(member), member, where, problems)
        if _local(el) in ("TextSource", "Representation") and el.get("plainTextPath") is None:
            content = next((c for c in el if _local(c) == "PlainTextContent"), None)
            if content is not None:
                _selections(el, (content.text or "").encode("utf-8"), None, where, problems)


def _selections(source, data: bytes, member: str | None, where: str, problems: list[str]):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.append(f"{where}: {member}: not UTF-8 text (byte {e.start})")
        return
    length = len(text)
    for sel in source:
        if _local(sel) != "PlainTextSelection":
            continue
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            continue  # the schema has said what is wrong with it
        if not 0 <= start <= end <= length:
            problems.append(
                f"{where}:{sel.sourceline}: PlainTextSelection [{start}, {end}) is outside its "
                f"text of {length} characters"
            )
