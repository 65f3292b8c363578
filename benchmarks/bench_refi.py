"""REFI-QDA export and import of a large project: seconds, file size, codings per second.

python benchmarks/bench_refi.py [--transcripts 200] [--words 1000] [--codings 20000]
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
    ap.add_argument("--codings", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = generate(tmp / "corpus", args.transcripts, args.words, args.codings)
        pipeline("nl")
        with Project.init(tmp / "a") as a:
            a.import_files(sorted(corpus.glob("*.txt")))
            a.import_codings(corpus / "codings.csv")
            n = len(a.codings())
            t0 = time.perf_counter()
            a.export_qdpx(tmp / "a.qdpx")
            export_s = time.perf_counter() - t0
        size = (tmp / "a.qdpx").stat().st_size
        with Project.init(tmp / "b") as b:
            t0 = time.perf_counter()
            report = b.import_qdpx(tmp / "a.qdpx")
            import_s = time.perf_counter() - t0
    print(
        f"export .qdpx: {args.transcripts} transcripts, {n} codings in {export_s:.2f} s "
        f"({n / export_s:,.0f} codings/s), {size / 1e6:.1f} MB"
    )
    print(
        f"import .qdpx: {len(report.added)} transcripts (segmented), {report.codings} codings "
        f"in {import_s:.2f} s ({report.codings / import_s:,.0f} codings/s)"
    )


if __name__ == "__main__":
    main()
