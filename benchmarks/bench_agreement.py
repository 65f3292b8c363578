"""Intercoder agreement and merge on a large corpus: seconds per run.

python benchmarks/bench_agreement.py [--transcripts 200] [--words 1000] [--codings 20000]

Agreement is computed for two coders over every transcript (segment and character level);
merge brings in a copy of the project in which a third coder added as many codings again.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from codebook import Project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=200)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = generate(tmp / "corpus", args.transcripts, args.words, args.codings)
        ours, theirs = tmp / "ours", tmp / "theirs"
        with Project.init(ours) as project:
            project.import_files(sorted(corpus.glob("*.txt")))
            project.import_codings(corpus / "codings.csv")
            words = sum(len(t.text.split()) for t in project.transcripts())
            for unit in ("segment", "character"):
                t0 = time.perf_counter()
                result = project.agreement(unit=unit)
                elapsed = time.perf_counter() - t0
                print(
                    f"agreement ({unit}): {len(result.transcripts)} transcripts, {words} words, "
                    f"{len(result.per_code)} codes, {result.overall['units']:,} decisions "
                    f"in {elapsed:.2f} s (alpha pooled {result.overall['alpha']:.3f})"
                )
        shutil.copytree(ours, theirs)
        third = tmp / "coder_c.csv"
        with (corpus / "codings.csv").open(encoding="utf-8") as src, third.open("w") as dst:
            rows = list(csv.DictReader(src))
            w = csv.DictWriter(dst, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows({**r, "coder": "coder_c"} for r in rows)
        with Project.open(theirs) as project:
            project.import_codings(third)
        with Project.open(ours) as project:
            t0 = time.perf_counter()
            report = project.merge(theirs)
            elapsed = time.perf_counter() - t0
        print(
            f"merge: {len(report.matched)} transcripts matched, {report.codings:,} codings added "
            f"(of {2 * args.codings:,} examined) in {elapsed:.2f} s"
        )


if __name__ == "__main__":
    main()
