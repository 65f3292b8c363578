"""Crafted sentences against the reference codebook: no suggestion of the kinds a new user ran
into (a lone lemma in another sense, the interviewer's turns, grouping codes)."""

from __future__ import annotations

import pytest
from conftest import REFERENCE, write

from codebook import Project

THANKS = "Dank u wel dat u tijd heeft gemaakt, ik wil graag beginnen."
LONG = "De brieven van de gemeente hebben heel lange zinnen."
NO_DRIVE = "Ik heb er eerlijk gezegd geen zin meer in."
SENSE = "Dat is een zin uit de brief, hij heeft geen punt."
GROUPING = "Het systeem werpt drempels op voor het individu, dat is het s-frame."
ANSWERS = [LONG, NO_DRIVE, SENSE, GROUPING, "Mijn buurvrouw leest de brieven voor mij."]


@pytest.fixture
def project(tmp_path) -> Project:
    body = f"I: {THANKS}\n" + "".join(f"R: {line}\nI: Wat bedoelt u?\n" for line in ANSWERS)
    path = write(tmp_path / "gesprek.txt", f"---\nlanguage: nl\n---\n{body}")
    project = Project.init(tmp_path / "proj", REFERENCE)
    project.import_files([path])
    yield project
    project.close()


def span(project, text: str, last: bool = False) -> tuple:
    t = project.transcript("gesprek")
    start = t.text.rindex(text) if last else t.text.index(text)
    return t, start, start + len(text)


def codes(project, text: str, top: int = 3, **kw) -> list[str]:
    return [s.code for s in project.suggest(*span(project, text, **kw), top=top)]


def check(project, cold: bool = True) -> None:
    assert "noncog.motivation" not in codes(project, LONG)
    every = {s.code: s for s in project.suggest(*span(project, LONG), top=30)}
    if cold and "noncog.motivation" in every:  # far down, and not because of the codebook's 'zin'
        assert not any("zin" in why for why in every["noncog.motivation"].why)
    assert "noncog.motivation" not in codes(project, SENSE)
    found = project.suggest(*span(project, NO_DRIVE), top=3)
    assert found[0].code == "noncog.motivation"
    assert any("keyword 'geen zin'" in why for why in found[0].why)
    assert project.suggest(*span(project, THANKS)) == []  # the interviewer's turn
    assert project.suggest(*span(project, "Wat bedoelt u?", last=True)) == []
    codable = {c.id for c in project.codebook.codes.values() if c.codable}
    table = project.suggestions(top=5)
    assert set(table["code"]) <= codable  # grouping codes never come up, not even
    assert codes(project, GROUPING, top=22) and set(codes(project, GROUPING, top=22)) <= codable
    assert not table["text"].str.contains("Wat bedoelt u|Dank u wel").any()


def test_cold_start_makes_none_of_these_mistakes(project):
    check(project)


def test_nor_after_learning_and_interviewer_codings_teach_nothing(project):
    t, start, end = span(project, THANKS)
    project.add_coding(t, start, end, "noncog.motivation", "anna")  # a careless coding
    project.add_coding(*span(project, ANSWERS[-1]), "sit.network", "anna")
    project.add_coding(*span(project, NO_DRIVE), "noncog.motivation", "anna")
    data = project._training_data()
    assert THANKS not in data.shown and NO_DRIVE in data.shown  # its own words; texts: in context
    assert project.retrain() is True
    check(project, cold=False)  # the model has now seen 'zin' in a coded motivation passage
    coding = project.store.codings(t.id, "anna")[0]
    assert (coding.start, coding.end) == (start, end)
    assert project.learn(coding) is False  # an interviewer coding is no example either
