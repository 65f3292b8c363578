"""REFI-QDA exchange: .qdc codebooks and .qdpx projects, to and from NVivo, ATLAS.ti, MAXQDA,
QualCoder and other tools.

An import is planned (`plan_qdpx`, `plan_qdc`: nothing written), then written (`write_plan`);
the facade (`Project`) drives both and keeps the originals. Nothing here imports the CLI or
the TUI.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from codebook import codebooks
from codebook.interchange.refi_qda.apply import write_plan
from codebook.interchange.refi_qda.cases import People
from codebook.interchange.refi_qda.codebook_yaml import qdc_to_yaml
from codebook.interchange.refi_qda.ids import known_guids
from codebook.interchange.refi_qda.plan import (
    ProjectState,
    RefiImportPlan,
    plan_codebook,
    plan_project,
)
from codebook.interchange.refi_qda.read import read_qdc, read_qdpx
from codebook.interchange.refi_qda.result import RefiImportResult
from codebook.interchange.refi_qda.write import Guids, project_xml, write_qdc, write_qdpx
from codebook.model import Codebook, CodebookError

__all__ = [
    "CODEBOOK_XSD",
    "PROJECT_XSD",
    "RefiImportPlan",
    "RefiImportResult",
    "export_qdc",
    "export_qdpx",
    "plan_qdc",
    "plan_qdpx",
    "qdc_to_yaml",
    "read_qdc",
    "read_qdpx",
    "write_plan",
]
SCOPE_META = "refi_project_guid"
# the standard's own schemas, shipped in the package (see schemas/README.md)
SCHEMAS = Path(__file__).parent / "schemas"
PROJECT_XSD = SCHEMAS / "Project.xsd"
CODEBOOK_XSD = SCHEMAS / "Codebook.xsd"


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
    people = People(store.participants(), store.speakers(), store.segments())
    pdfs = _pdf_originals(store, transcripts)
    summaries = store.summaries()
    qde = project_xml(
        name, codebook, transcripts, codings, memos, ids, people, set(pdfs), summaries
    )
    write_qdpx(Path(path), qde, transcripts, ids, pdfs)
    return {
        "codes": len(codebook.codes),
        "transcripts": len(transcripts),
        "codings": len(codings),
        "memos": len(memos),
        "coding_memos": sum(1 for c in codings if c.memo),
        "cases": len(people.participants),
        "summaries": len(summaries),
    }


def _pdf_originals(store, transcripts) -> dict[int, bytes]:
    """The original PDF of each transcript that came from one (a file or a PDF source), which
    is exported as a PDF source."""
    out = {}
    for t in transcripts:
        if t.file_name.lower().endswith(".pdf"):
            data = store.original(t.id)
            if data and data[:1024].find(b"%PDF-") >= 0:
                out[t.id] = data
    return out


def plan_qdpx(path: Path, store, codebook_path: Path) -> RefiImportPlan:
    """Read a .qdpx and plan its import into the project; raises CodebookError if it cannot be
    imported whole."""
    path = Path(path)
    refi = read_qdpx(path)
    state = _state(store, codebook_path)
    state.transcripts, state.coding_counts = store.transcripts(), store.coding_counts()
    state.speakers = {(s.transcript_id, s.label): s for s in store.speakers()}
    state.participants = {p.name for p in store.participants()}
    state.summaries = {s.key: s for s in store.summaries()}
    return plan_project(refi, state, path.name)


def plan_qdc(path: Path, store, codebook_path: Path) -> RefiImportPlan:
    """Read a .qdc and plan adding its new codes to the project's codebook."""
    path = Path(path)
    return plan_codebook(read_qdc(path), _state(store, codebook_path), path.name)


def _state(store, codebook_path: Path) -> ProjectState:
    """The codebook is parsed from the very YAML a plan extends, so the two cannot differ."""
    data = codebooks.read_yaml(codebook_path)
    book, problems = codebooks.parse(data, str(codebook_path))
    if problems:
        raise CodebookError("\n".join(problems))
    return ProjectState(book, data, codebook_path, known_guids=known_guids(store))
