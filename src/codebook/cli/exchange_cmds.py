"""Writing the project out: export, report; and merging another coder's copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, echo_lines, open_project, split
from codebook.model import CodebookError

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")


@app.command("export")
def export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.qdpx (REFI-QDA), or .csv/.xlsx/.parquet")
    ],
) -> None:
    """Export the project; the format follows the suffix of FILE."""
    suffix = output.suffix.lower()
    if suffix not in (*TABLE_SUFFIXES, ".qdpx"):
        raise CodebookError(f"{output}: unknown export format (use .qdpx, .csv, .xlsx or .parquet)")
    with open_project() as project:
        if suffix in TABLE_SUFFIXES:
            n = project.export_table(output)
            typer.echo(f"{n} coded segment(s) written to {output}")
            return
        counts = project.export_qdpx(output)
    typer.echo(
        f"{counts['codes']} code(s), {counts['transcripts']} transcript(s), "
        f"{counts['codings']} coding(s) and {counts['memos']} memo(s) written to {output}"
    )


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.md, .html or .docx")],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html or docx (default: suffix)")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of headings and labels: nl or en")] = "nl",
    by: Annotated[str, typer.Option(help="Attribute to compare groups by")] = "stakeholder_group",
    codes: Annotated[
        str | None, typer.Option(help="Only these codes (and their subcodes): ID,ID,...")
    ] = None,
    transcripts: Annotated[
        list[str] | None,
        typer.Option(help="Only these transcripts: names or patterns like '0*', comma-separated"),
    ] = None,
    pseudonymise: Annotated[
        Path | None,
        typer.Option(help="Mapping CSV (name,pseudonym): replace names; new names are added"),
    ] = None,
) -> None:
    """A coded summary: per code its definition, frequency by group, quotes and memos."""
    with open_project() as project:
        path, added = project.report(
            output, format, lang, by, split(codes), split(transcripts), pseudonymise
        )
    if pseudonymise is not None and added:
        typer.echo(
            f"{added} new name(s) added to {pseudonymise}: check the pseudonyms there "
            "(empty or the name itself keeps a name) and run the report again",
            err=True,
        )
    typer.echo(f"report written to {path}")


@app.command()
def merge(
    other: Annotated[Path, typer.Argument(help="Another copy of this project (a folder)")],
) -> None:
    """Bring in another coder's copy: codings, memos and new codes; all or nothing."""
    with open_project() as project:
        result = project.merge(other)
    echo_lines(result.lines(), to_stderr="note")
