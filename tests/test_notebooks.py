"""Every notebook in notebooks/ is a template: it runs top to bottom on the sample project and on
a second, differently shaped project (tests/data/focus: another codebook, other attribute and
coder names, a focus group), and says plainly what it cannot compute."""

import re
from pathlib import Path

import nbformat
import pytest
from conftest import REFERENCE, SAMPLES, outputs

from codebook import codebooks

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
NAMES = [p.name for p in NOTEBOOKS]


def text_of(nb) -> str:
    parts = []
    for o in outputs(nb):
        parts.append(o.get("text", ""))
        parts.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def errors_of(nb) -> list:
    return [o for o in outputs(nb) if o.get("output_type") == "error"]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_the_sample(name, run_notebook):
    nb = run_notebook(name)
    errors = errors_of(nb)
    assert not errors, errors[0].get("evalue") if errors else None
    assert any("image/png" in o.get("data", {}) for o in outputs(nb)), "a notebook shows plots"
    assert "cannot be computed" not in text_of(nb)  # the sample has everything


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_on_another_project(name, run_notebook, focus_project):
    nb = run_notebook(name, focus_project)
    errors = errors_of(nb)
    assert not errors, errors[0].get("evalue") if errors else None
    text = text_of(nb)
    assert "coder: maria · grouped by: site" in text  # the defaults come from this project
    assert any("image/png" in o.get("data", {}) for o in outputs(nb))


def test_themes_notebook_counts_the_focus_group_by_participant(run_notebook, focus_project):
    text = text_of(run_notebook("02_themes_by_group.ipynb", focus_project))
    assert "29 interviewer segment(s)" in text  # Moderator, Interviewer, Q and Int
    # who speaks in the focus group: each participant with their own segments
    people = re.findall(r"(Ada|Ben|Cleo)\s+north\s+(\d+)", text)
    assert sorted(set(people)) == [("Ada", "15"), ("Ben", "14"), ("Cleo", "12")]


def test_themes_notebook_tests_the_groups_with_interviews_as_the_unit(run_notebook):
    text = text_of(run_notebook("02_themes_by_group.ipynb"))
    found = re.search(r"interviews as the unit: p = ([\d.e-]+) \((\d+) interviews", text)
    assert found, "the permutation test's line"
    assert 0 < float(found[1]) <= 1 and int(found[2]) >= 12  # 12 interviews, a focus group's parts
    assert len(re.findall(r"interviews as the unit p = ", text)) >= 2  # every other attribute too


def test_notebooks_say_what_cannot_be_computed(run_notebook, focus_project):
    one = text_of(run_notebook("03_intercoder_agreement.ipynb", focus_project,
                               {"CODEBOOK_CODERS": "maria"}))  # fmt: skip
    assert "one coder (maria): there is no agreement to compute" in one
    few = run_notebook("01_suggest_codes.ipynb", focus_project, {"CODEBOOK_CODER": "tomas"})
    assert not errors_of(few)
    assert "no cross-validation: tomas has 18 coding(s)" in text_of(few)
    grouped = run_notebook("02_themes_by_group.ipynb", focus_project, {"CODEBOOK_BY": "role"})
    assert not errors_of(grouped) and "grouped by: role" in text_of(grouped)


def test_notebooks_name_nothing_of_the_sample():
    """Templates: no attribute, coder or code id of the sample in any cell, as a string in code
    or in backticks in text (the words themselves, like 'level', are fine in prose)."""
    book = codebooks.load(REFERENCE)
    coders = {line.split(",")[4] for line in (SAMPLES / "sample-codings.csv").open()} - {"coder"}
    words = {*book.attributes, *coders, *book.codes}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        source = "\n".join(c.source for c in nb.cells)
        found = {w for w in words if re.search(rf"[\"'`]{re.escape(w)}[\"'`]", source)}
        found |= {w for w in words if "_" in w and w in source}  # coder_a, stakeholder_group
        assert not found, (path.name, found)
