"""REFI-QDA exchange: .qdc codebooks and .qdpx projects, to and from NVivo, ATLAS.ti, MAXQDA,
QualCoder and other tools.

The facade (`Project`) calls these; nothing here imports the CLI or the TUI.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from codebook.interchange.refi_qda.merge import merge_codebook, merge_project
from codebook.interchange.refi_qda.read import read_qdc, read_qdpx
from codebook.interchange.refi_qda.report import RefiReport
from codebook.interchange.refi_qda.rows import known_guids
from codebook.interchange.refi_qda.write import Guids, project_xml, write_qdc, write_qdpx
from codebook.interchange.refi_qda.yamlio import qdc_to_yaml
from codebook.model import Codebook

__all__ = [
    "RefiReport",
    "export_qdc",
    "export_qdpx",
    "import_qdc",
    "import_qdpx",
    "qdc_to_yaml",
    "read_qdc",
    "read_qdpx",
]
SCOPE_META = "refi_project_guid"


def guids(store, codebook: Codebook) -> Guids:
    """The project's GUID scope, made once and kept in the store, plus remembered GUIDs."""
    scope = store.get_meta(SCOPE_META)
    if scope is None:
        scope = str(uuid.uuid4())
        store.set_meta(SCOPE_META, scope)
    return Guids(scope, str(codebook.meta.get("id") or "codebook"), known_guids(store))


def export_qdc(path: Path, codebook: Codebook, store) -> int:
    """Write the code tree as a .qdc; returns the number of codes."""
    return write_qdc(Path(path), codebook, guids(store, codebook))


def export_qdpx(path: Path, name: str, codebook: Codebook, store) -> dict[str, int]:
    """Write the whole project as a .qdpx; returns what was written, counted."""
    ids = guids(store, codebook)
    transcripts = store.transcripts()
    codings = store.codings()
    memos = store.memos()
    qde = project_xml(name, codebook, transcripts, codings, memos, ids)
    write_qdpx(Path(path), qde, transcripts, ids)
    return {
        "codes": len(codebook.codes),
        "transcripts": len(transcripts),
        "codings": len(codings),
        "memos": len(memos),
    }


def import_qdpx(
    path: Path, root: Path, store, codebook_path: Path, before_write=None
) -> RefiReport:
    path = Path(path)
    return merge_project(read_qdpx(path), root, store, codebook_path, path.name, before_write)


def import_qdc(path: Path, store, codebook_path: Path) -> RefiReport:
    path = Path(path)
    return merge_codebook(read_qdc(path), store, codebook_path, path.name)
