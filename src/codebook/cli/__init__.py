"""The `codebook` command. Each command is a thin call into `Project`, one module per area.

User errors print one line (or one line per problem) on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer.exceptions import TyperException

from codebook.cli.common import app
from codebook.model import CodebookError

__all__ = ["app", "main"]

# Each module registers its commands; this order is the order of `codebook --help`.
COMMAND_MODULES = (
    "project_cmds",
    "show_cmds",
    "analysis_cmds",
    "query_cmds",
    "codebook_cmds",
    "codings_cmds",
    "memos_cmds",
    "participants_cmds",
    "exchange_cmds",
    "validate_cmds",
    "taguette_cmds",
    "summaries_cmds",
    "matrix_cmds",
    "suggest_cmds",
    "tui_cmds",
    "users_cmds",
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
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except TyperException as e:  # usage errors (typer's own click): the message, no traceback
        e.show()
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
