"""The analysis API against values computed by hand on a three-interview fixture.

Fixture (mini codebook: barrier > barrier.language, barrier.digital; help):

    a (ouder)       0 I: Hoe gaat het met de brieven?    1 Ik kan de brieven niet lezen.
                    2 De app is lastig.                  3 Mijn buurvrouw helpt.
    b (ouder)       0 I: En de school?                   1 De brief is te lang.
                    2 Ik vraag hulp aan mijn zoon.
    c (leerkracht)  0 I: En de ouders?                   1 Ze lezen de brieven niet.
                    2 De app werkt niet.                 3 Ze vragen hulp.

Codings by ann: c1 language a1, c2 digital a1-a2 (one coding over two segments), c3 help a3,
c4 language b1, c5 help b2, c6 language c1, c7 digital c2, c8 help c3; by bob: c9 language a1.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import MINI, write
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from codebook import Project
from codebook.analysis import cooccurrence, frames, frequencies, terms
from codebook.model import CodebookError

TEXTS = {
    "a": (
        "---\nstakeholder_group: ouder\ndomain: opvoeding\n---\n"
        "I: Hoe gaat het met de brieven?\n"
        "R: Ik kan de brieven niet lezen. De app is lastig. Mijn buurvrouw helpt.\n"
    ),
    "b": (
        "---\nstakeholder_group: ouder\ndomain: opvoeding\n---\n"
        "I: En de school?\nR: De brief is te lang. Ik vraag hulp aan mijn zoon.\n"
    ),
    "c": (
        "---\nstakeholder_group: leerkracht\ndomain: opvoeding\n---\n"
        "I: En de ouders?\nR: Ze lezen de brieven niet. De app werkt niet. Ze vragen hulp.\n"
    ),
}
CODINGS = [  # (transcript, first segment, last segment, code, coder)
    ("a", 1, 1, "barrier.language", "ann"),
    ("a", 1, 2, "barrier.digital", "ann"),
    ("a", 3, 3, "help", "ann"),
    ("b", 1, 1, "barrier.language", "ann"),
    ("b", 2, 2, "help", "ann"),
    ("c", 1, 1, "barrier.language", "ann"),
    ("c", 2, 2, "barrier.digital", "ann"),
    ("c", 3, 3, "help", "ann"),
    ("a", 1, 1, "barrier.language", "bob"),
]


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    root = tmp_path_factory.mktemp("analysis")
    project = Project.init(root / "proj", MINI)
    paths = [write(root / f"{name}.txt", text) for name, text in TEXTS.items()]
    project.import_files(paths)
    for name, first, last, code, coder in CODINGS:
        t = project.transcript(name)
        segs = project.store.segments(t.id)
        project.add_coding(t, segs[first].start, segs[last].end, code, coder)
    yield project
    project.close()


@pytest.fixture(scope="module")
def f(fixture):
    return fixture.frames(include_interviewer=True)  # the hand-computed values count them


def ann(f):
    return f["coded"][f["coded"]["coder"] == "ann"]


# -- frames -------------------------------------------------------------------------------------
def test_frames_read_from_sql_equal_the_object_built_frames(fixture, f):
    transcripts = fixture.store.transcripts()
    segments = frames.segments_frame(transcripts, fixture.store.segments())
    codings = frames.codings_frame(transcripts, fixture.store.codings())
    segments["timestamp"] = segments["timestamp"].astype(float)  # None -> NaN in SQL frames
    coded = frames.coded_frame(segments, codings, fixture.codebook)
    pd.testing.assert_frame_equal(f["segments"], segments, check_dtype=False)
    pd.testing.assert_frame_equal(f["codings"], codings, check_dtype=False)
    key = ["coding_id", "segment_id"]
    pd.testing.assert_frame_equal(
        f["coded"].sort_values(key).reset_index(drop=True),
        coded.sort_values(key).reset_index(drop=True),
        check_dtype=False,
    )
    assert len(f["segments"]) == 11 and len(f["codings"]) == 9
    assert len(f["coded"]) == 10  # c2 spans two segments
    spanning = f["coded"][f["coded"]["code"] == "barrier.digital"]
    assert sorted(zip(spanning["transcript"], spanning["index"], strict=True)) == [
        ("a", 1),
        ("a", 2),
        ("c", 2),
    ]
    assert f["coded"]["ancestors"].map(tuple).value_counts()[("barrier",)] == 7


def test_frames_and_stats_of_an_empty_project(mini_project):
    empty = mini_project.frames()
    assert [len(frame) for frame in empty.values()] == [0, 0, 0, 0]  # left_out too
    assert {"segment_id", "text"} <= set(empty["segments"].columns)
    assert {"code", "label", "ancestors"} <= set(empty["coded"].columns)
    assert mini_project.stats().empty and mini_project.stats(normalise=True).empty


def test_at_level_maps_codes_to_their_ancestor_and_keeps_the_original(fixture, f):
    top = frames.at_level(f["coded"], fixture.codebook, 0)
    assert set(top["code"]) == {"barrier", "help"}
    assert set(top.loc[top["code"] == "barrier", "coded_as"]) == {
        "barrier.language",
        "barrier.digital",
    }
    assert set(top.loc[top["code"] == "barrier", "label"]) == {"Drempels"}
    deep = frames.at_level(f["coded"], fixture.codebook, 5)  # deeper than the tree: unchanged
    assert (deep["code"] == f["coded"]["code"]).all()
    with pytest.raises(CodebookError, match="level"):
        frames.at_level(f["coded"], fixture.codebook, -1)


def test_interviewer_and_uncoded_helpers(f):
    said = frames.without_interviewer(f["segments"])
    assert len(said) == 8 and "I" not in set(said["speaker"])
    rest = frames.uncoded(f["segments"], f["coded"])
    assert set(rest["index"]) == {0}  # only the interviewer's questions are uncoded


# -- frequencies --------------------------------------------------------------------------------
def test_frequencies_count_codings_segments_transcripts_and_shares(fixture, f):
    freq = frequencies.frequencies(f["coded"], f["segments"], "stakeholder_group", fixture.codebook)
    row = freq.set_index(["stakeholder_group", "code"])
    lang = row.loc[("ouder", "barrier.language")]
    assert (lang["codings"], lang["segments"], lang["transcripts"]) == (3, 2, 2)
    assert (lang["group_codings"], lang["group_segments"], lang["group_transcripts"]) == (6, 7, 2)
    assert lang["share_segments"] == pytest.approx(2 / 7)
    assert lang["share_transcripts"] == pytest.approx(1.0)
    assert lang["share_codings"] == pytest.approx(3 / 6)
    digital = row.loc[("ouder", "barrier.digital")]
    assert (digital["codings"], digital["segments"], digital["transcripts"]) == (1, 2, 1)
    assert digital["share_transcripts"] == pytest.approx(1 / 2)
    teacher = row.loc[("leerkracht", "help")]
    assert (teacher["segments"], teacher["group_segments"]) == (1, 4)
    assert teacher["share_segments"] == pytest.approx(1 / 4)
    assert list(pd.unique(freq["stakeholder_group"])) == ["ouder", "leerkracht"]  # declared order
    assert list(pd.unique(freq["code"])) == ["barrier.language", "barrier.digital", "help"]


def test_frequencies_at_the_top_of_the_tree_and_without_groups(fixture, f):
    freq = frequencies.frequencies(
        f["coded"], f["segments"], "stakeholder_group", fixture.codebook, level=0
    )
    barrier = freq.set_index(["stakeholder_group", "code"]).loc[("ouder", "barrier")]
    assert (barrier["codings"], barrier["segments"], barrier["transcripts"]) == (4, 3, 2)
    assert barrier["label"] == "Drempels"
    overall = frequencies.frequencies(f["coded"], f["segments"], codebook=fixture.codebook)
    lang = overall.set_index("code").loc["barrier.language"]
    assert (lang["codings"], lang["segments"], lang["group_segments"]) == (4, 3, 11)
    with pytest.raises(CodebookError, match="cannot group by 'colour'"):
        frequencies.frequencies(f["coded"], f["segments"], "colour")


def test_frequencies_by_transcript_and_by_speaker(fixture, f):
    per = frequencies.frequencies(f["coded"], f["segments"], "transcript", fixture.codebook)
    a = per.set_index(["transcript", "code"]).loc[("a", "barrier.digital")]
    assert (a["segments"], a["group_segments"], a["share_segments"]) == (2, 4, 0.5)
    said = frequencies.frequencies(ann(f), f["segments"], "speaker", fixture.codebook)
    respondent = said.set_index(["speaker", "code"]).loc[("R", "help")]
    assert (respondent["segments"], respondent["group_segments"]) == (3, 8)
    assert said.loc[said["speaker"] == "I", "segments"].sum() == 0


def test_frequencies_by_coder_use_what_each_coder_coded(fixture, f):
    freq = frequencies.frequencies(f["coded"], f["segments"], "coder", fixture.codebook)
    bob = freq.set_index(["coder", "code"]).loc[("bob", "barrier.language")]
    assert (bob["codings"], bob["group_codings"], bob["share_codings"]) == (1, 1, 1.0)
    assert ("bob", "help") in freq.set_index(["coder", "code"]).index  # zero rows kept


def test_compare_lists_codes_only_one_group_names(fixture, f):
    # add a code only the teacher used, to see `only_in`
    coded = pd.concat([ann(f), ann(f).iloc[:1].assign(code="extra", label="Extra", coding_id=99)])
    coded.loc[coded["coding_id"] == 99, "stakeholder_group"] = "leerkracht"
    freq = frequencies.frequencies(coded, f["segments"], "stakeholder_group", fixture.codebook)
    table = frequencies.compare(freq, "ouder", "leerkracht").set_index("code")
    assert table.loc["extra", "only_in"] == "leerkracht"
    assert table.loc["help", "only_in"] == ""
    assert table.loc["help", "difference"] == pytest.approx(2 / 7 - 1 / 4)
    with pytest.raises(CodebookError, match="no group 'gemeente'"):
        frequencies.compare(freq, "ouder", "gemeente")


# -- chi-square ---------------------------------------------------------------------------------
def test_chi_square_matches_scipy_and_hand_computed_residuals(fixture, f):
    freq = frequencies.frequencies(f["coded"], f["segments"], "stakeholder_group", fixture.codebook)
    table = frequencies.crosstab(freq, "codings")
    assert table.to_numpy().tolist() == [[3, 1], [1, 1], [2, 1]]
    with pytest.warns(frequencies.LowExpectedCountWarning, match="expected count below 5"):
        result = frequencies.chi_square(table)
    reference = chi2_contingency(np.array([[3, 1], [1, 1], [2, 1]]), correction=False)
    assert result.statistic == pytest.approx(reference.statistic)
    assert result.p == pytest.approx(reference.pvalue)
    assert result.dof == 2
    # by hand: row totals 4, 2, 3; column totals 6, 3; n = 9
    assert result.expected.loc["barrier.language", "ouder"] == pytest.approx(4 * 6 / 9)
    assert result.residuals.loc["barrier.language", "ouder"] == pytest.approx(
        (3 - 8 / 3) / math.sqrt(8 / 3)
    )
    assert result.adjusted.loc["barrier.language", "ouder"] == pytest.approx(
        (3 - 8 / 3) / math.sqrt(8 / 3 * (1 - 4 / 9) * (1 - 6 / 9))
    )
    assert result.low_expected == 1.0 and result.warning
    cells = result.cells()
    assert len(cells) == 6 and set(cells.columns) >= {"observed", "expected", "adjusted_residual"}


def test_chi_square_without_warning_flags_cells_that_differ():
    table = pd.DataFrame(
        [[30, 10], [10, 30], [0, 0]], index=["x", "y", "empty"], columns=["g1", "g2"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = frequencies.chi_square(table)
    assert list(result.observed.index) == ["x", "y"]  # the empty row is left out
    assert result.statistic == pytest.approx(20.0)  # 4 cells of 10^2 / 20
    assert result.warning is None
    assert result.adjusted.loc["x", "g1"] == pytest.approx(10 / math.sqrt(20 * 0.5 * 0.5))
    assert result.cells().set_index(["code", "group"]).loc[("x", "g1"), "differs"]
    with pytest.raises(CodebookError, match="at least two codes and two groups"):
        frequencies.chi_square(table[["g1"]])


def interviews(profiles: dict[str, tuple[str, dict[str, int]]]) -> pd.DataFrame:
    """A `coded` frame: per interview its group and how many codings of each code it has."""
    rows = []
    for name, (group, counts) in profiles.items():
        for code, n in counts.items():
            rows += [{"transcript": name, "team": group, "code": code} for _ in range(n)]
    frame = pd.DataFrame(rows)
    frame["coding_id"] = frame["segment_id"] = range(len(frame))
    return frame


def test_permutation_test_takes_the_interview_as_the_unit():
    """Each interview talks about its own theme at length, and the groups do not differ beyond
    that: per coding the chi-square test sees a difference, with the interviews as the unit there
    is none. Where every interview of a group leans the same way, the difference stays."""
    themes = "xxxyzy" + "yzzxyz"  # the first six interviews are group a: x 3, y 2, z 1
    own = {f"i{k}": ("a" if k < 6 else "b", {"x": 5, "y": 5, "z": 5} | {t: 40})
           for k, t in enumerate(themes)}  # fmt: skip
    coded = interviews(own)
    table = pd.crosstab(coded["code"], coded["team"])
    assert chi2_contingency(table)[1] < 0.001  # codings as independent draws: "significant"
    result = frequencies.permutation_test(coded, "team")
    assert result.statistic == pytest.approx(chi2_contingency(table, correction=False)[0])
    assert result.p > 0.1 and (result.units, result.groups) == (12, 2)
    lean = {f"i{k}": ("a", {"x": 12, "y": 8}) if k < 6 else ("b", {"x": 8, "y": 12})
            for k in range(12)}  # fmt: skip
    assert frequencies.permutation_test(interviews(lean), "team").p < 0.01
    again = frequencies.permutation_test(coded, "team")
    assert again == result  # seeded


def test_permutation_test_counts_a_focus_groups_parts_and_says_what_it_needs():
    coded = interviews({"i1": ("a", {"x": 3}), "i2": ("b", {"y": 3}), "i3": ("a", {"x": 2})})
    focus = interviews({"f": ("a", {"x": 1})}).assign(coding_id=100, segment_id=100)
    other = interviews({"f": ("b", {"y": 1})}).assign(coding_id=101, segment_id=101)
    result = frequencies.permutation_test(pd.concat([coded, focus, other]), "team", resamples=99)
    assert result.units == 5 and result.resamples == 99  # the focus group: one part per group
    with pytest.raises(CodebookError, match="two codes and two groups"):
        frequencies.permutation_test(coded[coded["team"] == "a"], "team")
    with pytest.raises(CodebookError, match="cannot group by 'nope'"):
        frequencies.permutation_test(coded, "nope")


# -- co-occurrence ------------------------------------------------------------------------------
def pair(table, a, b):
    rows = table[
        ((table["code_a"] == a) & (table["code_b"] == b))
        | ((table["code_a"] == b) & (table["code_b"] == a))
    ]
    return rows.iloc[0] if len(rows) else None


def test_cooccurrence_within_a_segment(f):
    table = cooccurrence.cooccurrence(ann(f))
    ld = pair(table, "barrier.language", "barrier.digital")
    assert (ld["segments_ab"], ld["segments_a"] + ld["segments_b"]) == (1, 6)
    assert ld["jaccard"] == pytest.approx(1 / 5)  # {a1} / {a1, b1, c1, a2, c2}
    assert (ld["n12"], ld["codings_a"] + ld["codings_b"]) == (1, 5)
    assert ld["c_coefficient"] == pytest.approx(1 / (3 + 2 - 1))
    assert pair(table, "barrier.language", "help") is None
    assert pair(table, "barrier.digital", "help") is None


def test_cooccurrence_within_a_window_of_one_segment(f):
    table = cooccurrence.cooccurrence(ann(f), window=1)
    ld = pair(table, "barrier.language", "barrier.digital")
    assert ld["segments_ab"] == 4 and ld["jaccard"] == pytest.approx(4 / 5)
    assert ld["n12"] == 2 and ld["c_coefficient"] == pytest.approx(2 / 3)
    lh = pair(table, "barrier.language", "help")
    assert lh["segments_ab"] == 2 and lh["jaccard"] == pytest.approx(2 / 6)
    assert lh["n12"] == 1 and lh["c_coefficient"] == pytest.approx(1 / 5)
    dh = pair(table, "barrier.digital", "help")
    assert dh["jaccard"] == pytest.approx(4 / 6) and dh["c_coefficient"] == pytest.approx(2 / 3)
    square = cooccurrence.matrix(table, "jaccard")
    assert square.loc["help", "barrier.digital"] == square.loc["barrier.digital", "help"]
    assert np.isnan(square.loc["help", "help"])
    with pytest.raises(CodebookError, match="window"):
        cooccurrence.cooccurrence(ann(f), window=-1)


def test_cooccurrence_never_links_two_coders(f):
    table = cooccurrence.cooccurrence(f["coded"])  # bob's language coding sits on a1 too
    ld = pair(table, "barrier.language", "barrier.digital")
    assert ld["segments_a"] + ld["segments_b"] == 7  # bob's a1 is a unit of its own
    assert ld["jaccard"] == pytest.approx(1 / 6) and ld["n12"] == 1


# -- distinctive terms ----------------------------------------------------------------------------
def test_log_odds_with_informative_dirichlet_prior_by_hand():
    counts = pd.DataFrame(
        [[3, 1], [1, 2]], index=pd.Index(["A", "B"], name="group"), columns=["brief", "app"]
    )
    prior = pd.Series({"brief": 4, "app": 3})
    scored = terms.log_odds(counts, prior, alpha0=7.0).set_index(["group", "term"])
    # alpha = 7 * (4/7, 3/7) = (4, 3); for A 'brief': y_i=3, n_i=4, y_j=1, n_j=3
    delta = math.log((3 + 4) / (4 + 7 - 3 - 4)) - math.log((1 + 4) / (3 + 7 - 1 - 4))
    z = delta / math.sqrt(1 / (3 + 4) + 1 / (1 + 4))
    assert scored.loc[("A", "brief"), "log_odds"] == pytest.approx(delta)
    assert scored.loc[("A", "brief"), "z"] == pytest.approx(z)
    assert scored.loc[("A", "brief"), "count_other"] == 1
    # B 'app': y_i=2, n_i=3, y_j=1, n_j=4, alpha=3
    delta_b = math.log((2 + 3) / (3 + 7 - 2 - 3)) - math.log((1 + 3) / (4 + 7 - 1 - 3))
    assert scored.loc[("B", "app"), "log_odds"] == pytest.approx(delta_b)
    # two groups: a term's log-odds for B mirror those for A
    assert scored.loc[("B", "brief"), "log_odds"] == pytest.approx(-delta)


def test_distinctive_terms_of_groups_come_from_their_own_words(f):
    said = frames.without_interviewer(f["segments"])
    counts = terms.term_counts(said, "stakeholder_group")
    assert counts.loc["ouder", "brief"] == 2 and counts.loc["leerkracht", "brief"] == 1
    top = terms.distinctive_terms(said, "stakeholder_group", n=3, min_count=1)
    teacher = top[top["stakeholder_group"] == "leerkracht"]
    assert "werken" in set(teacher["term"]) and (teacher["z"] > 0).all()
    assert list(teacher["z"]) == sorted(teacher["z"], reverse=True)
    with pytest.raises(CodebookError, match="at least two groups"):
        terms.distinctive_terms(said[said["stakeholder_group"] == "ouder"], "stakeholder_group")


# -- the CLI ------------------------------------------------------------------------------------
def test_stats_cli_with_level_and_normalise(fixture):
    import json

    from conftest import run

    root = str(fixture.root)
    data = json.loads(
        run(
            "-p",
            root,
            "stats",
            "--by",
            "stakeholder_group",
            "--level",
            "0",
            "--normalise",
            "--format",
            "json",
        ).stdout
    )
    rows = {(d["code"], d["stakeholder_group"]): d for d in data}
    assert rows[("barrier", "ouder")]["segments"] == 3
    # the parents said 5 segments; with the interviewer's 2 questions there are 7
    assert rows[("barrier", "ouder")]["share_segments"] == pytest.approx(3 / 5)
    asked = run("-p", root, "stats", "--by", "stakeholder_group", "--level", "0",
                "--normalise", "--include-interviewer", "--format", "json")  # fmt: skip
    rows_all = {(d["code"], d["stakeholder_group"]): d for d in json.loads(asked.stdout)}
    assert rows_all[("barrier", "ouder")]["share_segments"] == pytest.approx(3 / 7)
    assert "interviewer" not in asked.stderr
    assert rows[("help", "leerkracht")]["share_transcripts"] == 1.0
    assert list(data[0])[:4] == ["code", "label", "stakeholder_group", "segments"]
    plain = run("-p", root, "stats", "--format", "csv").stdout.splitlines()
    assert plain[0] == "code,label,segments"
    bad = run("-p", root, "stats", "--level", "-2", check=False)
    assert bad.returncode == 1 and "level" in bad.stderr and "Traceback" not in bad.stderr


# -- the vectorised overlap join against brute force ----------------------------------------------
@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.lists(st.integers(1, 30), min_size=1, max_size=8), min_size=1, max_size=4),
    spans=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 250), st.integers(1, 60))),
)
def test_coded_frame_pairs_every_coding_with_exactly_the_segments_it_overlaps(cuts, spans):
    from codebook.model import Code, Codebook

    book = Codebook(codes={"x": Code("x", {"nl": "X"})})
    segs, lengths, sid = [], {}, 0
    for t, sizes in enumerate(cuts):
        pos = 0
        for i, size in enumerate(sizes):
            sid += 1
            segs.append((sid, f"t{t}", i, pos, pos + size, None, None, None, ""))
            pos += size + 1  # one character between segments
        lengths[f"t{t}"] = pos
    segments = pd.DataFrame(segs, columns=frames.SEGMENT_COLUMNS)
    rows = []
    for k, (t, start, length) in enumerate(spans):
        name = f"t{t % len(cuts)}"
        start = min(start, lengths[name] - 1)
        end = min(start + length, lengths[name])
        rows.append((k, name, start, end, "x", "ann", "manual", None, None, ""))
    codings = pd.DataFrame(rows, columns=[*frames.CODING_COLUMNS, "text"])
    coded = frames.coded_frame(segments.sample(frac=1, random_state=1), codings, book, lengths)
    got = set(zip(coded["coding_id"], coded["segment_id"], strict=True))
    expected = {
        (c[0], s[0]) for c in rows for s in segs if c[1] == s[1] and s[3] < c[3] and c[2] < s[4]
    }
    assert got == expected


def test_overview_counts_match_the_frames(project):
    """The project screen's counts from offsets alone agree with the coded frame's counting."""
    f = project.frames()  # the respondents' segments, as offset_rows gives them
    coders = sorted(set(f["codings"]["coder"]))
    assert coders
    for coder in [*coders, "nobody"]:
        got = frames.overview_counts(project.store.offset_rows(), coder).set_index("transcript")
        segments = f["segments"].groupby("transcript")["segment_id"].size()
        mine = f["coded"][f["coded"]["coder"] == coder]
        coded = mine.groupby("transcript")["segment_id"].nunique().reindex(segments.index)
        who = f["coded"].groupby("transcript")["coder"].agg(lambda s: ", ".join(sorted(set(s))))
        assert got["segments"].to_dict() == segments.to_dict()
        assert got["coded"].to_dict() == coded.fillna(0).astype(int).to_dict()
        assert got["coders"].to_dict() == who.reindex(segments.index).fillna("").to_dict()
