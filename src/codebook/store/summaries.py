"""Framework summaries: one text per (case, code, coder).

A write returns the summary it replaced (or removed), which is all that undo needs: putting
that back, or removing the key when there was none, restores the cell exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from codebook.model import Summary
from codebook.store import schema as s
from codebook.store.base import now

Key = tuple[str, str, str, str]  # (row kind, row, code, coder)


def _to_summary(r) -> Summary:
    return Summary(
        r["row_kind"], r["row"], r["code"], r["coder"], r["text"],
        r["created_at"], r["updated_at"], r["id"],
    )  # fmt: skip


def _where(key: Key):
    c = s.summaries.c
    return and_(c.row_kind == key[0], c.row == key[1], c.code == key[2], c.coder == key[3])


class SummaryRows:
    def summaries(
        self, row_kind: str | None = None, coder: str | None = None, code: str | None = None
    ) -> list[Summary]:
        c = s.summaries.c
        q = select(s.summaries).order_by(c.row_kind, c.row, c.code, c.coder)
        for column, value in ((c.row_kind, row_kind), (c.coder, coder), (c.code, code)):
            if value is not None:
                q = q.where(column == value)
        with self.engine.connect() as conn:
            return [_to_summary(r) for r in conn.execute(q).mappings()]

    def summary(self, key: Key) -> Summary | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.summaries).where(_where(key))).mappings().first()
        return _to_summary(row) if row is not None else None

    def put_summary(self, summary: Summary) -> Summary | None:
        """Write one summary (new or replacing the coder's text of that cell); returns the
        summary it replaced, None if the cell was empty."""
        return self.put_summaries([summary])[0]

    def put_summaries(self, items: Iterable[Summary]) -> list[Summary | None]:
        """Write summaries in one transaction; returns what each replaced (for undo)."""
        items = list(items)
        if not items:
            return []
        with self.transaction() as conn:
            self.ensure_coders(conn, {i.coder for i in items})
            before = self._summaries_by_key(conn, [i.key for i in items])
            stamp = now()
            replaced: list[Summary | None] = []
            for item in items:
                old = before.get(item.key)
                replaced.append(old)
                values = dict(text=item.text, updated_at=item.updated_at or stamp)
                if old is None:
                    conn.execute(
                        insert(s.summaries).values(
                            row_kind=item.row_kind, row=item.row, code=item.code,
                            coder=item.coder, created_at=item.created_at or stamp, **values,
                        )
                    )  # fmt: skip
                else:
                    if item.created_at is not None:  # undo puts the original times back
                        values["created_at"] = item.created_at
                    conn.execute(update(s.summaries).where(_where(item.key)).values(**values))
                before[item.key] = item
            return replaced

    def remove_summary(self, key: Key) -> Summary | None:
        """Delete a cell's summary by one coder; returns it (None if there was none)."""
        with self.transaction() as conn:
            old = self._summaries_by_key(conn, [key]).get(key)
            if old is not None:
                conn.execute(delete(s.summaries).where(_where(key)))
        return old

    def restore_summary(self, key: Key, before: Summary | None) -> None:
        """Undo a write or removal of `key`: put `before` back, or empty the cell."""
        if before is None:
            self.remove_summary(key)
        else:
            self.put_summary(before)

    def _summaries_by_key(self, conn: Connection, keys: list[Key]) -> dict[Key, Summary]:
        q = select(s.summaries)
        if len(keys) <= 20:
            q = q.where(or_(*(_where(k) for k in keys)))
        found = {}
        for r in conn.execute(q).mappings():
            summary = _to_summary(r)
            found[summary.key] = summary
        return found

    def copy_summaries(self, conn: Connection, theirs, rename: dict[str, str]) -> int:
        """Bring in another store's summaries (merge), transcript rows renamed by `rename`:
        new cells are added, a cell both have keeps the text written last; returns how many
        were added or replaced."""
        mine = {}
        for r in conn.execute(select(s.summaries)).mappings():
            mine[(r["row_kind"], r["row"], r["code"], r["coder"])] = r["updated_at"]
        fresh = []
        for item in theirs.summaries():
            if item.row_kind == "transcript":
                item.row = rename.get(item.row, item.row)
            when = mine.get(item.key)
            if when is None or (item.updated_at and _naive(item.updated_at) > _naive(when)):
                fresh.append(item)
        self.ensure_coders(conn, {i.coder for i in fresh})
        for item in fresh:
            conn.execute(delete(s.summaries).where(_where(item.key)))
        if fresh:
            conn.execute(
                insert(s.summaries),
                [
                    dict(row_kind=i.row_kind, row=i.row, code=i.code, coder=i.coder, text=i.text,
                         created_at=i.created_at, updated_at=i.updated_at)
                    for i in fresh
                ],
            )  # fmt: skip
        return len(fresh)


def _naive(value):
    """Times compared alike whether a database gave them with a time zone or without."""
    return value.replace(tzinfo=None) if getattr(value, "tzinfo", None) else value
