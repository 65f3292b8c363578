"""The `codebook` command. Each command is a thin call into `Project`, one module per area.

User errors print one line (or one line per problem) on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click
import typer

from codebook.cli.common import app
from codebook.model import CodebookError

__all__ = ["app", "main"]

# Each module registers its commands; this order is the order of `codebook --help`.
COMMAND_MODULES = (
    "project_cmds",
    "analysis_cmds",
    "codebook_cmds",
    "codings_cmds",
    "exchange_cmds",
    "suggest_cmds",
    "tui_cmds",
)
for _name in COMMAND_MODULES:
    importlib.import_module(f"codebook.cli.{_name}")


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
