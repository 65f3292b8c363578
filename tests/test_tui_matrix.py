"""The framework matrix screen, driven through Pilot at 80x24: counts in the grid, the cell's
segments beside it, `e` edits the summary (a draft as a starting point), undo and redo through
the app's history, Enter jumps to a segment. The store is checked through a fresh `Project`."""

from __future__ import annotations

import pytest
from conftest import DATA, run
from textual.widgets import DataTable, Static, TextArea

from codebook import Project
from codebook.tui.app import CodebookApp
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.matrix_screen import MatrixScreen, SummaryEditor
from codebook.tui.widgets.transcript_view import TranscriptView

AMINA = "01-ouder-nt2-amina"
CODER = "tester"
pytestmark = pytest.mark.anyio


def written(project_dir, coder=CODER):
    with Project.open(project_dir) as p:
        return p.summaries(coder=coder)


async def open_matrix(pilot) -> MatrixScreen:
    await pilot.pause()
    await pilot.press("m")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MatrixScreen)
    return screen


async def to_cell(pilot, screen: MatrixScreen, row: str, code: str) -> None:
    grid = screen.query_one("#matrix-grid", DataTable)
    grid.move_cursor(row=screen.matrix.rows.index(row), column=screen.matrix.codes.index(code) + 1)
    await pilot.pause()
    assert screen.selected == (row, code)


async def test_grid_counts_and_the_cells_segments(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_matrix(pilot)
        grid = screen.query_one("#matrix-grid", DataTable)
        found = project.framework_matrix()
        assert grid.row_count == len(found.rows) and len(grid.columns) == len(found.codes) + 1
        code = "cog.basic.language"
        await to_cell(pilot, screen, AMINA, code)
        n = int(found.cell(AMINA, code)["segments"])
        assert n > 0 and str(grid.get_cell_at(grid.cursor_coordinate)) == str(n)
        segments = screen.query_one("#matrix-segments", DataTable)
        assert segments.row_count == n
        panel = str(screen.query_one("#matrix-cell", Static).render())
        assert "[concept]" in panel and AMINA in panel  # the draft, marked, of this cell
        assert screen.query_one("#matrix-side").region.width > 0  # visible at 80x24


async def test_edit_a_summary_from_the_draft_undo_and_redo(project_dir):
    with Project.open(project_dir) as project:
        app = CodebookApp(project, CODER)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_matrix(pilot)
            await to_cell(pilot, screen, AMINA, "cog.basic.language")
            await pilot.press("e")
            await pilot.pause()
            editor = app.screen
            assert isinstance(editor, SummaryEditor)
            await pilot.press("ctrl+t")  # the draft as a starting point
            await pilot.pause()
            area = editor.query_one("#summary-text", TextArea)
            assert area.text.startswith("[concept]")
            area.text = "Leest moeizaam;\nvraagt [b]haar[/b] zoon."  # markup stays text
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MatrixScreen)
            on_disk = written(project_dir)
            assert on_disk["text"].tolist() == ["Leest moeizaam;\nvraagt [b]haar[/b] zoon."]
            assert "[b]haar[/b]" in str(screen.query_one("#matrix-cell", Static).render())
            grid = screen.query_one("#matrix-grid", DataTable)
            assert str(grid.get_cell_at(grid.cursor_coordinate)).startswith("✎")
            await pilot.press("u")
            await pilot.pause()
            assert written(project_dir).empty
            await pilot.press("ctrl+r")
            await pilot.pause()
            assert len(written(project_dir)) == 1
            await pilot.press("e")  # again: the editor holds the summary; empty it to remove
            await pilot.pause()
            assert app.screen.query_one("#summary-text", TextArea).text.startswith("Leest")
            app.screen.query_one("#summary-text", TextArea).text = ""
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert written(project_dir).empty
            await pilot.press("u")  # undo the removal
            await pilot.pause()
            assert len(written(project_dir)) == 1


async def test_enter_jumps_to_a_segment(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_matrix(pilot)
        await to_cell(pilot, screen, AMINA, "cog.basic.language")
        first = screen.quotes.iloc[0]
        await pilot.press("enter")  # to the cell's segments
        await pilot.pause()
        assert screen.focused is screen.query_one("#matrix-segments", DataTable)
        await pilot.press("enter")  # open the first one
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.sel == (int(first["start"]), int(first["end"]))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_rows_by_participant_and_attribute(project_dir):
    with Project.open(project_dir) as project:
        app = CodebookApp(project, CODER)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_matrix(pilot)
            await pilot.press("r")
            await pilot.pause()
            assert screen.rows_by == "participant" and "Fatima" in screen.matrix.rows
            await pilot.press("r")
            await pilot.pause()
            first_attribute = next(iter(project.codebook.attributes))
            assert screen.rows_by == first_attribute
            await pilot.press("right")
            await pilot.pause()
            await pilot.press("e")  # a group is no case: refused, nothing written
            await pilot.pause()
            assert isinstance(app.screen, MatrixScreen)
            assert written(project_dir).empty
            await pilot.press("c")
            await pilot.pause()
            roots = [c.id for c in project.codebook.roots()]
            assert screen.matrix.codes == roots


async def test_on_an_english_project(tmp_path):
    root = tmp_path / "english"
    run("init", str(root), "--codebook", str(DATA / "english-codebook.yaml"))
    run("-p", str(root), "import", str(DATA / "english-interview-parent.txt"))
    with Project.open(root) as project:
        t = project.transcripts()[0]
        start = t.text.index("hard to read")
        project.add_coding(t, start, start + 12, "skills.reading", "ann")
        app = CodebookApp(project, "bo")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_matrix(pilot)
            await to_cell(pilot, screen, t.name, "skills.reading")
            assert "[draft] 1 coded segment(s)" in str(
                screen.query_one("#matrix-cell", Static).render()
            )
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one("#summary-text", TextArea).text = "Letters are too long."
            await pilot.press("ctrl+s")
            await pilot.pause()
    assert written(root, "bo")["text"].tolist() == ["Letters are too long."]
