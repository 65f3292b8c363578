"""Benchmark results as rows of one table, so every benchmark prints alike and `run_all.py` can
put them all in one table: figure, target, measured, met."""

from __future__ import annotations

import argparse
import inspect
import sys
import time
from dataclasses import dataclass

NO_TARGET = "—"


@dataclass
class Row:
    figure: str
    target: str = NO_TARGET
    measured: str = ""
    met: bool | None = None  # None: there is no target to meet

    @property
    def verdict(self) -> str:
        return NO_TARGET if self.met is None else ("yes" if self.met else "**no**")


def markdown(rows: list[Row]) -> str:
    lines = ["| figure | target | measured | met? |", "|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.target} | {r.measured} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def show(rows: list[Row]) -> None:
    print(markdown(rows), flush=True)


def note(message: str) -> None:
    """Progress while a benchmark runs: on stderr, so stdout is the table alone."""
    print(message, file=sys.stderr, flush=True)


def clock(fn):
    """`fn()`, its wall seconds and the CPU seconds of this process (on a busy shared machine the
    wall clock also measures the neighbours; the CPU time is what an idle machine would show)."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def sized_main(run) -> None:
    """Run a benchmark from the command line: each keyword of `run` (e.g. `transcripts`,
    `words`, `codings`) becomes an option with the same default; prints its table."""
    ap = argparse.ArgumentParser()
    for name, p in inspect.signature(run).parameters.items():
        ap.add_argument(f"--{name}", type=type(p.default), default=p.default)
    show(run(**vars(ap.parse_args())))
