"""Emergent themes: NMF topics on TF-IDF of lemmas, to see what the codebook does not name yet.

Fit on all segments, or only on uncoded ones (`frames.uncoded`) to look for what coders
passed over. Each segment gets the topic with the highest weight; segments without any
content lemma get no topic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from codebook.analysis.lemmas import SPOKEN, lemmatise
from codebook.model import CodebookError


@dataclass
class Topics:
    terms: pd.DataFrame  # topic, rank, term, weight
    segments: pd.DataFrame  # the input segments with `topic` and `topic_weight`
    weights: np.ndarray  # segments x topics, rows normalised to sum 1 (0 when no lemma)

    @property
    def n_topics(self) -> int:
        return self.weights.shape[1]


def fit_topics(
    segments: pd.DataFrame,
    n_topics: int = 8,
    lang: str = "nl",
    n_terms: int = 10,
    min_df: int = 3,
    max_df: float = 0.2,
    random_state: int = 0,
    stop_words: set[str] | None = None,
) -> Topics:
    """NMF (scikit-learn) on TF-IDF of content lemmas; deterministic for a `random_state`.

    The words of talk in `lemmas.SPOKEN` ('eh', 'eigenlijk', 'zeggen', ...) are left out unless
    `stop_words` is given; lemmas in more than `max_df` of the segments carry no theme either.
    """
    segments = segments.drop_duplicates("segment_id").reset_index(drop=True)
    if n_topics < 1:
        raise CodebookError(f"n_topics must be at least 1 (got {n_topics})")
    drop = SPOKEN.get(lang, set()) if stop_words is None else stop_words
    vectorizer = TfidfVectorizer(
        analyzer=lambda text: [w for w in text.split() if w not in drop],
        min_df=min_df,
        max_df=max_df,
        sublinear_tf=True,
    )
    try:
        lemmas = lemmatise(segments["text"], lang)
        tfidf = vectorizer.fit_transform(lemmas)
    except ValueError:
        raise CodebookError(
            f"too little text for topics: {len(segments)} segments have no lemma used in at "
            f"least {min_df} of them"
        ) from None
    if tfidf.shape[1] < n_topics or tfidf.shape[0] < n_topics:
        raise CodebookError(
            f"too little text for {n_topics} topics ({tfidf.shape[0]} segments, "
            f"{tfidf.shape[1]} terms): ask for fewer topics"
        )
    model = NMF(n_components=n_topics, init="nndsvda", random_state=random_state, max_iter=500)
    doc_topic = model.fit_transform(tfidf)
    vocabulary = vectorizer.get_feature_names_out()
    rows = []
    for k, row in enumerate(model.components_):
        top = np.argsort(row)[::-1][:n_terms]
        rows.extend((k, rank, vocabulary[i], float(row[i])) for rank, i in enumerate(top, 1))
    terms = pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])
    total = doc_topic.sum(axis=1, keepdims=True)
    weights = np.divide(doc_topic, total, out=np.zeros_like(doc_topic), where=total > 0)
    out = segments.copy()
    has = total[:, 0] > 0
    out["topic"] = pd.array(np.where(has, doc_topic.argmax(axis=1), -1)).astype("Int64")
    out.loc[~has, "topic"] = pd.NA
    out["topic_weight"] = weights.max(axis=1)
    out["topic_strength"] = doc_topic.max(axis=1)
    top_terms = terms.groupby("topic")["term"].agg(set).to_dict()
    out["topic_terms"] = [
        len(set(words.split()) & top_terms[k]) if ok else 0
        for words, k, ok in zip(lemmas, doc_topic.argmax(axis=1), has, strict=True)
    ]
    return Topics(terms=terms, segments=out, weights=weights)


def topic_terms(topics: Topics, n: int = 8) -> pd.DataFrame:
    """One row per topic: its top terms, and how many segments it is the main topic of."""
    top = topics.terms[topics.terms["rank"] <= n]
    table = top.groupby("topic")["term"].agg(", ".join).rename("terms").to_frame()
    table["segments"] = topics.segments["topic"].value_counts().reindex(table.index).fillna(0)
    table["segments"] = table["segments"].astype(int)
    table.insert(0, "name", top[top["rank"] <= 3].groupby("topic")["term"].agg(" / ".join))
    return table.reset_index()


def representative_segments(topics: Topics, n: int = 3, min_words: int = 6) -> pd.DataFrame:
    """The `n` segments that express each topic most strongly (at least `min_words` words).

    Ranked by how many of the topic's top terms the segment uses, then by the topic's NMF
    activation; not by its share of the segment, since a short sentence with one topic word
    is 100% that topic but says little about it.
    """
    seg = topics.segments.dropna(subset=["topic"])
    long_enough = seg["text"].str.split().str.len() >= min_words
    seg = seg[long_enough] if long_enough.any() else seg
    seg = seg.sort_values(
        ["topic", "topic_terms", "topic_strength"], ascending=[True, False, False], kind="stable"
    )
    best = seg.groupby("topic").head(n).copy()
    best["rank"] = best.groupby("topic").cumcount() + 1
    keep = ["topic", "rank", "topic_terms", "topic_weight", "transcript", "speaker", "index"]
    keep += ["start", "end"]
    return best[keep + ["text"]].reset_index(drop=True)


def topic_spread(topics: Topics, by: str) -> pd.DataFrame:
    """Per group and topic: segments whose main topic it is, and their share of the group."""
    seg = topics.segments
    if by not in seg.columns:
        raise CodebookError(f"cannot spread topics over '{by}': no such column")
    seg = seg.dropna(subset=["topic", by])
    counts = seg.groupby([by, "topic"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(topics.n_topics), fill_value=0)
    long = counts.stack().rename("segments").reset_index()
    long["share"] = long["segments"] / long.groupby(by)["segments"].transform("sum")
    return long


def topic_code_overlap(topics: Topics, coded: pd.DataFrame) -> pd.DataFrame:
    """How much each topic's segments are covered by codes: spot what the codebook misses.

    Per topic and code: segments of the topic carrying the code, and that as a share of the
    topic; a topic with low `coded_share` (its segments mostly uncoded) is a candidate for a
    new code. `lift` > 1 means the code is more common in the topic than overall.
    """
    seg = topics.segments.dropna(subset=["topic"])[["segment_id", "topic"]]
    links = coded[["segment_id", "code", "label"]].drop_duplicates()
    sizes = seg.groupby("topic").size().rename("topic_segments")
    coded_share = seg.assign(c=seg["segment_id"].isin(links["segment_id"])).groupby("topic")["c"]
    overall = links.groupby("code")["segment_id"].nunique() / max(len(seg), 1)
    joined = seg.merge(links, on="segment_id")
    out = joined.groupby(["topic", "code", "label"]).size().rename("segments").reset_index()
    out = out.join(sizes, on="topic")
    out["share"] = out["segments"] / out["topic_segments"]
    out["lift"] = out["share"] / out["code"].map(overall)
    out = out.join(coded_share.mean().rename("coded_share"), on="topic")
    out = out.sort_values(["topic", "segments"], ascending=[True, False], kind="stable")
    return out.reset_index(drop=True)
