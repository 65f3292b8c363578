"""GUIDs for REFI-QDA: derived, not random, so that a re-export looks like the same project.

Other tools match codes, sources and users by GUID; a fresh GUID on every export would make
each export look like a new codebook to them. GUIDs another tool gave our codes and coders
are remembered in the store and written back.
"""

from __future__ import annotations

import json
import re
import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://codebook.invalid/refi-qda")
_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)


def derive(scope: str, *parts: object) -> str:
    """A stable GUID for one thing (`parts`) inside one project or codebook (`scope`)."""
    key = "\x1f".join([scope, *(str(p) for p in parts)])
    return str(uuid.uuid5(NAMESPACE, key))


def code_guid(codebook_id: str, code_id: str) -> str:
    """Codes are scoped by codebook, so two projects with one codebook agree on code GUIDs."""
    return derive(f"codebook:{codebook_id}", "code", code_id)


def clean(value: str | None) -> str | None:
    """Lowercase GUID without braces (tools write `{...}` or upper case); None if not a GUID."""
    if value is None:
        return None
    m = _GUID.match(value.strip())
    return m.group(1).lower() if m else None


# -- foreign GUIDs, remembered ------------------------------------------------------------------
GUIDS_META = "refi_guids"


def known_guids(store) -> dict[str, str]:
    """Remembered GUIDs of imported codes, users and cases: 'code:<id>' / 'user:<name>' /
    'case:<participant>' -> GUID."""
    raw = store.get_meta(GUIDS_META)
    return json.loads(raw) if raw else {}


def remembered_codes(known: dict[str, str]) -> dict[str, str]:
    """GUID -> code id of the codes an earlier import brought in."""
    return {g: k[5:] for k, g in known.items() if k.startswith("code:")}


def remember(
    known: dict[str, str],
    codes,
    users: dict[str, str],
    ids: dict[str, str],
    cases: dict[str, str] | None = None,
) -> str:
    """`known` plus the GUIDs of this file, as stored: exporting back then gives the other tool
    the GUIDs it knows. `ids` maps a code's GUID to our code id, `cases` a participant's name
    to its case's GUID."""
    merged = dict(known)
    for name, guid in (cases or {}).items():
        merged[f"case:{name}"] = guid
    for rc in codes:
        if rc.guid in ids:
            merged[f"code:{ids[rc.guid]}"] = rc.guid
    for guid, name in users.items():
        merged[f"user:{name[:64]}"] = guid
    return json.dumps(merged, sort_keys=True)
