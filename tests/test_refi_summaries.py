"""Framework summaries through REFI-QDA: written as notes another tool keeps as memos (tied to
their transcript's source, named after code and case), read back as summaries; other notes
still become memos."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import xmlschema
from conftest import run, write
from lxml import etree

from codebook import Project
from codebook.interchange.refi_qda import PROJECT_XSD

EMPTY_CODEBOOK = """codebook: {id: leeg, language: nl}
codes:
  - id: placeholder
    label: {nl: Plaatshouder}
"""
Q = {"q": "urn:QDA-XML:project:1.0"}
HOSTILE = 'Ada <b>wacht</b> & ]]> "lang" op formulieren.\nTweede regel.'


def fresh(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    run("init", str(root), "--codebook", str(write(tmp_path / f"{name}.yaml", EMPTY_CODEBOOK)))
    return root


def cells(root: Path) -> set[tuple]:
    """Every summary by kind, row, code label, coder and text (code ids differ per project)."""
    with Project.open(root) as p:
        label = {c.id: c.name(p.codebook.language) for c in p.codebook.codes.values()}
        return {(s.row_kind, s.row, label[s.code], s.coder, s.text) for s in p.store.summaries()}


@pytest.fixture
def summarised(focus_project, tmp_path) -> Path:
    root = tmp_path / "a"
    shutil.copytree(focus_project, root)
    with Project.open(root) as p:
        p.set_summary("interview-south-dana", "hurdle.paperwork", "Dana: te veel papier.", "maria")
        p.set_summary("interview-south-dana", "hurdle.paperwork", "Tomas ziet het anders.", "tomas")
        p.set_summary("Ada", "hurdle.online", HOSTILE, "maria", kind="participant")
        p.add_memo(None, "Een gewone projectmemo.", "maria")
    return root


def _second(when):
    return when.replace(tzinfo=None, microsecond=0)


def notes_of(qdpx: Path):
    with zipfile.ZipFile(qdpx) as z:
        return etree.fromstring(z.read("project.qde"))


def test_summaries_round_trip_as_notes(summarised, tmp_path):
    out = tmp_path / "a.qdpx"
    with Project.open(summarised) as p:
        assert p.export_qdpx(out)["summaries"] == 3
        memos_before = len(p.store.memos())
    root = notes_of(out)
    xmlschema.XMLSchema(str(PROJECT_XSD)).validate(etree.tostring(root))
    assert run("validate", str(out)).returncode == 0  # every NoteRef finds its note
    all_notes = list(root.iterfind("q:Notes/q:Note", Q))
    names = {n.get("name"): n for n in all_notes}
    assert "Summary: Paperwork – interview-south-dana" in names
    ada = names["Summary: Online portals – Ada"]
    text = ada.findtext("q:PlainTextContent", namespaces=Q)
    assert text.startswith("Framework summary · participant Ada · code Online portals [")
    assert text.endswith(HOSTILE)
    # a transcript's summaries hang on its source; a participant's on the project
    dana = root.find("q:Sources/q:TextSource[@name='interview-south-dana']", Q)
    on_dana = {r.get("targetGUID") for r in dana.iterfind("q:NoteRef", Q)}
    summary_guids = {n.get("guid") for n in all_notes if n.get("name").startswith("Summary: Pap")}
    assert len(summary_guids) == 2 and summary_guids <= on_dana
    assert ada.get("guid") in {r.get("targetGUID") for r in root.iterfind("q:NoteRef", Q)}

    new = fresh(tmp_path, "b")
    res = run("-p", str(new), "import", str(out))
    assert "summaries: 3 framework summary(ies) written" in res.stdout
    assert cells(new) == cells(summarised)
    with Project.open(new) as p:
        memos = [m.text for m in p.store.memos()]
        assert len(memos) == memos_before and "Een gewone projectmemo." in memos
        assert not [m for m in memos if m.startswith("Framework summary")]
        times = {(s.row, s.coder): _second(s.updated_at) for s in p.store.summaries()}
    with Project.open(summarised) as p:  # when each was written travels too, to the second
        assert times == {(s.row, s.coder): _second(s.updated_at) for s in p.store.summaries()}
    again = run("-p", str(new), "import", str(out))
    assert "summaries:" not in again.stdout  # the same file again writes nothing
    assert cells(new) == cells(summarised)


def test_later_summary_wins_and_earlier_one_is_kept_with_a_warning(summarised, tmp_path):
    first = tmp_path / "first.qdpx"
    with Project.open(summarised) as p:
        p.export_qdpx(first)
    new = fresh(tmp_path, "b")
    run("-p", str(new), "import", str(first))
    with Project.open(new) as p:
        code = next(s.code for s in p.store.summaries() if s.row_kind == "participant")
        p.set_summary("Ada", code, "Mijn eigen, latere tekst.", "maria", kind="participant")
    res = run("-p", str(new), "import", str(first))
    assert "1 summary note(s) differ from the project's summary of that cell" in res.stderr
    with Project.open(new) as p:
        assert p.summary_of("Ada", code, "maria", "participant").text == "Mijn eigen, latere tekst."
    with Project.open(summarised) as p:  # edited again in the first project: that one is later
        p.set_summary("Ada", "hurdle.online", "Nog later herschreven.", "maria", "participant")
        p.export_qdpx(tmp_path / "second.qdpx")
    res = run("-p", str(new), "import", str(tmp_path / "second.qdpx"))
    assert "summaries: 1 framework summary(ies) written" in res.stdout
    with Project.open(new) as p:
        assert p.summary_of("Ada", code, "maria", "participant").text == "Nog later herschreven."


def test_other_notes_stay_memos_and_unplaceable_summaries_too(tmp_path):
    code = "00000001-0000-4000-8000-000000000001"
    source = "00000002-0000-4000-8000-000000000002"
    other = "00000003-0000-4000-8000-00000000000f"

    def note(n: int, text: str) -> str:
        return (
            f'<Note guid="0000000{n}-0000-4000-8000-000000000000" name="n{n}">'
            f"<PlainTextContent>{text}</PlainTextContent></Note>"
        )

    qde = (
        '<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="t"><CodeBook><Codes><Code guid="{code}" name="Brieven" isCodable="true"/>'
        f'</Codes></CodeBook><Sources><TextSource guid="{source}" name="gesprek">'
        "<PlainTextContent>R: De brieven zijn lastig.</PlainTextContent>"
        '<NoteRef targetGUID="00000004-0000-4000-8000-000000000000"/>'
        '<NoteRef targetGUID="00000005-0000-4000-8000-000000000000"/>'
        '<NoteRef targetGUID="00000006-0000-4000-8000-000000000000"/></TextSource></Sources>'
        "<Notes>"
        + note(4, "Een memo van een ander programma.")
        + note(5, f"Framework summary · transcript gesprek · code X [{other}]\n\nOnbekende code.")
        + note(6, f"Framework summary · transcript gesprek · code Brieven [{code}]\n\nLastig.")
        + note(7, "Framework summary zonder vorm\n\nGewoon een notitie.")
        + "</Notes></Project>"
    )
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
    new = fresh(tmp_path, "b")
    res = run("-p", str(new), "import", str(path))
    assert "1 summary note(s) name a code or case that is not in the project; kept" in res.stderr
    with Project.open(new) as p:
        memos = {(m.transcript_id is not None, m.text) for m in p.store.memos()}
        assert memos == {
            (True, "Een memo van een ander programma."),
            (True, f"Framework summary · transcript gesprek · code X [{other}]\n\nOnbekende code."),
            (False, "Framework summary zonder vorm\n\nGewoon een notitie."),
        }
        (s,) = p.store.summaries()
        # no creatingUser: the import's own coder name, as for memos
        assert (s.row_kind, s.row, s.text, s.coder) == (
            "transcript",
            "gesprek",
            "Lastig.",
            "refi-import",
        )
        assert p.codebook.codes[s.code].name() == "Brieven"
