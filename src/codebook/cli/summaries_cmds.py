"""`codebook summaries ...`: framework summaries (a text per case and code) in and out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, open_project
from codebook.cli.output import emit_table

summaries_app = typer.Typer(
    help="Framework summaries: what a case (transcript or participant) says on a code.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(summaries_app, name="summaries")

Kind = Annotated[str, typer.Option("--kind", help="What ROW is: transcript or participant")]
Coder = Annotated[str | None, typer.Option(help="Coder name (default: CODEBOOK_CODER, then USER)")]


def _coder(coder: str | None) -> str:
    from codebook.cli.codings_cmds import coder_name

    return coder_name(coder)


@summaries_app.command("import")
def summaries_import(
    file: Annotated[Path, typer.Argument(help="CSV: row,code,summary[,coder][,kind]")],
    coder: Annotated[
        str | None,
        typer.Option(help="Coder of rows without one (default: CODEBOOK_CODER, then USER)"),
    ] = None,
) -> None:
    """Import summaries; an unknown row, code or coder anywhere and nothing is written."""
    default = coder or os.environ.get("CODEBOOK_CODER") or os.environ.get("USER") or None
    with open_project() as project:
        n = project.import_summaries(file, default)
    typer.echo(
        f"{n['added']} summary(ies) added, {n['updated']} updated, {n['unchanged']} unchanged "
        f"from {file}"
    )


@summaries_app.command("export")
def summaries_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv")],
    coder: Annotated[str | None, typer.Option(help="Only this coder's summaries")] = None,
) -> None:
    """Export every summary as CSV (the columns `summaries import` reads back)."""
    with open_project() as project:
        n = project.export_summaries(output, coder)
    typer.echo(f"{n} summary(ies) written to {output}")


@summaries_app.command("list")
def summaries_list(
    coder: Annotated[str | None, typer.Option(help="Only this coder's summaries")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="transcript or participant")] = None,
    format: FormatOption = Format.table,
) -> None:
    """Every written summary: case, code, coder and text."""
    with open_project() as project:
        frame = project.summaries(kind, coder)
    frame = frame.rename(columns={"row_kind": "kind"})
    emit_table(frame, format, table_columns=["kind", "row", "code", "coder", "text"])


@summaries_app.command("set")
def summaries_set(
    row: Annotated[str, typer.Argument(help="A transcript or participant name")],
    code: Annotated[str, typer.Argument(help="A code id")],
    text: Annotated[str, typer.Argument(help="The summary ('-' reads it from standard input)")],
    kind: Kind = "transcript",
    coder: Coder = None,
) -> None:
    """Write your summary of a case on a code (replacing your earlier one)."""
    if text == "-":
        text = typer.get_text_stream("stdin").read()
    who = _coder(coder)
    with open_project() as project:
        before = project.set_summary(row, code, text, who, kind)
    typer.echo(f"summary of {kind} {row} on {code} by {who} {'updated' if before else 'added'}")


@summaries_app.command("remove")
def summaries_remove(
    row: Annotated[str, typer.Argument(help="A transcript or participant name")],
    code: Annotated[str, typer.Argument(help="A code id")],
    kind: Kind = "transcript",
    coder: Coder = None,
) -> None:
    """Remove your summary of a case on a code."""
    from codebook.model import CodebookError

    who = _coder(coder)
    with open_project() as project:
        gone = project.remove_summary(row, code, who, kind)
    if gone is None:
        raise CodebookError(f"{who} has no summary of {kind} '{row}' on '{code}'")
    typer.echo(f"summary of {kind} {row} on {code} by {who} removed")
