"""Move codings to where their text is after a transcript was corrected; and the one type
for positions in one text -> positions in another (`PositionMap`), which REFI-QDA import uses
too.

Lines are aligned first (difflib), then characters inside the changed blocks (rapidfuzz's
bit-parallel Indel alignment), so a long transcript with a few typos fixed aligns in
milliseconds and a merged turn still lands on the right characters.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

MIN_SIMILARITY = 60  # below this, the coded text counts as gone


@dataclass(frozen=True)
class Anchor:
    """Where a span went: `status` is unchanged, moved, changed or lost."""

    status: str
    start: int | None
    end: int | None


class PositionMap:
    """Positions in one text -> positions in another, so that a span keeps covering the same
    characters: codings after a transcript was corrected (`OffsetMap`), or REFI-QDA selections
    counted in a source as another tool wrote it (`refi_qda.text.normalise_with_map`).

    Made of stretches that map one to one (old start, old end, new start, new end). A position
    in no stretch was deleted or rewritten: it snaps to the nearest kept character, forward for
    a start and backward for an end.
    """

    def __init__(self, old: str, new: str, blocks: list[tuple[int, int, int, int]]):
        self.old, self.new = old, new
        self._blocks = blocks
        self._keys = [b[0] for b in blocks]

    def __call__(self, pos: int, side: str = "start") -> int:
        """Where old `pos` is in the new text; `side` is start or end (for the snap)."""
        k = bisect_right(self._keys, pos) - 1
        if k >= 0:
            i1, i2, j1, _ = self._blocks[k]
            if pos < i2 or (side == "end" and pos == i2):
                return j1 + (pos - i1)
        if side == "start":
            nxt = k + 1
            return self._blocks[nxt][2] if nxt < len(self._blocks) else len(self.new)
        return self._blocks[k][3] if k >= 0 else 0

    def span(self, start: int, end: int) -> Anchor:
        """Where an old span went, and whether its text is the same, changed or gone."""
        new_start, new_end = self(start, "start"), self(end, "end")
        before = self.old[start:end]
        if new_start >= new_end:
            return Anchor("lost", None, None)
        after = self.new[new_start:new_end]
        if after == before:
            same = (new_start, new_end) == (start, end)
            return Anchor("unchanged" if same else "moved", new_start, new_end)
        if fuzz.ratio(before, after) >= MIN_SIMILARITY:
            return Anchor("changed", new_start, new_end)
        return Anchor("lost", None, None)


class OffsetMap(PositionMap):
    """The position map of a corrected transcript: its old text aligned with the new one."""

    def __init__(self, old: str, new: str):
        super().__init__(old, new, _aligned(old, new))


def _aligned(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """The equal stretches of two texts: lines first, then characters in changed lines."""
    blocks: list[tuple[int, int, int, int]] = []
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    lo, ln = _starts(old_lines), _starts(new_lines)
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        i1, i2, j1, j2 = lo[a1], lo[a2], ln[b1], ln[b2]
        if tag == "equal":
            blocks.append((i1, i2, j1, j2))
        elif tag == "replace":
            for op in Indel.opcodes(old[i1:i2], new[j1:j2]):
                if op.tag == "equal":
                    blocks.append(
                        (i1 + op.src_start, i1 + op.src_end, j1 + op.dest_start, j1 + op.dest_end)
                    )
    return blocks


def _starts(lines: list[str]) -> list[int]:
    out, pos = [0], 0
    for line in lines:
        pos += len(line)
        out.append(pos)
    return out
