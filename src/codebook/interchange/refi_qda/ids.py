"""GUIDs for REFI-QDA: derived, not random, so that a re-export looks like the same project.

Other tools match codes, sources and users by GUID; a fresh GUID on every export would make
each export look like a new codebook to them.
"""

from __future__ import annotations

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
