"""Bulk reads for analysis: whole tables as plain tuples.

SQLAlchemy's Row objects cost more than the query itself at scale (1,000 transcripts, 50,000
codings), so these read through the DB-API cursor and leave sorting to pandas (an ORDER BY
over an index makes SQLite jump around the table).
"""

from __future__ import annotations

from sqlalchemy import select

from codebook.store import schema as s

SEGMENT_FIELDS = (
    "segment_id",
    "transcript_id",
    "index",
    "start",
    "end",
    "speaker",
    "timestamp",
    "page",
)
CODING_FIELDS = (
    "coding_id",
    "transcript_id",
    "start",
    "end",
    "code",
    "coder",
    "origin",
    "memo",
    "created_at",
)


class BulkRows:
    def bulk_rows(self) -> dict[str, list[tuple]]:
        """`texts` (id, name, text), `segments`, `codings` (as *_FIELDS), `attributes`."""
        t, g, c, a = s.transcripts, s.segments, s.codings, s.attributes
        seg_q = select(g.c.id, g.c.transcript_id, g.c.idx, g.c.start, g.c.end, g.c.speaker)
        seg_q = seg_q.add_columns(g.c.timestamp, g.c.page)
        cod_q = select(*(c.c[name] for name in ("id", *CODING_FIELDS[1:])))
        with self.engine.connect() as conn:
            return {
                "texts": _fetch(conn, select(t.c.id, t.c.name, t.c.text)),
                "segments": _fetch(conn, seg_q),
                "codings": _fetch(conn, cod_q),
                "attributes": _fetch(conn, select(a.c.transcript_id, a.c.key, a.c.value)),
            }

    def offset_rows(self) -> dict[str, list[tuple]]:
        """Offsets only, no texts, for progress counts of many transcripts: `names` (id, name),
        `segments` (transcript id, start, end: the respondents' only, since the interviewer's
        turns are never to be coded), `codings` (transcript id, start, end, coder)."""
        t, c = s.transcripts, s.codings
        segments = self.respondent_offsets()
        with self.engine.connect() as conn:
            return {
                "names": _fetch(conn, select(t.c.id, t.c.name)),
                "segments": segments,
                "codings": _fetch(conn, select(c.c.transcript_id, c.c.start, c.c.end, c.c.coder)),
            }


def _fetch(conn, query) -> list[tuple]:
    sql = query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(sql))
        return cursor.fetchall()
    finally:
        cursor.close()
