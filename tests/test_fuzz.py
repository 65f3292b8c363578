"""Hostile and broken input: every importer, the codebook loader, the codings CSV and the
offset logic either work or raise one clear CodebookError, and change nothing."""

import io
import sqlite3
import zipfile

import pytest
from conftest import MINI, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codebook import Project, codebooks
from codebook.ingest import read_transcript
from codebook.ingest.reanchor import OffsetMap
from codebook.model import CodebookError

BOOK = codebooks.load(MINI)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NASTY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(
    [
        "\u202eR: tekst van rechts naar links\u202c",
        "R: \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
        "I: x" + "a" * 100_000,
        "\x00\x01\x02R: control",
        "R: 👩‍👩‍👧 emoji é ë",
    ]
)


def parse_or_clear_error(name: str, data: bytes):
    try:
        parsed = read_transcript(write_tmp(name, data), BOOK)
    except CodebookError as e:
        assert str(e).strip() and "\n" not in str(e).strip()
        return None
    for seg in parsed.segments:
        assert 0 <= seg.start < seg.end <= len(parsed.text)
    return parsed


_TMP = {}


def write_tmp(name, data):
    import tempfile
    from pathlib import Path

    folder = _TMP.setdefault("dir", Path(tempfile.mkdtemp()))
    return write(folder / name, data)


@FUZZ
@given(
    data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt", ".docx"])
)
def test_random_bytes(data, suffix):
    parse_or_clear_error("random" + suffix, data)


@FUZZ
@given(
    text=NASTY,
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]),
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt"]),
)
def test_mixed_encodings_and_strange_text(text, encoding, suffix):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    parse_or_clear_error("strange" + suffix, data)


@FUZZ
@given(text=NASTY)
def test_front_matter_with_anything_inside(text):
    parse_or_clear_error("front.md", f"---\n{text}\n---\nI: Hoi.\n".encode())


def test_huge_line_is_read():
    parsed = parse_or_clear_error("huge.txt", ("R: " + "woord " * 200_000).encode())
    assert parsed is not None and parsed.segments


def test_zip_bomb_docx_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"0" * 300_000_000)
    with pytest.raises(CodebookError, match="too large when unpacked"):
        read_transcript(write_tmp("bomb.docx", buf.getvalue()), BOOK)


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("codes: " + "[" * 2000 + "]" * 2000, "nested too deeply|invalid YAML|must be"),
        ("codes:\n  - !!python/object/apply:os.system ['echo hacked']\n", "tag"),
        ("codes:\n  - id: a\n    label: !!binary aGVsbG8=\n", "tag|missing label"),
        ("&a [*a]", "refers to itself|codebook is a mapping|invalid YAML|nested"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
                for p, n in zip("abcdefg", "bcdefgh", strict=True)
            ),
            "alias bomb|unknown key 'a'",
        ),
        ("codes:\n  - &x {id: a, label: {nl: A}}\n  - *x\n", "duplicate id 'a'"),
        ("\x00\x01", "U\\+0000 \\(NUL\\) is not allowed"),
    ],
    ids=["deep", "python-tag", "binary-tag", "self-alias", "alias-bomb", "shared-code", "nul"],
)
def test_hostile_codebooks(tmp_path, yaml_text, message):
    import re

    problems = codebooks.validate(write(tmp_path / "evil.yaml", yaml_text))
    assert problems and any(re.search(message, p) for p in problems), problems


@FUZZ
@given(text=st.text(max_size=300))
def test_random_codebook_text(tmp_path, text):
    problems = codebooks.validate(write(tmp_path / "random.yaml", text))
    assert isinstance(problems, list)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz") / "proj"
    p = Project.init(root, MINI)
    p.import_files([write(root.parent / "a.txt", "I: Hoe gaat het?\nR: Goed. Echt goed.\n")])
    yield p
    p.close()


def count_codings(project):
    with sqlite3.connect(project.root / ".codebook" / "project.sqlite") as conn:
        return conn.execute("select count(*) from codings").fetchone()[0]


@FUZZ
@given(
    body=st.text(max_size=500),
    header=st.sampled_from(
        ["transcript,start,end,code,coder,memo\n", "transcript,start,end,code,coder\n", "", "a,b\n"]
    ),
)
def test_random_codings_csv(project, body, header):
    path = write_tmp(
        "codings.csv",
        (header + body).encode("utf-8", "surrogatepass")
        if "\ud800" not in body
        else header.encode(),
    )
    before = count_codings(project)
    try:
        project.import_codings(path)
    except CodebookError:
        assert count_codings(project) == before


@FUZZ
@given(
    start=st.integers(-5, 60),
    end=st.integers(-5, 60),
    code=st.sampled_from(["help", "barrier", "nope", "barrier.language", ""]),
)
def test_random_spans(project, start, end, code):
    t = project.transcript("a")
    try:
        cid = project.add_coding(t, start, end, code, "fuzzer")
    except CodebookError:
        return
    assert 0 <= start < end <= len(t.text)
    project.store.remove_coding(cid)


@FUZZ
@given(old=st.text(max_size=200), new=st.text(max_size=200), data=st.data())
def test_offset_map_never_points_outside(old, new, data):
    if not old:
        return
    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    anchor = OffsetMap(old, new).span(start, end)
    if anchor.status == "lost":
        assert anchor.start is None
    else:
        assert 0 <= anchor.start < anchor.end <= len(new)
        if anchor.status in ("unchanged", "moved"):
            assert new[anchor.start : anchor.end] == old[start:end]
