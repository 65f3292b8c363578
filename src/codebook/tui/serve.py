"""The workbench in a browser, for team members who do not use a terminal.

textual-serve runs one process per browser tab (`python -m codebook.tui.serve`) and relays its
screen over a websocket; each tab opens the project afresh and every coding is committed by that
process, exactly as in a terminal. Without `--coder`, each tab asks who is coding, so one server
serves the whole team.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from codebook.model import CodebookError


def app_command(project_dir: Path, coder: str | None, transcript: str | None = None) -> str:
    """The shell command each browser tab runs: this Python, so the same install and project."""
    args = [sys.executable, "-m", "codebook.tui.serve", str(project_dir.resolve())]
    if coder:
        args += ["--coder", coder]
    if transcript:
        args += ["--transcript", transcript]
    return shlex.join(args)


def serve(
    project_dir: Path,
    coder: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    transcript: str | None = None,
) -> None:
    """Serve the workbench on http://HOST:PORT until interrupted (Ctrl+C or SIGTERM)."""
    from textual_serve.server import Server

    server = Server(
        app_command(project_dir, coder, transcript),
        host=host,
        port=port,
        title=f"codebook: {project_dir.resolve().name}",
    )
    try:
        server.serve()
    except OSError as e:  # the port is taken, or the host is not an address of this machine
        raise CodebookError(f"cannot serve on {host}:{port}: {e.strerror or e}") from None


def _tab(argv: list[str]) -> int:
    """One browser tab: the app on the project, as `coder` or asking who codes."""
    from codebook.project import Project
    from codebook.tui.app import CodebookApp

    ap = argparse.ArgumentParser(prog="codebook-serve-tab")
    ap.add_argument("project", type=Path)
    ap.add_argument("--coder")
    ap.add_argument("--transcript")
    args = ap.parse_args(argv)
    try:
        with Project.open(args.project) as project:
            CodebookApp(project, args.coder, args.transcript).run()
    except CodebookError as e:
        print(f"codebook: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_tab(sys.argv[1:]))
