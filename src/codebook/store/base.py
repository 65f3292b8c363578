"""The engine, the schema's migration and the project's key-value metadata.

Each public write of a Store is one transaction that is committed before the method returns,
so a coding shown as done in the TUI is on disk (SQLite in WAL mode with synchronous=FULL).

A project that cannot be written (a read-only folder or file, a CD, a colleague's share) is
opened read-only: SQLite in `mode=ro` (`immutable` when no write-ahead log is pending, since a
WAL database in a read-only folder cannot create its shared-memory file), so every reading
command works and a write raises `ProjectReadOnly` before it starts. A full disk or a read-only
database met during a write becomes one line saying so. URLs are shown with the password
masked (`mask_url`), in every message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, create_engine, event, insert, inspect, select, text, update
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from codebook.files import describe
from codebook.model import CodebookError, ProjectReadOnly
from codebook.store import schema as s

SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = 8, 10, 13, 14
PG_READ_ONLY, PG_DISK_FULL = "25006", "53100"


def now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_read_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def mask_url(url: str | URL) -> str:
    """A database URL fit to show: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def scrub(message: str, url: str | URL) -> str:
    """`message` without the password of `url`, wherever a driver may have quoted it."""
    try:
        parsed = make_url(url)
        password, full = parsed.password, parsed.render_as_string(hide_password=False)
    except ArgumentError:
        found = re.search(r"://[^:/@]*:([^@]*)@", str(url))
        password, full = (found.group(1) if found else None), str(url)
    message = message.replace(full, mask_url(url))
    return message.replace(str(password), "***") if password else message


def read_only_place(path: Path) -> bool:
    """Whether SQLite could not write this store (the file, or its folder for the WAL files)."""
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def sqlite_read_uri(path: Path) -> str:
    """A `file:` URI that opens `path` for reading only, also in a read-only folder."""
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    mode = "mode=ro" if pending or os.access(path.parent, os.W_OK) else "mode=ro&immutable=1"
    return f"file:{quote(str(path.resolve()))}?{mode}"


class StoreBase:
    def __init__(self, engine: Engine, read_only: bool = False):
        self.engine = engine
        self.read_only = read_only

    @classmethod
    def open(cls, url: str | Path, create: bool = False, read_only: bool | None = None):
        """Open (and with `create`, make) the store at a SQLAlchemy URL or a SQLite file path.

        `read_only` None: read-only when the SQLite file or its folder cannot be written.
        """
        if isinstance(url, Path) or "://" not in str(url):
            path = Path(url)
            if not create and not path.exists():
                raise CodebookError(f"{path}: no project store here (run 'codebook init' first)")
            if read_only is None:
                read_only = not create and read_only_place(path)
            if read_only:
                engine = create_engine(f"sqlite:///{sqlite_read_uri(path)}&uri=true")
                event.listen(engine, "connect", _sqlite_read_pragmas)
                return cls._opened(engine, read_only=True)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise CodebookError(f"{path.parent}: cannot create ({describe(e)})") from None
            url = f"sqlite:///{path}"
        try:
            engine = create_engine(str(url))
        except (ArgumentError, ValueError) as e:
            message = scrub(str(e), url)
            raise CodebookError(f"{mask_url(url)}: not a database URL ({message})") from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        elif read_only and engine.dialect.name == "postgresql":
            engine = engine.execution_options(postgresql_readonly=True)  # the server refuses too
        return cls._opened(engine, bool(read_only))

    @classmethod
    def _opened(cls, engine: Engine, read_only: bool):
        store = cls(engine, read_only)
        try:
            if read_only:
                store._check_schema()
            else:
                store._migrate()
        except DBAPIError as e:
            engine.dispose()
            doing = "cannot open the project store"
            translated = store._translated(e, doing)
            message = scrub(str(e.orig), engine.url)
            raise translated or CodebookError(f"{store.location}: {doing}: {message}") from None
        return store

    @classmethod
    def from_env_or_path(cls, path: Path, create: bool = False):
        """The store of CODEBOOK_DB or `path`; CODEBOOK_READ_ONLY=1 opens it for reading only
        (what `serve` gives a reviewer's tab, and a safe way to browse a colleague's copy)."""
        read_only = True if os.environ.get("CODEBOOK_READ_ONLY", "") in ("1", "true") else None
        if create:
            read_only = None
        return cls.open(os.environ.get("CODEBOOK_DB") or path, create=create, read_only=read_only)

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite file of the store, or None for a server database."""
        if self.engine.dialect.name != "sqlite":
            return None
        database = self.engine.url.database
        if database.startswith("file:"):  # opened read-only through a URI
            from urllib.parse import unquote

            database = unquote(database[5:].split("?", 1)[0])
        return Path(database)

    @property
    def location(self) -> str:
        """Where the store is, fit to show: the SQLite file, or the URL without its password."""
        where = str(self.sqlite_file) if self.sqlite_file else mask_url(self.engine.url)
        return where + (" (read-only)" if self.read_only else "")

    def _migrate(self) -> None:
        """New tables are created; new nullable columns of existing tables are added.

        So a project made by an older version opens in a newer one without a migration script
        per release, as long as the schema only grows.
        """
        s.metadata.create_all(self.engine)
        version = self._check_version()
        self._add_missing_columns()
        if version is None or int(version) < s.SCHEMA_VERSION:
            self.set_meta("schema_version", str(s.SCHEMA_VERSION))

    def _check_version(self) -> str | None:
        version = self.get_meta("schema_version")
        if version is not None and int(version) > s.SCHEMA_VERSION:
            raise CodebookError(
                f"the project store has schema version {version}; this codebook knows "
                f"{s.SCHEMA_VERSION}: upgrade codebook"
            )
        return version

    def _check_schema(self) -> None:
        """Read-only: nothing can be migrated, so refuse only what reading cannot work around.

        A table added by a newer version may be missing (only its own feature needs it); a
        column missing from an existing table would break every read of that table.
        """
        found = inspect(self.engine)
        tables = set(found.get_table_names())
        if "meta" not in tables:
            raise CodebookError(f"{self.location}: not a codebook project store")
        self._check_version()
        for table in s.metadata.sorted_tables:
            if table.name not in tables:
                continue
            have = {c["name"] for c in found.get_columns(table.name)}
            missing = [c.name for c in table.columns if c.name not in have]
            if missing:
                raise ProjectReadOnly(
                    f"{self.location}: made by an older codebook and needs new columns "
                    f"({table.name}.{missing[0]}); open it once where it can be written"
                )

    def _add_missing_columns(self) -> None:
        found = inspect(self.engine)
        with self.transaction() as conn:
            for table in s.metadata.sorted_tables:
                have = {c["name"] for c in found.get_columns(table.name)}
                for column in table.columns:
                    if column.name in have:
                        continue
                    if not column.nullable:
                        raise CodebookError(
                            f"cannot add the required column {table.name}.{column.name} to an "
                            "existing project store"
                        )
                    kind = column.type.compile(dialect=conn.dialect)
                    conn.execute(
                        text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
                    )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One committed transaction; a read-only store or a full disk is one clear error."""
        if self.read_only:
            raise self.read_only_error()
        try:
            with self.engine.begin() as conn:
                yield conn
        except DBAPIError as e:
            translated = self._translated(e, "cannot save")
            if translated is None:
                raise
            raise translated from None

    def read_only_error(self) -> ProjectReadOnly:
        where = self.location.removesuffix(" (read-only)")
        return ProjectReadOnly(f"{where}: the project is read-only; nothing was changed")

    def _translated(self, e: DBAPIError, doing: str) -> CodebookError | None:
        """A database error as a researcher reads it, or None for one that is a bug."""
        orig = e.orig
        sqlite_code = getattr(orig, "sqlite_errorcode", None)
        primary = sqlite_code & 0xFF if isinstance(sqlite_code, int) else None
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        where = self.location.removesuffix(" (read-only)")
        if primary == SQLITE_READONLY or state == PG_READ_ONLY:
            return self.read_only_error()
        if primary == SQLITE_FULL or state == PG_DISK_FULL:
            return CodebookError(f"{where}: the disk is full; nothing was saved")
        if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) or isinstance(e, OperationalError):
            return CodebookError(f"{where}: {doing}: {scrub(str(orig), self.engine.url)}")
        return None

    def close(self) -> None:
        self.engine.dispose()

    # -- meta -------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(s.meta.c.value).where(s.meta.c.key == key))

    def set_meta(self, key: str, value: str, conn: Connection | None = None) -> None:
        if conn is None:
            with self.transaction() as conn:
                return self.set_meta(key, value, conn)
        if conn.scalar(select(s.meta.c.key).where(s.meta.c.key == key)) is None:
            conn.execute(insert(s.meta).values(key=key, value=value))
        else:
            conn.execute(update(s.meta).where(s.meta.c.key == key).values(value=value))
