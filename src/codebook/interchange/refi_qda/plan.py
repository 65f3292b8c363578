"""Plan a REFI-QDA import before anything is written: the codes and attributes that join the
codebook, what happens to each source's transcript, and the codings and memos that go where.

Planning reads only what it is given (the file as read and the project's `ProjectState`), so
a file that cannot be imported leaves the project as it was; `apply.write_plan` writes a plan
in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codebook.ingest import Parsed, build_transcript
from codebook.ingest.plan import Step, plan_import
from codebook.interchange.refi_qda.cases import SpeakerRow, keep_assigned, plan_cases
from codebook.interchange.refi_qda.codebook_yaml import extended
from codebook.interchange.refi_qda.codes import CodePlan, plan_codes, slug
from codebook.interchange.refi_qda.ids import remember, remembered_codes
from codebook.interchange.refi_qda.read import RefiCode, RefiNoteRef, RefiProject, RefiSource
from codebook.interchange.refi_qda.summaries import plan_summaries
from codebook.model import (
    Codebook,
    CodebookError,
    Coding,
    ReanchorNeeded,
    Speaker,
    Summary,
    Transcript,
)

FALLBACK_CODER = "refi-import"

# (source GUID, or None for a note on the project; start; end; coder; text)
MemoRow = tuple[str | None, int | None, int | None, str, str]


@dataclass
class ProjectState:
    """What the project holds that an import is planned against."""

    codebook: Codebook
    yaml: object  # the codebook file as loaded (round trip); a plan adds its codes to it
    yaml_path: Path
    transcripts: list[Transcript] = field(default_factory=list)
    coding_counts: dict[int, int] = field(default_factory=dict)
    speakers: dict[tuple[int, str], Speaker] = field(default_factory=dict)  # (tid, label) ->
    known_guids: dict[str, str] = field(default_factory=dict)
    participants: set[str] = field(default_factory=set)
    summaries: dict[tuple, Summary] = field(default_factory=dict)  # by key


@dataclass
class SourcePlan:
    """One text source: what happens to its transcript, and the codings that go onto it."""

    guid: str
    step: Step  # add, replace, attributes, unchanged, or twin (`step.existing` gets the codings)
    codings: list[Coding] = field(default_factory=list)  # transcript_id is set when written


@dataclass
class RefiImportPlan:
    """Everything an import will write, decided before anything is (so it can be refused
    whole, shown, or tested without a database)."""

    codebook: object | None = None  # the codebook YAML to write, or None if it stays as it is
    sources: list[SourcePlan] = field(default_factory=list)
    memos: list[MemoRow] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)  # framework summaries, from notes
    participants: dict[str, dict[str, str]] = field(default_factory=dict)  # cases, by name
    speakers: list[SpeakerRow] = field(default_factory=list)  # who speaks under which label
    guids: str | None = None  # the remembered GUIDs to store, or None to leave them
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    attributes_added: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def originals(self) -> list[Parsed]:
        """The transcripts whose files are kept in transcripts/: those this import writes."""
        return [s.step.parsed for s in self.sources if s.step.writes_text]


def plan_codebook(refi: RefiProject, state: ProjectState, where: str) -> RefiImportPlan:
    """A .qdc into the project's codebook: matched codes stay as they are, new ones are added."""
    plan = RefiImportPlan(warnings=list(refi.warnings))
    codes = _plan_codes(plan, refi.codes, state, set(), {}, where)
    if codes.changed:
        plan.codebook, _ = extended(state.yaml, state.yaml_path, codes, {}, {})
        plan.guids = remember(state.known_guids, refi.codes, {}, codes.ids)
    return plan


def plan_project(refi: RefiProject, state: ProjectState, where: str) -> RefiImportPlan:
    """A .qdpx into the project; raises CodebookError (a source that differs from a coded
    transcript of its name, a codebook that would be invalid) with nothing planned."""
    plan = RefiImportPlan(warnings=list(refi.warnings))
    used = {c.code for s in refi.sources for c in s.codings}
    notes = {g: n.text for g, n in refi.notes.items()}
    codes = _plan_codes(plan, refi.codes, state, used, notes, where)
    keys, new_attrs, labels = _attributes(refi, state.codebook)
    plan.attributes_added = sorted(new_attrs)
    book = state.codebook
    if codes.changed or new_attrs:
        plan.codebook, book = extended(state.yaml, state.yaml_path, codes, new_attrs, labels)
    coders = _Coders(refi)
    allowed = _Allowed(book, where, plan.warnings)
    parsed = _parse(refi, book, keys, allowed, where, plan.warnings)
    cases = plan_cases(
        refi, {s.guid: t for s, t in zip(refi.sources, parsed, strict=True)}, keys, allowed,
        where, plan.warnings,
    )  # fmt: skip
    plan.sources = _steps(refi, parsed, state, where, plan.warnings)
    targets = {s.guid: s.step.existing for s in plan.sources}
    plan.participants = cases.participants
    plan.speakers = keep_assigned(cases.speakers, targets, state.speakers, where, plan.warnings)
    _codings(plan, refi.sources, codes.ids, book, notes, coders, where)
    names = {s.guid: (s.step.existing or s.step.parsed).name for s in plan.sources}
    rows = {
        "transcript": set(names.values()) | {t.name for t in state.transcripts},
        "participant": state.participants | set(cases.participants),
    }
    plan.summaries, summary_notes = plan_summaries(
        refi, codes.ids, names, rows, state.summaries, coders, where, plan.warnings
    )
    plan.memos = _memos(refi, codes.ids, coders, where, plan.warnings, summary_notes)
    if coders.missing:
        plan.warnings.append(
            f"{where}: {coders.missing} coding(s) or note(s) name no known user; "
            f"coder set to '{FALLBACK_CODER}'"
        )
    plan.guids = remember(state.known_guids, refi.codes, refi.users, codes.ids, cases.guids)
    return plan


def _plan_codes(
    plan: RefiImportPlan, codes: list[RefiCode], state: ProjectState, used, notes, where: str
) -> CodePlan:
    found = plan_codes(
        codes, state.codebook, remembered_codes(state.known_guids), used, notes, where
    )
    plan.warnings += found.warnings
    plan.codes_added, plan.codes_matched = found.added, len(found.matched)
    return found


def _attributes(refi: RefiProject, book: Codebook):
    """Variable name -> attribute key (a declared attribute by name or label, else a new
    one); the new attributes with the values seen, and their labels."""
    keys: dict[str, str] = {}
    new: dict[str, list[str]] = {}
    labels: dict[str, dict] = {}
    values = [s.variables for s in refi.sources] + [c.values for c in refi.cases]
    for found in values:
        for var, value in found.items():
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
    return keys, new, labels


class _Allowed:
    """Whether the codebook allows a value of an attribute; a value it does not is left out
    with a warning."""

    def __init__(self, book: Codebook, where: str, warnings: list[str]):
        self.book, self.where, self.warnings = book, where, warnings

    def __call__(self, key: str, value: str, what: str) -> bool:
        allowed = self.book.attributes[key].values if key in self.book.attributes else []
        if allowed and value not in allowed:
            self.warnings.append(
                f"{self.where}: {what}: {key}={value!r} is not an allowed value "
                f"({', '.join(allowed)}); not carried over"
            )
            return False
        return True


def _parse(
    refi: RefiProject,
    book: Codebook,
    keys: dict[str, str],
    allowed: _Allowed,
    where: str,
    warnings: list[str],
) -> list[Parsed]:
    """Each source as a transcript (two of one name get a number)."""
    parsed: list[Parsed] = []
    seen: set[str] = set()
    for source in refi.sources:
        name, n = source.name, 2
        while name in seen:
            name, n = f"{source.name} ({n})", n + 1
        if name != source.name:
            warnings.append(f"{where}: two sources named '{source.name}'; one is '{name}'")
        seen.add(name)
        parsed.append(_transcript(source, name, book, keys, allowed))
    return parsed


def _steps(
    refi: RefiProject, parsed: list[Parsed], state: ProjectState, where: str, warnings: list[str]
) -> list[SourcePlan]:
    """The import step for each source's transcript (the rule of every import)."""
    try:
        steps = plan_import(parsed, state.transcripts, state.coding_counts)
    except ReanchorNeeded as e:  # REFI-QDA brings no earlier text to re-anchor from
        raise CodebookError(
            f"{where}: source '{e.transcript}' differs from the transcript of that name, which "
            f"has {e.codings} coding(s); nothing was imported"
        ) from None
    for i, step in enumerate(steps):
        if step.action != "twin":
            continue
        if not step.parsed.text.strip():  # an empty text is no sign of the same transcript
            steps[i] = Step("add", step.parsed)
            continue
        warnings.append(
            f"{where}: source '{step.parsed.name}' has the same text as transcript "
            f"'{step.existing.name}'; its codings go there"
        )
    return [SourcePlan(s.guid, step) for s, step in zip(refi.sources, steps, strict=True)]


def _transcript(
    source: RefiSource, name: str, book: Codebook, keys: dict[str, str], allowed: _Allowed
) -> Parsed:
    """Turns and segments as a file import makes them, on the source text as it is; a
    variable value the codebook does not allow is left out with a warning."""
    attributes = {
        keys[var]: value
        for var, value in source.variables.items()
        if allowed(keys[var], value, f"source '{name}'")
    }
    safe = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in name).strip(" .")
    safe = safe or "source"
    if source.ext == ".pdf" and safe.lower().endswith(".pdf"):  # QualCoder names it a file
        safe = safe[:-4]
    return build_transcript(
        name,
        source.text,
        book,
        file_name=safe + source.ext,
        format="qdpx",
        original=source.original,
        attributes=attributes,
        metadata={"refi_guid": source.guid},
        pages=source.pages,
        headings=source.headings,
    )


class _Coders:
    """Coder names for user GUIDs, counting the codings and notes that name no known user."""

    def __init__(self, refi: RefiProject):
        self.users = dict(refi.users)
        self.default = refi.default_user
        self.missing = 0

    def name(self, guid: str | None) -> str:
        name = self.users.get(guid) or self.users.get(self.default)
        if name is None:
            self.missing += 1
            return FALLBACK_CODER
        return name[:64]


def _codings(
    plan: RefiImportPlan,
    sources: list[RefiSource],
    ids: dict[str, str],
    book: Codebook,
    notes: dict[str, str],
    coders: _Coders,
    where: str,
) -> None:
    """The codings of each source onto its plan; those on unknown or grouping codes are
    counted in a warning instead."""
    skipped: dict[str, int] = {}
    for source, target in zip(sources, plan.sources, strict=True):
        for c in source.codings:
            code = ids.get(c.code)
            if code is None or not book.codes[code].codable:
                key = "a code that is not in the file" if code is None else f"grouping '{code}'"
                skipped[key] = skipped.get(key, 0) + 1
                continue
            memo = "\n\n".join(notes[g] for g in c.notes if notes.get(g)) or None
            target.codings.append(
                Coding(None, None, c.start, c.end, code, coders.name(c.user), "import", memo)
            )
    for key, n in skipped.items():
        plan.warnings.append(f"{where}: {n} coding(s) on {key} not carried over")


def _memos(
    refi: RefiProject,
    ids: dict[str, str],
    coders: _Coders,
    where: str,
    warnings: list[str],
    summaries: set[str],
) -> list[MemoRow]:
    """Notes that are not a coding's or a code's memo or a summary become memos: on a span, a
    source or the project (a note nothing refers to goes to the project)."""
    used = {g for s in refi.sources for c in s.codings for g in c.notes} | summaries
    used |= {g for rc in refi.codes for g in rc.notes if rc.guid in ids}
    refs = [r for r in refi.note_refs if r.note not in summaries]
    referenced = {r.note for r in refs} | used
    refs += [RefiNoteRef(g, None) for g in refi.notes if g not in referenced]
    sources = {s.guid for s in refi.sources}
    rows: list[MemoRow] = []
    lost = 0
    for ref in refs:
        note = refi.notes.get(ref.note)
        if note is None or (ref.source and ref.source not in sources):
            lost += 1
            continue
        if note.text.strip():
            rows.append((ref.source or None, ref.start, ref.end, coders.name(note.user), note.text))
    if lost:
        warnings.append(
            f"{where}: {lost} reference(s) to a missing note or source not carried over"
        )
    return rows
