"""Rows to domain objects, and the insert that tolerates another writer's identical row."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from codebook.model import Coding, Memo, Transcript


def coding_key(c: Coding) -> tuple:
    return (c.transcript_id, c.start, c.end, c.code, c.coder)


def insert_ignoring_duplicates(conn: Connection, table):
    if conn.dialect.name in ("sqlite", "postgresql"):
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        return dialect.insert(table).on_conflict_do_nothing()
    return insert(table)


def insert_many(conn: Connection, table, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain tuples (in `columns` order) through the driver's executemany.

    For the tens of thousands of segments of an import: SQLAlchemy builds parameters row by
    row, which took longer than SQLite's own insert; the statement is still SQLAlchemy's,
    compiled once for the dialect, in the caller's transaction."""
    if not rows:
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=columns)
    if compiled.positional:
        order = [columns.index(name) for name in compiled.positiontup]
        if order == list(range(len(columns))):
            params = rows
        else:
            params = [tuple(row[i] for i in order) for row in rows]
    else:
        params = [dict(zip(columns, row, strict=True)) for row in rows]
    conn.exec_driver_sql(str(compiled), params)


def to_transcript(row, attrs: dict[str, str]) -> Transcript:
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


def to_coding(row) -> Coding:
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


def to_memo(r) -> Memo:
    return Memo(r["id"], r["transcript_id"], r["start"], r["end"], r["coder"], r["text"],
                r["created_at"])  # fmt: skip
