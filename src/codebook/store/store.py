"""The Store: every read and write of project data goes through here.

Each public write is one transaction that is committed before the method returns, so a coding
shown as done in the TUI is on disk (SQLite in WAL mode with synchronous=FULL).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Connection,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from codebook.model import CodebookError, Coding, Memo, Segment, Transcript, Turn
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


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str | Path, create: bool = False) -> Store:
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
    def from_env_or_path(cls, path: Path, create: bool = False) -> Store:
        return cls.open(os.environ.get("CODEBOOK_DB") or path, create=create)

    def _migrate(self) -> None:
        s.metadata.create_all(self.engine)
        version = self.get_meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(s.SCHEMA_VERSION))
        elif int(version) > s.SCHEMA_VERSION:
            raise CodebookError(
                f"the project store has schema version {version}; this codebook knows "
                f"{s.SCHEMA_VERSION}: upgrade codebook"
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

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            if conn.scalar(select(s.meta.c.key).where(s.meta.c.key == key)) is None:
                conn.execute(insert(s.meta).values(key=key, value=value))
            else:
                conn.execute(update(s.meta).where(s.meta.c.key == key).values(value=value))

    # -- transcripts ------------------------------------------------------------------------
    def write_transcript(self, conn: Connection, parsed, replace_id: int | None = None) -> int:
        """Insert (or replace the text, turns and segments of) a transcript inside `conn`."""
        row = dict(
            name=parsed.name,
            file_name=parsed.file_name,
            format=parsed.format,
            language=parsed.language,
            sha256=parsed.sha256,
            text=parsed.text,
            original=parsed.original,
            metadata=parsed.metadata,
            imported_at=now(),
        )
        if replace_id is None:
            tid = conn.execute(insert(s.transcripts).values(**row)).inserted_primary_key[0]
        else:
            tid = replace_id
            conn.execute(update(s.transcripts).where(s.transcripts.c.id == tid).values(**row))
            for table in (s.turns, s.segments, s.attributes):
                conn.execute(delete(table).where(table.c.transcript_id == tid))
        self.write_attributes(conn, tid, parsed.attributes)
        if parsed.turns:
            conn.execute(
                insert(s.turns),
                [
                    dict(
                        transcript_id=tid,
                        idx=i,
                        speaker=t.speaker,
                        start=t.start,
                        end=t.end,
                        timestamp=t.timestamp,
                    )
                    for i, t in enumerate(parsed.turns)
                ],
            )
        if parsed.segments:
            conn.execute(
                insert(s.segments),
                [
                    dict(
                        transcript_id=tid,
                        idx=g.index,
                        start=g.start,
                        end=g.end,
                        speaker=g.speaker,
                        timestamp=g.timestamp,
                    )
                    for g in parsed.segments
                ],
            )
        return tid

    def write_attributes(self, conn: Connection, tid: int, attrs: dict[str, str]) -> None:
        conn.execute(delete(s.attributes).where(s.attributes.c.transcript_id == tid))
        if attrs:
            conn.execute(
                insert(s.attributes),
                [dict(transcript_id=tid, key=k, value=v) for k, v in attrs.items()],
            )

    def transcripts(self) -> list[Transcript]:
        """All transcripts (without their original bytes), in name order."""
        cols = [c for c in s.transcripts.c if c.name != "original"]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).order_by(s.transcripts.c.name)).mappings().all()
            attrs: dict[int, dict[str, str]] = {}
            for a in conn.execute(select(s.attributes)).mappings():
                attrs.setdefault(a["transcript_id"], {})[a["key"]] = a["value"]
        return [_transcript(r, attrs.get(r["id"], {})) for r in rows]

    def transcript(self, name_or_id: str | int) -> Transcript:
        col = s.transcripts.c.id if isinstance(name_or_id, int) else s.transcripts.c.name
        cols = [c for c in s.transcripts.c if c.name != "original"]
        with self.engine.connect() as conn:
            row = conn.execute(select(*cols).where(col == name_or_id)).mappings().first()
            if row is None:
                raise CodebookError(f"no transcript named '{name_or_id}'")
            attrs = {
                a["key"]: a["value"]
                for a in conn.execute(
                    select(s.attributes).where(s.attributes.c.transcript_id == row["id"])
                ).mappings()
            }
        return _transcript(row, attrs)

    def original(self, tid: int) -> bytes:
        with self.engine.connect() as conn:
            return conn.scalar(select(s.transcripts.c.original).where(s.transcripts.c.id == tid))

    def turns(self, tid: int) -> list[Turn]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(s.turns).where(s.turns.c.transcript_id == tid).order_by(s.turns.c.idx)
            ).mappings()
            return [Turn(r["speaker"], r["start"], r["end"], r["timestamp"]) for r in rows]

    def segments(self, tid: int | None = None) -> list[Segment]:
        q = select(s.segments).order_by(s.segments.c.transcript_id, s.segments.c.idx)
        if tid is not None:
            q = q.where(s.segments.c.transcript_id == tid)
        with self.engine.connect() as conn:
            return [
                Segment(
                    r["id"],
                    r["transcript_id"],
                    r["idx"],
                    r["start"],
                    r["end"],
                    r["speaker"],
                    r["timestamp"],
                )
                for r in conn.execute(q).mappings()
            ]

    def reanchor(self, conn: Connection, tid: int, span, old_text: str) -> dict[str, int]:
        """Move the codings, memos and rejections of a transcript with `span(start, end)`.

        Rows are rewritten as a whole so that spans may pass over each other; two codings that
        land on the same span become one. Codings whose text is gone go to `detached_codings`
        with their quote, never dropped; memos whose text is gone stay on the transcript with
        the quote prepended.
        """
        counts = {"unchanged": 0, "moved": 0, "changed": 0, "lost": 0}
        for table in (s.codings, s.rejections):
            rows = conn.execute(select(table).where(table.c.transcript_id == tid)).mappings()
            rows = rows.all()
            conn.execute(delete(table).where(table.c.transcript_id == tid))
            kept: dict[tuple, dict] = {}
            for row in rows:
                anchor = span(row["start"], row["end"])
                if table is s.codings:
                    counts[anchor.status] += 1
                if anchor.status == "lost":
                    if table is s.codings:
                        conn.execute(
                            insert(s.detached_codings).values(
                                transcript_id=tid,
                                start=row["start"],
                                end=row["end"],
                                quote=old_text[row["start"] : row["end"]],
                                code=row["code"],
                                coder=row["coder"],
                                memo=row["memo"],
                                created_at=row["created_at"],
                                detached_at=now(),
                            )
                        )
                    continue  # a rejection is a hint, not work: it goes with its text
                moved = {**dict(row), "start": anchor.start, "end": anchor.end}
                moved.pop("id")
                kept.setdefault((anchor.start, anchor.end, row["code"], row["coder"]), moved)
            if kept:
                conn.execute(insert(table), list(kept.values()))
        memo_rows = conn.execute(
            select(s.memos).where(s.memos.c.transcript_id == tid, s.memos.c.start.is_not(None))
        ).mappings()
        for row in memo_rows.all():
            anchor = span(row["start"], row["end"])
            values = {"start": anchor.start, "end": anchor.end}
            if anchor.status == "lost":
                quote = old_text[row["start"] : row["end"]]
                values["text"] = f"[detached from: {quote!r}] {row['text']}"
            conn.execute(update(s.memos).where(s.memos.c.id == row["id"]).values(**values))
        return counts

    def detached_codings(self, tid: int | None = None) -> list[dict]:
        q = select(s.detached_codings).order_by(s.detached_codings.c.id)
        if tid is not None:
            q = q.where(s.detached_codings.c.transcript_id == tid)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q).mappings()]

    # -- coders and codings -----------------------------------------------------------------
    def ensure_coders(self, conn: Connection, names: Iterable[str]) -> None:
        """Register coders on first use; another process adding the same one is not an error."""
        names = set(names)
        if not names:
            return
        known = set(conn.scalars(select(s.coders.c.name).where(s.coders.c.name.in_(names))))
        missing = names - known
        if missing:
            conn.execute(
                _insert_ignoring_duplicates(conn, s.coders),
                [dict(name=n, created_at=now()) for n in missing],
            )

    def coders(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.scalars(select(s.coders.c.name).order_by(s.coders.c.name)))

    def add_coding(self, coding: Coding) -> int:
        """Store one coding; returns its id (the existing id if the same coding is there)."""
        return self.add_codings([coding])[0]

    def add_codings(self, items: Iterable[Coding], conn: Connection | None = None) -> list[int]:
        """Store codings in one transaction; returns their ids (codings already there keep
        theirs and are not doubled)."""
        items = list(items)
        if not items:
            return []
        if conn is None:
            with self.transaction() as conn:
                return self.add_codings(items, conn)
        self.insert_new_codings(conn, items)
        have = self._coding_ids(conn, items)
        return [have[_key(c)] for c in items]

    def insert_new_codings(self, conn: Connection, items: list[Coding]) -> int:
        """Bulk-insert the codings not stored yet (one look-up, one insert); returns how many.

        A coding inserted by another process at the same moment is not an error."""
        if not items:
            return 0
        self.ensure_coders(conn, {c.coder for c in items})
        have = self._coding_ids(conn, items)
        fresh: dict[tuple, Coding] = {}
        for c in items:  # in the order given, which sets the order of the new ids
            if _key(c) not in have:
                fresh.setdefault(_key(c), c)
        if fresh:
            stamp = now()
            conn.execute(
                _insert_ignoring_duplicates(conn, s.codings),
                [
                    dict(
                        transcript_id=c.transcript_id,
                        start=c.start,
                        end=c.end,
                        code=c.code,
                        coder=c.coder,
                        origin=c.origin,
                        memo=c.memo,
                        created_at=c.created_at or stamp,
                    )
                    for c in fresh.values()
                ],
            )
        return len(fresh)

    def _coding_ids(self, conn: Connection, items: list[Coding]) -> dict[tuple, int]:
        """Ids of stored codings with the keys of `items`: by key for a few (a keypress),
        by transcript for many (an import)."""
        c = s.codings.c
        q = select(c.id, c.transcript_id, c.start, c.end, c.code, c.coder)
        if len(items) <= 20:
            q = q.where(
                or_(
                    *(
                        and_(
                            c.transcript_id == i.transcript_id,
                            c.start == i.start,
                            c.end == i.end,
                            c.code == i.code,
                            c.coder == i.coder,
                        )
                        for i in items
                    )
                )
            )
        else:
            q = q.where(c.transcript_id.in_({i.transcript_id for i in items}))
        return {tuple(r[1:]): r[0] for r in conn.execute(q)}

    def remove_coding(self, coding_id: int) -> Coding | None:
        """Delete a coding; returns what was deleted so that undo can put it back."""
        with self.transaction() as conn:
            row = (
                conn.execute(select(s.codings).where(s.codings.c.id == coding_id))
                .mappings()
                .first()
            )
            if row is None:
                return None
            conn.execute(delete(s.codings).where(s.codings.c.id == coding_id))
        return _coding(row)

    def update_coding(self, coding_id: int, **values) -> None:
        """Change code, span or memo of a coding (recode, move, annotate)."""
        allowed = {"code", "start", "end", "memo"}
        if not set(values) <= allowed:
            raise ValueError(f"cannot update {set(values) - allowed}")
        try:
            with self.transaction() as conn:
                conn.execute(update(s.codings).where(s.codings.c.id == coding_id).values(**values))
        except IntegrityError:
            raise CodebookError("that coding already exists") from None

    def codings(
        self, tid: int | None = None, coder: str | None = None, code: str | None = None
    ) -> list[Coding]:
        q = select(s.codings).order_by(s.codings.c.transcript_id, s.codings.c.start, s.codings.c.id)
        if tid is not None:
            q = q.where(s.codings.c.transcript_id == tid)
        if coder is not None:
            q = q.where(s.codings.c.coder == coder)
        if code is not None:
            q = q.where(s.codings.c.code == code)
        with self.engine.connect() as conn:
            return [_coding(r) for r in conn.execute(q).mappings()]

    def coding_counts(self) -> dict[int, int]:
        """Number of codings per transcript id."""
        q = select(s.codings.c.transcript_id, func.count()).group_by(s.codings.c.transcript_id)
        with self.engine.connect() as conn:
            return {tid: n for tid, n in conn.execute(q)}

    # -- memos and rejections ---------------------------------------------------------------
    def add_memo(self, memo: Memo) -> int:
        with self.transaction() as conn:
            self.ensure_coders(conn, [memo.coder])
            return conn.execute(
                insert(s.memos).values(
                    transcript_id=memo.transcript_id,
                    start=memo.start,
                    end=memo.end,
                    coder=memo.coder,
                    text=memo.text,
                    created_at=memo.created_at or now(),
                )
            ).inserted_primary_key[0]

    def remove_memo(self, memo_id: int) -> None:
        with self.transaction() as conn:
            conn.execute(delete(s.memos).where(s.memos.c.id == memo_id))

    def memos(self, tid: int | None = None) -> list[Memo]:
        q = select(s.memos).order_by(s.memos.c.id)
        if tid is not None:
            q = q.where(s.memos.c.transcript_id == tid)
        with self.engine.connect() as conn:
            return [
                Memo(
                    r["id"],
                    r["transcript_id"],
                    r["start"],
                    r["end"],
                    r["coder"],
                    r["text"],
                    r["created_at"],
                )
                for r in conn.execute(q).mappings()
            ]

    def add_rejection(self, tid: int, start: int, end: int, code: str, coder: str) -> None:
        with self.transaction() as conn:
            self.ensure_coders(conn, [coder])
            exists = conn.scalar(
                select(s.rejections.c.id).where(
                    s.rejections.c.transcript_id == tid,
                    s.rejections.c.start == start,
                    s.rejections.c.end == end,
                    s.rejections.c.code == code,
                    s.rejections.c.coder == coder,
                )
            )
            if exists is None:
                conn.execute(
                    insert(s.rejections).values(
                        transcript_id=tid,
                        start=start,
                        end=end,
                        code=code,
                        coder=coder,
                        created_at=now(),
                    )
                )

    def remove_rejection(self, tid: int, start: int, end: int, code: str, coder: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                delete(s.rejections).where(
                    s.rejections.c.transcript_id == tid,
                    s.rejections.c.start == start,
                    s.rejections.c.end == end,
                    s.rejections.c.code == code,
                    s.rejections.c.coder == coder,
                )
            )

    def rejections(self, tid: int | None = None) -> list[tuple[int, int, int, str, str]]:
        """(transcript id, start, end, code, coder) of every rejected suggestion."""
        q = select(
            s.rejections.c.transcript_id,
            s.rejections.c.start,
            s.rejections.c.end,
            s.rejections.c.code,
            s.rejections.c.coder,
        )
        if tid is not None:
            q = q.where(s.rejections.c.transcript_id == tid)
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(q)]


def _key(c: Coding) -> tuple:
    return (c.transcript_id, c.start, c.end, c.code, c.coder)


def _insert_ignoring_duplicates(conn: Connection, table):
    if conn.dialect.name in ("sqlite", "postgresql"):
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        return dialect.insert(table).on_conflict_do_nothing()
    return insert(table)


def _transcript(row, attrs: dict[str, str]) -> Transcript:
    return Transcript(
        id=row["id"],
        name=row["name"],
        file_name=row["file_name"],
        format=row["format"],
        language=row["language"],
        sha256=row["sha256"],
        text=row["text"],
        attributes=attrs,
        metadata=row["metadata"] or {},
        imported_at=row["imported_at"],
    )


def _coding(row) -> Coding:
    return Coding(
        id=row["id"],
        transcript_id=row["transcript_id"],
        start=row["start"],
        end=row["end"],
        code=row["code"],
        coder=row["coder"],
        origin=row["origin"],
        memo=row["memo"],
        created_at=row["created_at"],
    )
