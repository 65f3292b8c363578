"""Code suggestions (codebook.suggest): the cached suggester, retraining, ranking, the queue.

The suggest stage is imported on first use: it loads spaCy and scikit-learn, which commands
that do not suggest should not wait for.
"""

from __future__ import annotations

import threading

import pandas as pd

from codebook.model import Transcript


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
        from codebook.suggest import training_data

        store = self.store
        return training_data(store.transcripts(), store.codings(), store.rejections())

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
        from codebook.suggest.context import span_context

        transcript.check_span(start, end, transcript.name)
        skip: set[str] = set()
        if coder:
            skip = {c for s, e, c in self.rejected(transcript, coder) if (s, e) == (start, end)}
            skip |= {
                c.code
                for c in self.store.codings(transcript.id, coder)
                if c.start < end and start < c.end
            }
        text = span_context(transcript.text, self.store.segments(transcript.id), start, end)
        return self.suggester.rank([text], top, [skip], [transcript.text[start:end]])[0]

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
        from codebook.suggest.context import contexts_by_id

        if transcript:
            self.transcript(transcript)  # a clear error for an unknown name
        f = self.frames()
        segs = f["segments"]
        if transcript:
            segs = segs[segs["transcript"] == transcript]
        context = contexts_by_id(self.store.transcripts(), self.store.segments())
        return queue.uncoded(segs, f["coded"], context, coder)

    def evaluate(self, folds: int = 5, coder: str | None = None, seed: int = 13) -> dict:
        """Cross-validation grouped by transcript on one coder's codings (see suggest.evaluate)."""
        from codebook.suggest import evaluate

        store = self.store
        return evaluate.evaluate(
            store.transcripts(), store.segments(), store.codings(), self.codebook,
            folds=folds, coder=coder, seed=seed,
        )  # fmt: skip
