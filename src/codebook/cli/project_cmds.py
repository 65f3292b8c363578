"""Project commands: init, import, info, backup."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app, echo_lines, open_project, parse_attrs, state
from codebook.model import AttributesChanged, CodebookError, ReanchorNeeded

REFI_SUFFIXES = (".qdpx", ".qdc")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project")] = Path("."),
    codebook: Annotated[Path | None, typer.Option(help="Codebook YAML to start from")] = None,
) -> None:
    """Create a project: codebooks/, transcripts/ and .codebook/project.sqlite."""
    from codebook.project import Project

    with Project.init(directory, codebook) as project:
        typer.echo(f"created project in {directory} with codebook {project.codebook_path.name}")


def _import_refi(files: list[Path], codebook_file: Path | None) -> None:
    """One REFI-QDA file per call, so that each import is all or nothing on its own."""
    from codebook.project import Project

    if len(files) != 1 or files[0].suffix.lower() not in REFI_SUFFIXES:
        raise CodebookError(
            "import a .qdpx or .qdc file on its own (one per command), not with other files"
        )
    file = files[0]
    if codebook_file is not None:
        if file.suffix.lower() != ".qdc":
            raise CodebookError(f"{file}: --codebook-file works with a .qdc codebook only")
        root = state.project_dir
        if root is not None and not codebook_file.is_absolute():
            codebook_file = root / codebook_file  # relative to the project it is for
        report = Project.codebook_from_qdc(file, codebook_file)
        for w in report.warnings:
            typer.echo(f"warning: {w}", err=True)
        typer.echo(f"{len(report.codes_added)} code(s) written to {codebook_file}")
        if root is not None and (root / ".codebook").is_dir():
            with open_project() as project:
                current = project.codebook_path
            if current.resolve() != codebook_file.resolve():
                typer.echo(
                    f"note: the project still codes with {current}; merge the codes into it "
                    f"with 'codebook import {file.name}' (without --codebook-file), or start a "
                    f"project with the new file: codebook init DIR --codebook {codebook_file}",
                    err=True,
                )
        return
    with open_project() as project:
        if file.suffix.lower() == ".qdc":
            report = project.import_qdc(file)
        else:
            report = project.import_qdpx(file)
    echo_lines(report.lines())


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="txt, md, docx, odt, rtf, html, pdf, vtt or srt files; or one .qdpx / .qdc"
        ),
    ],
    attr: Annotated[
        list[str] | None, typer.Option(help="Attribute KEY=VALUE for all files")
    ] = None,
    attributes: Annotated[
        Path | None, typer.Option(help="CSV with a 'file' column and one column per attribute")
    ] = None,
    reanchor: Annotated[
        bool, typer.Option(help="Move codings of a corrected transcript to where their text is")
    ] = False,
    codebook_file: Annotated[
        Path | None,
        typer.Option(help="For a .qdc: write a new codebook YAML here (no project needed)"),
    ] = None,
    update_attributes: Annotated[
        bool,
        typer.Option(
            "--update-attributes", help="Relabel files already imported with other attributes"
        ),
    ] = False,
) -> None:
    """Import transcripts (all or nothing); the same file twice changes nothing.

    A .qdpx (REFI-QDA project) or .qdc (REFI-QDA codebook) is merged into the project.
    """
    if any(f.suffix.lower() in REFI_SUFFIXES for f in files) or codebook_file:
        _import_refi(files, codebook_file)
        return
    options = {"reanchor": reanchor, "update_attributes": update_attributes}
    with open_project() as project:
        while True:
            try:
                result = project.import_files(files, parse_attrs(attr), attributes, **options)
                break
            except (ReanchorNeeded, AttributesChanged) as e:
                if not sys.stdin.isatty():
                    raise
                typer.echo(str(e), err=True)
                key, question = (
                    ("reanchor", "Re-anchor the codings to the corrected text?")
                    if isinstance(e, ReanchorNeeded)
                    else ("update_attributes", "Relabel them with the new values?")
                )
                if not typer.confirm(question):
                    raise CodebookError("nothing was imported") from None
                options[key] = True
    echo_lines(result.lines())


@app.command()
def backup(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Snapshot file (default: in .codebook/)")
    ] = None,
) -> None:
    """Write a consistent snapshot of the project store (SQLite online backup)."""
    with open_project() as project:
        path = project.backup(output)
    typer.echo(f"backup written to {path}")


@app.command()
def info() -> None:
    """A summary of the project: codebook, transcripts, segments, codings and coders."""
    with open_project() as project:
        typer.echo(project.summary())
