"""The workbench: in this terminal (`code`) or in web browsers (`serve`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, open_project
from codebook.model import CodebookError, check_name


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

    if coder is not None:
        coder = check_name(coder, "--coder")
    elif os.environ.get("CODEBOOK_CODER", "").strip():
        coder = check_name(os.environ["CODEBOOK_CODER"], "CODEBOOK_CODER")
    else:
        coder = _login_name()
    with open_project() as project:
        if transcript is not None:
            project.transcript(transcript)  # a clear error before the screen takes over
        CodebookApp(project, coder or None, transcript).run()


def _login_name() -> str:
    """$USER as the coder, if it is a valid name; otherwise the app asks."""
    try:
        return check_name(os.environ.get("USER") or "", "USER")
    except CodebookError:
        return ""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM) for HTTPS", dir_okay=False)
    ] = None,
    keyfile: Annotated[
        Path | None, typer.Option(help="Private key (PEM) of the certificate", dir_okay=False)
    ] = None,
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http", help="Allow plain HTTP on an address other machines can reach"
        ),
    ] = False,
    no_auth: Annotated[
        bool,
        typer.Option("--no-auth", help="No sign-in: each tab asks who is coding (loopback only)"),
    ] = False,
    coder: Annotated[
        str | None, typer.Option(help="With --no-auth: code as this coder in every tab")
    ] = None,
    transcript: Annotated[
        str | None, typer.Option(help="Transcript to open (default: the transcript list)")
    ] = None,
) -> None:
    """Serve the coding workbench to web browsers: each tab signs in and codes as its account.

    Accounts are made with 'codebook users add'; a reviewer sees everything and cannot code.
    """
    from codebook.tui.serve import app_command
    from codebook.web import run

    options = run.ServeOptions(host, port, certfile, keyfile, insecure_http, no_auth, coder)
    run.check(options)
    with open_project() as project:  # a clear error now, not in every browser tab
        if transcript is not None:
            project.transcript(transcript)
        root = project.root
        server_db = None if project.store.sqlite_file else project.store.location

    def tab(user):
        """A tab's app process: as its account (read-only for a reviewer)."""
        if user is None:
            return app_command(root, options.coder, transcript), {}
        env = {} if user.can_code else {"CODEBOOK_READ_ONLY": "1"}
        return app_command(root, user.name, transcript), env

    if no_auth:
        who = (
            f"as coder {options.coder}"
            if options.coder
            else "(each browser tab asks who is coding)"
        )
    else:
        who = "(each browser tab signs in with a codebook account)"
    typer.echo(f"codebook: serving {root.resolve()} {who} on {options.url}")
    if server_db:
        typer.echo(f"codebook: store {server_db}")  # the password masked
    run.serve(root, options, tab, f"codebook: {root.resolve().name}")
