"""Tidy frames of a project: segments, codings, and codings joined to the segments they touch.

Every other analysis takes these frames, so notebooks, reports and the TUI count the same way.
A segment's attribute columns hold its resolved values (`model.segment_attributes`: its
speaker's participant's value where the participant has the attribute, else the transcript's),
next to `participant` and `interviewer`; `respondents` leaves the interviewer's turns out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from codebook.model import (
    INTERVIEWER_LABELS,
    Codebook,
    CodebookError,
    Coding,
    Participant,
    Segment,
    Speaker,
    Transcript,
)

SEGMENT_COLUMNS = [
    "segment_id",
    "transcript",
    "index",
    "start",
    "end",
    "speaker",
    "timestamp",
    "page",
    "text",
]
PEOPLE_COLUMNS = ["participant", "interviewer"]  # after SEGMENT_COLUMNS, before the attributes
LEFT_OUT_COLUMNS = ["transcript", "speaker", "participant", "segments", "codings"]
CODING_COLUMNS = [
    "coding_id",
    "transcript",
    "start",
    "end",
    "code",
    "coder",
    "origin",
    "memo",
    "created_at",
]


def segments_frame(
    transcripts: list[Transcript],
    segments: list[Segment],
    speakers: list[Speaker] | None = None,
    participants: list[Participant] | None = None,
) -> pd.DataFrame:
    """One row per segment with its text, participant, interviewer flag and resolved attributes.

    The object-built twin of `build` (same columns), for callers that hold domain objects."""
    by_id = {t.id: t for t in transcripts}
    who = {(sp.transcript_id, sp.label): sp for sp in speakers or []}
    people = {p.name: p.attributes for p in participants or []}
    rows = [
        (
            g.id,
            by_id[g.transcript_id].name,
            g.index,
            g.start,
            g.end,
            g.speaker,
            g.timestamp,
            g.page,
            by_id[g.transcript_id].text[g.start : g.end],
        )
        for g in segments
    ]
    frame = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    found = [who.get((g.transcript_id, g.speaker)) for g in segments]
    named = pd.Series([sp.participant if sp else None for sp in found], dtype=object)
    frame["participant"] = named.where(named.notna()).to_numpy(dtype=object)
    frame["interviewer"] = pd.Series(
        [sp.is_interviewer if sp else _is_interviewer_label(g.speaker)
         for sp, g in zip(found, segments, strict=True)],
        index=frame.index, dtype=bool,
    )  # fmt: skip
    frame = frame.merge(attributes_frame(transcripts), on="transcript", how="left")
    mine = pd.DataFrame(
        [people.get(sp.participant, {}) if sp else {} for sp in found], index=frame.index
    )
    for key in mine.columns:  # THE rule: the participant's value, else the transcript's
        theirs = frame[key] if key in frame else pd.Series(np.nan, frame.index, dtype=object)
        frame[key] = mine[key].where(mine[key].notna(), theirs)
    return frame


def _is_interviewer_label(label: str | None) -> bool:
    return (label or "").strip().lower() in INTERVIEWER_LABELS


def attributes_frame(transcripts: list[Transcript]) -> pd.DataFrame:
    """One row per transcript, one column per attribute."""
    frame = pd.DataFrame([{"transcript": t.name, **t.attributes} for t in transcripts])
    return frame if not frame.empty else pd.DataFrame(columns=["transcript"])


def codings_frame(transcripts: list[Transcript], codings: list[Coding]) -> pd.DataFrame:
    """One row per coding, with the coded text."""
    by_id = {t.id: t for t in transcripts}
    rows = [
        (
            c.id,
            by_id[c.transcript_id].name,
            c.start,
            c.end,
            c.code,
            c.coder,
            c.origin,
            c.memo,
            c.created_at,
        )
        for c in codings
    ]
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    frame["text"] = [by_id[c.transcript_id].text[c.start : c.end] for c in codings]
    return frame


def coded_frame(
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    lengths: dict[str, int] | None = None,
) -> pd.DataFrame:
    """One row per (coding, segment it overlaps), with segment columns and the code's ancestors.

    A coding that spans three sentences counts for each of them; a coding inside one sentence
    counts for that sentence only. Vectorised: every transcript is laid out on one number line
    (`lengths` gives the text lengths; without them the furthest offset is used), so a single
    `searchsorted` finds the overlapped segments of all codings at once.
    """
    seg = segments
    names = pd.unique(pd.concat([seg["transcript"], codings["transcript"]], ignore_index=True))
    if lengths is None:
        ends = pd.concat([seg[["transcript", "end"]], codings[["transcript", "end"]]])
        lengths = ends.groupby("transcript")["end"].max().to_dict()
    size = np.array([lengths.get(n, 0) + 1 for n in names], dtype=np.int64)
    offset = pd.Series(np.concatenate([[0], np.cumsum(size)])[:-1], index=names)
    seg_off = seg["transcript"].map(offset).to_numpy(dtype=np.int64)
    seg_start = seg_off + seg["start"].to_numpy(dtype=np.int64)
    if len(seg_start) > 1 and (np.diff(seg_start) < 0).any():  # not in text order yet
        order = np.argsort(seg_start, kind="stable")
        seg, seg_off, seg_start = seg.iloc[order], seg_off[order], seg_start[order]
    seg_end = seg_off + seg["end"].to_numpy(dtype=np.int64)
    cod_off = codings["transcript"].map(offset).to_numpy(dtype=np.int64)
    first = np.searchsorted(seg_end, cod_off + codings["start"].to_numpy(np.int64), side="right")
    last = np.searchsorted(seg_start, cod_off + codings["end"].to_numpy(np.int64), side="left")
    counts = np.clip(last - first, 0, None)
    which = np.repeat(np.arange(len(codings)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = np.repeat(first, counts) + step
    left = codings.drop(columns=["transcript", "start", "end", "text"]).iloc[which]
    right = seg.iloc[rows].drop(columns=["segment_id"])
    coded = pd.concat(
        [
            left.iloc[:, :1].reset_index(drop=True),
            pd.DataFrame({"segment_id": seg["segment_id"].to_numpy()[rows]}),
            left.iloc[:, 1:].reset_index(drop=True),
            right.reset_index(drop=True),
        ],
        axis=1,
    )
    known = codebook.codes
    present = pd.unique(coded["code"])
    labels = {c: known[c].name(codebook.language) if c in known else c for c in present}
    chains = {c: codebook.ancestors(c) if c in known else [] for c in present}
    coded["label"] = coded["code"].map(labels)
    coded["ancestors"] = coded["code"].map(chains)
    return coded


def build(rows: dict[str, list[tuple]], codebook: Codebook) -> dict[str, pd.DataFrame]:
    """The three frames from the store's bulk rows (`Store.bulk_rows`), fast at scale.

    Rows become columns; sorting happens in pandas; texts are sliced in Python from the
    transcript text (code point offsets, as stored), which is faster than `substr` in SQL.
    """
    texts = {i: (name, text) for i, name, text in rows["texts"]}
    segments = _columns(rows["segments"], SEGMENT_COLUMNS[:-1])
    segments = segments.sort_values(["transcript", "index"], kind="stable", ignore_index=True)
    segments["timestamp"] = segments["timestamp"].astype(float)
    segments["page"] = segments["page"].astype("Int64")
    attrs = _columns(rows["attributes"], ["transcript", "key", "value"])
    wide = attrs.pivot(index="transcript", columns="key", values="value")
    ids = segments["transcript"].to_numpy()
    pids, names, interviewer = _people(rows, segments)
    own = _columns(rows.get("participant_attributes", []), ["participant", "key", "value"])
    own = own.pivot(index="participant", columns="key", values="value")
    present = set(wide.columns) | set(own.columns)
    declared = [k for k in codebook.attributes if k in present]
    values = {}
    for k in declared + sorted(present - set(declared)):  # THE rule, one column at a time
        mine = own[k].reindex(pids).to_numpy(dtype=object) if k in own else None
        theirs = wide[k].reindex(ids).to_numpy(dtype=object) if k in wide else None
        if mine is None or theirs is None:
            values[k] = mine if theirs is None else theirs
        else:
            values[k] = np.where(pd.isna(mine), theirs, mine)
    segments = _with_text(segments, texts)
    segments["participant"] = names
    segments["interviewer"] = interviewer
    segments = pd.concat([segments, pd.DataFrame(values, index=segments.index)], axis=1)
    for k in values:
        segments[k] = segments[k].astype("str").where(segments[k].notna())
    codings = _columns(rows["codings"], CODING_COLUMNS)
    codings = codings.sort_values(
        ["transcript", "start", "coding_id"], kind="stable", ignore_index=True
    )
    codings = _with_text(codings, texts)
    codings["created_at"] = pd.to_datetime(codings["created_at"], format="ISO8601")
    lengths = {name: len(text) for name, text in texts.values()}
    coded = coded_frame(segments, codings, codebook, lengths)
    return {"segments": segments, "codings": codings, "coded": coded}


def _people(rows: dict[str, list[tuple]], segments: pd.DataFrame):
    """Per segment (transcript still as id): participant id, participant name, interviewer."""
    known = _columns(rows.get("speakers", []), ["transcript", "speaker", "pid", "flag"])
    found = segments[["transcript", "speaker"]].merge(
        known, how="left", on=["transcript", "speaker"]
    )
    pids = found["pid"].to_numpy(dtype=object)
    names = dict(rows.get("participants", []))
    named = pd.Series([names.get(p) if pd.notna(p) else None for p in pids], dtype=object)
    labels = segments["speaker"].astype(object)
    rule = {lab: _is_interviewer_label(lab) for lab in pd.unique(labels.dropna())}
    by_rule = labels.map(rule).fillna(False).to_numpy(dtype=bool)
    flag = found["flag"]
    interviewer = np.where(flag.notna(), flag.fillna(False).astype(bool), by_rule)
    return pids, named.where(named.notna()).to_numpy(dtype=object), interviewer.astype(bool)


def _with_text(frame: pd.DataFrame, texts: dict[int, tuple[str, str]]) -> pd.DataFrame:
    """Replace the `transcript` id by its name and add the text of each [start, end) span."""
    ids = frame["transcript"].tolist()
    frame["transcript"] = [texts[i][0] for i in ids]
    frame["text"] = [
        texts[i][1][s:e]
        for i, s, e in zip(ids, frame["start"].tolist(), frame["end"].tolist(), strict=True)
    ]
    return frame


def _columns(rows: list[tuple], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=names, nrows=len(rows))


def at_level(coded: pd.DataFrame, codebook: Codebook, level: int | None) -> pd.DataFrame:
    """`coded` with each code replaced by its ancestor at `level` of the tree (0 = the roots).

    Codes shallower than `level` stay as they are, so nothing is lost when counting at a
    deeper level. The original code is kept in `coded_as`. `None` returns `coded` unchanged.
    """
    if level is None:
        return coded
    if level < 0:
        raise CodebookError(f"level must be 0 or more (got {level})")
    mapping = {}
    for code in pd.unique(coded["code"]):
        path = [*codebook.ancestors(code), code] if code in codebook.codes else [code]
        mapping[code] = path[min(level, len(path) - 1)]
    out = coded.assign(coded_as=coded["code"], code=coded["code"].map(mapping))
    known, targets = codebook.codes, set(mapping.values())
    out["label"] = out["code"].map(
        {c: known[c].name(codebook.language) if c in known else c for c in targets}
    )
    out["ancestors"] = out["code"].map(
        {c: codebook.ancestors(c) if c in known else [] for c in targets}
    )
    return out


def without_interviewer(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows not spoken by the interviewer: what respondents said. Uses the `interviewer` column
    of the frames (a speaker's own flag, else the label rule of `model.is_interviewer`)."""
    if "interviewer" in frame.columns:
        return frame[~frame["interviewer"].astype(bool)]
    speaker = frame["speaker"].fillna("").astype(str).str.strip().str.lower()
    return frame[~speaker.isin(INTERVIEWER_LABELS)]


def respondents(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames without the interviewer's turns, and `left_out` saying what was left out.

    `segments` and `coded` lose the interviewer's segments; `codings` loses the codings that
    touch interviewer segments only (a coding over a question and its answer stays, counted on
    the answer). `left_out` has one row per interviewer speaker of a transcript: how many
    segments, and how many codings, were left out.
    """
    seg, coded, codings = frames["segments"], frames["coded"], frames["codings"]
    asked = seg["interviewer"].to_numpy(dtype=bool)
    on_question = coded["interviewer"].to_numpy(dtype=bool)
    answered = set(coded.loc[~on_question, "coding_id"])
    gone = coded[on_question & ~coded["coding_id"].isin(answered).to_numpy()]
    gone = gone.sort_values("index", kind="stable").drop_duplicates("coding_id")
    keys = ["transcript", "speaker"]
    left = (
        seg[asked]
        .groupby(keys, dropna=False, sort=True)
        .agg(segments=("segment_id", "size"), participant=("participant", "first"))
    )
    left["codings"] = gone.groupby(keys, dropna=False)["coding_id"].nunique()
    left = left.reset_index()
    left["codings"] = left["codings"].fillna(0).astype(int)
    return {
        **frames,
        "segments": seg[~asked].reset_index(drop=True),
        "codings": codings[~codings["coding_id"].isin(gone["coding_id"])].reset_index(drop=True),
        "coded": coded[~on_question].reset_index(drop=True),
        "left_out": left[LEFT_OUT_COLUMNS],
    }


def nothing_left_out() -> pd.DataFrame:
    """`left_out` of frames that keep the interviewer's turns."""
    return pd.DataFrame({c: pd.Series(dtype=int if c in ("segments", "codings") else object)
                         for c in LEFT_OUT_COLUMNS})  # fmt: skip


def left_out_note(frames: dict[str, pd.DataFrame]) -> str | None:
    """One line on what `respondents` left out, or None when nothing was."""
    left = frames.get("left_out")
    if left is None or left.empty:
        return None
    n, k = int(left["segments"].sum()), int(left["codings"].sum())
    codings = f" and {k} coding(s) on them only" if k else ""
    return f"{n} interviewer segment(s){codings} left out (--include-interviewer counts them)"


def uncoded(segments: pd.DataFrame, coded: pd.DataFrame) -> pd.DataFrame:
    """Segments that no coding touches: where to look for what the codebook misses."""
    return segments[~segments["segment_id"].isin(coded["segment_id"])]


def stats(coded: pd.DataFrame, codebook: Codebook, by: str | None = None) -> pd.DataFrame:
    """Coded segments per code (and per value of `by`), in codebook order."""
    keys = ["code"] + ([by] if by else [])
    if by and by not in coded.columns:
        coded = coded.assign(**{by: pd.NA})
    counts = (
        coded.groupby(keys, dropna=False)["segment_id"].nunique().rename("segments").reset_index()
    )
    order = {cid: i for i, cid in enumerate(codebook.codes)}
    counts["_order"] = counts["code"].map(lambda c: order.get(c, len(order)))
    counts.insert(
        1,
        "label",
        counts["code"].map(
            lambda c: codebook.codes[c].name(codebook.language) if c in codebook.codes else c
        ),
    )
    return counts.sort_values(["_order"] + keys[1:]).drop(columns="_order").reset_index(drop=True)


def overview_counts(rows: dict[str, list[tuple]], coder: str) -> pd.DataFrame:
    """Per transcript with segments: `segments`, `coded` (segments `coder` touched, counted as in
    `coded_frame`) and `coders`, from offsets only (`Store.offset_rows`): `build` slices every
    text, which made the project screen of a 1,000-transcript project take a second to open."""
    names = dict(rows["names"])
    seg = np.array(rows["segments"], dtype=np.int64)
    cod = rows["codings"]
    seg = seg.reshape(-1, 3)
    mine = np.array([r[:3] for r in cod if r[3] == coder], dtype=np.int64).reshape(-1, 3)
    line = int(max(seg[:, 2].max(initial=0), mine[:, 2].max(initial=0))) + 1
    seg = seg[np.lexsort((seg[:, 1], seg[:, 0]))]  # one number line: transcript, then offset
    seg_start, seg_end = seg[:, 0] * line + seg[:, 1], seg[:, 0] * line + seg[:, 2]
    first = np.searchsorted(seg_end, mine[:, 0] * line + mine[:, 1], side="right")
    last = np.searchsorted(seg_start, mine[:, 0] * line + mine[:, 2], side="left")
    touched = np.zeros(len(seg) + 1, dtype=np.int64)  # +1 at each range's start, -1 past its end
    keep = last > first
    np.add.at(touched, first[keep], 1)
    np.add.at(touched, last[keep], -1)
    covered = np.cumsum(touched)[:-1] > 0
    tids, counts = np.unique(seg[:, 0], return_counts=True)
    coded = np.bincount(seg[covered, 0], minlength=int(tids.max(initial=0)) + 1)
    coders: dict[int, set[str]] = {}
    for tid, _, _, who in cod:
        coders.setdefault(tid, set()).add(who)
    return pd.DataFrame(
        {
            "transcript": [names[i] for i in tids.tolist()],
            "segments": counts,
            "coded": coded[tids],
            "coders": [", ".join(sorted(coders.get(i, ()))) for i in tids.tolist()],
        }
    )


def overview(
    counts: pd.DataFrame,
    transcripts: list[Transcript],
    attributes: list[str],
    people: dict[str, dict[str, list[str]]] | None = None,
) -> pd.DataFrame:
    """The transcript list: `overview_counts` with words, coded share and `attributes` (the
    codebook's, in its order). `people` gives, per transcript and attribute, the values of the
    participants speaking in it (a focus group), listed after the transcript's own value."""
    words = {t.name: len(t.text.split()) for t in transcripts}
    out = counts.set_index("transcript").sort_index()
    out["coded_pct"] = (100 * out.pop("coded") / out["segments"]).round(0)
    out["words"] = [words.get(n, 0) for n in out.index]
    own = {t.name: t.attributes for t in transcripts}
    people = people or {}
    for col in attributes:
        out[col] = [
            ", ".join(
                dict.fromkeys(
                    v for v in [own.get(n, {}).get(col), *people.get(n, {}).get(col, [])] if v
                )
            )
            for n in out.index
        ]
    out = out.reset_index()
    cols = ["transcript", *attributes, "words", "segments", "coded_pct"]
    return out[cols + ["coders"]].fillna("")
