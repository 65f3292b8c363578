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

from sqlalchemy import Connection, insert, select

from codebook import codebooks
from codebook.model import Code, Codebook, CodebookError, Coding
from codebook.store import schema as s
from codebook.store.store import Store, now


@dataclass
class MergeReport:
    source: str
    matched: list[str] = field(default_factory=list)
    added_transcripts: list[str] = field(default_factory=list)
    added_codes: list[str] = field(default_factory=list)
    codings: int = 0
    memos: int = 0
    rejections: int = 0
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


def stage_codebook(path: Path, codes: list[Code]) -> Path | None:
    """A checked copy of the codebook YAML with `codes` added (comments kept), or None."""
    if not codes:
        return None
    staged = path.with_name(f".{path.name}.merge")
    staged.write_bytes(path.read_bytes())
    try:
        for code in codes:
            codebooks.add_code(staged, code)
        codebooks.load(staged)
    except CodebookError as e:
        staged.unlink(missing_ok=True)
        raise CodebookError(
            f"{path}: adding the other project's codes would make it invalid:\n{e}"
        ) from None
    return staged


def copy_transcript(conn: Connection, theirs: Store, tid: int) -> int:
    """Insert their transcript with its original bytes, attributes, turns and segments."""
    with theirs.engine.connect() as src:
        row = dict(
            src.execute(select(s.transcripts).where(s.transcripts.c.id == tid)).mappings().one()
        )
        row.pop("id")
        new_id = conn.execute(insert(s.transcripts).values(**row)).inserted_primary_key[0]
        for table in (s.attributes, s.turns, s.segments):
            rows = [
                dict(r)
                for r in src.execute(select(table).where(table.c.transcript_id == tid)).mappings()
            ]
            for r in rows:
                r.pop("id", None)
                r["transcript_id"] = new_id
            if rows:
                conn.execute(insert(table), rows)
    return new_id


def copy_codings(conn: Connection, ours: Store, codings: list[Coding], ids: dict[int, int]) -> int:
    """Insert their codings that we lack (same transcript, span, code and coder), in bulk."""
    cols = ("transcript_id", "start", "end", "code", "coder")
    have = {tuple(r) for r in conn.execute(select(*(s.codings.c[c] for c in cols)))}
    rows = []
    for c in codings:
        key = (ids[c.transcript_id], c.start, c.end, c.code, c.coder)
        if key not in have:
            have.add(key)
            rows.append(
                dict(
                    zip(cols, key, strict=True),
                    origin=c.origin,
                    memo=c.memo,
                    created_at=c.created_at or now(),
                )
            )
    ours.ensure_coders(conn, {r["coder"] for r in rows})
    if rows:
        conn.execute(insert(s.codings), rows)
    return len(rows)


def copy_memos(conn: Connection, ours: Store, theirs: Store, ids: dict[int, int]) -> int:
    have = {
        tuple(r)
        for r in conn.execute(
            select(
                s.memos.c.transcript_id,
                s.memos.c.start,
                s.memos.c.end,
                s.memos.c.coder,
                s.memos.c.text,
            )
        )
    }
    rows = []
    for m in theirs.memos():
        tid = ids.get(m.transcript_id) if m.transcript_id is not None else None
        key = (tid, m.start, m.end, m.coder, m.text)
        if key not in have:
            have.add(key)
            rows.append(
                dict(
                    zip(("transcript_id", "start", "end", "coder", "text"), key, strict=True),
                    created_at=m.created_at,
                )
            )
    ours.ensure_coders(conn, {r["coder"] for r in rows})
    if rows:
        conn.execute(insert(s.memos), rows)
    return len(rows)


def copy_rejections(conn: Connection, ours: Store, theirs: Store, ids: dict[int, int]) -> int:
    cols = ("transcript_id", "start", "end", "code", "coder")
    have = {tuple(r) for r in conn.execute(select(*(s.rejections.c[c] for c in cols)))}
    rows = []
    for tid, start, end, code, coder in theirs.rejections():
        key = (ids[tid], start, end, code, coder)
        if key not in have:
            have.add(key)
            rows.append(dict(zip(cols, key, strict=True), created_at=now()))
    ours.ensure_coders(conn, {r["coder"] for r in rows})
    if rows:
        conn.execute(insert(s.rejections), rows)
    return len(rows)


def merge(
    ours: Store,
    codebook_path: Path,
    our_book: Codebook,
    theirs: Store,
    their_book: Codebook,
    source: str,
) -> MergeReport:
    """Bring `theirs` into `ours`: all of it, or (on any conflict or error) nothing."""
    report = MergeReport(source)
    our_transcripts, their_transcripts = ours.transcripts(), theirs.transcripts()
    their_codings = theirs.codings()
    problems = conflicts(
        our_transcripts, their_transcripts, our_book, their_book, {c.code for c in their_codings}
    )
    if problems:
        raise CodebookError(
            f"cannot merge {source}: {len(problems)} conflict(s)\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\nNothing was merged."
        )
    codes = new_codes(our_book, their_book, report.notes)
    staged = stage_codebook(codebook_path, codes)
    original = codebook_path.read_bytes()
    replaced = False
    by_hash = {t.sha256: t for t in our_transcripts}
    try:
        with ours.transaction() as conn:
            ids: dict[int, int] = {}
            for t in their_transcripts:
                mine = by_hash.get(t.sha256)
                if mine is None:
                    ids[t.id] = copy_transcript(conn, theirs, t.id)
                    report.added_transcripts.append(t.name)
                    continue
                ids[t.id] = mine.id
                report.matched.append(mine.name)
                if mine.name != t.name:
                    report.notes.append(f"'{t.name}' there is '{mine.name}' here (same text)")
            report.codings = copy_codings(conn, ours, their_codings, ids)
            report.memos = copy_memos(conn, ours, theirs, ids)
            report.rejections = copy_rejections(conn, ours, theirs, ids)
            if staged is not None:
                staged.replace(codebook_path)
                replaced = True
                report.added_codes = [c.id for c in codes]
    except BaseException:
        if replaced:
            codebook_path.write_bytes(original)
        raise
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)
    return report
