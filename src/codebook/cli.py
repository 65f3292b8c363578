"""The `codebook` command. Each command is a thin call into `Project`.

User errors print one line (or one line per problem) on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer

from codebook import codebooks
from codebook.model import CodebookError
from codebook.project import Project, reference_codebook

app = typer.Typer(
    help="codebook: code interview transcripts against a codebook, from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
codebook_app = typer.Typer(
    help="Check, show and export the project's codebook.", no_args_is_help=True
)
codings_app = typer.Typer(help="Import and export codings as CSV.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(codings_app, name="codings")


class Format(StrEnum):
    table = "table"
    csv = "csv"
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


def _open() -> Project:
    return Project.open(state.project_dir)


def _attrs(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CodebookError(f"--attr '{pair}': use KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _emit(frame, fmt: Format) -> None:
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        typer.echo(
            json.dumps(json.loads(frame.to_json(orient="records")), indent=2, ensure_ascii=False)
        )
    else:
        typer.echo(frame.to_string(index=False) if len(frame) else "(nothing)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project")] = Path("."),
    codebook: Annotated[Path | None, typer.Option(help="Codebook YAML to start from")] = None,
) -> None:
    """Create a project: codebooks/, transcripts/ and .codebook/project.sqlite."""
    with Project.init(directory, codebook) as project:
        typer.echo(f"created project in {directory} with codebook {project.codebook_path.name}")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="txt, md, docx, vtt or srt files")],
    attr: Annotated[
        list[str] | None, typer.Option(help="Attribute KEY=VALUE for all files")
    ] = None,
    attributes: Annotated[
        Path | None, typer.Option(help="CSV with a 'file' column and one column per attribute")
    ] = None,
) -> None:
    """Import transcripts (all or nothing); the same file twice changes nothing."""
    with _open() as project:
        report = project.import_files(files, _attrs(attr), attributes)
    for line in report.lines():
        typer.echo(line, err=line.startswith("warning"))


@app.command()
def info() -> None:
    """A summary of the project: codebook, transcripts, segments, codings and coders."""
    with _open() as project:
        typer.echo(project.summary())


@app.command()
def stats(
    by: Annotated[
        str | None, typer.Option(help="Attribute to split by, e.g. stakeholder_group")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Coded segments per code, optionally per value of an attribute."""
    with _open() as project:
        _emit(project.stats(by), format)


@codebook_app.command("validate")
def codebook_validate(
    file: Annotated[
        Path | None, typer.Argument(help="Codebook YAML (default: the project's)")
    ] = None,
) -> None:
    """Check a codebook file; every problem is printed as FILE:LINE: message."""
    if file is None:
        try:
            with _open() as project:
                file = project.codebook_path
        except CodebookError:
            file = reference_codebook()
    problems = codebooks.validate(file)
    if problems:
        raise CodebookError("\n".join(problems))
    typer.echo(f"{file}: ok")


@codebook_app.command("show")
def codebook_show(
    lang: Annotated[str, typer.Option(help="Label language: nl or en")] = "nl",
    file: Annotated[
        Path | None, typer.Option(help="Codebook YAML (default: the project's)")
    ] = None,
) -> None:
    """Print the code tree with hotkeys."""
    if file is not None:
        book = codebooks.load(file)
    else:
        with _open() as project:
            book = project.codebook
    typer.echo(codebooks.render_tree(book, lang))


@codings_app.command("import")
def codings_import(
    file: Annotated[Path, typer.Argument(help="CSV: transcript,start,end,code,coder[,memo]")],
) -> None:
    """Import codings from CSV; any bad row and nothing is written."""
    with _open() as project:
        n = project.import_codings(file)
    typer.echo(f"{n} coding(s) added from {file}")


@codings_app.command("export")
def codings_export(output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Export all codings as CSV."""
    with _open() as project:
        n = project.export_codings(output)
    typer.echo(f"{n} coding(s) written to {output}")


def main() -> None:
    command = typer.main.get_command(app)
    try:
        command.main(standalone_mode=False)
    except CodebookError as e:
        typer.echo(str(e), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
