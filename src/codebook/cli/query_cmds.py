"""`codebook query`: segments by a Boolean and proximity query on codes."""

from __future__ import annotations

from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, open_project
from codebook.cli.output import emit_table, note

TABLE = ["transcript", "segment", "speaker", "participant", "codes", "text"]


@app.command()
def query(
    expr: Annotated[
        str,
        typer.Argument(
            help="Code ids with AND, OR, NOT, ( ) and A NEAR/k B (within k segments), "
            'e.g. "cog.basic AND NOT sit.network"; a group code means its whole branch',
            metavar="EXPR",
        ),
    ],
    coder: Annotated[
        str | None, typer.Option(help="Only this coder's codings (default: everyone's)")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(help="Count the matching segments per value of this attribute instead"),
    ] = None,
    include_interviewer: Annotated[
        bool, typer.Option("--include-interviewer", help="Search the interviewer's turns too")
    ] = False,
    format: FormatOption = Format.table,
) -> None:
    """The segments a code query matches, one row each (or counted per group with --by)."""
    with open_project() as project:
        frame = project.query(expr, coder, by, include_interviewer)
    if by:
        emit_table(frame, format, wrap="")
    else:
        emit_table(frame, format, table_columns=TABLE)
        n = frame["transcript"].nunique() if len(frame) else 0
        note(f"{len(frame)} segment(s) in {n} transcript(s) match {expr}")
    note(frame.attrs.get("left_out"), "note: ")
