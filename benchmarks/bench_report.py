"""Report time over a large project (target: under 30 s per report for 1,000 transcripts).

python benchmarks/bench_report.py [--transcripts 1000] [--words 1000] [--codings 50000]

Each report is timed from an open project to the written file, as `codebook report` does it.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus  # noqa: E402
from table import Row, clock, note, sized_main  # noqa: E402

from codebook import Project  # noqa: E402


def measure(project: Project, out: Path) -> list[Row]:
    out.mkdir(parents=True, exist_ok=True)
    reports = {
        ".md": lambda: project.report(out / "r.md"),
        ".html": lambda: project.report(out / "r.html"),
        ".docx": lambda: project.report(out / "r.docx"),
        ".html pseudonymised": lambda: project.report(
            out / "p.html", pseudonymise=out / "names.csv"
        ),
    }
    times = {}
    for label, fn in reports.items():
        _, wall, cpu = clock(fn)
        times[label] = (wall, cpu)
        note(f"  report {label}: {wall:.1f} s (cpu {cpu:.1f} s)")
    _, xlsx, _ = clock(lambda: project.export_table(out / "t.xlsx"))
    _, parquet, _ = clock(lambda: project.export_table(out / "t.parquet"))
    n_t, n_c = len(project.transcripts()), len(project.codings())
    worst = max(wall for wall, _ in times.values())
    return [
        Row(
            f"report over {n_t:,} transcripts, {n_c:,} codings: {' / '.join(times)} (wall; cpu)",
            "< 30 s",
            " / ".join(f"{w:.1f}" for w, _ in times.values())
            + " s ("
            + " / ".join(f"{c:.1f}" for _, c in times.values())
            + " s)",
            worst < 30,
        ),
        Row("export coded segments .xlsx / .parquet", measured=f"{xlsx:.1f} / {parquet:.1f} s"),
    ]


def run(transcripts: int = 1000, words: int = 1000, codings: int = 50_000) -> list[Row]:
    return corpus.measured_on(measure, transcripts, words, codings)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
