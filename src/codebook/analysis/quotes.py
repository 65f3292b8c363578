"""The quotes that show a code best: typical of what was coded with it, and short enough.

A quote is a coded span. 'Representative' means closest (cosine on TF-IDF of lemmas) to the
centroid of everything coded with that code, so the quote says what most codings of the code
say rather than the odd one out. The same span coded by two coders is one candidate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from codebook.analysis.lemmas import analyzer, lemmatise
from codebook.model import CodebookError

QUOTE_COLUMNS = [
    "code",
    "label",
    "rank",
    "score",
    "transcript",
    "speaker",
    "segment",
    "timestamp",
    "start",
    "end",
    "coders",
    "quote",
]


def quotes(
    coded: pd.DataFrame,
    codings: pd.DataFrame,
    code: str | list[str] | None = None,
    by: str | None = None,
    n: int = 3,
    max_chars: int = 300,
    min_words: int = 6,
    lang: str = "nl",
) -> pd.DataFrame:
    """The `n` most representative quotes per code (and per group of `by`), best first.

    `code` limits to one code or a list (the `code` column of `coded`, so codes mapped to a
    tree level with `frames.at_level` work too). Quotes longer than `max_chars` are shortened
    at a word boundary with '…'; spans under `min_words` words are used only when a code
    has nothing longer. `segment` is the index of the first segment the quote touches.
    """
    if by is not None and by not in coded.columns:
        raise CodebookError(f"cannot pick quotes per '{by}': no such column")
    wanted = [code] if isinstance(code, str) else code
    if wanted is not None:
        unknown = sorted(set(wanted) - set(coded["code"]))
        if unknown:
            raise CodebookError(f"no codings for code(s) {', '.join(unknown)}")
        coded = coded[coded["code"].isin(wanted)]
    spans = _candidates(coded, codings, by)
    if spans.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS[:2] + ([by] if by else []) + QUOTE_COLUMNS[2:])
    spans["score"] = _centrality(spans, lang)
    words = spans["quote"].str.split().str.len()
    spans["_short"] = words < min_words
    keys = ["code"] + ([by] if by else [])
    spans = spans.sort_values(
        [*keys, "_short", "score"], ascending=[True] * len(keys) + [True, False], kind="stable"
    )
    best = spans.loc[_without_overlaps(spans, keys, n)].copy()
    best["rank"] = best.groupby(keys, sort=False).cumcount() + 1
    best["quote"] = best["quote"].map(lambda t: shorten(t, max_chars))
    order = {c: i for i, c in enumerate(dict.fromkeys(coded["code"]))}
    best = best.sort_values(keys + ["rank"], key=lambda s: s.map(order) if s.name == "code" else s)
    columns = QUOTE_COLUMNS[:2] + ([by] if by else []) + QUOTE_COLUMNS[2:]
    return best[columns].reset_index(drop=True)


def shorten(text: str, max_chars: int) -> str:
    """`text` on one line, cut at the last word boundary before `max_chars` with '…'."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut and text[len(cut)] != " ":
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(",;:-–") + "…"


def _without_overlaps(spans: pd.DataFrame, keys: list[str], n: int) -> list:
    """Greedily the best `n` rows per key whose spans do not overlap an already chosen one."""
    chosen: dict[tuple, list[tuple[str, int, int]]] = {}
    rows = []
    columns = [spans[k].tolist() for k in [*keys, "transcript", "start", "end"]]
    for label, *values in zip(spans.index, *columns, strict=True):
        key, (name, start, end) = tuple(values[: len(keys)]), values[len(keys) :]
        taken = chosen.setdefault(key, [])
        if len(taken) >= n or any(t == name and s < end and start < e for t, s, e in taken):
            continue
        taken.append((name, start, end))
        rows.append(label)
    return rows


def _candidates(coded: pd.DataFrame, codings: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """One row per distinct (code, transcript, span), with speaker and position."""
    first = coded.sort_values("index").drop_duplicates("coding_id")
    cols = ["coding_id", "code", "label", "speaker", "index", "timestamp"] + ([by] if by else [])
    spans = first[cols].merge(
        codings[["coding_id", "transcript", "start", "end", "coder", "text"]], on="coding_id"
    )
    spans = spans.rename(columns={"index": "segment", "text": "quote"})
    keys = ["code", "transcript", "start", "end"]
    coders = spans.groupby(keys)["coder"].agg(lambda s: ", ".join(sorted(set(s))))
    spans = spans.drop_duplicates(keys).drop(columns="coder").join(coders.rename("coders"), on=keys)
    return spans.reset_index(drop=True)


def _centrality(spans: pd.DataFrame, lang: str) -> np.ndarray:
    """Cosine of each span to the centroid of its code's spans (TF-IDF of lemmas)."""
    lemmas = lemmatise(spans["quote"], lang)
    if not any(lemmas):
        return np.zeros(len(spans))
    vectors = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True).fit_transform(lemmas)
    vectors = normalize(vectors)
    score = np.zeros(len(spans))
    for _, rows in spans.groupby("code", sort=False).indices.items():
        centroid = np.asarray(vectors[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        if norm > 0:
            score[rows] = vectors[rows] @ (centroid / norm)
    return score
