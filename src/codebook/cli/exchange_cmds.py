"""Writing the project out: export, report; and merging another coder's copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, echo_lines, open_project, split
from codebook.model import CodebookError

TABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")
INCLUDE_INTERVIEWER = typer.Option(
    "--include-interviewer", help="Keep the interviewer's turns (left out by default)"
)


def _left_out_note(project, include_interviewer: bool) -> None:
    """Say on stderr how many interviewer segments an export or report left out."""
    if include_interviewer:
        return
    n = project.interviewer_segments()
    if n:
        typer.echo(
            f"note: {n} interviewer segment(s) left out (--include-interviewer keeps them)",
            err=True,
        )


@app.command("export")
def export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.qdpx (REFI-QDA), or .csv/.xlsx/.parquet")
    ],
    include_interviewer: Annotated[bool, INCLUDE_INTERVIEWER] = False,
    pseudonymise: Annotated[
        Path | None,
        typer.Option(help="Tables: mapping CSV (name,pseudonym) to replace names; new names added"),
    ] = None,
) -> None:
    """Export the project; the format follows the suffix of FILE."""
    suffix = output.suffix.lower()
    if suffix not in (*TABLE_SUFFIXES, ".qdpx"):
        raise CodebookError(f"{output}: unknown export format (use .qdpx, .csv, .xlsx or .parquet)")
    with open_project() as project:
        if suffix in TABLE_SUFFIXES:
            if pseudonymise is not None:
                n, added = project.export_table_pseudonymised(
                    output, pseudonymise, include_interviewer
                )
                if added:
                    typer.echo(f"{added} new name(s) added to {pseudonymise}: check them", err=True)
            else:
                n = project.export_table(output, include_interviewer)
            typer.echo(f"{n} coded segment(s) written to {output}")
            _left_out_note(project, include_interviewer)
            return
        if pseudonymise is not None:
            raise CodebookError(
                f"{output}: a REFI-QDA project carries the transcripts whole; --pseudonymise "
                "is for .csv, .xlsx and .parquet"
            )
        counts = project.export_qdpx(output)
    # memos written on codings go out as notes too; the count of memos alone said "0"
    also = f" plus {counts['coding_memos']} memo(s) on codings" if counts["coding_memos"] else ""
    for key, what in (("cases", "case(s) (participants)"), ("summaries", "framework summaries")):
        also += f", {counts[key]} {what}" if counts[key] else ""
    typer.echo(
        f"{counts['codes']} code(s), {counts['transcripts']} transcript(s), "
        f"{counts['codings']} coding(s) and {counts['memos']} memo(s){also} written to {output}"
    )


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.md, .html or .docx")],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html or docx (default: suffix)")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of headings and labels: nl or en")] = "nl",
    by: Annotated[
        str | None,
        typer.Option(help="Attribute to compare groups by (default: the codebook's first)"),
    ] = None,
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
    include_interviewer: Annotated[bool, INCLUDE_INTERVIEWER] = False,
) -> None:
    """A coded summary: per code its definition, frequency by group, quotes and memos."""
    with open_project() as project:
        path, added = project.report(
            output, format, lang, by, split(codes), split(transcripts), pseudonymise,
            include_interviewer,
        )  # fmt: skip
        _left_out_note(project, include_interviewer)
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
