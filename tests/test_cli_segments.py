"""The command line by segment number: show, codings add / remove (by number or quote),
suggest --accept-above, stats --crosstab, memos, and re-import with other attributes.

Every command runs as a subprocess; bad input gets one line, exit 1, and changes nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import FOCUS, run, write
from docx import Document

from codebook import Project
from codebook.ingest.batch import parse_files
from codebook.model import CodebookError, segment_number


@pytest.fixture(params=["sample_project", "focus_project"])
def copy(request, tmp_path) -> Path:
    """A copy of the sample or of the second project that a test may change."""
    root = tmp_path / "project"
    shutil.copytree(request.getfixturevalue(request.param), root)
    return root


def codings(root: Path) -> list[tuple]:
    with Project.open(root) as p:
        return sorted(
            (c.transcript_id, c.start, c.end, c.code, c.coder, c.origin) for c in p.codings()
        )


def first_transcript(root: Path):
    with Project.open(root) as p:
        t = p.transcripts()[0]
        return t, p.segments(t), p.codebook


def leaf_and_group(book) -> tuple[str, str]:
    leaf = next(c.id for c in book.codes.values() if c.codable and not book.children(c.id))
    group = next(c.id for c in book.codes.values() if not c.codable)
    return leaf, group


def refused(root: Path, *args: str, message: str) -> None:
    before = codings(root)
    out = run("-p", str(root), *args, check=False)
    assert out.returncode == 1, out.stdout + out.stderr
    assert message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert codings(root) == before


# -- show -------------------------------------------------------------------------------------
def test_show_numbers_segments_as_everywhere(copy):
    t, segments, _ = first_transcript(copy)
    out = run("-p", str(copy), "show", t.name, "--from", "2", "--to", "4", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [int(r["segment"]) for r in rows] == [2, 3, 4]
    assert {"segment", "speaker", "text", "codes"} <= set(rows[0])
    for row, g in zip(rows, segments[1:4], strict=True):
        assert int(row["segment"]) == segment_number(g.index) == g.number
        assert row["text"] == t.text[g.start : g.end]
        assert row["speaker"] == (g.speaker or "")
    data = json.loads(run("-p", str(copy), "show", t.name, "-f", "json").stdout)
    assert len(data) == len(segments) and data[-1]["segment"] == len(segments)
    table = run("-p", str(copy), "show", t.name, "--to", "3", env={"COLUMNS": "100"}).stdout
    assert table.splitlines()[0].split()[:2] == ["segment", "speaker"]
    assert table.splitlines()[1].split()[0] == "1"


def test_show_lists_codes_per_coder(sample_project):
    with Project.open(sample_project) as p:
        coding = p.codings()[0]
        t = p.transcript(coding.transcript_id)
        touched = [g.number for g in p.segments(t) if g.start < coding.end and coding.start < g.end]
    n = str(touched[0])
    everyone = run("-p", str(sample_project), "show", t.name, "--from", n, "--to", n, "-f", "json")
    row = json.loads(everyone.stdout)[0]
    assert coding.code in row["codes"] and coding.coder in row["coders"]
    mine = run(
        "-p", str(sample_project), "show", t.name, "--from", n, "--to", n,
        "--coder", "nobody", "-f", "json",
    )  # fmt: skip
    assert json.loads(mine.stdout)[0]["codes"] == ""


def test_show_refuses_bad_input(copy):
    t, segments, _ = first_transcript(copy)
    n = len(segments)
    refused(copy, "show", "no-such-transcript", message="no transcript named")
    refused(copy, "show", t.name, "--from", str(n + 1), message=f"segments 1 to {n}")
    refused(copy, "show", t.name, "--from", "0", message="there is no segment 0")
    refused(copy, "show", t.name, "--from", "3", "--to", "2", message="comes after")


def test_show_prints_no_terminal_escapes(mini_project, tmp_path):
    f = write(tmp_path / "hostile.txt", 'R: Ja \x1b[31mrood\x1b[0m en =HYPERLINK("x") klaar.\n')
    mini_project.import_files([f])
    root = str(mini_project.root)
    table = run("-p", root, "show", "hostile").stdout
    assert "\x1b" not in table
    out = run("-p", root, "show", "hostile", "-f", "csv").stdout
    assert "\x1b" not in out


# -- codings add / remove ---------------------------------------------------------------------
def test_code_and_uncode_by_number(copy):
    t, segments, book = first_transcript(copy)
    leaf, _ = leaf_and_group(book)
    before = codings(copy)
    out = run("-p", str(copy), "codings", "add", t.name, "3-4", leaf, "--coder", "zoe")
    assert "segment 3-4" in out.stdout
    after = codings(copy)
    new = set(after) - set(before)
    assert new == {(t.id, segments[2].start, segments[3].end, leaf, "zoe", "manual")}
    again = run("-p", str(copy), "codings", "add", t.name, "3-4", leaf, "--coder", "zoe")
    assert "nothing changed" in again.stdout and codings(copy) == after
    refused(
        copy, "codings", "remove", t.name, "3", leaf, "--coder", "zoe",
        message="covers segment(s) 3-4",
    )  # fmt: skip
    run("-p", str(copy), "codings", "remove", t.name, "3-4", leaf, "--coder", "zoe")
    assert codings(copy) == before


def test_code_by_quote(copy):
    t, segments, book = first_transcript(copy)
    leaf, _ = leaf_and_group(book)
    g = next(s for s in segments if len(t.text[s.start : s.end].split()) >= 4)
    words = " ".join(t.text[g.start : g.end].split()[:3])
    start = t.text.index(words)
    first = next(s for s in segments if s.start <= start < s.end)
    before = codings(copy)
    quote = words.replace(" ", "  ")  # white space may differ from the text
    out = run("-p", str(copy), "codings", "add", t.name, leaf, "--quote", quote, "--coder", "zoe")
    assert f"segment {first.number}" in out.stdout
    matches = t.text.count(words)
    assert (f"of {matches}" in out.stdout) == (matches > 1)
    new = set(codings(copy)) - set(before)
    assert new == {(t.id, start, start + len(words), leaf, "zoe", "manual")}
    run("-p", str(copy), "codings", "remove", t.name, leaf, "--quote", quote, "--coder", "zoe")
    assert codings(copy) == before


def test_quote_occurrences(mini_project, tmp_path):
    f = write(tmp_path / "rep.txt", "R: Ik lees de brief.\nR: Nog een brief kwam.\nR: De brief!\n")
    mini_project.import_files([f])
    root = mini_project.root
    leaf = "barrier.language"
    out = run("-p", str(root), "codings", "add", "rep", leaf, "--quote", "brief", "--coder", "z")
    assert "match 1 of 3" in out.stdout and "segment 1" in out.stdout
    out = run(
        "-p", str(root), "codings", "add", "rep", leaf, "--quote", "brief",
        "--occurrence", "3", "--coder", "z",
    )  # fmt: skip
    assert "segment 3" in out.stdout
    refused(
        root, "codings", "add", "rep", leaf, "--quote", "brief", "--occurrence", "4",
        "--coder", "z", message="occurs 3 time(s)",
    )  # fmt: skip
    refused(
        root, "codings", "add", "rep", leaf, "--quote", "krant", "--coder", "z",
        message="is not in the text",
    )  # fmt: skip


def test_codings_add_refuses_bad_input(copy):
    t, segments, book = first_transcript(copy)
    leaf, group = leaf_and_group(book)
    n = len(segments)
    base = ["codings", "add", t.name]
    refused(copy, *base, str(n + 1), leaf, "--coder", "zoe", message=f"segments 1 to {n}")
    refused(copy, *base, "1", "no.such.code", "--coder", "zoe", message="unknown code")
    refused(copy, *base, "1", group, "--coder", "zoe", message="grouping")
    refused(copy, *base, "one", leaf, "--coder", "zoe", message="give a segment number")
    refused(copy, *base, "1", leaf, "--coder", "<b>x</b>", message="is not allowed")
    refused(copy, *base, "1", "2", leaf, "--coder", "zoe", message="give TRANSCRIPT SEGMENT CODE")
    refused(copy, "codings", "add", "nope", "1", leaf, "--coder", "z", message="no transcript")
    refused(copy, *base, "1", leaf, "--coder", "zoe", "--occurrence", "2", message="--quote")
    refused(
        copy, "codings", "remove", t.name, "1", leaf, "--coder", "zoe",
        message="nothing was removed",
    )  # fmt: skip
    usage = run("-p", str(copy), "codings", "add", check=False)
    assert usage.returncode == 1 and "Traceback" not in usage.stderr


# -- suggest ----------------------------------------------------------------------------------
def test_suggest_shows_numbers_and_text_and_accepts_above(tmp_path, focus_project):
    root = tmp_path / "project"
    shutil.copytree(focus_project, root)
    name = "interview-south-dana"
    ask = ["-p", str(root), "suggest", "--transcript", name, "--top", "2", "--coder", "zoe"]
    rows = json.loads(run(*ask, "-f", "json").stdout)
    with Project.open(root) as p:
        t = p.transcript(name)
        by_number = {g.number: g for g in p.segments(t)}
    for row in rows:
        g = by_number[row["segment"]]
        assert (row["start"], row["end"]) == (g.start, g.end)
        assert row["text"] == t.text[g.start : g.end]
    table = run("-p", str(root), "suggest", "--transcript", name, env={"COLUMNS": "120"})
    assert table.stdout.split()[:2] == ["transcript", "segment"]
    top = [r for r in rows if r["rank"] == 1]
    threshold = sorted(r["score"] for r in top)[len(top) // 2]
    expected = {(r["start"], r["end"], r["code"]) for r in top if r["score"] >= threshold}
    before = codings(root)
    out = run(*ask, "--accept-above", str(threshold))
    assert f"{len(expected)} suggestion(s)" in out.stdout
    stored = {(c[1], c[2], c[3]) for c in set(codings(root)) - set(before)}
    assert stored == expected
    assert all(c[5] == "suggestion" for c in codings(root) if c[4] == "zoe")
    out = run("-p", str(root), "codings", "remove", "--origin", "suggestion", "--coder", "zoe")
    assert f"{len(expected)} coding(s)" in out.stdout
    assert codings(root) == before
    assert list((root / ".codebook" / "backups").glob("*-remove.sqlite"))
    refused(root, "suggest", "--accept-above", "1.5", "--coder", "zoe", message="--accept-above")


# -- stats --crosstab -------------------------------------------------------------------------
def test_crosstab_agrees_with_stats(copy):
    with Project.open(copy) as p:
        by = next(iter(p.codebook.attributes))
        long = p.stats(by)
        frames = p.frames()
    out = run("-p", str(copy), "stats", "--crosstab", "--by", by, "-f", "json")
    rows = {r["code"]: r for r in json.loads(out.stdout)}
    for row in long.itertuples(index=False):
        assert rows[row.code][str(getattr(row, by))] == row.segments
    coded = frames["coded"]
    for code, row in rows.items():
        if not code.startswith("("):
            assert row["total"] == coded.loc[coded["code"] == code, "segment_id"].nunique()
    sizes = rows["(all segments)"]
    assert sizes["total"] == len(frames["segments"])
    assert rows["(coded segments)"]["total"] == coded["segment_id"].nunique()
    shares = json.loads(
        run("-p", str(copy), "stats", "--crosstab", "--by", by, "--normalise", "-f", "json").stdout
    )
    for row in shares:
        if not row["code"].startswith("("):
            for group, n in rows[row["code"]].items():
                if group not in ("code", "label"):
                    assert row[group] == pytest.approx(n / sizes[group], abs=1e-4)
    table = run("-p", str(copy), "stats", "--crosstab", "--level", "0").stdout
    assert "(all segments)" in table
    refused(copy, "stats", "--crosstab", "--by", "nonsense", message="cannot group by")


# -- memos ------------------------------------------------------------------------------------
def test_memos_list_and_export(copy, tmp_path):
    t, segments, _ = first_transcript(copy)
    g = segments[2]
    with Project.open(copy) as p:
        p.add_memo(None, "About the whole project =1+1", "zoe")
        p.add_memo(t, "On the transcript", "zoe")
        p.add_memo(t, "On a passage <b>bold</b>", "zoe", g.start, g.end)
        coded = [c for c in p.codings() if c.memo]
    out = run("-p", str(copy), "memos", "list", "-f", "json")
    memos = json.loads(out.stdout)
    kinds = {m["on"] for m in memos}
    assert {"project", "transcript", "segment"} <= kinds
    assert memos[0]["on"] == "project"
    passage = next(m for m in memos if m["on"] == "segment")
    assert passage["segment"] == str(g.number) and passage["quote"] == t.text[g.start : g.end]
    assert len([m for m in memos if m["on"] == "coding"]) == len(coded)
    run("-p", str(copy), "memos", "export", "-o", str(tmp_path / "m.csv"))
    rows = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert len(rows) == len(memos)
    assert "'About the whole project =1+1" not in [r["text"] for r in rows]  # not a formula start
    run("-p", str(copy), "memos", "export", "-o", str(tmp_path / "m.md"))
    md = (tmp_path / "m.md").read_text(encoding="utf-8")
    assert "On a passage \\<b\\>bold\\</b\\>" in md and f"segment {g.number}" in md
    run("-p", str(copy), "memos", "export", "-o", str(tmp_path / "m.docx"))
    text = "\n".join(p.text for p in Document(tmp_path / "m.docx").paragraphs)
    assert "On the transcript" in text and t.text[g.start : g.end].split()[0] in text
    mine = json.loads(run("-p", str(copy), "memos", "list", "--coder", "zoe", "-f", "json").stdout)
    assert len(mine) == 3
    out = run("-p", str(copy), "memos", "export", "-o", str(tmp_path / "m.txt"), check=False)
    assert out.returncode == 1 and "unknown memo export format" in out.stderr
    assert not (tmp_path / "m.txt").exists()


# -- import -----------------------------------------------------------------------------------
def test_reimport_with_other_attributes_needs_update_attributes(tmp_path):
    root = tmp_path / "p"
    run("init", str(root), "--codebook", str(FOCUS / "codebook.yaml"))
    f = write(
        tmp_path / "talk.txt", "Int: Who do you care for?\nFay: My husband, since his stroke.\n"
    )
    run("-p", str(root), "import", str(f), "--attr", "site=south")
    out = run("-p", str(root), "import", str(f), "--attr", "site=north", check=False)
    assert out.returncode == 1
    assert "site south -> north" in out.stderr and "--update-attributes" in out.stderr
    with Project.open(root) as p:
        assert p.transcripts()[0].attributes["site"] == "south"
    out = run("-p", str(root), "import", str(f), "--attr", "site=north", "--update-attributes")
    assert "attributes updated" in out.stdout
    with Project.open(root) as p:
        assert p.transcripts()[0].attributes["site"] == "north"
    out = run("-p", str(root), "import", str(f))  # the same file, no attributes: unchanged
    assert "unchanged" in out.stdout


def test_parallel_parsing_gives_what_a_serial_one_does(tmp_path, monkeypatch):
    from codebook import codebooks
    from codebook.ingest import batch

    monkeypatch.setattr(batch, "PARALLEL_BYTES", 0)  # a pool even for these few small files
    monkeypatch.setattr(batch, "CHUNK_FILES", 2)
    book = codebooks.load(FOCUS / "codebook.yaml")
    files = sorted(p for p in FOCUS.iterdir() if p.suffix in {".txt", ".md"})
    jobs = [(p, {}) for p in files]
    assert parse_files(jobs, book, workers=2) == parse_files(jobs, book, workers=1)
    bad = write(tmp_path / "zz-bad.txt", b"\x00\x01binary")
    with pytest.raises(CodebookError, match="zz-bad.txt"):
        parse_files([*jobs, (bad, {}), *jobs], book, workers=2)


def test_a_progress_bar_in_a_terminal_and_none_in_a_pipe(tmp_path):
    import os
    import pty
    import subprocess

    from conftest import codebook_exe

    root = tmp_path / "p"
    run("init", str(root), "--codebook", str(FOCUS / "codebook.yaml"))
    files = [str(p) for p in sorted(FOCUS.iterdir()) if p.suffix in {".txt", ".md"}]
    piped = run("-p", str(root), "import", *files)
    assert "Reading files" not in piped.stderr and "\x1b" not in piped.stderr
    shutil.rmtree(root)
    run("init", str(root), "--codebook", str(FOCUS / "codebook.yaml"))
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CODEBOOK_PROJECT", "CODEBOOK_DB")}
    proc = subprocess.Popen(
        [codebook_exe(), "-p", str(root), "import", *files],
        stdout=subprocess.PIPE, stderr=follower, env={**env, "TERM": "xterm", "COLUMNS": "100"},
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    assert b"Reading files" in seen
