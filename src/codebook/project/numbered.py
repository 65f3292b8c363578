"""Coding without offsets: by segment number (`5`, `5-7`) or by quoting the text.

What `codebook codings add/remove` and scripts use; every write is one transaction and every
refusal changes nothing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from codebook.model import CodebookError, Coding, Transcript, check_name

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


@dataclass
class Target:
    """Where to code: a span, the segment numbers it covers, and (for a quote) which match."""

    start: int
    end: int
    first: int  # segment numbers, inclusive
    last: int
    matches: int = 0  # how often the quote occurs (0: not a quote)
    occurrence: int = 0

    @property
    def segments(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def parse_range(text: str) -> tuple[int, int]:
    """`5` or `5-7` as (first, last) segment numbers."""
    m = _RANGE.match(text or "")
    if not m:
        raise CodebookError(f"segment '{text}': give a segment number (5) or a range (5-7)")
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def quote_pattern(quote: str) -> re.Pattern:
    """The quote as typed, with any run of white space matching any other (line breaks)."""
    words = unicodedata.normalize("NFC", quote).split()
    if not words:
        raise CodebookError("--quote: the quote is empty")
    return re.compile(r"\s+".join(map(re.escape, words)))


def _nth(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


class NumberedCoding:
    def target(
        self,
        transcript: Transcript,
        segments: str | None = None,
        quote: str | None = None,
        occurrence: int | None = None,
    ) -> Target:
        """The span of segment numbers `segments` (`5`, `5-7`), or of a quote's occurrence
        (the first unless `occurrence`); a clear error if it is not there."""
        segs = self.store.segments(transcript.id)
        if (segments is None) == (quote is None):
            raise CodebookError("give a segment number (or range) or --quote TEXT, not both")
        if quote is None:
            if occurrence is not None:
                raise CodebookError("--occurrence goes with --quote")
            first, last = self.segment_range(transcript, *parse_range(segments), len(segs))
            return Target(segs[first - 1].start, segs[last - 1].end, first, last)
        found = list(quote_pattern(quote).finditer(transcript.text))
        k = 1 if occurrence is None else occurrence
        if not found:
            raise CodebookError(f"{transcript.name}: the quote {quote!r} is not in the text")
        if not 1 <= k <= len(found):
            raise CodebookError(
                f"{transcript.name}: the quote occurs {len(found)} time(s); "
                f"there is no {_nth(k)} occurrence"
            )
        start, end = found[k - 1].span()
        touched = [g.number for g in segs if g.start < end and start < g.end]
        if not touched:
            raise CodebookError(
                f"{transcript.name}: the quote {quote!r} is not in a segment (a heading?)"
            )
        return Target(start, end, touched[0], touched[-1], len(found), k)

    def check_code(self, code: str, where: str) -> None:
        """An unknown code gets the closest ids as a hint; a grouping code is refused."""
        if code not in self.codebook.codes:
            close = difflib.get_close_matches(code, list(self.codebook.codes), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise CodebookError(f"{where}: unknown code '{code}'{hint}")
        self.codebook.check_codable(code, where)

    def code_target(
        self, transcript: Transcript, target: Target, code: str, coder: str
    ) -> tuple[int, bool]:
        """Code the target; returns (coding id, whether it is new)."""
        self.check_code(code, transcript.name)
        coder = check_name(coder)
        have = {
            (c.start, c.end, c.code): c.id for c in self.store.codings(transcript.id, coder, code)
        }
        existing = have.get((target.start, target.end, code))
        if existing is not None:
            return existing, False
        return self.add_coding(transcript, target.start, target.end, code, coder), True

    def uncode_target(
        self, transcript: Transcript, target: Target, code: str, coder: str
    ) -> list[Coding]:
        """Remove `coder`'s codings of `code` that touch the target's segments, in one
        transaction. A coding that reaches beyond those segments is refused (name its whole
        range), so that removing segment 5 never takes segments 4 and 6 with it."""
        self.check_code(code, transcript.name)
        coder = check_name(coder)
        segs = self.store.segments(transcript.id)
        lo, hi = segs[target.first - 1].start, segs[target.last - 1].end
        hit = [
            c for c in self.store.codings(transcript.id, coder, code) if c.start < hi and lo < c.end
        ]
        if not hit:
            raise CodebookError(
                f"{transcript.name}: no coding of '{code}' by {coder} on segment "
                f"{target.segments}; nothing was removed"
            )
        wider = [c for c in hit if c.start < lo or c.end > hi]
        if wider:
            spans = ", ".join(_numbers(segs, c) for c in wider)
            raise CodebookError(
                f"{transcript.name}: the coding of '{code}' by {coder} covers segment(s) "
                f"{spans}, more than {target.segments}; give the whole range to remove it. "
                "Nothing was removed."
            )
        self.remove_codings([c.id for c in hit])
        return hit

    def accept_suggestions(self, frame, threshold: float, coder: str) -> tuple[int, int]:
        """Store the best codable suggestion of every segment of `frame` (the suggestion table)
        scoring at least `threshold` as a coding of origin `suggestion` by `coder`, in one
        transaction. Returns (segments that qualified, codings new to the store)."""
        if not 0 <= threshold <= 1:
            raise CodebookError(f"--accept-above {threshold}: give a score from 0 to 1")
        coder = check_name(coder)
        codable = {c for c, code in self.codebook.codes.items() if code.codable}
        best = frame[frame["code"].isin(codable)].sort_values(["rank"], kind="stable")
        best = best.drop_duplicates(["transcript", "start", "end"])
        best = best[best["score"] >= threshold]
        ids = {t.name: t.id for t in self.store.transcripts()}
        items = [
            Coding(None, ids[r.transcript], int(r.start), int(r.end), r.code, coder, "suggestion")
            for r in best.itertuples(index=False)
        ]
        with self.store.transaction() as conn:
            return len(items), self.store.insert_new_codings(conn, items)

    def remove_codings(self, ids: list[int]) -> None:
        with self.store.transaction() as conn:
            self.store.delete_codings(conn, ids)

    def remove_by_origin(
        self,
        origin: str,
        coder: str | None = None,
        transcript: Transcript | None = None,
        code: str | None = None,
    ) -> list[Coding]:
        """Take back every coding of `origin` (of `coder`, in `transcript`, with `code` when
        given) in one transaction, after a backup snapshot."""
        if code is not None:
            self.check_code(code, transcript.name if transcript else self.codebook_path.name)
        found = [
            c
            for c in self.store.codings(transcript.id if transcript else None, coder, code)
            if c.origin == origin
        ]
        if found:
            self.auto_backup("remove")
            self.remove_codings([c.id for c in found])
        return found

    def segment_numbers(self, transcript: Transcript, start: int, end: int) -> str:
        """`5` or `5-7`: the numbers of the segments [start, end) touches."""
        segs = self.store.segments(transcript.id)
        return _numbers(segs, Coding(None, transcript.id, start, end, "", ""))


def _numbers(segs, coding) -> str:
    touched = [g.number for g in segs if g.start < coding.end and coding.start < g.end]
    if not touched:
        return "-"
    return str(touched[0]) if touched[0] == touched[-1] else f"{touched[0]}-{touched[-1]}"
