"""Reading codebook YAML safely: size limit, UTF-8, no tags, and errors that name FILE:LINE.

The round-trip loader of ruamel.yaml keeps line numbers (so every problem names FILE:LINE) and
comments (so a code added from the TUI does not wipe the researcher's annotations).
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from codebook.model import CodebookError

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


def line_of(node, key=None) -> int:
    """1-based line of a mapping (or of one of its keys)."""
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def check_plain(node, path: str, problems: list[str], seen: set[int] | None = None) -> None:
    """Refuse YAML tags: a codebook is data, never objects. Shared (aliased) nodes are
    visited once, so an alias bomb costs nothing."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    tag = getattr(node, "tag", None)
    tag_value = getattr(tag, "value", None) if tag is not None else None
    if tag_value and tag_value not in _PLAIN_TAGS:
        problems.append(f"{path}:{line_of(node)}: YAML tag {tag_value} is not allowed")
    if isinstance(node, dict):
        for v in node.values():
            check_plain(v, path, problems, seen)
    elif isinstance(node, list):
        for v in node:
            check_plain(v, path, problems, seen)


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
