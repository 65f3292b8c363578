"""Frames and statistics (codebook.analysis): the counts every view of the project shares."""

from __future__ import annotations

import pandas as pd

from codebook.analysis import frames as _frames
from codebook.model import CodebookError

GROUPINGS = ("speaker", "transcript", "coder")  # groupings that are not codebook attributes


class Analysis:
    def frames(self) -> dict[str, pd.DataFrame]:
        """Tidy frames: `segments`, `codings` and `coded` (codings x segments, with ancestors)."""
        return _frames.build(self.store.bulk_rows(), self.codebook)

    def overview(self, coder: str) -> pd.DataFrame:
        """One row per transcript: attributes, words, segments, % coded by `coder`, coders."""
        transcripts = self.store.transcripts()
        counts = _frames.overview_counts(self.store.offset_rows(), coder)
        return _frames.overview(counts, transcripts)

    def stats(
        self, by: str | None = None, level: int | None = None, normalise: bool = False
    ) -> pd.DataFrame:
        """Coded segments per code (at a tree `level`), per group; shares with `normalise`."""
        self.check_grouping(by)
        from codebook.analysis.frequencies import stats_table  # loads scipy only when asked

        frames = self.frames()
        return stats_table(frames["coded"], frames["segments"], self.codebook, by, level, normalise)

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
    ):
        """Agreement per code and overall, on the transcripts every compared coder worked on."""
        from codebook.analysis import agreement as _agreement

        transcripts = self.store.transcripts()
        segments = _frames.segments_frame(transcripts, self.store.segments())
        codings = _frames.codings_frame(transcripts, self.store.codings())
        lengths = {t.name: len(t.text) for t in transcripts}
        return _agreement.agreement(segments, codings, lengths, self.codebook, coders, codes, unit)
