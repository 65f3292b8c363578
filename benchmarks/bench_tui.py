"""The coding workbench on a large transcript, driven headless: open time and key latency.

python benchmarks/bench_tui.py [--words 100000] [--codings 5000] [--repeat 40]

Targets (issue 3): a 100,000-word transcript with 5,000 codings opens in < 1 s; every key
action answers in < 50 ms. A key's time is from pressing it until the app is idle again (the
action is on disk and the screen is redrawn). Suggestions and retraining run in worker threads
and are reported separately; `--no-suggest` measures the keys without them competing for the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.tui.app import CodebookApp  # noqa: E402
from codebook.tui.screens.coding import CodingScreen  # noqa: E402
from codebook.tui.widgets.transcript_view import TranscriptView  # noqa: E402

CODER = "bench"


def build(tmp: Path, words: int, codings: int) -> Project:
    corpus = generate(tmp / "corpus", 1, words, codings)
    rows = list(csv.DictReader((corpus / "codings.csv").open(encoding="utf-8")))
    for row in rows:
        row["coder"] = CODER  # every coding visible to the coder who opens the transcript
    with (corpus / "mine.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    project = Project.init(tmp / "project")
    project.import_files(sorted(corpus.glob("*.txt")))
    project.import_codings(corpus / "mine.csv")
    return project


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {1000 * statistics.median(values):6.1f} ms   p95 {1000 * p95:6.1f} ms"


async def drive(project: Project, repeat: int, suggest: bool) -> None:
    name = project.transcripts()[0].name
    app = CodebookApp(project, CODER)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        if not suggest:
            CodingScreen.refresh_suggestions = lambda self: None
            app.retrain_soon = lambda: None
        t = project.transcript(name)
        opens = []
        for attempt in range(3):
            if attempt:
                app.pop_screen()
                await pilot.pause()
            painted = asyncio.Event()
            t0 = time.perf_counter()
            await app.push_screen(CodingScreen(t))
            app.screen.call_after_refresh(painted.set)
            await painted.wait()  # mounted, laid out and drawn once
            opens.append(time.perf_counter() - t0)
            await pilot.pause()
        opened = statistics.median(opens)
        view = app.screen.query_one(TranscriptView)
        print(
            f"open: {len(t.text.split()):,} words, {len(view.segments):,} segments, "
            f"{len(view.codings):,} codings, {len(view.rows):,} rows "
            f"in {1000 * opened:.0f} ms median of 3 "
            f"({', '.join(f'{1000 * o:.0f}' for o in opens)}; target < 1000 ms)"
        )

        async def timed(*keys: str) -> float:
            start = time.perf_counter()
            await pilot.press(*keys)
            return time.perf_counter() - start

        keys = {
            "j (next segment)": ["j"],
            "pagedown": ["pagedown"],
            "shift+right (span +word)": ["shift+right"],
            "n (next uncoded)": ["n"],
            "T (code: write + redraw)": ["T"],
            "u (undo)": ["u"],
            "ctrl+r (redo)": ["ctrl+r"],
            "x (uncode)": ["x"],
        }
        results: dict[str, list[float]] = {k: [] for k in keys}
        # Pilot waits until the process is idle; with suggestion threads busy it never quite is,
        # so round trips are only meaningful without them
        for _ in range(repeat if not suggest else 0):
            for label, k in keys.items():
                results[label].append(await timed(*k))
        if not suggest:
            view.move_to(len(view.segments) // 2)
            results["s (search again, whole text)"] = []
            app.screen._search = "brief"
            for _ in range(max(repeat // 4, 5)):
                results["s (search again, whole text)"].append(await timed("s"))
            floor = [await timed("f12") for _ in range(repeat)]  # bound to nothing
            base = statistics.median(floor)
            print(f"Pilot round trip of an unbound key (Textual's idle wait): {ms(floor)}")
            print("key round trips through Pilot, and minus that floor:")
            for label, values in results.items():
                extra = 1000 * max(statistics.median(values) - base, 0)
                print(f"  {label:30s} {ms(values)}   -> {extra:5.1f} ms over the floor")
        screen = app.screen
        direct = {
            "move (j)": lambda: view.action_move(1),
            "span +word": lambda: view.action_extend_word(1),
            "code (T)": lambda: screen.toggle_code("cog.basic.language"),
            "undo": app.action_undo,
            "redo": app.action_redo,
            "uncode (x)": screen.action_uncode,
        }
        mode = "suggestion threads running" if suggest else "no suggestion threads"
        print(f"handler + store write + redraw of the visible transcript ({mode}):")
        for label, fn in direct.items():
            values = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn()
                for y in range(view.size.height):
                    view.render_line(y)
                values.append(time.perf_counter() - t0)
                await pilot.pause(0)
            print(f"  {label:30s} {ms(values)}")
        await app.workers.wait_for_complete()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--codings", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--no-suggest", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        project = build(Path(tmp), args.words, args.codings)
        print(f"setup (generate + import): {time.perf_counter() - t0:.1f} s")
        try:
            asyncio.run(drive(project, args.repeat, not args.no_suggest))
        finally:
            project.close()


if __name__ == "__main__":
    main()
