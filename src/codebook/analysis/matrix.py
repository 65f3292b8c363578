"""The framework matrix (Ritchie & Spencer): cases as rows, codes as columns, a summary per cell.

A cell shows what coders wrote about that case on that code. Where nobody wrote anything yet,
it shows a *draft*, marked as such: how many coded segments the cell has and an extractive
digest of them, the most central sentences with their speaker and segment number, so that the
researcher starts from what was said rather than from an empty box.

Centrality is the degree centrality of LexRank with cosine weights on TF-IDF of lemmas: the sum
of a sentence's similarities to the other sentences of its cell, which equals its similarity to
the cell's centroid times a constant of the cell. That makes it one sparse product for all
cells at once (a 1,000 x 25 matrix in well under a second) instead of a graph per cell.

Rows are transcripts, participants (a `participant` column in the frames) or the values of an
attribute. A row of an attribute gathers its members' summaries, each with its case; where no
member has one, the draft runs over the group's segments.
"""

from __future__ import annotations

import re
import runpy
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from codebook.model import SUMMARY_ROWS, Codebook, CodebookError, segment_number

MISSING = "(none)"  # the group of rows without a value, as in codebook.analysis.frequencies
DIGEST = 3  # sentences in a draft
MAX_CHARS = 220  # per digest sentence
MIN_CONTENT = 4  # sentences with fewer content words are used only when a cell has no other
CELL_COLUMNS = ["row", "code", "label", "status", "segments", "cases", "summary", "draft", "text"]
QUOTE_COLUMNS = [
    "row", "code", "label", "transcript", "segment", "speaker", "text", "digest", "score",
    "segment_id", "start", "end",
]  # fmt: skip
WORDS = {
    "nl": {
        "draft": "[concept]",
        "segments": "{n} gecodeerde segment(en)",
        "in_cases": "in {n} casus(sen)",
        "segment": "segment",
    },
    "en": {
        "draft": "[draft]",
        "segments": "{n} coded segment(s)",
        "in_cases": "in {n} case(s)",
        "segment": "segment",
    },
}


@dataclass
class Matrix:
    rows_by: str  # transcript | participant | an attribute
    rows: list[str]
    codes: list[str]
    labels: dict[str, str]
    cells: pd.DataFrame  # CELL_COLUMNS, one per (row, code), rows then codes in order
    quotes: pd.DataFrame  # QUOTE_COLUMNS: every coded segment behind a cell
    lang: str = "nl"

    def grid(self, value: str = "text") -> pd.DataFrame:
        """Rows x codes of one cell column (`text`, `segments`, `status`, ...)."""
        wide = self.cells.pivot(index="row", columns="code", values=value)
        wide = wide.reindex(index=self.rows, columns=self.codes)
        wide.index.name, wide.columns.name = self.rows_by, None
        return wide

    def cell(self, row: str, code: str) -> pd.Series:
        hit = self.cells[(self.cells["row"] == row) & (self.cells["code"] == code)]
        if hit.empty:
            raise CodebookError(f"no cell ({row}, {code}) in the matrix")
        return hit.iloc[0]

    def cell_quotes(self, row: str, code: str) -> pd.DataFrame:
        q = self.quotes
        return q[(q["row"] == row) & (q["code"] == code)].reset_index(drop=True)


def columns_for(
    codebook: Codebook, codes: list[str] | None = None, level: int | None = None
) -> list[str]:
    """The matrix's columns: the codes named, the codes at tree `level` (0 = the roots; leaves
    above that level too), or every codable code; in codebook order."""
    if codes and level is not None:
        raise CodebookError("give --codes or --level, not both")
    if codes:
        unknown = [c for c in codes if c not in codebook.codes]
        if unknown:
            raise CodebookError(f"--codes: unknown code(s) {', '.join(unknown)}")
        wanted = set(codes)
        return [c for c in codebook.codes if c in wanted]
    if level is not None:
        if level < 0:
            raise CodebookError(f"--level must be 0 or more (got {level})")
        return [
            c.id
            for c in codebook.walk()
            if codebook.depth(c.id) == level
            or (codebook.depth(c.id) < level and not codebook.children(c.id))
        ]
    return [c.id for c in codebook.walk() if c.codable]


def column_of(codebook: Codebook, columns: list[str]) -> dict[str, str]:
    """Each code mapped to its column: itself, or its nearest ancestor that is a column, so a
    column of a grouping code gathers the codings of the codes below it."""
    chosen = set(columns)
    out = {}
    for code in codebook.codes:
        for candidate in [code, *reversed(codebook.ancestors(code))]:
            if candidate in chosen:
                out[code] = candidate
                break
    return out


def build_matrix(
    segments: pd.DataFrame,
    coded: pd.DataFrame,
    summaries: pd.DataFrame,
    codebook: Codebook,
    rows_by: str = "transcript",
    columns: list[str] | None = None,
    coder: str | None = None,
    lang: str = "nl",
    include_interviewer: bool = False,
    members: dict[tuple[str, str], str] | None = None,
    digest: int = DIGEST,
) -> Matrix:
    """The matrix of `segments`/`coded` (the project's frames) and `summaries` (columns
    row_kind, row, code, coder, text).

    `members` maps (row kind, case) to the case's own value of the attribute `rows_by`, so that
    an attribute row finds its members' summaries; a case not in it gets the value most of its
    segments have.
    """
    if lang not in WORDS:
        raise CodebookError(f"--lang {lang}: choose nl or en")
    columns = columns if columns is not None else columns_for(codebook)
    segments = _respondents(segments, include_interviewer)
    coded = _respondents(coded, include_interviewer)
    key = _row_column(segments, rows_by, codebook)
    rows = _row_order(_values(segments, key), codebook, rows_by)
    if coder is not None:
        coded = coded[coded["coder"] == coder]
        summaries = summaries[summaries["coder"] == coder]
    mapping = column_of(codebook, columns)
    items = _items(coded, key, rows, columns, mapping)
    labels = {c: codebook.codes[c].name(lang) for c in columns}
    quotes = _digest(items, rows, columns, codebook.language, digest)  # the interviews' language
    quotes["label"] = quotes["code"].map(labels)
    written = _written(summaries, segments, rows_by, mapping, members)
    cells = _cells(rows, columns, labels, items, quotes, written, rows_by, lang)
    return Matrix(rows_by, rows, columns, labels, cells, quotes[QUOTE_COLUMNS], lang)


ITEM_COLUMNS = ["segment_id", "transcript", "index", "speaker", "text", "start", "end"]


def _items(coded, key, rows, columns, mapping) -> pd.DataFrame:
    """One row per (cell, coded segment), with the cell as a number: row * len(columns) + col."""
    col_of = {c: i for i, c in enumerate(columns)}
    column = coded["code"].map({code: col_of[col] for code, col in mapping.items()})
    row = _values(coded, key).map({r: i for i, r in enumerate(rows)})
    keep = (column.notna() & row.notna()).to_numpy()
    wanted = ITEM_COLUMNS + (["participant"] if "participant" in coded.columns else [])
    items = coded.loc[keep, wanted].reset_index(drop=True)
    items["cell"] = (row[keep].to_numpy(np.int64) * len(columns)
                     + column[keep].to_numpy(np.int64))  # fmt: skip
    twice = pd.DataFrame({"c": items["cell"], "s": items["segment_id"]}).duplicated().to_numpy()
    return items[~twice].reset_index(drop=True)


def _respondents(frame: pd.DataFrame, include_interviewer: bool) -> pd.DataFrame:
    """Interviewer turns are left out unless asked for: the matrix is about what cases said."""
    if include_interviewer:
        return frame
    if "interviewer" in frame.columns:
        return frame[~frame["interviewer"].fillna(False).astype(bool)]
    from codebook.analysis.frames import without_interviewer

    return without_interviewer(frame)


def _row_column(segments: pd.DataFrame, rows_by: str, codebook: Codebook) -> str:
    if rows_by == "transcript":
        return "transcript"
    if rows_by == "participant":
        if "participant" not in segments.columns or segments["participant"].isna().all():
            raise CodebookError(
                "--rows participant: no participants in this project yet "
                "(add them with 'codebook participants import FILE.csv')"
            )
        return "participant"
    if rows_by not in codebook.attributes:
        known = ", ".join([*SUMMARY_ROWS, *codebook.attributes])
        raise CodebookError(f"--rows {rows_by}: not a kind of row (choose from: {known})")
    return rows_by


def _values(frame: pd.DataFrame, key: str) -> pd.Series:
    if key not in frame.columns:
        return pd.Series(MISSING, index=frame.index, dtype=object)
    values = frame[key].astype(object)
    if key == "participant":
        return values
    return values.where(values.notna(), MISSING)


def _row_order(values: pd.Series, codebook: Codebook, rows_by: str) -> list[str]:
    """Cases by name; an attribute's values in declared order, others after, none last."""
    present = set(values.dropna().astype(str)) if rows_by == "participant" else set(values)
    if rows_by in SUMMARY_ROWS:
        return sorted(present)
    declared = codebook.attributes[rows_by].values if rows_by in codebook.attributes else []
    ordered = [v for v in declared if v in present]
    rest = sorted(v for v in present if v not in ordered and v != MISSING)
    return ordered + rest + ([MISSING] if MISSING in present else [])


# -- drafts ---------------------------------------------------------------------------------


def _digest(items: pd.DataFrame, rows, columns, lang: str, k: int) -> pd.DataFrame:
    """Every coded segment of every cell with its centrality in the cell and its digest rank
    (1..k for the sentences a draft shows, 0 for the rest)."""
    cell = items["cell"].to_numpy(np.int64)
    transcript = pd.factorize(items["transcript"])[0]
    index = items["index"].to_numpy(np.int64)
    order = np.lexsort((index, transcript, cell))  # cells, then in the order of the text
    items, cell = items.iloc[order].reset_index(drop=True), cell[order]
    ncols = max(len(columns), 1)
    out = pd.DataFrame(
        {
            "row": np.asarray(rows, dtype=object)[cell // ncols] if len(cell) else [],
            "code": np.asarray(columns, dtype=object)[cell % ncols] if len(cell) else [],
            "transcript": items["transcript"].to_numpy(dtype=object),
            "segment": segment_number(items["index"].to_numpy(dtype=np.int64)),
            "speaker": items["speaker"].to_numpy(dtype=object),
            "text": items["text"].to_numpy(dtype=object),
            "segment_id": items["segment_id"].to_numpy(),
            "start": items["start"].to_numpy(),
            "end": items["end"].to_numpy(),
            "cell": cell,
        }
    )
    if out.empty:
        return out.assign(score=pd.Series(dtype=float), digest=pd.Series(dtype=int))
    texts, position = _factorize_texts(out["text"])
    score, content = _centrality(texts, position, cell, lang)
    out["score"] = score
    short = content < MIN_CONTENT  # "Mijn moeder, ja." says little, however central
    dup = pd.DataFrame({"c": cell, "t": position}).duplicated().to_numpy()  # quoted once
    ranked = np.lexsort((-score, short, dup, cell))
    sorted_cells = cell[ranked]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1]
    rank = np.arange(len(ranked)) - np.repeat(starts, np.diff(np.r_[starts, len(ranked)])) + 1
    rank[dup[ranked]] = 0
    digest = np.zeros(len(out), dtype=np.int64)
    digest[ranked] = np.where(rank <= k, rank, 0)
    out["digest"] = digest
    return out


def _factorize_texts(texts: pd.Series) -> tuple[list[str], np.ndarray]:
    position, unique = pd.factorize(texts)
    return [str(t) for t in unique], position


def _centrality(
    texts: list[str], position: np.ndarray, cell: np.ndarray, lang: str
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of each sentence (`texts[position]`) to the centroid of its cell (TF-IDF of
    lemmas), and how many content words each sentence has."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    docs = _lemmas(texts, lang)
    content = np.array([len(d.split()) for d in docs], dtype=np.int64)[position]
    if not any(docs):
        return np.ones(len(position)), content
    vectors = TfidfVectorizer(analyzer=str.split, sublinear_tf=True).fit_transform(docs)
    vectors = normalize(vectors)[position]
    cells, group = np.unique(cell, return_inverse=True)
    members = sparse.csr_matrix(
        (np.ones(len(group)), (group, np.arange(len(group)))), shape=(len(cells), len(group))
    )
    centroids = normalize(members @ vectors)
    score = np.asarray(vectors.multiply(centroids[group]).sum(axis=1)).ravel()
    alone = np.bincount(group)[group] == 1
    score[alone] = 1.0  # a cell's only sentence is its digest
    return score, content


WORD = re.compile(r"[^\W\d_]{2,}")


def _lemmas(texts: list[str], lang: str) -> list[str]:
    """Content lemmas (simplemma, lowercased, spaCy's stop words left out) joined by spaces.

    A regular expression and a lemma per distinct word form: much faster than a spaCy pipeline,
    which would dominate the time of a large matrix."""
    import simplemma

    stop = _stop_words(lang)
    lemma: dict[str, str] = {}
    out = []
    for text in texts:
        words = []
        for w in WORD.findall(str(text).lower()):
            found = lemma.get(w)
            if found is None:
                found = lemma[w] = simplemma.lemmatize(w, lang=lang).lower()
            if found not in stop and w not in stop:
                words.append(found)
        out.append(" ".join(words))
    return out


@lru_cache(maxsize=4)
def _stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for `lang`, read from its module file: importing spaCy itself
    would cost a second before the first cell."""
    spec = find_spec("spacy")
    if spec is None or spec.origin is None:
        return frozenset()
    path = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    if not path.is_file():
        return frozenset()
    return frozenset(runpy.run_path(str(path)).get("STOP_WORDS", ()))


# -- summaries and cells --------------------------------------------------------------------


def _written(
    summaries: pd.DataFrame,
    segments: pd.DataFrame,
    rows_by: str,
    mapping: dict[str, str],
    members: dict[tuple[str, str], str] | None,
) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(row, column) -> [(case, coder, text)] of the written summaries that belong there."""
    out: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    if summaries.empty:
        return out
    if rows_by not in SUMMARY_ROWS:
        members = {**case_values(segments, rows_by), **(members or {})}
    for kind, case, code, who, text in zip(
        summaries["row_kind"], summaries["row"], summaries["code"], summaries["coder"],
        summaries["text"], strict=True,
    ):  # fmt: skip
        column = mapping.get(code)
        if column is None:
            continue
        if column != code:  # a summary on a code below the column says which code it is on
            text = f"[{code}] {text.strip()}"
        if rows_by in SUMMARY_ROWS:
            if kind != rows_by:
                continue
            row = case
        else:
            row = members.get((kind, case))
            if row is None:
                continue
        out.setdefault((row, column), []).append((case, who, text))
    return out


def case_values(segments: pd.DataFrame, attribute: str) -> dict[tuple[str, str], str]:
    """(kind, case) -> the case's value of `attribute`: the most common among its segments
    (a participant's own value where they have one, by the frames' rule)."""
    out: dict[tuple[str, str], str] = {}
    values = _values(segments, attribute)
    for kind in SUMMARY_ROWS:
        if kind not in segments.columns:
            continue
        frame = pd.DataFrame({"case": segments[kind], "value": values}).dropna(subset=["case"])
        if frame.empty:
            continue
        top = frame.groupby("case")["value"].agg(lambda v: v.value_counts().index[0])
        out.update({(kind, str(case)): value for case, value in top.items()})
    return out


def _cells(rows, columns, labels, items, quotes, written, rows_by, lang) -> pd.DataFrame:
    words = WORDS[lang]
    size = len(rows) * len(columns)
    cell = items["cell"].to_numpy(np.int64)
    counts = np.bincount(cell, minlength=size)
    case = items["transcript"]
    if "participant" in items.columns:  # a participant is the case where one is known
        case = items["participant"].astype(object).where(items["participant"].notna(), case)
    pairs = pd.DataFrame({"c": cell, "k": pd.factorize(case)[0]}).drop_duplicates()
    cases = np.bincount(pairs["c"].to_numpy(np.int64), minlength=size)
    drafts = _drafts(quotes, counts, cases, rows_by, words)
    col_of = {c: i for i, c in enumerate(columns)}
    row_of = {r: i for i, r in enumerate(rows)}
    summaries = [""] * size
    for (row, code), mine in written.items():
        if row in row_of and code in col_of:
            summaries[row_of[row] * len(columns) + col_of[code]] = _summary_text(mine, rows_by)
    draft = [drafts.get(i, "") for i in range(size)]
    summary = np.asarray(summaries, dtype=object)
    has = summary != ""
    status = np.where(has, "summary", np.where(counts > 0, "draft", "empty"))
    return pd.DataFrame(
        {
            "row": np.repeat(np.asarray(rows, dtype=object), len(columns)),
            "code": np.tile(np.asarray(columns, dtype=object), len(rows)),
            "label": np.tile(np.asarray([labels[c] for c in columns], dtype=object), len(rows)),
            "status": status.astype(object),
            "segments": counts,
            "cases": cases,
            "summary": summary,
            "draft": np.asarray(draft, dtype=object),
            "text": np.where(has, summary, np.asarray(draft, dtype=object)),
        },
        columns=CELL_COLUMNS,
    )


def _summary_text(written: list[tuple[str, str, str]], rows_by: str) -> str:
    if not written:
        return ""
    several = len({who for _, who, _ in written}) > 1
    lines = []
    for case, who, text in sorted(written):
        text = text.strip()
        if rows_by not in SUMMARY_ROWS:
            lines.append(f"{case} ({who}): {text}" if several else f"{case}: {text}")
        else:
            lines.append(f"{who}: {text}" if several else text)
    return "\n\n".join(lines)


def shorten(text: str, max_chars: int) -> str:
    """`text` on one line, cut at a word boundary before `max_chars` with ' …'."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 2]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(",;:-–") + " …"


def _drafts(quotes, counts, cases, rows_by, words) -> dict[int, str]:
    """Cell number -> its draft: the head line, then the digest sentences in rank order."""
    best = quotes[quotes["digest"] > 0].sort_values(["cell", "digest"], kind="stable")
    by_cell: dict[int, list[str]] = {}
    with_case = rows_by not in SUMMARY_ROWS
    names = ("cell", "transcript", "speaker", "segment", "text")
    for cell, transcript, speaker, segment, text in zip(
        *(best[c].tolist() for c in names), strict=True
    ):
        where = [transcript] if with_case else []
        if isinstance(speaker, str) and speaker:
            where.append(speaker)
        where.append(f"{words['segment']} {segment}")
        quote = shorten(str(text), MAX_CHARS)
        by_cell.setdefault(cell, []).append(f"• “{quote}” ({', '.join(where)})")
    out = {}
    for cell in np.flatnonzero(counts).tolist():
        head = f"{words['draft']} {words['segments'].format(n=int(counts[cell]))}"
        if with_case:
            head += " " + words["in_cases"].format(n=int(cases[cell]))
        out[cell] = "\n".join([head, *by_cell.get(cell, [])])
    return out
