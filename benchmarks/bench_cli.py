"""Whole-process command times, as a researcher's script sees them: `codebook --help`, `show`,
`stats`, `query` on a 200-transcript project (~400k words), and importing those 400k words.

python benchmarks/bench_cli.py [--transcripts 200] [--words 2000] [--codings 10000] [--repeat 7]

Each command runs as a fresh process (startup and imports included) `repeat` times; the median
wall time is judged against the target, and the median CPU time of the process (user + system,
its pool workers included) is shown beside it: on a busy shared machine the wall clock also
measures the neighbours. hyperfine is used for the timing when it is installed.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402
from table import Row, note, sized_main  # noqa: E402

TARGETS = {"help": 0.3, "show": 0.5, "stats": 0.5, "query": 0.5, "import": 2.5}


def codebook_exe() -> str:
    exe = Path(sys.executable).parent / "codebook"
    return str(exe) if exe.exists() else (shutil.which("codebook") or "codebook")


def timed(args: list[str], repeat: int, prepare=None) -> tuple[float, float]:
    """Median (wall, cpu) seconds of `codebook ARGS` over `repeat` fresh processes; `prepare()`
    runs before each (untimed), e.g. to empty the project an import goes into."""
    if shutil.which("hyperfine") and prepare is None:
        return _hyperfine(args, repeat)
    walls, cpus = [], []
    for _ in range(repeat):
        if prepare:
            prepare()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([codebook_exe(), *args], check=True, capture_output=True, env=_env())
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(
            after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        )  # the command and its pool workers
    return statistics.median(walls), statistics.median(cpus)


def _hyperfine(args: list[str], repeat: int) -> tuple[float, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = " ".join(map(_quote, [codebook_exe(), *args]))
        subprocess.run(
            ["hyperfine", "--warmup", "1", "--runs", str(repeat), "-N", "--export-json",
             out.name, command],
            check=True, capture_output=True, env=_env(),
        )  # fmt: skip
        result = json.loads(Path(out.name).read_text())["results"][0]
    return result["median"], statistics.median(
        u + s for u, s in zip(result["user"], result["system"], strict=True)
    )


def _quote(arg: str) -> str:
    return arg if arg.replace("-", "").replace("_", "").replace(".", "").isalnum() else repr(arg)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("CODEBOOK_PROJECT", "CODEBOOK_DB")}
    return {**env, "COLUMNS": "120"}


def row(label: str, key: str, wall: float, cpu: float) -> Row:
    target = TARGETS[key]
    return Row(label, f"<= {target} s", f"{wall:.2f} s (cpu {cpu:.2f} s)", wall <= target)


def measure(root: Path, corpus: Path, repeat: int = 7) -> list[Row]:
    """Times against `root/project` (built from `corpus`, codings imported)."""
    project = str(root / "project")
    from codebook import Project

    with Project.open(project) as p:
        frames = p.frames()
        transcripts = p.transcripts()
        name = transcripts[0].name
        codes = frames["coded"]["code"].value_counts().index[:2].tolist()
        by = next(iter(p.codebook.attributes), "transcript")
        words = sum(len(t.text.split()) for t in transcripts)
        n = len(transcripts)
        codings = len(p.codings())
    size = f"{n:,} transcripts, {words / 1000:.0f}k words, {codings:,} codings"
    expr = f"{codes[0]} AND NOT {codes[1]}"
    rows = []
    for label, key, args in [
        ("`codebook --help`", "help", ["--help"]),
        (f"`show` one transcript ({size})", "show", ["-p", project, "show", name]),
        ("`stats`, same project", "stats", ["-p", project, "stats"]),
        (f"`stats --by {by}`", "stats", ["-p", project, "stats", "--by", by]),
        ("`stats --crosstab`", "stats", ["-p", project, "stats", "--crosstab", "--by", by]),
        (f"`query '{expr}'`", "query", ["-p", project, "query", expr]),
    ]:
        note(f"  {label} ...")
        rows.append(row(label, key, *timed(args, repeat)))
    files = sorted(str(p) for p in corpus.glob("*.txt"))
    target = root / "import-target"

    def fresh() -> None:
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run([codebook_exe(), "init", str(target)], check=True, capture_output=True)

    note("  import ...")
    wall, cpu = timed(["-p", str(target), "import", *files], max(1, repeat // 2), fresh)
    label = f"`import` {len(files):,} files into a new project ({words / 1000:.0f}k words)"
    rows.append(row(label, "import", wall, cpu))
    return rows


def run(transcripts: int = 200, words: int = 2000, codings: int = 10_000, repeat: int = 7):
    from codebook import Project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = generate(root / "corpus", transcripts, words, codings)
        with Project.init(root / "project") as p:
            p.import_files(sorted(corpus.glob("*.txt")))
            p.import_codings(corpus / "codings.csv")
        return measure(root, corpus, repeat)


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
