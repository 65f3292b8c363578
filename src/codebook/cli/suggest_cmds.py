"""Suggestion commands: suggest and evaluate."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from codebook.cli.codings_cmds import coder_name
from codebook.cli.common import Format, FormatOption, ReportFormat, app, open_project
from codebook.cli.output import emit_table, note


@app.command()
def suggest(
    transcript: Annotated[
        str | None, typer.Option(help="Only this transcript (default: all)")
    ] = None,
    top: Annotated[int, typer.Option(help="Codes per segment", min=1)] = 3,
    coder: Annotated[
        str | None, typer.Option(help="Segments this coder has not coded (default: nobody has)")
    ] = None,
    accept_above: Annotated[
        float | None,
        typer.Option(
            help="Store the top suggestion of every segment scoring at least this (0-1) as a "
            "coding of origin 'suggestion' for the coder",
            min=0.0,
            max=1.0,
        ),
    ] = None,
    format: FormatOption = Format.table,
) -> None:
    """Suggested codes for every uncoded segment, with its number, text and the reasons
    (retrains first if needed)."""
    if accept_above is not None:
        coder = coder_name(coder)
    with open_project() as project:
        project.retrain()
        frame = project.numbered(project.suggestions(transcript, top, coder))
        if accept_above is not None:
            qualified, added = project.accept_suggestions(frame, accept_above, coder)
    if format is Format.table:
        first = frame["rank"] == frame["rank"].min() if len(frame) else []
        short = frame["text"].map(lambda t: t if len(t) <= 160 else t[:159] + "…")
        why = frame["why"].map(lambda t: t if len(t) <= 48 else t[:47] + "…")
        frame = frame.assign(text=short.where(first, ""), why=why)
        columns = ["transcript", "segment", "rank", "code", "score", "why", "text"]
        emit_table(frame, format, wrap="text", table_columns=columns)
    else:
        emit_table(frame, format)
    if accept_above is not None:
        message = (
            f"{qualified} suggestion(s) scoring at least {accept_above:g} stored as codings of "
            f"origin 'suggestion' for {coder} ({added} new); review them in `codebook code`, "
            f"take them back with `codebook codings remove --origin suggestion --coder {coder}`"
        )
        if format is Format.table:
            typer.echo(message)
        else:
            note(message)


@app.command()
def evaluate(
    folds: Annotated[int, typer.Option(help="Folds, grouped by transcript")] = 5,
    coder: Annotated[
        str | None, typer.Option(help="Whose codings to evaluate (default: most codings)")
    ] = None,
    learning_curve: Annotated[
        bool,
        typer.Option(
            "--learning-curve",
            help="The learning curve of the model and of every ablation, in one table (slower)",
        ),
    ] = False,
    seed: Annotated[
        int,
        typer.Option(
            help="Seed of the folds and the curve's random subsets (another seed: "
            "how much the figures move by chance)"
        ),
    ] = 13,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.table,
) -> None:
    """Cross-validate the suggestions by transcript against most-frequent and keyword baselines,
    with the learning curve and ablations (what each part of the suggester adds)."""
    from codebook.suggest.evaluate import render

    with open_project() as project:
        report = project.evaluate(folds, coder, seed=seed, learning_curve=learning_curve)
    if format is ReportFormat.json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(render(report))
