"""Frames and statistics (codebook.analysis): the counts every view of the project shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codebook.lazy import lazy
from codebook.model import CodebookError

if TYPE_CHECKING:
    import pandas as pd

_frames = lazy("codebook.analysis.frames")  # pandas: loaded by the commands that count

GROUPINGS = ("participant", "speaker", "transcript", "coder")  # not codebook attributes


class Analysis:
    def frames(self, include_interviewer: bool = False) -> dict[str, pd.DataFrame]:
        """Tidy frames: `segments`, `codings` and `coded` (codings x segments, with ancestors),
        with resolved attributes, `participant` and `interviewer` per segment.

        The interviewer's turns are left out unless `include_interviewer`; `left_out` (a frame
        per interviewer speaker: segments, codings) says what was, `frames.left_out_note` in
        one line.
        """
        rows = self.store.bulk_rows()
        rows.update(self.store.participant_rows())
        built = _frames.build(rows, self.codebook)
        if include_interviewer:
            return {**built, "left_out": _frames.nothing_left_out()}
        return _frames.respondents(built)

    def default_grouping(self) -> str:
        """The first attribute the codebook declares (`transcript` if it declares none)."""
        return next(iter(self.codebook.attributes), "transcript")

    def top_coder(self) -> str | None:
        """The coder with most codings (ties: by name), None before anyone coded."""
        counts = self.store.coder_counts()
        return min(counts, key=lambda c: (-counts[c], c)) if counts else None

    def overview(self, coder: str) -> pd.DataFrame:
        """One row per transcript: the codebook's attributes (a focus group lists its
        participants' values too), words, respondent segments, % of them coded by `coder`,
        coders. The interviewer's turns are not counted: 100% coded is reachable."""
        transcripts = self.store.transcripts()
        counts = _frames.overview_counts(self.store.offset_rows(), coder)
        people = self.participant_values(transcripts)
        return _frames.overview(counts, transcripts, list(self.codebook.attributes), people)

    def stats(
        self,
        by: str | None = None,
        level: int | None = None,
        normalise: bool = False,
        include_interviewer: bool = False,
    ) -> pd.DataFrame:
        """Coded segments per code (at a tree `level`), per group; shares with `normalise`.

        `attrs["left_out"]` of the table says how many interviewer segments were left out."""
        self.check_grouping(by)
        from codebook.analysis.frequencies import stats_table  # loads scipy only when asked

        frames = self.frames(include_interviewer)
        table = stats_table(
            frames["coded"], frames["segments"], self.codebook, by, level, normalise
        )
        table.attrs["left_out"] = _frames.left_out_note(frames)
        return table

    def check_grouping(self, by: str | None) -> None:
        """A grouping is a declared attribute or one of GROUPINGS."""
        if by and by not in self.codebook.attributes and by not in GROUPINGS:
            known = ", ".join([*self.codebook.attributes, *GROUPINGS])
            raise CodebookError(f"cannot group by '{by}' (choose from: {known})")

    def agreement(
        self,
        coders: list[str] | None = None,
        codes: list[str] | None = None,
        unit: str = "segment",
        include_interviewer: bool = False,
    ):
        """Agreement per code and overall, on the transcripts every compared coder worked on;
        the interviewer's turns are not compared unless `include_interviewer`."""
        from codebook.analysis import agreement as _agreement

        frames = self.frames(include_interviewer=True)
        segments, codings = frames["segments"], frames["codings"]
        asked = segments["interviewer"] & (not include_interviewer)
        lengths = {t.name: len(t.text) for t in self.store.transcripts()}
        return _agreement.agreement(
            segments[~asked], codings, lengths, self.codebook, coders, codes, unit,
            leave_out=segments.loc[asked, ["transcript", "start", "end"]],
        )  # fmt: skip
