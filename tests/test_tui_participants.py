"""Participants in the workbench: who speaks in the highlighted segment, assigning a speaker
(one transaction, undoable), the codebook's own attributes in the transcript list, and the
themes table counting a focus group by its participants. On the second project (tests/data/focus:
attributes `site` and `role`, a focus group), so nothing depends on the sample's names."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import Input, OptionList

from codebook import Project
from codebook.tui.app import CodebookApp
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.project_screen import ProjectScreen
from codebook.tui.screens.speaker_dialog import SpeakerDialog
from codebook.tui.screens.summary import SummaryScreen

pytestmark = pytest.mark.anyio
GROUP = "focus-group-north"


@pytest.fixture
def focus(focus_project, tmp_path):
    root = tmp_path / "focus"
    shutil.copytree(focus_project, root)
    p = Project.open(root)
    yield p
    p.close()


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def go_to(pilot, speaker: str) -> None:
    """Move down to the first segment of `speaker`."""
    view = pilot.app.screen.view
    for _ in range(len(view.segments)):
        if view.segment.speaker == speaker:
            return
        await pilot.press("j")
    raise AssertionError(f"no segment of {speaker}")


def speaker_in_store(root, label: str):
    with Project.open(root) as p:
        return {sp.label: sp for sp in p.speakers(p.transcript(GROUP))}[label]


async def test_status_line_says_who_speaks(focus):
    app = CodebookApp(focus, "maria", GROUP)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert "Moderator (interviewer)" in status(app)
        assert "/41 coded" in status(app)  # the moderator's 9 segments are not counted
        await go_to(pilot, "Ben")
        assert "Ben (north)" in status(app)  # the codebook's first attribute: the site


async def test_assign_a_speaker_and_undo_it(focus):
    root = focus.root
    app = CodebookApp(focus, "maria", GROUP)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await go_to(pilot, "Cleo")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, SpeakerDialog)
        options = app.screen.query_one(OptionList)
        first = options.get_option_at_index(0)
        assert first.id == "!interviewer"
        await pilot.press("enter")  # the interviewer: left out of counts from now on
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert "Cleo (interviewer)" in status(app)
        assert speaker_in_store(root, "Cleo").interviewer is True
        assert speaker_in_store(root, "Cleo").participant == "Cleo"
        await pilot.press("u")  # undo: back to a respondent, in the store too
        await pilot.pause()
        assert speaker_in_store(root, "Cleo").interviewer is None
        assert "Cleo (north)" in status(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert speaker_in_store(root, "Cleo").interviewer is True


async def test_a_new_participant_from_the_dialog(focus):
    root = focus.root
    app = CodebookApp(focus, "maria", GROUP)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("h")  # on the moderator's first segment
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#attr-role").value = "manager"
        dialog.query_one("#new-participant", Input).focus()
        await pilot.press(*"Gwen", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        sp = speaker_in_store(root, "Moderator")
        assert sp.participant == "Gwen" and sp.is_interviewer  # still the interviewer
        with Project.open(root) as p:
            assert {x.name: x.attributes for x in p.participants()}["Gwen"] == {"role": "manager"}
        await pilot.press("u")
        await pilot.pause()
        with Project.open(root) as p:
            assert "Gwen" not in {x.name for x in p.participants()}  # created, so gone again
        assert speaker_in_store(root, "Moderator").participant is None


async def test_transcript_list_shows_the_codebooks_attributes(focus):
    app = CodebookApp(focus, "maria")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        table = app.screen.query_one("#transcripts")
        titles = [str(c.label) for c in table.columns.values()]
        assert titles[:4] == ["Transcript", "% coded", "Site", "Role"]
        assert table.get_cell(GROUP, "role") == "carer, nurse, volunteer"
        assert "maria" in table.get_cell(GROUP, "coders")
        assert table.get_cell(GROUP, "segments") == "41"  # the moderator's 9 are left out
        await pilot.press("f", *"nurse", "enter")
        await pilot.pause(0.3)
        assert table.row_count == 2  # the focus group and Ben's interview


async def test_themes_table_counts_the_focus_group_by_participant(focus):
    app = CodebookApp(focus, "maria")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("g")  # site -> role
        await pilot.pause()
        table = app.screen.query_one("#summary-table")
        columns = [str(c.label) for c in table.columns.values()]
        assert columns == ["Code", "carer", "nurse", "volunteer", "manager"]
        want = focus.stats("role").set_index(["code", "role"])["segments"]
        assert table.get_cell("hurdle.online", "volunteer") == str(
            want[("hurdle.online", "volunteer")]
        )
        assert "interviewer segment(s)" in str(app.screen.query_one("#summary-title").render())
