"""Merge another coder's copy of a project into this one.

Transcripts are matched by the SHA-256 of their normalised text, so a renamed file still meets
its twin. Everything is checked before anything is written: conflicts (the same transcript name
with another text, the same code id with another definition or parent) are listed and nothing
is merged. Codings, memos and rejected suggestions are copied in one transaction; new codes go
into a staged copy of the codebook YAML that replaces the real one only inside that
transaction, so a failure leaves both the database and the YAML as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from codebook import codebooks
from codebook.model import Code, Codebook, CodebookError, check_name


@dataclass
class MergeResult:
    source: str
    matched: list[str] = field(default_factory=list)
    added_transcripts: list[str] = field(default_factory=list)
    added_codes: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    rejections: int = 0
    summaries: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"note: {n}" for n in self.notes]
        if self.added_transcripts:
            out.append(f"transcripts added: {', '.join(self.added_transcripts)}")
        if self.added_codes:
            out.append(f"codes added to the codebook: {', '.join(self.added_codes)}")
        out.append(
            f"merged {self.source}: {len(self.matched)} matching transcript(s), "
            f"{self.codings} coding(s), {self.memos} memo(s), {self.rejections} rejection(s) added"
        )
        if self.summaries:
            out.append(f"{self.summaries} framework summary(ies) added or updated")
        return out


def conflicts(
    ours: list, theirs: list, our_book: Codebook, their_book: Codebook, used: set[str]
) -> list[str]:
    """Every reason the merge cannot go ahead, one line each."""
    problems = []
    by_name = {t.name: t for t in ours}
    for t in theirs:
        mine = by_name.get(t.name)
        if mine is not None and mine.sha256 != t.sha256:
            problems.append(
                f"transcript '{t.name}': the other project has a different text "
                f"(sha256 {t.sha256[:12]} vs {mine.sha256[:12]} here)"
            )
    for code_id, code in their_book.codes.items():
        mine = our_book.codes.get(code_id)
        if mine is None:
            continue
        if mine.definition != code.definition:
            problems.append(
                f"code '{code_id}': different definition "
                f"(here: {_short(mine.definition)!r}; there: {_short(code.definition)!r})"
            )
        if mine.parent != code.parent:
            problems.append(
                f"code '{code_id}': different parent (here: {mine.parent or 'none'}; "
                f"there: {code.parent or 'none'})"
            )
    for code_id in sorted(used - set(their_book.codes) - set(our_book.codes)):
        problems.append(f"code '{code_id}': used in the other project's codings but in no codebook")
    return problems


def bad_names(coders: list[str]) -> list[str]:
    """The other project's coder names that this one would refuse at any other door."""
    problems = []
    for name in coders:
        try:
            check_name(name, "coder name")
        except CodebookError as e:
            problems.append(f"the other project's {e}")
    return problems


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def new_codes(our_book: Codebook, their_book: Codebook, notes: list[str]) -> list[Code]:
    """Their codes that we lack, parents first; a hotkey we already use is dropped."""
    taken = set(our_book.by_hotkey())
    out = []
    for code in their_book.walk():
        if code.id in our_book.codes:
            continue
        if code.hotkey and code.hotkey in taken:
            notes.append(f"code '{code.id}' added without its hotkey '{code.hotkey}' (in use here)")
            code = Code(**{**code.__dict__, "hotkey": None})
        elif code.hotkey:
            taken.add(code.hotkey)
        out.append(code)
    return out


def merge_copy(ours, codebook_path: Path, our_book: Codebook, theirs, their_book: Codebook,
               source: str) -> MergeResult:  # fmt: skip
    """Bring the store `theirs` into `ours`: all of it, or (on any conflict or error) nothing."""
    result = MergeResult(source)
    our_transcripts, their_transcripts = ours.transcripts(), theirs.transcripts()
    their_codings = theirs.codings()
    problems = conflicts(
        our_transcripts, their_transcripts, our_book, their_book, {c.code for c in their_codings}
    )
    problems += bad_names(theirs.coders())
    if problems:
        raise CodebookError(
            f"cannot merge {source}: {len(problems)} conflict(s)\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\nNothing was merged."
        )
    codes = new_codes(our_book, their_book, result.notes)
    data = _with_codes(codebook_path, codes)
    by_hash = {t.sha256: t for t in our_transcripts}
    with codebooks.swapped(codebook_path) as write_codebook, ours.transaction() as conn:
        ids: dict[int, int] = {}
        for t in their_transcripts:
            mine = by_hash.get(t.sha256)
            if mine is None:
                ids[t.id] = ours.copy_transcript(conn, theirs, t.id)
                result.added_transcripts.append(t.name)
                continue
            ids[t.id] = mine.id
            result.matched.append(mine.name)
            if mine.name != t.name:
                result.notes.append(f"'{t.name}' there is '{mine.name}' here (same text)")
        result.codings = ours.copy_codings(conn, their_codings, ids)
        result.memos = ours.copy_memos(conn, theirs, ids)
        result.rejections = ours.copy_rejections(conn, theirs, ids)
        names = {t.name: by_hash[t.sha256].name for t in their_transcripts if t.sha256 in by_hash}
        result.summaries = ours.copy_summaries(conn, theirs, names)
        if data is not None:
            write_codebook(data)
            result.added_codes = [c.id for c in codes]
    return result


def _with_codes(path: Path, codes: list[Code]):
    """The codebook YAML with `codes` added (comments kept), checked; None if no codes."""
    if not codes:
        return None
    data = codebooks.read_yaml(path)
    for code in codes:
        codebooks.add_code_to(data, code, path)
    problems = codebooks.parse(data, str(path))[1]
    if problems:
        raise CodebookError(
            f"{path}: adding the other project's codes would make it invalid:\n"
            + "\n".join(problems)
        )
    return data
