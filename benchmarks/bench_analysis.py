"""Analysis speed at scale: frames + frequency table by group (target: < 2 s).

python benchmarks/bench_analysis.py [--transcripts 1000] [--words 1000] [--codings 50000]
                                    [--keep DIR]

The corpus is generated and imported once (that takes a while); with `--keep DIR` the imported
project is kept in DIR and reused by the next run.
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
from codebook.analysis import cooccurrence, frequencies  # noqa: E402


def build(root: Path, transcripts: int, words: int, codings: int) -> Path:
    """Generate and import the corpus into `root/project` unless it is already there."""
    project_dir = root / "project"
    if (project_dir / ".codebook" / "project.sqlite").exists():
        return project_dir
    t0 = time.perf_counter()
    corpus = generate(root / "corpus", transcripts, words, codings)
    with Project.init(project_dir) as project:
        project.import_files(sorted(corpus.glob("*.txt")))
        project.import_codings(corpus / "codings.csv")
    print(f"built the corpus in {time.perf_counter() - t0:.0f} s (not part of the timing)")
    return project_dir


def timed(label: str, fn):
    """Wall time, and CPU time of this process (what the wall time is on an idle machine)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"  {label:<44} {wall:6.2f} s  (cpu {cpu:5.2f} s)")
    return out, wall, cpu


def measure(project_dir: Path, repeat: int = 3) -> None:
    with Project.open(project_dir) as project:
        assert project.codebook.codes  # parse the YAML once, as an open session would
        runs = []
        for i in range(repeat):
            print(f"run {i + 1}:")
            frames, t_frames, c_frames = timed("frames (segments, codings, coded)", project.frames)
            table, t_freq, c_freq = timed(
                "frequency table by stakeholder_group",
                lambda f=frames: frequencies.frequencies(
                    f["coded"], f["segments"], "stakeholder_group", project.codebook
                ),
            )
            runs.append((t_frames + t_freq, c_frames + c_freq))
        timed(
            "frequency table by domain at level 0",
            lambda: frequencies.frequencies(
                frames["coded"], frames["segments"], "domain", project.codebook, level=0
            ),
        )
        timed(
            "chi-square on codes x groups",
            lambda: frequencies.chi_square(frequencies.crosstab(table)),
        )
        timed("co-occurrence within a segment", lambda: cooccurrence.cooccurrence(frames["coded"]))
        timed(
            "co-occurrence within 2 segments",
            lambda: cooccurrence.cooccurrence(frames["coded"], window=2),
        )
    segments, coded = frames["segments"], frames["coded"]
    words = int(segments["text"].str.split().str.len().sum())
    print(
        f"corpus: {segments['transcript'].nunique()} transcripts, {words:,} words, "
        f"{len(segments):,} segments, {frames['codings'].shape[0]:,} codings, "
        f"{len(coded):,} coded rows"
    )
    first, best = runs[0], min(runs)
    print(
        f"frames + frequency table by group: first {first[0]:.2f} s (cpu {first[1]:.2f} s), "
        f"best of {repeat} {best[0]:.2f} s (cpu {best[1]:.2f} s); target < 2 s "
        f"[{len(table):,} rows]"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--transcripts", type=int, default=1000)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=50_000)
    ap.add_argument("--keep", type=Path, help="folder to keep (and reuse) the imported corpus in")
    args = ap.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        measure(build(args.keep, args.transcripts, args.words, args.codings))
        return
    with tempfile.TemporaryDirectory() as tmp:
        measure(build(Path(tmp), args.transcripts, args.words, args.codings))


if __name__ == "__main__":
    main()
