"""Import throughput into SQLite on one core: words per second (target: >= 100,000).

python benchmarks/bench_import.py [--transcripts 200] [--words 1000]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402
from table import Row, clock, sized_main  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.nlp import pipeline  # noqa: E402


def measure(project: Project, corpus: Path) -> list[Row]:
    """Import the corpus's transcripts (and its codings.csv, if any) into `project`."""
    files = sorted(corpus.glob("*.txt"))
    pipeline("nl")  # load once, as a long-running session would
    report, wall, cpu = clock(lambda: project.import_files(files))
    rate = report.words / wall
    rows = [
        Row(
            f"import into SQLite ({len(files):,} transcripts, {report.words / 1e6:.2f}M words, "
            f"{report.segments:,} segments)",
            ">= 100,000 words/s",
            f"{rate:,.0f} words/s ({wall:.1f} s; cpu {cpu:.1f} s)",
            rate >= 100_000,
        )
    ]
    if (corpus / "codings.csv").exists():
        n, wall, cpu = clock(lambda: project.import_codings(corpus / "codings.csv"))
        rows.append(Row(f"import {n:,} codings (CSV)", measured=f"{wall:.1f} s (cpu {cpu:.1f} s)"))
    return rows


def run(transcripts: int = 200, words: int = 1000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(Path(tmp) / "corpus", transcripts, words)
        with Project.init(Path(tmp) / "project") as project:
            return measure(project, corpus)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
