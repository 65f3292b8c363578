"""Parsed YAML to a `Codebook`, collecting every problem (as FILE:LINE: message) on the way.

A researcher fixing a codebook wants all of its problems at once, so nothing here raises:
each check appends to `problems` and parsing goes on with what is usable.
"""

from __future__ import annotations

import re

from codebook.codebooks.read import check_plain, line_of
from codebook.model import Attribute, Code, Codebook, keyword_problem

CODE_KEYS = {
    "id",
    "label",
    "codable",
    "definition",
    "include",
    "exclude",
    "examples",
    "keywords",
    "color",
    "hotkey",
    "parent",
    "children",
    "memo",
}
TOP_KEYS = {"codebook", "attributes", "codes"}
ATTRIBUTE_KEYS = {"label", "values", "description", "default"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
HOTKEY_RE = re.compile(r"^[0-9A-Za-z]$")


def parse(data, path: str) -> tuple[Codebook, list[str]]:
    """Build a Codebook from parsed YAML; return it with every problem found."""
    if not isinstance(data, dict):
        return Codebook(codes={}), [f"{path}:1: a codebook is a mapping with a 'codes' list"]
    return _Parser(path).parse(data)


class _Parser:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[str] = []
        self.codes: dict[str, Code] = {}
        self.hotkeys: dict[str, str] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {message}")

    def parse(self, data: dict) -> tuple[Codebook, list[str]]:
        check_plain(data, self.path, self.problems)
        for key in data:
            if key not in TOP_KEYS:
                self.problem(line_of(data, key), f"unknown key '{key}'")
        meta = dict(data.get("codebook") or {})
        attributes = self.attributes(data)
        raw_codes = data.get("codes")
        if not isinstance(raw_codes, list) or not raw_codes:
            self.problem(line_of(data, "codes"), "'codes' must be a non-empty list")
            raw_codes = []
        for node in raw_codes:
            self.code(node, None)
        self.check_parents()
        book = Codebook(codes=self.tree_order(), attributes=attributes, meta=meta, path=self.path)
        return book, self.problems

    # -- attributes -----------------------------------------------------------------------------
    def attributes(self, data: dict) -> dict[str, Attribute]:
        raw = data.get("attributes") or {}
        if not isinstance(raw, dict):
            self.problem(line_of(data, "attributes"), "'attributes' must be a mapping")
            return {}
        out = {}
        for name, spec in raw.items():
            attribute = self.attribute(str(name), spec or {}, line_of(raw, name))
            if attribute is not None:
                out[attribute.name] = attribute
        return out

    def attribute(self, name: str, spec, line: int) -> Attribute | None:
        if not isinstance(spec, dict):
            self.problem(line, f"attribute '{name}' must be a mapping with 'values'")
            return None
        for key in spec:
            if key not in ATTRIBUTE_KEYS:
                self.problem(line_of(spec, key), f"unknown key '{key}' in attribute")
        raw_values = spec.get("values") or []
        listed = raw_values if isinstance(raw_values, list) else [raw_values]
        for v in listed:
            if isinstance(v, dict | list):
                self.problem(
                    line_of(spec, "values"),
                    f"attribute '{name}': value {v!r} is not allowed (values are plain words)",
                )
        values = _strings([v for v in listed if not isinstance(v, dict | list)])
        if len(set(values)) != len(values):
            self.problem(line, f"attribute '{name}' lists a value twice")
        default = spec.get("default")
        if default is not None and values and str(default) not in values:
            self.problem(
                line_of(spec, "default"),
                f"attribute '{name}': default {default!r} is not allowed "
                f"(allowed: {', '.join(values)})",
            )
        label = spec.get("label") or {"en": name}
        return Attribute(name, dict(label), values, str(default) if default is not None else None)

    # -- codes ----------------------------------------------------------------------------------
    def code(self, node, parent: str | None) -> None:
        line = line_of(node)
        if not isinstance(node, dict):
            self.problem(line, "a code must be a mapping with an 'id'")
            return
        for key in node:
            if key not in CODE_KEYS:
                self.problem(line_of(node, key), f"unknown key '{key}'")
        code_id = self.code_id(node, line)
        if code_id is None:
            return
        own_parent = node.get("parent")
        if own_parent is not None and parent is not None and str(own_parent) != parent:
            self.problem(
                line_of(node, "parent"),
                f"'{code_id}' is nested under '{parent}' but names parent '{own_parent}'",
            )
        self.codes[code_id] = Code(
            id=code_id,
            label=self.label(node.get("label"), line, f"code '{code_id}'"),
            parent=parent if parent is not None else (_text(own_parent) or None),
            codable=bool(node.get("codable", True)),
            definition=_text(node.get("definition")),
            include=_text(node.get("include")),
            exclude=_text(node.get("exclude")),
            examples=_strings(node.get("examples")),
            keywords=[k.lower() for k in _strings(node.get("keywords"))],
            color=self.color(node),
            hotkey=self.hotkey(node, code_id),
            memo=_text(node.get("memo")),
            line=line,
        )
        for keyword in self.codes[code_id].keywords:
            problem = keyword_problem(keyword)
            if problem:
                where = line_of(node, "keywords")
                self.problem(where, f"'{code_id}': keyword '{keyword}' {problem}")
        children = node.get("children") or []
        if not isinstance(children, list):
            self.problem(line_of(node, "children"), "'children' must be a list")
            return
        for child in children:
            self.code(child, code_id)

    def code_id(self, node: dict, line: int) -> str | None:
        code_id = _text(node.get("id"))
        if not code_id:
            self.problem(line, "code without an id")
            return None
        if not ID_RE.match(code_id):
            self.problem(
                line_of(node, "id"),
                f"id '{code_id}' must be lowercase letters, digits, '.', '_' or '-'",
            )
        if code_id in self.codes:
            self.problem(
                line_of(node, "id"),
                f"duplicate id '{code_id}' (first at line {self.codes[code_id].line})",
            )
            self.hotkey(node, code_id)  # a copied block repeats its hotkey too: say so at once
            return None
        return code_id

    def label(self, raw, line: int, what: str) -> dict[str, str]:
        if isinstance(raw, str) and raw.strip():
            return {"nl": raw.strip()}
        if isinstance(raw, dict):
            label = {str(k): str(v).strip() for k, v in raw.items() if str(v).strip()}
            if label.get("nl") or label.get("en"):
                return label
        self.problem(line, f"{what}: missing label (give label: {{nl: ..., en: ...}})")
        return {}

    def color(self, node: dict) -> str | None:
        color = node.get("color")
        if color is not None and not COLOR_RE.match(str(color)):
            self.problem(line_of(node, "color"), f"bad colour '{color}' (use #RRGGBB)")
            return None
        return str(color) if color else None

    def hotkey(self, node: dict, code_id: str) -> str | None:
        hotkey = node.get("hotkey")
        if hotkey is None:
            return None
        hotkey = str(hotkey)
        if not HOTKEY_RE.match(hotkey):
            self.problem(line_of(node, "hotkey"), f"bad hotkey '{hotkey}' (one letter or digit)")
        elif hotkey in self.hotkeys:
            self.problem(
                line_of(node, "hotkey"),
                f"duplicate hotkey '{hotkey}' (also on '{self.hotkeys[hotkey]}')",
            )
        else:
            self.hotkeys[hotkey] = code_id
        return hotkey

    # -- the tree -------------------------------------------------------------------------------
    def check_parents(self) -> None:
        codes = self.codes
        for code in codes.values():
            if code.parent is not None and code.parent not in codes:
                self.problem(
                    code.line, f"'{code.id}' names parent '{code.parent}', which does not exist"
                )
                code.parent = None
        for code in codes.values():
            seen = {code.id}
            parent = code.parent
            while parent is not None:
                if parent in seen:
                    self.problem(code.line, f"cycle of parents through '{code.id}'")
                    code.parent = None
                    break
                seen.add(parent)
                parent = codes[parent].parent

    def tree_order(self) -> dict[str, Code]:
        """Parents before children, siblings in file order."""
        ordered: dict[str, Code] = {}
        children: dict[str | None, list[Code]] = {}
        for c in self.codes.values():
            children.setdefault(c.parent, []).append(c)

        def visit(parent: str | None) -> None:
            for c in children.get(parent, []):
                if c.id not in ordered:
                    ordered[c.id] = c
                    visit(c.id)

        visit(None)
        return ordered


def _text(raw) -> str:
    return "" if raw is None else str(raw).strip()


def _strings(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(x).strip() for x in raw if str(x).strip()]
