"""Participants <-> REFI-QDA cases.

Export: each participant is a `<Case>` with its own attributes as variable values. Where it is
the only respondent of a transcript, the case holds the whole source (`<SourceRef>`, as NVivo
writes a case per interviewee); in a focus group it holds its turns, written as selections
without codings (`<SelectionRef>`).

Import: a case becomes a participant speaking under the speaker labels its references point
at: the labels of the segments its selections cover, or the one respondent of a source it holds
whole. A case whose sources have no single respondent (a document, a group under one label) is
the source itself, as before: its values become the transcript's attributes.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from lxml import etree

from codebook.ingest import Parsed
from codebook.interchange.refi_qda.ids import derive
from codebook.interchange.refi_qda.read import RefiProject
from codebook.model import Participant, Segment, Speaker, Transcript, is_interviewer

_NOT_IN_NAME = re.compile(r"[^\w .\-]+")


@dataclass
class SpeakerRow:
    """A speaker label of a source, assigned to a participant (`interviewer`: the project's
    own flag for that speaker, kept as it is)."""

    source: str  # source GUID
    label: str
    participant: str
    interviewer: bool | None = None


@dataclass
class CasePlan:
    participants: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> attributes
    speakers: list[SpeakerRow] = field(default_factory=list)
    guids: dict[str, str] = field(default_factory=dict)  # participant name -> case GUID


# -- import -------------------------------------------------------------------------------------
def participant_name(name: str) -> str:
    """A case name as a participant name (`model.check_name`): other characters become '-'."""
    cleaned = " ".join(_NOT_IN_NAME.sub("-", name).split()).strip(" .-")[:64].strip()
    return cleaned or "case"


def respondents(parsed: Parsed) -> list[str]:
    """The speaker labels of a transcript that are not the interviewer's, in text order."""
    seen = dict.fromkeys(
        s.speaker for s in parsed.segments if s.speaker and not is_interviewer(s.speaker)
    )
    return list(seen)


def plan_cases(
    refi: RefiProject,
    parsed: dict[str, Parsed],
    keys: dict[str, str],
    allowed,
    where: str,
    warnings: list[str],
) -> CasePlan:
    """Participants and speaker labels from the cases of `refi`; `parsed` maps source GUIDs to
    the transcripts planned for them (their attributes take the values of cases that are a
    whole source); `allowed(key, value, what)` says whether the codebook takes a value."""
    plan = CasePlan()
    claimed: dict[tuple[str, str], str] = {}
    lost = 0
    for case in refi.cases:
        name, n = participant_name(case.name), 2
        base = name
        while name in plan.participants:
            name, n = f"{base[:59]} ({n})", n + 1
        if name != case.name.strip():
            warnings.append(f"{where}: case '{case.name}' is participant '{name}'")
        what = f"case '{case.name}'"
        attrs = {
            keys[var]: value
            for var, value in case.values.items()
            if allowed(keys[var], value, what)
        }
        labels, missing = _selection_labels(case.selections, refi, parsed)
        lost += missing
        whole = []
        for src in case.sources:
            if src not in parsed:
                lost += 1
            elif not any(s == src for s, _ in labels):  # its selections already say who
                found = respondents(parsed[src])
                if len(found) == 1:
                    labels.append((src, found[0]))
                else:
                    whole.append(src)
                    if found:
                        warnings.append(
                            f"{where}: {what} holds source '{parsed[src].name}', in which "
                            f"{len(found)} speakers speak; its values are the transcript's"
                        )
        for src in whole:
            own = {keys[var] for var in _variables_of(refi, src)}
            parsed[src].attributes.update({k: v for k, v in attrs.items() if k not in own})
        if labels or not whole:
            plan.participants[name] = attrs
            plan.guids[name] = case.guid
        for src, label in labels:
            other = claimed.setdefault((src, label), name)
            if other != name:
                warnings.append(
                    f"{where}: speaker '{label}' of '{parsed[src].name}' is in cases '{other}' "
                    f"and '{case.name}'; it stays with '{other}'"
                )
                continue
            plan.speakers.append(SpeakerRow(src, label, name))
    if lost:
        warnings.append(
            f"{where}: {lost} case reference(s) to a source or selection that was not carried "
            "over (or holds no speaker) were left out"
        )
    return plan


def _variables_of(refi: RefiProject, guid: str) -> dict[str, str]:
    return next((s.variables for s in refi.sources if s.guid == guid), {})


def _selection_labels(
    selections: list[str], refi: RefiProject, parsed: dict[str, Parsed]
) -> tuple[list[tuple[str, str]], int]:
    """(source GUID, label) of the respondent who speaks most of each selection, and how many
    selections hold no respondent's words (a case is not the interviewer's voice)."""
    out: dict[tuple[str, str], None] = {}
    missing = 0
    starts: dict[str, list[int]] = {}
    for guid in selections:
        where = refi.selections.get(guid)
        if where is None or where[0] not in parsed:
            missing += 1
            continue
        src, a, b = where
        segments = parsed[src].segments
        if src not in starts:
            starts[src] = [s.start for s in segments]
        overlap: dict[str, int] = {}
        i = max(bisect.bisect_right(starts[src], a) - 1, 0)
        while i < len(segments) and segments[i].start < b:
            s = segments[i]
            if s.speaker and not is_interviewer(s.speaker) and min(b, s.end) > max(a, s.start):
                overlap[s.speaker] = overlap.get(s.speaker, 0) + min(b, s.end) - max(a, s.start)
            i += 1
        if not overlap:
            missing += 1
            continue
        label = max(overlap, key=overlap.__getitem__)
        out[(src, label)] = None
    return list(out), missing


def keep_assigned(
    rows: list[SpeakerRow],
    targets: dict[str, Transcript | None],
    speakers: dict[tuple[int, str], Speaker],
    where: str,
    warnings: list[str],
) -> list[SpeakerRow]:
    """The rows that do not undo the project's own assignments: a speaker of a transcript the
    project has (`targets`: source GUID -> that transcript) who is someone else stays so."""
    out = []
    for row in rows:
        t = targets.get(row.source)
        mine = speakers.get((t.id, row.label)) if t is not None else None
        if mine is not None and mine.participant and mine.participant != row.participant:
            warnings.append(
                f"{where}: speaker '{row.label}' of '{t.name}' is participant "
                f"'{mine.participant}' here; case '{row.participant}' is not assigned to it"
            )
            continue
        row.interviewer = mine.interviewer if mine is not None else None
        out.append(row)
    return out


# -- export -------------------------------------------------------------------------------------
@dataclass
class People:
    """What the export needs to write cases: participants, speakers and segments."""

    participants: list[Participant]
    speakers: list[Speaker]
    segments: list[Segment]


@dataclass
class Turn:
    """A run of one speaker's segments: the selection a case refers to."""

    guid: str
    start: int
    end: int
    label: str


def case_guid(scope: str, known: dict[str, str], name: str) -> str:
    return known.get(f"case:{name}") or derive(scope, "case", name)


def write_cases(
    root, people: People, transcripts: list[Transcript], guids, variables: dict[str, str], ns: str
) -> dict[int, list[Turn]]:
    """`<Cases>` under `root`; returns the turn selections each transcript must hold."""
    by_tid = {t.id: t for t in transcripts}
    holds: dict[str, list[tuple[int, str]]] = {}  # participant -> (transcript id, label)
    respondents_of: dict[int, set[str]] = {}
    for sp in people.speakers:
        if sp.transcript_id not in by_tid:
            continue
        if not sp.is_interviewer:
            respondents_of.setdefault(sp.transcript_id, set()).add(sp.label)
        if sp.participant:
            holds.setdefault(sp.participant, []).append((sp.transcript_id, sp.label))
    segments: dict[int, list[Segment]] = {}
    for s in people.segments:
        segments.setdefault(s.transcript_id, []).append(s)
    turns: dict[int, list[Turn]] = {}
    if not people.participants:
        return turns
    cases = etree.SubElement(root, f"{{{ns}}}Cases")
    for p in people.participants:
        case = etree.SubElement(
            cases, f"{{{ns}}}Case", guid=case_guid(guids.scope, guids.known, p.name), name=p.name
        )
        for key in sorted(p.attributes):
            vv = etree.SubElement(case, f"{{{ns}}}VariableValue")
            etree.SubElement(vv, f"{{{ns}}}VariableRef", targetGUID=variables[key])
            etree.SubElement(vv, f"{{{ns}}}TextValue").text = p.attributes[key]
        whole, parts = [], []
        for tid, label in sorted(holds.get(p.name, [])):
            if respondents_of.get(tid) == {label}:
                whole.append(guids.source(by_tid[tid]))
                continue
            mine = _turns(by_tid[tid], segments.get(tid, []), label, guids.scope)
            turns.setdefault(tid, []).extend(mine)
            parts += [t.guid for t in mine]
        for guid in whole:
            etree.SubElement(case, f"{{{ns}}}SourceRef", targetGUID=guid)
        for guid in parts:
            etree.SubElement(case, f"{{{ns}}}SelectionRef", targetGUID=guid)
    for found in turns.values():
        found.sort(key=lambda t: t.start)
    return turns


def _turns(t: Transcript, segments: list[Segment], label: str, scope: str) -> list[Turn]:
    """The runs of consecutive segments spoken under `label`."""
    out: list[Turn] = []
    run: list[Segment] = []
    for s in sorted(segments, key=lambda s: s.index) + [None]:
        if s is not None and s.speaker == label:
            run.append(s)
            continue
        if run:
            a, b = run[0].start, run[-1].end
            out.append(Turn(derive(scope, "turn", t.name, a, b, label), a, b, label))
            run = []
    return out
