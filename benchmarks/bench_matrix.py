"""Framework matrix over a large project (target: 1,000 transcripts x 25 codes in under 5 s).

python benchmarks/bench_matrix.py [--transcripts 1000] [--words 1000] [--codings 50000]

The target is the matrix itself, timed from an open project: the frames read, every cell's
summary or draft (with its digest) made, as the TUI and notebooks get it. Writing it out is
timed apart for each format, and `codebook matrix -o FILE.xlsx` as a whole process; the .xlsx
holds a second sheet with every coded segment behind the cells (~50,000 rows here), which
openpyxl writes at about 25,000 cells a second.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus  # noqa: E402
from table import Row, clock, note, sized_main  # noqa: E402

from codebook import Project  # noqa: E402

CODES = 25


def measure(project: Project, out: Path) -> list[Row]:
    out.mkdir(parents=True, exist_ok=True)
    codes = [c.id for c in project.codebook.walk()][:CODES]  # groups gather their subcodes
    first = project.transcripts()[0].name
    for code in codes[:5]:  # a few written summaries among the drafts
        project.set_summary(first, code, f"Samenvatting van {code}.", "bench")
    found, build, build_cpu = clock(lambda: project.framework_matrix(codes=codes))
    times = {}
    for suffix in (".xlsx", ".csv", ".md", ".docx"):
        _, times[suffix], _ = clock(
            lambda s=suffix: project.export_matrix(out / f"m{s}", codes=codes)
        )
    by = next(iter(project.codebook.attributes), "transcript")
    _, groups, _ = clock(lambda: project.framework_matrix(rows=by, codes=codes))
    exe = Path(sys.executable).parent / "codebook"
    t0 = time.perf_counter()
    subprocess.run(
        [str(exe), "-p", str(project.root), "matrix", "-o", str(out / "cli.csv"),
         "--codes", ",".join(codes)],
        check=True, capture_output=True,
    )  # fmt: skip
    command = time.perf_counter() - t0
    rows, n_codes = len(found.rows), len(found.codes)
    note(f"  matrix {rows} x {n_codes}: {build:.1f} s; files {times}; command {command:.1f} s")
    return [
        Row(
            f"framework matrix {rows:,} transcripts x {n_codes} codes, summaries and drafts "
            "(wall; cpu)",
            "< 5 s",
            f"{build:.1f} s ({build_cpu:.1f} s); rows by {by}: {groups:.1f} s",
            build < 5,
        ),
        Row(
            "framework matrix written (build included) .xlsx / .csv / .md / .docx; "
            "`codebook matrix -o .csv`",
            measured=" / ".join(f"{t:.1f}" for t in times.values()) + f" s; {command:.1f} s",
        ),
    ]


def run(transcripts: int = 1000, words: int = 1000, codings: int = 50_000) -> list[Row]:
    return corpus.measured_on(measure, transcripts, words, codings)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
