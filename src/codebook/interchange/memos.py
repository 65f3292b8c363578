"""Every memo of a project on its own: listed, or exported as CSV, Markdown, HTML or Word.

A memo is on the project, on a transcript, on a span of a transcript (shown as the segment
numbers it touches), or on a coding (the coding's memo). Each row says what it is on and quotes
the text it is about, so a memo read outside the workbench still makes sense.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from codebook.files import atomic_output
from codebook.interchange.cells import csv_safe_frame
from codebook.model import Codebook, CodebookError, Coding, Memo, Segment, Transcript

SUFFIXES = (".csv", ".md", ".html", ".docx")
COLUMNS = [
    "memo",
    "on",
    "transcript",
    "segment",
    "code",
    "coder",
    "created_at",
    "quote",
    "text",
    "start",
    "end",
]
ON = ("project", "transcript", "segment", "coding")  # the order memos are listed in


def memos_frame(
    transcripts: list[Transcript],
    segments: list[Segment],
    memos: list[Memo],
    codings: list[Coding],
) -> pd.DataFrame:
    """One row per memo (COLUMNS): project memos first, then per transcript in text order.

    `memo` is `M<id>` for a memo and `C<id>` for a coding's memo (ids of the store)."""
    by_id = {t.id: t for t in transcripts}
    segs: dict[int, list[Segment]] = {}
    for g in segments:
        segs.setdefault(g.transcript_id, []).append(g)
    rows = []
    for m in memos:
        t = by_id.get(m.transcript_id)
        if t is None:
            on = "project"
        elif m.start is None or m.end is None:
            on = "transcript"
        else:
            on = "segment"
        rows.append(
            _row(f"M{m.id}", on, t, segs, m.start, m.end, "", m.coder, m.created_at, m.text)
        )
    for c in codings:
        if c.memo:
            t = by_id[c.transcript_id]
            rows.append(
                _row(f"C{c.id}", "coding", t, segs, c.start, c.end, c.code, c.coder,
                     c.created_at, c.memo)
            )  # fmt: skip
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "_order"])
    names = sorted({r[2] for r in rows if r[2]})
    rank = {name: i for i, name in enumerate(names)}
    frame["_t"] = frame["transcript"].map(lambda n: -1 if not n else rank[n])
    frame["_s"] = frame["start"].fillna(-1)
    frame = frame.sort_values(["_t", "_order", "_s", "memo"], kind="stable")
    frame = frame.drop(columns=["_order", "_t", "_s"]).reset_index(drop=True)
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    return frame


def _row(key, on, t, segs, start, end, code, coder, created, text) -> list:
    numbers = quote = ""
    if t is not None and start is not None and end is not None:
        touched = [g.number for g in segs.get(t.id, []) if g.start < end and start < g.end]
        if touched:
            first, last = touched[0], touched[-1]
            numbers = str(first) if first == last else f"{first}-{last}"
        quote = t.text[start:end]
    order = 0 if on in ("project", "transcript") else 1
    return [
        key,
        on,
        t.name if t is not None else "",
        numbers,
        code,
        coder,
        created,
        quote,
        text,
        start,
        end,
        order,
    ]


def export(frame: pd.DataFrame, path: Path, project: str, codebook: Codebook) -> int:
    """Write the memos to `path` (the suffix says the format); returns how many."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise CodebookError(f"{path}: unknown memo export format (use {', '.join(SUFFIXES)})")
    if suffix == ".csv":
        with atomic_output(path) as tmp:
            out = frame.assign(created_at=frame["created_at"].map(_stamp))
            csv_safe_frame(out).to_csv(tmp, index=False)
        return len(frame)
    from codebook.interchange.report import render

    render(_document(frame, project, codebook), path, suffix.lstrip("."))
    return len(frame)


def _document(frame: pd.DataFrame, project: str, codebook: Codebook):
    from codebook.interchange.report.document import Document, Heading, Paragraph, Quote, TitlePage

    lang = codebook.language
    doc = Document(lang=lang)
    coders = ", ".join(sorted(set(frame["coder"]))) or "-"
    doc.add(TitlePage(f"Memos: {project}", f"{len(frame)} memo(s)", [("coders", coders)]))
    for name, rows in frame.groupby("transcript", sort=False):
        doc.add(Heading(1, name or "Project"))
        for row in rows.itertuples(index=False):
            doc.add(Heading(2, _title(row, codebook, lang)))
            if row.quote:
                where = row.transcript + (f", segment {row.segment}" if row.segment else "")
                doc.add(Quote(" ".join(row.quote.split()), where))
            for para in [p for p in str(row.text).splitlines() if p.strip()]:
                doc.add(Paragraph(para))
    return doc


def _title(row, codebook: Codebook, lang: str) -> str:
    what = {"project": "Project", "transcript": "Transcript"}.get(row.on, "")
    if row.on == "segment":
        what = f"Segment {row.segment}" if row.segment else "Passage"
    elif row.on == "coding":
        code = codebook.codes.get(row.code)
        label = f"{code.name(lang)} ({row.code})" if code else row.code
        what = f"Coding {label}, segment {row.segment}" if row.segment else f"Coding {label}"
    return f"{what} · {row.coder} · {_stamp(row.created_at)}"


def _stamp(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
