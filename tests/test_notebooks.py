"""Every notebook in notebooks/ runs top to bottom against the sample project."""

from pathlib import Path

import pytest
from conftest import outputs

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_notebook_runs(name, run_notebook):
    nb = run_notebook(name)
    errors = [o for o in outputs(nb) if o.get("output_type") == "error"]
    assert not errors, errors[0].get("evalue") if errors else None
    assert any("image/png" in o.get("data", {}) for o in outputs(nb)), "a notebook shows plots"
