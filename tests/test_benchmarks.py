"""`benchmarks/run_all.py --quick`: every figure comes out as a row of one table with a target and
a measured value. Toy sizes, so no timing is checked; the full run is `make bench`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FIGURES = {  # how a row's figure starts -> how many such rows
    "import into SQLite": 1,
    "import ": 2,  # the transcripts, and the codings CSV
    "TUI: start on the project screen": 1,
    "TUI: project screen, key handler": 1,
    "TUI: project screen, filter applied": 1,
    "TUI: open a transcript from that list": 1,
    "frames + frequency table by group": 1,
    "chi-square": 1,
    "permutation test codes x groups": 1,
    "report over": 1,
    "framework matrix": 2,  # built + .xlsx at scale, and the other formats
    "export coded segments": 1,
    "agreement, 2 coders": 1,
    "REFI-QDA .qdpx export / import": 1,
    "suggest, one segment, codebook prior": 2,  # the scale pass and the 5,000-span project
    "suggest, one segment, trained model": 2,
    "retrain on": 2,
    "retrain after one more coding": 2,
    "react to one coding at once": 2,  # Project.learn, on both projects
    "measure each code's level": 2,  # the prior's calibration, on both projects
    "merge a copy": 1,
    "TUI: open a ": 2,  # from the list, and the large transcript
    "TUI: key round trip through Pilot": 1,
    "TUI: key handler + store write + redraw": 1,
    "`codebook --help`": 1,  # whole-process command times (bench_cli)
    "`show` one transcript": 1,
    "`stats`,": 1,
    "`stats --by": 1,
    "`stats --crosstab`": 1,
    "`query": 1,
    "`import`": 1,
    "PDF: import a ": 2,  # in a session (the target), and the whole process (bench_pdf)
}


def test_run_all_quick_prints_one_table_with_every_figure():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[:2] == ["| figure | target | measured | met? |", "|---|---|---|---|"]
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]
    assert all(len(row) == 4 for row in rows), lines
    for figure, target, measured, met in rows:
        assert figure and target, figure
        assert any(ch.isdigit() for ch in measured), (figure, measured)
        assert met == ("—" if target.startswith("—") else met) and met in {"yes", "**no**", "—"}
        assert (met == "—") == target.startswith("—"), (figure, target, met)
    for start, count in FIGURES.items():
        assert sum(row[0].startswith(start) for row in rows) == count, start
    assert len(rows) == sum(n for s, n in FIGURES.items() if s != "import ")
