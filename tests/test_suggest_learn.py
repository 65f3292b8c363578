"""The suggester reacts at once: `Project.learn` after a coding, before the full refit."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import write

from codebook import Project
from codebook.model import Coding
from codebook.suggest.learned import LearnedModel

LINES = [
    "Ik kan de brief van de gemeente niet lezen.",
    "Ik kan niet inloggen op de computer.",
    "Mijn buurvrouw helpt mij altijd.",
    "Het formulier met de vinkjes snap ik nooit.",
    "Mijn zoon leest de brieven voor.",
]
PROBE = "Ook dat formulier met al die vinkjes lukt niet."


@pytest.fixture
def project(tmp_path, mini_project) -> Project:
    body = "\n".join(f"I: En toen?\nR: {line}" for line in [*LINES, PROBE])
    mini_project.import_files([write(tmp_path / "gesprek.txt", f"---\n---\n{body}\n")])
    return mini_project


def coding(project, text: str, code: str) -> Coding:
    t = project.transcript("gesprek")
    start = t.text.index(text)
    project.add_coding(t, start, start + len(text), code, "anna")
    return Coding(None, t.id, start, start + len(text), code, "anna")


def model_score(project, text: str, code: str) -> float:
    t = project.transcript("gesprek")
    start = t.text.index(text)
    found = {s.code: s for s in project.suggest(t, start, start + len(text), top=10)}
    return found[code].model if code in found else 0.0


def test_learn_takes_a_coding_into_account_at_once(project):
    coding(project, LINES[0], "barrier.language")
    coding(project, LINES[2], "help")
    project.retrain()
    before = model_score(project, PROBE, "barrier.digital")
    fitted = project.suggester.model
    assert project.learn(coding(project, LINES[3], "barrier.digital")) is True
    after = model_score(project, PROBE, "barrier.digital")
    assert after > before
    assert project.suggester.model is not fitted  # a new model swapped in whole
    assert fitted.positives_[fitted.codes.index("barrier.digital")] == 0  # the old one untouched
    assert project.retrain() is True  # the full refit still follows
    assert model_score(project, PROBE, "barrier.digital") > before


def test_learn_before_any_model_says_so(project):
    assert project.learn(coding(project, LINES[1], "barrier.digital")) is False


def test_partial_fit_matches_what_it_was_given():
    codes = ["a", "b"]
    texts = ["formulier vinkje", "buurvrouw helpen", "brief lezen"]
    model = LearnedModel(codes).fit(texts, texts, [{"a"}, {"b"}, {"a"}])
    assert list(model.positives_) == [2, 1]
    model.partial_fit(["buurman helpen"], ["buurman helpen"], [{"b"}], [("formulier", "b")])
    assert list(model.positives_) == [2, 2]
    assert model.train_text[-1] == "buurman helpen" and model.is_coded(len(model.train_text) - 1)
    best, sim = model.closest_examples(model.features(["buurman helpen"]))
    assert best[1] == len(model.train_text) - 1 and np.isclose(sim[1], 1.0)  # a neighbour at once


def test_several_close_coded_passages_outweigh_one_near_repeat():
    """Neighbours: the mean over a code's three most similar coded passages, so that one lone
    near-repeat does not beat a code whose passages all resemble the segment."""
    texts = ["brief lezen moeilijk", "brief lezen thuis", "brief lezen samen",
             "brief lezen", "buurvrouw koken", "fiets repareren"]  # fmt: skip
    labels = [{"a"}, {"a"}, {"a"}, {"b"}, {"b"}, {"b"}]
    model = LearnedModel(["a", "b"]).fit(texts, texts, labels)
    sims = model.similarity(model.features(["brief lezen"]))
    assert sims[0, 0] > sims[0, 1]
    one = LearnedModel(["a", "b"]).fit(texts[3:5], texts[3:5], [{"b"}, {"a"}])
    assert np.isclose(one.similarity(one.features(["brief lezen"]))[0, 1], 1.0)  # one is enough
