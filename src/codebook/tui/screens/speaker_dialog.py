"""`h` on the coding screen: who speaks under the highlighted segment's speaker label.

Pick a participant of the project, type a new one (with values for the codebook's attributes),
or mark the speaker as the interviewer (or not). It answers with the undoable action, which the
screen performs: one store transaction, in the app's history like any coding.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from codebook.model import Codebook, CodebookError, Participant, Transcript, check_name
from codebook.tui.history import Action, AssignSpeaker

NOBODY, ASKS, ANSWERS = "!nobody", "!interviewer", "!respondent"


def who(info: dict, codebook: Codebook) -> str:
    """How the status line names a speaker: `Fatima (ouder)`, `R = Amina (ouder)`,
    `I (interviewer)`; the group is the first attribute the codebook declares."""
    label = info["speaker"]
    if info["interviewer"]:
        return f"{label} (interviewer)"
    name = info["participant"]
    shown = name if name and name == label else (f"{label} = {name}" if name else label)
    first = next(iter(codebook.attributes), None)
    group = info["attributes"].get(first) if first else None
    return f"{shown} ({group})" if group else shown


class SpeakerDialog(ModalScreen[Action | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(
        self,
        transcript: Transcript,
        info: dict,
        participants: list[Participant],
        codebook: Codebook,
        lang: str = "en",
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.info = info
        self.participants = participants
        self.codebook = codebook
        self.lang = lang

    @property
    def label(self) -> str:
        return self.info["speaker"]

    def compose(self) -> ComposeResult:
        first = next(iter(self.codebook.attributes), None)
        options = []
        if self.info["interviewer"]:
            options.append(Option("not the interviewer: count what this speaker says", ANSWERS))
        else:
            options.append(Option("the interviewer: leave this speaker out of counts", ASKS))
        options.append(Option("nobody in particular (no participant)", NOBODY))
        for p in self.participants:
            group = p.attributes.get(first) if first else None
            text = f"{p.name} ({group})" if group else p.name
            options.append(Option(escape(text), f"p:{p.name}"))
        with Vertical(classes="dialog", id="speaker-dialog"):
            yield Label(
                f"Who speaks as [b]{escape(self.label)}[/] in {escape(self.transcript.name)}? "
                f"Now: {escape(who(self.info, self.codebook))}"
            )
            yield OptionList(*options, id="speaker-options")
            yield Label("…or a new participant (Enter creates it):")
            yield Input(placeholder="participant name", id="new-participant")
            for name, attribute in self.codebook.attributes.items():
                if attribute.values:
                    title = attribute.label.get(self.lang) or attribute.label.get("nl") or name
                    choices = [(escape(v), v) for v in attribute.values]
                    yield Select(choices, prompt=escape(title), id=f"attr-{name}")

    def on_mount(self) -> None:
        options = self.query_one("#speaker-options", OptionList)
        options.highlighted = 0
        options.focus()

    def _answer(self, participant: str | None, interviewer: bool | None, attrs=None) -> None:
        self.dismiss(
            AssignSpeaker(self.transcript, self.label, participant, interviewer, attrs or {})
        )

    @on(OptionList.OptionSelected, "#speaker-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        flag = self._flag()
        if choice == ASKS:
            self._answer(self.info["participant"], True)
        elif choice == ANSWERS:
            self._answer(self.info["participant"], False)
        elif choice == NOBODY:
            self._answer(None, flag)
        else:
            self._answer(choice[2:], flag)

    def _flag(self) -> bool | None:
        """The speaker's own interviewer flag stays as it is when only the person changes."""
        found = {sp.label: sp for sp in self.app.project.speakers(self.transcript)}
        sp = found.get(self.label)
        return sp.interviewer if sp is not None else None

    @on(Input.Submitted, "#new-participant")
    def _typed(self, event: Input.Submitted) -> None:
        try:
            name = check_name(event.value, "participant name")
        except CodebookError as e:
            self.notify(str(e), severity="warning")
            return
        if any(p.name == name for p in self.participants):
            self._answer(name, self._flag())
            return
        attrs = {}
        for key in self.codebook.attributes:
            found = self.query(f"#attr-{key}")
            if found and found.first(Select).value not in (Select.NULL, Select.BLANK):
                attrs[key] = str(found.first(Select).value)
        self._answer(name, self._flag(), attrs)


class SpeakerActions:
    """The coding screen's side of it: who speaks in the highlighted segment (for the status
    line), read once and again when `h` (or its undo) changes a speaker; and the `h` key."""

    _speakers: dict[str, dict] | None = None  # label -> Project.speaker_info
    _asked: frozenset[int] = frozenset()  # indices of the interviewer's segments

    def _load_speakers(self) -> None:
        self._speakers = self.project.speaker_infos(self.transcript)
        asked = {label for label, info in self._speakers.items() if info["interviewer"]}
        rows = enumerate(self.view.segments)
        self._asked = frozenset(i for i, g in rows if g.speaker in asked)

    def interviewer_rows(self) -> frozenset[int]:
        """The interviewer's segments, which progress does not count."""
        if self._speakers is None:
            self._load_speakers()
        return self._asked

    def _label_here(self) -> str | None:
        return self.view.segment.speaker if self.view.segments else None

    def speaker_now(self) -> str:
        """`Fatima (ouder)`: the highlighted segment's speaker, as `who` names it."""
        if self._speakers is None:
            self._load_speakers()
        label = self._label_here()
        info = self._speakers.get(label) if label else None
        return who(info, self.project.codebook) if info else (label or "")

    def action_speaker(self) -> None:
        """Assign the highlighted segment's speaker to a participant, or mark the interviewer."""
        label = self._label_here()
        if not label:
            self.notify("This segment has no speaker label to assign", severity="warning")
            return
        if self._speakers is None:
            self._load_speakers()
        dialog = SpeakerDialog(
            self.transcript, self._speakers[label], self.project.participants(),
            self.project.codebook,
        )  # fmt: skip
        self.app.push_screen(dialog, self._answered)
