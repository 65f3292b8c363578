"""Suggestion speed on one core: per-segment `suggest` latency (target < 20 ms) and retraining on
5,000 coded segments (target < 5 s).

python benchmarks/bench_suggest.py [--transcripts 300] [--words 1000] [--codings 7500]

Times are CPU seconds of this process (pinned to one core) next to wall-clock seconds: on a
shared machine the wall clock mostly measures the neighbours.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy is imported

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from codebook import Project  # noqa: E402


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def latency(project: Project, spans: list, coder: str) -> tuple[float, float]:
    """Median and 95th percentile of one `suggest` call, in milliseconds."""
    times = []
    for t, start, end in spans:
        t0 = time.process_time()
        project.suggest(t, start, end, top=5, coder=coder)
        times.append((time.process_time() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=300)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=7500)
    ap.add_argument("--segments", type=int, default=300, help="segments to time suggest on")
    args = ap.parse_args()
    pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(Path(tmp) / "corpus", args.transcripts, args.words, args.codings)
        project = Project.init(Path(tmp) / "project")
        project.import_files(sorted(corpus.glob("*.txt")))
        project.import_codings(corpus / "codings.csv")
        transcripts = {t.id: t for t in project.transcripts()}
        segments = project.store.segments()
        rng = random.Random(7)
        spans = [
            (transcripts[g.transcript_id], g.start, g.end)
            for g in rng.sample(segments, min(args.segments, len(segments)))
        ]
        cold = latency(project, spans[:5], "coder_a")  # warm-up: pipeline and codebook prior
        cold = latency(project, spans, "coder_a")
        coded = len({(c.transcript_id, c.start, c.end) for c in project.store.codings()})
        t0, w0 = time.process_time(), time.perf_counter()
        project.retrain()
        fit, fit_wall = time.process_time() - t0, time.perf_counter() - w0
        t0 = time.process_time()
        project.retrain()
        unchanged = time.process_time() - t0
        warm = latency(project, spans, "coder_a")
        t, start, end = spans[0]
        project.add_coding(t, start, end, "bridge", "coder_a")
        t0 = time.process_time()
        project.retrain()
        again = time.process_time() - t0
        reopened = Project.open(project.root)
        t0 = time.process_time()
        assert reopened.suggester.model is not None
        load = time.process_time() - t0
        reopened.close()
        project.close()
    print(f"corpus: {len(transcripts)} transcripts, {len(segments)} segments, {coded} coded spans")
    print(
        f"retrain on {coded} coded spans: {fit:.2f} s CPU on one core, {fit_wall:.2f} s wall "
        "(target < 5 s)"
    )
    print(f"retrain after one more coding (lemmas remembered): {again:.2f} s CPU")
    print(f"retrain, codings unchanged: {unchanged * 1000:.0f} ms; load from cache {load:.2f} s")
    print(f"suggest, cold start (codebook prior): median {cold[0]:.1f} ms, p95 {cold[1]:.1f} ms")
    print(
        f"suggest, trained model: median {warm[0]:.1f} ms, p95 {warm[1]:.1f} ms per segment "
        "(target < 20 ms)"
    )


if __name__ == "__main__":
    main()
