"""Code hotkeys versus the TUI's own keys.

A code hotkey that equals a navigation or command key would silently shadow it (or be shadowed),
so collisions are found at startup, reported, and the colliding hotkeys are left unbound.
"""

from __future__ import annotations

from textual.binding import BindingsMap

from codebook.model import Codebook


def bound_keys(*classes: type) -> dict[str, str]:
    """Every key bound by these widget/screen/app classes (and their bases): key -> description."""
    keys: dict[str, str] = {}
    for cls in classes:
        for base in cls.__mro__:
            bindings = base.__dict__.get("BINDINGS")
            if not bindings:
                continue
            for key, items in BindingsMap(bindings).key_to_bindings.items():
                keys.setdefault(key, items[0].description or items[0].action)
    return keys


def code_hotkeys(codebook: Codebook, bound: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(hotkey -> code id for the usable hotkeys, one message per collision)."""
    usable: dict[str, str] = {}
    problems: list[str] = []
    for code in codebook.codes.values():
        if not code.hotkey:
            continue
        if code.hotkey in bound:
            problems.append(
                f"{codebook.path or 'codebook'}: hotkey '{code.hotkey}' of code {code.id} is "
                f"also the key for '{bound[code.hotkey]}'; the hotkey is disabled "
                "(use a digit or an UPPERCASE letter)"
            )
        elif code.codable:
            usable[code.hotkey] = code.id
    return usable, problems
