"""YAML front matter of .txt and .md transcripts (safe loading only)."""

from __future__ import annotations

import re

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from codebook.model import CodebookError

_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(\n|\Z)", re.S)
METADATA_KEYS = {"title", "language", "fictional", "date", "interviewer", "description", "notes"}


def split(text: str, name: str) -> tuple[dict, str]:
    """Return (front matter, body). The body is the text after the closing fence."""
    m = _FENCE.match(text)
    if not m:
        return {}, text
    try:
        data = YAML(typ="safe", pure=True).load(m.group(1))
    except (YAMLError, RecursionError) as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = str(getattr(e, "problem", None) or e).splitlines()[0]
        raise CodebookError(f"{name}:{line}: invalid front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CodebookError(f"{name}:2: front matter must be 'key: value' lines")
    return {str(k): v for k, v in data.items()}, text[m.end() :]


def attributes_and_metadata(front: dict, name: str, declared) -> tuple[dict[str, str], dict]:
    """Split front matter into attributes (declared by the codebook) and metadata."""
    attrs, meta = {}, {}
    for key, value in front.items():
        if key in METADATA_KEYS:
            meta[key] = value if isinstance(value, (bool, int, float)) else str(value)
        elif key in declared:
            attrs[key] = str(value)
        else:
            known = ", ".join(sorted(set(declared) | METADATA_KEYS))
            raise CodebookError(f"{name}: unknown front matter key '{key}' (known: {known})")
    return attrs, meta
