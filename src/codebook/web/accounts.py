"""The server's view of a project's accounts: check a password, look an account up."""

from __future__ import annotations

from pathlib import Path

from codebook.model import CodebookError, User


class ProjectAccounts:
    """The accounts of the project at `root`, kept open for the server's lifetime (one thread
    uses it: the server's account worker)."""

    def __init__(self, root: Path):
        from codebook.project import Project

        self.project = Project.open(root)

    def authenticate(self, name: str, password: str) -> User | None:
        return self.project.authenticate(name, password)

    def user(self, name: str) -> User | None:
        try:
            return self.project.user(name)
        except CodebookError:
            return None

    def count(self) -> int:
        return len(self.project.users())

    def close(self) -> None:
        self.project.close()
