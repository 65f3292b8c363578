"""A code's definition, criteria and examples folded into one readable REFI-QDA Description.

REFI-QDA has a single free-text description per code. We write labelled paragraphs a
researcher can read in NVivo or ATLAS.ti, and unfold them again on import, so that a round
trip keeps every field. A description without our labels becomes the definition.
"""

from __future__ import annotations

import re

from codebook.model import Code

# label in the description -> Code field; order is the order written
FIELDS = {
    "Include": "include",
    "Exclude": "exclude",
    "Examples": "examples",
    "Keywords": "keywords",
    "Memo": "memo",
    "Label (en)": "label_en",
    "Label (nl)": "label_nl",
    "Hotkey": "hotkey",
    "Code id": "id",
}
_HEAD = re.compile(r"^(" + "|".join(re.escape(k) for k in FIELDS) + r"):[ \t]?(.*)$")


def fold(code: Code, name_lang: str) -> str:
    """Definition first, then one labelled paragraph per filled field."""
    parts = [code.definition] if code.definition else []
    for key in ("include", "exclude", "memo"):
        if getattr(code, key):
            parts.append(f"{_label(key)}: {getattr(code, key)}")
    if code.examples:
        parts.append("Examples:\n" + "\n".join(f"- {e}" for e in code.examples))
    if code.keywords:
        parts.append("Keywords: " + ", ".join(code.keywords))
    for lang, text in code.label.items():
        if lang != name_lang and f"Label ({lang})" in FIELDS:
            parts.append(f"Label ({lang}): {text}")
    if code.hotkey:
        parts.append(f"Hotkey: {code.hotkey}")
    parts.append(f"Code id: {code.id}")
    return "\n\n".join(parts)


def _label(key: str) -> str:
    return next(k for k, v in FIELDS.items() if v == key)


def unfold(description: str) -> dict:
    """Fields found in a description: definition, include, ..., examples (list), keywords."""
    found: dict[str, list[str]] = {"definition": []}
    current = "definition"
    for line in description.replace("\r\n", "\n").split("\n"):
        m = _HEAD.match(line)
        if m:
            current = FIELDS[m.group(1)]
            found.setdefault(current, [])
            if m.group(2).strip():
                found[current].append(m.group(2))
        else:
            found[current].append(line)
    out: dict = {}
    for key, lines in found.items():
        text = "\n".join(lines).strip()
        if key == "examples":
            items = [re.sub(r"^[-*•]\s?", "", ln.strip()) for ln in lines if ln.strip()]
            out[key] = [i for i in items if i]
        elif key == "keywords":
            out[key] = [k.strip().lower() for k in text.replace("\n", ",").split(",") if k.strip()]
        elif text:
            out[key] = text
    return out
