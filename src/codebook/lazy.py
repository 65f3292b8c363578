"""Modules imported when first used, so that `import codebook.project` stays light.

A command that never counts should not wait for pandas, one that never imports files not for
spaCy. `lazy("pandas")` stands for the module and imports it on the first attribute looked up
(then Python's module cache answers).
"""

from __future__ import annotations

import importlib


class lazy:  # noqa: N801 - used like a module
    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
