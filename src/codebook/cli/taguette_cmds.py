"""`codebook taguette ...`: Taguette's codebook and highlights CSV in, a codebook CSV out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, echo_lines, open_project

taguette_app = typer.Typer(
    help="Exchange with Taguette: its codebook and highlights CSV files.", no_args_is_help=True
)
app.add_typer(taguette_app, name="taguette")


@taguette_app.command("import")
def taguette_import(
    file: Annotated[Path, typer.Argument(help="Taguette's codebook CSV or highlights CSV")],
    coder: Annotated[
        str, typer.Option(help="Coder the highlights are recorded for (Taguette names none)")
    ] = "taguette",
) -> None:
    """Import a Taguette CSV: a codebook (tag[,parent],description) adds its tags as codes;
    highlights (id,document,tag,content) become codings of the transcripts named like their
    documents. Dotted tags (A.B) are a hierarchy. All or nothing."""
    with open_project() as project:
        result = project.import_taguette(file, coder)
    echo_lines(result.lines())


@taguette_app.command("export")
def taguette_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv for Taguette")],
    lang: Annotated[str | None, typer.Option(help="Language of the tag names: nl or en")] = None,
) -> None:
    """The codebook as a CSV that Taguette imports (tag,description; dotted tag paths)."""
    with open_project() as project:
        n = project.export_taguette(output, lang)
    typer.echo(f"{n} tag(s) written to {output}")
