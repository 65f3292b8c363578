"""`codebook show`: a transcript's numbered segments, the numbers every other command uses."""

from __future__ import annotations

from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, open_project
from codebook.cli.output import emit_rows

TABLE = ["segment", "speaker", "participant", "page", "timestamp", "codes", "text"]


@app.command()
def show(
    transcript: Annotated[str, typer.Argument(help="Transcript name", metavar="TRANSCRIPT")],
    first: Annotated[
        int | None, typer.Option("--from", help="First segment number (default: 1)")
    ] = None,
    last: Annotated[
        int | None, typer.Option("--to", help="Last segment number (default: the last)")
    ] = None,
    coder: Annotated[
        str | None, typer.Option(help="Only this coder's codes (default: everyone's)")
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """Numbered segments: speaker, page or time where known, codes, text.

    The segment numbers are those of `codings add`, `query` and the workbench's status line.
    """
    with open_project() as project:
        columns, rows = project.show_rows(transcript, first, last, coder)
    emit_rows(columns, rows, format, table_columns=TABLE)
