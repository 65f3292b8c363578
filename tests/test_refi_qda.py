"""REFI-QDA import as a user runs it: the real sample exports, quirky files, hostile files."""

from __future__ import annotations

import hashlib
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import DATA, MINI, run

from codebook import CodebookError, Project
from codebook.interchange.refi_qda import safety

REFI = DATA / "refi"
SAMPLES = REFI / "samples"  # real exports by NVivo and qualitative-coding
HOSTILE = {
    "xxe.qdpx": "DOCTYPE",
    "xxe.qdc": "DOCTYPE",
    "laughs.qdc": "DOCTYPE",
    "zip-slip.qdpx": "'../evil.txt' has an absolute path or '..'",
    "absolute.qdpx": "'/tmp/evil.txt' has an absolute path or '..'",
    "bomb.qdpx": "zip bomb",
    "truncated.qdpx": "not a readable .qdpx (zip) file",
    "not-refi.qdpx": "not a REFI-QDA project (root element <html>",
    "not-refi.qdc": "not a REFI-QDA codebook (root element <rss>",
    "broken-xml.qdpx": "not well-formed XML",
    "no-qde.qdpx": "no .qde file in the archive",
}


def new_project(tmp_path: Path, name: str = "p", codebook: Path = MINI) -> Path:
    root = tmp_path / name
    run("init", str(root), "--codebook", str(codebook))
    return root


def state(root: Path) -> tuple:
    """Everything an import could change: the codebook YAML and every table that matters."""
    with Project.open(root) as p:
        yaml = p.codebook_path.read_bytes()
        return (
            hashlib.sha256(yaml).hexdigest(),
            [(t.name, t.sha256, t.attributes) for t in p.transcripts()],
            [(c.transcript_id, c.start, c.end, c.code, c.coder, c.memo) for c in p.codings()],
            [(m.transcript_id, m.start, m.end, m.text) for m in p.store.memos()],
            len(p.store.segments()),
            sorted(f.name for f in (root / "transcripts").iterdir()),
        )


def test_qualitative_coding_sample_imports_every_code_source_and_coding(tmp_path):
    root = new_project(tmp_path)
    out = run("-p", str(root), "import", str(SAMPLES / "qualitative-coding-demo.qdpx"))
    assert "262 added" in out.stdout
    with Project.open(root) as p:
        assert len(p.codebook.codes) == 4 + 262
        names = {t.name: t for t in p.transcripts()}
        assert sorted(names) == ["admin-1", "board_2017"]
        codings = p.codings()
        assert len(codings) == 205
        assert {c.coder for c in codings} == {"cp"}
        assert len(p.codings("board_2017")) == 205
        # nested codes keep their parents; duplicate names under other parents get other ids
        book = p.codebook
        assert book.codes["competencies"].parent == "rq1_definition"
        programming = [c for c in book.codes.values() if c.name() == "programming"]
        assert len(programming) == 2
        assert {c.parent for c in programming} == {"competencies", "cs_as_programming"}
        # positions land on the characters the tool selected (its file has \n line endings)
        with zipfile.ZipFile(SAMPLES / "qualitative-coding-demo.qdpx") as z:
            raw = z.read("sources/board_2017.txt").decode("utf-8")
        first = min(p.codings("board_2017"), key=lambda c: c.start)
        assert (first.start, first.end) == (320, 400)
        assert names["board_2017"].text[320:400] == raw[320:400]
        assert raw[320:400].startswith("This district goal")
        segments = p.store.segments(names["board_2017"].id)
        assert len(segments) > 100  # segmented like a normal import
    run("codebook", "validate", cwd=root)


def test_nvivo_sample_imports_codes_users_and_empty_sources_with_warnings(tmp_path):
    root = new_project(tmp_path)
    out = run("-p", str(root), "import", str(SAMPLES / "nvivo-export.qdpx"))
    assert "262 added" in out.stdout
    assert out.stderr.count("is empty") == 2  # NVivo wrote a lone newline for both sources
    with Project.open(root) as p:
        assert len(p.codebook.codes) == 4 + 262
        assert len(p.transcripts()) == 2
        assert p.codings() == []
        assert p.store.get_meta("refi_guids").count('"user:') == 2  # chrisp and cp


def test_second_tool_export_of_the_same_codebook_matches_by_guid(tmp_path):
    """NVivo re-exported the qualitative-coding project: the codes must not be doubled."""
    root = new_project(tmp_path)
    run("-p", str(root), "import", str(SAMPLES / "qualitative-coding-demo.qdpx"))
    out = run("-p", str(root), "import", str(SAMPLES / "nvivo-export.qdpx"))
    assert "0 added, 262 matched" in out.stdout
    again = run("-p", str(root), "import", str(SAMPLES / "qualitative-coding-demo.qdpx"))
    assert "0 coding(s)" in again.stdout and "unchanged: board_2017, admin-1" in again.stdout
    with Project.open(root) as p:
        assert len(p.codebook.codes) == 4 + 262
        assert len(p.codings()) == 205


def test_quirks_crlf_bom_braces_inner_name_docx_variables_notes(tmp_path):
    root = new_project(tmp_path)
    out = run("-p", str(root), "import", str(REFI / "quirks.qdpx"))
    err = out.stderr
    # a PDF source whose PDF is not in the archive and that has no text representation
    assert (
        "PDF source 'Folder' has no text representation and its PDF 'internal://"
        "00000017-0000-4000-8000-000000000017.pdf' is not in the archive; it and its 0 "
        "coding(s) were not carried over"
    ) in err
    assert "1 coding(s) or note(s) with a position outside the text" in err
    assert "no plain text rendition; text taken from the .docx" in err
    assert "'Gevoel' is marked not codable but has codings; imported as codable" in err
    assert "coder set to 'refi-import'" in err
    with Project.open(root) as p:
        t = p.transcript("Interview één")
        assert "\r" not in t.text and "\ufeff" not in t.text
        assert t.attributes == {"domein": "opvoeding"}
        # case 'Fam 1' holds the whole source, in which one respondent speaks: a participant
        (fam,) = p.participants()
        assert (fam.name, fam.attributes) == ("Fam 1", {"leeftijd": "42"})
        assert {s.label: s.participant for s in p.speakers(t)} == {"I": None, "R": "Fam 1"}
        got = {(p.transcript(c.transcript_id).name, t2(p, c), c.code, c.coder) for c in p.codings()}
        assert got == {
            ("Interview één", "DigiD", "barrier.digital", "anna"),
            ("Interview één", "Mijn DigiD werkt niet.", "barrier.language", "BK"),
            ("Interview één", "Café", "gevoel", "anna"),
            ("Interview één", "😀", "barrier.digital", "anna"),
            ("Inline", "app", "barrier.digital", "anna"),
        }
        memo = next(c for c in p.codings() if c.memo)
        assert memo.memo == "Let op: DigiD." and t2(p, memo) == "DigiD"
        memos = {(m.transcript_id is None, m.coder, m.text) for m in p.store.memos()}
        assert memos == {(False, "BK", "Goed interview."), (True, "refi-import", "Projectnotitie.")}
        docx = p.transcript("Alleen docx")
        assert docx.text == "I: Heeft u hulp?\nR: Ja, van de bibliotheek."
        assert [s.speaker for s in p.store.segments(docx.id)] == ["I", "R"]
        # grouping node Drempels matched the mini codebook's 'barrier'; Gevoel was added
        assert p.codebook.codes["gevoel"].codable
        assert "domein" in p.codebook.attributes
    assert (root / "transcripts" / "Interview één.txt").exists()
    run("codebook", "validate", cwd=root)


def t2(p: Project, c) -> str:
    return p.transcript(c.transcript_id).text[c.start : c.end]


@pytest.fixture(scope="module")
def quirks_project(tmp_path_factory) -> Path:
    root = new_project(tmp_path_factory.mktemp("quirks"))
    run("-p", str(root), "import", str(REFI / "quirks.qdpx"))
    return root


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_gives_one_clear_error_and_changes_nothing(quirks_project, tmp_path, name):
    root = quirks_project
    before = state(root)
    out = run("-p", str(root), "import", str(REFI / name), check=False)
    assert out.returncode == 1
    assert HOSTILE[name] in out.stderr
    assert name in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert state(root) == before
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


def test_xxe_never_reads_the_local_file(tmp_path):
    """Even when asked to parse, the entity is not resolved: the DOCTYPE is refused first."""
    with pytest.raises(CodebookError, match="DOCTYPE"):
        safety.parse_xml((REFI / "xxe.qdc").read_bytes(), "xxe.qdc")


def test_limits_on_members_and_unpacked_size(tmp_path, monkeypatch):
    many = tmp_path / "many.qdpx"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(30):
            z.writestr(f"sources/{i}.txt", "tekst")
    monkeypatch.setattr(safety, "MAX_MEMBERS", 20)
    with pytest.raises(CodebookError, match="has 30 members"):
        safety.SafeZip(many)
    monkeypatch.setattr(safety, "MAX_MEMBERS", 10_000)
    monkeypatch.setattr(safety, "MAX_UNPACKED", 100)
    with pytest.raises(CodebookError, match="possible zip bomb"):
        safety.SafeZip(many)


def test_source_that_conflicts_with_coded_transcript_is_refused_whole(quirks_project, tmp_path):
    """One bad source and nothing of the file is written: no codes, no YAML change."""
    root = quirks_project
    changed = tmp_path / "changed.qdpx"
    with zipfile.ZipFile(REFI / "quirks.qdpx") as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".qde"):
                data = data.replace(b"Alles via de app.", b"Alles via de website.")
                data = data.replace(b'name="Gevoel"', b'name="Nieuw gevoel"')
            dst.writestr(info, data)
    before = state(root)
    out = run("-p", str(root), "import", str(changed), check=False)
    assert out.returncode == 1
    assert "source 'Inline' differs from the transcript of that name" in out.stderr
    assert state(root) == before


def test_refi_file_must_be_imported_on_its_own(quirks_project, tmp_path):
    root = quirks_project
    txt = tmp_path / "a.txt"
    txt.write_text("I: Hallo\nR: Dag", encoding="utf-8")
    out = run("-p", str(root), "import", str(txt), str(REFI / "quirks.qdpx"), check=False)
    assert out.returncode == 1 and "on its own" in out.stderr


def test_qdc_into_a_new_codebook_file_then_init_with_it(tmp_path):
    qdc = tmp_path / "mini.qdc"
    source = new_project(tmp_path, "src")
    run("-p", str(source), "codebook", "export", "-o", str(qdc))
    target = tmp_path / "from-qdc.yaml"
    out = run("import", str(qdc), "--codebook-file", str(target))
    assert "4 code(s) written" in out.stdout
    run("codebook", "validate", str(target))
    with Project.open(source) as p:
        original = p.codebook
    root = tmp_path / "new"
    run("init", str(root), "--codebook", str(target))
    with Project.open(root) as p:
        for code in original.codes.values():
            got = p.codebook.codes[code.id]
            for key in ("label", "parent", "codable", "definition", "keywords", "color", "hotkey"):
                assert getattr(got, key) == getattr(code, key), (code.id, key)
    again = run("import", str(qdc), "--codebook-file", str(target), check=False)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_qdc_merges_new_codes_into_project_codebook(quirks_project, tmp_path):
    root = quirks_project
    other = new_project(tmp_path, "other")
    qdc = tmp_path / "codes.qdc"
    run("-p", str(root), "codebook", "export", "-o", str(qdc))
    out = run("-p", str(other), "import", str(qdc))
    assert "1 added, 4 matched" in out.stdout  # 'gevoel' is new to the other project
    with Project.open(other) as p:
        assert "gevoel" in p.codebook.codes
    again = run("-p", str(other), "import", str(qdc))
    assert "0 added, 5 matched" in again.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("codebook", "export", "-o", "x.json"), "unknown codebook export format"),
        (("export", "-o", "x.zip"), "unknown export format"),
        (("import", "x.qdpx"), "x.qdpx: cannot read"),
    ],
)
def test_unknown_export_format_or_missing_file_gives_a_clear_error(
    quirks_project, tmp_path, args, message
):
    root = quirks_project
    out = run("-p", str(root), *args, check=False, cwd=tmp_path)
    assert out.returncode == 1 and message in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("where", ["codings", "yaml"])
def test_failure_while_writing_leaves_store_and_codebook_yaml_as_they_were(
    tmp_path, monkeypatch, where
):
    from codebook.store.store import Store

    root = new_project(tmp_path)
    before = state(root)
    seen = []

    def fail_codings(*args, **kwargs):
        raise RuntimeError("disk full")

    @contextmanager
    def commit_fails(self):
        """The new YAML is on disk, then the commit fails."""
        with real(self) as conn:
            yield conn
            seen.append(codebook_path.read_bytes())
            raise RuntimeError("disk full")

    real = Store.transaction
    with Project.open(root) as p, pytest.raises(RuntimeError, match="disk full"):
        codebook_path = p.codebook_path
        if where == "codings":
            monkeypatch.setattr(Store, "insert_new_codings", fail_codings)
        else:
            monkeypatch.setattr(Store, "transaction", commit_fails)
        p.import_qdpx(REFI / "quirks.qdpx")
    monkeypatch.undo()
    if where == "yaml":
        assert hashlib.sha256(seen[0]).hexdigest() != before[0]
    assert state(root) == before


def test_reimport_adds_attributes_to_an_unchanged_transcript(tmp_path):
    root = new_project(tmp_path)
    with Project.open(root) as p:
        p.import_qdpx(REFI / "quirks.qdpx")
        t = p.transcript("Interview één")
        with p.store.transaction() as conn:
            p.store.write_attributes(conn, t.id, {"leeftijd": "42"})
        report = p.import_qdpx(REFI / "quirks.qdpx")
        assert "Interview één" in report.unchanged and report.codings == 0
        assert p.transcript("Interview één").attributes == {"domein": "opvoeding", "leeftijd": "42"}
