"""Reading the project by segment: a transcript's numbered segments, code queries, crosstabs.

Segment numbers are `model.segment_number` (1-based per transcript) everywhere.
"""

from __future__ import annotations

from codebook.model import CodebookError, segment_number


class Retrieval:
    def show(
        self,
        transcript: str,
        first: int | None = None,
        last: int | None = None,
        coder: str | None = None,
    ):
        """A transcript's segments `first`..`last` (numbers, inclusive) as a DataFrame: segment,
        speaker, participant / page / timestamp where known, text, codes (of `coder`, or
        everyone's, with `coders`), start and end."""
        import pandas as pd

        columns, rows = self.show_rows(transcript, first, last, coder)
        frame = pd.DataFrame(rows, columns=columns)
        if "page" in frame:
            frame["page"] = frame["page"].astype("Int64")
        return frame

    def show_rows(
        self,
        transcript: str,
        first: int | None = None,
        last: int | None = None,
        coder: str | None = None,
    ) -> tuple[list[str], list[dict]]:
        """`show` as plain (columns, rows): read from this one transcript only and without
        pandas, so that `codebook show` answers at once in a large project. Columns nobody
        knows (participant, page, timestamp) are left out."""
        t = self.transcript(transcript)
        segments = self.store.segments(t.id)
        lo, hi = self.segment_range(t, first, last, len(segments))
        chosen = segments[lo - 1 : hi]
        codings = [
            c
            for c in self.store.codings(t.id, coder)
            if chosen and c.start < chosen[-1].end and chosen[0].start < c.end
        ]
        who = {sp.label: sp.participant for sp in self.store.speakers(t.id)}
        rows = []
        for g in chosen:
            on = [c for c in codings if c.start < g.end and g.start < c.end]
            rows.append(
                {
                    "segment": g.number,
                    "speaker": g.speaker,
                    "participant": who.get(g.speaker),
                    "page": g.page,
                    "timestamp": _clock(g.timestamp),
                    "text": t.text[g.start : g.end],
                    "codes": ", ".join(dict.fromkeys(c.code for c in on)),
                    "coders": ", ".join(sorted({c.coder for c in on})),
                    "start": g.start,
                    "end": g.end,
                }
            )
        columns = ["segment", "speaker", "participant", "page", "timestamp", "text", "codes"]
        columns += ["coders", "start", "end"]
        unknown = {
            c for c in ("participant", "page", "timestamp") if all(r[c] is None for r in rows)
        }
        if coder is not None:
            unknown.add("coders")
        columns = [c for c in columns if c not in unknown]
        return columns, [{c: r[c] for c in columns} for r in rows]

    def segment_range(
        self, transcript, first: int | None, last: int | None, count: int | None = None
    ) -> tuple[int, int]:
        """Segment numbers `first`..`last` checked against the transcript (defaults: all)."""
        if count is None:
            count = self.store.segment_counts().get(transcript.id, 0)
        lo = 1 if first is None else first
        hi = count if last is None else last
        for n in (first, last):
            if n is not None and not 1 <= n <= count:
                raise CodebookError(
                    f"{transcript.name}: there is no segment {n} (the transcript has "
                    f"segments 1 to {count})"
                    if count
                    else f"{transcript.name}: the transcript has no segments"
                )
        if lo > hi:
            raise CodebookError(f"{transcript.name}: segment {lo} comes after {hi}")
        return lo, hi

    def numbered(self, frame):
        """`frame` (rows with `transcript` and `start`, as the suggestion table) with a `segment`
        column after `transcript`: the number of the segment each row starts in."""
        import numpy as np

        if "segment" in frame.columns or frame.empty:
            return frame if "segment" in frame.columns else frame.assign(segment=[])
        out = frame.copy()
        numbers = np.zeros(len(out), dtype=np.int64)
        for name, rows in out.groupby("transcript", sort=False).groups.items():
            segs = self.store.segments(self.transcript(name).id)
            starts = np.array([g.start for g in segs], dtype=np.int64)
            where = np.searchsorted(starts, out.loc[rows, "start"].to_numpy(), side="right")
            numbers[out.index.get_indexer(rows)] = segment_number(np.maximum(where - 1, 0))
        out.insert(list(out.columns).index("transcript") + 1, "segment", numbers)
        return out

    def query(
        self,
        expr: str,
        coder: str | None = None,
        by: str | None = None,
        include_interviewer: bool = False,
    ):
        """The segments a code query matches (see `codebook.analysis.query`), one row each:
        transcript, segment, speaker, participant, attributes, text, codes, start, end.

        With `by` (an attribute or grouping), matching segments are counted per group instead.
        `attrs["left_out"]` says how many interviewer segments were not searched."""
        from codebook.analysis import query as _query

        node = _query.parse(expr, self.codebook)
        self.check_grouping(by)
        frames = self.frames(include_interviewer)
        segments, coded = frames["segments"], frames["coded"]
        if coder is not None and coder not in self.coders():
            raise CodebookError(
                f"no coder named '{coder}' (coders: {', '.join(self.coders()) or 'none yet'})"
            )
        if by == "coder":
            raise CodebookError("a query counts segments: group it by an attribute, not coder")
        mask = _query.evaluate(node, segments, coded, self.codebook, coder)
        if by:
            out = _query.per_group(segments, mask, by)
        else:
            out = _query.hits(segments, coded, mask, list(self.codebook.attributes), coder)
        out.attrs["left_out"] = _left_out(frames)
        return out

    def crosstab(
        self,
        by: str | None = None,
        level: int | None = None,
        normalise: bool = False,
        include_interviewer: bool = False,
    ):
        """Codes x groups of coded segments with totals (`analysis.crosstab`); `by` defaults to
        the first attribute the codebook declares."""
        from codebook.analysis.crosstab import crosstab

        by = by or next(iter(self.codebook.attributes), "transcript")
        self.check_grouping(by)
        frames = self.frames(include_interviewer)
        out = crosstab(frames["coded"], frames["segments"], self.codebook, by, level, normalise)
        out.attrs["left_out"] = _left_out(frames)
        return out


def _left_out(frames) -> str | None:
    from codebook.analysis import frames as _frames

    note = getattr(_frames, "left_out_note", None)
    return note(frames) if note else None


def _clock(seconds: float | None) -> str | None:
    """A media time as h:mm:ss (what a transcript's timestamps say)."""
    if seconds is None or seconds != seconds:
        return None
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
