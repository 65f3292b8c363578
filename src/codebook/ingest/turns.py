"""Find speaker turns in the forms researchers use.

`Name: text`, `I: text`, `[00:12:03] Name: text`, `00:12:03 Name` on its own line (text below),
optionally in Markdown bold. A colon label without a timestamp only counts as a speaker when it is
a well-known label, a name we were told about, or recurs, so that 'Dus: ...' in the middle of a
story does not start a turn.
"""

from __future__ import annotations

import re

from codebook.model import INTERVIEWER_LABELS, Turn

_TS = r"(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)"
_NAME = r"(?P<name>[^\W\d_][\w'’.\-]*(?:[ \t]+[\w'’.\-]+){0,3})"
_B = r"(?:\*\*|__)?"
_BRACKET_TS = re.compile(rf"^{_B}[\[(]{_TS}[\])]{_B}[ \t]*{_B}{_NAME}[ \t]*{_B}:{_B}[ \t]*")
_TS_NAME_LINE = re.compile(rf"^{_B}{_TS}[ \t]+{_NAME}{_B}[ \t]*$")
_NAME_TS_LINE = re.compile(rf"^{_B}{_NAME}[ \t]+{_TS}{_B}[ \t]*$")
_COLON = re.compile(rf"^{_B}{_NAME}[ \t]*{_B}:{_B}(?:[ \t]+|$)")

KNOWN_LABELS = {
    "i",
    "r",
    "q",
    "a",
    "int",
    "resp",
    "interviewer",
    "respondent",
    "interviewee",
    "onderzoeker",
    "geïnterviewde",
    "deelnemer",
    "vraag",
    "antwoord",
    "participant",
} | INTERVIEWER_LABELS  # `Moderator:` starts a turn even when the moderator speaks once
_PARTICLES = {
    "de",
    "van",
    "der",
    "den",
    "het",
    "ten",
    "ter",
    "te",
    "'t",
    "d'",
    "la",
    "le",
    "el",
    "al",
    "bin",
    "von",
    "op",
    "in",
    "du",
    "da",
    "dos",
    "di",
}


def parse_timestamp(ts: str) -> float:
    parts = ts.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(name) > 40:
        return False
    if name.lower() in KNOWN_LABELS:
        return True
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in _PARTICLES or w.isdigit() for w in words[1:])


def find_turns(text: str, known_speakers: set[str] | None = None) -> list[Turn]:
    """Turns in `text`; text before the first turn becomes a turn without a speaker."""
    known = {k.lower() for k in known_speakers or ()}
    lines = []  # (line start offset, line)
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1

    colon_counts: dict[str, int] = {}
    for _, line in lines:
        m = _COLON.match(line)
        if m and _looks_like_name(m.group("name")):
            key = m.group("name").lower()
            colon_counts[key] = colon_counts.get(key, 0) + 1

    starts: list[tuple[int, int, str | None, float | None]] = []  # line start, speech start, ...
    for i, (offset, line) in enumerate(lines):
        m = _BRACKET_TS.match(line)
        if m:
            ts = parse_timestamp(m.group("ts"))
            starts.append((offset, offset + m.end(), m.group("name"), ts))
            continue
        m = _TS_NAME_LINE.match(line) or _NAME_TS_LINE.match(line)
        if m and _looks_like_name(m.group("name")):
            speech = lines[i + 1][0] if i + 1 < len(lines) else offset + len(line)
            starts.append((offset, speech, m.group("name"), parse_timestamp(m.group("ts"))))
            continue
        m = _COLON.match(line)
        if m and _looks_like_name(m.group("name")):
            key = m.group("name").lower()
            if key in KNOWN_LABELS or key in known or colon_counts.get(key, 0) >= 2:
                starts.append((offset, offset + m.end(), m.group("name"), None))

    turns: list[Turn] = []
    if not starts or starts[0][0] > 0:
        end = starts[0][0] if starts else len(text)
        turns.append(Turn(None, 0, end))
    for k, (_, speech, name, ts) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(text)
        turns.append(Turn(name.strip(), min(speech, end), end, ts))
    return [_trim(text, t) for t in turns if text[t.start : t.end].strip()]


def _trim(text: str, turn: Turn) -> Turn:
    start, end = turn.start, turn.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Turn(turn.speaker, start, end, turn.timestamp)
