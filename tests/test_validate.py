"""`codebook validate FILE`: REFI-QDA files against the shipped schemas (every error with its
line), references and sources beyond the schema, and codebook YAML; exit 1 when invalid."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import DATA, MINI, run

from codebook import Project

REFI = DATA / "refi"
SAMPLES = REFI / "samples"
P = "urn:QDA-XML:project:1.0"
U1, U2 = "00000001-0000-4000-8000-000000000001", "00000002-0000-4000-8000-000000000002"
C1, S1 = "00000003-0000-4000-8000-000000000003", "00000004-0000-4000-8000-000000000004"
SEL = "00000005-0000-4000-8000-000000000005"
CODING = "00000006-0000-4000-8000-000000000006"


def qde(codes: str, selection: str = "", extra_source: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{P}" name="t">
  <Users><User guid="{U1}" name="ann"/></Users>
  <CodeBook><Codes>
{codes}
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{S1}" name="a" plainTextPath="internal://{S1}.txt">
{selection}
    </TextSource>{extra_source}
  </Sources>
</Project>
"""


def qdpx(path: Path, xml: str, sources: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", xml)
        for name, text in (sources if sources is not None else {f"{S1}.txt": "Hallo"}).items():
            z.writestr(f"sources/{name}", text)
    return path


GOOD_CODE = f'    <Code guid="{C1}" name="taal" isCodable="true"/>'


def selection(start: int, end: int, code: str = C1) -> str:
    return (
        f'      <PlainTextSelection guid="{SEL}" startPosition="{start}" endPosition="{end}">\n'
        f'        <Coding guid="{CODING}" creatingUser="{U1}"><CodeRef targetGUID="{code}"/>'
        "</Coding>\n      </PlainTextSelection>"
    )


def test_real_exports_and_our_own_are_valid(tmp_path):
    for sample in ("nvivo-export.qdpx", "qualitative-coding-demo.qdpx"):
        out = run("validate", str(SAMPLES / sample))
        assert out.stdout.strip() == f"{SAMPLES / sample}: ok (REFI-QDA project)"
    txt = tmp_path / "gesprek.txt"
    txt.write_text("I: Hoe gaat het?\nR: De brief was moeilijk.", encoding="utf-8")
    with Project.init(tmp_path / "proj", MINI) as project:
        project.import_files([txt])
        t = project.transcript("gesprek")
        project.add_coding(t, 20, 42, "barrier.language", "ann", memo="lastig")
        project.export_qdpx(tmp_path / "p.qdpx")
        project.export_qdc(tmp_path / "c.qdc")
    assert run("validate", str(tmp_path / "p.qdpx")).returncode == 0
    assert "ok (REFI-QDA codebook)" in run("validate", str(tmp_path / "c.qdc")).stdout
    assert "ok (codebook YAML)" in run("validate", str(MINI)).stdout


def test_schema_errors_come_with_their_lines(tmp_path):
    bad = qde(f'    <Code name="zonder guid" isCodable="maybe"/>\n{GOOD_CODE}')
    out = run("validate", str(qdpx(tmp_path / "bad.qdpx", bad)), check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    where = f"{tmp_path / 'bad.qdpx'}:project.qde:"
    assert any(ln.startswith(f"{where}5:") and "'guid' is required" in ln for ln in lines)
    assert any(ln.startswith(f"{where}5:") and "isCodable" in ln for ln in lines)
    assert lines[-1] == f"{tmp_path / 'bad.qdpx'}: {len(lines) - 1} problem(s)"


def test_problems_the_schema_cannot_see(tmp_path):
    twice = f'{GOOD_CODE}\n    <Code guid="{{{C1.upper()}}}" name="twee" isCodable="true"/>'
    xml = qde(twice, selection(2, 99, code=U2), f'\n    <TextSource guid="{U2}" name="b" '
              'plainTextPath="internal://weg.txt"/>')  # fmt: skip
    out = run("validate", str(qdpx(tmp_path / "refs.qdpx", xml)), check=False)
    assert out.returncode == 1
    err = out.stderr
    assert f"project.qde:6: duplicate guid {{{C1.upper()}}} (first on line 5)" in err
    assert f"CodeRef targetGUID={U2} is a TextSource, not a Code" in err
    assert "PlainTextSelection [2, 99) is outside its text of 5 characters" in err
    assert "plainTextPath=internal://weg.txt is not in the archive's sources/ folder" in err


def test_broken_hostile_and_foreign_files(tmp_path):
    cases = {
        REFI / "broken-xml.qdpx": "project.qde:1: not well-formed XML",
        REFI / "xxe.qdpx": "has a DOCTYPE",
        REFI / "xxe.qdc": "has a DOCTYPE",
        REFI / "not-refi.qdc": "root element is 'rss'",
        REFI / "no-qde.qdpx": "not a REFI-QDA project (no .qde file in the archive)",
        REFI / "zip-slip.qdpx": "has an absolute path or '..'",
        REFI / "bomb.qdpx": "possible zip bomb",
        REFI / "truncated.qdpx": "not a readable .qdpx",
    }
    for path, message in cases.items():
        out = run("validate", str(path), check=False)
        assert out.returncode == 1 and message in out.stderr, (path, out.stderr)
        assert "Traceback" not in out.stderr


def test_qdc_against_the_codebook_schema(tmp_path):
    qdc = tmp_path / "c.qdc"
    qdc.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n'
        f'  <Codes>\n    <Code guid="{C1}" name="a" isCodable="true"/>\n'
        '    <Code guid="geen-guid" name="b" isCodable="true"/>\n  </Codes>\n</CodeBook>\n',
        encoding="utf-8",
    )
    out = run("validate", str(qdc), check=False)
    assert out.returncode == 1
    assert f"{qdc}:5:" in out.stderr and "geen-guid" in out.stderr


def test_codebook_yaml_problems_and_unknown_files(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(MINI.read_text(encoding="utf-8").replace('hotkey: "D"', 'hotkey: "T"'))
    out = run("validate", str(book), check=False)
    assert out.returncode == 1 and f"{book}:" in out.stderr and "hotkey" in out.stderr
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    out = run("validate", str(other), check=False)
    assert out.returncode == 1 and "cannot validate '.txt' files" in out.stderr
    missing = run("validate", str(tmp_path / "weg.qdpx"), check=False)
    assert missing.returncode == 1 and "no such file" in missing.stderr


@pytest.mark.parametrize("sample", ["nvivo-export.qdpx", "qualitative-coding-demo.qdpx"])
def test_library_call_agrees(sample):
    from codebook.interchange.validate import validate

    assert validate(SAMPLES / sample).ok


def test_export_counts_memos_on_codings(tmp_path):
    txt = tmp_path / "gesprek.txt"
    txt.write_text("I: Hoe gaat het?\nR: De brief was moeilijk.", encoding="utf-8")
    with Project.init(tmp_path / "proj", MINI) as project:
        project.import_files([txt])
        t = project.transcript("gesprek")
        project.add_coding(t, 20, 42, "barrier.language", "ann", memo="lastig")
    out = run("-p", str(tmp_path / "proj"), "export", "-o", str(tmp_path / "p.qdpx"))
    assert "1 coding(s) and 0 memo(s) plus 1 memo(s) on codings written" in out.stdout


def test_codebook_file_is_relative_to_the_project(tmp_path):
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    run("-p", str(root), "codebook", "export", "-o", str(tmp_path / "c.qdc"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run(
        "-p", str(root), "import", str(tmp_path / "c.qdc"),
        "--codebook-file", "codebooks/nieuw.yaml", cwd=elsewhere,
    )  # fmt: skip
    assert (root / "codebooks" / "nieuw.yaml").is_file()
    assert not (elsewhere / "codebooks").exists()
    assert "the project still codes with" in out.stderr
    assert run("validate", str(root / "codebooks" / "nieuw.yaml")).returncode == 0
