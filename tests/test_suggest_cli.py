"""`codebook suggest` and `codebook evaluate` run as a user runs them, on the sample project and
on a small English project."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from conftest import DATA, SAMPLES, run

from codebook import Project
from codebook.suggest.evaluate import interval

ENGLISH = [DATA / "english-interview-parent.txt", DATA / "english-interview-advisor.txt"]
ENGLISH_CODINGS = {
    "The sentences are long and full of difficult words.": "skills.reading",
    "Many parents cannot read the official letters, the language is too formal.": (
        "skills.reading"
    ),
    "Filling in the paper form is hard when you do not write Dutch well.": "skills.reading",
    "I cannot log in most weeks.": "skills.digital",
    "Others cannot download the app or they lose their login details.": "skills.digital",
    "My daughter helps me after dinner.": "support.network",
    "Often a son or a sister translates, family does a lot.": "support.network",
    "She helps me with the forms.": "support.professional",
    "We send them to the help desk at the library, where volunteers sit with them.": (
        "support.professional"
    ),
}


@pytest.fixture(scope="module")
def evaluation(sample_project) -> dict:
    proc = run("-p", str(sample_project), "evaluate", "--format", "json")
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    root = tmp_path_factory.mktemp("english") / "project"
    run("init", str(root), "--codebook", str(DATA / "english-codebook.yaml"))
    run("-p", str(root), "import", *map(str, ENGLISH))
    with Project.open(root) as project:
        for t in project.transcripts():
            for text, code in ENGLISH_CODINGS.items():
                if text in t.text:
                    start = t.text.index(text)
                    project.add_coding(t, start, start + len(text), code, "ann")
    return root


def coded_spans() -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    with (SAMPLES / "sample-codings.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            spans.setdefault(row["transcript"], []).append((int(row["start"]), int(row["end"])))
    return spans


def test_suggest_csv_lists_uncoded_segments_with_codes_scores_and_reasons(sample_project):
    proc = run(
        "-p",
        str(sample_project),
        "suggest",
        "--transcript",
        "01-ouder-nt2-amina",
        "--top",
        "2",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows
    assert set(rows[0]) >= {"transcript", "start", "end", "code", "score", "why"}
    assert {r["transcript"] for r in rows} == {"01-ouder-nt2-amina"}
    coded = coded_spans()["01-ouder-nt2-amina"]
    per_segment: dict[tuple[int, int], list[dict]] = {}
    for r in rows:
        start, end = int(r["start"]), int(r["end"])
        assert not any(s < end and start < e for s, e in coded)  # uncoded segments only
        assert 0 < float(r["score"]) <= 1 and r["why"]
        per_segment.setdefault((start, end), []).append(r)
    assert all(1 <= len(v) <= 2 for v in per_segment.values())
    for found in per_segment.values():
        scores = [float(r["score"]) for r in found]
        assert scores == sorted(scores, reverse=True)


def test_suggest_json_and_table(sample_project):
    proc = run(
        "-p",
        str(sample_project),
        "suggest",
        "--transcript",
        "06-okt-adviseur",
        "--top",
        "1",
        "--format",
        "json",
    )
    rows = json.loads(proc.stdout)
    assert rows and all(r["rank"] == 1 and r["why"] and r["text"] for r in rows)
    table = run("-p", str(sample_project), "suggest", "--transcript", "06-okt-adviseur").stdout
    header = table.splitlines()[0].split()
    assert header[:4] == ["transcript", "segment", "rank", "code"] and "why" in header
    assert "06-okt-adv" in table  # the table may shorten long names


def test_suggest_unknown_transcript_is_one_clear_line(sample_project):
    proc = run("-p", str(sample_project), "suggest", "--transcript", "nope", check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "no transcript named 'nope'"
    assert "Traceback" not in proc.stderr


def test_evaluate_beats_both_baselines_on_the_sample(evaluation):
    systems = evaluation["systems"]
    model = systems["model"]
    for baseline in ("most_frequent", "keywords"):
        assert model["top3"] > systems[baseline]["top3"], baseline
        assert model["macro_f1"] > systems[baseline]["macro_f1"], baseline
    assert evaluation["coder"] == "coder_a"
    assert 0 < model["top1"] <= model["top3"] <= 1


def test_evaluate_gives_each_accuracy_its_interval_over_transcripts(evaluation):
    points = [*evaluation["learning_curve"], evaluation["systems"]["keywords"]]
    for p in points:
        for m in ("top1", "top3"):
            low, high = p[f"{m}_ci"]
            assert 0 <= low < p[m] < high <= 1, (p, m)
    low, high = evaluation["systems"]["model"]["top3_ci"]
    assert 0.02 < high - low < 0.3  # 12 transcripts: wide, but not everything


def test_interval_resamples_whole_transcripts():
    same = np.array([1, 0] * 50, dtype=float)  # every transcript half right
    assert interval(same, np.repeat(np.arange(10), 10)) == [0.5, 0.5]
    split = np.array([1.0] * 50 + [0.0] * 50)  # five transcripts all right, five all wrong
    low, high = interval(split, np.repeat(np.arange(10), 10))
    assert low < 0.3 and high > 0.7  # as wide as ten interviews make it
    low, high = interval(split, np.arange(100))  # the same hits as 100 independent ones
    assert 0.35 < low < 0.45 and 0.55 < high < 0.65
    assert interval(split, np.zeros(100)) == [0.5, 0.5]  # one transcript: nothing to resample


def test_evaluate_folds_never_share_a_transcript(evaluation):
    folds = evaluation["fold_sizes"]
    assert len(folds) == evaluation["folds"] == 5
    tested = [name for f in folds for name in f["test"]]
    assert len(tested) == len(set(tested)) == evaluation["transcripts"] == 12
    for f in folds:
        assert not set(f["train"]) & set(f["test"])
        assert len(f["train"]) + len(f["test"]) == 12


def test_evaluate_reports_learning_curve_and_per_code(evaluation):
    sizes = [p["train_spans"] for p in evaluation["learning_curve"]]
    assert sizes[:5] == [10, 25, 50, 100, 200] and sizes[-1] == "all"
    codes = {c["code"] for c in evaluation["per_code"]}
    assert {"impl.design", "cog.basic.language", "bridge"} <= codes
    assert all(0 <= c["precision"] <= 1 and 0 <= c["recall"] <= 1 for c in evaluation["per_code"])


def test_evaluate_is_reproducible(english):
    first, again = (
        json.loads(run("-p", str(english), "evaluate", "--folds", "2", "-f", "json").stdout)
        for _ in range(2)
    )
    assert first == again
    other = run("-p", str(english), "evaluate", "--folds", "2", "--seed", "7", "-f", "json")
    assert json.loads(other.stdout)["seed"] == 7 and first["seed"] == 13


def test_english_cold_start(english):
    with Project.open(english) as project:
        t = project.transcript("english-interview-parent")
        text = "The app keeps asking for a new password."
        start = t.text.index(text)
        found = project.suggest(t, start, start + len(text))
        assert found[0].code == "skills.digital"
        assert any("keyword 'password'" in w for w in found[0].why)


def test_english_suggest_and_evaluate(english):
    proc = run("-p", str(english), "suggest", "--format", "json", "--top", "1")
    rows = {r["text"]: r for r in json.loads(proc.stdout)}
    probe = (
        "The online portal requires a password and a code by text message, that is where it stops."
    )
    assert rows[probe]["code"] == "skills.digital"
    assert "keyword 'password'" in rows[probe]["why"]
    report = json.loads(run("-p", str(english), "evaluate", "--folds", "2", "-f", "json").stdout)
    assert report["coder"] == "ann" and report["folds"] == 2
    table = run("-p", str(english), "evaluate", "--folds", "2").stdout
    assert "most_frequent" in table and "keywords" in table and "learning curve" in table


def test_evaluate_errors_are_one_clear_line(english, tmp_path):
    empty = tmp_path / "empty"
    run("init", str(empty))
    proc = run("-p", str(empty), "evaluate", check=False)
    assert proc.returncode == 1 and proc.stderr.strip().startswith("nothing to evaluate")
    proc = run("-p", str(english), "evaluate", "--coder", "zoe", check=False)
    assert proc.returncode == 1 and "no codings by coder 'zoe'" in proc.stderr
    proc = run("-p", str(english), "evaluate", "--folds", "1", check=False)
    assert proc.returncode == 1 and "--folds must be at least 2" in proc.stderr


def test_evaluate_learning_curve_shows_every_ablation_in_one_table(english):
    proc = run("-p", str(english), "evaluate", "--folds", "2", "--learning-curve", "-f", "json")
    report = json.loads(proc.stdout)
    ablations = {"model", "no_phrases", "no_codebook_examples", "no_neighbours", "no_function"}
    ablations |= {"no_question", "no_around", "whole_spans"}
    assert ablations <= set(report["curves"])
    for name, points in report["curves"].items():
        assert points[-1]["train_spans"] == "all", name
        assert all(0 <= p["top1"] <= p["top3"] <= 1 for p in points), name
    assert report["curves"]["model"][0]["train_spans"] == 0  # the codebook alone
    assert "no_codebook_examples" in report["systems"]
    table = run("-p", str(english), "evaluate", "--folds", "2", "--learning-curve").stdout
    block = table.split("learning curve: ")[1].split("\n\n")[0]
    header = block.splitlines()[1].split()
    assert header[:2] == ["system", "0"] and header[-1] == "all"
    rows = {line.split()[0]: line.split()[1:] for line in block.splitlines()[2:]}
    assert ablations | {"keywords", "most_frequent", "codebook_prior"} <= set(rows)
    low, high = map(float, rows["model_top3_95%"][-1].split("-"))  # the interval on all
    assert low <= report["curves"]["model"][-1]["top3"] <= high
    gains, systems = report["gains"], report["systems"]
    assert set(gains) == set(report["curves"]) - {"model"}
    for name, points in gains.items():
        for p in points:
            for m in ("top1", "top3"):
                assert p[f"{m}_ci"][0] <= p[m] <= p[f"{m}_ci"][1], (name, p)
        on_all = points[-1]
        assert on_all["train_spans"] == "all"
        for m in ("top1", "top3"):  # model minus ablation, row by row: the difference of means
            assert abs(on_all[m] - (systems["model"][m] - systems[name][m])) < 1e-3, (name, m)
    block = table.split("what each part adds: ")[1].split("\n\n")[0]
    assert ablations - {"model"} <= {line.split()[0] for line in block.splitlines()[2:]}
