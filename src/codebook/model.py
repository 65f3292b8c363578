"""Plain domain types shared by every stage. No I/O here, so any stage may import them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime


class CodebookError(Exception):
    """A user error: bad input or a refused action. The CLI prints it as one line and exits 1."""


class ReanchorNeeded(CodebookError):
    """A corrected file whose transcript has codings: re-anchor them, or import nothing."""

    def __init__(self, file_name: str, transcript: str, codings: int):
        super().__init__(
            f"{file_name}: differs from the imported transcript '{transcript}', which has "
            f"{codings} coding(s); re-importing would affect {codings} coding(s). Nothing was "
            "imported (use --reanchor to move the codings to where their text now is)."
        )
        self.file_name, self.transcript, self.codings = file_name, transcript, codings


class AttributesChanged(CodebookError):
    """An unchanged file imported again with other attribute values: relabel it, or nothing."""

    def __init__(self, changes: dict[str, dict[str, tuple[str | None, str]]]):
        lines = [
            f"{name}: "
            + ", ".join(f"{k} {was or '(none)'} -> {now}" for k, (was, now) in c.items())
            for name, c in changes.items()
        ]
        super().__init__(
            "these transcripts are already imported with other attribute values:\n  "
            + "\n  ".join(lines)
            + "\nNothing was imported (use --update-attributes to relabel them)."
        )
        self.changes = changes


class QueryError(CodebookError):
    """A malformed code query; `position` is the 0-based offset of the problem in `query`."""

    def __init__(self, query: str, position: int, problem: str):
        position = max(0, min(position, len(query)))
        super().__init__(
            f"query, position {position + 1}: {problem}\n  {query}\n  {' ' * position}^"
        )
        self.query, self.position, self.problem = query, position, problem


class ProjectReadOnly(CodebookError):
    """A write to a project that can only be read (a read-only folder, file or database):
    reading commands work, and the TUI can open it for reading only."""


NAME_RE = re.compile(r"^[\w .\-]{1,64}$")


def check_name(name: str, what: str = "coder name") -> str:
    """Coder, user and participant names: letters, digits, space, '.', '_' and '-' (at most 64).

    Names reach the TUI (Rich markup), HTML, Word, spreadsheets and XML; a name with markup
    characters in it is refused at the door instead of being escaped at every edge.
    """
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise CodebookError(
            f"{what} {name!r} is not allowed: use letters, digits, space, '.', '_' or '-' "
            "(at most 64 characters)"
        )
    return name


ROLES = ("admin", "coder", "reviewer")  # admin and coder code; a reviewer reads everything


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise CodebookError(f"role {role!r} is not known (choose {', '.join(ROLES)})")
    return role


@dataclass
class User:
    """An account for `codebook serve`; its name is the coder name its codings carry."""

    name: str
    role: str
    created_at: datetime | None = None
    last_sign_in: datetime | None = None

    @property
    def can_code(self) -> bool:
        return self.role != "reviewer"


def report_lines(warnings: list[str], groups: list[tuple[str, list[str]]]) -> list[str]:
    """The shared head of an import report: warnings, then each non-empty group of names."""
    out = [f"warning: {w}" for w in warnings]
    out += [f"{verb}: {', '.join(names)}" for verb, names in groups if names]
    return out


KEYWORD_GAP = "..."  # in a keyword phrase: up to a few words between its parts


def keyword_problem(keyword: str) -> str | None:
    """Why `keyword` is not a valid keyword (a lemma, a phrase, or parts joined by `...`)."""
    text = " ".join(keyword.split())
    if not text:
        return "is empty"
    if text.startswith(KEYWORD_GAP) or text.endswith(KEYWORD_GAP):
        return f"starts or ends with '{KEYWORD_GAP}' (a gap goes between words)"
    parts = text.replace(KEYWORD_GAP, f" {KEYWORD_GAP} ").split(f" {KEYWORD_GAP} ")
    if any(not p.strip() for p in parts):
        return f"has two '{KEYWORD_GAP}' gaps in a row"
    return None


@dataclass
class Code:
    id: str
    label: dict[str, str]
    parent: str | None = None
    codable: bool = True
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    color: str | None = None
    hotkey: str | None = None
    memo: str = ""
    line: int = 0  # line in the codebook file, for error messages

    def name(self, lang: str = "nl") -> str:
        return self.label.get(lang) or self.label.get("nl") or self.label.get("en") or self.id


@dataclass
class Attribute:
    name: str
    label: dict[str, str]
    values: list[str]
    default: str | None = None  # applied at import when a transcript does not say


@dataclass
class Codebook:
    """Codes in tree order (parents before children, siblings in file order)."""

    codes: dict[str, Code]
    attributes: dict[str, Attribute] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def language(self) -> str:
        return str(self.meta.get("language", "nl"))

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def roots(self) -> list[Code]:
        return self.children(None)

    def ancestors(self, code_id: str) -> list[str]:
        """Ids from the root down to the parent of `code_id`."""
        chain: list[str] = []
        parent = self.codes[code_id].parent
        while parent is not None:
            chain.append(parent)
            parent = self.codes[parent].parent
        return chain[::-1]

    def depth(self, code_id: str) -> int:
        return len(self.ancestors(code_id))

    def walk(self, parent: str | None = None) -> Iterator[Code]:
        """Depth-first, in file order."""
        for code in self.children(parent):
            yield code
            yield from self.walk(code.id)

    def leaves(self) -> list[Code]:
        return [c for c in self.codes.values() if not self.children(c.id)]

    def by_hotkey(self) -> dict[str, Code]:
        return {c.hotkey: c for c in self.codes.values() if c.hotkey}

    def check_codable(self, code: str, where: str) -> None:
        """Only known leaf-or-codable codes may be applied; groups only gather."""
        if code not in self.codes:
            raise CodebookError(f"{where}: unknown code '{code}'")
        if not self.codes[code].codable:
            raise CodebookError(f"{where}: code '{code}' is a grouping node and not codable")

    def check_attributes(self, attrs: dict[str, str], where: str) -> None:
        for key, value in attrs.items():
            if key not in self.attributes:
                known = ", ".join(self.attributes) or "none"
                raise CodebookError(f"{where}: unknown attribute '{key}' (declared: {known})")
            allowed = self.attributes[key].values
            if allowed and value not in allowed:
                raise CodebookError(
                    f"{where}: {key}={value!r} is not allowed (allowed: {', '.join(allowed)})"
                )


@dataclass
class Turn:
    """A speaker turn; [start, end) is the spoken text, without the speaker label."""

    speaker: str | None
    start: int
    end: int
    timestamp: float | None = None


@dataclass
class Segment:
    id: int | None
    transcript_id: int | None
    index: int
    start: int
    end: int
    speaker: str | None = None
    timestamp: float | None = None
    page: int | None = None  # 1-based, in paged sources (PDF)

    @property
    def number(self) -> int:
        return segment_number(self.index)


def segment_number(index):
    """The segment number a researcher sees (1-based within its transcript) from the stored
    0-based `Segment.index`; the one conversion, so the CLI, the TUI, queries and exports agree.
    Works on ints and on pandas/numpy columns alike."""
    return index + 1


def segment_index(number):
    """The stored 0-based `Segment.index` of a segment number (see `segment_number`)."""
    return number - 1


# Speaker labels that name the interviewer (compared without case and surrounding space). The
# one home of this rule: a speaker's own flag (participants CSV, TUI) overrides it.
INTERVIEWER_LABELS = frozenset(
    {
        "i",
        "q",
        "int",
        "interviewer",
        "interviewster",
        "moderator",
        "gespreksleider",
        "onderzoeker",
        "vraag",
    }
)


def is_interviewer(label: str | None, flag: bool | None = None) -> bool:
    """Whether a speaker is the interviewer: its own `flag` if set, else the label rule."""
    if flag is not None:
        return bool(flag)
    return (label or "").strip().lower() in INTERVIEWER_LABELS


@dataclass
class Participant:
    """A person (a case): speaks in one or more transcripts, has attributes of their own."""

    id: int | None
    name: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Speaker:
    """A speaker label of one transcript: who it is and whether it is the interviewer.

    `interviewer` None means: decided by the label rule (`is_interviewer`).
    """

    transcript_id: int
    label: str
    participant: str | None = None
    interviewer: bool | None = None

    @property
    def is_interviewer(self) -> bool:
        return is_interviewer(self.label, self.interviewer)


def segment_attributes(
    transcript: dict[str, str], participant: dict[str, str] | None
) -> dict[str, str]:
    """THE rule: the participant's value where the participant has the attribute, else the
    transcript's. `analysis.frames.build` applies the same rule to whole columns."""
    return {**transcript, **(participant or {})}


@dataclass
class Transcript:
    id: int
    name: str
    file_name: str
    format: str
    language: str
    sha256: str
    text: str
    attributes: dict[str, str] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    imported_at: datetime | None = None

    def check_span(self, start: int, end: int, where: str) -> None:
        """Offsets are half-open code point ranges into the normalised text, never empty."""
        if not 0 <= start < end <= len(self.text):
            raise CodebookError(
                f"{where}: span [{start}, {end}) is outside the text of '{self.name}' "
                f"(0..{len(self.text)}) or empty"
            )


@dataclass
class Coding:
    id: int | None
    transcript_id: int
    start: int
    end: int
    code: str
    coder: str
    origin: str = "manual"  # manual | suggestion | import
    memo: str | None = None
    created_at: datetime | None = None


@dataclass
class Memo:
    id: int | None
    transcript_id: int | None
    start: int | None
    end: int | None
    coder: str
    text: str
    created_at: datetime | None = None


SUMMARY_ROWS = ("transcript", "participant")  # the kinds of case a framework summary is about


@dataclass
class Summary:
    """A coder's written summary of what one case (transcript or participant) says on one code:
    the cell of a framework matrix (Ritchie & Spencer)."""

    row_kind: str  # one of SUMMARY_ROWS
    row: str  # the transcript's or participant's name
    code: str
    coder: str
    text: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.row_kind, self.row, self.code, self.coder)
