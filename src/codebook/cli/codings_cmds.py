"""`codebook codings ...`: codings in and out as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import codings_app, open_project


@codings_app.command("import")
def codings_import(
    file: Annotated[Path, typer.Argument(help="CSV: transcript,start,end,code,coder[,memo]")],
) -> None:
    """Import codings from CSV; any bad row and nothing is written."""
    with open_project() as project:
        n = project.import_codings(file)
    typer.echo(f"{n} coding(s) added from {file}")


@codings_app.command("export")
def codings_export(output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Export all codings as CSV."""
    with open_project() as project:
        n = project.export_codings(output)
    typer.echo(f"{n} coding(s) written to {output}")
