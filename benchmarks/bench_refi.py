"""REFI-QDA export and import of a large project: seconds and file size (no target).

python benchmarks/bench_refi.py [--transcripts 200] [--words 1000] [--codings 20000]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus  # noqa: E402
from table import Row, clock, sized_main  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.nlp import pipeline  # noqa: E402


def measure(project: Project, tmp: Path) -> list[Row]:
    """Export `project` to a .qdpx in `tmp` and import that into a new project (segmenting)."""
    tmp.mkdir(parents=True, exist_ok=True)
    pipeline("nl")
    n, n_t = len(project.codings()), len(project.transcripts())
    _, export_s, _ = clock(lambda: project.export_qdpx(tmp / "a.qdpx"))
    size = (tmp / "a.qdpx").stat().st_size
    with Project.init(tmp / "from-qdpx") as b:
        report, import_s, _ = clock(lambda: b.import_qdpx(tmp / "a.qdpx"))
    return [
        Row(
            f"REFI-QDA .qdpx export / import ({n_t:,} transcripts, {n:,} codings, "
            f"{size / 1e6:.1f} MB; import segments)",
            measured=f"{export_s:.1f} / {import_s:.1f} s ({report.codings:,} codings back)",
        )
    ]


def run(transcripts: int = 200, words: int = 1000, codings: int = 20_000) -> list[Row]:
    return corpus.measured_on(measure, transcripts, words, codings)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
