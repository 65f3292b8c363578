"""REFI-QDA codes -> codes of our codebook YAML: match what is there, add what is not.

A code matches by GUID (ours are derived from codebook and code id; imported ones are
remembered), then by the code id in its description, then by name under the same parent.
New codes are appended to the YAML (comments kept) under their parent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codebook.codebooks import find_node
from codebook.codebooks.parse import COLOR_RE, HOTKEY_RE, ID_RE
from codebook.interchange.refi_qda.describe import unfold
from codebook.interchange.refi_qda.ids import code_guid
from codebook.interchange.refi_qda.read import RefiCode
from codebook.model import Codebook


def slug(name: str, sep: str = "_") -> str:
    """A code id (or attribute key) from a display name: ASCII, lowercase, no spaces."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9._-]+", sep, ascii_.lower()).strip("._-")
    return s or "code"


@dataclass
class CodePlan:
    ids: dict[str, str] = field(default_factory=dict)  # refi guid -> our code id
    added: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    codable_fixed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    entries: dict[str, CommentedMap] = field(default_factory=dict)  # new code id -> YAML
    inserts: list[tuple[str, str | None]] = field(default_factory=list)  # (new id, old parent)

    @property
    def changed(self) -> bool:
        return bool(self.added)


def plan_codes(
    codes: list[RefiCode],
    book: Codebook,
    known: dict[str, str],
    used: set[str],
    notes: dict[str, str],
    where: str,
) -> CodePlan:
    """Map every REFI code to a code id; describe the new ones as YAML entries.

    `known` maps remembered GUIDs to ids, `used` holds GUIDs that codings point at, `notes`
    maps note GUIDs to their text (a code's notes become its memo).
    """
    book_id = str(book.meta.get("id") or "codebook")
    by_guid = {code_guid(book_id, c): c for c in book.codes} | {
        g: c for g, c in known.items() if c in book.codes
    }
    plan = CodePlan()
    taken = set(book.codes)
    hotkeys = set(book.by_hotkey())
    for rc in codes:
        info = unfold(rc.description)
        parent = plan.ids.get(rc.parent) if rc.parent else None
        match = _match(rc, info, parent, book, by_guid)
        if match is not None:
            _matched(plan, rc, match, book, used, notes, where)
            continue
        code_id = _new_id(info.get("id"), rc.name, parent, taken)
        taken.add(code_id)
        plan.ids[rc.guid] = code_id
        plan.added.append(code_id)
        entry = _entry(rc, code_id, info, book.language, plan, used, notes, where)
        _hotkey(entry, rc, info.get("hotkey"), hotkeys, plan, where)
        if parent is not None and parent in plan.entries:
            plan.entries[parent].setdefault("children", CommentedSeq()).append(entry)
        else:
            plan.inserts.append((code_id, parent))
        plan.entries[code_id] = entry
    return plan


def _match(rc: RefiCode, info: dict, parent: str | None, book: Codebook, by_guid) -> str | None:
    """Our code for `rc`: by GUID, then by the code id in its description, then by name or
    label under the same parent."""
    match = by_guid.get(rc.guid)
    if match is None and info.get("id") in book.codes:
        match = info["id"]
    if match is None and (parent is None or parent in book.codes):
        name = rc.name.casefold()
        match = next(
            (
                c.id
                for c in book.children(parent)
                if name == c.id or name in {v.casefold() for v in c.label.values()}
            ),
            None,
        )
    return match


def _matched(plan: CodePlan, rc: RefiCode, match: str, book: Codebook, used, notes, where) -> None:
    """A matched code stays as it is; say what of the file's code is therefore not kept."""
    plan.ids[rc.guid] = match
    plan.matched.append(match)
    if any(notes.get(g) for g in rc.notes):
        plan.warnings.append(
            f"{where}: note(s) on code '{rc.name}' not carried over (the code is already "
            f"in the codebook as '{match}'; add them to its memo by hand)"
        )
    if rc.guid in used and not book.codes[match].codable:
        plan.warnings.append(
            f"{where}: code '{rc.name}' matches grouping code '{match}', which is not "
            "codable; its codings are not carried over"
        )


def _entry(
    rc: RefiCode, code_id: str, info: dict, lang: str, plan: CodePlan, used, notes, where: str
) -> CommentedMap:
    """The YAML of a new code: labels, codability, the unfolded description, its colour."""
    entry = CommentedMap()
    entry["id"] = code_id
    label = CommentedMap({lang: rc.name})
    for other in ("nl", "en"):
        if other != lang and info.get(f"label_{other}"):
            label[other] = info[f"label_{other}"]
    entry["label"] = label
    if not rc.codable:
        if rc.guid in used:
            plan.codable_fixed.append(code_id)
            plan.warnings.append(
                f"{where}: code '{rc.name}' is marked not codable but has codings; "
                "imported as codable"
            )
        else:
            entry["codable"] = False
    memo = "\n\n".join(
        t for t in [info.get("memo", "")] + [notes.get(g, "") for g in rc.notes] if t
    )
    for key, value in (
        ("definition", info.get("definition")),
        ("include", info.get("include")),
        ("exclude", info.get("exclude")),
        ("examples", info.get("examples")),
        ("keywords", info.get("keywords")),
        ("memo", memo),
    ):
        if value:
            entry[key] = CommentedSeq(value) if isinstance(value, list) else value
    if rc.color and COLOR_RE.match(rc.color):
        entry["color"] = rc.color
    return entry


def _hotkey(
    entry, rc: RefiCode, hotkey: str | None, taken: set[str], plan: CodePlan, where: str
) -> None:
    """A hotkey from the description, unless it is invalid or already in use."""
    if hotkey and HOTKEY_RE.match(hotkey) and hotkey not in taken:
        entry["hotkey"] = hotkey
        taken.add(hotkey)
    elif hotkey:
        plan.warnings.append(
            f"{where}: code '{rc.name}': hotkey '{hotkey}' is taken or invalid; left out"
        )


def _new_id(wanted: str | None, name: str, parent: str | None, taken: set[str]) -> str:
    if wanted and ID_RE.match(wanted) and wanted not in taken:
        return wanted
    base = slug(name)
    candidates = [base] + ([f"{parent}.{base}"] if parent else [])
    for c in candidates:
        if c not in taken:
            return c
    n = 2
    while f"{candidates[-1]}-{n}" in taken:
        n += 1
    return f"{candidates[-1]}-{n}"


def add_to_yaml(data, plan: CodePlan) -> None:
    """Put the new codes into the YAML tree: under a nested parent if found, else top level."""
    if data.get("codes") is None:
        data["codes"] = CommentedSeq()
    roots = data["codes"]
    for code_id, parent in plan.inserts:
        entry = plan.entries[code_id]
        node = find_node(roots, parent) if parent is not None else None
        if node is not None:
            if node.get("children") is None:
                node["children"] = CommentedSeq()
            node["children"].append(entry)
        else:
            if parent is not None:
                entry.insert(1, "parent", parent)
            roots.append(entry)
