"""Copying another project's rows into this one, inside the caller's transaction.

What is already here (same transcript, span, code and coder; same memo) is not copied twice.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from codebook.model import Coding
from codebook.store import schema as s
from codebook.store.base import now


class CopyRows:
    def copy_transcript(self, conn: Connection, theirs, tid: int) -> int:
        """Insert their transcript with its original bytes, attributes, turns and segments."""
        with theirs.engine.connect() as src:
            row = dict(
                src.execute(select(s.transcripts).where(s.transcripts.c.id == tid)).mappings().one()
            )
            row.pop("id")
            new_id = conn.execute(insert(s.transcripts).values(**row)).inserted_primary_key[0]
            for table in (s.attributes, s.turns, s.segments):
                rows = [
                    dict(r)
                    for r in src.execute(
                        select(table).where(table.c.transcript_id == tid)
                    ).mappings()
                ]
                for r in rows:
                    r.pop("id", None)
                    r["transcript_id"] = new_id
                if rows:
                    conn.execute(insert(table), rows)
        return new_id

    def copy_codings(self, conn: Connection, codings: list[Coding], ids: dict[int, int]) -> int:
        """Insert their codings that we lack (same transcript, span, code and coder), in bulk."""
        cols = ("transcript_id", "start", "end", "code", "coder")
        have = {tuple(r) for r in conn.execute(select(*(s.codings.c[c] for c in cols)))}
        rows = []
        for c in codings:
            key = (ids[c.transcript_id], c.start, c.end, c.code, c.coder)
            if key not in have:
                have.add(key)
                rows.append(
                    dict(
                        zip(cols, key, strict=True),
                        origin=c.origin,
                        memo=c.memo,
                        created_at=c.created_at or now(),
                    )
                )
        self.ensure_coders(conn, {r["coder"] for r in rows})
        if rows:
            conn.execute(insert(s.codings), rows)
        return len(rows)

    def copy_memos(self, conn: Connection, theirs, ids: dict[int, int]) -> int:
        have = {
            tuple(r)
            for r in conn.execute(
                select(
                    s.memos.c.transcript_id,
                    s.memos.c.start,
                    s.memos.c.end,
                    s.memos.c.coder,
                    s.memos.c.text,
                )
            )
        }
        rows = []
        for m in theirs.memos():
            tid = ids.get(m.transcript_id) if m.transcript_id is not None else None
            key = (tid, m.start, m.end, m.coder, m.text)
            if key not in have:
                have.add(key)
                rows.append(
                    dict(
                        zip(("transcript_id", "start", "end", "coder", "text"), key, strict=True),
                        created_at=m.created_at,
                    )
                )
        self.ensure_coders(conn, {r["coder"] for r in rows})
        if rows:
            conn.execute(insert(s.memos), rows)
        return len(rows)

    def copy_rejections(self, conn: Connection, theirs, ids: dict[int, int]) -> int:
        cols = ("transcript_id", "start", "end", "code", "coder")
        have = {tuple(r) for r in conn.execute(select(*(s.rejections.c[c] for c in cols)))}
        rows = []
        for tid, start, end, code, coder in theirs.rejections():
            key = (ids[tid], start, end, code, coder)
            if key not in have:
                have.add(key)
                rows.append(dict(zip(cols, key, strict=True), created_at=now()))
        self.ensure_coders(conn, {r["coder"] for r in rows})
        if rows:
            conn.execute(insert(s.rejections), rows)
        return len(rows)
