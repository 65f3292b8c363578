"""Every benchmark, one table: figure, target, measured, met.

python benchmarks/run_all.py [--quick]

The scale pass takes one generated project of 1,000 transcripts (~1M words) and 50,000 codings
through the whole flow: import, the TUI on it, analysis, reports, suggestions, agreement,
REFI-QDA and merge. Two targets are stated for other sizes and get their own project: retraining
on 5,000 coded segments, and the coding screen on one 100,000-word transcript. `--quick` runs
everything at toy sizes (a smoke test of the benchmarks; its numbers mean nothing).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core for the suggester, before numpy is imported

import argparse  # noqa: E402
import asyncio  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import bench_agreement  # noqa: E402
import bench_analysis  # noqa: E402
import bench_cli  # noqa: E402
import bench_import  # noqa: E402
import bench_matrix  # noqa: E402
import bench_pdf  # noqa: E402
import bench_refi  # noqa: E402
import bench_report  # noqa: E402
import bench_suggest  # noqa: E402
import bench_tui  # noqa: E402
from corpus import generate  # noqa: E402
from table import Row, note, show  # noqa: E402

from codebook import Project  # noqa: E402

FULL = dict(transcripts=1000, words=1000, codings=50_000, suggest=(300, 1000, 7500), tui=100_000)
QUICK = dict(transcripts=12, words=150, codings=400, suggest=(10, 150, 200), tui=2_000)
# whole-process command times: a 200-transcript project of ~400k words (transcripts, words,
# codings, runs per command)
CLI = {False: (200, 2000, 10_000, 7), True: (6, 150, 100, 1)}


def scale_pass(tmp: Path, transcripts: int, words: int, codings: int, repeat: int) -> list[Row]:
    """One project through the whole flow, in an order where the steps that change it (suggest
    adds a coding, merge adds a coder) come after the ones that only read it."""
    corpus = generate(tmp / "corpus", transcripts, words, codings)
    rows: list[Row] = []
    with Project.init(tmp / "project") as project:
        for label, step in [
            ("import", lambda: bench_import.measure(project, corpus)),
            (
                "TUI project screen",
                lambda: asyncio.run(bench_tui.drive_project_screen(project, "coder_a", repeat)),
            ),
            ("analysis", lambda: bench_analysis.measure(project)),
            ("reports", lambda: bench_report.measure(project, tmp / "out")),
            ("framework matrix", lambda: bench_matrix.measure(project, tmp / "matrix")),
            ("agreement", lambda: bench_agreement.agreement(project)),
            ("REFI-QDA", lambda: bench_refi.measure(project, tmp)),
            ("suggest", lambda: bench_suggest.measure(project)),
        ]:
            rows += timed_step(label, step)
    rows += timed_step(
        "merge", lambda: bench_agreement.merge(tmp / "project", corpus / "codings.csv", tmp)
    )
    return rows


def timed_step(label: str, step) -> list[Row]:
    note(f"{label} ...")
    t0 = time.perf_counter()
    rows = step()
    note(f"{label}: {time.perf_counter() - t0:.0f} s")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="toy sizes: checks the benchmarks run")
    args = ap.parse_args()
    bench_suggest.pin_to_one_core()  # the suggester's targets are for one core; the rest is
    size = QUICK if args.quick else FULL  # single-threaded (one BLAS thread) anyway
    repeat = 5 if args.quick else 40
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        rows = scale_pass(Path(tmp), size["transcripts"], size["words"], size["codings"], repeat)
    rows += timed_step("suggest at 5,000", lambda: bench_suggest.run(*size["suggest"]))
    rows += timed_step(
        "TUI coding screen",
        lambda: bench_tui.run(size["tui"], size["tui"] // 20, repeat, suggest=False),
    )
    rows += timed_step("command line", lambda: bench_cli.run(*CLI[args.quick]))
    rows += timed_step("PDF import", lambda: bench_pdf.run(5 if args.quick else 100))
    note(f"all benchmarks: {(time.perf_counter() - t0) / 60:.1f} min")
    show(rows)


if __name__ == "__main__":
    main()
