"""Participants as CSV: transcript,speaker,participant, one column per attribute, interviewer.

One row per speaker label of a transcript: who speaks under it (a participant, created when
new) and whether it is the interviewer (`yes` / `no`; empty: the label decides, see
`model.is_interviewer`). A row with an empty transcript and speaker gives a participant's
attributes only. Empty cells change nothing. Reading checks every row and reports every
problem (up to 20) as FILE:LINE: message, so a spreadsheet is fixed in one pass; nothing is
returned unless every row is good.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame, csv_unsafe
from codebook.model import Codebook, CodebookError, Speaker, Transcript, check_name

KEYS = ["transcript", "speaker", "participant"]
INTERVIEWER = "interviewer"
YES = {"yes", "y", "ja", "j", "true", "1", "x"}
NO = {"no", "n", "nee", "false", "0"}
SHOWN_ERRORS = 20


@dataclass
class Plan:
    """What a participants file asks for: participants with the attribute values given, and
    the speakers it names."""

    participants: dict[str, dict[str, str]] = field(default_factory=dict)
    speakers: list[Speaker] = field(default_factory=list)


def columns(codebook: Codebook) -> list[str]:
    return [*KEYS, *codebook.attributes, INTERVIEWER]


def read(
    path: Path,
    transcripts: list[Transcript],
    labels: dict[int, set[str]],
    codebook: Codebook,
) -> Plan:
    """The plan of a participants CSV, checked against the transcripts (and their speaker
    `labels` by transcript id) and the codebook's attributes."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CodebookError(f"{path}: cannot read as UTF-8 CSV ({e})") from None
    reader = csv.reader(io.StringIO(text))
    header = [csv_unsafe(h).strip() for h in next(reader, [])]
    _check_header(path, header, codebook)
    by_name = {t.name: t for t in transcripts}
    plan, errors = Plan(), []
    seen: dict[tuple[int, str], int] = {}
    first: dict[tuple[str, str], int] = {}  # (participant, attribute) -> line that set it
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(header, (csv_unsafe(c).strip() for c in cells), strict=False))
        try:
            if any(c.strip() for c in cells[len(header) :]):
                raise CodebookError(
                    f"{path}:{line}: {len(cells)} cells but {len(header)} columns (a comma in "
                    "a value needs quotes)"
                )
            _row(row, f"{path}:{line}", line, by_name, labels, codebook, plan, seen, first)
        except CodebookError as e:
            errors.append(str(e))
    if errors:
        more = f"\n... and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise CodebookError(
            "\n".join(errors[:SHOWN_ERRORS]) + more + "\nNo participants were imported."
        )
    if not plan.participants and not plan.speakers:
        raise CodebookError(f"{path}: no rows; nothing was imported")
    return plan


def _check_header(path: Path, header: list[str], codebook: Codebook) -> None:
    missing = [c for c in KEYS if c not in header]
    if missing:
        raise CodebookError(
            f"{path}:1: missing column(s) {', '.join(missing)} "
            f"(columns: {', '.join(columns(codebook))})"
        )
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        raise CodebookError(f"{path}:1: column(s) {', '.join(doubled)} appear twice")
    known = set(columns(codebook))
    unknown = [c for c in header if c not in known]
    if unknown:
        declared = ", ".join(codebook.attributes) or "none"
        raise CodebookError(
            f"{path}:1: unknown column(s) {', '.join(map(repr, unknown))}: not an attribute "
            f"the codebook declares (declared: {declared})"
        )


def _row(row, where, line, by_name, labels, codebook, plan, seen, first) -> None:
    name, label, who = (row.get(k, "") for k in KEYS)
    attrs = {k: v for k, v in row.items() if k in codebook.attributes and v}
    codebook.check_attributes(attrs, where)
    flag = _flag(row.get(INTERVIEWER, ""), where)
    if who:
        try:
            who = check_name(who, "participant name")
        except CodebookError as e:
            raise CodebookError(f"{where}: {e}") from None
    elif attrs:
        raise CodebookError(f"{where}: attribute values need a participant name")
    if not name and not label:
        if not who:
            raise CodebookError(f"{where}: give a transcript and speaker, or a participant")
        if flag is not None:
            raise CodebookError(f"{where}: 'interviewer' needs a transcript and speaker")
    elif not name or not label:
        raise CodebookError(f"{where}: give both a transcript and a speaker (or neither)")
    else:
        t = by_name.get(name)
        if t is None:
            raise CodebookError(f"{where}: unknown transcript '{name}'")
        known = labels.get(t.id, set())
        if label not in known:
            said = ", ".join(sorted(known)) or "none"
            raise CodebookError(
                f"{where}: transcript '{name}' has no speaker '{label}' (speakers: {said})"
            )
        if (t.id, label) in seen:
            raise CodebookError(
                f"{where}: speaker '{label}' of '{name}' is already given on line "
                f"{seen[(t.id, label)]}"
            )
        seen[(t.id, label)] = line
        plan.speakers.append(Speaker(t.id, label, who or None, flag))
    if who:
        mine = plan.participants.setdefault(who, {})
        for key, value in attrs.items():
            if key in mine and mine[key] != value:
                raise CodebookError(
                    f"{where}: {who} has {key}={mine[key]!r} on line {first[(who, key)]}, "
                    f"here {value!r}"
                )
            mine[key] = value
            first.setdefault((who, key), line)


def _flag(value: str, where: str) -> bool | None:
    if not value:
        return None
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise CodebookError(f"{where}: interviewer {value!r}: use yes or no (or leave it empty)")


def write(table: pd.DataFrame, path: Path) -> int:
    """The speakers table (`Project.speakers_table`) as CSV that `read` takes back."""
    with atomic_output(path) as tmp:
        csv_safe_frame(table).to_csv(tmp, index=False, encoding="utf-8")
    return len(table)
