"""Suggestion commands: suggest and evaluate."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from codebook.cli.common import Format, ReportFormat, app, emit, open_project


@app.command()
def suggest(
    transcript: Annotated[
        str | None, typer.Option(help="Only this transcript (default: all)")
    ] = None,
    top: Annotated[int, typer.Option(help="Codes per segment", min=1)] = 3,
    coder: Annotated[
        str | None, typer.Option(help="Segments this coder has not coded (default: nobody has)")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Suggested codes for every uncoded segment, with the reasons (retrains first if needed)."""
    with open_project() as project:
        project.retrain()
        frame = project.suggestions(transcript, top, coder)
    if format is Format.table:
        frame = frame.drop(columns="text").assign(why=frame["why"].str.slice(0, 90))
    emit(frame, format)


@app.command()
def evaluate(
    folds: Annotated[int, typer.Option(help="Folds, grouped by transcript")] = 5,
    coder: Annotated[
        str | None, typer.Option(help="Whose codings to evaluate (default: most codings)")
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
) -> None:
    """Cross-validate the suggestions by transcript against most-frequent and keyword baselines."""
    from codebook.suggest.evaluate import render

    with open_project() as project:
        report = project.evaluate(folds, coder)
    if format is ReportFormat.json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(render(report))
