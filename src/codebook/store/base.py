"""The engine, the schema's migration and the project's key-value metadata.

Each public write of a Store is one transaction that is committed before the method returns,
so a coding shown as done in the TUI is on disk (SQLite in WAL mode with synchronous=FULL).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, event, insert, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from codebook.model import CodebookError
from codebook.store import schema as s


def now() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class StoreBase:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str | Path, create: bool = False):
        """Open (and with `create`, make) the store at a SQLAlchemy URL or a SQLite file path."""
        if isinstance(url, Path) or "://" not in str(url):
            path = Path(url)
            if not create and not path.exists():
                raise CodebookError(f"{path}: no project store here (run 'codebook init' first)")
            path.parent.mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{path}"
        engine = create_engine(str(url), future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        try:
            store._migrate()
        except OperationalError as e:
            raise CodebookError(f"cannot open the project store: {e.orig}") from None
        return store

    @classmethod
    def from_env_or_path(cls, path: Path, create: bool = False):
        return cls.open(os.environ.get("CODEBOOK_DB") or path, create=create)

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite file of the store, or None for a server database."""
        if self.engine.dialect.name != "sqlite":
            return None
        return Path(self.engine.url.database)

    def _migrate(self) -> None:
        """New tables are created; new nullable columns of existing tables are added.

        So a project made by an older version opens in a newer one without a migration script
        per release, as long as the schema only grows.
        """
        s.metadata.create_all(self.engine)
        version = self.get_meta("schema_version")
        if version is not None and int(version) > s.SCHEMA_VERSION:
            raise CodebookError(
                f"the project store has schema version {version}; this codebook knows "
                f"{s.SCHEMA_VERSION}: upgrade codebook"
            )
        self._add_missing_columns()
        if version is None or int(version) < s.SCHEMA_VERSION:
            self.set_meta("schema_version", str(s.SCHEMA_VERSION))

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
        with self.engine.begin() as conn:
            yield conn

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
