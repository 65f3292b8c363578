"""Participants (cases): who speaks under each speaker label, with their attributes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, echo_lines, emit, open_project
from codebook.model import CodebookError

participants_app = typer.Typer(
    help="Participants: the people who speak in the transcripts, with their attributes.",
    no_args_is_help=True,
)
app.add_typer(participants_app, name="participants")


@participants_app.command("import")
def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: transcript,speaker,participant, one column per attribute, interviewer"
        ),
    ],
) -> None:
    """Assign speakers to participants and set their attributes; all or nothing.

    Empty cells change nothing; `interviewer` is yes or no (empty: the speaker label decides,
    e.g. I, Interviewer, Moderator, Gespreksleider).
    """
    with open_project() as project:
        result = project.import_participants(file)
    echo_lines(result.lines())


@participants_app.command("list")
def list_(
    speakers: Annotated[
        bool,
        typer.Option(
            "--speakers", help="One row per speaker label of each transcript, not per participant"
        ),
    ] = False,
    format: FormatOption = Format.table,
) -> None:
    """The participants with their attributes and where they speak (or every speaker)."""
    with open_project() as project:
        table = project.speakers_table() if speakers else project.participants_table()
    if format is Format.csv:
        from codebook.interchange.cells import csv_safe_frame

        table = csv_safe_frame(table)  # names and values reach spreadsheets
    emit(table, format)


@participants_app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv")],
) -> None:
    """Every speaker of every transcript as a participants CSV: fill it in and import it."""
    if output.suffix.lower() != ".csv":
        raise CodebookError(f"{output}: participants are exported as .csv")
    with open_project() as project:
        n = project.export_participants(output)
    typer.echo(f"{n} row(s) written to {output}")
