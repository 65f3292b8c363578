"""Read, validate and write codebook YAML.

The round-trip loader of ruamel.yaml keeps line numbers (so every problem names FILE:LINE) and
comments (so a code added from the TUI does not wipe the researcher's annotations).
The format is documented in docs/codebook-format.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from codebook.model import Attribute, Code, Codebook, CodebookError

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
MAX_BYTES = 5_000_000
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


def yaml_rt() -> YAML:
    """The round-trip YAML reader/writer: keeps comments, order and quotes."""
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 100
    return y


def _line(node, key=None) -> int:
    """1-based line of a mapping (or of one of its keys)."""
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _check_plain(node, path: str, problems: list[str], seen: set[int] | None = None) -> None:
    """Refuse YAML tags: a codebook is data, never objects. Shared (aliased) nodes are
    visited once, so an alias bomb costs nothing."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    tag = getattr(node, "tag", None)
    tag_value = getattr(tag, "value", None) if tag is not None else None
    if tag_value and tag_value not in _PLAIN_TAGS:
        problems.append(f"{path}:{_line(node)}: YAML tag {tag_value} is not allowed")
    if isinstance(node, dict):
        for v in node.values():
            _check_plain(v, path, problems, seen)
    elif isinstance(node, list):
        for v in node:
            _check_plain(v, path, problems, seen)


def read_yaml(path: Path):
    """Parse a YAML file safely or raise CodebookError naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise CodebookError(f"{path}: file is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: not UTF-8 text") from None
    try:
        return yaml_rt().load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = str(getattr(e, "problem", None) or e).splitlines()[0]
        raise CodebookError(f"{path}:{line}: invalid YAML: {problem}") from None
    except RecursionError:
        raise CodebookError(f"{path}: YAML is nested too deeply") from None


def _label(raw, path: str, line: int, problems: list[str], what: str) -> dict[str, str]:
    if isinstance(raw, str) and raw.strip():
        return {"nl": raw.strip()}
    if isinstance(raw, dict):
        label = {str(k): str(v).strip() for k, v in raw.items() if str(v).strip()}
        if label.get("nl") or label.get("en"):
            return label
    problems.append(f"{path}:{line}: {what}: missing label (give label: {{nl: ..., en: ...}})")
    return {}


def _text(raw) -> str:
    return "" if raw is None else str(raw).strip()


def _strings(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(x).strip() for x in raw if str(x).strip()]


def parse(data, path: str) -> tuple[Codebook, list[str]]:
    """Build a Codebook from parsed YAML; return it with every problem found."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return Codebook(codes={}), [f"{path}:1: a codebook is a mapping with a 'codes' list"]
    _check_plain(data, path, problems)
    for key in data:
        if key not in TOP_KEYS:
            problems.append(f"{path}:{_line(data, key)}: unknown key '{key}'")
    meta = dict(data.get("codebook") or {})

    attributes: dict[str, Attribute] = {}
    raw_attrs = data.get("attributes") or {}
    if not isinstance(raw_attrs, dict):
        problems.append(f"{path}:{_line(data, 'attributes')}: 'attributes' must be a mapping")
        raw_attrs = {}
    for name, spec in raw_attrs.items():
        line = _line(raw_attrs, name)
        spec = spec or {}
        if not isinstance(spec, dict):
            problems.append(f"{path}:{line}: attribute '{name}' must be a mapping with 'values'")
            continue
        for key in spec:
            if key not in ATTRIBUTE_KEYS:
                problems.append(f"{path}:{_line(spec, key)}: unknown key '{key}' in attribute")
        raw_values = spec.get("values") or []
        for v in raw_values if isinstance(raw_values, list) else [raw_values]:
            if isinstance(v, (dict, list)):
                problems.append(
                    f"{path}:{_line(spec, 'values')}: attribute '{name}': value {v!r} is not "
                    "allowed (values are plain words)"
                )
        values = _strings(
            [v for v in raw_values if not isinstance(v, (dict, list))]
            if isinstance(raw_values, list)
            else raw_values
        )
        if len(set(values)) != len(values):
            problems.append(f"{path}:{line}: attribute '{name}' lists a value twice")
        default = spec.get("default")
        if default is not None and values and str(default) not in values:
            problems.append(
                f"{path}:{_line(spec, 'default')}: attribute '{name}': default {default!r} is "
                f"not allowed (allowed: {', '.join(values)})"
            )
        label = spec.get("label") or {"en": str(name)}
        attributes[str(name)] = Attribute(
            str(name), dict(label), values, str(default) if default is not None else None
        )

    codes: dict[str, Code] = {}
    hotkeys: dict[str, str] = {}

    def add(node, parent: str | None) -> None:
        line = _line(node)
        if not isinstance(node, dict):
            problems.append(f"{path}:{line}: a code must be a mapping with an 'id'")
            return
        for key in node:
            if key not in CODE_KEYS:
                problems.append(f"{path}:{_line(node, key)}: unknown key '{key}'")
        code_id = _text(node.get("id"))
        if not code_id:
            problems.append(f"{path}:{line}: code without an id")
            return
        if not ID_RE.match(code_id):
            problems.append(
                f"{path}:{_line(node, 'id')}: id '{code_id}' must be lowercase letters, digits, "
                "'.', '_' or '-'"
            )
        if code_id in codes:
            problems.append(
                f"{path}:{_line(node, 'id')}: duplicate id '{code_id}' "
                f"(first at line {codes[code_id].line})"
            )
            return
        own_parent = node.get("parent")
        if own_parent is not None and parent is not None and str(own_parent) != parent:
            problems.append(
                f"{path}:{_line(node, 'parent')}: '{code_id}' is nested under '{parent}' "
                f"but names parent '{own_parent}'"
            )
        color = node.get("color")
        if color is not None and not COLOR_RE.match(str(color)):
            problems.append(f"{path}:{_line(node, 'color')}: bad colour '{color}' (use #RRGGBB)")
            color = None
        hotkey = node.get("hotkey")
        if hotkey is not None:
            hotkey = str(hotkey)
            if not HOTKEY_RE.match(hotkey):
                problems.append(
                    f"{path}:{_line(node, 'hotkey')}: bad hotkey '{hotkey}' (one letter or digit)"
                )
            elif hotkey in hotkeys:
                problems.append(
                    f"{path}:{_line(node, 'hotkey')}: duplicate hotkey '{hotkey}' "
                    f"(also on '{hotkeys[hotkey]}')"
                )
            else:
                hotkeys[hotkey] = code_id
        codes[code_id] = Code(
            id=code_id,
            label=_label(node.get("label"), path, line, problems, f"code '{code_id}'"),
            parent=parent if parent is not None else (_text(own_parent) or None),
            codable=bool(node.get("codable", True)),
            definition=_text(node.get("definition")),
            include=_text(node.get("include")),
            exclude=_text(node.get("exclude")),
            examples=_strings(node.get("examples")),
            keywords=[k.lower() for k in _strings(node.get("keywords"))],
            color=str(color) if color else None,
            hotkey=hotkey,
            memo=_text(node.get("memo")),
            line=line,
        )
        children = node.get("children") or []
        if not isinstance(children, list):
            problems.append(f"{path}:{_line(node, 'children')}: 'children' must be a list")
            return
        for child in children:
            add(child, code_id)

    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        problems.append(f"{path}:{_line(data, 'codes')}: 'codes' must be a non-empty list")
        raw_codes = []
    for node in raw_codes:
        add(node, None)

    for code in codes.values():
        if code.parent is not None and code.parent not in codes:
            problems.append(
                f"{path}:{code.line}: '{code.id}' names parent '{code.parent}', "
                "which does not exist"
            )
            code.parent = None
    for code in codes.values():
        seen = {code.id}
        parent = code.parent
        while parent is not None:
            if parent in seen:
                problems.append(f"{path}:{code.line}: cycle of parents through '{code.id}'")
                code.parent = None
                break
            seen.add(parent)
            parent = codes[parent].parent

    # tree order: parents before children, siblings in file order
    ordered: dict[str, Code] = {}

    def visit(parent: str | None) -> None:
        for c in codes.values():
            if c.parent == parent and c.id not in ordered:
                ordered[c.id] = c
                visit(c.id)

    visit(None)
    return Codebook(codes=ordered, attributes=attributes, meta=meta, path=path), problems


def validate(path: Path) -> list[str]:
    """Every problem in a codebook file, as 'FILE:LINE: message'."""
    try:
        data = read_yaml(path)
    except CodebookError as e:
        return [str(e)]
    return parse(data, str(path))[1]


def load(path: Path) -> Codebook:
    """Load a codebook; raise CodebookError listing every problem."""
    data = read_yaml(path)
    codebook, problems = parse(data, str(path))
    if problems:
        raise CodebookError("\n".join(problems))
    return codebook


def add_code(path: Path, code: Code) -> None:
    """Append a code to the YAML file, keeping its comments and layout.

    The new code goes into its parent's `children` (created if missing), or at the top level.
    """
    y = yaml_rt()
    data = y.load(path.read_text(encoding="utf-8"))
    entry = CommentedMap()
    entry["id"] = code.id
    entry["label"] = CommentedMap(code.label)
    if not code.codable:
        entry["codable"] = False
    for key in ("definition", "include", "exclude", "memo"):
        if getattr(code, key):
            entry[key] = getattr(code, key)
    for key in ("examples", "keywords"):
        if getattr(code, key):
            entry[key] = CommentedSeq(getattr(code, key))
    if code.color:
        entry["color"] = code.color
    if code.hotkey:
        entry["hotkey"] = code.hotkey
    target = data["codes"]
    if code.parent:
        node = find_node(data["codes"], code.parent)
        if node is None:
            raise CodebookError(f"{path}: parent '{code.parent}' not found")
        if "children" not in node or node["children"] is None:
            node["children"] = CommentedSeq()
        target = node["children"]
    target.append(entry)
    _write_checked(path, data, y)


def _write_checked(path: Path, data, y: YAML) -> None:
    """Write edited YAML back only if it is still a valid codebook, atomically."""
    problems = parse(data, str(path))[1]
    if problems:
        raise CodebookError("\n".join(problems))
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        y.dump(data, fh)
    tmp.replace(path)


def _tail(node):
    """(container, key, slot) of the comment that follows `node` in the file, or None.

    ruamel.yaml hangs the blank lines and comments after a code on the last key (or list item)
    of its last nested block, so removing a code must hand them on or the next code loses its
    comment.
    """
    if isinstance(node, CommentedMap | CommentedSeq) and len(node):
        flow = node.fa.flow_style()
        key = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        deeper = None if flow else _tail(value)
        slot = 2 if isinstance(node, CommentedMap) else 0
        return deeper or (None if flow else (node, key, slot))
    return None


def remove_code(path: Path, code_id: str) -> None:
    """Take a leaf code out of the YAML file, keeping every comment (undo of `add_code`).

    A code with children is refused: removing it would drop or orphan them.
    """
    y = yaml_rt()
    data = y.load(path.read_text(encoding="utf-8"))
    node = find_node(data["codes"], code_id)
    if node is None:
        raise CodebookError(f"{path}: no code '{code_id}'")
    if node.get("children"):
        raise CodebookError(
            f"{path}:{_line(node)}: code '{code_id}' has children; remove those first"
        )
    owner, siblings = _owner(data, data["codes"], code_id)
    index = next(i for i, n in enumerate(siblings) if n is node)
    moved = _tail(node)
    comment = moved[0].ca.items.get(moved[1], [None] * 4)[moved[2]] if moved else None
    del siblings[index]
    if owner is not None and not siblings:
        del owner["children"]
    if comment is not None:
        after = _tail(siblings[index - 1]) if index else _before(owner or data, siblings)
        if after is not None:
            slots = after[0].ca.items.setdefault(after[1], [None] * 4)
            if slots[after[2]] is not None and "#" in slots[after[2]].value:
                comment.value = slots[after[2]].value.rstrip("\n") + "\n" + comment.value[1:]
            slots[after[2]] = comment
    _write_checked(path, data, y)


def _before(container, siblings):
    """Where a comment goes that followed the first item of `siblings` (or a list now gone)."""
    if not siblings:
        return _tail(container)
    keys = list(container)
    key = next(k for k in keys if container[k] is siblings)
    if keys.index(key) == 0:
        return None
    prev = keys[keys.index(key) - 1]
    return _tail(container[prev]) or (container, prev, 2)


def _owner(data, nodes, code_id: str):
    """(parent mapping or None for the top level, the list that holds the code)."""
    for node in nodes or []:
        if isinstance(node, dict):
            if str(node.get("id")) == code_id:
                return None, nodes
            kids = node.get("children")
            found = _owner(data, kids, code_id)
            if found is not None:
                return (node if found[0] is None else found[0]), found[1]
    return None


def find_node(nodes, code_id: str):
    """The YAML mapping of a code in a (round-trip loaded) code list, searched depth-first."""
    for node in nodes or []:
        if isinstance(node, dict):
            if str(node.get("id")) == code_id:
                return node
            found = find_node(node.get("children"), code_id)
            if found is not None:
                return found
    return None


def render_tree(codebook: Codebook, lang: str = "nl") -> str:
    """The code tree as indented text with hotkeys, for `codebook codebook show`."""
    lines = []
    for code in codebook.walk():
        indent = "  " * codebook.depth(code.id)
        key = f"[{code.hotkey}] " if code.hotkey else ""
        flag = "" if code.codable else " (group)"
        lines.append(f"{indent}{key}{code.name(lang)}  ({code.id}){flag}")
    return "\n".join(lines)
