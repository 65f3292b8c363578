"""Participants (cases) with their attributes, and the speaker labels of each transcript.

A speaker row links a label of one transcript (`I`, `Fatima`, ...) to a participant and may
override the interviewer rule. Speaker rows are keyed by label, so they survive a corrected
transcript being re-imported; a label no transcript uses any more is simply not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select, update

from codebook.model import CodebookError, Participant, Speaker, is_interviewer
from codebook.store import schema as s
from codebook.store.base import now
from codebook.store.bulk import _fetch


@dataclass
class SpeakerChange:
    """What `set_speaker` changed, so that `undo_speaker` can put it back."""

    before: Speaker
    after: Speaker
    created: str | None = None  # a participant that `set_speaker` created


class ParticipantRows:
    # -- reading -------------------------------------------------------------------------------
    def participants(self) -> list[Participant]:
        """Every participant with their own attributes, in name order."""
        p, a = s.participants, s.participant_attributes
        with self.engine.connect() as conn:
            rows = conn.execute(select(p.c.id, p.c.name).order_by(p.c.name)).all()
            attrs: dict[int, dict[str, str]] = {}
            for pid, key, value in conn.execute(select(a.c.participant_id, a.c.key, a.c.value)):
                attrs.setdefault(pid, {})[key] = value
        return [Participant(pid, name, attrs.get(pid, {})) for pid, name in rows]

    def speakers(self, tid: int | None = None) -> list[Speaker]:
        """Every speaker label that segments of a transcript carry, with what is known of it."""
        return [row[0] for row in self.speaker_rows(tid)]

    def speaker_rows(self, tid: int | None = None) -> list[tuple[Speaker, int]]:
        """(speaker, number of segments) per label in use, by transcript id and label."""
        g, sp, p = s.segments, s.speakers, s.participants
        used = select(g.c.transcript_id, g.c.speaker, func.count().label("n"))
        used = used.where(g.c.speaker.is_not(None))
        if tid is not None:
            used = used.where(g.c.transcript_id == tid)
        used = used.group_by(g.c.transcript_id, g.c.speaker).subquery()
        q = (
            select(used.c.transcript_id, used.c.speaker, used.c.n, p.c.name, sp.c.interviewer)
            .select_from(
                used.outerjoin(
                    sp,
                    (sp.c.transcript_id == used.c.transcript_id) & (sp.c.label == used.c.speaker),
                ).outerjoin(p, p.c.id == sp.c.participant_id)
            )
            .order_by(used.c.transcript_id, used.c.speaker)
        )
        with self.engine.connect() as conn:
            return [
                (Speaker(t, label, name, None if flag is None else bool(flag)), n)
                for t, label, n, name, flag in conn.execute(q)
            ]

    def interviewer_flags(self, tid: int | None = None) -> dict[tuple[int, str], bool]:
        """(transcript id, label) -> the interviewer flag a speaker was given; a label missing
        here is decided by the label rule (`model.is_interviewer`)."""
        sp = s.speakers
        q = select(sp.c.transcript_id, sp.c.label, sp.c.interviewer)
        q = q.where(sp.c.interviewer.is_not(None))
        if tid is not None:
            q = q.where(sp.c.transcript_id == tid)
        with self.engine.connect() as conn:
            return {(t, label): bool(f) for t, label, f in conn.execute(q)}

    def respondent_offsets(self) -> list[tuple[int, int, int]]:
        """(transcript id, start, end) of every segment the interviewer does not speak."""
        g = s.segments
        flags = self.interviewer_flags()
        with self.engine.connect() as conn:
            rows = _fetch(conn, select(g.c.transcript_id, g.c.start, g.c.end, g.c.speaker))
        rule = {label: is_interviewer(label) for label in {r[3] for r in rows}}
        return [(t, a, b) for t, a, b, label in rows if not flags.get((t, label), rule[label])]

    def participant_rows(self) -> dict[str, list[tuple]]:
        """For `analysis.frames.build`: `speakers` (transcript id, label, participant id,
        interviewer), `participants` (id, name), `participant_attributes` (id, key, value)."""
        sp, p, a = s.speakers, s.participants, s.participant_attributes
        with self.engine.connect() as conn:
            q = select(sp.c.transcript_id, sp.c.label, sp.c.participant_id, sp.c.interviewer)
            return {
                "speakers": [tuple(r) for r in conn.execute(q)],
                "participants": [tuple(r) for r in conn.execute(select(p.c.id, p.c.name))],
                "participant_attributes": [
                    tuple(r) for r in conn.execute(select(a.c.participant_id, a.c.key, a.c.value))
                ],
            }

    # -- writing -------------------------------------------------------------------------------
    def write_participants(
        self,
        participants: dict[str, dict[str, str]],
        speakers: list[Speaker],
        conn: Connection | None = None,
    ) -> dict[str, int]:
        """In one transaction (or inside the caller's `conn`): create or update the
        participants (the values given replace those of the same attributes; others stay),
        then set the speakers given."""
        if conn is None:
            with self.transaction() as conn:
                return self.write_participants(participants, speakers, conn)
        counts = {"created": 0, "updated": 0, "speakers": 0}
        ids = self._participant_ids(conn)
        for name, attrs in participants.items():
            if name in ids:
                counts["updated"] += 1
            else:
                ids[name] = self._create_participant(conn, name)
                counts["created"] += 1
            self._set_attributes(conn, ids[name], attrs)
        for speaker in speakers:
            pid = ids[speaker.participant] if speaker.participant else None
            self._put_speaker(conn, speaker.transcript_id, speaker.label, pid,
                              speaker.interviewer)  # fmt: skip
            counts["speakers"] += 1
        return counts

    def set_speaker(
        self,
        tid: int,
        label: str,
        participant: str | None,
        interviewer: bool | None,
        attributes: dict[str, str] | None = None,
    ) -> SpeakerChange:
        """Assign a speaker to a participant (created, with `attributes`, when new) and set its
        interviewer flag, in one transaction; returns what undo needs."""
        with self.transaction() as conn:
            before = self._speaker(conn, tid, label)
            ids = self._participant_ids(conn)
            created = None
            if participant and participant not in ids:
                ids[participant] = self._create_participant(conn, participant)
                created = participant
            if participant and attributes:
                self._set_attributes(conn, ids[participant], attributes)
            pid = ids[participant] if participant else None
            self._put_speaker(conn, tid, label, pid, interviewer)
        return SpeakerChange(before, Speaker(tid, label, participant, interviewer), created)

    def undo_speaker(self, change: SpeakerChange) -> None:
        """Put a speaker back as it was before `set_speaker`, in one transaction; a participant
        that call created goes again (unless another speaker has been assigned to it since)."""
        b = change.before
        with self.transaction() as conn:
            ids = self._participant_ids(conn)
            if b.participant and b.participant not in ids:
                raise CodebookError(f"participant '{b.participant}' no longer exists")
            pid = ids[b.participant] if b.participant else None
            self._put_speaker(conn, b.transcript_id, b.label, pid, b.interviewer)
            if change.created and change.created in ids:
                cid = ids[change.created]
                still = conn.scalar(select(func.count()).where(s.speakers.c.participant_id == cid))
                if not still:
                    conn.execute(delete(s.participants).where(s.participants.c.id == cid))

    def delete_participant(self, name: str) -> None:
        """Remove a participant; its speakers stay, assigned to nobody."""
        with self.transaction() as conn:
            pid = self._participant_ids(conn).get(name)
            if pid is None:
                raise CodebookError(f"no participant named '{name}'")
            conn.execute(
                update(s.speakers)
                .where(s.speakers.c.participant_id == pid)
                .values(participant_id=None)
            )
            conn.execute(
                delete(s.participant_attributes).where(
                    s.participant_attributes.c.participant_id == pid
                )
            )
            conn.execute(delete(s.participants).where(s.participants.c.id == pid))

    # -- inside a transaction ------------------------------------------------------------------
    def _participant_ids(self, conn: Connection) -> dict[str, int]:
        return {n: i for i, n in conn.execute(select(s.participants.c.id, s.participants.c.name))}

    def _create_participant(self, conn: Connection, name: str) -> int:
        row = dict(name=name, created_at=now())
        return conn.execute(insert(s.participants).values(**row)).inserted_primary_key[0]

    def _set_attributes(self, conn: Connection, pid: int, attrs: dict[str, str]) -> None:
        a = s.participant_attributes
        if not attrs:
            return
        conn.execute(delete(a).where(a.c.participant_id == pid, a.c.key.in_(list(attrs))))
        conn.execute(
            insert(a), [dict(participant_id=pid, key=k, value=v) for k, v in attrs.items()]
        )

    def _speaker(self, conn: Connection, tid: int, label: str) -> Speaker:
        sp, p = s.speakers, s.participants
        row = conn.execute(
            select(p.c.name, sp.c.interviewer)
            .select_from(sp.outerjoin(p, p.c.id == sp.c.participant_id))
            .where(sp.c.transcript_id == tid, sp.c.label == label)
        ).first()
        if row is None:
            return Speaker(tid, label)
        return Speaker(tid, label, row[0], None if row[1] is None else bool(row[1]))

    def _put_speaker(
        self, conn: Connection, tid: int, label: str, pid: int | None, interviewer: bool | None
    ) -> None:
        sp = s.speakers
        where = (sp.c.transcript_id == tid) & (sp.c.label == label)
        if pid is None and interviewer is None:
            conn.execute(delete(sp).where(where))  # nothing known: the row goes
        elif conn.scalar(select(func.count()).where(where)):
            conn.execute(
                update(sp).where(where).values(participant_id=pid, interviewer=interviewer)
            )
        else:
            conn.execute(
                insert(sp).values(
                    transcript_id=tid, label=label, participant_id=pid, interviewer=interviewer
                )
            )
