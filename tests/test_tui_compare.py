"""Comparing two coders in the workbench, and undo / redo of a new code, driven through Pilot.

The disagreements the screen marks are checked against `codebook agreement` (segment unit);
codebook changes are checked in the YAML file and through a fresh `Project`.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from codebook import Project
from codebook.codebooks import yaml_rt
from codebook.model import CodebookError, Coding
from codebook.tui.app import CodebookApp
from codebook.tui.screens.codebook_screen import CodebookScreen
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.dialogs import CoderPicker
from codebook.tui.widgets.transcript_view import OTHER, TranscriptView

AMINA = "01-ouder-nt2-amina"
pytestmark = pytest.mark.anyio


def row_text(view: TranscriptView, segment: int) -> str:
    strip = view._render_row(view.first_row[segment], view.size.width)
    return "".join(s.text for s in strip)


def marks(project: Project, codes) -> set[str]:
    book = project.codebook.codes
    return {book[c].hotkey or c[:1] for c in codes}


async def compare_amina(pilot) -> TranscriptView:
    await pilot.pause()
    view = pilot.app.screen.query_one(TranscriptView)
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CoderPicker)
    await pilot.press("enter")  # coder_b: the only other coder of this interview
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodingScreen)
    return view


async def test_compare_marks_the_segments_agreement_lists(project):
    expected = project.agreement(["coder_a", "coder_b"]).disagreements
    expected = set(expected[expected["transcript"] == AMINA]["start"])
    assert len(expected) >= 3
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(120, 36)) as pilot:
        view = await compare_amina(pilot)
        assert view.other == "coder_b"
        assert {view.segments[i].start for i in view.disputed} == expected
        # both coders' codes on a disputed segment: margin for coder_a, right column for coder_b
        i = min(view.disputed)
        mine, theirs = view.codes_at(i)
        assert mine != theirs
        assert mine == {c.code for c in project.codings(AMINA, "coder_a") if _on(view, i, c)}
        assert theirs == {c.code for c in project.codings(AMINA, "coder_b") if _on(view, i, c)}
        text = row_text(view, i)
        column = text[-OTHER:]
        assert column.startswith("≠") and marks(project, theirs) <= set(column)
        assert marks(project, mine) <= set(text[-OTHER - 9 : -OTHER])
        # the disputed row is highlighted in the gutter; an agreed row is not
        strip = view._render_row(view.first_row[i], view.size.width)
        disagree = view._styles["disagree"].bgcolor
        assert strip._segments[0].style.bgcolor == disagree
        same = next(k for k in range(len(view.segments)) if k not in view.disputed)
        strip = view._render_row(view.first_row[same], view.size.width)
        assert strip._segments[0].style.bgcolor != disagree
        assert "".join(s.text for s in strip)[-OTHER:].startswith("│")


def _on(view: TranscriptView, i: int, c: Coding) -> bool:
    return i in view._segments_of(c.start, c.end)


async def test_jump_from_disagreement_to_disagreement(project):
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await compare_amina(pilot)
        order = sorted(view.disputed)
        await pilot.press("home", "right_square_bracket")
        assert view.cursor == (order[0] if order[0] > 0 else order[1])
        at = view.cursor
        await pilot.press("right_square_bracket")
        assert view.cursor == order[order.index(at) + 1]
        await pilot.press("left_square_bracket")
        assert view.cursor == at
        status = str(app.screen.query_one("#status").render())
        assert "coder_b" in status and "≠" in status
        keys = {b.binding.key for b in app.screen.active_bindings.values()}
        assert "right_square_bracket" in keys
        await pilot.press("end", "right_square_bracket")  # nothing below the last segment
        assert view.cursor == len(view.segments) - 1
        assert any("No disagreement with coder_b below" in n.message for n in app._notifications)
        await pilot.press("d")  # back to coder_a alone: no column, no jumps
        await pilot.pause()
        assert view.other is None and view.disputed == set()
        keys = {b.binding.key for b in app.screen.active_bindings.values()}
        assert "right_square_bracket" not in keys
        await pilot.press("home", "right_square_bracket")
        assert view.cursor == 0
        assert any("Press d to compare" in n.message for n in app._notifications)


async def test_coding_in_compare_mode_settles_a_disagreement(project, project_dir):
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await compare_amina(pilot)
        book = project.codebook.codes
        # a disputed segment where coder_a lacks codes that coder_b gave it, all with hotkeys
        i = next(
            i
            for i in sorted(view.disputed)
            if view.codes_at(i)[0] < view.codes_at(i)[1]
            and all(book[c].hotkey for c in view.codes_at(i)[1] - view.codes_at(i)[0])
        )
        missing = view.codes_at(i)[1] - view.codes_at(i)[0]
        view.move_to(i)
        await pilot.press(*(book[c].hotkey for c in sorted(missing)))
        assert i not in view.disputed
        with Project.open(project_dir) as p:
            seg = view.segments[i]
            coded = {(c.start, c.end, c.code) for c in p.codings(AMINA, "coder_a")}
            assert {(seg.start, seg.end, c) for c in missing} <= coded
        await pilot.press("u")  # undo brings the disagreement back
        assert i in view.disputed


async def test_compare_needs_another_coder(project):
    app = CodebookApp(project, "coder_a", "02-ouder-nt1-sandra")  # coded by coder_a only
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.query_one(TranscriptView).other is None
        assert any("No other coder" in n.message for n in app._notifications)


def comment_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


async def test_undo_and_redo_of_a_new_code(project, project_dir):
    path = project.codebook_path
    original = path.read_text(encoding="utf-8")
    codes_before = list(project.codebook.codes)
    app = CodebookApp(project, "tester", AMINA)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        await pilot.press("j", "j", "e")
        await pilot.pause()
        app.screen.query_one("#new-label-nl", Input).value = "Schaamte over taal"
        await pilot.pause()
        app.screen.query_one("#new-hotkey", Input).value = "S"
        await pilot.press("ctrl+s")
        await pilot.pause()
        seg = view.segment
        with Project.open(project_dir) as p:
            assert "schaamte-over-taal" in p.codebook.codes
            assert [c.code for c in p.codings(AMINA, "tester")] == ["schaamte-over-taal"]
        await pilot.press("u")  # first the coding made with it
        with Project.open(project_dir) as p:
            assert p.codings(AMINA, "tester") == []
            assert "schaamte-over-taal" in p.codebook.codes
        # another coder uses the new code meanwhile: undo refuses and changes nothing
        with Project.open(project_dir) as other:
            t = other.transcript(AMINA)
            cid = other.add_coding(t, seg.start, seg.end, "schaamte-over-taal", "coder_b")
        await pilot.press("u")
        await pilot.pause()
        assert any("used by 1 coding" in n.message for n in app._notifications)
        assert "schaamte-over-taal" in path.read_text(encoding="utf-8")
        with Project.open(project_dir) as other:
            other.remove_coding(cid)
        await pilot.press("u")  # now the code itself goes
        await pilot.pause()
        text = path.read_text(encoding="utf-8")
        assert "schaamte-over-taal" not in text
        assert comment_lines(text) == comment_lines(original)
        assert yaml_rt().load(text) == yaml_rt().load(original)
        with Project.open(project_dir) as p:
            assert list(p.codebook.codes) == codes_before
        assert list(project.codebook.codes) == codes_before
        assert "S" not in app.hotkeys
        assert "schaamte-over-taal" not in app.screen.query_one("#codes").nodes_by_code
        await pilot.press("ctrl+r")  # redo: the code is back, with its hotkey
        await pilot.pause()
        with Project.open(project_dir) as p:
            code = p.codebook.codes["schaamte-over-taal"]
            assert code.hotkey == "S" and code.label["nl"] == "Schaamte over taal"
        assert app.hotkeys.get("S") == "schaamte-over-taal"
        await pilot.press("ctrl+r")  # and the coding
        with Project.open(project_dir) as p:
            assert [(c.start, c.end, c.code) for c in p.codings(AMINA, "tester")] == [
                (seg.start, seg.end, "schaamte-over-taal")
            ]
        assert comment_lines(path.read_text(encoding="utf-8")) == comment_lines(original)


async def test_undo_of_a_code_added_on_the_codebook_screen(project, project_dir):
    path = project.codebook_path
    app = CodebookApp(project, "tester")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.push_screen(CodebookScreen("cog.basic.digital"))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#new-label-nl", Input).value = "Apps van school"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        tree = app.screen.query_one("#codes")
        assert "cog.basic.apps-van-school" in tree.nodes_by_code
        await pilot.press("u")
        await pilot.pause()
        assert "cog.basic.apps-van-school" not in tree.nodes_by_code
        assert "apps-van-school" not in path.read_text(encoding="utf-8")
        with Project.open(project_dir) as p:
            assert "cog.basic.apps-van-school" not in p.codebook.codes
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "cog.basic.apps-van-school" in tree.nodes_by_code
        with Project.open(project_dir) as p:
            assert p.codebook.codes["cog.basic.apps-van-school"].parent == "cog.basic"


def test_remove_code_refuses_codes_in_use_and_codes_with_children(project):
    with pytest.raises(CodebookError, match="used by .* coding"):
        project.remove_code("sit.network")
    with pytest.raises(CodebookError, match="has children"):
        project.remove_code("cog.basic")
    with pytest.raises(CodebookError, match="no code 'nope'"):
        project.remove_code("nope")
    assert {"sit.network", "cog.basic"} <= set(project.reload_codebook().codes)


def test_remove_code_hands_on_the_comments_around_it(project):
    """Removing a code whose last key carries the next section's comment keeps that comment."""
    path = project.codebook_path
    original = path.read_text(encoding="utf-8")
    assert "# --- consequenties" in original
    assert "bridge" in project.codebook.codes  # the last s-frame code, then "consequenties"
    with Project.open(project.root) as p:
        for c in p.codings_with("bridge"):
            p.remove_coding(c.id)
        p.remove_code("bridge")
        assert "bridge" not in p.codebook.codes
    text = path.read_text(encoding="utf-8")
    assert comment_lines(text) == comment_lines(original)
    assert "- id: bridge" not in text


def stored(project_dir, coder: str) -> set[tuple[int, int, str]]:
    with Project.open(project_dir) as p:
        return {(c.start, c.end, c.code) for c in p.codings(AMINA, coder)}


async def pick(pilot, coder: str) -> None:
    """In the open CoderPicker, choose `coder` by moving down the list to it."""
    await pilot.pause()
    picker = pilot.app.screen
    assert isinstance(picker, CoderPicker)
    options = picker.query_one("#coder-list")
    ids = [options.get_option_at_index(k).id for k in range(options.option_count)]
    await pilot.press(*["down"] * ids.index(coder), "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodingScreen)


async def test_show_another_coders_codes_read_only(project, project_dir):
    before = {coder: stored(project_dir, coder) for coder in ("coder_a", "coder_b")}
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        await pilot.press("i")
        await pilot.pause()
        options = app.screen.query_one("#coder-list")
        assert "coder_a (you)" in str(options.get_option_at_index(0).prompt)  # you come first
        await pick(pilot, "coder_b")
        shown = {(c.start, c.end, c.code) for c in view.codings.values()}
        assert shown == before["coder_b"] != before["coder_a"]
        status = str(app.screen.query_one("#status").render())
        assert "viewing coder_b" in status and "read-only" in status
        # coding keys change nothing: coder_b's codes are coder_b's
        i = next(k for k in range(len(view.segments)) if view.is_coded(k))
        view.move_to(i)
        await pilot.press("T", "x", "a", "r")
        await pilot.pause()
        assert any("read-only" in n.message for n in app._notifications)
        assert {c: stored(project_dir, c) for c in before} == before
        # back to coder_a's own codes, where the hotkey codes again
        await pilot.press("i")
        await pick(pilot, "coder_a")
        assert {(c.start, c.end, c.code) for c in view.codings.values()} == before["coder_a"]
        assert "read-only" not in str(app.screen.query_one("#status").render())
        view.move_to(0)
        await pilot.press("T")
        assert len(stored(project_dir, "coder_a")) == len(before["coder_a"]) + 1


async def test_compare_two_coders_when_neither_is_the_session_coder(project, project_dir):
    expected = project.agreement(["coder_a", "coder_b"]).disagreements
    expected = set(expected[expected["transcript"] == AMINA]["start"])
    app = CodebookApp(project, "lead_researcher", AMINA)  # has coded nothing here
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert view.codings == {}
        await pilot.press("i")
        await pick(pilot, "coder_a")
        await pilot.press("d")
        await pilot.pause()
        listed = app.screen.query_one("#coder-list")
        assert [listed.get_option_at_index(k).id for k in range(listed.option_count)] == ["coder_b"]
        await pick(pilot, "coder_b")
        assert view.other == "coder_b"
        assert {view.segments[i].start for i in view.disputed} == expected
        await pilot.press("home", "right_square_bracket")
        assert view.cursor in view.disputed
        status = str(app.screen.query_one("#status").render())
        assert "viewing coder_a" in status and "coder_b" in status
        # picking the right column's coder for the left stops comparing
        await pilot.press("i")
        await pick(pilot, "coder_b")
        assert view.other is None and view.disputed == set()
        assert {(c.start, c.end, c.code) for c in view.codings.values()} == stored(
            project_dir, "coder_b"
        )


async def test_undo_updates_your_codes_in_the_right_column(project, project_dir):
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        view.move_to(0)
        await pilot.press("T")  # coder_a codes segment 0
        coded = stored(project_dir, "coder_a")
        await pilot.press("i")
        await pick(pilot, "coder_b")
        await pilot.press("d")
        await pick(pilot, "coder_a")  # coder_b left (read-only), coder_a right
        theirs = {(c.start, c.end, c.code) for c in view.other_codings.values()}
        assert theirs == coded
        await pilot.press("u")  # undoes coder_a's coding: the right column follows
        await pilot.pause()
        theirs = {(c.start, c.end, c.code) for c in view.other_codings.values()}
        assert (
            theirs
            == stored(project_dir, "coder_a")
            == coded - {(view.segments[0].start, view.segments[0].end, "cog.basic.language")}
        )


async def test_codings_from_another_session_appear(project, project_dir):
    """Another coder codes meanwhile (a shared database, another tab): the screen follows."""
    app = CodebookApp(project, "coder_a", AMINA)
    async with app.run_test(size=(120, 36)) as pilot:
        view = await compare_amina(pilot)
        screen = app.screen
        assert screen.poll_store() is False  # nothing changed yet
        seg = view.segments[0]
        with Project.open(project_dir) as other:  # coder_b, in another process's connection
            t = other.transcript(AMINA)
            cid = other.add_coding(t, seg.start, seg.end, "sit.network", "coder_b")
        assert cid not in view.other_codings
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert cid in view.other_codings and 0 in view.disputed
        assert "another session" in str(screen.query_one("#status").render())
        with Project.open(project_dir) as other:
            other.remove_coding(cid)
        assert screen.poll_store() is True  # what the timer calls every few seconds
        assert cid not in view.other_codings
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert any("Up to date" in n.message for n in app._notifications)
