"""Merge a read REFI-QDA project into a codebook project, all or nothing.

Everything is planned first (codes, attributes, transcripts, codings, memos); then one
database transaction writes it, and the codebook YAML is replaced inside that transaction, so
a failure anywhere leaves both the store and the YAML as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from codebook import codebooks
from codebook.ingest import Parsed, sha256
from codebook.ingest import detect_language as _detect
from codebook.ingest.segment import segment
from codebook.ingest.turns import find_turns
from codebook.interchange.refi_qda.codes import plan_codes, slug
from codebook.interchange.refi_qda.read import RefiNoteRef, RefiProject
from codebook.interchange.refi_qda.report import RefiReport
from codebook.interchange.refi_qda.rows import add_memos, known_guids, remember
from codebook.interchange.refi_qda.yamlio import YamlSwap, write_yaml, yaml_with
from codebook.model import Codebook, CodebookError, Coding

FALLBACK_CODER = "refi-import"


def _attributes(refi: RefiProject, book: Codebook, where: str, report: RefiReport):
    """Variable name -> attribute key; new attributes (with the values seen) to declare."""
    keys: dict[str, str] = {}
    new: dict[str, list[str]] = {}
    labels: dict[str, dict] = {}
    for source in refi.sources:
        for var, value in source.variables.items():
            if var not in keys:
                folded = var.casefold()
                keys[var] = next(
                    (
                        a.name
                        for a in book.attributes.values()
                        if folded == a.name.casefold()
                        or folded in {str(v).casefold() for v in a.label.values()}
                    ),
                    None,
                ) or slug(var)
            key = keys[var]
            if key not in book.attributes:
                if key not in new:
                    new[key], labels[key] = [], {"en": var}
                if value not in new[key]:
                    new[key].append(value)
    report.attributes_added = sorted(new)
    return keys, new, labels


def merge_project(
    refi: RefiProject,
    project_root: Path,
    store,
    codebook_path: Path,
    where: str,
    before_write: Callable[[], object] | None = None,
) -> RefiReport:
    """Plan and write; returns a RefiReport. Raises CodebookError with nothing written.

    `before_write` runs once the plan holds and before anything is written (a backup).
    """
    report = RefiReport(warnings=list(refi.warnings))
    book = codebooks.load(codebook_path)
    known = known_guids(store)
    used = {c.code for s in refi.sources for c in s.codings}
    notes = {g: n.text for g, n in refi.notes.items()}
    plan = plan_codes(refi.codes, book, _remembered(known), used, notes, where)
    report.warnings += plan.warnings
    report.codes_added, report.codes_matched = plan.added, len(plan.matched)
    keys, new_attrs, labels = _attributes(refi, book, where, report)
    data = None
    if plan.changed or new_attrs:
        data, book = yaml_with(codebook_path, plan, new_attrs, labels)

    users = dict(refi.users)
    missing_user = 0

    def coder(guid: str | None) -> str:
        nonlocal missing_user
        name = users.get(guid) or users.get(refi.default_user)
        if name is None:
            missing_user += 1
            return FALLBACK_CODER
        return name[:64]

    existing = {t.name: t for t in store.transcripts()}
    by_hash = {t.sha256: t for t in existing.values()}
    by_id = {t.id: t for t in existing.values()}
    counts = store.coding_counts()
    planned: list[tuple[str, Parsed, int | None, object]] = []  # action, parsed, id, source
    seen: set[str] = set()
    for source in refi.sources:
        name = source.name
        n = 2
        while name in seen:
            name, n = f"{source.name} ({n})", n + 1
        if name != source.name:
            report.warnings.append(f"{where}: two sources named '{source.name}'; one is '{name}'")
        seen.add(name)
        parsed = _parse(source, name, book, keys, where, report)
        old = existing.get(name)
        if old is None and parsed.sha256 in by_hash and parsed.text.strip():
            twin = by_hash[parsed.sha256]
            report.warnings.append(
                f"{where}: source '{name}' has the same text as transcript '{twin.name}'; "
                "its codings go there"
            )
            planned.append(("same", parsed, twin.id, source))
        elif old is None:
            planned.append(("add", parsed, None, source))
        elif old.sha256 == parsed.sha256:
            planned.append(("same", parsed, old.id, source))
        elif counts.get(old.id, 0):
            raise CodebookError(
                f"{where}: source '{name}' differs from the transcript of that name, which has "
                f"{counts[old.id]} coding(s); nothing was imported"
            )
        else:
            planned.append(("replace", parsed, old.id, source))

    skipped: dict[str, int] = {}
    for _, _, _, source in planned:
        for c in source.codings:
            code = plan.ids.get(c.code)
            if code is None or not book.codes[code].codable:
                key = "a code that is not in the file" if code is None else f"grouping '{code}'"
                skipped[key] = skipped.get(key, 0) + 1
    for key, n in skipped.items():
        report.warnings.append(f"{where}: {n} coding(s) on {key} not carried over")

    if before_write is not None:
        before_write()
    swap = YamlSwap(codebook_path) if data is not None else None
    try:
        with store.transaction() as conn:
            items: list[Coding] = []
            memo_rows = []
            tids: dict[str, int] = {}
            for action, parsed, tid, source in planned:
                if action in ("add", "replace"):
                    tid = store.write_transcript(conn, parsed, replace_id=tid)
                    (report.added if action == "add" else report.replaced).append(parsed.name)
                else:
                    attrs = by_id[tid].attributes
                    if {**attrs, **parsed.attributes} != attrs:
                        store.write_attributes(conn, tid, {**attrs, **parsed.attributes})
                    report.unchanged.append(parsed.name)
                tids[source.guid] = tid
                for c in source.codings:
                    code = plan.ids.get(c.code)
                    if code is None or not book.codes[code].codable:
                        continue
                    memo = "\n\n".join(notes[g] for g in c.notes if notes.get(g)) or None
                    items.append(
                        Coding(None, tid, c.start, c.end, code, coder(c.user), "import", memo)
                    )
            used_notes = {g for s in refi.sources for c in s.codings for g in c.notes}
            used_notes |= {g for rc in refi.codes for g in rc.notes if rc.guid in plan.ids}
            refs = list(refi.note_refs)
            referenced = {r.note for r in refs} | used_notes
            refs += [RefiNoteRef(g, None) for g in refi.notes if g not in referenced]
            lost = 0
            for ref in refs:
                note = refi.notes.get(ref.note)
                tid = tids.get(ref.source) if ref.source else None
                if note is None or (ref.source and tid is None):
                    lost += 1
                    continue
                if not note.text.strip():
                    continue
                memo_rows.append((tid, ref.start, ref.end, coder(note.user), note.text))
            if lost:
                report.warnings.append(
                    f"{where}: {lost} reference(s) to a missing note or source not carried over"
                )
            report.codings = store.insert_new_codings(conn, items)
            report.memos = add_memos(store, conn, memo_rows)
            report.coders = sorted({c.coder for c in items} | {m[3] for m in memo_rows})
            remember(conn, known, refi.codes, refi.users, plan)
            if swap is not None:
                write_yaml(codebook_path, data)
    except BaseException:
        if swap is not None:
            swap.restore()
        raise
    if missing_user:
        report.warnings.append(
            f"{where}: {missing_user} coding(s) or note(s) name no known user; "
            f"coder set to '{FALLBACK_CODER}'"
        )
    for action, parsed, _, _ in planned:
        if action in ("add", "replace"):
            target = project_root / "transcripts" / parsed.file_name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(parsed.original)
    return report


def _remembered(known: dict[str, str]) -> dict[str, str]:
    return {g: k[5:] for k, g in known.items() if k.startswith("code:")}


def _parse(source, name: str, book: Codebook, keys: dict[str, str], where, report) -> Parsed:
    """Turns and segments as the normal import makes them, on the source text as it is."""
    attributes = {}
    for var, value in source.variables.items():
        key = keys[var]
        allowed = book.attributes[key].values if key in book.attributes else []
        if allowed and value not in allowed:
            report.warnings.append(
                f"{where}: source '{name}': {key}={value!r} is not an allowed value "
                f"({', '.join(allowed)}); not carried over"
            )
            continue
        attributes[key] = value
    for attr in book.attributes.values():
        if attr.default is not None:
            attributes.setdefault(attr.name, attr.default)
    language = _detect(source.text, book.language)
    turns = find_turns(source.text, set())
    safe = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in name).strip(" .")
    return Parsed(
        name=name,
        file_name=(safe or "source") + source.ext,
        format="qdpx",
        language=language,
        text=source.text,
        sha256=sha256(source.text),
        original=source.original,
        turns=turns,
        segments=segment(source.text, turns, language),
        attributes=attributes,
        metadata={"refi_guid": source.guid},
    )


def merge_codebook(refi: RefiProject, store, codebook_path: Path, where: str) -> RefiReport:
    """A .qdc into the project's codebook: matched codes stay as they are, new ones are added."""
    codes = refi.codes
    report = RefiReport(warnings=list(refi.warnings))
    book = codebooks.load(codebook_path)
    known = known_guids(store)
    plan = plan_codes(codes, book, _remembered(known), set(), {}, where)
    report.warnings += plan.warnings
    report.codes_added, report.codes_matched = plan.added, len(plan.matched)
    if not plan.changed:
        return report
    data, _ = yaml_with(codebook_path, plan, {}, {})
    swap = YamlSwap(codebook_path)
    try:
        with store.transaction() as conn:
            remember(conn, known, codes, {}, plan)
            write_yaml(codebook_path, data)
    except BaseException:
        swap.restore()
        raise
    return report
