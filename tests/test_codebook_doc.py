"""`codebook codebook export -o FILE.md|.docx|.html`: the codebook for appendices and training."""

from __future__ import annotations

import re

import docx
import pytest
from conftest import run
from lxml import html as lxml_html

from codebook import Project


@pytest.fixture(scope="module")
def codebook(sample_project):
    with Project.open(sample_project) as project:
        return project.codebook


def test_markdown_lists_every_code_with_its_criteria(sample_project, codebook, tmp_path):
    out = tmp_path / "codebook.md"
    proc = run("-p", str(sample_project), "codebook", "export", "-o", str(out))
    assert proc.stdout.strip() == f"33 code(s) written to {out}"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Codeboek: Domeinspecifieke geletterdheid")
    headings = re.findall(r"^#{2,4} (.+)$", text, flags=re.MULTILINE)
    ids = [re.search(r"\(([^()]+)\)$", h).group(1) for h in headings[1:]]
    assert [i.replace("\\", "") for i in ids] == list(codebook.codes)
    digital = codebook.codes["cog.basic.digital"]
    section = text.split("(cog.basic.digital)")[-1].split("<a id=")[0]
    assert "**Definitie:**" in section and "**Wanneer niet:**" in section
    assert "**Voorbeelden:**" in section
    assert section.count("\n- ") == len(digital.examples)
    assert "Sneltoets: D" in section


def test_docx_has_a_heading_per_code(sample_project, codebook, tmp_path):
    out = tmp_path / "codebook.docx"
    run("-p", str(sample_project), "codebook", "export", "-o", str(out), "--lang", "en")
    doc = docx.Document(str(out))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Head")]
    code_headings = headings[1:]
    assert [t for _, t in code_headings] == [f"{c.label['en']} ({c.id})" for c in codebook.walk()]
    assert ("Heading 1", "Individual antecedents (i-frame) (ind)") in code_headings
    assert ("Heading 3", "Digital skills (cog.basic.digital)") in code_headings
    assert doc.tables and doc.tables[-1].rows[0].cells[0].text == "Attribute"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "When not to use:" in text and "Examples:" in text
    assert doc.paragraphs[0].style.name == "Title"


def test_html_codebook_is_self_contained(sample_project, codebook, tmp_path):
    out = tmp_path / "codebook.html"
    run("-p", str(sample_project), "codebook", "export", "-o", str(out))
    tree = lxml_html.fromstring(out.read_bytes())
    ids = set(tree.xpath("//@id"))
    links = tree.xpath("//a/@href")
    assert len(links) == len(codebook.codes) + 1 and all(h[1:] in ids for h in links)


def test_unknown_suffix(sample_project, tmp_path):
    proc = run(
        "-p", str(sample_project), "codebook", "export", "-o", str(tmp_path / "c.pdf"), check=False
    )
    assert proc.returncode == 1 and "c.pdf: unknown codebook export format" in proc.stderr
