"""Framework-matrix summaries <-> REFI-QDA notes.

The standard has no summaries, so each one travels as a `<Note>` that any tool keeps as a memo:
named "Summary: <code> – <case>", its first line saying which cell it is
(`Framework summary · transcript Interview 1 · code Digitaal [<code GUID>]`), then the text. A
transcript's summary is referred to by its source (`<NoteRef>`); a participant's by the project,
since a `<Case>` cannot hold a NoteRef in REFI-QDA 1.0. On import such a note becomes the
summary again; one that names a code or case the project does not get stays a memo, with a
warning, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from codebook.interchange.summaries_csv import clean_text
from codebook.model import SUMMARY_ROWS, Summary

PREFIX = "Framework summary"
_FIRST = re.compile(
    rf"^{PREFIX} · ({'|'.join(SUMMARY_ROWS)}) (.+?) · code (.*) \[([0-9a-fA-F-]{{36}})\]$"
)


def note_name(label: str, row: str) -> str:
    return f"Summary: {label} – {row}"


def note_text(s: Summary, label: str, code_guid: str) -> str:
    """The note of a summary: the line naming its cell, a blank line, the summary."""
    row, label = " ".join(s.row.split()), " ".join(label.split())
    return f"{PREFIX} · {s.row_kind} {row} · code {label} [{code_guid}]\n\n{s.text}"


@dataclass
class SummaryNote:
    kind: str
    row: str
    code_guid: str
    text: str


def parse(text: str) -> SummaryNote | None:
    """The cell and text of a note written by `note_text`, or None for any other note."""
    first, _, rest = text.partition("\n")
    m = _FIRST.match(first.strip())
    body = clean_text(rest)
    if m is None or not body:
        return None
    return SummaryNote(m.group(1), m.group(2), m.group(4).lower(), body)


def when(value: str | None) -> datetime | None:
    """An xsd:dateTime of a note, as an aware time (None if missing or not a time)."""
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def plan_summaries(refi, ids, sources, cases, have, coders, where: str, warnings: list):
    """(the summaries to write, the GUIDs of the notes they come from). `ids` maps code GUIDs to
    code ids, `sources` source GUIDs to transcript names, `cases` each kind of row to the names
    a summary may be about (the project's and the file's), `have` the project's summaries by
    key: an equal one is skipped, and a different one is replaced only by a note written
    later."""
    by_source = {r.note: r.source for r in refi.note_refs if r.source and r.start is None}
    out: dict[tuple, Summary] = {}
    used: set[str] = set()
    lost = kept = 0
    for guid, note in refi.notes.items():
        found = parse(note.text)
        if found is None:
            continue
        code = ids.get(found.code_guid)
        row = found.row
        if found.kind == "transcript":  # the source that refers to it says which transcript
            row = sources.get(by_source.get(guid)) or row
        if code is None or row not in cases[found.kind]:
            lost += 1
            continue
        used.add(guid)
        created = when(note.created)
        updated = when(note.modified) or created
        item = Summary(found.kind, row, code, coders.name(note.user), found.text, created, updated)
        old = have.get(item.key)
        if old is not None and old.text == item.text:
            continue
        if old is not None and (updated is None or _naive(updated) <= _naive(old.updated_at)):
            kept += 1
            continue
        stamp = datetime.now(UTC)
        item.created_at, item.updated_at = created or stamp, updated or stamp
        out[item.key] = item
    if lost:
        warnings.append(
            f"{where}: {lost} summary note(s) name a code or case that is not in the project; "
            "kept as memos"
        )
    if kept:
        warnings.append(
            f"{where}: {kept} summary note(s) differ from the project's summary of that cell, "
            "which was written later; the project's are kept"
        )
    return list(out.values()), used
