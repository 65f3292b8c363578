"""The code tree as text, for the terminal."""

from __future__ import annotations

from codebook.model import Codebook


def render_tree(codebook: Codebook, lang: str = "nl") -> str:
    """The code tree as indented text with hotkeys, for `codebook codebook show`."""
    lines = []
    for code in codebook.walk():
        indent = "  " * codebook.depth(code.id)
        key = f"[{code.hotkey}] " if code.hotkey else ""
        flag = "" if code.codable else " (group)"
        lines.append(f"{indent}{key}{code.name(lang)}  ({code.id}){flag}")
    return "\n".join(lines)
