"""What every command shares: the Typer apps, opening the project, and printing frames.

Nothing heavy is imported here: `codebook --help` loads only Typer and this package.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from codebook.model import CodebookError

app = typer.Typer(
    help="codebook: code interview transcripts against a codebook, from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: rich's help rendering alone took 0.2 s of `--help`
)
codebook_app = typer.Typer(
    help="Check, show and export the project's codebook.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
codings_app = typer.Typer(
    help="Add and remove codings by segment number or quote; import and export them as CSV.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(codebook_app, name="codebook")
app.add_typer(codings_app, name="codings")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="csv or json for scripts")]


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


class State:
    project_dir: Path | None = None


state = State()


@app.callback()
def _global(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help="Project folder (default: CODEBOOK_PROJECT or .)",
            envvar="CODEBOOK_PROJECT",
        ),
    ] = None,
) -> None:
    state.project_dir = project


def open_project():
    """The project of `--project`, CODEBOOK_PROJECT or the current folder."""
    from codebook.project import Project

    return Project.open(state.project_dir)


def parse_attrs(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CodebookError(f"--attr '{pair}': use KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def split(values: list[str] | str | None) -> list[str] | None:
    """Comma-separated option values (given once or repeated) as one list, or None."""
    items = [
        v.strip()
        for value in ([values] if isinstance(values, str) else values or [])
        for v in value.split(",")
        if v.strip()
    ]
    return items or None


def emit(frame, fmt: Format) -> None:
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        typer.echo(
            json.dumps(json.loads(frame.to_json(orient="records")), indent=2, ensure_ascii=False)
        )
    else:
        typer.echo(frame.to_string(index=False) if len(frame) else "(nothing)")


def echo_lines(lines: list[str], to_stderr: str = "warning") -> None:
    """A result's lines; those starting with `to_stderr` go to stderr."""
    for line in lines:
        typer.echo(line, err=line.startswith(to_stderr))
