"""Distinctive terms: which lemmas one group uses more than the others, about the same code.

Weighted log-odds ratios with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
'Fightin' words', section 3.5). Raw frequency ratios overrate rare words and plain counts
favour common ones; the z-score of the prior-smoothed log-odds does neither:

    a_w = alpha0 * background share of w
    delta_w = log((y_iw + a_w) / (n_i + alpha0 - y_iw - a_w))
            - log((y_jw + a_w) / (n_j + alpha0 - y_jw - a_w))
    var_w   = 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z_w     = delta_w / sqrt(var_w)

with i the group and j all other groups together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from codebook.analysis.lemmas import analyzer, lemmatise
from codebook.model import CodebookError

TERM_COLUMNS = ["term", "count", "count_other", "log_odds", "z"]


def term_counts(frame: pd.DataFrame, by: str, lang: str = "nl") -> pd.DataFrame:
    """Lemma counts per group (groups x terms); each segment counts once per group."""
    if by not in frame.columns:
        raise CodebookError(f"cannot group terms by '{by}': no such column")
    rows = frame.dropna(subset=[by]).drop_duplicates(["segment_id", by])
    vectorizer = CountVectorizer(analyzer=analyzer)
    try:
        counts = vectorizer.fit_transform(lemmatise(rows["text"], lang))
    except ValueError:  # no terms at all
        return pd.DataFrame(index=pd.Index(pd.unique(rows[by]), name=by))
    groups, codes = np.unique(rows[by].astype(str).to_numpy(), return_inverse=True)
    member = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(len(groups), len(codes))
    )
    summed = (member @ counts).toarray().astype(np.int64)
    return pd.DataFrame(
        summed, index=pd.Index(groups, name=by), columns=vectorizer.get_feature_names_out()
    )


def log_odds(counts: pd.DataFrame, prior: pd.Series, alpha0: float = 500.0) -> pd.DataFrame:
    """Weighted log-odds and z-scores of every term, each group against all others.

    `counts` is groups x terms; `prior` holds background counts per term (terms missing from
    it get half a count). Returns one row per group and term.
    """
    if alpha0 <= 0:
        raise CodebookError(f"alpha0 must be positive (got {alpha0})")
    prior = prior.reindex(counts.columns).fillna(0).astype(float) + 0.5 * (
        ~counts.columns.isin(prior.index[prior > 0])
    )
    alpha = alpha0 * prior.to_numpy() / prior.sum()
    y = counts.to_numpy(dtype=float)
    rest = y.sum(axis=0, keepdims=True) - y
    n_i, n_j = y.sum(axis=1, keepdims=True), rest.sum(axis=1, keepdims=True)
    delta = np.log((y + alpha) / (n_i + alpha0 - y - alpha)) - np.log(
        (rest + alpha) / (n_j + alpha0 - rest - alpha)
    )
    z = delta / np.sqrt(1 / (y + alpha) + 1 / (rest + alpha))
    by = counts.index.name or "group"
    out = pd.DataFrame(
        {
            by: np.repeat(counts.index.to_numpy(), counts.shape[1]),
            "term": np.tile(counts.columns.to_numpy(), counts.shape[0]),
            "count": y.astype(np.int64).ravel(),
            "count_other": rest.astype(np.int64).ravel(),
            "log_odds": delta.ravel(),
            "z": z.ravel(),
        }
    )
    return out


def distinctive_terms(
    frame: pd.DataFrame,
    by: str,
    background: pd.DataFrame | None = None,
    n: int = 15,
    lang: str = "nl",
    alpha0: float = 500.0,
    min_count: int = 2,
) -> pd.DataFrame:
    """The `n` most distinctive lemmas of each group (highest z first).

    `frame` is any frame with `segment_id`, `text` and the `by` column: all segments, or the
    coded rows of one code to see how groups talk about that code. The prior comes from
    `background` (default: `frame` itself), e.g. all segments of the project. Terms used fewer
    than `min_count` times by a group are not listed for it.
    """
    counts = term_counts(frame, by, lang)
    if counts.shape[1] == 0 or counts.shape[0] < 2:
        raise CodebookError(
            f"distinctive terms need at least two groups of '{by}' with words "
            f"(found {counts.shape[0]})"
        )
    source = frame if background is None else background
    texts = source.drop_duplicates("segment_id")["text"]
    bg = pd.Series(" ".join(lemmatise(texts, lang)).split()).value_counts()
    scored = log_odds(counts, bg, alpha0)
    scored = scored[scored["count"] >= min_count]
    scored = scored.sort_values([by, "z"], ascending=[True, False], kind="stable")
    return scored.groupby(by, sort=False).head(n).reset_index(drop=True)
