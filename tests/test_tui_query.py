"""The workbench's query box (review screen) and the small defects of the command-line issue:
q and escape go back, Tab stays in a memo, the footer fits, the code tree follows the screen,
the status line counts segments as every other view does."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from codebook import Project
from codebook.tui.app import CodebookApp
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.dialogs import MemoDialog
from codebook.tui.screens.project_screen import ProjectScreen
from codebook.tui.screens.review import ReviewScreen
from codebook.tui.widgets.code_tree import CodeTree
from codebook.tui.widgets.footer import FittingFooter, key_width
from codebook.tui.widgets.query_box import QueryBox
from codebook.tui.widgets.status_line import StatusLine
from codebook.tui.widgets.transcript_view import TranscriptView

CODER = "tester"
pytestmark = pytest.mark.anyio


async def until(pilot, condition, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out waiting for the app")


def first_name(project) -> str:
    return project.transcripts()[0].name


async def test_q_and_escape_go_back_from_the_coding_screen(project):
    app = CodebookApp(project, CODER, first_name(project))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        view = app.screen.query_one(TranscriptView)
        await pilot.press("shift+right")  # a span narrower than the segment
        await pilot.press("escape")  # first: back to the segment
        assert isinstance(app.screen, CodingScreen)
        assert view.sel == (view.segment.start, view.segment.end)
        await pilot.press("escape")  # then: back to the list
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        assert app.is_running


async def test_tab_in_the_memo_dialog_stays_in_the_text(project, project_dir):
    app = CodebookApp(project, CODER, first_name(project))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MemoDialog))
        await pilot.press("a", "tab", "b")
        assert isinstance(app.focused, TextArea)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
    with Project.open(project_dir) as p:
        (text,) = [m.text for m in p.memos() if m.coder == CODER]
    assert text[0] == "a" and text[-1] == "b" and not text[1:-1].strip()  # Tab indented


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_every_footer_key_fits_whole(project, width):
    app = CodebookApp(project, CODER, first_name(project))
    async with app.run_test(size=(width, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        await pilot.pause(0.3)
        keys = list(app.screen.query_one(FittingFooter).children)
        assert keys and sum(key_width(k) for k in keys) <= width
        shown = {k.description for k in keys}
        assert {"Back", "Undo"} <= shown  # the keys a researcher needs first are kept


async def test_the_code_tree_grows_with_the_screen(project):
    widths = {}
    for size in [(100, 30), (160, 40), (220, 50)]:
        app = CodebookApp(project, CODER, first_name(project))
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda app=app: isinstance(app.screen, CodingScreen))
            await pilot.pause(0.2)
            widths[size[0]] = app.screen.query_one(CodeTree).region.width
    assert widths[100] < widths[160] < widths[220]
    book = project.codebook
    longest = max(len(c.name()) + 2 * book.depth(c.id) for c in book.codes.values())
    assert widths[160] >= longest + 8  # guides, swatch, hotkey and count beside the label


async def test_status_line_numbers_segments_as_the_cli(project):
    app = CodebookApp(project, CODER, first_name(project))
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        await pilot.press("j", "j")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        status = str(app.screen.query_one(StatusLine).render())
        assert view.segment.number == 3
        assert f"segment 3/{len(view.segments)}" in status


async def test_query_box_lists_hits_and_jumps_to_one(project):
    frames = project.frames()
    a, b = frames["coded"]["code"].value_counts().index[:2].tolist()
    expected = project.query(f"{a} AND NOT {b}")
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        app.open_review(a)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.pause(0.3)  # mounted, bindings ready
        screen = app.screen
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.focused, Input))
        await pilot.press(*f"{a} AND NOT {b}", "enter")
        box = screen.query_one(QueryBox)
        await until(pilot, lambda: box.showing)
        table = box.query_one(DataTable)
        assert table.row_count == len(expected)
        assert not screen.query_one("#review-table").display
        title = str(screen.query_one("#review-title").render())
        assert f"{len(expected)} segment(s)" in title
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, CodingScreen))
        hit = expected.iloc[1]
        view = app.screen.query_one(TranscriptView)
        assert app.screen.transcript.name == hit["transcript"]
        assert view.sel == (hit["start"], hit["end"])
        assert view.segment.number == hit["segment"]
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))


async def test_query_box_points_at_a_malformed_query(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(140, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ProjectScreen))
        app.open_review(None)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.pause(0.3)
        code = project.frames()["coded"]["code"].iloc[0]
        await pilot.press("slash", *f"{code} AND nosuchcode", "enter")
        box = app.screen.query_one("#query-input", Input)
        await until(pilot, lambda: box.cursor_position == len(f"{code} AND "))
        assert not app.screen.query_one(QueryBox).showing
        assert app.screen.query_one("#review-table").display
