"""`codebook matrix`: the framework matrix (cases x codes) as Excel, CSV, Markdown or Word."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, open_project, split


@app.command()
def matrix(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.xlsx, .csv, .md or .docx")],
    rows: Annotated[
        str, typer.Option(help="Rows: transcript, participant, or an attribute (its values)")
    ] = "transcript",
    codes: Annotated[
        str | None,
        typer.Option(help="Columns: these codes (ID,ID,...; a code gathers those below)"),
    ] = None,
    level: Annotated[
        int | None, typer.Option(help="Columns: the codes at this level of the tree (0 = roots)")
    ] = None,
    coder: Annotated[
        str | None, typer.Option(help="Only this coder's summaries and codings")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="Language of labels and drafts: nl or en (default: codebook)")
    ] = None,
    include_interviewer: Annotated[
        bool,
        typer.Option(
            "--include-interviewer", help="Count the interviewer's turns too (left out by default)"
        ),
    ] = False,
    pseudonymise: Annotated[
        Path | None,
        typer.Option(help="Mapping CSV (name,pseudonym): replace names; new names are added"),
    ] = None,
) -> None:
    """Rows x codes; each cell the written summary, or a draft marked as such (the number of
    coded segments and the most central of them, with speaker and segment number)."""
    with open_project() as project:
        found, added = project.export_matrix(
            output, rows, split(codes), level, coder, lang, include_interviewer, pseudonymise
        )
    if pseudonymise is not None and added:
        typer.echo(
            f"{added} new name(s) added to {pseudonymise}: check the pseudonyms there "
            "(empty or the name itself keeps a name) and run the matrix again",
            err=True,
        )
    cells = found.cells["status"].value_counts()
    typer.echo(
        f"{len(found.rows)} row(s) x {len(found.codes)} code(s) written to {output}: "
        f"{int(cells.get('summary', 0))} summarised, {int(cells.get('draft', 0))} draft(s), "
        f"{int(cells.get('empty', 0))} empty"
    )
