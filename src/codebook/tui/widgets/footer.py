"""A footer that shows only the keys that fit whole.

Textual's footer lays every shown binding out in a row and cuts the one that reaches the edge
(at 80 columns the coding screen lost half a label). This one keeps the keys in their order
(the screen's own first, the app's after) as long as each fits whole, the command palette's key
last; every key still works and all of them are listed by ctrl+p.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Footer

PADDING = 3  # a key's cell: a space before and after the key, one after the description


def key_width(item) -> int:
    """Columns a footer key takes (Textual's `FooterKey`, which it does not export)."""
    return len(item.key_display) + len(item.description) + PADDING


class FittingFooter(Footer):
    def compose(self) -> ComposeResult:
        items = list(super().compose())
        if not all(hasattr(item, "key_display") for item in items):
            yield from items  # grouped bindings: leave them to Textual
            return
        room = self.app.size.width
        palette = [i for i in items if i.has_class("-command-palette")]
        kept, used = [], 0
        for item in [i for i in items if i not in palette] + palette:
            width = key_width(item)
            if used + width <= room:
                kept.append(item)
                used += width
        yield from [i for i in items if i in kept]

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != getattr(self, "_laid_out_for", None):
            self._laid_out_for = event.size.width
            self.call_after_refresh(self.recompose)
