"""Progress bars on stderr for long work, only when a person is watching.

In a terminal, `track` shows a rich progress bar on stderr; in a pipe, CI, a notebook or the
TUI it is silent and costs nothing, so library code can report progress unconditionally.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def interactive() -> bool:
    return sys.stderr.isatty()


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate `items`, showing a bar on a terminal's stderr."""
    if not interactive():
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)
