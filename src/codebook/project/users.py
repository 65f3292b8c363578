"""Accounts for `codebook serve`: who may sign in, with which role.

Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106's low-memory profile, 64 MiB
and 3 passes), so a stolen project file does not give the passwords away cheaply. A password is
never stored, printed or logged; only its hash is kept. A hash made with older parameters is
replaced at the next good sign-in.
"""

from __future__ import annotations

from functools import cache

from codebook.model import CodebookError, User, check_name, check_role

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 takes any length; a limit keeps a huge POST from costing much


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against for unknown names, so that a wrong name takes as long as a wrong
    password and the timing does not tell which accounts exist."""
    return _hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher().hash(password)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise CodebookError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise CodebookError(f"a password has at most {MAX_PASSWORD} characters")


class UserAccounts:
    def users(self) -> list[User]:
        return self.store.users()

    def user(self, name: str) -> User:
        found = self.store.user(name)
        if found is None:
            raise CodebookError(f"no user '{name}' (see 'codebook users list')")
        return found[0]

    def add_user(self, name: str, password: str, role: str = "coder") -> User:
        """A new account; its name is checked like every coder name (it becomes one)."""
        name = check_name(name, "user name")
        role = check_role(role)
        self.store.add_user(name, role, hash_password(password))
        return self.user(name)

    def change_password(self, name: str, password: str) -> None:
        self.user(name)
        self.store.set_password_hash(name, hash_password(password))

    def set_role(self, name: str, role: str) -> User:
        self.user(name)
        self.store.set_role(name, check_role(role))
        return self.user(name)

    def remove_user(self, name: str) -> int:
        """Remove an account; its codings stay under its name. Returns how many there are."""
        self.user(name)
        self.store.remove_user(name)
        return self.store.coder_counts().get(name, 0)

    def authenticate(self, name: str, password: str) -> User | None:
        """The account if `password` is its password, else None (in about the same time)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        found = self.store.user(name) if name and len(password or "") <= MAX_PASSWORD else None
        stored = found[1] if found else _dummy_hash()
        try:
            _hasher().verify(stored, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if found is None:
            return None
        if not self.store.read_only:
            rehashed = _hasher().hash(password) if _hasher().check_needs_rehash(stored) else None
            self.store.record_sign_in(name, rehashed)
        return found[0]
