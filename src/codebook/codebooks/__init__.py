"""Codebook YAML: read, validate, edit and show. The format is in docs/codebook-format.md."""

from __future__ import annotations

from pathlib import Path

from codebook.codebooks import cache
from codebook.codebooks.edit import (
    add_code,
    add_code_to,
    find_node,
    remove_code,
    swapped,
    write_yaml,
)
from codebook.codebooks.parse import parse
from codebook.codebooks.read import read_bytes, read_yaml, yaml_rt
from codebook.codebooks.render import render_tree
from codebook.model import Codebook, CodebookError

__all__ = [
    "add_code",
    "add_code_to",
    "find_node",
    "load",
    "parse",
    "read_yaml",
    "reference_codebook",
    "remove_code",
    "render_tree",
    "swapped",
    "validate",
    "write_yaml",
    "yaml_rt",
]


def validate(path: Path) -> list[str]:
    """Every problem in a codebook file, as 'FILE:LINE: message'."""
    try:
        data = read_yaml(path)
    except CodebookError as e:
        return [str(e)]
    return parse(data, str(path))[1]


def load(path: Path) -> Codebook:
    """Load a codebook; raise CodebookError listing every problem."""
    raw = read_bytes(path)
    codebook = cache.get(raw, path)
    if codebook is None:
        codebook, problems = parse(read_yaml(path, raw), str(path))
        if problems:
            raise CodebookError("\n".join(problems))
        cache.put(raw, path, codebook)
    return codebook


REFERENCE_CODEBOOK = "domeinspecifieke-geletterdheid.yaml"


def reference_codebook() -> Path:
    """The reference codebook: packaged in a wheel, or the repo's `codebooks/` in a checkout."""
    from importlib import resources

    packaged = resources.files("codebook") / "reference" / REFERENCE_CODEBOOK
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "codebooks" / REFERENCE_CODEBOOK
