"""Names found with deduce (Dutch) against today's rules, on the sample's invented names, and
what deduce adds: contact details, ids, institutions; offline, with its lists built once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT, run

from codebook import Project
from codebook.interchange.report import deid
from codebook.interchange.report.pseudonyms import detect, propose

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_pseudonyms  # noqa: E402


def test_deduce_finds_the_sample_persons_better_than_the_rules(sample_project):
    with Project.open(sample_project) as project:
        results = bench_pseudonyms.measure(project)
    (p_deduce, r_deduce, wrong, missed), (p_rules, r_rules, _, _) = (
        results["deduce"],
        results["rules"],
    )
    assert r_deduce >= 0.95 and p_deduce >= 0.95, (wrong, missed)
    assert p_deduce > p_rules and r_deduce >= r_rules


def test_deduce_kinds_and_placeholders():
    texts = [
        "Mevrouw Hoekstra belde me op 06-12345678 en mailde vanaf j.hoekstra@example.nl.",
        "Goedemiddag Yusuf, zei de man van het UWV. Ik woon in Almere.",
        "Mijn BSN is 123456782, dat weet ik uit mijn hoofd.",
        "Niks aan de hand, zei ik. Er is niks gebeurd.",
    ]
    found = detect(texts, [], "nl")
    kinds = dict(zip(found["name"], found["kind"], strict=True))
    assert kinds["Hoekstra"] == kinds["Yusuf"] == "person"  # title and greeting taken off
    assert kinds["Almere"] == "place"
    assert kinds["06-12345678"] == kinds["j.hoekstra@example.nl"] == "contact"
    assert "Niks" not in kinds and "UWV" not in kinds
    table = propose(found, found.iloc[0:0])
    pseudonyms = dict(zip(table["name"], table["pseudonym"], strict=True))
    assert pseudonyms["Hoekstra"].startswith("Persoon ")
    contacts = {pseudonyms["06-12345678"], pseudonyms["j.hoekstra@example.nl"]}
    assert contacts == {"[contactgegeven 1]", "[contactgegeven 2]"}
    assert pseudonyms["123456782"] == "[nummer 1]"
    assert pseudonyms["Almere"] == "Almere"  # places start out kept


def test_english_still_uses_the_rules():
    found = detect(["My name is Rosalind and I moved here from Kirkcaldy."], [], "en")
    assert dict(zip(found["name"], found["kind"], strict=True)) == {
        "Rosalind": "person", "Kirkcaldy": "place"
    }  # fmt: skip
    with pytest.raises(Exception, match="unknown way to find names"):
        detect([], [], "nl", engine="magic")


def test_the_lists_are_built_and_nothing_is_printed(sample_project, tmp_path):
    names = tmp_path / "names.csv"
    check = run("-p", str(sample_project), "matrix", "-o", str(tmp_path / "m.csv"),
                "--codes", "sit.network", "--pseudonymise", str(names))  # fmt: skip
    assert "DEBUG" not in check.stdout + check.stderr and "INFO" not in check.stdout
    assert check.stdout.count("\n") == 1  # deduce's logging stays out of the output
    assert deid.is_built() and Path(deid.cache_dir(), "src", "names").is_dir()
    proc = run_module("--check")
    assert proc.returncode == 0 and "built" in proc.stdout


def run_module(*args):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "codebook.interchange.report.deid", *args],
        capture_output=True, text=True,
    )  # fmt: skip
