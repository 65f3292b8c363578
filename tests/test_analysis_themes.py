"""Topics, quotes and plots: on small frames whose right answer is known, and on the sample."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from codebook import Project
from codebook.analysis import cooccurrence, frames, frequencies, plots, quotes, topics
from codebook.model import CodebookError

LETTERS = [
    "De brief van de belastingdienst over de toeslag was onduidelijk.",
    "Die toeslag moest ik terugbetalen, stond in een brief van de belastingdienst.",
    "Een brief over de huurtoeslag van de belastingdienst begreep ik niet.",
    "De belastingdienst stuurt brieven over toeslagen die niemand snapt.",
    "Over de kinderopvangtoeslag kwam weer een brief van de belastingdienst.",
    "Ik durf de brief van de belastingdienst over de toeslag niet te openen.",
]
SCHOOL = [
    "De juf van school stuurt berichten in de schoolapp over de klas.",
    "Op school vertelt de juf bij het tienminutengesprek hoe de klas gaat.",
    "In de schoolapp van school zet de juf foto's van de klas.",
    "De juf vraagt of ouders helpen bij de klas op school.",
    "School heeft een nieuwe schoolapp, zegt de juf van de klas.",
    "Na school praat ik met de juf over de klas van mijn zoon.",
]


def segments_of(texts_by_group: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for group, texts in texts_by_group.items():
        for i, text in enumerate(texts):
            rows.append(
                dict(
                    segment_id=len(rows) + 1,
                    transcript=f"t-{group}",
                    index=i,
                    start=i * 100,
                    end=i * 100 + len(text),
                    speaker="R",
                    timestamp=None,
                    text=text,
                    domain=group,
                )
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def themed():
    return segments_of({"werk_en_inkomen": LETTERS, "opvoeding": SCHOOL})


def test_two_clear_themes_become_two_topics(themed):
    found = topics.fit_topics(themed, n_topics=2, min_df=2, max_df=0.9)
    table = topics.topic_terms(found, n=3).set_index("topic")
    words = {t: set(table.loc[t, "terms"].split(", ")) for t in table.index}
    letters = next(t for t, w in words.items() if "belastingdienst" in w)
    school = 1 - letters
    assert {"brief", "toeslag"} <= words[letters] and "juf" in words[school]
    assert table["segments"].sum() == 12
    seg = found.segments.set_index("text")["topic"]
    assert all(seg[t] == letters for t in LETTERS) and all(seg[t] == school for t in SCHOOL)
    best = topics.representative_segments(found, n=2)
    assert len(best) == 4 and set(best.loc[best["topic"] == letters, "text"]) <= set(LETTERS)
    spread = topics.topic_spread(found, "domain").set_index(["domain", "topic"])
    assert spread.loc[("werk_en_inkomen", letters), "share"] == 1.0
    assert spread.loc[("opvoeding", letters), "share"] == 0.0
    assert found.weights.sum(axis=1) == pytest.approx([1.0] * 12)


def test_topic_code_overlap_shows_which_topic_the_codebook_misses(themed):
    found = topics.fit_topics(themed, n_topics=2, min_df=2, max_df=0.9)
    letters = int(found.segments.loc[found.segments["text"] == LETTERS[0], "topic"].iloc[0])
    coded = themed[themed["text"].isin(LETTERS[:4])].assign(
        code="impl.design", label="Vormgeving en organisatie"
    )
    overlap = topics.topic_code_overlap(found, coded)
    assert len(overlap) == 1
    row = overlap.iloc[0]
    assert row["topic"] == letters and row["segments"] == 4 and row["share"] == pytest.approx(4 / 6)
    assert row["lift"] == pytest.approx((4 / 6) / (4 / 12))
    assert row["coded_share"] == pytest.approx(4 / 6)


def test_topics_refuse_too_little_text(themed):
    with pytest.raises(CodebookError, match="too little text"):
        topics.fit_topics(themed.head(3), n_topics=5)
    with pytest.raises(CodebookError, match="at least 1"):
        topics.fit_topics(themed, n_topics=0)


def quote_frames():
    texts = [
        "Ik kan de brief van de gemeente niet lezen, de brief is te moeilijk.",
        "De brief lezen lukt niet, zoveel moeilijke woorden in die brief.",
        "Mijn zoon leest de brief voor omdat ik het lezen moeilijk vind.",
        "Vorige week regende het de hele dag in de stad en bleef ik binnen.",
    ]
    segments = segments_of({"opvoeding": texts}).assign(stakeholder_group="ouder")
    segments.loc[2, "stakeholder_group"] = "leerkracht"
    codings = pd.DataFrame(
        {
            "coding_id": [1, 2, 3, 4, 5],
            "transcript": "t-opvoeding",
            "start": [0, 100, 200, 300, 100],
            "end": [len(texts[0]), 100 + len(texts[1]), 200 + len(texts[2]), 300 + 66, 150],
            "code": "cog.basic.language",
            "coder": ["ann", "ann", "ann", "ann", "bob"],
            "text": [texts[0], texts[1], texts[2], texts[3][:66], texts[1][:50]],
        }
    )
    coded = codings[["coding_id", "code", "coder"]].assign(
        segment_id=[1, 2, 3, 4, 2], label="Taalvaardigheid"
    )
    coded = coded.merge(segments.drop(columns=["start", "end"]), on="segment_id")
    coded = coded.merge(codings[["coding_id", "start", "end"]], on="coding_id")
    return coded, codings


def test_quotes_are_typical_for_the_code_and_do_not_repeat_a_span():
    coded, codings = quote_frames()
    best = quotes.quotes(coded, codings, "cog.basic.language", n=4, max_chars=60)
    assert best["rank"].tolist() == [1, 2, 3, 4]
    assert "regende" in best["quote"].iloc[-1]  # the odd one out comes last
    assert best["score"].is_monotonic_decreasing
    assert (best["quote"].str.len() <= 60).all() and best["quote"].str.endswith("…").any()
    # bob's shorter span inside segment 2 overlaps ann's and is not a second quote
    assert best["start"].tolist().count(100) == 1
    first = best.iloc[0]
    assert first["transcript"] == "t-opvoeding" and first["speaker"] == "R"
    per_group = quotes.quotes(coded, codings, by="stakeholder_group", n=1)
    assert set(per_group["stakeholder_group"]) == {"ouder", "leerkracht"}
    assert per_group.loc[per_group["stakeholder_group"] == "leerkracht", "segment"].item() == 2
    with pytest.raises(CodebookError, match="no codings for code"):
        quotes.quotes(coded, codings, "help")


def test_shorten_cuts_at_a_word_boundary():
    assert quotes.shorten("een twee drie", 9) == "een twee…"
    assert quotes.shorten("een\n twee", 20) == "een twee"


# -- on the sample project: the notebook's building blocks, and the plots -----------------------
@pytest.fixture(scope="module")
def sample(sample_project):
    with Project.open(sample_project) as project:
        yield project, project.frames()


def test_sample_frequencies_and_quotes_per_group(sample):
    project, f = sample
    coded = f["coded"][f["coded"]["coder"] == "coder_a"]
    freq = frequencies.frequencies(coded, f["segments"], "domain", project.codebook, level=0)
    assert set(freq["code"]) == {"dsg", "ind", "sys", "cons"}
    shares = freq.groupby("domain")["share_codings"].sum()
    assert shares.to_numpy() == pytest.approx([1.0, 1.0])
    best = quotes.quotes(coded, f["codings"], "cog.basic.digital", by="domain", n=2)
    assert set(best["domain"]) == {"opvoeding", "werk_en_inkomen"}
    assert (best["quote"].str.len() <= 300).all()


def test_plots_are_figures_with_dutch_labels_and_save_as_png_and_svg(sample, tmp_path):
    project, f = sample
    book = project.codebook
    coded = f["coded"][f["coded"]["coder"] == "coder_a"]
    freq = frequencies.frequencies(coded, f["segments"], "stakeholder_group", book, level=1)
    share = plots.heatmap(frequencies.crosstab(freq, "share_segments"), book, title="Aandeel")
    labels = [t.get_text() for t in share.axes[0].get_yticklabels()]
    assert "Uitvoering van beleid" in labels and "Beleid" in labels
    assert "pedagogisch medewerker" in [t.get_text() for t in share.axes[0].get_xticklabels()]
    assert share.axes[0].get_xlabel() == "Stakeholdergroep"
    with pytest.warns(frequencies.LowExpectedCountWarning):  # 8 groups of 1-2 interviews
        result = frequencies.chi_square(frequencies.crosstab(freq, "codings"))
    residual = plots.heatmap(result.adjusted, book, kind="residual")
    top = frequencies.frequencies(coded, f["segments"], "domain", book, level=0)
    balance = plots.frame_balance(top, book)
    legend = [t.get_text() for t in balance.axes[0].get_legend().get_texts()]
    assert "Individuele antecedenten (i-frame)" in legend
    bars = balance.axes[0].patches
    assert bars[0].get_facecolor()[:3] == pytest.approx((0xF2 / 255, 0xC1 / 255, 0x4E / 255))
    pairs = cooccurrence.cooccurrence(coded, window=1)
    co = plots.cooccurrence_heatmap(cooccurrence.matrix(pairs), book)
    found = topics.fit_topics(frames.without_interviewer(f["segments"]), n_topics=4)
    names = topics.topic_terms(found).set_index("topic")["name"]
    bars = plots.topic_bars(topics.topic_spread(found, "domain"), names, codebook=book)
    assert bars.axes[0].get_yticklabels()[0].get_text().startswith("0: ")
    for i, fig in enumerate([share, residual, balance, co, bars]):
        assert isinstance(fig, Figure)
        for suffix in (".png", ".svg"):
            path = plots.save(fig, tmp_path / f"fig{i}{suffix}")
            assert path.stat().st_size > 1000
    assert (tmp_path / "fig0.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(CodebookError, match="save a figure as"):
        plots.save(share, tmp_path / "fig.gif")
    with pytest.raises(CodebookError, match="does not exist"):
        plots.save(share, tmp_path / "nope" / "fig.png")


def test_the_themes_notebook_shows_its_plots(run_notebook):
    """The notebook runs (as in test_notebooks) and each of its five plots is rendered as PNG."""
    nb = run_notebook("02_themes_by_group.ipynb")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 5
    text = "".join(o.get("text", "") for o in outputs)
    assert "chi2 = " in text and "warning: " in text
