"""Documents as sources: PDF (pages, paragraphs, hyphens, headers), ODT, RTF and HTML; refusals
of scans, encrypted and damaged files; pages in exports and report quotes."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest
from conftest import DATA, MINI, ROOT, run

from codebook import Project
from codebook.ingest import read_transcript
from codebook.ingest.segment import MAX_SEGMENT

sys.path.insert(0, str(ROOT / "benchmarks"))
import docgen  # noqa: E402

ENGLISH = DATA / "english-codebook.yaml"

REPORT_PAGES = [
    [
        "# Inleiding",
        "De gemeente wil dat ouders de informatie over de regeling beter kun-",
        "nen vinden. In de vve-",
        "instellingen is aandacht voor voor-",
        "en vroegschoolse educatie, en er is een loket.",
        "",
        "Een tweede alinea begint hier en loopt door tot het einde van de pagina zonder te",
    ],
    [
        "stoppen, want de zin gaat verder op de volgende pagina. Ik weet het niet. (lacht)",
        "Maar goed, zo gaat het.",
        "",
        "# Tweede hoofdstuk",
        "Medewerkers van het wijkteam helpen met formulieren en brieven.",
    ],
    [
        "De bibliotheek biedt spreekuren aan waar vrijwilligers helpen met de computer.",
        "Onderzoek laat zien dat praktische toegang een voorwaarde is voor deel-",
    ],
    ["name aan de samenleving, zeker voor ouders met weinig tijd."],
]
HEADER = "Evaluatie Taalhuis 2025 (fictief)"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pdfs")
    docgen.lines_pdf(d / "rapport.pdf", REPORT_PAGES, header=HEADER, footer="Gemeente Voorbeeld")
    docgen.lines_pdf(
        d / "report.pdf",
        [
            ["The council sent every parent a letter with infor-", "mation about the well-"],
            ["known scheme. Parents said the letter was hard to read."],
            ["They asked the advisor for help with the form."],
        ],
        header="Annual report",
    )
    docgen.scan_pdf(d / "scan.pdf")
    docgen.lines_pdf(d / "geheim.pdf", [["Een geheim verslag."]], password="geheim")
    good = docgen.lines_pdf(d / "goed.pdf", [["Een gewone tekst."], ["Nog een pagina."]])
    data = good.read_bytes()
    (d / "kapot.pdf").write_bytes(data[: len(data) // 2])
    (d / "nep.pdf").write_bytes(b"<html>not a pdf</html>")
    return d


def parse(path: Path, codebook=MINI):
    from codebook import codebooks

    return read_transcript(path, codebooks.load(codebook))


def test_pdf_pages_paragraphs_hyphens_headers(pdfs):
    parsed = parse(pdfs / "rapport.pdf")
    text = parsed.text
    assert "kunnen vinden" in text  # kun- / nen: the lexicon knows 'kunnen'
    assert "vve-instellingen" in text  # a real hyphen stays
    assert "voor- en vroegschoolse" in text  # a suspended hyphen keeps its space
    assert "deelname aan de samenleving" in text  # joined over a page break too
    assert "zonder te stoppen, want" in text  # a paragraph runs on over the page break
    assert HEADER not in text and "Gemeente Voorbeeld" not in text  # running header, footer
    lines = text.split("\n")
    assert not any(line.strip().isdigit() for line in lines)  # page numbers
    assert "Inleiding" in lines and "Tweede hoofdstuk" in lines  # headings, lines of their own
    segments = {text[s.start : s.end]: s for s in parsed.segments}
    assert segments["Inleiding"].page == 1 and segments["Tweede hoofdstuk"].page == 2
    assert segments["Medewerkers van het wijkteam helpen met formulieren en brieven."].page == 2
    assert any(t.startswith("(lacht) Maar goed") for t in segments)  # not cut in two
    starting = [s.page for s in parsed.segments if text[s.start : s.end].startswith("Onderzoek")]
    assert starting == [3]  # its sentence goes on on page 4: the page it starts on
    assert [s.page for s in parsed.segments] == sorted(s.page for s in parsed.segments)
    assert parsed.format == "pdf" and parsed.original.startswith(b"%PDF")


def test_english_pdf_uses_the_english_lexicon(pdfs):
    parsed = parse(pdfs / "report.pdf", ENGLISH)
    assert parsed.language == "en"
    assert "a letter with information about the well-known scheme." in parsed.text
    assert "Annual report" not in parsed.text
    assert {s.page for s in parsed.segments} == {1, 2, 3}


@pytest.mark.parametrize(
    "name, message",
    [
        ("scan.pdf", "no text layer (a scanned document?); run OCR on it first"),
        ("geheim.pdf", "encrypted with a password"),
        ("kapot.pdf", "not a readable PDF"),
        ("nep.pdf", "not a PDF file"),
    ],
)
def test_pdf_refusals_leave_the_project_unchanged(pdfs, tmp_path, name, message):
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    run("-p", str(root), "import", str(pdfs / "goed.pdf"))
    before = sorted(p.name for p in (root / "transcripts").iterdir())
    out = run("-p", str(root), "import", str(pdfs / name), check=False)
    assert out.returncode == 1
    assert message in out.stderr and name in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (root / "transcripts").iterdir()) == before
    with Project.open(root) as p:
        assert [t.name for t in p.transcripts()] == ["goed"]


def test_repaired_pdf_is_read_with_one_warning(pdfs, tmp_path, capfd):
    import re

    data = (pdfs / "goed.pdf").read_bytes()
    (tmp_path / "hersteld.pdf").write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n12", data))
    parsed = parse(tmp_path / "hersteld.pdf")
    assert parsed.text == "Een gewone tekst.\n\nNog een pagina."
    assert len(parsed.warnings) == 1 and "worked around while reading" in parsed.warnings[0]
    assert capfd.readouterr().err == ""  # pypdf's own messages are not printed


def test_pdf_with_only_an_owner_password_is_read(tmp_path):
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.text(20, 30, "Alleen het afdrukken is beveiligd, het lezen niet.")
    pdf.set_encryption(owner_password="eigenaar", encryption_method=EncryptionMethod.AES_256)
    pdf.output(str(tmp_path / "beveiligd.pdf"))
    parsed = parse(tmp_path / "beveiligd.pdf")
    assert parsed.text == "Alleen het afdrukken is beveiligd, het lezen niet."


def test_pdf_with_some_scanned_pages_warns_with_their_numbers(tmp_path):
    from pypdf import PdfReader, PdfWriter

    first = docgen.lines_pdf(tmp_path / "a.pdf", [["De eerste pagina met tekst."]])
    scan = docgen.scan_pdf(tmp_path / "scan.pdf", pages=1)
    last = docgen.lines_pdf(tmp_path / "b.pdf", [["En de laatste."]])
    writer = PdfWriter()
    for source in (first, scan, last):
        for page in PdfReader(source).pages:
            writer.add_page(page)
    buf = io.BytesIO()
    writer.write(buf)
    (tmp_path / "gemengd.pdf").write_bytes(buf.getvalue())
    parsed = parse(tmp_path / "gemengd.pdf")
    assert any("page(s) 2 have no text layer" in w and "OCR" in w for w in parsed.warnings)
    assert {s.page for s in parsed.segments} == {1, 3}


def _odt(path: Path) -> Path:
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import H, Note, NoteBody, NoteCitation, P, Span

    doc = OpenDocumentText()
    bold = Style(name="Vet", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    doc.text.addElement(H(outlinelevel=1, text="Gesprek met een moeder (fictief)"))
    p = P()
    p.addElement(Span(stylename=bold, text="Interviewer:"))
    p.addText(" Hoe vindt u de brieven van school?")
    doc.text.addElement(p)
    p = P()
    p.addElement(Span(stylename=bold, text="Moeder"))
    p.addText(" Moeilijk (lacht). Ik vraag mijn buurvrouw om te helpen")
    note = Note(noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="De buurvrouw is een vrijwilliger."))
    note.addElement(body)
    p.addElement(note)
    p.addText(".")
    comment = Annotation()
    comment.addElement(P(text="OPMERKING VAN DE REDACTEUR"))
    p.addElement(comment)
    doc.text.addElement(p)
    table = Table()
    row = TableRow()
    for cell_text in ("Interviewer", "En de app van school?"):
        cell = TableCell()
        cell.addElement(P(text=cell_text))
        row.addElement(cell)
    table.addElement(row)
    doc.text.addElement(table)
    doc.save(str(path))
    return path


def test_odt_headings_speakers_notes(tmp_path):
    parsed = parse(_odt(tmp_path / "gesprek.odt"))
    text = parsed.text
    assert text.startswith("Gesprek met een moeder (fictief)\n\nInterviewer: Hoe vindt u")
    assert "Moeder: Moeilijk (lacht). Ik vraag mijn buurvrouw om te helpen." in text
    assert "OPMERKING" not in text  # comments are not the document's text
    assert text.endswith("De buurvrouw is een vrijwilliger.")  # footnotes after the body
    speakers = [(s.speaker, text[s.start : s.end]) for s in parsed.segments]
    assert speakers[0] == (None, "Gesprek met een moeder (fictief)")
    assert ("Moeder", "Moeilijk (lacht).") in speakers
    assert ("Interviewer", "En de app van school?") in speakers


def test_rtf_paragraphs_and_turns(tmp_path):
    rtf = (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\*\generator Word;}"
        b"\n"
        rb"{\pard\b Interview met een vader\b0\par}"
        rb"\pard I: Hoe gaat het met de aanvraag?\par"
        rb"R: Het formulier van de gemeente was moeilijk, caf\'e9 om de hoek hielp.\par"
        rb"{\pict\pngblip 89504e470d0a1a0a}"
        rb"I: En daarna?\par R: Toen ging het beter.\par}"
    )
    (tmp_path / "vader.rtf").write_bytes(rtf)
    parsed = parse(tmp_path / "vader.rtf")
    assert parsed.text.startswith("Interview met een vader\n\nI: Hoe gaat het")
    assert "café om de hoek" in parsed.text and "89504e" not in parsed.text
    speakers = {parsed.text[s.start : s.end]: s.speaker for s in parsed.segments}
    assert speakers["Toen ging het beter."] == "R"
    assert speakers["En daarna?"] == "I"


def test_html_body_text_only(tmp_path):
    html = """<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Titel</title>
    <style>p { color: red }</style><script>document.write("weg")</script></head>
    <body><nav>Home | Contact</nav><h1>Verslag van het gesprek</h1>
    <p><strong>Interviewer:</strong> Hoe gaat het met de brieven?</p>
    <p><b>Vader</b> Ik begrijp ze niet &amp; vraag hulp.<br>Daarna gaat het caf\xe9-goed.</p>
    <div hidden>verborgen tekst</div><p style="display: none">ook verborgen</p>
    <ul><li>eerste punt</li><li>tweede punt</li></ul>
    <table><tr><th>Interviewer</th><td>En de app?</td></tr></table>
    <script>alert("x")</script></body></html>"""
    (tmp_path / "gesprek.html").write_bytes(html.encode("cp1252"))
    parsed = parse(tmp_path / "gesprek.html")
    text = parsed.text
    for gone in ("weg", "color", "Home", "Titel", "verborgen", "alert"):
        assert gone not in text
    assert text.startswith("Verslag van het gesprek\n\nInterviewer: Hoe gaat het")
    assert "Vader: Ik begrijp ze niet & vraag hulp." in text and "café-goed" in text
    assert "eerste punt\n\ntweede punt" in text
    speakers = {text[s.start : s.end]: s.speaker for s in parsed.segments}
    assert speakers["Verslag van het gesprek"] is None
    assert speakers["Daarna gaat het café-goed."] == "Vader"
    assert speakers["En de app?"] == "Interviewer"


def test_long_line_is_cut_into_bounded_segments(tmp_path):
    words = " ".join(f"woord{i}" for i in range(20_000))  # one line, no punctuation
    (tmp_path / "lang.txt").write_text(f"R: {words}", encoding="utf-8")
    parsed = parse(tmp_path / "lang.txt")
    assert len(parsed.segments) > 100
    assert all(s.end - s.start <= MAX_SEGMENT for s in parsed.segments)
    covered = " ".join(parsed.text[s.start : s.end] for s in parsed.segments)
    assert covered == words  # nothing lost, every cut at a space
    assert {s.speaker for s in parsed.segments} == {"R"}


@pytest.mark.parametrize(
    "line, whole",
    [
        ("Ik weet het niet. (lacht) Maar goed.", "(lacht) Maar goed."),
        ("I don't know. (laughs) Anyway.", "(laughs) Anyway."),
        ("Ja! [lacht] Nee.", "[lacht] Nee."),
    ],
)
def test_stage_directions_stay_in_one_segment(tmp_path, line, whole):
    (tmp_path / "t.txt").write_text(f"R: {line}", encoding="utf-8")
    parsed = parse(tmp_path / "t.txt")
    texts = [parsed.text[s.start : s.end] for s in parsed.segments]
    assert whole in texts, texts
    assert all(t.count("(") == t.count(")") and t.count("[") == t.count("]") for t in texts)


def test_unsupported_format_names_every_format_and_a_conversion(tmp_path):
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    (tmp_path / "oud.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    out = run("-p", str(root), "import", str(tmp_path / "oud.doc"), check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    for fmt in (".pdf", ".odt", ".rtf", ".html", ".docx", ".txt", ".qdpx", ".qdc"):
        assert fmt in out.stderr
    assert "save it as .docx or .odt" in out.stderr


def _code_first_sentence(project: Project, name: str, code: str, coder: str = "ann") -> None:
    t = project.transcript(name)
    seg = project.segments(t)[1]
    project.add_coding(t, seg.start, seg.end, code, coder)


def test_pages_in_coded_exports_and_report_quotes(pdfs, tmp_path):
    root = tmp_path / "proj"
    txt = tmp_path / "gesprek.txt"
    txt.write_text("I: Hoe gaat het?\nR: De brief was moeilijk te lezen voor mij.", "utf-8")
    with Project.init(root, MINI) as project:
        project.import_files([pdfs / "rapport.pdf", txt])
        _code_first_sentence(project, "rapport", "barrier.language")
        _code_first_sentence(project, "gesprek", "barrier.language")
    run("-p", str(root), "export", "-o", str(tmp_path / "coded.csv"))
    rows = list(csv.DictReader((tmp_path / "coded.csv").open(encoding="utf-8")))
    header = list(rows[0])
    assert header[header.index("end") + 1] == "page"
    assert {r["transcript"]: r["page"] for r in rows} == {"rapport": "1", "gesprek": ""}
    run("-p", str(root), "export", "-o", str(tmp_path / "coded.parquet"))
    import pandas as pd

    table = pd.read_parquet(tmp_path / "coded.parquet").set_index("transcript")
    assert table.loc["rapport", "page"] == 1 and pd.isna(table.loc["gesprek", "page"])
    run("-p", str(root), "report", "-o", str(tmp_path / "r.md"), "--by", "transcript")
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "— rapport, p. 1 \\[" in report  # a document: no speaker, the page
    assert "— R, gesprek \\[" in report and "gesprek, p." not in report


def test_documents_on_an_english_project(tmp_path, pdfs):
    html = tmp_path / "advisor.html"
    html.write_text(
        "<html><body><h2>Interview with an advisor (fictional)</h2>"
        "<p>Interviewer: What do parents ask you?</p>"
        "<p>Advisor: Mostly about letters they cannot read.</p>"
        "<p>Interviewer: And online forms?</p><p>Advisor: Those too.</p></body></html>",
        encoding="utf-8",
    )
    root = tmp_path / "en"
    run("init", str(root), "--codebook", str(ENGLISH))
    out = run(
        "-p", str(root), "import", str(html), str(pdfs / "report.pdf"),
        "--attr", "stakeholder_group=advisor",
    )  # fmt: skip
    assert "2 transcript(s)" in out.stdout
    with Project.open(root) as p:
        t = p.transcript("advisor")
        said = {t.text[s.start : s.end]: s.speaker for s in p.segments(t)}
        assert said["Mostly about letters they cannot read."] == "Advisor"
        pages = {s.page for s in p.segments(p.transcript("report"))}
        assert pages == {1, 2, 3} and all(s.page is None for s in p.segments(t))
        assert (root / "transcripts" / "report.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.anyio
async def test_tui_status_line_shows_the_page(pdfs, tmp_path):
    from codebook.tui.app import CodebookApp
    from codebook.tui.screens.coding import CodingScreen
    from codebook.tui.widgets import transcript_layout as lay
    from codebook.tui.widgets.transcript_view import TranscriptView

    project = Project.init(tmp_path / "proj", MINI)
    try:
        project.import_files([pdfs / "rapport.pdf"])
        pages = [s.page for s in project.segments(project.transcript("rapport"))]
        app = CodebookApp(project, "ann")
        async with app.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CodingScreen)
            status = app.screen.query_one("#status")
            assert f"segment 1/{len(pages)}, p. 1" in str(status.render())
            second = pages.index(2)  # the first segment on page 2
            await pilot.press(*["j"] * second)
            await pilot.pause()
            assert f"segment {second + 1}/{len(pages)}, p. 2" in str(status.render())
            view = app.screen.query_one(TranscriptView)
            gutter = [
                lay.gutter_label(view.rows, view.segments, i)[0] for i in range(len(view.rows))
            ]
            assert [g for g in gutter if g.startswith("p.")] == ["p. 1", "p. 2", "p. 3"]
    finally:
        project.close()


def test_pdf_layout_locates_a_rectangle_of_a_page(pdfs):
    from codebook.ingest.pdf import locate, read_pdf

    read = read_pdf((pdfs / "rapport.pdf").read_bytes(), "rapport.pdf")
    mm = 72 / 25.4  # docgen draws in mm from the top; PDF points count from the bottom
    line = 25 + 5.2 * 3 + 5.2 * 1.6  # page 2: two lines, a blank, the heading, then this line
    box = (0, (297 - line - 2) * mm, 595, (297 - line + 2) * mm)
    start, end = locate(read.layout, 2, box)
    assert read.text[start:end].strip() == (
        "Medewerkers van het wijkteam helpen met formulieren en brieven."
    )
    assert locate(read.layout, 2, (0, 0, 595, 10)) is None  # the footer's place: dropped
