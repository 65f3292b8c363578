"""Import throughput into SQLite on one core: words per second (target: >= 100,000).

python benchmarks/bench_import.py [--transcripts 200] [--words 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.nlp import pipeline  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=200)
    ap.add_argument("--words", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(Path(tmp) / "corpus", args.transcripts, args.words)
        files = sorted(corpus.glob("*.txt"))
        project = Project.init(Path(tmp) / "project")
        pipeline("nl")  # load once, as a long-running session would
        t0 = time.perf_counter()
        report = project.import_files(files)
        elapsed = time.perf_counter() - t0
        project.close()
    rate = report.words / elapsed
    print(
        f"import: {len(files)} transcripts, {report.words} words, {report.segments} segments "
        f"in {elapsed:.2f} s = {rate:,.0f} words/s (target >= 100,000)"
    )


if __name__ == "__main__":
    main()
