"""Analysis speed at scale: frames + frequency table by group (target: < 2 s).

python benchmarks/bench_analysis.py [--transcripts 1000] [--words 1000] [--codings 50000]

The first call counts (a notebook's first cell); the best of three shows the warm figure.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import corpus  # noqa: E402
from table import Row, clock, note, sized_main  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.analysis import cooccurrence, frequencies  # noqa: E402


def measure(project: Project, repeat: int = 3) -> list[Row]:
    assert project.codebook.codes  # parse the YAML once, as an open session would
    runs = []
    for _ in range(repeat):
        frames, t_frames, c_frames = clock(project.frames)
        table, t_freq, c_freq = clock(
            lambda f=frames: frequencies.frequencies(
                f["coded"], f["segments"], "stakeholder_group", project.codebook
            )
        )
        runs.append((t_frames + t_freq, c_frames + c_freq))
        note(f"  frames {t_frames:.2f} s + frequencies {t_freq:.2f} s")
    coded = frames["coded"]
    _, chi, _ = clock(lambda: frequencies.chi_square(frequencies.crosstab(table)))
    shuffled, perm, _ = clock(lambda: frequencies.permutation_test(coded, "stakeholder_group"))
    _, co1, _ = clock(lambda: cooccurrence.cooccurrence(coded))
    _, co2, _ = clock(lambda: cooccurrence.cooccurrence(coded, window=2))
    segments = frames["segments"]
    words = int(segments["text"].str.split().str.len().sum())
    (first, first_cpu), best = runs[0], min(runs)
    return [
        Row(
            f"frames + frequency table by group ({segments['transcript'].nunique():,} "
            f"transcripts, {words / 1e6:.2f}M words, {len(frames['codings']):,} codings)",
            "< 2 s",
            f"{first:.2f} s first call (cpu {first_cpu:.2f} s); {best[0]:.2f} s warm",
            first < 2,
        ),
        Row(
            "chi-square codes x groups / co-occurrence in a segment / within 2 segments",
            measured=f"{chi:.2f} / {co1:.2f} / {co2:.2f} s",
        ),
        Row(
            f"permutation test codes x groups, interviews as the unit ({shuffled.units:,} "
            f"interviews or parts, {shuffled.resamples:,} shuffles)",
            measured=f"{perm:.2f} s",
        ),
    ]


def run(transcripts: int = 1000, words: int = 1000, codings: int = 50_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        with corpus.project(Path(tmp), transcripts, words, codings) as project:
            return measure(project)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
