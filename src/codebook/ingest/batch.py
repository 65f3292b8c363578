"""Parsing many files at once on every core, for imports of a whole corpus.

Segmenting is CPU-bound Python and spaCy, so threads do not help; processes do. The pool is
forked after the spaCy pipeline is loaded, so each worker starts with it instead of loading its
own (a second or so each). Results come back as plain tuples (pickling 40,000 `Segment`
dataclasses one by one costs more than parsing them in parallel saves). Small batches, and
systems without `fork`, parse in this process: a pool costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import fields
from pathlib import Path

from codebook.ingest import Parsed, read_transcript
from codebook.model import Codebook, CodebookError, Segment, Turn
from codebook.progress import track

PARALLEL_BYTES = 400_000  # below this much text a pool does not pay for itself
CHUNK_FILES = 8  # files per task: small enough for an even spread and a moving progress bar

_job: dict = {}  # what the forked workers inherit: the codebook


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def parse_files(
    jobs: list[tuple[Path, dict[str, str]]], codebook: Codebook, workers: int | None = None
) -> list[Parsed]:
    """`read_transcript` for every (path, attributes), in order; the first bad file (in the
    given order) raises its CodebookError, as a serial loop would."""
    workers = cores() if workers is None else workers
    size = sum(_size(path) for path, _ in jobs)
    fork = "fork" in multiprocessing.get_all_start_methods()
    if workers < 2 or len(jobs) < 2 or size < PARALLEL_BYTES or not fork:
        return list(
            track(
                (read_transcript(path, codebook, attrs) for path, attrs in jobs),
                "Reading files",
                total=len(jobs),
            )
        )
    from codebook.nlp import pipeline

    pipeline(codebook.language)  # loaded once, inherited by every worker
    _job["codebook"] = codebook
    chunks = [jobs[i : i + CHUNK_FILES] for i in range(0, len(jobs), CHUNK_FILES)]
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(chunks))) as pool:
        done = (p for chunk in pool.imap(_parse_chunk, chunks) for p in _unpack(chunk))
        return list(track(done, "Reading files", total=len(jobs)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # read_transcript says what is wrong with it


def _parse_chunk(chunk: list[tuple[Path, dict[str, str]]]):
    """In a worker: parse a chunk; a user error comes back as its message (typed errors with
    their own constructors do not survive pickling)."""
    out = []
    for path, attrs in chunk:
        try:
            out.append(_pack(read_transcript(path, _job["codebook"], attrs)))
        except CodebookError as e:
            out.append(("error", str(e)))
            break
    return out


_PARSED = [f.name for f in fields(Parsed)]
_SEGMENT = [f.name for f in fields(Segment)]
_TURN = [f.name for f in fields(Turn)]


def _pack(parsed: Parsed) -> tuple:
    values = {name: getattr(parsed, name) for name in _PARSED}
    values["segments"] = [tuple(getattr(g, f) for f in _SEGMENT) for g in parsed.segments]
    values["turns"] = [tuple(getattr(t, f) for f in _TURN) for t in parsed.turns]
    return ("ok", values)


def _unpack(chunk: list[tuple]):
    for status, value in chunk:
        if status == "error":
            raise CodebookError(value)
        value["segments"] = [Segment(*g) for g in value["segments"]]
        value["turns"] = [Turn(*t) for t in value["turns"]]
        yield Parsed(**value)
