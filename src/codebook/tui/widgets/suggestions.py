"""The suggestions panel: ranked codes for the current selection, each with score and why."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from codebook.model import Codebook


class SuggestionList(OptionList):
    """Options are suggested code ids; the highlighted one is what `a` accepts, `r` rejects."""

    def __init__(self, codebook: Codebook, lang: str = "nl", **kw) -> None:
        super().__init__(**kw)
        self.codebook = codebook
        self.lang = lang
        self.suggestions: list = []

    def show(self, suggestions: list) -> None:
        self.suggestions = list(suggestions)
        self.clear_options()
        if not self.suggestions:
            self.add_option(Option(Text("no suggestions", style="dim"), disabled=True))
            return
        for s in self.suggestions:
            self.add_option(Option(self._prompt(s), id=s.code))
        self.highlighted = 0

    def message(self, text: str) -> None:
        self.suggestions = []
        self.clear_options()
        self.add_option(Option(Text(text, style="dim"), disabled=True))

    def _prompt(self, s) -> Text:
        code = self.codebook.codes.get(s.code)
        text = Text()
        text.append("■ ", style=(code.color if code and code.color else "grey50"))
        if code and code.hotkey:
            text.append(f"{code.hotkey} ", style="bold")
        text.append(code.name(self.lang) if code else s.code)
        text.append(f" {s.score:.2f}", style="dim")
        why = ", ".join(str(w) for w in list(s.why)[:4])
        if why:
            text.append(f"\n  {why}", style="italic dim")
        return text

    @property
    def current(self):
        """The highlighted suggestion (the top one unless the researcher moved)."""
        if not self.suggestions:
            return None
        i = self.highlighted if self.highlighted is not None else 0
        return self.suggestions[i] if 0 <= i < len(self.suggestions) else None
