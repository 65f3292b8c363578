"""Editing codebook YAML in place: comments and layout are kept, and every write is checked
like `validate` and atomic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from codebook.codebooks.parse import parse
from codebook.codebooks.read import line_of, read_yaml, yaml_rt
from codebook.files import atomic_output, write_bytes
from codebook.model import Code, CodebookError


def add_code(path: Path, code: Code) -> None:
    """Append a code to the YAML file, keeping its comments and layout.

    The new code goes into its parent's `children` (created if missing), or at the top level.
    """
    data = read_yaml(path)
    add_code_to(data, code, path)
    _write_checked(path, data)


def add_code_to(data, code: Code, path: Path) -> None:
    """Append a code to loaded YAML (see `add_code`)."""
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


def _write_checked(path: Path, data, y: YAML | None = None) -> None:
    """Write edited YAML back only if it is still a valid codebook, atomically."""
    problems = parse(data, str(path))[1]
    if problems:
        raise CodebookError("\n".join(problems))
    write_yaml(path, data, y)


def write_yaml(path: Path, data, y: YAML | None = None) -> None:
    """Dump YAML to a temporary file beside `path`, then rename it into place."""
    y = y or yaml_rt()
    with atomic_output(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        y.dump(data, fh)


@contextmanager
def swapped(path: Path) -> Iterator[Callable[[object], None]]:
    """Replace a codebook inside a database transaction: yields `write(data)`; if the block
    (the commit included, when the transaction is entered after this) fails, the file gets
    its old bytes back. So the YAML and the store change together or not at all.
    """
    old = path.read_bytes()
    written = False

    def write(data) -> None:
        nonlocal written
        _write_checked(path, data)
        written = True

    try:
        yield write
    except BaseException:
        if written:
            write_bytes(path, old)
        raise


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
    data = read_yaml(path)
    node = find_node(data["codes"], code_id)
    if node is None:
        raise CodebookError(f"{path}: no code '{code_id}'")
    if node.get("children"):
        raise CodebookError(
            f"{path}:{line_of(node)}: code '{code_id}' has children; remove those first"
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
    _write_checked(path, data)


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
