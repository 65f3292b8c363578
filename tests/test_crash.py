"""Crash safety: SIGKILL the TUI in the middle of a session driven through a real terminal
(tmux send-keys); every action the screen showed as done is in the store, and the database
passes PRAGMA integrity_check."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest
from conftest import MINI, codebook_exe, run, write

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

SESSION = f"codebook-crash-{os.getpid()}"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(pattern: str, timeout: float = 30.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, screen())
        if m:
            return m
        time.sleep(0.1)
    raise AssertionError(f"screen never showed {pattern!r}:\n{screen()}")


def coded(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from codings where coder = 'crash'").fetchone()[0]


def test_sigkill_mid_session_loses_nothing_shown_as_done(tmp_path):
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    lines = [f"R: Dit is zin nummer {i}. Ik lees de brief van de gemeente." for i in range(30)]
    run("-p", str(root), "import", str(write(tmp_path / "lang.txt", "\n".join(lines) + "\n")))
    db = root / ".codebook" / "project.sqlite"
    command = f"exec {codebook_exe()} -p {root} code lang --coder crash"
    env = {"TERM": "xterm-256color", "CODEBOOK_PROJECT": ""}
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", command],
        check=True,
        env={**os.environ, **env},
    )
    try:
        pid = int(tmux("list-panes", "-t", SESSION, "-F", "#{pane_pid}").split()[0])
        total = int(wait_for(r"0/(\d+) coded")[1])
        shown, seg = 0, int(wait_for(r"segment (\d+)/")[1])
        for key in ["T", "j", "D", "j", "H", "j", "T", "j", "j", "D", "j", "H"]:
            tmux("send-keys", "-t", SESSION, key)
            if key == "j":
                seg += 1
                wait_for(rf"segment {seg}/{total}")
            else:
                shown += 1
                wait_for(rf"\b{shown}/{total} coded")
        # one more action typed, and the process killed while it may be in flight
        tmux("send-keys", "-t", SESSION, "j", "T")
        assert "codebook" in open(f"/proc/{pid}/cmdline").read()  # the TUI itself, no shell
        os.kill(pid, signal.SIGKILL)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    stored = coded(db)
    assert shown <= stored <= shown + 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
