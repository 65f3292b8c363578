"""The framework-matrix section of reports: the written summaries by code and case, in md, html
and docx, Dutch and English, pseudonymised on request; no section where nothing is written."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import run

from codebook import Project

AMINA = "01-ouder-nt2-amina"


@pytest.fixture(scope="module")
def summarised(sample_project, tmp_path_factory):
    root = tmp_path_factory.mktemp("report") / "project"
    shutil.copytree(sample_project, root)
    with Project.open(root) as project:
        project.set_summary(AMINA, "sit.network", "Amina vraagt <b>Yassin</b> en Hanneke.", "lead")
        project.set_summary("Fatima", "sit.network", "Haar zoon leest voor.", "lead", "participant")
        project.set_summary(AMINA, "cog.basic.language", "Leest moeizaam.", "lead")
    return root


def test_no_summaries_no_section(sample_project, tmp_path):
    out = tmp_path / "r.md"
    run("-p", str(sample_project), "report", "-o", str(out), "--codes", "sit")
    assert "Raamwerkmatrix" not in out.read_text(encoding="utf-8")


def test_the_section_in_html_and_markdown(summarised, tmp_path):
    html = tmp_path / "r.html"
    run("-p", str(summarised), "report", "-o", str(html), "--lang", "en", "--codes", "sit,cog")
    text = html.read_text(encoding="utf-8")
    assert "Framework matrix: summaries by code and case" in text
    section = text[text.index('id="framework-matrix') :]
    assert "Amina vraagt &lt;b&gt;Yassin&lt;/b&gt; en Hanneke." in section  # escaped
    assert "Haar zoon leest voor." in section and "Fatima" in section and AMINA in section
    assert "Leest moeizaam." in section
    # each summary with the group of its case: Fatima (a focus group) by her own group
    row = re.search(r"<tr><td>([^<]*)</td><td>Fatima</td>", section)
    assert row and row.group(1) == "ouder"
    md = tmp_path / "r.md"
    run("-p", str(summarised), "report", "-o", str(md), "--codes", "sit")
    text = md.read_text(encoding="utf-8")
    assert "Raamwerkmatrix: samenvattingen per code en casus" in text
    assert "Haar zoon leest voor." in text and "Leest moeizaam." not in text  # out of --codes


def test_the_section_in_word(summarised, tmp_path):
    from docx import Document

    out = tmp_path / "r.docx"
    run("-p", str(summarised), "report", "-o", str(out), "--codes", "sit", "--lang", "en")
    word = Document(out)
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert "Framework matrix: summaries by code and case" in headings
    cells = {c.text for t in word.tables for r in t.rows for c in r.cells}
    assert "Haar zoon leest voor." in cells and "Summary" in cells and "Case" in cells


def test_the_section_pseudonymised(summarised, tmp_path):
    out = tmp_path / "p.html"
    mapping = tmp_path / "names.csv"
    run("-p", str(summarised), "report", "-o", str(out), "--codes", "sit",
        "--pseudonymise", str(mapping))  # fmt: skip
    text = out.read_text(encoding="utf-8")
    section = text[text.index('id="raamwerkmatrix') :]
    for name in ("Amina", "Yassin", "Hanneke", "Fatima"):
        assert not re.search(rf"\b{name}\b", section), name
    assert "01-ouder-nt2-persoon-" in section
