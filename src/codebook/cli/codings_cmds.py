"""`codebook codings ...`: codings in and out as CSV, and coding by segment number or quote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import codings_app, open_project
from codebook.model import CodebookError


@codings_app.command("import")
def codings_import(
    file: Annotated[Path, typer.Argument(help="CSV: transcript,start,end,code,coder[,memo]")],
) -> None:
    """Import codings from CSV; any bad row and nothing is written."""
    with open_project() as project:
        n = project.import_codings(file)
    typer.echo(f"{n} coding(s) added from {file}")


@codings_app.command("export")
def codings_export(output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Export all codings as CSV."""
    with open_project() as project:
        n = project.export_codings(output)
    typer.echo(f"{n} coding(s) written to {output}")


def coder_name(coder: str | None) -> str:
    """`--coder`, else CODEBOOK_CODER, else USER; checked by the one name rule."""
    import os

    from codebook.model import check_name

    name = coder or os.environ.get("CODEBOOK_CODER") or os.environ.get("USER") or ""
    if not name.strip():
        raise CodebookError("who is coding? give --coder NAME (or set CODEBOOK_CODER)")
    return check_name(name)


Where = Annotated[
    list[str],
    typer.Argument(
        help="TRANSCRIPT SEGMENT CODE, or TRANSCRIPT CODE with --quote; SEGMENT is a number "
        "from `codebook show` (5) or a range (5-7)",
        show_default=False,
        metavar="TRANSCRIPT SEGMENT CODE",
    ),
]
Quote = Annotated[
    str | None, typer.Option(help="Code the text quoted exactly (white space may differ)")
]
Occurrence = Annotated[
    int | None, typer.Option(help="Which match of --quote (default: the first)", min=1)
]
CoderOption = Annotated[
    str | None, typer.Option(help="Coder name (default: CODEBOOK_CODER, then USER)")
]


def _where(project, args: list[str], quote: str | None, occurrence: int | None):
    """(transcript, target, code) from TRANSCRIPT SEGMENT CODE or TRANSCRIPT CODE --quote."""
    want = 2 if quote is not None else 3
    if len(args) != want:
        usage = "TRANSCRIPT CODE --quote TEXT" if quote is not None else "TRANSCRIPT SEGMENT CODE"
        raise CodebookError(f"give {usage} (got {len(args)} argument(s): {' '.join(args)})")
    transcript = project.transcript(args[0])
    segments = None if quote is not None else args[1]
    project.check_code(args[-1], transcript.name)
    return transcript, project.target(transcript, segments, quote, occurrence), args[-1]


def _found(target) -> str:
    if not target.matches:
        return ""
    if target.matches == 1:
        return " (the quote occurs once)"
    return f" (match {target.occurrence} of {target.matches}; --occurrence K codes another)"


@codings_app.command("add")
def codings_add(
    where: Where,
    quote: Quote = None,
    occurrence: Occurrence = None,
    coder: CoderOption = None,
) -> None:
    """Code segments by number, or a quoted passage: `codings add T 5-7 CODE`."""
    coder = coder_name(coder)
    with open_project() as project:
        transcript, target, code = _where(project, where, quote, occurrence)
        _, new = project.code_target(transcript, target, code, coder)
    what = f"{transcript.name} segment {target.segments}"
    if new:
        typer.echo(f"coded {what} as {code} (coder {coder}){_found(target)}")
    else:
        typer.echo(f"{what} already has {code} by {coder} on that span; nothing changed")


@codings_app.command("remove")
def codings_remove(
    where: Annotated[
        list[str] | None,
        typer.Argument(
            help="TRANSCRIPT SEGMENT CODE, or TRANSCRIPT CODE with --quote; with --origin, "
            "optionally TRANSCRIPT [CODE]",
            show_default=False,
            metavar="TRANSCRIPT SEGMENT CODE",
        ),
    ] = None,
    quote: Quote = None,
    occurrence: Occurrence = None,
    origin: Annotated[
        str | None,
        typer.Option(help="Remove every coding of this origin (suggestion, manual, import)"),
    ] = None,
    coder: CoderOption = None,
) -> None:
    """Remove a coding from segments or a quote; or, with --origin suggestion, take back every
    accepted suggestion of the coder (a backup is made first)."""
    coder = coder_name(coder)
    args = where or []
    with open_project() as project:
        if origin is not None:
            if quote is not None or occurrence is not None or len(args) > 2:
                raise CodebookError("with --origin, give at most TRANSCRIPT and CODE")
            transcript = project.transcript(args[0]) if args else None
            code = args[1] if len(args) > 1 else None
            removed = project.remove_by_origin(origin, coder, transcript, code)
            where_ = f" in {transcript.name}" if transcript else ""
            typer.echo(f"{len(removed)} coding(s) of origin {origin} by {coder}{where_} removed")
            return
        transcript, target, code = _where(project, args, quote, occurrence)
        removed = project.uncode_target(transcript, target, code, coder)
    typer.echo(
        f"removed {len(removed)} coding(s) of {code} by {coder} from {transcript.name} "
        f"segment {target.segments}{_found(target)}"
    )
