"""Transcripts with their attributes, turns and segments; re-anchoring after a correction."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, update

from codebook.model import CodebookError, Segment, Transcript, Turn
from codebook.store import schema as s
from codebook.store.base import now
from codebook.store.rows import insert_many, to_transcript


class TranscriptRows:
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
        insert_many(
            conn,
            s.turns,
            ["transcript_id", "idx", "speaker", "start", "end", "timestamp"],
            [(tid, i, t.speaker, t.start, t.end, t.timestamp) for i, t in enumerate(parsed.turns)],
        )
        insert_many(
            conn,
            s.segments,
            ["transcript_id", "idx", "start", "end", "speaker", "timestamp", "page"],
            [
                (tid, g.index, g.start, g.end, g.speaker, g.timestamp, g.page)
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
        return [to_transcript(r, attrs.get(r["id"], {})) for r in rows]

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
        return to_transcript(row, attrs)

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
                    r["page"],
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

    def write_import(self, steps, remap) -> dict[str, dict[str, int]]:
        """Write planned import steps (`ingest.plan.Step`) in one transaction.

        `remap(old_text, new_text)` gives the span function that re-anchors the codings of a
        replaced transcript. Returns the re-anchoring counts per replaced transcript name.
        """
        moved: dict[str, dict[str, int]] = {}
        with self.transaction() as conn:
            for step in steps:
                old = step.existing
                if step.action == "attributes":
                    self.write_attributes(
                        conn, old.id, {**old.attributes, **step.parsed.attributes}
                    )
                elif step.writes_text:
                    replace_id = old.id if step.action == "replace" else None
                    tid = self.write_transcript(conn, step.parsed, replace_id=replace_id)
                    if step.action == "replace":
                        span = remap(old.text, step.parsed.text)
                        moved[old.name] = self.reanchor(conn, tid, span, old.text)
        return moved

    def segment_counts(self) -> dict[int, int]:
        """Number of segments per transcript id."""
        q = select(s.segments.c.transcript_id, func.count()).group_by(s.segments.c.transcript_id)
        with self.engine.connect() as conn:
            return {tid: n for tid, n in conn.execute(q)}
