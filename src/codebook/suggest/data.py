"""Training examples from a project's store: coded spans with their codes, and rejections.

A coded span is read as the segments it covers, each in its context (`suggest.context`), since
that is how the suggester reads what it is asked about."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from dataclasses import dataclass, field

from codebook.model import Codebook, Coding, Segment, Transcript
from codebook.suggest.context import span_context, span_examples


@dataclass
class TrainingData:
    texts: list[str] = field(default_factory=list)  # what the model reads (text in context)
    labels: list[set[str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (text in context, code)
    shown: list[str] = field(default_factory=list)  # the example's own words; texts if empty
    weights: list[float] = field(default_factory=list)  # its share of a coded span; 1 if empty
    corpus: list[str] = field(default_factory=list)  # the project's passages (`corpus`), in context

    def __post_init__(self):
        self.shown = self.shown or list(self.texts)
        self.weights = self.weights or [1.0] * len(self.texts)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str, codes: set[str], shown: str, weight: float = 1.0) -> None:
        self.texts.append(text)
        self.labels.append(codes)
        self.shown.append(shown)
        self.weights.append(weight)

    def digest(self, *salt: str) -> str:
        """Identifies a fitted model: changes whenever a coding or rejection changes."""
        h = hashlib.sha256()
        for part in (
            *salt,
            json.dumps(
                [
                    [t, sorted(y), w]
                    for t, y, w in zip(self.texts, self.labels, self.weights, strict=True)
                ]
            ),
            json.dumps(sorted(self.rejected)),
        ):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


MAX_EXAMPLES = 5_000  # coded segments (examples) a model is fitted on; beyond, a weighted sample
RARE = 200  # every example of a code with fewer examples than this is kept
SEED = 13


def sample(
    data: TrainingData, limit: int = MAX_EXAMPLES, rare: int = RARE
) -> tuple[TrainingData, list[float]]:
    """At most about `limit` coded examples, and the weight each one stands for.

    Fitting time grows faster than the examples (45 s CPU for 30,000 coded spans, 3 s for
    5,000), while suggestions gain little from the extra examples. An example is a coded segment
    read in context (a span of three sentences is three examples of a third each), so 5,000
    examples are about 4,000 coded spans. Examples of codes with fewer
    than `rare` examples are all kept (weight 1); the others are drawn uniformly with a fixed
    seed and weighted by the inverse of their chance to be drawn (Horvitz-Thompson), so the fit
    and its calibration estimate those on all the data instead of drifting to the rare codes.
    Rejections are all kept.
    """
    n = len(data)
    if n <= limit:
        return data, list(data.weights)
    counts = Counter(c for labels in data.labels for c in labels)
    kept = {i for i, labels in enumerate(data.labels) if any(counts[c] < rare for c in labels)}
    rest = [i for i in range(n) if i not in kept]
    drawn = random.Random(SEED).sample(rest, min(max(limit - len(kept), 0), len(rest)))
    weight = len(rest) / len(drawn) if drawn else 1.0
    chosen = sorted(kept.union(drawn))
    out = TrainingData(
        [data.texts[i] for i in chosen],
        [data.labels[i] for i in chosen],
        list(data.rejected),
        [data.shown[i] for i in chosen],
        [data.weights[i] for i in chosen],
        data.corpus,
    )
    return out, [data.weights[i] * (1.0 if i in kept else weight) for i in chosen]


CORPUS = 1_000  # passages the prior's level per code is measured on


def corpus(
    transcripts: list[Transcript],
    segments: list[Segment],
    asked: set[tuple[int, int, int]] = frozenset(),
    question: bool = True,
    limit: int = CORPUS,
) -> list[str]:
    """A fixed sample of the respondents' passages, each read in context: what the prior's
    level of each code in this project is measured on (`CodebookPrior.calibrate`). Coded or
    not: it is the project's language, not its codings, that sets the level. Drawn before
    anything is read, so a project of 100,000 segments costs no more than one of 1,000."""
    by_tid: dict[int, list[Segment]] = {}
    for g in segments:
        by_tid.setdefault(g.transcript_id, []).append(g)
    spoken = [
        (t, i)
        for t in transcripts
        for i, g in enumerate(by_tid.get(t.id, []))
        if (g.transcript_id, g.start, g.end) not in asked
    ]
    if len(spoken) > limit:
        spoken = [spoken[i] for i in sorted(random.Random(SEED).sample(range(len(spoken)), limit))]
    out = []
    for t, i in spoken:
        mine = by_tid[t.id]
        out.append(span_context(t.text, mine, mine[i].start, mine[i].end, question))
    return out


def codebook_digest(codebook: Codebook) -> str:
    """Changes when anything the prior or the label set depends on changes."""
    codes = [
        [c.id, c.codable, c.label, c.definition, c.include, c.exclude, c.examples, c.keywords]
        for c in codebook.codes.values()
    ]
    return hashlib.sha256(json.dumps(codes, sort_keys=True).encode()).hexdigest()


def respondent_codings(
    codings: list[Coding], segments: list[Segment], asked: set[tuple[int, int, int]]
) -> list[Coding]:
    """The codings that touch a segment not spoken by the interviewer.

    `asked` holds the (transcript id, start, end) of the interviewer's segments. A coding of a
    question alone teaches the model nothing about what respondents say, so it is no training
    example; a coding over a question and its answer stays.
    """
    if not asked:
        return list(codings)
    by_tid: dict[int, list[Segment]] = {}
    for g in segments:
        by_tid.setdefault(g.transcript_id, []).append(g)
    out = []
    for c in codings:
        touched = [
            g for g in by_tid.get(c.transcript_id, ()) if g.start < c.end and c.start < g.end
        ]
        if not touched or any((g.transcript_id, g.start, g.end) not in asked for g in touched):
            out.append(c)
    return out


def training_data(
    transcripts: list[Transcript],
    codings: list[Coding],
    rejections: list[tuple[int, int, int, str, str]],
    segments: list[Segment],
    coder: str | None = None,
    asked: set[tuple[int, int, int]] | None = None,
) -> TrainingData:
    """The examples of every coded span (the codes of every coder on that exact span together):
    the segments it covers, each in its context (`context.span_examples`).

    Two coders on one span are one span with both their codes: for suggesting, a code another
    researcher saw in a passage is evidence, not noise. Pass `coder` to learn from one coder only.
    A rejection of a code that someone did apply to the same span is dropped: the coding is the
    stronger statement. With `asked` (the interviewer's segments) the data also holds the
    project's `corpus`.
    """
    texts = {t.id: t.text for t in transcripts}
    by_tid: dict[int, list[Segment]] = {}
    for g in segments:
        by_tid.setdefault(g.transcript_id, []).append(g)
    spans: dict[tuple[int, int, int], set[str]] = {}
    for c in codings:
        if coder is not None and c.coder != coder:
            continue
        spans.setdefault((c.transcript_id, c.start, c.end), set()).add(c.code)
    data = TrainingData()
    for (tid, start, end), codes in sorted(spans.items()):
        for text, shown, weight in span_examples(texts[tid], by_tid.get(tid, []), start, end):
            data.add(text, codes, shown, weight)
    for tid, start, end, code, who in sorted(rejections):
        if coder is not None and who != coder:
            continue
        if code in spans.get((tid, start, end), ()):
            continue
        context = span_context(texts[tid], by_tid.get(tid, []), start, end)
        data.rejected.append((context, code))
    if asked is not None:
        data.corpus = corpus(transcripts, segments, asked)
    return data
