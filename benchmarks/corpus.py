"""Generate a synthetic corpus from the sample transcripts' sentences, for benchmarks.

    python benchmarks/corpus.py OUT_DIR --transcripts 1000 --words 1000 [--codings 50000]

Each transcript is a `.txt` with front matter (attributes cycled over the codebook's values) and
alternating `I:` / `R:` turns of sample sentences. With `--codings`, a codings CSV is written
too (one code per chosen sentence, two coders), ready for `codebook codings import`.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "transcripts"
_TURN = re.compile(r"^(?:I|R|Interviewer|Respondent|[A-Z][a-z]+):\s*", re.M)


def sample_sentences() -> list[str]:
    """Sentences of the sample .txt and .md transcripts (front matter and labels removed)."""
    sentences: list[str] = []
    for path in sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.md")):
        text = path.read_text(encoding="utf-8").split("---", 2)[-1]
        for line in text.splitlines():
            line = _TURN.sub("", line).strip()
            if not line or line.startswith(("#", "[", "0")):
                continue
            sentences.extend(s.strip() for s in re.split(r"(?<=[.?!])\s+", line) if s.strip())
    return sentences


def generate(out: Path, transcripts: int, words: int, codings: int = 0, seed: int = 7) -> Path:
    from codebook import codebooks
    from codebook.project import reference_codebook

    book = codebooks.load(reference_codebook())
    leaves = [c.id for c in book.leaves() if c.codable]
    attrs = {name: a.values for name, a in book.attributes.items()}
    rng = random.Random(seed)
    pool = sample_sentences()
    out.mkdir(parents=True, exist_ok=True)
    spans: list[tuple[str, int, int]] = []
    for i in range(transcripts):
        front = {k: v[i % len(v)] for k, v in attrs.items()}
        lines, n, speaker = [], 0, "R"
        while n < words:
            turn = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
            speaker = "I" if speaker == "R" else "R"
            lines.append(f"{speaker}: {turn}")
            n += len(turn.split())
        body = "\n".join(lines)
        name = f"t{i:05d}"
        header = "---\ntitle: synthetic (fictief)\nfictional: true\nlanguage: nl\n"
        header += "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n"
        (out / f"{name}.txt").write_text(header + body + "\n", encoding="utf-8")
        pos = 0
        for line in lines:
            start = pos + 3
            spans.append((name, start, pos + len(line)))
            pos += len(line) + 1
    if codings:
        with (out / "codings.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["transcript", "start", "end", "code", "coder"])
            for k in range(codings):
                name, start, end = rng.choice(spans)
                w.writerow([name, start, end, rng.choice(leaves), ("coder_a", "coder_b")[k % 2]])
    return out


def project(root: Path, transcripts: int, words: int, codings: int):
    """A new project in `root/project` with a generated corpus and its codings imported: the
    setup of a benchmark, not timed."""
    from codebook import Project

    corpus = generate(root / "corpus", transcripts, words, codings)
    out = Project.init(root / "project")
    out.import_files(sorted(corpus.glob("*.txt")))
    if codings:
        out.import_codings(corpus / "codings.csv")
    return out


def measured_on(measure, transcripts: int, words: int, codings: int):
    """`measure(project, scratch)` on a generated project, all in a temporary folder; `scratch`
    is a folder beside the project for what the benchmark writes."""
    with tempfile.TemporaryDirectory() as tmp:
        with project(Path(tmp), transcripts, words, codings) as p:
            return measure(p, Path(tmp) / "out")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--transcripts", type=int, default=1000)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--codings", type=int, default=0)
    args = ap.parse_args()
    generate(args.out, args.transcripts, args.words, args.codings)
    print(f"wrote {args.transcripts} transcripts of ~{args.words} words to {args.out}")


if __name__ == "__main__":
    main()
