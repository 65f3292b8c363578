"""Report time over a large project (target: under 30 s per report for 1,000 transcripts).

python benchmarks/bench_report.py [--transcripts 1000] [--words 1000] [--codings 50000]

Setup (corpus, import, codings) is not timed; each report is timed from an open project to the
written file, as `codebook report` does it.
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


def timed(label: str, fn) -> float:
    """Wall time (the figure the target is about) and CPU time (steady on a busy machine)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"  {label:<34} {elapsed:6.2f} s wall {cpu:6.2f} s cpu", flush=True)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=1000)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=50_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = generate(tmp / "corpus", args.transcripts, args.words, args.codings)
        project = Project.init(tmp / "project")
        t0 = time.perf_counter()
        report = project.import_files(sorted(corpus.glob("*.txt")))
        n = project.import_codings(corpus / "codings.csv")
        print(
            f"setup: {args.transcripts} transcripts, {report.words} words, {report.segments} "
            f"segments, {n} codings ({time.perf_counter() - t0:.0f} s, not timed)",
            flush=True,
        )
        out = tmp / "out"
        out.mkdir()
        worst = 0.0
        for fmt in ("md", "html", "docx"):
            worst = max(
                worst, timed(f"report .{fmt}", lambda f=fmt: project.report(out / f"r.{f}"))
            )
        worst = max(
            worst,
            timed(
                "report .html, pseudonymised",
                lambda: project.report(out / "p.html", pseudonymise=out / "names.csv"),
            ),
        )
        timed("export .xlsx (coded segments)", lambda: project.export_table(out / "t.xlsx"))
        timed("export .parquet", lambda: project.export_table(out / "t.parquet"))
        project.close()
    verdict = "ok" if worst < 30 else "TOO SLOW"
    print(f"slowest report: {worst:.2f} s (target < 30 s): {verdict}")


if __name__ == "__main__":
    main()
