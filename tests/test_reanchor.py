"""Corrected transcripts: codings follow their text; what is gone is kept aside and reported."""

import csv
import shutil
import sqlite3

import pytest
from conftest import REFERENCE, SAMPLES, run

from codebook import Project
from codebook.ingest.reanchor import OffsetMap
from codebook.model import CodebookError

NAME = "08-inkomensverwerver-nt1-peter"


def test_offset_map_on_small_edits():
    old = (
        "I: Hallo.\nR: Ik kan de brief niet lezn. Mijn buurvrouw helpt.\nI: En dan?\n"
        "R: Dan bel ik.\n"
    )
    new = "I: Hallo.\nR: Ik kan de brief niet lezen. Mijn buurvrouw helpt. Dan bel ik.\n"
    m = OffsetMap(old, new)

    def where(quote):
        start = old.index(quote)
        return m.span(start, start + len(quote))

    assert where("Hallo.").status == "unchanged"
    typo = where("Ik kan de brief niet lezn.")
    assert typo.status == "changed" and new[typo.start : typo.end] == "Ik kan de brief niet lezen."
    merged = where("Dan bel ik.")
    assert merged.status == "moved" and new[merged.start : merged.end] == "Dan bel ik."
    assert where("En dan?").status == "lost"


@pytest.fixture
def coded(tmp_path):
    """A project with the sample interview and coder_a's codings on it."""
    source = tmp_path / "src" / f"{NAME}.txt"
    source.parent.mkdir()
    shutil.copy(SAMPLES / f"{NAME}.txt", source)
    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(REFERENCE))
    run("-p", str(root), "import", str(source))
    rows = [
        r
        for r in csv.DictReader((SAMPLES / "sample-codings.csv").open(encoding="utf-8"))
        if r["transcript"] == NAME and r["coder"] == "coder_a"
    ]
    assert len(rows) > 30
    with (tmp_path / "c.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    run("-p", str(root), "codings", "import", str(tmp_path / "c.csv"))
    return root, source


def quotes(root):
    with Project.open(root) as p:
        t = p.transcript(NAME)
        return {(c.code, t.text[c.start : c.end]) for c in p.codings()}, t.text


def test_realistic_edits_are_reanchored(coded):
    root, source = coded
    before, old_text = quotes(root)
    text = source.read_text(encoding="utf-8")
    lines = text.split("\n")
    # 1. typos corrected throughout, 2. one respondent line removed, 3. two turns merged
    edited = text.replace("Respondent: ", "Respondent:  ", 1)
    removed = next(i for i, line in enumerate(lines) if line.startswith("Respondent:") and i > 30)
    lost_line = lines[removed]
    edited = edited.replace(lost_line + "\n", "")
    edited = edited.replace("\nInterviewer: ", " Interviewer zegt: ", 1)
    edited = edited.replace(" ik ", " ikke ", 3)
    source.write_text(edited, encoding="utf-8")

    refused = run("-p", str(root), "import", str(source), check=False)
    assert refused.returncode == 1 and "--reanchor" in refused.stderr
    out = run("-p", str(root), "import", "--reanchor", str(source)).stdout
    assert f"re-anchored {NAME}:" in out

    after, new_text = quotes(root)
    with Project.open(root) as p:
        detached = p.store.detached_codings()
        n_now = len(p.codings())
    # nothing silently dropped: kept + detached = before
    assert n_now + len(detached) == len(before)
    # the coded text of the removed line is among the detached codings
    lost_quotes = {d["quote"] for d in detached}
    assert all(q in lost_line for q in lost_quotes)
    # every kept coding still points at (nearly) its own words
    unchanged = {q for q in before if q[1] in new_text}
    assert unchanged <= after | {(d["code"], d["quote"]) for d in detached}
    counts = out.split(f"re-anchored {NAME}: ")[1]
    assert "lost" in counts and "moved" in counts
    backups = list((root / ".codebook" / "backups").glob("*-reanchor.sqlite"))
    assert backups, "a backup is made before re-anchoring"


def test_a_reanchor_that_fails_changes_nothing(coded, monkeypatch):
    root, source = coded
    before, _ = quotes(root)
    source.write_text(
        source.read_text(encoding="utf-8").replace(" ik ", " ikke ", 2), encoding="utf-8"
    )
    import codebook.store.store as store_module

    def broken(self, conn, tid, span, old_text):
        raise CodebookError("simulated failure half-way")

    monkeypatch.setattr(store_module.Store, "reanchor", broken)
    with Project.open(root) as p, pytest.raises(CodebookError, match="simulated"):
        p.import_files([source], reanchor=True)
    assert quotes(root)[0] == before


def test_backup_command_makes_a_consistent_snapshot(coded, tmp_path):
    root, _ = coded
    target = tmp_path / "snap.sqlite"
    assert "backup written" in run("-p", str(root), "backup", "-o", str(target)).stdout
    with sqlite3.connect(target) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("select count(*) from codings").fetchone()[0] > 30
    again = run("-p", str(root), "backup", "-o", str(target), check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    run("-p", str(root), "backup")
    assert list((root / ".codebook" / "backups" / "manual").glob("*.sqlite"))


def test_automatic_backups_keep_the_newest(tmp_path):
    from codebook.project.base import KEEP_BACKUPS

    root = tmp_path / "proj"
    run("init", str(root), "--codebook", str(REFERENCE))
    for i in range(KEEP_BACKUPS + 2):
        f = tmp_path / f"t{i}.txt"
        f.write_text(f"I: Vraag {i}?\nR: Antwoord {i}.\n", encoding="utf-8")
        run("-p", str(root), "import", str(f))
    kept = sorted((root / ".codebook" / "backups").glob("*-import.sqlite"))
    assert len(kept) == KEEP_BACKUPS
