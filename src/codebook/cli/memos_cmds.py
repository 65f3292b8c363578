"""`codebook memos ...`: every memo with what it is on, listed or exported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, open_project
from codebook.cli.output import emit_table

memos_app = typer.Typer(
    help="List and export memos (on the project, transcripts, segments and codings).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(memos_app, name="memos")

TABLE = ["memo", "on", "transcript", "segment", "code", "coder", "text"]
Transcript = Annotated[str | None, typer.Option(help="Only the memos of this transcript")]
Coder = Annotated[str | None, typer.Option(help="Only this coder's memos")]


@memos_app.command("list")
def memos_list(
    transcript: Transcript = None,
    coder: Coder = None,
    format: FormatOption = Format.table,
) -> None:
    """Every memo: what it is on (project, transcript, segment, coding), by whom, the text.

    CSV and JSON add the quoted text each memo is about and its offsets."""
    with open_project() as project:
        frame = project.memo_table(transcript, coder)
    emit_table(frame, format, table_columns=TABLE)


@memos_app.command("export")
def memos_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.md, .docx, .html or .csv")],
    transcript: Transcript = None,
    coder: Coder = None,
) -> None:
    """Write every memo with what it is on and the quoted text; the format follows the suffix."""
    with open_project() as project:
        n = project.export_memos(output, transcript, coder)
    typer.echo(f"{n} memo(s) written to {output}")
