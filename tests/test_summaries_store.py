"""Framework summaries in the store, on SQLite and PostgreSQL alike: write, replace, remove,
undo, and a bad summaries file refused with nothing written."""

from __future__ import annotations

import pytest
from conftest import write
from test_postgres import backend, pg_server, pg_url, project  # noqa: F401 - the fixtures

from codebook.model import CodebookError

TEXT = "---\n---\nI: Hoe gaat het met de brieven?\nR: Slecht. Ik kan ze niet lezen.\n"


def test_summaries_behave_alike(project, tmp_path):  # noqa: F811
    project.import_files([write(tmp_path / "een.txt", TEXT)])
    code = next(c.id for c in project.codebook.walk() if c.codable)
    assert project.set_summary("een", code, "Eerste.", "ann") is None
    before = project.set_summary("een", code, "Tweede.", "ann")
    assert before.text == "Eerste."
    project.restore_summary(("transcript", "een", code, "ann"), before)
    assert project.summary_of("een", code, "ann").text == "Eerste."
    project.set_summary("een", code, "Van bo.", "bo")
    table = project.summaries()
    assert sorted(table["coder"]) == ["ann", "bo"] and set(table["row"]) == {"een"}
    rows = f"row,code,summary,coder\neen,{code},x,ann\ntwee,{code},y,ann\n"
    with pytest.raises(CodebookError, match="unknown transcript or participant 'twee'"):
        project.import_summaries(write(tmp_path / "bad.csv", rows))
    assert project.summary_of("een", code, "ann").text == "Eerste."  # the good row was not
    removed = project.remove_summary("een", code, "bo")
    assert removed.text == "Van bo." and len(project.summaries()) == 1
    found = project.framework_matrix(codes=[code])
    assert found.cell("een", code)["text"] == "Eerste."
