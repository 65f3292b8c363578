"""`codebook validate FILE`: a .qdpx or .qdc against the REFI-QDA schemas, or a codebook YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codebook.cli.common import app
from codebook.model import CodebookError


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="A .qdpx or .qdc (REFI-QDA), or a codebook .yaml")],
) -> None:
    """Check a file before exchanging it: every problem as FILE[:MEMBER]:LINE: message; exit 1
    when there is any (no project needed)."""
    from codebook.interchange.validate import validate as check

    result = check(file)
    if not result.ok:
        count = f"{file}: {len(result.problems)} problem(s)"
        raise CodebookError("\n".join([*result.problems, count]))
    typer.echo(f"{file}: ok ({result.kind})")
