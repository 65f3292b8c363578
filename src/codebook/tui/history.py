"""Undo and redo for the whole session.

Each action writes to the store through `Project` when it is done, undone or redone, so the
history never holds work that is not on disk. `do` and `undo` return a `Change` so screens can
update what they show without re-reading the transcript.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace

from codebook.model import Code, Coding, Summary, Transcript
from codebook.project import Project


@dataclass
class Change:
    added: list[Coding] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    recoded: bool = False  # codes or memos of existing codings changed: re-read them
    memos: bool = False  # memos were added or removed
    codebook: bool = False  # codes were added to or removed from the codebook YAML
    speakers: bool = False  # who speaks under a label (participant, interviewer) changed
    summaries: bool = False  # framework summaries were written or removed


class Action(ABC):
    label = ""

    @abstractmethod
    def do(self, project: Project) -> Change: ...

    @abstractmethod
    def undo(self, project: Project) -> Change: ...


@dataclass
class AddCoding(Action):
    coding: Coding  # id is set once done

    @property
    def label(self) -> str:
        return f"coded {self.coding.code}"

    def do(self, project: Project) -> Change:
        c = self.coding
        t = project.transcript(c.transcript_id)  # afresh: it may have been re-imported since
        new_id = project.add_coding(t, c.start, c.end, c.code, c.coder, c.origin, c.memo)
        self.coding = replace(c, id=new_id)
        return Change(added=[self.coding])

    def undo(self, project: Project) -> Change:
        project.remove_coding(self.coding.id)
        return Change(removed=[self.coding.id])


@dataclass
class RemoveCoding(Action):
    coding: Coding

    @property
    def label(self) -> str:
        return f"removed {self.coding.code}"

    def do(self, project: Project) -> Change:
        gone = project.remove_coding(self.coding.id)
        if gone is not None:
            self.coding = gone
        return Change(removed=[self.coding.id])

    def undo(self, project: Project) -> Change:
        self.coding = replace(self.coding, id=project.restore_coding(self.coding))
        return Change(added=[self.coding])


@dataclass
class Recode(Action):
    coding_ids: list[int]
    old: list[str]
    new: str

    @property
    def label(self) -> str:
        return f"recoded {len(self.coding_ids)} as {self.new}"

    def do(self, project: Project) -> Change:
        project.recode(dict.fromkeys(self.coding_ids, self.new))
        return Change(recoded=True)

    def undo(self, project: Project) -> Change:
        project.recode(dict(zip(self.coding_ids, self.old, strict=True)))
        return Change(recoded=True)


@dataclass
class Merge(Action):
    source: str
    target: str
    recoded: list[int] = field(default_factory=list)
    removed: list[Coding] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"merged {self.source} into {self.target}"

    def do(self, project: Project) -> Change:
        self.recoded, self.removed = project.merge_codes(self.source, self.target)
        return Change(recoded=True)

    def undo(self, project: Project) -> Change:
        project.unmerge_codes(self.source, self.recoded, self.removed)
        return Change(recoded=True)


@dataclass
class Reject(Action):
    transcript: Transcript
    start: int
    end: int
    code: str
    coder: str

    @property
    def label(self) -> str:
        return f"rejected suggestion {self.code}"

    def do(self, project: Project) -> Change:
        project.reject_suggestion(self.transcript, self.start, self.end, self.code, self.coder)
        return Change()

    def undo(self, project: Project) -> Change:
        project.unreject_suggestion(self.transcript, self.start, self.end, self.code, self.coder)
        return Change()


@dataclass
class AddMemo(Action):
    transcript: Transcript
    text: str
    coder: str
    start: int | None = None
    end: int | None = None
    memo_id: int | None = None

    @property
    def label(self) -> str:
        return "memo on the transcript" if self.start is None else "memo on the segment"

    def do(self, project: Project) -> Change:
        self.memo_id = project.add_memo(
            self.transcript, self.text, self.coder, self.start, self.end
        )
        return Change(memos=True)

    def undo(self, project: Project) -> Change:
        project.remove_memo(self.memo_id)
        return Change(memos=True)


@dataclass
class CodingMemo(Action):
    coding: Coding
    text: str

    @property
    def label(self) -> str:
        return f"memo on coding {self.coding.code}"

    def do(self, project: Project) -> Change:
        project.set_coding_memo(self.coding.id, self.text)
        return Change(recoded=True)

    def undo(self, project: Project) -> Change:
        project.set_coding_memo(self.coding.id, self.coding.memo)
        return Change(recoded=True)


@dataclass
class AddCode(Action):
    """A new code in the codebook YAML; undo takes it out again (refused while it is coded)."""

    code: Code

    @property
    def label(self) -> str:
        return f"new code {self.code.id}"

    def do(self, project: Project) -> Change:
        project.add_code(self.code)
        return Change(codebook=True)

    def undo(self, project: Project) -> Change:
        project.remove_code(self.code.id)
        return Change(codebook=True)


@dataclass
class AssignSpeaker(Action):
    """Who speaks under a label of a transcript: a participant (created when new, with
    `attributes`) and whether it is the interviewer; one store transaction either way."""

    transcript: Transcript
    speaker: str
    participant: str | None
    interviewer: bool | None
    attributes: dict[str, str] = field(default_factory=dict)
    change: object = None  # what the store changed, for undo

    @property
    def label(self) -> str:
        if self.interviewer:
            return f"{self.speaker} is the interviewer"
        who = self.participant or "nobody"
        return f"{self.speaker} speaks as {who}"

    def do(self, project: Project) -> Change:
        self.change = project.assign_speaker(
            self.transcript, self.speaker, self.participant, self.interviewer, self.attributes
        )
        return Change(speakers=True)

    def undo(self, project: Project) -> Change:
        project.undo_speaker(self.change)
        return Change(speakers=True)


@dataclass
class WriteSummary(Action):
    """A coder's framework summary of one case on one code: written (new or replacing), or
    removed when `text` is empty; undo puts back what the cell held."""

    kind: str
    row: str
    code: str
    coder: str
    text: str
    before: Summary | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.row, self.code, self.coder)

    @property
    def label(self) -> str:
        what = "summary" if self.text.strip() else "removed summary"
        return f"{what} of {self.row} on {self.code}"

    def do(self, project: Project) -> Change:
        if self.text.strip():
            self.before = project.set_summary(self.row, self.code, self.text, self.coder, self.kind)
        else:
            self.before = project.remove_summary(self.row, self.code, self.coder, self.kind)
        return Change(summaries=True)

    def undo(self, project: Project) -> Change:
        project.restore_summary(self.key, self.before)
        return Change(summaries=True)


class History:
    """A linear history: doing a new action drops what could be redone."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.done: list[Action] = []
        self.undone: list[Action] = []

    def run(self, action: Action) -> Change:
        change = action.do(self.project)
        self.done.append(action)
        self.undone.clear()
        return change

    def undo(self) -> tuple[Action, Change] | None:
        """Undo the last action; if the project refuses (CodebookError), it stays undoable."""
        if not self.done:
            return None
        action = self.done[-1]
        change = action.undo(self.project)
        self.undone.append(self.done.pop())
        return action, change

    def redo(self) -> tuple[Action, Change] | None:
        if not self.undone:
            return None
        action = self.undone[-1]
        change = action.do(self.project)
        self.done.append(self.undone.pop())
        return action, change
