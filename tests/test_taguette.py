"""Taguette's route: its codebook CSV (old and new columns) and highlights CSV in; a codebook CSV
out that Taguette imports; dotted tags as a hierarchy; all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import DATA, MINI, run

from codebook import Project

ENGLISH = DATA / "english-codebook.yaml"
# Taguette 1.x writes `tag,description,number of highlights,number of documents`;
# later versions `tag,parent,description,number of highlights`.
OLD_CODEBOOK = (
    "tag,description,number of highlights,number of documents\n"
    "Drempels.Taal,Moeite met lezen,2,1\n"
    "Drempels.Woonsituatie,Een krappe woning,0,0\n"
    "Steun van buren,Hulp van de buurvrouw,1,1\n"
)
NEW_CODEBOOK = (
    "tag,parent,description,number of highlights\n"
    "Gevoel,,Wat iemand voelt,3\n"
    "Schaamte,Gevoel,Zich schamen voor niet kunnen lezen,1\n"
)
INTERVIEW = (
    "I: Hoe gaat het met de brieven?\n"
    "R: Ik kan de brieven niet goed lezen.\n"
    "R: Mijn buurvrouw helpt me. Ik kan de brieven niet goed lezen, zei ik al.\n"
)
HIGHLIGHTS = (
    "id,document,tag,content\n"
    "1,Interview 1,Drempels.Taal,Ik kan de brieven niet goed lezen.\n"
    "1,Interview 1,Steun van buren,Ik kan de brieven niet goed lezen.\n"
    "2,Interview 1,Steun van buren,Mijn buurvrouw helpt me.\n"
    '3,Interview 1,Drempels.Taal,"Ik kan de brieven\nniet goed lezen,"\n'
    "4,Interview 1,Nieuw.Thema,zei ik al\n"
    "5,Ander document,Drempels.Taal,iets anders\n"
    "6,Interview 1,Drempels.Taal,dit staat er niet in\n"
)


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(MINI))
    (tmp_path / "Interview 1.txt").write_text(INTERVIEW, encoding="utf-8")
    run("-p", str(root), "import", str(tmp_path / "Interview 1.txt"))
    return root


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_codebook_csv_old_and_new_columns(root, tmp_path):
    out = run("-p", str(root), "taguette", "import", str(write(tmp_path / "a.csv", OLD_CODEBOOK)))
    assert "codes: 2 added, 2 matched" in out.stdout  # Drempels and Taal are the mini codes
    out = run("-p", str(root), "taguette", "import", str(write(tmp_path / "b.csv", NEW_CODEBOOK)))
    assert "codes: 2 added, 0 matched" in out.stdout
    with Project.open(root) as p:
        codes = p.codebook.codes
        assert codes["barrier.woonsituatie"].parent == "barrier"
        assert codes["barrier.woonsituatie"].definition == "Een krappe woning"
        assert codes["steun_van_buren"].parent is None
        assert codes["gevoel.schaamte"].parent == "gevoel" and codes["gevoel"].codable
        path = p.codebook_path
    assert run("validate", str(path)).returncode == 0
    again = run("-p", str(root), "taguette", "import", str(tmp_path / "a.csv"))
    assert "codes: 0 added, 4 matched" in again.stdout


def test_dotted_parent_not_in_the_file_becomes_a_grouping_code(root, tmp_path):
    write(tmp_path / "c.csv", "name,description\nContext.School.Leerkracht,Wat leerkrachten doen\n")
    run("-p", str(root), "taguette", "import", str(tmp_path / "c.csv"))
    with Project.open(root) as p:
        codes = p.codebook.codes
        assert not codes["context"].codable and not codes["context.school"].codable
        leaf = codes["context.school.leerkracht"]
        assert leaf.codable and leaf.label["nl"] == "Leerkracht" and leaf.parent == "context.school"


def test_highlights_become_codings(root, tmp_path):
    out = run(
        "-p", str(root), "taguette", "import", str(write(tmp_path / "h.csv", HIGHLIGHTS)),
        "--coder", "ann",
    )  # fmt: skip
    assert "6 highlight(s): 5 coding(s) added" in out.stdout
    assert "'Ander document' skipped: no transcript of that name" in out.stderr
    assert "1 highlight(s) not found in their transcript's text" in out.stderr
    with Project.open(root) as p:
        t = p.transcript("Interview 1")
        got = sorted((t.text[c.start : c.end], c.code, c.coder) for c in p.codings_of(t))
    first = "Ik kan de brieven niet goed lezen."
    assert got == sorted(
        [
            (first, "barrier.language", "ann"),
            (first, "steun_van_buren", "ann"),
            ("Mijn buurvrouw helpt me.", "steun_van_buren", "ann"),
            ("Ik kan de brieven niet goed lezen,", "barrier.language", "ann"),  # the second one
            ("zei ik al", "nieuw.thema", "ann"),
        ]
    )
    again = run("-p", str(root), "taguette", "import", str(tmp_path / "h.csv"), "--coder", "ann")
    assert "0 coding(s) added" in again.stdout


def test_refusals_change_nothing(root, tmp_path):
    before = (root / "codebooks" / "mini-codebook.yaml").read_text(encoding="utf-8")
    cases = {
        "geen.csv": ("label,uitleg\nx,y\n", "no 'tag' or 'name' or 'path' column"),
        "leeg.csv": ("tag,description\nA,ok\n,leeg\n", "leeg.csv:3: empty tag name"),
        "twee.csv": ("tag,name\nA,B\n", "not sure which column holds the tag"),
        "vreemd.csv": (
            "id,document,tag,content\n1,Onbekend,A,tekst\n",
            "no transcript named like its document(s) (Onbekend)",
        ),
        "groep.csv": (
            "id,document,tag,content\n1,Interview 1,Drempels,Ik kan de brieven\n",
            "tag(s) Drempels are grouping codes",
        ),
    }
    for name, (text, message) in cases.items():
        out = run("-p", str(root), "taguette", "import", str(write(tmp_path / name, text)),
                  check=False)  # fmt: skip
        assert out.returncode == 1 and message in out.stderr, (name, out.stderr)
        assert "Traceback" not in out.stderr
    bad_coder = run(
        "-p", str(root), "taguette", "import", str(write(tmp_path / "h.csv", HIGHLIGHTS)),
        "--coder", "[@click=app.quit]x", check=False,
    )  # fmt: skip
    assert bad_coder.returncode == 1 and "coder name" in bad_coder.stderr
    assert (root / "codebooks" / "mini-codebook.yaml").read_text(encoding="utf-8") == before
    with Project.open(root) as p:
        assert p.codings("Interview 1") == []


def test_export_is_a_csv_taguette_imports_and_comes_back(tmp_path):
    root = tmp_path / "en"
    run("init", str(root), "--codebook", str(ENGLISH))
    with Project.open(root) as p:
        book = p.codebook
    out = run("-p", str(root), "taguette", "export", "-o", str(tmp_path / "tags.csv"))
    assert f"{len(book.codes)} tag(s) written" in out.stdout
    with (tmp_path / "tags.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["tag", "description"]  # what Taguette's codebook import reads
    tags = {r[0]: r[1] for r in rows[1:]}
    reading = book.codes["skills.reading"]
    parent = book.codes["skills"].name("en")
    assert tags[f"{parent}.{reading.name('en')}"] == " ".join(reading.definition.split())
    back = run("-p", str(root), "taguette", "import", str(tmp_path / "tags.csv"))
    assert f"codes: 0 added, {len(book.codes)} matched" in back.stdout


def test_export_keeps_formulas_out_of_spreadsheets(tmp_path, root):
    write(tmp_path / "f.csv", 'tag,description\n"=HYPERLINK(""http://x"")",=1+1\n')
    run("-p", str(root), "taguette", "import", str(tmp_path / "f.csv"))
    run("-p", str(root), "taguette", "export", "-o", str(tmp_path / "out.csv"))
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert ['\'=HYPERLINK("http://x")', "'=1+1"] in rows
