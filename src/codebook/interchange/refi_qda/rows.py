"""Rows written by a REFI-QDA import, in the caller's transaction: memos and remembered GUIDs.

Inserts skip what is already there, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select, update

from codebook.interchange.refi_qda.codes import CodePlan
from codebook.store import schema
from codebook.store.store import now

GUIDS_META = "refi_guids"


def known_guids(store) -> dict[str, str]:
    """Remembered GUIDs of imported codes and users: 'code:<id>' / 'user:<name>' -> GUID."""
    raw = store.get_meta(GUIDS_META)
    return json.loads(raw) if raw else {}


def add_memos(store, conn, rows) -> int:
    """Insert memos that are not there yet (importing the same file twice adds nothing)."""
    if not rows:
        return 0
    have = {
        (r.transcript_id, r.start, r.end, r.coder, r.text)
        for r in conn.execute(select(schema.memos))
    }
    store.ensure_coders(conn, {r[3] for r in rows})
    fresh = [r for r in dict.fromkeys(rows) if r not in have]
    if fresh:
        conn.execute(
            insert(schema.memos),
            [
                dict(transcript_id=t, start=s, end=e, coder=c, text=x, created_at=now())
                for t, s, e, c, x in fresh
            ],
        )
    return len(fresh)


def remember(conn, known: dict[str, str], codes, users: dict[str, str], plan: CodePlan) -> None:
    """Keep foreign GUIDs so that exporting back gives the other tool the GUIDs it knows."""
    merged = dict(known)
    for rc in codes:
        if rc.guid in plan.ids:
            merged[f"code:{plan.ids[rc.guid]}"] = rc.guid
    for guid, name in users.items():
        merged[f"user:{name[:64]}"] = guid
    value = json.dumps(merged, sort_keys=True)
    exists = conn.scalar(select(schema.meta.c.key).where(schema.meta.c.key == GUIDS_META))
    if exists is None:
        conn.execute(insert(schema.meta).values(key=GUIDS_META, value=value))
    else:
        conn.execute(update(schema.meta).where(schema.meta.c.key == GUIDS_META).values(value=value))
