"""The workbench: in this terminal (`code`) or in web browsers (`serve`)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from codebook.cli.common import app, open_project


@app.command()
def code(
    transcript: Annotated[
        str | None, typer.Argument(help="Transcript to open (default: the transcript list)")
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option(help="Your coder name (default: CODEBOOK_CODER, USER, or the app asks)"),
    ] = None,
) -> None:
    """Open the coding workbench (the terminal UI)."""
    from codebook.tui.app import CodebookApp

    coder = (coder or os.environ.get("CODEBOOK_CODER") or os.environ.get("USER") or "").strip()
    with open_project() as project:
        if transcript is not None:
            project.transcript(transcript)  # a clear error before the screen takes over
        CodebookApp(project, coder or None, transcript).run()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    coder: Annotated[
        str | None, typer.Option(help="Code as this coder in every tab (default: each tab asks)")
    ] = None,
    transcript: Annotated[
        str | None, typer.Option(help="Transcript to open (default: the transcript list)")
    ] = None,
) -> None:
    """Serve the coding workbench to web browsers (one session, and coder, per browser tab)."""
    from codebook.tui.serve import serve as serve_app

    coder = (coder or "").strip() or None
    with open_project() as project:  # a clear error now, not in every browser tab
        if transcript is not None:
            project.transcript(transcript)
        root = project.root
    who = f"as coder {coder}" if coder else "(each browser tab asks who is coding)"
    typer.echo(f"codebook: serving {root.resolve()} {who} on http://{host}:{port}")
    serve_app(root, coder, host, port, transcript)
