"""Coders and codings: the work a keypress commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import Connection, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from codebook.model import CodebookError, Coding
from codebook.store import schema as s
from codebook.store.base import now
from codebook.store.rows import coding_key, insert_ignoring_duplicates, to_coding


class CodingRows:
    def ensure_coders(self, conn: Connection, names: Iterable[str]) -> None:
        """Register coders on first use; another process adding the same one is not an error."""
        names = set(names)
        if not names:
            return
        known = set(conn.scalars(select(s.coders.c.name).where(s.coders.c.name.in_(names))))
        missing = names - known
        if missing:
            conn.execute(
                insert_ignoring_duplicates(conn, s.coders),
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
        return [have[coding_key(c)] for c in items]

    def insert_new_codings(self, conn: Connection, items: list[Coding]) -> int:
        """Bulk-insert the codings not stored yet (one look-up, one insert); returns how many.

        A coding inserted by another process at the same moment is not an error."""
        if not items:
            return 0
        self.ensure_coders(conn, {c.coder for c in items})
        have = self._coding_ids(conn, items)
        fresh: dict[tuple, Coding] = {}
        for c in items:  # in the order given, which sets the order of the new ids
            if coding_key(c) not in have:
                fresh.setdefault(coding_key(c), c)
        if fresh:
            stamp = now()
            conn.execute(
                insert_ignoring_duplicates(conn, s.codings),
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
        return to_coding(row)

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
            return [to_coding(r) for r in conn.execute(q).mappings()]

    def coding_counts(self) -> dict[int, int]:
        """Number of codings per transcript id."""
        q = select(s.codings.c.transcript_id, func.count()).group_by(s.codings.c.transcript_id)
        with self.engine.connect() as conn:
            return {tid: n for tid, n in conn.execute(q)}

    def recode(self, codes: dict[int, str]) -> None:
        """Give codings other codes, {coding id: code}, in one transaction."""
        try:
            with self.transaction() as conn:
                for code in set(codes.values()):
                    self.recode_many(conn, [i for i, c in codes.items() if c == code], code)
        except IntegrityError:
            raise CodebookError(
                "the same coder already has that code on that span; nothing was recoded "
                "(merge the codes instead)"
            ) from None

    def recode_many(self, conn: Connection, ids: list[int], code: str) -> None:
        if ids:
            conn.execute(update(s.codings).where(s.codings.c.id.in_(ids)).values(code=code))

    def delete_codings(self, conn: Connection, ids: list[int]) -> None:
        if ids:
            conn.execute(delete(s.codings).where(s.codings.c.id.in_(ids)))

    def code_counts(self, coder: str | None = None) -> dict[str, int]:
        """Number of codings per code (of one coder, or everyone's)."""
        q = select(s.codings.c.code, func.count()).group_by(s.codings.c.code)
        if coder is not None:
            q = q.where(s.codings.c.coder == coder)
        with self.engine.connect() as conn:
            return {code: n for code, n in conn.execute(q)}

    def coder_counts(self) -> dict[str, int]:
        """Number of codings per coder (coders with none are left out)."""
        q = select(s.codings.c.coder, func.count()).group_by(s.codings.c.coder)
        with self.engine.connect() as conn:
            return {coder: n for coder, n in conn.execute(q)}

    def merge_codes(self, source: str, target: str) -> tuple[list[int], list[Coding]]:
        """Recode every `source` coding as `target` in one transaction; a coding the target
        already has (same span and coder) is removed instead of doubled.

        Returns (recoded ids, removed codings), what `unmerge_codes` needs to reverse it."""
        spot = lambda c: (c.transcript_id, c.start, c.end, c.coder)  # noqa: E731
        have = {spot(c) for c in self.codings(code=target)}
        moved = self.codings(code=source)
        recoded = [c.id for c in moved if spot(c) not in have]
        dropped = [c for c in moved if spot(c) in have]
        with self.transaction() as conn:
            self.recode_many(conn, recoded, target)
            self.delete_codings(conn, [c.id for c in dropped])
        return recoded, dropped

    def unmerge_codes(self, source: str, recoded: list[int], removed: list[Coding]) -> None:
        with self.transaction() as conn:
            self.recode_many(conn, recoded, source)
            if removed:
                self.add_codings([replace(c, id=None) for c in removed], conn)
