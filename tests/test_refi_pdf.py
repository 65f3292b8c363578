"""PDF sources through REFI-QDA: exported as `<PDFSource>` with the original PDF and a text
`<Representation>` carrying the codings; imported from that form (as QualCoder writes it) and
from a bare PDFSource whose `<PDFSelection>`s are pages and rectangles."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
import xmlschema
from conftest import MINI, ROOT, run

from codebook import Project
from codebook.interchange.refi_qda import PROJECT_XSD

sys.path.insert(0, str(ROOT / "benchmarks"))
import docgen  # noqa: E402

PAGES = [
    [
        "# Inleiding",
        "De gemeente wil dat ouders de informatie over de regeling beter kunnen vinden.",
        "",
        "Ouders zeggen dat de brieven van de gemeente moeilijk te lezen zijn.",
    ],
    [
        "# Hulp",
        "Medewerkers van het wijkteam helpen met formulieren en brieven.",
        "",
        "De bibliotheek biedt spreekuren aan waar vrijwilligers helpen met de computer.",
    ],
    ["Veel ouders vinden de digitale formulieren lastig zonder hulp."],
]
NS = 'xmlns="urn:QDA-XML:project:1.0"'
CODE = "00000001-0000-4000-8000-000000000001"
PDF_GUID = "00000002-0000-4000-8000-000000000002"
MM = 72 / 25.4  # docgen draws in mm from the top; PDF points count from the bottom


def line_box(n: float) -> tuple[int, int, int, int]:
    """The rectangle (PDF points) around the n-th line slot of a docgen page (0: the first)."""
    y = (297 - docgen.TOP - docgen.LEADING * n) * MM
    return 0, round(y - 4), 595, round(y + 4)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return docgen.lines_pdf(tmp_path_factory.mktemp("pdf") / "rapport.pdf", PAGES, header="Taal")


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(PROJECT_XSD))


def span_of(t, words: str) -> tuple[int, int]:
    start = t.text.index(words)
    return start, start + len(words)


def qdpx(path: Path, sources: str, members: dict[str, bytes]) -> Path:
    """A .qdpx with one codable code and the given <Sources> body."""
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?><Project {NS} name="t" origin="other tool">'
        f'<Users><User guid="00000009-0000-4000-8000-000000000009" name="lea"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Brieven" isCodable="true"/></Codes>'
        f"</CodeBook><Sources>{sources}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
        for name, data in members.items():
            z.writestr(name, data)
    return path


def coding(n: int, start: int, end: int) -> str:
    return (
        f'<PlainTextSelection guid="{n:08x}-0000-4000-8000-{n:012x}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{n + 100:08x}-0000-4000-8000-{n:012x}" '
        f'creatingUser="00000009-0000-4000-8000-000000000009"><CodeRef targetGUID="{CODE}"/>'
        "</Coding></PlainTextSelection>"
    )


def pdf_selection(n: int, page: int, box: tuple[int, int, int, int]) -> str:
    x0, y0, x1, y1 = box
    return (
        f'<PDFSelection guid="{n:08x}-0000-4000-8000-{n:012x}" page="{page}" firstX="{x0}" '
        f'firstY="{y1}" secondX="{x1}" secondY="{y0}"><Coding '
        f'guid="{n + 100:08x}-0000-4000-8000-{n:012x}" '
        f'creatingUser="00000009-0000-4000-8000-000000000009"><CodeRef targetGUID="{CODE}"/>'
        "</Coding></PDFSelection>"
    )


def test_pdf_round_trip_keeps_text_pages_codings_memos_and_the_pdf(pdf, tmp_path, schema):
    with Project.init(tmp_path / "a", MINI) as p:
        p.import_files([pdf])
        t = p.transcript("rapport")
        assert {s.page for s in p.segments(t)} == {1, 2, 3}
        spans = {
            span_of(t, "moeilijk te lezen"): "barrier.language",
            span_of(t, "helpen met formulieren en brieven"): "barrier.digital",
            span_of(t, "digitale formulieren lastig"): "barrier.digital",
        }
        for (a, b), code in spans.items():
            p.add_coding(t, a, b, code, "ann")
        p.add_memo(t, "Memo bij het hele verslag & <ander> tekst.", "ann")
        p.add_memo(t, "Over de bibliotheek.", "bo", *span_of(t, "De bibliotheek"))
        out = tmp_path / "a.qdpx"
        counts = p.export_qdpx(out)
        assert counts["codings"] == 3
        before = (
            t.text,
            [(s.start, s.end, s.page) for s in p.segments(t)],
            sorted((c.start, c.end, c.code, c.coder) for c in p.codings()),
            sorted((m.text, m.start or 0, m.end or 0, m.coder) for m in p.store.memos()),
        )
        original = p.store.original(t.id)
    with zipfile.ZipFile(out) as z:
        qde = z.read("project.qde")
        members = {n: z.read(n) for n in z.namelist()}
    schema.validate(qde)
    assert run("validate", str(out)).returncode == 0  # the references resolve too
    text = qde.decode("utf-8")
    assert text.count("<PDFSource ") == 1 and "<TextSource " not in text
    assert text.count("<Representation ") == 1 and text.count("<PlainTextSelection ") == 4
    pdfs = [n for n in members if n.endswith(".pdf")]
    txts = [n for n in members if n.endswith(".txt")]
    assert len(pdfs) == 1 and members[pdfs[0]] == original
    assert len(txts) == 1 and members[txts[0]].decode("utf-8") == before[0]
    assert f'path="internal://{Path(pdfs[0]).name}"' in text
    assert f'plainTextPath="internal://{Path(txts[0]).name}"' in text

    with Project.init(tmp_path / "b", MINI) as q:
        result = q.import_qdpx(out)
        assert result.added == ["rapport"] and result.codings == 3 and result.memos == 2
        assert not [w for w in result.warnings if "PDF" in w]
        t2 = q.transcript("rapport")
        after = (
            t2.text,
            [(s.start, s.end, s.page) for s in q.segments(t2)],
            sorted((c.start, c.end, c.code, c.coder) for c in q.codings()),
            sorted((m.text, m.start or 0, m.end or 0, m.coder) for m in q.store.memos()),
        )
        assert after == before
        assert (q.root / "transcripts" / "rapport.pdf").read_bytes() == original
        # the same file again adds nothing
        again = q.import_qdpx(out)
        assert again.unchanged == ["rapport"] and again.codings == 0


def test_representation_as_qualcoder_writes_it(pdf, tmp_path):
    """QualCoder names the source after its file, keeps the PDF under its own name and writes
    its text (here with \\r\\n line endings) as the representation's .txt."""
    with Project.init(tmp_path / "a", MINI) as p:
        p.import_files([pdf])
        text = p.transcript("rapport").text
    raw = text.replace("\n", "\r\n")
    words = "de brieven van de gemeente"
    a = raw.index(words)
    source = (
        f'<PDFSource guid="{PDF_GUID}" name="rapport.pdf" path="internal://rapport.pdf">'
        "<Description>Verslag</Description>"
        '<Representation guid="00000003-0000-4000-8000-000000000003" name="rapport.pdf" '
        f'plainTextPath="internal://rapport.txt">{coding(40, a, a + len(words))}'
        "</Representation></PDFSource>"
    )
    path = qdpx(tmp_path / "qc.qdpx", source, {
        "sources/rapport.pdf": pdf.read_bytes(), "sources/rapport.txt": raw.encode("utf-8"),
    })  # fmt: skip
    with Project.init(tmp_path / "b", MINI) as q:
        result = q.import_qdpx(path)
        assert result.added == ["rapport.pdf"] and result.codings == 1, result.warnings
        t = q.transcript("rapport.pdf")
        assert t.text == text
        (c,) = q.codings()
        assert (t.text[c.start : c.end], c.coder) == (words, "lea")
        assert {s.page for s in q.segments(t)} == {1, 2, 3}  # pages found in the representation
        assert (q.root / "transcripts" / "rapport.pdf").read_bytes() == pdf.read_bytes()


def test_pdf_source_without_representation_places_pdf_selections(pdf, tmp_path):
    # page 2: heading (slot 0), the wijkteam line (slot 1.6); page 3's first line (slot 0);
    # a rectangle in the empty middle of page 1 covers no line
    wijkteam = line_box(1.6)
    source = (
        f'<PDFSource guid="{PDF_GUID}" name="Folder" path="internal://{PDF_GUID}.pdf">'
        f"{pdf_selection(50, 2, wijkteam)}{pdf_selection(51, 3, line_box(0))}"
        f"{pdf_selection(52, 1, (0, 300, 595, 310))}</PDFSource>"
    )
    path = qdpx(tmp_path / "bare.qdpx", source, {f"sources/{PDF_GUID}.pdf": pdf.read_bytes()})
    with Project.init(tmp_path / "b", MINI) as q:
        result = q.import_qdpx(path)
        assert result.added == ["Folder"] and result.codings == 2
        assert any(
            "PDF source 'Folder': 1 PDF selection(s) (1 coding(s)) could not be placed" in w
            for w in result.warnings
        ), result.warnings
        t = q.transcript("Folder")
        assert t.text.startswith("Inleiding\n")  # the project's own PDF reader made the text
        got = sorted(t.text[c.start : c.end] for c in q.codings())
        assert got == [
            "Medewerkers van het wijkteam helpen met formulieren en brieven.",
            "Veel ouders vinden de digitale formulieren lastig zonder hulp.",
        ]
        assert {s.page for s in q.segments(t)} == {1, 2, 3}
        assert (q.root / "transcripts" / "Folder.pdf").read_bytes() == pdf.read_bytes()


def test_unreadable_pdf_with_a_representation_keeps_the_text(tmp_path):
    source = (
        f'<PDFSource guid="{PDF_GUID}" name="Kapot" path="internal://kapot.pdf">'
        '<Representation guid="00000003-0000-4000-8000-000000000003" '
        f'plainTextPath="internal://kapot.txt">{coding(40, 4, 11)}</Representation>'
        f"{pdf_selection(50, 1, line_box(0))}</PDFSource>"
    )
    path = qdpx(tmp_path / "k.qdpx", source, {
        "sources/kapot.pdf": b"<html>not a pdf</html>", "sources/kapot.txt": b"Een brieven tekst.",
    })  # fmt: skip
    with Project.init(tmp_path / "b", MINI) as q:
        result = q.import_qdpx(path)
        warnings = "\n".join(result.warnings)
        assert "PDF source 'Kapot': not a PDF file (no %PDF header); its text is the " in warnings
        assert "1 PDF selection(s) (1 coding(s)) could not be placed" in warnings
        t = q.transcript("Kapot")
        assert t.text == "Een brieven tekst."
        assert [t.text[c.start : c.end] for c in q.codings()] == ["brieven"]


def test_pdf_source_with_neither_text_nor_pdf_is_left_out_with_its_codings(tmp_path):
    source = (
        f'<PDFSource guid="{PDF_GUID}" name="Scan" path="internal://scan.pdf">'
        f"{pdf_selection(50, 1, line_box(0))}{pdf_selection(51, 1, line_box(1))}</PDFSource>"
    )
    path = qdpx(tmp_path / "s.qdpx", source, {"sources/scan.pdf": b"%PDF-1.4 broken"})
    with Project.init(tmp_path / "b", MINI) as q:
        result = q.import_qdpx(path)
        (warning,) = [w for w in result.warnings if "Scan" in w]
        assert "PDF source 'Scan' has no text representation and not a readable PDF" in warning
        assert "it and its 2 coding(s) were not carried over" in warning
        assert q.transcripts() == [] and q.codings() == []
