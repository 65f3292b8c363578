"""REFI-QDA export: valid against the schemas, stable GUIDs, and a lossless round trip."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
import xmlschema
from conftest import run, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codebook import Project
from codebook.ingest.decode import normalise
from codebook.interchange.refi_qda import CODEBOOK_XSD, PROJECT_XSD
from codebook.interchange.refi_qda.text import normalise_with_map

EMPTY_CODEBOOK = """codebook: {id: leeg, language: nl}
codes:
  - id: placeholder
    label: {nl: Plaatshouder}
"""


@pytest.fixture(scope="module")
def project_schema():
    return xmlschema.XMLSchema(str(PROJECT_XSD))


@pytest.fixture(scope="module")
def codebook_schema():
    return xmlschema.XMLSchema(str(CODEBOOK_XSD))


@pytest.fixture(scope="module")
def rich_project(sample_project, tmp_path_factory) -> Path:
    """A copy of the sample project with memos of every kind and a coding memo."""
    root = tmp_path_factory.mktemp("rich") / "project"
    shutil.copytree(sample_project, root)
    with Project.open(root) as p:
        t = p.transcripts()[0]
        p.add_memo(
            None, "Projectmemo: let op verschillen tussen ouders en leerkrachten.", "coder_a"
        )
        p.add_memo(t, "Memo bij het hele transcript — één opmerking.", "coder_b")
        p.add_memo(t, "Memo bij een passage 😀", "coder_a", 10, 42)
        coding = p.codings(t.name)[0]
        p.store.update_coding(coding.id, memo="Twijfel: ook cog.basic.language?")
    return root


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("project.qde")


def test_export_is_valid_and_holds_everything(rich_project, tmp_path, project_schema):
    out = tmp_path / "p.qdpx"
    res = run("-p", str(rich_project), "export", "-o", str(out))
    with Project.open(rich_project) as p:
        n_codes, n_transcripts = len(p.codebook.codes), len(p.transcripts())
        n_codings = len(p.codings())
        coding_memos = sum(1 for c in p.codings() if c.memo)
    assert (
        f"{n_codes} code(s), {n_transcripts} transcript(s), {n_codings} coding(s) and 3 memo(s)"
        f" plus {coding_memos} memo(s) on codings"
    ) in res.stdout
    qde = qde_of(out)
    project_schema.validate(qde)
    text = qde.decode("utf-8")
    turns = text.count("<SelectionRef ")  # focus-group turns the participants' cases hold
    assert turns > 0
    # one per coding, one span memo, one per turn of a case
    assert text.count("<PlainTextSelection ") == n_codings + 1 + turns
    assert text.count("<Note ") == 3 + coding_memos > 4  # memos, then codings with a memo
    assert 'typeOfVariable="Text"' in text and "stakeholder_group" in text
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert len([n for n in names if n.startswith("sources/")]) == n_transcripts
        for ref in re.findall(r'plainTextPath="internal://([^"]+)"', text):
            assert f"sources/{ref}" in names


def test_codebook_export_is_valid_with_groups_colours_and_descriptions(
    sample_project, tmp_path, codebook_schema
):
    out = tmp_path / "c.qdc"
    run("-p", str(sample_project), "codebook", "export", "-o", str(out))
    data = out.read_bytes()
    codebook_schema.validate(data)
    text = data.decode("utf-8")
    assert text.count("<Code ") == 33
    assert 'name="Cognitieve factoren" isCodable="false"' in text
    assert "Include:" in text and "Exclude:" in text and "Examples:" in text
    assert "Code id: cog.basic.digital" in text


def test_guids_are_stable_across_exports(rich_project, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    run("-p", str(rich_project), "export", "-o", str(first))
    run("-p", str(rich_project), "export", "-o", str(second))

    def guids(path):
        return re.findall(r'guid="([^"]+)"', qde_of(path).decode())

    assert guids(first) == guids(second) and len(set(guids(first))) == len(guids(first))
    a, b = tmp_path / "a.qdc", tmp_path / "b.qdc"
    run("-p", str(rich_project), "codebook", "export", "-o", str(a))
    run("-p", str(rich_project), "codebook", "export", "-o", str(b))
    assert a.read_bytes() == b.read_bytes()
    code_guids = set(re.findall(r'guid="([^"]+)"', a.read_text()))
    assert code_guids <= set(guids(first))  # the same code has one GUID in .qdc and .qdpx


def test_round_trip_into_a_new_project_keeps_everything(rich_project, tmp_path):
    out = tmp_path / "p.qdpx"
    run("-p", str(rich_project), "export", "-o", str(out))
    codebook = write(tmp_path / "leeg.yaml", EMPTY_CODEBOOK)
    root = tmp_path / "new"
    run("init", str(root), "--codebook", str(codebook))
    res = run("-p", str(root), "import", str(out))
    assert "33 added" in res.stdout and "warning" not in res.stderr
    run("codebook", "validate", cwd=root)
    with Project.open(rich_project) as a, Project.open(root) as b:
        codes_a, codes_b = a.codebook.codes, b.codebook.codes
        assert [c for c in codes_b if c != "placeholder"] == list(codes_a)
        fields = ("label", "parent", "codable", "definition", "include", "exclude")
        fields += ("examples", "keywords", "color", "hotkey", "memo")
        for code in codes_a.values():
            for key in fields:
                assert getattr(codes_b[code.id], key) == getattr(code, key), (code.id, key)
        ta = {t.name: t for t in a.transcripts()}
        tb = {t.name: t for t in b.transcripts()}
        assert sorted(ta) == sorted(tb)
        for name, t in ta.items():
            assert tb[name].text == t.text and tb[name].sha256 == t.sha256
            assert tb[name].attributes == t.attributes
            assert len(b.store.segments(tb[name].id)) == len(a.store.segments(t.id))

        def codings(p, ts):
            by_id = {t.id: n for n, t in ts.items()}
            return sorted((by_id[c.transcript_id], c.start, c.end, c.code, c.coder, c.memo or "")
                          for c in p.codings())  # fmt: skip

        assert codings(a, ta) == codings(b, tb)

        def memos(p, ts):
            by_id = {t.id: n for n, t in ts.items()}
            return sorted(
                (by_id.get(m.transcript_id, ""), m.start or -1, m.end or -1, m.coder, m.text)
                for m in p.store.memos()
            )

        assert memos(a, ta) == memos(b, tb)
    again = run("-p", str(root), "import", str(out))
    assert "0 coding(s) and 0 memo(s) written" in again.stdout


PIECES = ["a", "é", "ë", "😀", " ", "\r\n", "\r", "\u2028", "e\u0301", "\ufeff", "\x01", "Ω"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_positions_map_through_normalisation(pieces):
    """A span of whole characters in the source covers the same characters once normalised."""
    raw = "".join(pieces)
    text, pos = normalise_with_map(raw, "t")
    assert text == normalise(raw)
    bounds = [0]
    for piece in pieces:
        bounds.append(bounds[-1] + len(piece))
    for i, a in enumerate(bounds):
        for b in bounds[i:]:
            assert text[pos(a) : pos(b)] == normalise(raw[a:b])


TEXT = st.lists(
    st.sampled_from(["Ik ", "é", "ë", "😀", "woord ", "\n", "I: ", "R: ", ". ", "Ω", "e\u0301"]),
    min_size=1,
    max_size=60,
).map("".join)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT, data=st.data())
def test_round_trip_of_random_texts_and_spans(tmp_path_factory, text, data):
    tmp = tmp_path_factory.mktemp("prop")
    codebook = write(tmp / "leeg.yaml", EMPTY_CODEBOOK)
    if not normalise(text).strip():
        text = "R: x" + text
    write(tmp / "t.txt", text)
    with Project.init(tmp / "a", codebook) as a:
        a.import_files([tmp / "t.txt"])
        t = a.transcript("t")
        n = len(t.text)
        spans = data.draw(
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda s: s[0] < s[1]),
                max_size=8,
            )
        )
        for i, (start, end) in enumerate(spans):
            a.add_coding(t, start, end, "placeholder", f"coder_{i % 2}")
        a.export_qdpx(tmp / "a.qdpx")
        expected = sorted((c.start, c.end, c.coder) for c in a.codings())
    with Project.init(tmp / "b", codebook) as b:
        b.import_qdpx(tmp / "a.qdpx")
        got = b.transcript("t")
        assert got.text == t.text and got.sha256 == t.sha256
        assert sorted((c.start, c.end, c.coder) for c in b.codings()) == expected
        for c in b.codings():
            assert got.text[c.start : c.end] == t.text[c.start : c.end]
