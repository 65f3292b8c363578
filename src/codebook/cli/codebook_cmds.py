"""`codebook codebook ...`: check, show and export the codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import codebook_app, open_project
from codebook.model import CodebookError


@codebook_app.command("validate")
def codebook_validate(
    file: Annotated[
        Path | None, typer.Argument(help="Codebook YAML (default: the project's)")
    ] = None,
) -> None:
    """Check a codebook file; every problem is printed as FILE:LINE: message."""
    from codebook import codebooks

    if file is None:
        try:
            with open_project() as project:
                file = project.codebook_path
        except CodebookError:
            file = codebooks.reference_codebook()
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
    from codebook import codebooks

    if file is not None:
        book = codebooks.load(file)
    else:
        with open_project() as project:
            book = project.codebook
    typer.echo(codebooks.render_tree(book, lang))


@codebook_app.command("export")
def codebook_export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.qdc (REFI-QDA), or .md/.docx/.html")
    ],
    lang: Annotated[
        str | None, typer.Option(help="Language of a .md/.docx/.html document: nl or en")
    ] = None,
) -> None:
    """Export the codebook; the format follows the suffix of FILE."""
    suffix = output.suffix.lower()
    if suffix not in (".md", ".docx", ".html", ".qdc"):
        raise CodebookError(
            f"{output}: unknown codebook export format (use .qdc, .md, .docx or .html)"
        )
    with open_project() as project:
        if suffix == ".qdc":
            n = project.export_qdc(output)
        else:
            n = project.export_codebook_document(output, lang)
    typer.echo(f"{n} code(s) written to {output}")
