"""Two coders coding the same project at once, from two processes, lose nothing.

Each process commits every coding on its own (as the TUI does after a keypress), so the two
interleave on the database the whole time. `test_postgres.py` runs the same on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import MINI, write

from codebook import Project

N = 1000

WORKER = """
import sys
from codebook import Project

root, coder, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
codes = ["barrier.language", "barrier.digital", "help"]
with Project.open(root) as project:
    t = project.transcript("long")
    for i in range(n):
        # distinct (span, code) per i and per process k: all codings are different rows
        project.add_coding(t, i, i + 1 + i % 7, codes[(i + k) % 3], coder)
print("done", coder)
"""


def long_transcript(tmp_path: Path) -> Path:
    lines = [f"R: Zin nummer {i} gaat over brieven en de app van school." for i in range(200)]
    return write(tmp_path / "long.txt", "\n".join(lines) + "\n")


def code_at_once(
    root: Path, env: dict[str, str], n: int = N, coders=("coder_a", "coder_b")
) -> list[str]:
    """Start two coder processes together, wait for both; return their outputs."""
    full = {k: v for k, v in os.environ.items() if k not in ("CODEBOOK_DB", "CODEBOOK_PROJECT")}
    full.update(env)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(root), coder, str(n), str(k)],
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k, coder in enumerate(coders)
    ]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        outputs.append(out)
    return outputs


def test_two_processes_coding_one_sqlite_file_keep_all_codings(tmp_path):
    root = tmp_path / "proj"
    with Project.init(root, MINI) as project:
        project.import_files([long_transcript(tmp_path)])
    outputs = code_at_once(root, {})
    assert outputs == ["done coder_a\n", "done coder_b\n"]
    with Project.open(root) as project:
        codings = project.codings()
        assert len(codings) == 2 * N
        assert {c.coder for c in codings} == {"coder_a", "coder_b"}
        assert len(project.codings(coder="coder_a")) == N
        assert len({(c.start, c.end, c.code, c.coder) for c in codings}) == 2 * N
        assert_interleaved(codings)


def test_one_new_coder_in_two_sessions_at_once_loses_nothing(tmp_path):
    """Both sessions create the coder 'ann' with their first coding; neither may fail."""
    root = tmp_path / "proj"
    with Project.init(root, MINI) as project:
        project.import_files([long_transcript(tmp_path)])
    code_at_once(root, {}, n=100, coders=("ann", "ann"))
    with Project.open(root) as project:
        assert len(project.codings(coder="ann")) == 200
        assert project.store.coders() == ["ann"]


def assert_interleaved(codings) -> None:
    """The premise of the test: the two coders were writing during the same time."""
    spans = {
        coder: (
            min(c.created_at for c in codings if c.coder == coder),
            max(c.created_at for c in codings if c.coder == coder),
        )
        for coder in ("coder_a", "coder_b")
    }
    (a0, a1), (b0, b1) = spans["coder_a"], spans["coder_b"]
    assert a0 < b1 and b0 < a1, spans
