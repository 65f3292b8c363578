"""Counting commands: stats and agreement."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, ReportFormat, app, emit, open_project, split

INCLUDE_INTERVIEWER = typer.Option(
    "--include-interviewer", help="Count the interviewer's turns too (left out by default)"
)


@app.command()
def stats(
    by: Annotated[
        str | None, typer.Option(help="Attribute to split by (see `codebook codebook show`)")
    ] = None,
    level: Annotated[
        int | None,
        typer.Option(help="Count at this depth of the code tree (0 = the top codes)"),
    ] = None,
    normalise: Annotated[
        bool, typer.Option("--normalise", help="Add group sizes and shares (groups differ in size)")
    ] = False,
    include_interviewer: Annotated[bool, INCLUDE_INTERVIEWER] = False,
    crosstab: Annotated[
        bool,
        typer.Option(
            "--crosstab", help="Codes as rows, one column per group, totals (shares: --normalise)"
        ),
    ] = False,
    format: FormatOption = Format.table,
) -> None:
    """Coded segments per code, optionally per value of an attribute (resolved per segment:
    the speaker's participant's value, else the transcript's)."""
    with open_project() as project:
        if crosstab:
            table = project.crosstab(by, level, normalise, include_interviewer)
        else:
            table = project.stats(by, level, normalise, include_interviewer)
    emit(table, format)
    if table.attrs.get("left_out"):
        typer.echo(f"note: {table.attrs['left_out']}", err=True)


@app.command()
def agreement(
    coders: Annotated[
        str | None, typer.Option(help="Coders to compare, comma-separated (default: all)")
    ] = None,
    codes: Annotated[
        str | None, typer.Option(help="Code ids, comma-separated; a group counts its children")
    ] = None,
    unit: Annotated[str, typer.Option(help="segment or character (as NVivo)")] = "segment",
    include_interviewer: Annotated[bool, INCLUDE_INTERVIEWER] = False,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
) -> None:
    """Intercoder agreement per code: percent, Cohen's kappa, Krippendorff's alpha."""
    with open_project() as project:
        result = project.agreement(split(coders), split(codes), unit, include_interviewer)
    if format is ReportFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.render())
