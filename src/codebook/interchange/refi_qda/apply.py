"""Write a planned REFI-QDA import: one database transaction, with the codebook YAML replaced
inside it, so a failure anywhere leaves both the store and the YAML as they were.

Codings and memos already there are not added again, so the same file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

from codebook import codebooks
from codebook.ingest.plan import Step
from codebook.interchange.refi_qda.ids import GUIDS_META
from codebook.interchange.refi_qda.plan import RefiImportPlan
from codebook.interchange.refi_qda.result import RefiImportResult
from codebook.model import Coding, Speaker


def write_plan(plan: RefiImportPlan, store, codebook_path: Path) -> RefiImportResult:
    """Write `plan` (all of it or nothing); the originals are the caller's to keep."""
    result = RefiImportResult(
        codes_added=plan.codes_added,
        codes_matched=plan.codes_matched,
        attributes_added=plan.attributes_added,
        warnings=list(plan.warnings),
    )
    with codebooks.swapped(codebook_path) as write_codebook, store.transaction() as conn:
        tids: dict[str, int] = {}
        codings: list[Coding] = []
        for source in plan.sources:
            tid = _write_step(store, conn, source.step, result)
            tids[source.guid] = tid
            codings += [replace(c, transcript_id=tid) for c in source.codings]
        memos = [(tids[g] if g else None, *rest) for g, *rest in plan.memos]
        result.codings = store.insert_new_codings(conn, codings)
        result.memos = store.insert_new_memos(conn, memos)
        if plan.summaries:  # new cells, or cells the file's notes wrote later (as a merge does)
            theirs = SimpleNamespace(summaries=lambda: plan.summaries)
            result.summaries = store.copy_summaries(conn, theirs, {})
        result.coders = sorted({c.coder for c in codings} | {m[3] for m in memos})
        if plan.participants:
            speakers = [
                Speaker(tids[r.source], r.label, r.participant, r.interviewer)
                for r in plan.speakers
            ]
            counts = store.write_participants(plan.participants, speakers, conn)
            result.participants = sorted(plan.participants)
            result.participants_new, result.speakers = counts["created"], counts["speakers"]
        if plan.guids is not None:
            store.set_meta(GUIDS_META, plan.guids, conn)
        if plan.codebook is not None:
            write_codebook(plan.codebook)
    return result


def _write_step(store, conn, step: Step, result: RefiImportResult) -> int:
    """The transcript of one source; returns its id (a twin's for a twin)."""
    if step.writes_text:
        replace_id = step.existing.id if step.action == "replace" else None
        tid = store.write_transcript(conn, step.parsed, replace_id=replace_id)
        (result.added if step.action == "add" else result.replaced).append(step.parsed.name)
        return tid
    old = step.existing
    attributes = {**old.attributes, **step.parsed.attributes}
    if attributes != old.attributes:
        store.write_attributes(conn, old.id, attributes)
    result.unchanged.append(step.parsed.name)
    return old.id
