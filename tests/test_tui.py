"""The coding workbench driven like a researcher would: keys and clicks through Pilot.

Every test checks the store afterwards through a fresh `Project` (a second connection), so
what the screen showed as done is on disk.
"""

from __future__ import annotations

import pytest
from conftest import MINI, run
from textual.widgets import Input

from codebook import Project
from codebook.model import Coding
from codebook.tui.app import CodebookApp
from codebook.tui.screens.codebook_screen import CodebookScreen
from codebook.tui.screens.coding import CodingScreen
from codebook.tui.screens.dialogs import SignIn
from codebook.tui.screens.project_screen import ProjectScreen
from codebook.tui.screens.review import ReviewScreen
from codebook.tui.screens.summary import SummaryScreen
from codebook.tui.widgets.suggestions import SuggestionList
from codebook.tui.widgets.transcript_view import TranscriptView

AMINA = "01-ouder-nt2-amina"
CODER = "tester"
pytestmark = pytest.mark.anyio


def on_disk(project_dir, **filters):
    """The codings as a fresh connection sees them."""
    with Project.open(project_dir) as p:
        return p.codings(**filters)


def mine(project_dir, transcript=AMINA):
    return on_disk(project_dir, transcript=transcript, coder=CODER)


async def open_amina(pilot, size=(100, 30)):
    await pilot.pause()
    await pilot.press("enter")  # the first row of the transcript table
    await pilot.pause()
    assert isinstance(pilot.app.screen, CodingScreen)
    return pilot.app.screen.query_one(TranscriptView)


async def until(pilot, condition, seconds: float = 60) -> None:
    """Wait for background work (suggestions run in a worker thread)."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("timed out waiting for the app")


async def test_open_transcript_from_the_project_screen(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
        await pilot.press("f", *"bibliotheek", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.transcript.name == "11-bibliotheek-digitaal-hulppunt"
        status = str(app.screen.query_one("#status").render())
        assert CODER in status and "0/" in status
        # code the respondent's first segment, after the two sentences of the question (progress
        # counts what respondents said), back to the list: progress updated
        await pilot.press("j", "j", "T", "o")
        await pilot.pause()
        table = app.screen.query_one("#transcripts")
        name = "11-bibliotheek-digitaal-hulppunt"
        assert table.get_cell(name, "coded_pct") != "0%"
        assert CODER in table.get_cell(name, "coders")


async def test_code_by_hotkey_and_remove_again(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        await pilot.press("j", "j")
        seg = view.segment
        await pilot.press("D")  # cog.basic.digital
        got = mine(project_dir)
        assert [(c.start, c.end, c.code) for c in got] == [
            (seg.start, seg.end, "cog.basic.digital")
        ]
        await pilot.press("5")
        assert {c.code for c in mine(project_dir)} == {"cog.basic.digital", "impl.accessibility"}
        await pilot.press("D")  # the same hotkey again removes it
        assert [c.code for c in mine(project_dir)] == ["impl.accessibility"]
        await pilot.press("x")
        assert mine(project_dir) == []


async def test_code_from_the_tree_with_filter(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        seg = view.segment
        await pilot.press("f", *"instantie", "enter")  # filter, then Enter focuses the tree
        await pilot.pause()
        await pilot.press("enter")
        got = mine(project_dir)
        assert [(c.start, c.end, c.code) for c in got] == [
            (seg.start, seg.end, "cog.knowledge.institutional")
        ]


async def test_span_selection_by_word_sentence_and_mouse(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        first, second = view.segments[0], view.segments[1]
        await pilot.press("shift+down")  # one more sentence
        assert view.sel == (first.start, second.end)
        await pilot.press("shift+left")  # one word less
        assert view.sel[1] < second.end and view.sel[1] > second.start
        await pilot.press("greater_than_sign")  # start one word later
        assert view.sel[0] > first.start
        span = view.sel
        await pilot.press("T")
        assert [(c.start, c.end) for c in mine(project_dir)] == [span]
        # with the mouse: drag over the first row of text
        await pilot.press("escape")
        row = view.first_row[0]
        await pilot.mouse_down(view, offset=(12, row))
        await pilot.hover(view, offset=(20, row))
        await pilot.mouse_up(view, offset=(20, row))
        await pilot.pause()
        a, b = view.sel
        assert view.text[a:b].strip() and (a, b) != (first.start, first.end)
        await pilot.press("G")
        assert (a, b, "cog.basic.numeracy") in {(c.start, c.end, c.code) for c in mine(project_dir)}


async def test_accept_and_reject_suggestions(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        await pilot.press("slash", *"brieven", "enter")
        panel = app.screen.query_one(SuggestionList)
        await until(pilot, lambda: len(panel.suggestions) >= 2)
        top = panel.current
        assert top.code in project.codebook.codes and top.why
        seg = view.segment
        await pilot.press("a")
        got = mine(project_dir)
        assert [(c.start, c.end, c.code, c.origin) for c in got] == [
            (seg.start, seg.end, top.code, "suggestion")
        ]
        await until(pilot, lambda: panel.current is not None and panel.current.code != top.code)
        second = panel.current
        await pilot.press("r")
        with Project.open(project_dir) as p:
            t = p.transcript(AMINA)
            assert (seg.start, seg.end, second.code) in p.rejected(t, CODER)
            # remembered: the suggester leaves it out from now on
            assert second.code not in {s.code for s in p.suggest(t, seg.start, seg.end, 10, CODER)}
        await pilot.press("u")  # undo the rejection
        with Project.open(project_dir) as p:
            assert p.rejected(p.transcript(AMINA), CODER) == set()


async def test_undo_redo_across_the_session(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_amina(pilot)
        await pilot.press("T", "j", "G", "j", "1")
        assert len(mine(project_dir)) == 3
        await pilot.press("u", "u")
        assert [c.code for c in mine(project_dir)] == ["cog.basic.language"]
        await pilot.press("ctrl+r")
        assert {c.code for c in mine(project_dir)} == {"cog.basic.language", "cog.basic.numeracy"}
        await pilot.press("x")  # remove, then undo brings it back
        assert len(mine(project_dir)) == 1
        await pilot.press("u")
        assert len(mine(project_dir)) == 2
        # undo reaches into other screens' actions too: merge on the review screen
        app.push_screen(ReviewScreen("cog.basic.numeracy"))
        await pilot.pause()
        before = len(on_disk(project_dir, coder="coder_a"))
        await pilot.press("e", *"Taalvaardigheid", "enter")
        await pilot.pause()
        assert not [c for c in on_disk(project_dir) if c.code == "cog.basic.numeracy"]
        await pilot.press("u")
        await pilot.pause()
        assert [c for c in mine(project_dir) if c.code == "cog.basic.numeracy"]
        assert len(on_disk(project_dir, coder="coder_a")) == before


async def test_memos_on_selection_coding_and_transcript(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        seg = view.segment
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"eerste indruk", "ctrl+s")
        await pilot.pause()
        assert view.memo_segments == {view.cursor}  # ✎ in the margin
        await pilot.press("T", "m")
        await pilot.pause()
        # the second target is the coding just made
        app.screen.query_one("#memo-target").focus()
        await pilot.press("down", "space")
        app.screen.query_one("#memo-text").focus()
        await pilot.press(*"taal als drempel", "ctrl+s")
        await pilot.pause()
        with Project.open(project_dir) as p:
            t = p.transcript(AMINA)
            memos = [(m.start, m.end, m.text) for m in p.memos(t)]
            assert memos == [(seg.start, seg.end, "eerste indruk")]
            assert [c.memo for c in p.codings(AMINA, CODER)] == ["taal als drempel"]
        await pilot.press("u")  # undo the coding memo
        assert [c.memo for c in mine(project_dir)] == [None]


async def test_search_and_jumps(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        await pilot.press("slash", *"Osdorp", "enter")
        await pilot.pause()
        a, b = view.segment.start, view.segment.end
        assert "Osdorp" in view.text[a:b]
        # next uncoded: code this one, come back to the start, jump
        await pilot.press("home", "T", "n")
        assert view.cursor == 1
        await pilot.press("k", "p")  # nothing uncoded above the first segment
        assert view.cursor == 0
        await pilot.press("end", "g", *"Taalvaard", "enter")
        await pilot.pause()
        assert view.cursor == 0  # wraps around to the one coded segment


async def test_review_recode_and_merge(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.push_screen(ReviewScreen("sit.network"))
        await pilot.pause()
        screen = app.screen
        network = [c.id for c in on_disk(project_dir) if c.code == "sit.network"]
        assert [c.id for c in screen.rows] == network
        first, second = screen.rows[0], screen.rows[1]
        await pilot.press("space", "space", "r", *"bruggen", "enter")  # move two to bridge
        await pilot.pause()
        after = {c.id: c.code for c in on_disk(project_dir)}
        assert after[first.id] == after[second.id] == "bridge"
        await pilot.press("e", *"Vormgeving", "enter")  # merge the rest into impl.design
        await pilot.pause()
        codes = {c.id: c.code for c in on_disk(project_dir)}
        assert "sit.network" not in codes.values()
        assert all(codes.get(i, "impl.design") == "impl.design" for i in network[2:])
        # Enter (or o) jumps to the segment in its transcript
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        view = app.screen.query_one(TranscriptView)
        assert view.sel == (screen.rows[0].start, screen.rows[0].end)


async def test_review_recode_refuses_a_duplicate_and_changes_nothing(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_amina(pilot)
        await pilot.press("T", "G")
        before = {(c.id, c.code) for c in on_disk(project_dir)}
        app.push_screen(ReviewScreen("cog.basic.numeracy"))
        await pilot.pause()
        mine_row = next(i for i, c in enumerate(app.screen.rows) if c.coder == CODER)
        app.screen.query_one("#review-table").move_cursor(row=mine_row)
        await pilot.press("r", *"Taalvaardigheid", "enter")
        await pilot.pause()
        assert {(c.id, c.code) for c in on_disk(project_dir)} == before
        assert any("already has that code" in n.message for n in app._notifications)


async def test_add_code_from_selection_keeps_yaml_comments(project, project_dir):
    app = CodebookApp(project, CODER)
    path = project.codebook_path
    assert path.read_text(encoding="utf-8").startswith("# ====")
    async with app.run_test(size=(120, 36)) as pilot:
        view = await open_amina(pilot)
        await pilot.press("j", "j", "shift+left", "shift+left")
        quote = view.text[view.sel[0] : view.sel[1]]
        await pilot.press("e")
        await pilot.pause()
        label = app.screen.query_one("#new-label-nl", Input)
        label.value = "Schaamte over taal"
        await pilot.pause()
        app.screen.query_one("#new-hotkey", Input).value = "S"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# ====") and "schaamte-over-taal" in text
        with Project.open(project_dir) as p:
            code = p.codebook.codes["schaamte-over-taal"]
            assert code.hotkey == "S" and code.examples == [" ".join(quote.split())]
            assert [c.code for c in p.codings(AMINA, CODER)] == ["schaamte-over-taal"]
        await pilot.press("j", "S")  # its hotkey works at once
        assert len(mine(project_dir)) == 2
        # the codebook screen shows its definition and adds codes too
        app.push_screen(CodebookScreen("schaamte-over-taal"))
        await pilot.pause()
        shown = app.screen.query_one("#code-detail").source
        assert "Schaamte over taal" in shown and "hotkey **S**" in shown


async def test_hotkey_collision_is_reported(tmp_path):
    book = MINI.read_text(encoding="utf-8")
    assert "hotkey:" in book
    run("init", str(tmp_path / "p"), "--codebook", str(MINI))
    with Project.open(tmp_path / "p") as p:
        some = next(c for c in p.codebook.codes.values() if c.hotkey)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        book.replace(f'hotkey: "{some.hotkey}"', 'hotkey: "j"').replace(
            f"hotkey: {some.hotkey}", "hotkey: j"
        ),
        encoding="utf-8",
    )
    run("init", str(tmp_path / "q"), "--codebook", str(bad))
    with Project.open(tmp_path / "q") as p:
        app = CodebookApp(p, CODER)
        async with app.run_test() as pilot:
            await pilot.pause()
            assert len(app.hotkey_problems) == 1
            assert "'j'" in app.hotkey_problems[0] and some.id in app.hotkey_problems[0]
            assert "j" not in app.hotkeys
            assert any("hotkey" in n.message for n in app._notifications)


async def test_command_palette_lists_the_screen_actions(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_amina(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Accept", "Reject", "Undo", "Memo", "Search", "Back"} <= titles


async def test_summary_screen_counts_themes_by_group(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        table = app.screen.query_one("#summary-table")
        stats = project.stats("stakeholder_group")
        row = stats[(stats["code"] == "sit.network") & (stats["stakeholder_group"] == "ouder")]
        assert table.get_cell("sit.network", "ouder") == str(int(row["segments"].iloc[0]))
        await pilot.press("n")  # shares instead of counts
        await pilot.pause()
        assert table.get_cell("sit.network", "ouder").endswith("%")
        await pilot.press("g")  # next attribute: domain
        await pilot.pause()
        assert "opvoeding" in {c.value for c in table.columns}


async def test_most_uncertain_segment_jump(project):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        expected = project.uncertain_segments(AMINA, CODER, limit=1)
        await pilot.press("w")
        await until(pilot, lambda: view.segment.start == int(expected["start"].iloc[0]))
        assert "uncertain" in app.screen.last


async def test_palette_command_runs_the_action(project, project_dir):
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_amina(pilot)
        await pilot.press("T")
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Uncode")
        command.callback()
        await pilot.pause()
        assert mine(project_dir) == [] and view.codings == {}


def test_cli_code_refuses_unknown_transcript(project_dir):
    proc = run("-p", str(project_dir), "code", "nope", "--coder", "x", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "no transcript named 'nope'"
    assert "Traceback" not in proc.stderr


async def test_without_a_coder_name_the_app_asks_who_is_coding(project, project_dir):
    app = CodebookApp(project)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SignIn)
        known = app.screen.query_one("#known-coders")
        listed = [known.get_option_at_index(k).id for k in range(known.option_count)]
        assert listed == ["coder_a", "coder_b"]
        await pilot.press("enter")  # an empty name is not a coder
        await pilot.pause()
        assert isinstance(app.screen, SignIn) and app.coder is None
        await pilot.press(*"  new  [team] coder ", "enter")  # brackets are not markup here
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen) and app.coder == "new [team] coder"
        assert "new [team] coder" in str(app.screen.query_one("#project-title").render())
        await open_amina(pilot)
        await pilot.press("T")
        assert "new [team] coder" in str(app.screen.query_one("#status").render())
    assert [c.code for c in on_disk(project_dir, transcript=AMINA, coder="new [team] coder")] == [
        "cog.basic.language"
    ]


async def test_sign_in_as_a_coder_of_the_project(project):
    app = CodebookApp(project, None, AMINA)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("tab", "down", "enter")  # to the list, the second coder
        await pilot.pause()
        assert app.coder == "coder_b"
        assert isinstance(app.screen, CodingScreen)  # straight to the transcript asked for
        view = app.screen.query_one(TranscriptView)
        assert {c.coder for c in view.codings.values()} == {"coder_b"}


async def test_garbage_is_collected_at_rest_not_in_the_middle_of_a_key(project):
    import gc
    import time
    import weakref

    from codebook.tui.app import REST

    class Cycle:
        def __init__(self):
            self.me = self

    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not gc.isenabled() and gc.get_freeze_count() > 0
        gc.collect(0)  # start from no young objects, far from the 50,000 of a young collection
        garbage = Cycle()
        ref = weakref.ref(garbage)
        del garbage
        alive = [{} for _ in range(2_000)]  # enough new objects to be worth a collection
        await pilot.press("j")  # input: no full collection now
        app._collect()
        assert ref() is not None
        app._last_input = time.monotonic() - REST  # input has rested
        app._collect()
        assert ref() is None and alive
    assert gc.isenabled()  # the interpreter goes on as before after the app


def recording(app: CodebookApp) -> list[tuple]:
    """Note every navigation a screen asks of the app, then let the app go there."""
    asked: list[tuple] = []

    def noting(name: str, go):
        def note(*args, **kw):
            asked.append((name, *(getattr(a, "name", a) for a in (*args, *kw.values()))))
            return go(*args, **kw)

        return note

    for name in ("open_transcript", "open_review", "open_codebook", "open_summary", "go_back"):
        setattr(app, name, noting(name, getattr(app, name)))
    return asked


async def test_screens_navigate_through_the_app(project):
    app = CodebookApp(project, CODER)
    asked = recording(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for key, screen in (("t", SummaryScreen), ("b", CodebookScreen), ("v", ReviewScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ProjectScreen)
        await open_amina(pilot)
        await pilot.press("c", "down", "down")  # a code in the tree
        code = app.screen.query_one("#codes").current_code
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and app.screen.code == code
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)
    assert asked == [
        ("open_summary",),
        ("go_back",),
        ("open_codebook", None),
        ("go_back",),
        ("open_review", None),
        ("go_back",),
        ("open_transcript", AMINA),
        ("open_review", code),
        ("go_back",),
        ("go_back",),
    ]


async def test_perform_shows_a_refusal_and_keeps_the_history(project, project_dir):
    from codebook.tui.history import AddCoding

    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        t = project.transcript(AMINA)
        bad = AddCoding(Coding(None, t.id, 0, 10, "no.such.code", CODER))
        assert app.perform(bad) is None
        await pilot.pause()
        assert app.history.done == [] and mine(project_dir) == []
        assert any("unknown code" in n.message for n in app._notifications)
        good = AddCoding(Coding(None, t.id, 0, 10, "sit.network", CODER))
        change = app.perform(good)
        assert change is not None and change.added[0].id is not None
        assert app.history.done == [good] and len(mine(project_dir)) == 1


async def test_a_failed_retraining_is_reported_not_raised(project):
    def broken() -> bool:
        raise RuntimeError("out of memory")

    project.retrain = broken
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app._retrain()
        await until(pilot, lambda: not app._retraining)
        assert any(
            "retraining the suggester failed: out of memory" in n.message
            for n in app._notifications
        )


def test_only_the_app_knows_the_screens():
    """No screen imports another (navigation goes through the app), nothing imports lazily,
    and the TUI's modules import each other without a cycle."""
    import ast
    from pathlib import Path

    import codebook.tui

    root = Path(codebook.tui.__file__).parent
    screens = {f"codebook.tui.screens.{n}" for n in ("coding", "review", "codebook_screen")}
    screens |= {"codebook.tui.screens.project_screen", "codebook.tui.screens.summary"}
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        name = "codebook." + ".".join(path.relative_to(root.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
        graph[name] = {m for m in top if m and m.startswith("codebook.tui")}
        if not name.endswith(".app"):
            assert not graph[name] & screens, f"{name} imports a screen"
        if name.endswith(".serve"):
            continue  # the server process starts without Textual's app loaded
        nested = [
            n
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
            for n in ast.walk(f)
            if isinstance(n, ast.Import | ast.ImportFrom)
        ]
        assert not nested, f"{name} imports inside a function"

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(
            dep == target or (dep not in seen and reaches(dep, target, seen | {dep}))
            for dep in graph.get(start, ())
        )

    for name in graph:
        assert not reaches(name, name, {name}), f"{name} imports itself through others"


async def test_a_coding_is_learned_at_once_before_the_full_refit(project, monkeypatch):
    """The suggester takes a new coding in straight away (`Project.learn`, in a worker);
    the full refit still waits for the researcher to pause."""
    import codebook.tui.app as app_module
    from codebook.tui.history import AddCoding

    monkeypatch.setattr(app_module, "RETRAIN_AFTER", 3600)  # no full refit during the test
    project.retrain()
    before = len(project.suggester.model.memory_text_)
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        t = project.transcript(AMINA)
        segment = next(g for g in project.store.segments(t.id) if g.speaker != "I")
        coding = Coding(None, t.id, segment.start, segment.end, "sit.network", CODER)
        assert app.perform(AddCoding(coding)) is not None
        await until(pilot, lambda: len(project.suggester.model.memory_text_) == before + 1)
        assert project.suggester._state[1] is None  # updated in place of a refit: one is due
        assert not app._retraining
