"""Intercoder agreement and merge on a large corpus: seconds per run (no target).

python benchmarks/bench_agreement.py [--transcripts 200] [--words 1000] [--codings 20000]

Agreement is computed for two coders over every transcript (segment and character level);
merge brings in a copy of the project in which a third coder added as many codings again.
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus  # noqa: E402
from table import Row, clock, sized_main  # noqa: E402

from codebook import Project  # noqa: E402


def agreement(project: Project) -> list[Row]:
    seconds, n = [], None
    for unit in ("segment", "character"):
        result, wall, _ = clock(lambda u=unit: project.agreement(unit=u))
        seconds.append(wall)
        n = n or (len(result.transcripts), len(result.per_code))
        decisions = result.overall["units"]
    return [
        Row(
            f"agreement, 2 coders, {n[1]} codes, {n[0]:,} transcripts: per segment / per "
            f"character ({decisions / 1e6:.1f}M decisions)",
            measured=f"{seconds[0]:.1f} / {seconds[1]:.1f} s",
        )
    ]


def merge(root: Path, codings_csv: Path, tmp: Path) -> list[Row]:
    """Merge into the (closed, so copied whole) project at `root` a copy of it in which coder_c
    added the codings again; changes the project."""
    theirs = tmp / "theirs"
    shutil.copytree(root, theirs)
    third = tmp / "coder_c.csv"
    with codings_csv.open(encoding="utf-8") as src, third.open("w", encoding="utf-8") as dst:
        rows = list(csv.DictReader(src))
        w = csv.DictWriter(dst, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows({**r, "coder": "coder_c"} for r in rows)
    with Project.open(theirs) as other:
        other.import_codings(third)
    with Project.open(root) as project:
        report, wall, _ = clock(lambda: project.merge(theirs))
        examined = len(project.codings())
    return [
        Row(
            f"merge a copy with {report.codings:,} new codings ({examined:,} codings after)",
            measured=f"{wall:.1f} s",
        )
    ]


def run(transcripts: int = 200, words: int = 1000, codings: int = 20_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with corpus.project(tmp, transcripts, words, codings) as project:
            rows = agreement(project)
        return rows + merge(tmp / "project", tmp / "corpus" / "codings.csv", tmp)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
