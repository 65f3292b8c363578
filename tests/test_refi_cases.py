"""Participants as REFI-QDA cases: exported with their variables and what they said, read back
from our own files and from cases as NVivo, MAXQDA and QualCoder write them."""

from __future__ import annotations

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
NS = {"q": "urn:QDA-XML:project:1.0"}


def fresh(tmp_path: Path, name: str = "new") -> Path:
    codebook = write(tmp_path / f"{name}.yaml", EMPTY_CODEBOOK)
    root = tmp_path / name
    run("init", str(root), "--codebook", str(codebook))
    return root


def people(root: Path) -> tuple[dict, dict]:
    """{participant: attributes} and {(transcript, speaker label): participant}."""
    with Project.open(root) as p:
        names = {t.id: t.name for t in p.transcripts()}
        return (
            {x.name: x.attributes for x in p.participants()},
            {(names[s.transcript_id], s.label): s.participant for s in p.speakers()
             if s.participant},
        )  # fmt: skip


def counts(root: Path, by: str) -> dict:
    """Coded segments per (code, value of `by`), interviewer turns left out."""
    with Project.open(root) as p:
        table = p.stats(by)
    return {(r["code"], r[by]): r["segments"] for r in table.to_dict("records")}


def participant_attributes(root: Path) -> list[str]:
    with Project.open(root) as p:
        return sorted({k for x in p.participants() for k in x.attributes})


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(PROJECT_XSD))


@pytest.mark.parametrize("which", ["sample_project", "focus_project"])
def test_round_trip_gives_the_same_participants_and_counts(which, request, tmp_path, schema):
    source = request.getfixturevalue(which)
    out = tmp_path / "p.qdpx"
    run("-p", str(source), "export", "-o", str(out))
    with zipfile.ZipFile(out) as z:
        qde = z.read("project.qde")
    schema.validate(qde)
    root_el = etree.fromstring(qde)
    before_people, before_speakers = people(source)
    cases = root_el.findall("q:Cases/q:Case", NS)
    assert sorted(c.get("name") for c in cases) == sorted(before_people)
    selections = {s.get("guid") for s in root_el.iterfind(".//q:PlainTextSelection", NS)}
    sources = {s.get("guid") for s in root_el.iterfind("q:Sources/q:TextSource", NS)}
    refs = [r.get("targetGUID") for r in root_el.iterfind(".//q:Case/q:SelectionRef", NS)]
    assert refs and set(refs) <= selections  # the focus group: turns by selection
    whole = [r.get("targetGUID") for r in root_el.iterfind(".//q:Case/q:SourceRef", NS)]
    assert whole and set(whole) <= sources  # one respondent: the whole source
    target = fresh(tmp_path)
    res = run("-p", str(target), "import", str(out))
    assert f"cases: {len(before_people)} participant(s) ({len(before_people)} new)" in res.stdout
    assert "warning" not in res.stderr
    assert people(target) == (before_people, before_speakers)
    attributes = participant_attributes(source)
    assert attributes
    for by in [*attributes, "participant"]:
        expected = counts(source, by)
        assert expected and counts(target, by) == expected, by
    again = run("-p", str(target), "import", str(out))
    assert "(0 new)" in again.stdout and "0 coding(s)" in again.stdout
    assert people(target) == (before_people, before_speakers)


def _qdpx(path: Path, sources: dict[str, str], body: str) -> Path:
    """A .qdpx as another tool writes it: the .qde and its sources/<guid>.txt."""
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="Other tool">{body}</Project>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde)
        for guid, text in sources.items():
            z.writestr(f"sources/{guid}.txt", text)
    return path


def g(n: int) -> str:
    return f"{n:08x}-0000-4000-8000-{n:012x}"


INTERVIEW = "I: Hoe gaat het met de brieven?\nR: Goed, maar de brief van de gemeente was lastig.\n"
GROUP = (
    "Moderator: Wat vindt u van de app?\n"
    "Ada: De app is lastig, ik kan niet inloggen.\n"
    "Moderator: En u, Ben?\n"
    "Ben: Ik help mensen met de app.\n"
    "Moderator: En de brieven?\n"
    "Ada: De brieven zijn lang.\n"
    "Ben: Dat zie ik ook.\n"
)


def span(text: str, part: str) -> tuple[int, int]:
    a = text.index(part)
    return a, a + len(part)


def _other_tool_file(tmp_path: Path) -> Path:
    ada1, ada2 = span(GROUP, "De app is lastig"), span(GROUP, "De brieven zijn lang.")
    # a question and Ben's answer selected together: the answer's speaker is the case's
    ben = (GROUP.index("En u, Ben?"), GROUP.index("app.\nModerator: En de") + 4)
    coded = [span(GROUP, "ik kan niet inloggen"), span(GROUP, "Ik help mensen")]
    iv = span(INTERVIEW, "de brief van de gemeente was lastig")

    def sel(n, ab, coding=True):
        inner = f'<Coding guid="{g(n + 500)}"><CodeRef targetGUID="{g(1)}"/></Coding>'
        return (
            f'<PlainTextSelection guid="{g(n)}" startPosition="{ab[0]}" endPosition="{ab[1]}">'
            f"{inner if coding else ''}</PlainTextSelection>"
        )

    def value(var, v, kind="TextValue"):
        return f'<VariableValue><VariableRef targetGUID="{g(var)}"/><{kind}>{v}</{kind}>' \
               "</VariableValue>"  # fmt: skip

    body = (
        f'<CodeBook><Codes><Code guid="{g(1)}" name="Brieven" isCodable="true"/></Codes>'
        "</CodeBook>"
        f'<Variables><Variable guid="{g(2)}" name="Rol" typeOfVariable="Text"/>'
        f'<Variable guid="{g(3)}" name="Leeftijd" typeOfVariable="Integer"/>'
        f'<Variable guid="{g(4)}" name="Plaats" typeOfVariable="Text"/></Variables>'
        "<Cases>"
        f'<Case guid="{g(10)}" name="Mw. O\'Brien">{value(2, "ouder")}'
        f"{value(3, 41, 'IntegerValue')}"
        f'<SourceRef targetGUID="{g(20).upper()}"/></Case>'
        f'<Case guid="{g(11)}" name="Ada">{value(2, "ouder")}'
        f'<SelectionRef targetGUID="{{{g(30)}}}"/><SelectionRef targetGUID="{g(31)}"/></Case>'
        f'<Case guid="{g(12)}" name="Ben"><CodeRef targetGUID="{g(1)}"/>{value(2, "verpleger")}'
        f'<SelectionRef targetGUID="{g(32)}"/><SelectionRef targetGUID="{g(99)}"/></Case>'
        f'<Case guid="{g(13)}" name="Groep noord">{value(4, "noord")}'
        f'<SourceRef targetGUID="{g(21)}"/></Case>'
        f'<Case guid="{g(14)}" name="Niet geïnterviewd">{value(2, "ouder")}</Case>'
        "</Cases><Sources>"
        f'<TextSource guid="{g(20)}" name="interview" plainTextPath="internal://{g(20)}.txt">'
        f"{sel(40, iv)}</TextSource>"
        f'<TextSource guid="{g(21)}" name="groep" plainTextPath="internal://{g(21)}.txt">'
        f"{sel(30, ada1, False)}{sel(31, ada2, False)}{sel(32, ben, False)}"
        f"{sel(41, coded[0])}{sel(42, coded[1])}</TextSource>"
        "</Sources>"
    )
    return _qdpx(tmp_path / "other.qdpx", {g(20): INTERVIEW, g(21): GROUP}, body)


def test_cases_as_other_tools_write_them(tmp_path):
    target = fresh(tmp_path)
    res = run("-p", str(target), "import", str(_other_tool_file(tmp_path)))
    err = res.stderr
    assert "case 'Mw. O'Brien' is participant 'Mw. O-Brien'" in err
    assert "1 code reference(s) of cases not carried over" in err
    assert "holds source 'groep', in which 2 speakers speak; its values are the transcript's" in err
    assert "1 case reference(s) to a source or selection that was not carried over" in err
    assert "cases: 4 participant(s) (4 new), 3 speaker(s) assigned" in res.stdout
    found, speakers = people(target)
    assert found == {
        "Mw. O-Brien": {"rol": "ouder", "leeftijd": "41"},
        "Ada": {"rol": "ouder"},
        "Ben": {"rol": "verpleger"},
        "Niet geïnterviewd": {"rol": "ouder"},  # a case without references is kept
    }
    assert speakers == {("interview", "R"): "Mw. O-Brien", ("groep", "Ada"): "Ada",
                        ("groep", "Ben"): "Ben"}  # fmt: skip
    with Project.open(target) as p:
        # the group case names the whole source: its values are the transcript's
        assert p.transcript("groep").attributes == {"plaats": "noord"}
        assert p.transcript("interview").attributes == {}
        assert set(p.codebook.attributes["rol"].values) == {"ouder", "verpleger"}
    assert counts(target, "rol") == {("brieven", "ouder"): 2, ("brieven", "verpleger"): 1}
    assert counts(target, "plaats") == {("brieven", "noord"): 2, ("brieven", "(none)"): 1}
    run("codebook", "validate", cwd=target)


def test_a_speaker_the_project_assigned_stays_so(tmp_path):
    target = fresh(tmp_path)
    qdpx = _other_tool_file(tmp_path)
    run("-p", str(target), "import", str(qdpx))
    with Project.open(target) as p:
        p.assign_speaker(p.transcript("groep"), "Ada", "Adriana")
    res = run("-p", str(target), "import", str(qdpx))
    assert "speaker 'Ada' of 'groep' is participant 'Adriana' here" in res.stderr
    assert people(target)[1][("groep", "Ada")] == "Adriana"


def test_case_values_the_codebook_does_not_allow_are_left_out(tmp_path):
    codebook = write(
        tmp_path / "cb.yaml",
        EMPTY_CODEBOOK + "attributes:\n  rol:\n    label: {nl: Rol}\n    values: [ouder]\n",
    )
    target = tmp_path / "p"
    run("init", str(target), "--codebook", str(codebook))
    res = run("-p", str(target), "import", str(_other_tool_file(tmp_path)))
    assert "case 'Ben': rol='verpleger' is not an allowed value (ouder)" in res.stderr
    assert people(target)[0]["Ben"] == {}


def test_interviewer_flags_and_unnamed_speakers_do_not_become_cases(project_dir, tmp_path):
    """Only participants are cases; an interviewer speaker without a participant is none."""
    out = tmp_path / "p.qdpx"
    with Project.open(project_dir) as p:
        expected = {x.name for x in p.participants()}
        p.export_qdpx(out)
    with zipfile.ZipFile(out) as z:
        names = {c.get("name") for c in etree.fromstring(z.read("project.qde")).iterfind(
            "q:Cases/q:Case", NS)}  # fmt: skip
    assert names == expected
