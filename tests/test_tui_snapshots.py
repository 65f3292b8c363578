"""Snapshots of the main screens at 80x24 (SSH) and 160x48 (wide), with pytest-textual-snapshot.

Update after an intended change of the layout: `pytest tests/test_tui_snapshots.py
--snapshot-update`, then look at the SVGs in tests/__snapshots__/. The suggestions panel shows a
fixed list here so that the snapshots follow the layout, not the suggester's model.
"""

from __future__ import annotations

import shutil

import pytest

from codebook import Project
from codebook.suggest.types import Suggestion
from codebook.tui.app import CodebookApp
from codebook.tui.screens.codebook_screen import CodebookScreen
from codebook.tui.screens.review import ReviewScreen
from codebook.tui.widgets.suggestions import SuggestionList

SIZES = [(80, 24), (160, 48)]
FIXED = [
    Suggestion("impl.design", 0.62, ["term 'brief' (+0.21)", "like coded example"]),
    Suggestion("cog.basic.language", 0.41, ["term 'lezen' (+0.12)"]),
]


@pytest.fixture
def app(sample_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(sample_project, root)
    project = Project.open(root)
    project.suggest = lambda *a, **k: list(FIXED)
    yield CodebookApp(project, "coder_a")
    project.close()


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_project_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_coding_screen(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("enter", "j", "j", "j", "shift+down")
        await settle(pilot)
        panel = pilot.app.screen.query_one(SuggestionList)
        assert [s.code for s in panel.suggestions] == ["impl.design", "cog.basic.language"]

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_screen(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(ReviewScreen("sit.network"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_codebook_screen(snap_compare, app, size):
    async def run_before(pilot):
        await pilot.pause()
        pilot.app.push_screen(CodebookScreen("cog.knowledge.institutional"))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_coding_screen_compare(snap_compare, app):
    """Compare mode at 80x24: coder_b's codes in the right column, disagreements marked."""

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("enter", "d")
        await pilot.pause()
        await pilot.press("enter", "right_square_bracket", "right_square_bracket")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
