"""Code suggestions (codebook.suggest): the cached suggester, retraining, ranking, the queue.

The suggest stage is imported on first use: it loads spaCy and scikit-learn, which commands
that do not suggest should not wait for.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from codebook.model import Coding, Transcript

if TYPE_CHECKING:
    import pandas as pd


class Suggestions:
    @property
    def suggester(self):
        """The suggester for the current codebook, with the cached model if the codings match."""
        from codebook.suggest import Suggester

        # the TUI's retrain worker and the UI thread may both get here first: build it once
        with self.__dict__.setdefault("_suggester_lock", threading.Lock()):
            current = self.__dict__.get("_suggester")
            if current is None or current.codebook is not self.codebook:
                current = Suggester(self.codebook, self.codebook.language, self.root / ".codebook")
                current.load(self._training_data())
                self.__dict__["_suggester"] = current
        return current

    def _training_data(self):
        """Every coder's codings and rejections, less those on the interviewer's turns only, and
        the respondents' passages the prior is calibrated on."""
        from codebook.suggest import training_data
        from codebook.suggest.data import respondent_codings

        store = self.store
        segments = store.segments()
        asked = self._interviewer_segments(segments)
        codings = respondent_codings(store.codings(), segments, asked)
        rejections = store.rejections()
        if asked:
            spans = [Coding(None, t, a, b, code, who) for t, a, b, code, who in rejections]
            rejections = [
                (c.transcript_id, c.start, c.end, c.code, c.coder)
                for c in respondent_codings(spans, segments, asked)
            ]
        return training_data(store.transcripts(), codings, rejections, segments, asked=asked)

    def _interviewer_segments(self, segments=None, tid: int | None = None) -> set:
        """(transcript id, start, end) of the interviewer's segments: a speaker's own flag
        (`participants import`), else the label rule (`model.is_interviewer`)."""
        from codebook.model import is_interviewer

        flags = self.store.interviewer_flags(tid)
        segments = self.store.segments(tid) if segments is None else segments
        rule = {label: is_interviewer(label) for label in {g.speaker for g in segments}}
        return {
            (g.transcript_id, g.start, g.end)
            for g in segments
            if flags.get((g.transcript_id, g.speaker), rule[g.speaker])
        }

    def _asked(self, tid: int, start: int, end: int, segments=None) -> bool:
        """Whether [start, end) of transcript `tid` lies in the interviewer's segments only
        (`segments`: that transcript's, if already loaded)."""
        segments = self.store.segments(tid) if segments is None else segments
        asked = self._interviewer_segments(segments, tid)
        touched = [g for g in segments if g.start < end and start < g.end]
        return bool(touched) and all((tid, g.start, g.end) in asked for g in touched)

    def learn(self, coding) -> bool:
        """Let the suggester take one new coding into account at once (well under a second),
        before the full refit that `retrain` does in the background.

        `coding` is a `Coding` (as `add_coding` returns). False when nothing was learned: no
        model is fitted yet, or the coding is on an interviewer turn (no training example).
        """
        if self.suggester.model is None:  # nothing fitted yet: the first refit learns it
            return False
        store = self.store
        tid = coding.transcript_id
        if self._asked(tid, coding.start, coding.end):
            return False
        from codebook.suggest import training_data

        same = [c for c in store.codings(tid) if (c.start, c.end) == (coding.start, coding.end)]
        data = training_data([store.transcript(tid)], [*same, coding], [], store.segments(tid))
        return self.suggester.update(data)

    def retrain(self) -> bool:
        """Refit the learned model from all codings and rejections; False if nothing changed.

        Safe in a background thread while `suggest` runs: the new model is swapped in whole.
        """
        return self.suggester.retrain(self._training_data())

    def suggest(
        self, transcript: Transcript, start: int, end: int, top: int = 5, coder: str | None = None
    ) -> list:
        """Codes for [start, end), best first (`codebook.suggest.Suggestion`s with reasons).

        Codes that `coder` rejected for this span or already applied to it are left out.
        """
        from codebook.suggest.context import read_span

        transcript.check_span(start, end, transcript.name)
        segments = self.store.segments(transcript.id)
        if self._asked(transcript.id, start, end, segments):
            return []  # the interviewer's turns get no suggestions
        skip: set[str] = set()
        if coder:
            skip = {c for s, e, c in self.rejected(transcript, coder) if (s, e) == (start, end)}
            skip |= {
                c.code
                for c in self.store.codings(transcript.id, coder)
                if c.start < end and start < c.end
            }
        reading = read_span(transcript.text, segments, start, end)
        return self.suggester.rank([reading], top, [skip], [transcript.text[start:end]])[0]

    def uncertain_segments(
        self, transcript: str | None = None, coder: str | None = None, limit: int = 50
    ) -> pd.DataFrame:
        """The active-learning queue: uncoded segments, most uncertain (and rarest code) first."""
        from codebook.suggest import queue

        segs = self._uncoded_segments(transcript, coder)
        return queue.uncertain(segs, self.suggester).head(limit).reset_index(drop=True)

    def suggestions(
        self, transcript: str | None = None, top: int = 3, coder: str | None = None
    ) -> pd.DataFrame:
        """Top suggestions for every uncoded segment, one row per (segment, code)."""
        from codebook.suggest import queue

        return queue.suggestions(self._uncoded_segments(transcript, coder), self.suggester, top)

    def _uncoded_segments(self, transcript: str | None, coder: str | None) -> pd.DataFrame:
        from codebook.suggest import queue
        from codebook.suggest.context import readings_by_id

        if transcript:
            self.transcript(transcript)  # a clear error for an unknown name
        f = self.frames()
        segs = f["segments"]
        if transcript:
            segs = segs[segs["transcript"] == transcript]
        context = readings_by_id(self.store.transcripts(), self.store.segments())
        return queue.uncoded(segs, f["coded"], context, coder)

    def evaluate(
        self,
        folds: int = 5,
        coder: str | None = None,
        seed: int = 13,
        learning_curve: bool = False,
    ) -> dict:
        """Cross-validation grouped by transcript on one coder's codings (see suggest.evaluate);
        `learning_curve` gives every ablation its whole learning curve (slower)."""
        from codebook.suggest import evaluate

        store = self.store
        return evaluate.evaluate(
            store.transcripts(), store.segments(), store.codings(), self.codebook,
            folds=folds, coder=coder, seed=seed, learning_curve=learning_curve,
            interviewer=self._interviewer_segments(),
        )  # fmt: skip
