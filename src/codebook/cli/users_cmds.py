"""`codebook users ...`: the accounts that may sign in to `codebook serve`.

A password is asked for on the terminal (twice, not echoed) or read from the first line of
standard input with `--password-stdin` (for scripts); it never appears on the command line,
where `ps` and the shell history would show it.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from codebook.cli.common import Format, FormatOption, app, emit, open_project
from codebook.model import CodebookError, check_name, check_role

users_app = typer.Typer(
    help="Accounts for 'codebook serve': add, list, change passwords and roles, remove.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input")
]


def read_password(from_stdin: bool, name: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise CodebookError("--password-stdin: no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CodebookError(
            "no terminal to ask for the password on: give it on standard input with "
            "--password-stdin"
        )
    return typer.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The account name (also the coder name)")],
    role: Annotated[
        str, typer.Option(help="admin or coder (both code), or reviewer (reads only)")
    ] = "coder",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add an account that may sign in to 'codebook serve'."""
    name, role = check_name(name, "user name"), check_role(role)  # before asking anything
    with open_project() as project:
        if any(u.name == name for u in project.users()):
            raise CodebookError(f"user '{name}' already exists")
        user = project.add_user(name, read_password(password_stdin, name), role)
    typer.echo(f"user {user.name} added ({user.role})")


@users_app.command("list")
def list_(fmt: FormatOption = Format.table) -> None:
    """The accounts, with their roles, codings and last sign-in."""
    import pandas as pd

    with open_project() as project:
        counts = project.store.coder_counts()
        rows = [
            {
                "name": u.name,
                "role": u.role,
                "codings": counts.get(u.name, 0),
                "created": _when(u.created_at),
                "last_sign_in": _when(u.last_sign_in),
            }
            for u in project.users()
        ]
    emit(pd.DataFrame(rows, columns=["name", "role", "codings", "created", "last_sign_in"]), fmt)


@users_app.command("passwd")
def passwd(
    name: Annotated[str, typer.Argument(help="The account")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password for an account (signed-in browser tabs stay signed in)."""
    with open_project() as project:
        project.user(name)  # a clear error before asking for a password
        project.change_password(name, read_password(password_stdin, name))
    typer.echo(f"password of {name} changed")


@users_app.command("role")
def role(
    name: Annotated[str, typer.Argument(help="The account")],
    new_role: Annotated[str, typer.Argument(metavar="ROLE", help="admin, coder or reviewer")],
) -> None:
    """Change the role of an account (from its next sign-in)."""
    with open_project() as project:
        user = project.set_role(name, new_role)
    typer.echo(f"user {user.name} is now {user.role}")


@users_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The account")]) -> None:
    """Remove an account; its codings stay, attributed to its name."""
    with open_project() as project:
        kept = project.remove_user(name)
    typer.echo(f"user {name} removed; {kept} coding(s) stay attributed to {name}")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
