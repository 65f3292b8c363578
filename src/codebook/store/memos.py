"""Memos and rejected suggestions."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from codebook.model import Memo
from codebook.store import schema as s
from codebook.store.base import now
from codebook.store.rows import to_memo


class MemoRows:
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
            return [to_memo(r) for r in conn.execute(q).mappings()]

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

    def insert_new_memos(self, conn: Connection, rows: list[tuple]) -> int:
        """Insert (transcript id, start, end, coder, text) rows not stored yet; returns how many.

        So importing the same file twice adds no memo twice.
        """
        if not rows:
            return 0
        cols = (s.memos.c.transcript_id, s.memos.c.start, s.memos.c.end, s.memos.c.coder)
        have = {tuple(r) for r in conn.execute(select(*cols, s.memos.c.text))}
        self.ensure_coders(conn, {r[3] for r in rows})
        fresh = [r for r in dict.fromkeys(rows) if r not in have]
        if fresh:
            stamp = now()
            conn.execute(
                insert(s.memos),
                [
                    dict(transcript_id=t, start=b, end=e, coder=c, text=x, created_at=stamp)
                    for t, b, e, c, x in fresh
                ],
            )
        return len(fresh)
