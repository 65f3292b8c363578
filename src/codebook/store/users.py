"""Accounts for the team server: name, role and a password hash (never a password).

A user's codings are attributed by name in `codings.coder`, not by a foreign key, so removing
an account leaves its work where it is.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError

from codebook.model import CodebookError, User
from codebook.store import schema as s
from codebook.store.base import now


class UserRows:
    def users(self) -> list[User]:
        if not self._has_users_table():
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(select(s.users).order_by(s.users.c.name)).mappings()
            return [_user(r) for r in rows]

    def user(self, name: str) -> tuple[User, str] | None:
        """The account and its password hash, or None."""
        if not self._has_users_table():
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(s.users).where(s.users.c.name == name)).mappings().first()
        return (_user(row), row["password_hash"]) if row else None

    def add_user(self, name: str, role: str, password_hash: str) -> None:
        try:
            with self.transaction() as conn:
                conn.execute(
                    insert(s.users).values(
                        name=name, role=role, password_hash=password_hash, created_at=now()
                    )
                )
        except IntegrityError:
            raise CodebookError(f"user '{name}' already exists") from None

    def set_password_hash(self, name: str, password_hash: str) -> None:
        self._update(name, password_hash=password_hash, password_changed_at=now())

    def set_role(self, name: str, role: str) -> None:
        self._update(name, role=role)

    def record_sign_in(self, name: str, password_hash: str | None = None) -> None:
        """The time of a good sign-in (and a rehashed password, when the parameters grew)."""
        values = {"last_sign_in": now()}
        if password_hash:
            values["password_hash"] = password_hash
        self._update(name, **values)

    def remove_user(self, name: str) -> None:
        with self.transaction() as conn:
            if not conn.execute(delete(s.users).where(s.users.c.name == name)).rowcount:
                raise CodebookError(f"no user '{name}'")

    def _update(self, name: str, **values) -> None:
        with self.transaction() as conn:
            done = conn.execute(update(s.users).where(s.users.c.name == name).values(**values))
            if not done.rowcount:
                raise CodebookError(f"no user '{name}'")

    def _has_users_table(self) -> bool:
        """A read-only store made before accounts existed has no users table (and no users)."""
        return not self.read_only or inspect(self.engine).has_table("users")


def _user(row) -> User:
    return User(row["name"], row["role"], row["created_at"], row["last_sign_in"])
