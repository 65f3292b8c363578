"""The project facade: all-or-nothing imports, idempotent re-import, refused changed re-import."""

import sqlite3

import pytest
from conftest import write

from codebook import Project
from codebook.model import CodebookError
from codebook.store.schema import SCHEMA_VERSION

TEXT = (
    "---\nstakeholder_group: ouder\n---\nI: Hoe gaat het met de brieven?\nR: Slecht. "
    "Ik kan ze niet lezen. Mijn buurvrouw helpt.\n"
)


def count(project, table):
    db = project.root / ".codebook" / "project.sqlite"
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


def test_init_refuses_an_existing_project(tmp_path, mini_project):
    with pytest.raises(CodebookError, match="already a codebook project"):
        Project.init(mini_project.root)


def test_open_outside_a_project_is_a_clear_error(tmp_path):
    with pytest.raises(CodebookError, match="not a codebook project"):
        Project.open(tmp_path)


def test_store_is_sqlite_in_wal_mode(mini_project):
    db = mini_project.root / ".codebook" / "project.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert mini_project.store.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_import_keeps_text_hash_original_and_segments(tmp_path, mini_project):
    path = write(tmp_path / "a.txt", TEXT)
    report = mini_project.import_files([path])
    assert report.added == ["a"]
    t = mini_project.transcript("a")
    assert t.text.startswith("I: Hoe gaat")
    assert mini_project.store.original(t.id) == path.read_bytes()
    assert (mini_project.root / "transcripts" / "a.txt").read_bytes() == path.read_bytes()
    segs = mini_project.store.segments(t.id)
    assert [t.text[s.start : s.end] for s in segs] == [
        "Hoe gaat het met de brieven?",
        "Slecht.",
        "Ik kan ze niet lezen.",
        "Mijn buurvrouw helpt.",
    ]
    import hashlib

    assert t.sha256 == hashlib.sha256(t.text.encode()).hexdigest()


def test_reimporting_the_same_file_changes_nothing(tmp_path, mini_project):
    path = write(tmp_path / "a.txt", TEXT)
    mini_project.import_files([path])
    before = [count(mini_project, t) for t in ("transcripts", "segments", "turns")]
    report = mini_project.import_files([path])
    assert report.unchanged == ["a"] and not report.added and not report.replaced
    assert [count(mini_project, t) for t in ("transcripts", "segments", "turns")] == before


def test_changed_file_with_codings_is_refused_naming_the_count(tmp_path, mini_project):
    path = write(tmp_path / "a.txt", TEXT)
    mini_project.import_files([path])
    t = mini_project.transcript("a")
    mini_project.add_coding(t, 0, 10, "barrier.language", "ann")
    mini_project.add_coding(t, 5, 20, "help", "ann")
    write(path, TEXT.replace("buurvrouw", "buurman"))
    with pytest.raises(CodebookError, match="would affect 2 coding"):
        mini_project.import_files([path])
    assert mini_project.transcript("a").text == t.text


def test_changed_file_without_codings_is_replaced(tmp_path, mini_project):
    path = write(tmp_path / "a.txt", TEXT)
    mini_project.import_files([path])
    write(path, TEXT.replace("buurvrouw", "buurman"))
    assert mini_project.import_files([path]).replaced == ["a"]
    assert "buurman" in mini_project.transcript("a").text
    assert count(mini_project, "transcripts") == 1


def test_a_bad_file_leaves_the_project_untouched(tmp_path, mini_project):
    good = write(tmp_path / "good.txt", TEXT)
    bad = write(tmp_path / "bad.txt", "---\nstakeholder_group: astronaut\n---\nI: x\n")
    with pytest.raises(CodebookError, match="bad.txt"):
        mini_project.import_files([good, bad])
    assert count(mini_project, "transcripts") == 0
    assert not (mini_project.root / "transcripts" / "good.txt").exists()


def test_attributes_table_sets_and_updates_attributes(tmp_path, mini_project):
    path = write(tmp_path / "a.txt", "I: Hoi.\nR: Dag.\n")
    table = write(tmp_path / "attrs.csv", "file,stakeholder_group,domain\na.txt,ouder,\n")
    mini_project.import_files([path], attributes_table=table)
    assert mini_project.transcript("a").attributes == {"stakeholder_group": "ouder"}
    report = mini_project.import_files([path], attrs={"domain": "opvoeding"})
    assert report.updated_attributes == ["a"]
    assert mini_project.transcript("a").attributes == {
        "stakeholder_group": "ouder",
        "domain": "opvoeding",
    }


def test_codings_are_checked_and_not_doubled(tmp_path, mini_project):
    mini_project.import_files([write(tmp_path / "a.txt", TEXT)])
    t = mini_project.transcript("a")
    first = mini_project.add_coding(t, 0, 10, "help", "ann")
    assert mini_project.add_coding(t, 0, 10, "help", "ann") == first
    with pytest.raises(CodebookError, match="unknown code 'nope'"):
        mini_project.add_coding(t, 0, 10, "nope", "ann")
    with pytest.raises(CodebookError, match="grouping node"):
        mini_project.add_coding(t, 0, 10, "barrier", "ann")
    with pytest.raises(CodebookError, match="outside the text"):
        mini_project.add_coding(t, 5, len(t.text) + 1, "help", "ann")
    assert len(mini_project.codings()) == 1


def test_stats_counts_segments_per_code_and_group(tmp_path, mini_project):
    a = write(tmp_path / "a.txt", TEXT)
    b = write(
        tmp_path / "b.txt",
        "---\nstakeholder_group: leerkracht\n---\n"
        "I: En de ouders?\nR: Ze lezen de brieven niet. Ze vragen hulp.\n",
    )
    mini_project.import_files([a, b])
    ta, tb = mini_project.transcript("a"), mini_project.transcript("b")
    sa = mini_project.store.segments(ta.id)
    sb = mini_project.store.segments(tb.id)
    # one coding spanning two segments counts for both; a second coder on the same segment
    # does not double the segment count
    mini_project.add_coding(ta, sa[1].start, sa[2].end, "barrier.language", "ann")
    mini_project.add_coding(ta, sa[2].start, sa[2].end, "barrier.language", "bob")
    mini_project.add_coding(tb, sb[1].start + 3, sb[1].end - 2, "barrier.language", "ann")
    mini_project.add_coding(tb, sb[2].start, sb[2].end, "help", "ann")
    overall = mini_project.stats()
    assert overall.set_index("code")["segments"].to_dict() == {"barrier.language": 3, "help": 1}
    by = mini_project.stats("stakeholder_group")
    rows = {(r.code, r.stakeholder_group): r.segments for r in by.itertuples()}
    assert rows == {
        ("barrier.language", "ouder"): 2,
        ("barrier.language", "leerkracht"): 1,
        ("help", "leerkracht"): 1,
    }
    with pytest.raises(CodebookError, match="cannot group by 'colour'"):
        mini_project.stats("colour")
