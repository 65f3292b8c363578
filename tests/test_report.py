"""`codebook report` on the sample project, checked the way a reader would open each format."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import run
from lxml import html as lxml_html

from codebook import Project

FORMATS = ("md", "html", "docx")


@pytest.fixture(scope="module")
def reports(sample_project, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    paths = {}
    for fmt in FORMATS:
        paths[fmt] = out / f"report.{fmt}"
        proc = run("-p", str(sample_project), "report", "-o", str(paths[fmt]))
        assert f"report written to {paths[fmt]}" in proc.stdout
    return paths


@pytest.fixture(scope="module")
def sample(sample_project):
    with Project.open(sample_project) as project:
        yield project.codebook, project.frames()


def coded_codes(sample) -> list[str]:
    """Codable codes with at least one coding, in codebook order."""
    codebook, frames = sample
    present = set(frames["codings"]["code"])
    return [c for c in codebook.codes if c in present]


def md_headings(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [
        re.sub(r"\\(.)", r"\1", m) for m in re.findall(r"^#{2,} (.+)$", text, flags=re.MULTILINE)
    ]


def html_tree(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def docx_headings(path: Path) -> list[str]:
    doc = docx.Document(str(path))
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


def test_html_is_self_contained_with_every_chart(reports, sample):
    tree = html_tree(reports["html"])
    ids = set(tree.xpath("//@id"))
    hrefs = [v for e in tree.iter() for a, v in e.items() if a.endswith("href")]
    assert any(a.startswith("xlink") for e in tree.iter() for a in e.keys()), "SVG uses links"
    hrefs += ["#" + u for u in re.findall(r"url\(#([^)]+)\)", reports["html"].read_text())]
    assert len(hrefs) > 100, "the contents link to the sections, the charts to their parts"
    for href in hrefs:
        if href.startswith("data:image/"):  # a raster inside an SVG chart, inline
            continue
        assert href.startswith("#"), f"external reference {href}"
        assert href[1:] in ids, f"broken reference {href}"
    assert not tree.xpath("//script | //link | //img | //iframe | //@src")
    remote = [
        value
        for attr, value in ((a.split("}")[-1], v) for e in tree.iter() for a, v in e.items())
        if "://" in value and not attr.startswith("xmlns")
    ]
    assert not remote, remote
    ids_list = tree.xpath("//@id")
    assert len(ids_list) == len(set(ids_list)), "duplicate ids (colliding inline SVGs)"
    codes = coded_codes(sample)
    figures = tree.xpath("//figure")
    assert len(figures) == 1 + len(codes)  # the summary heatmap, then one chart per code
    for figure in figures:
        assert figure.xpath(".//*[local-name()='svg']//*[local-name()='path']"), "empty chart"
        assert figure.xpath("string(.//figcaption)").startswith("Figuur ")
    headings = [h.text_content() for h in tree.xpath("//h2 | //h3 | //h4")]
    for code in codes:
        assert any(h.endswith(f"({code})") for h in headings), code


def test_same_content_in_all_three_formats(reports):
    md = md_headings(reports["md"])
    tree = html_tree(reports["html"])
    html_heads = [h.text_content() for h in tree.xpath("//body//h2 | //body//h3 | //body//h4")]
    html_heads = [h for h in html_heads if h != "Inhoud"]
    word = docx_headings(reports["docx"])
    assert md == html_heads == word
    assert "Overzicht: codes per stakeholdergroep" in md
    assert md.count("Citaten") > 10
    html_quotes = [q.text_content().strip() for q in tree.xpath("//blockquote/p")]
    doc = docx.Document(str(reports["docx"]))
    word_quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert html_quotes == word_quotes and len(word_quotes) > 50
    md_text = reports["md"].read_text(encoding="utf-8")
    assert md_text.count("\n> “") == len(word_quotes)


def test_markdown_links_resolve(reports, sample):
    text = reports["md"].read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) == 1 + len(coded_codes(sample))
    for image in images:
        target = reports["md"].parent / image
        assert target.is_file() and target.read_text().lstrip().startswith("<?xml")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    for link in re.findall(r"\]\(#([^)]+)\)", text):
        assert link in anchors


def test_docx_has_real_headings_tables_and_captions(reports, sample):
    doc = docx.Document(str(reports["docx"]))
    styles = [p.style.name for p in doc.paragraphs]
    assert styles[0] == "Title"
    assert {"Heading 1", "Heading 2", "Heading 3"} <= set(styles)
    codes = coded_codes(sample)
    # the title facts, the summary and one frequency table per code with codings
    assert len(doc.tables) == 2 + len(codes)
    summary = doc.tables[1]
    header = [c.text for c in summary.rows[0].cells]
    assert header[0] == "Code" and header[-1] == "Totaal" and "ouder" in header
    assert len(summary.rows) == 1 + len([c for c in sample[0].codes.values() if c.codable])
    captions = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert len(captions) == 2 + 2 * len(codes)
    seq = [p._p.xpath(".//w:fldSimple/@w:instr") for p in captions]
    assert all(s and s[0].strip().startswith("SEQ ") for s in seq)
    assert len(doc.inline_shapes) == 1 + len(codes)
    xml = doc.element.xml
    assert 'TOC \\o "1-2"' in xml


def test_summary_counts_match_stats(reports, sample_project):
    """The report counts the way `codebook stats` does."""
    proc = run("-p", str(sample_project), "stats", "--format", "csv")
    totals = {
        line.split(",")[0]: int(line.rsplit(",", 1)[1])
        for line in proc.stdout.strip().splitlines()[1:]
    }
    doc = docx.Document(str(reports["docx"]))
    rows = doc.tables[1].rows[1:]
    for row in rows:
        cells = [c.text for c in row.cells]
        code = re.search(r"\(([^()]+)\)$", cells[0]).group(1)
        assert int(cells[-1]) == totals.get(code, 0), code


def test_english_report_with_filters(sample_project, sample, tmp_path):
    out = tmp_path / "en.html"
    run(
        "-p", str(sample_project), "report", "-o", str(out), "--lang", "en", "--by", "domain",
        "--codes", "cog.basic,bridge", "--transcripts", "01-*,09-*",
    )  # fmt: skip
    tree = html_tree(out)
    assert tree.xpath("string(//h1)") == "Coding report"
    heads = [h.text_content() for h in tree.xpath("//h2 | //h3")]
    assert "Summary: codes by domain" in heads
    ids = ["cog.basic", "cog.basic.language", "cog.basic.numeracy", "cog.basic.digital", "bridge"]
    codebook = sample[0]
    expected = [f"{codebook.codes[c].label['en']} ({c})" for c in ids]
    assert [h for h in heads if h.endswith(")") and "(" in h] == expected
    sources = " ".join(f.text_content() for f in tree.xpath("//blockquote/footer"))
    assert "01-ouder-nt2-amina" in sources
    assert not re.search(r"\b0[2-8]-|\b1[01]-", sources)
    assert "Transcripts" in tree.xpath("string(//header)")


def test_format_flag_overrides_suffix(sample_project, tmp_path):
    out = tmp_path / "report.txt"
    run("-p", str(sample_project), "report", "-o", str(out), "--format", "md", "--codes", "dsg")
    assert out.read_text(encoding="utf-8").startswith("# Rapportage van de codering")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/r.pdf"], "cannot tell the report format"),
        (["-o", "{tmp}/r.md", "--codes", "nope"], "unknown code(s) nope"),
        (["-o", "{tmp}/r.md", "--by", "colour"], "--by colour: not an attribute"),
        (["-o", "{tmp}/r.md", "--lang", "fr"], "--lang fr: choose nl or en"),
        (["-o", "{tmp}/r.md", "--transcripts", "zz*"], "no transcript matches 'zz*'"),
        (["-o", "{tmp}/missing/r.md"], "does not exist"),
    ],
)
def test_user_errors_are_one_clear_line(sample_project, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    proc = run("-p", str(sample_project), "report", *args, check=False)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed (make test installs libreoffice-writer-nogui)",
)
def test_docx_converts_to_a_sensible_pdf(reports, sample, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(reports["docx"])],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    pdf = tmp_path / "report.pdf"
    assert pdf.is_file(), proc.stderr
    pages = pdf_pages(pdf)
    codes = len(coded_codes(sample))
    # a title page, contents, a summary, and about two pages per code with quotes and a chart
    assert codes <= pages <= 6 * codes, pages


def test_quotes_per_group_are_distinct_passages_as_in_the_notebooks(sample):
    from codebook.analysis.quotes import quotes as notebook_quotes
    from codebook.interchange.report import content

    codebook, frames = sample
    quotes = content.quotes(frames["codings"], frames["coded"], "stakeholder_group", per_group=2)
    assert quotes.groupby(["code", "group"]).size().max() == 2
    for _, group in quotes.groupby(["code", "group", "transcript"]):
        spans = sorted(zip(group["start"], group["end"], strict=True))
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    same = notebook_quotes(frames["coded"], frames["codings"], by="stakeholder_group", n=2)
    mine = sorted(zip(quotes["code"], quotes["start"], strict=True))
    assert mine == sorted(zip(same["code"], same["start"], strict=True))


def test_project_without_transcripts(tmp_path):
    run("init", str(tmp_path / "empty"))
    proc = run("-p", str(tmp_path / "empty"), "report", "-o", str(tmp_path / "r.md"), check=False)
    assert proc.returncode == 1 and "no transcripts to report on yet" in proc.stderr
