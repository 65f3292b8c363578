"""A parsed codebook kept as JSON, keyed by the file's bytes and path.

Every command opens the codebook, and the round-trip YAML reader (kept for its line numbers and
comments) takes a few tenths of a second on the reference codebook: a large share of a `show`
or `stats` run. Only a codebook that parsed without problems is kept, so the cache never hides
an error; JSON, not pickle, so a planted cache file can at worst be wrong data, never code.
Anything unusual (no writable cache folder, a value JSON cannot hold, a damaged file) falls
back to parsing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from codebook.files import cache_home, write_text
from codebook.model import Attribute, Code, Codebook, CodebookError

FORMAT = 1  # bump when Codebook, Code or Attribute change shape


def folder() -> Path:
    return cache_home() / "codebooks"


def key(raw: bytes, path: Path) -> str:
    digest = hashlib.sha256(raw)
    digest.update(f"\0{FORMAT}\0{path}".encode())
    return digest.hexdigest()


def get(raw: bytes, path: Path) -> Codebook | None:
    try:
        data = json.loads((folder() / f"{key(raw, path)}.json").read_text(encoding="utf-8"))
        return Codebook(
            codes={c["id"]: Code(**c) for c in data["codes"]},
            attributes={a["name"]: Attribute(**a) for a in data["attributes"]},
            meta=data["meta"],
            path=data["path"],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def put(raw: bytes, path: Path, book: Codebook) -> None:
    data = {
        "codes": [asdict(c) for c in book.codes.values()],
        "attributes": [asdict(a) for a in book.attributes.values()],
        "meta": book.meta,
        "path": book.path,
    }
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):  # e.g. a date in the codebook's meta
        return
    with contextlib.suppress(OSError, CodebookError):  # a read-only home: just slower
        folder().mkdir(parents=True, exist_ok=True)
        write_text(folder() / f"{key(raw, path)}.json", text)
