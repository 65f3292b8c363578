"""The workbench in a browser, for team members who do not use a terminal.

textual-serve runs one `codebook code` process per browser tab and relays its screen over a
websocket; each tab therefore opens the project afresh and every coding is committed by that
process, exactly as in a terminal.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from codebook.model import CodebookError


def app_command(project_dir: Path, coder: str, transcript: str | None = None) -> str:
    """The shell command each browser tab runs: this Python, so the same install and project."""
    args = [sys.executable, "-c", "from codebook.cli import main; main()"]
    args += ["--project", str(project_dir.resolve()), "code", "--coder", coder]
    if transcript:
        args.append(transcript)
    return shlex.join(args)


def serve(
    project_dir: Path,
    coder: str,
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
