"""Reading codebook YAML safely: size limit, UTF-8, no tags, no control characters, a budget of
aliases, and errors that name FILE:LINE.

The round-trip loader of ruamel.yaml keeps line numbers (so every problem names FILE:LINE) and
comments (so a code added from the TUI does not wipe the researcher's annotations). Aliases are
loaded as shared objects, which costs nothing, but anything that walks the data (turning
examples into text, say) expands them: nine levels of nine aliases (a "billion laughs") make a
few hundred bytes into 387 million strings. So aliases are counted and the expanded size is
measured on the shared structure, before anything walks it.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from codebook.model import CodebookError

MAX_BYTES = 5_000_000
MAX_ALIASES = 100  # reuses of an anchored list or mapping; a codebook rarely needs any
MAX_EXPANDED = 500_000  # nodes once every alias is expanded (the reference codebook: ~1,500)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
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


def line_of(node, key=None) -> int:
    """1-based line of a mapping (or of one of its keys)."""
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def check_plain(node, path: str, problems: list[str], seen: set[int] | None = None) -> None:
    """Refuse YAML tags (a codebook is data, never objects) and control characters in text (an
    ESC in a definition breaks every XML export and can drive a terminal). Shared (aliased)
    nodes are visited once, so an alias bomb costs nothing."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    tag = getattr(node, "tag", None)
    tag_value = getattr(tag, "value", None) if tag is not None else None
    if tag_value and tag_value not in _PLAIN_TAGS:
        problems.append(f"{path}:{line_of(node)}: YAML tag {tag_value} is not allowed")
    if isinstance(node, dict):
        for k, v in node.items():
            for text in (k, v):
                if isinstance(text, str) and CONTROL.search(text):
                    line = _value_line(node, k)
                    problems.append(f"{path}:{line}: {_control(text)} in '{k}' is not allowed")
            check_plain(v, path, problems, seen)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if isinstance(v, str) and CONTROL.search(v):
                problems.append(f"{path}:{_item_line(node, i)}: {_control(v)} is not allowed")
            check_plain(v, path, problems, seen)


_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT", "\x0c": "FF",
                  "\x1b": "ESC", "\x7f": "DEL"}  # fmt: skip


def _control(text: str) -> str:
    ch = CONTROL.search(text).group()
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ch, "")
    return f"control character U+{ord(ch):04X}{f' ({name})' if name else ''}"


def _value_line(node, key) -> int:
    try:
        return node.lc.value(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return line_of(node, key)


def _item_line(node, index: int) -> int:
    try:
        return node.lc.item(index)[0] + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return line_of(node)


def check_aliases(data, path: Path) -> None:
    """Refuse more than MAX_ALIASES reused collections, recursive aliases, and data that would
    grow past MAX_EXPANDED nodes if walked; linear in the file, however it nests."""
    sizes: dict[int, int] = {}
    busy: set[int] = set()
    reused = 0

    def size(node) -> int:
        nonlocal reused
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            reused += 1
            if reused > MAX_ALIASES:
                raise CodebookError(
                    f"{path}:{line_of(node)}: more than {MAX_ALIASES} YAML aliases; write the "
                    "values out instead"
                )
            return sizes[key]
        if key in busy:
            raise CodebookError(f"{path}:{line_of(node)}: a YAML alias refers to itself")
        busy.add(key)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = 1 + sum(size(child) for child in children)
        busy.discard(key)
        if total > MAX_EXPANDED:
            raise CodebookError(
                f"{path}:{line_of(node)}: YAML aliases expand this into more than "
                f"{MAX_EXPANDED:,} values (an alias bomb?); write the values out instead"
            )
        sizes[key] = total
        return total

    try:
        size(data)
    except RecursionError:
        raise CodebookError(f"{path}: YAML is nested too deeply") from None


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise CodebookError(f"{path}: cannot read ({e.strerror})") from None


def read_yaml(path: Path, raw: bytes | None = None):
    """Parse a YAML file (or its bytes, already read) safely or raise CodebookError naming
    file and line."""
    raw = read_bytes(path) if raw is None else raw
    if len(raw) > MAX_BYTES:
        raise CodebookError(f"{path}: file is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: not UTF-8 text") from None
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise CodebookError(f"{path}:{line}: {_control(bad.group())} is not allowed; remove it")
    try:
        data = yaml_rt().load(text)
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = str(getattr(e, "problem", None) or e).splitlines()[0]
        raise CodebookError(f"{path}:{line}: invalid YAML: {problem}") from None
    except RecursionError:
        raise CodebookError(f"{path}: YAML is nested too deeply") from None
    check_aliases(data, path)
    return data
