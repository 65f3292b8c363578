"""`codebook merge`: another coder's copy comes in whole, or not at all."""

from __future__ import annotations

import shutil

import pytest
from conftest import MINI, run, write

from codebook import Project
from codebook.model import Code, CodebookError
from codebook.store import Store

A_TEXT = "R: Ik kan de brief niet lezen. De app werkt niet. Mijn buurvrouw helpt.\n"
C_TEXT = "R: De bibliotheek helpt met DigiD. Dat is fijn.\n"


def codebook_file(project: Project):
    return project.codebook_path


@pytest.fixture
def copies(tmp_path):
    """Project `ours` with ann's coding, and `theirs`: a copy in which bob went on coding."""
    ours_root, theirs_root = tmp_path / "ours", tmp_path / "theirs"
    with Project.init(ours_root, MINI) as ours:
        ours.import_files([write(tmp_path / "in" / "a.txt", A_TEXT)])
        ours.add_coding(ours.transcript("a"), 3, 30, "barrier.language", "ann")
    shutil.copytree(ours_root, theirs_root)
    with Project.open(ours_root) as ours:
        ours.add_code(Code("help.family", {"nl": "Familie"}, parent="help", hotkey="X"))
    with Project.open(theirs_root) as theirs:
        a = theirs.transcript("a")
        theirs.add_coding(a, 3, 30, "barrier.language", "bob")
        theirs.add_coding(a, 3, 30, "barrier.language", "ann")  # already in ours: not doubled
        theirs.add_code(
            Code(
                "help.neighbour",
                {"nl": "Buren", "en": "Neighbours"},
                parent="help",
                definition="Hulp van buren.",
                hotkey="X",
            )  # X is taken in ours meanwhile
        )
        theirs.add_code(Code("emergent", {"nl": "Nieuw"}, definition="Opkomend thema."))
        theirs.add_coding(a, 50, 71, "help.neighbour", "bob", memo="buurvrouw")
        theirs.add_memo(a, "Bespreken: taal of digitaal?", "bob", 31, 49)
        theirs.store.add_rejection(a.id, 31, 49, "help", "bob")
        theirs.import_files([write(tmp_path / "in" / "c.txt", C_TEXT)])
        theirs.add_coding(theirs.transcript("c"), 3, 34, "emergent", "bob")
    return ours_root, theirs_root


def test_merge_brings_codings_memos_codes_and_new_transcripts(copies):
    ours_root, theirs_root = copies
    yaml_before = (ours_root / "codebooks" / "mini-codebook.yaml").read_text()
    proc = run("-p", str(ours_root), "merge", str(theirs_root))
    assert "1 matching transcript(s), 3 coding(s), 1 memo(s), 1 rejection(s) added" in proc.stdout
    assert "codes added to the codebook: help.neighbour, emergent" in proc.stdout
    assert "transcripts added: c" in proc.stdout
    assert "without its hotkey 'X'" in proc.stderr
    with Project.open(ours_root) as ours:
        got = {(c.coder, c.code, c.start, c.end) for c in ours.codings("a")}
        assert got == {
            ("ann", "barrier.language", 3, 30),
            ("bob", "barrier.language", 3, 30),
            ("bob", "help.neighbour", 50, 71),
        }
        assert [m.text for m in ours.store.memos()] == ["Bespreken: taal of digitaal?"]
        assert ours.store.codings(code="help.neighbour")[0].memo == "buurvrouw"
        assert ours.store.rejections()[0][3:] == ("help", "bob")
        book = ours.codebook
        assert book.codes["help.neighbour"].parent == "help"
        assert book.codes["help.neighbour"].hotkey is None
        assert book.codes["emergent"].definition == "Opkomend thema."
        c = ours.transcript("c")
        assert [x.code for x in ours.codings("c")] == ["emergent"]
        segments = [(g.start, g.end, g.speaker) for g in ours.store.segments(c.id)]
    with Project.open(theirs_root) as theirs:
        c_there = theirs.transcript("c")
        assert segments == [(g.start, g.end, g.speaker) for g in theirs.store.segments(c_there.id)]
        assert c.sha256 == c_there.sha256
        assert (ours_root / "transcripts" / "c.txt").read_text() == C_TEXT
    yaml_after = (ours_root / "codebooks" / "mini-codebook.yaml").read_text()
    assert yaml_after.startswith("# A small codebook for tests")  # comments kept
    assert yaml_after.startswith(yaml_before.split("codes:")[0])
    again = run("-p", str(ours_root), "merge", str(theirs_root))
    assert "0 coding(s), 0 memo(s), 0 rejection(s) added" in again.stdout


def test_a_transcript_is_matched_by_its_text_not_its_name(copies, tmp_path):
    ours_root, _ = copies
    other = tmp_path / "renamed"
    with Project.init(other, MINI) as p:
        p.import_files([write(tmp_path / "in2" / "a-renamed.txt", A_TEXT)])
        p.add_coding(p.transcript("a-renamed"), 31, 49, "barrier.digital", "cem")
    proc = run("-p", str(ours_root), "merge", str(other))
    assert "'a-renamed' there is 'a' here (same text)" in proc.stderr
    with Project.open(ours_root) as ours:
        assert [t.name for t in ours.transcripts()] == ["a"]
        assert ("cem", "barrier.digital") in {(c.coder, c.code) for c in ours.codings("a")}


def test_conflicts_are_listed_and_nothing_is_merged(copies, tmp_path):
    ours_root, theirs_root = copies
    theirs_yaml = theirs_root / "codebooks" / "mini-codebook.yaml"
    theirs_yaml.write_text(
        theirs_yaml.read_text().replace(
            "definition: Moeite met lezen of schrijven.", "definition: Moeite met taal."
        )
    )
    with Project.open(theirs_root) as theirs:  # same name, other text: a conflict
        theirs.store.set_meta("x", "y")
    other = tmp_path / "other-a"
    with Project.init(other, theirs_yaml) as p:
        p.import_files([write(tmp_path / "in3" / "a.txt", "R: Een heel ander verhaal.\n")])
        p.add_coding(p.transcript("a"), 3, 10, "help", "dan")
    yaml_before = (ours_root / "codebooks" / "mini-codebook.yaml").read_bytes()
    for source, expected in (
        (theirs_root, ["code 'barrier.language': different definition"]),
        (
            other,
            [
                "transcript 'a': the other project has a different text",
                "code 'barrier.language': different definition",
            ],
        ),
    ):
        proc = run("-p", str(ours_root), "merge", str(source), check=False)
        assert proc.returncode == 1
        assert "conflict(s)" in proc.stderr and "Nothing was merged." in proc.stderr
        for line in expected:
            assert line in proc.stderr
        assert "Traceback" not in proc.stderr
    assert (ours_root / "codebooks" / "mini-codebook.yaml").read_bytes() == yaml_before
    with Project.open(ours_root) as ours:
        assert [(c.coder, c.code) for c in ours.codings()] == [("ann", "barrier.language")]


def test_a_failure_half_way_leaves_database_and_codebook_as_they_were(copies, monkeypatch):
    ours_root, theirs_root = copies
    yaml = ours_root / "codebooks" / "mini-codebook.yaml"
    yaml_before = yaml.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "copy_rejections", broken)  # after codings and memos
    with Project.open(ours_root) as ours:
        with pytest.raises(RuntimeError, match="disk full"):
            ours.merge(theirs_root)
        assert [(c.coder, c.code) for c in ours.codings()] == [("ann", "barrier.language")]
        assert ours.store.memos() == [] and [t.name for t in ours.transcripts()] == ["a"]
    assert yaml.read_bytes() == yaml_before
    assert sorted(p.name for p in yaml.parent.iterdir()) == ["mini-codebook.yaml"]


def test_merge_user_errors(copies, tmp_path):
    ours_root, _ = copies
    with Project.open(ours_root) as ours:
        with pytest.raises(CodebookError, match="not a codebook project"):
            ours.merge(tmp_path / "nowhere")
        with pytest.raises(CodebookError, match="that is this project"):
            ours.merge(ours_root)
    proc = run("-p", str(ours_root), "merge", str(tmp_path), check=False)
    assert proc.returncode == 1 and "not a codebook project" in proc.stderr
