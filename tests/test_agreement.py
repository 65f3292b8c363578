"""Intercoder agreement against hand-computed values, scikit-learn and the sample codings."""

from __future__ import annotations

import csv
import json

import krippendorff
import numpy as np
import pytest
from conftest import MINI, SAMPLES, run, write
from sklearn.metrics import cohen_kappa_score

from codebook import Project
from codebook.analysis import agreement as ag
from codebook.model import CodebookError

NAN = np.nan
TEXT = (
    "R: Ik kan de brief niet lezen. De app werkt niet. Mijn buurvrouw helpt. "
    "Ik vraag het aan school. Soms lukt het wel.\n"
)
# the five segments of TEXT (checked below)
SEGS = [(3, 30), (31, 49), (50, 71), (72, 96), (97, 115)]


# -- the coefficients on hand-made matrices ---------------------------------------------------


def test_two_coders_ten_units_by_hand():
    a = [1, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    m = np.array([a, b], dtype=float).T
    # 8 of 10 agree; p_e = .3*.3 + .7*.7 = .58; kappa = (.8 - .58) / (1 - .58)
    assert ag.percent_agreement(m) == pytest.approx(0.8)
    assert ag.cohen_kappa(m) == pytest.approx(0.22 / 0.42)
    assert ag.cohen_kappa(m) == pytest.approx(cohen_kappa_score(a, b))
    # coincidences: o11 = 4, o00 = 12, o01 = o10 = 2; n = 20, n0 = 14, n1 = 6
    # alpha = 1 - (n - 1) * (o01 + o10) / (2 * n0 * n1) = 1 - 19 * 4 / 168
    assert ag.krippendorff_alpha(m) == pytest.approx(1 - 76 / 168)
    assert ag.verdict(ag.krippendorff_alpha(m)) == "not reliable"


def test_alpha_input_with_three_coders_and_missing_values_by_hand():
    m = np.array(
        [
            [1, 1, NAN],
            [0, 0, 0],
            [1, 0, NAN],
            [0, 0, 1],
            [NAN, 1, 1],
            [NAN, NAN, 1],  # a single value: not pairable, it does not count
        ]
    )
    assert ag.value_counts(m).tolist() == [[0, 2], [3, 0], [1, 1], [2, 1], [0, 2], [0, 1]]
    # per unit, each ordered pair of values weighs 1 / (m_u - 1):
    # o11 = 2 + 2 = 4; o00 = 6/2 + 2/2 = 4; o01 = o10 = 1 + 2/2 = 2; n = 12, n0 = n1 = 6
    # alpha = 1 - (n - 1) * (o01 + o10) / (n0 * n1 + n1 * n0) = 1 - 11 * 4 / 72
    assert ag.krippendorff_alpha(m) == pytest.approx(1 - 44 / 72)
    # the same data given to the package the other way (coders x units) agrees
    assert ag.krippendorff_alpha(m) == pytest.approx(
        krippendorff.alpha(reliability_data=m.T, level_of_measurement="nominal")
    )
    assert ag.percent_agreement(m) == pytest.approx(3 / 5)
    assert np.isnan(ag.cohen_kappa(m))  # kappa is for two coders


def test_kappa_matches_scikit_learn_on_random_codings():
    rng = np.random.default_rng(8)
    for p in (0.05, 0.2, 0.5):
        a = (rng.random(500) < p).astype(int)
        b = np.where(rng.random(500) < 0.8, a, 1 - a)
        m = np.column_stack([a, b]).astype(float)
        assert ag.cohen_kappa(m) == pytest.approx(cohen_kappa_score(a, b))
        assert ag.krippendorff_alpha(m) == pytest.approx(
            krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal")
        )


def test_folding_unanimous_units_keeps_alpha_exact():
    """Unanimous units are folded into one row per value before calling the package."""
    rng = np.random.default_rng(3)
    m = (rng.random((2000, 3)) < 0.1).astype(float)
    m[rng.random((2000, 3)) < 0.2] = NAN  # missing values
    folded = ag.fold(ag.value_counts(m)[ag.value_counts(m).sum(axis=1) >= 2])
    assert len(folded) < 600
    assert ag.krippendorff_alpha(m) == pytest.approx(
        krippendorff.alpha(reliability_data=m.T, level_of_measurement="nominal")
    )


def test_alpha_from_summed_unit_parts_is_the_package_alpha():
    """The bootstrap sums per-unit parts; summed over all units they give the package's alpha."""
    rng = np.random.default_rng(3)
    for coders in (2, 3):
        m = (rng.random((300, coders)) < 0.15).astype(float)
        m[rng.random(m.shape) < 0.1] = NAN  # missing values, some units left with one value
        parts = ag.pairable_parts(m)
        assert ag.alpha_of_parts(parts.sum(axis=0)) == pytest.approx(ag.krippendorff_alpha(m))
    assert np.isnan(ag.alpha_of_parts(ag.pairable_parts(np.zeros((5, 2))).sum(axis=0)))


def test_alpha_intervals_resample_units():
    rng = np.random.default_rng(5)
    a = (rng.random(400) < 0.2).astype(float)
    b = np.where(rng.random(400) < 0.1, 1 - a, a)  # the second coder flips one decision in ten
    noisy, same = np.column_stack([a, b]), np.column_stack([a, a])
    unused = np.zeros((400, 2))  # nobody applied the code: alpha is undefined in every resample
    parts = [ag.pairable_parts(x) for x in (noisy, same, unused)]
    (low, high), perfect, undefined = ag.alpha_intervals(parts)
    assert low < ag.krippendorff_alpha(noisy) < high and 0.05 < high - low < 0.3
    assert perfect == [1.0, 1.0]
    assert all(np.isnan(undefined))
    half = ag.alpha_intervals([ag.pairable_parts(noisy[:100])])[0]  # fewer units: wider
    assert half[1] - half[0] > high - low
    assert ag.alpha_intervals(parts) == ag.alpha_intervals(parts)  # seeded: the same each time


def test_thresholds():
    assert [ag.verdict(x) for x in (0.8, 0.79, 0.667, 0.66, NAN)] == [
        "reliable",
        "tentative",
        "tentative",
        "not reliable",
        "n/a",
    ]


# -- a small project, computed by hand --------------------------------------------------------


@pytest.fixture
def coded(tmp_path):
    project = Project.init(tmp_path / "proj", MINI)
    project.import_files([write(tmp_path / "a.txt", TEXT), write(tmp_path / "b.txt", TEXT + "x")])
    a, b = project.transcript("a"), project.transcript("b")
    assert [(g.start, g.end) for g in project.store.segments(a.id)] == SEGS
    for coder, codings in {
        "ann": [(0, "barrier.language"), (1, "barrier.digital"), (2, "help"), (3, "help")],
        "bob": [
            (0, "barrier.language"),
            (1, "barrier.language"),
            (2, "help"),
            (4, "barrier.digital"),
        ],
    }.items():
        for seg, code in codings:
            project.add_coding(a, *SEGS[seg], code, coder)
    project.add_coding(b, 3, 30, "help", "ann")  # only ann coded b: it is left out
    yield project
    project.close()


def test_segment_agreement_per_code_and_pooled_by_hand(coded):
    result = coded.agreement()
    assert result.transcripts == ["a"] and result.left_out == {"b": ["bob"]}
    rows = result.per_code.set_index("code")
    assert list(rows.index) == ["barrier.language", "barrier.digital", "help"]  # codebook order
    # language: ann 10000, bob 11000 -> 4/5 agree; p_e = .2*.4 + .8*.6 = .56; help: the same
    for code in ("barrier.language", "help"):
        assert rows.loc[code, "percent"] == pytest.approx(0.8)
        assert rows.loc[code, "kappa"] == pytest.approx(0.24 / 0.44)
        assert rows.loc[code, "alpha"] == pytest.approx(1 - 9 * 2 / 42)
    # digital: ann 01000, bob 00001 -> 3/5; p_e = .04 + .64; alpha = 1 - 9 * 4 / (2 * 8 * 2)
    assert rows.loc["barrier.digital", "percent"] == pytest.approx(0.6)
    assert rows.loc["barrier.digital", "kappa"] == pytest.approx(-0.08 / 0.32)
    assert rows.loc["barrier.digital", "alpha"] == pytest.approx(1 - 36 / 32)
    assert rows.loc["barrier.digital", "verdict"] == "not reliable"
    assert rows.loc["help", ["units", "ann", "bob"]].tolist() == [5, 2, 1]
    # pooled over 15 decisions: 11 agree, 4 ones each; o11 = 4, o01 = o10 = 4, n0 = 22, n1 = 8
    assert result.overall["units"] == 15
    assert result.overall["percent"] == pytest.approx(11 / 15)
    assert result.overall["kappa"] == pytest.approx((165 - 137) / (225 - 137))
    assert result.overall["alpha"] == pytest.approx(1 - 29 * 8 / (2 * 22 * 8))


def test_the_disagreement_table_names_segment_text_and_each_coders_codes(coded):
    table = coded.agreement().disagreements
    assert table[["segment", "text", "ann", "bob", "disputed"]].values.tolist() == [
        [
            1,
            "De app werkt niet.",
            "barrier.digital",
            "barrier.language",
            "barrier.language, barrier.digital",
        ],
        [3, "Ik vraag het aan school.", "help", "", "help"],
        [4, "Soms lukt het wel.", "", "barrier.digital", "barrier.digital"],
    ]


def test_a_group_code_counts_its_children(coded):
    row = coded.agreement(codes=["barrier"]).per_code.iloc[0]
    # barrier: ann 11000, bob 11001 -> 4/5; p_e = .4*.6 + .6*.4; alpha = 1 - 9 * 2 / (2 * 5 * 5)
    assert row["code"] == "barrier"
    assert row["kappa"] == pytest.approx(0.32 / 0.52)
    assert row["alpha"] == pytest.approx(1 - 18 / 50)


def test_character_agreement_by_hand(tmp_path):
    project = Project.init(tmp_path / "proj", MINI)
    project.import_files([write(tmp_path / "a.txt", TEXT)])
    t = project.transcript("a")
    project.add_coding(t, 10, 30, "help", "ann")
    project.add_coding(t, 20, 40, "help", "bob")
    result = project.agreement(unit="character")
    row = result.per_code.set_index("code").loc["help"]
    n = len(t.text)
    both, ann_only, bob_only, neither = 10, 10, 10, n - 30
    assert row["units"] == n and row["ann"] == 20 and row["bob"] == 20
    assert row["percent"] == pytest.approx((both + neither) / n)
    expected_kappa = (
        2
        * (both * neither - ann_only * bob_only)
        / ((both + ann_only) * (ann_only + neither) + (both + bob_only) * (bob_only + neither))
    )
    assert row["kappa"] == pytest.approx(expected_kappa)
    ann = np.zeros(n, int)
    ann[10:30] = 1
    bob = np.zeros(n, int)
    bob[20:40] = 1
    assert row["kappa"] == pytest.approx(cohen_kappa_score(ann, bob))
    n0, n1 = 2 * neither + 20, 2 * both + 20
    assert row["alpha"] == pytest.approx(1 - (2 * n - 1) * 40 / (2 * n0 * n1))
    project.close()


def test_user_errors_are_clear(coded):
    with pytest.raises(CodebookError, match="no codings by coder"):
        coded.agreement(coders=["ann", "zoe"])
    with pytest.raises(CodebookError, match="at least two coders"):
        coded.agreement(coders=["ann"])
    with pytest.raises(CodebookError, match="unknown code"):
        coded.agreement(codes=["nope"])
    with pytest.raises(CodebookError, match="unknown unit"):
        coded.agreement(unit="word")


# -- the sample project through the CLI -------------------------------------------------------


def agreement_json(project, *args):
    return json.loads(run("-p", str(project), "agreement", "--format", "json", *args).stdout)


def test_sample_agreement_matches_scikit_learn_per_code(sample_project):
    result = agreement_json(sample_project, "--coders", "coder_a,coder_b")
    compared = set(result["transcripts"])
    assert len(compared) == 5 and len(result["left_out"]) == 7  # the focus group: coder_a only
    assert all(x["not_coded_by"] == ["coder_b"] for x in result["left_out"])
    with Project.open(sample_project) as project:
        frames = project.frames()
    segments = frames["segments"][frames["segments"]["transcript"].isin(compared)]
    coded = frames["coded"][frames["coded"]["transcript"].isin(compared)]
    ids = segments["segment_id"].tolist()
    assert len(result["per_code"]) > 15
    for row in result["per_code"]:
        vectors = [
            np.isin(
                ids, coded[(coded["code"] == row["code"]) & (coded["coder"] == c)]["segment_id"]
            )
            for c in ("coder_a", "coder_b")
        ]
        assert row["units"] == len(ids)
        assert row["kappa"] == pytest.approx(cohen_kappa_score(*vectors))
        assert row["alpha"] == pytest.approx(
            krippendorff.alpha(
                reliability_data=np.array(vectors, int), level_of_measurement="nominal"
            )
        )
        assert row["verdict"] == ag.verdict(row["alpha"])
    assert result["thresholds"]["reliable"] == 0.8 and result["thresholds"]["tentative"] == 0.667
    for row in [*result["per_code"], result["overall"]]:
        if row["alpha"] is not None and row["alpha"] < 1:
            assert row["alpha_low"] < row["alpha"] < row["alpha_high"], row
    pooled = result["overall"]
    assert pooled["alpha_high"] - pooled["alpha_low"] < 0.1  # 13,662 decisions: narrow


def test_sample_character_level_from_the_csv(sample_project):
    """NVivo-style figures, recomputed from sample-codings.csv and the transcript lengths (every
    character, so the interviewer's turns too)."""
    result = agreement_json(
        sample_project, "--unit", "character", "--codes", "sit.network", "--include-interviewer"
    )
    with Project.open(sample_project) as project:
        lengths = {t.name: len(t.text) for t in project.transcripts()}
    vectors = {c: [] for c in ("coder_a", "coder_b")}
    rows = list(csv.DictReader((SAMPLES / "sample-codings.csv").open(encoding="utf-8")))
    for name in result["transcripts"]:
        for coder, vec in vectors.items():
            chars = np.zeros(lengths[name], int)
            for r in rows:
                if (r["transcript"], r["coder"], r["code"]) == (name, coder, "sit.network"):
                    chars[int(r["start"]) : int(r["end"])] = 1
            vec.extend(chars)
    [row] = result["per_code"]
    assert row["units"] == sum(lengths[t] for t in result["transcripts"])
    assert row["kappa"] == pytest.approx(cohen_kappa_score(vectors["coder_a"], vectors["coder_b"]))
    agree = np.mean(np.array(vectors["coder_a"]) == np.array(vectors["coder_b"]))
    assert row["percent"] == pytest.approx(agree)
    assert row["alpha_low"] is None and row["alpha_high"] is None  # characters: not resampled


def test_cli_table_shows_thresholds_left_out_and_disagreements(sample_project):
    out = run("-p", str(sample_project), "agreement").stdout
    assert "Agreement between coder_a, coder_b (unit: segment)" in out
    assert "02-ouder-nt1-sandra (not coded by coder_b)" in out
    assert "alpha >= 0.800 reliable; 0.667 to 0.800 tentative" in out
    assert "(all codes, pooled)" in out
    assert "Disagreements (" in out
    assert "alpha 95%" in out and "bootstrap over the segments" in out


def test_cli_user_errors_are_one_line(sample_project):
    for args, message in (
        (["--coders", "coder_a,nobody"], "no codings by coder(s) nobody"),
        (["--codes", "no.such.code"], "unknown code(s): no.such.code"),
        (["--unit", "word"], "unknown unit 'word'"),
    ):
        proc = run("-p", str(sample_project), "agreement", *args, check=False)
        assert proc.returncode == 1
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
