"""The store suite on SQLite and on PostgreSQL: one schema, one behaviour.

PostgreSQL comes from `make test` (CODEBOOK_TEST_PG, a throwaway cluster started by
.ci/postgres.sh); run alone, these tests start their own cluster with that script. They are
skipped only when PostgreSQL is not installed and cannot be installed, and say so.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
from conftest import MINI, ROOT, SAMPLES, run, write
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from test_concurrency import N, assert_interleaved, code_at_once, long_transcript

from codebook import Project
from codebook.model import CodebookError, Coding
from codebook.store import Store
from codebook.store import schema as s

SCRIPT = ROOT / ".ci" / "postgres.sh"
TEXT = (
    "---\nstakeholder_group: ouder\n---\nI: Hoe gaat het met de brieven?\nR: Slecht. "
    "Ik kan ze niet lezen. Mijn buurvrouw helpt. Café “De Hoek” helpt ook — soms.\n"
)


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """URL of a running PostgreSQL server (the one from `make test`, or one started here)."""
    import os

    url = os.environ.get("CODEBOOK_TEST_PG")
    if url:
        yield url
        return
    reason = os.environ.get("CODEBOOK_TEST_PG_UNAVAILABLE")
    if reason:
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    state = tmp_path_factory.mktemp("pg")
    proc = subprocess.run(
        ["bash", str(SCRIPT), "start", str(state)], capture_output=True, text=True
    )
    if proc.returncode == 3:
        pytest.skip(f"PostgreSQL unavailable: {proc.stderr.strip().splitlines()[-1]}")
    assert proc.returncode == 0, f"{SCRIPT} start failed:\n{proc.stderr}"
    try:
        yield proc.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", str(state)], capture_output=True)


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the test server; dropped afterwards."""
    name = f"codebook_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path, monkeypatch):
    """The database URL for a project in tmp_path/proj, set as CODEBOOK_DB for PostgreSQL."""
    if request.param == "sqlite":
        monkeypatch.delenv("CODEBOOK_DB", raising=False)
        return None
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("CODEBOOK_DB", url)
    return url


@pytest.fixture
def project(backend, tmp_path):
    p = Project.init(tmp_path / "proj", MINI)
    yield p
    p.close()


def test_schema_is_created_and_migrated_the_same_way(backend, tmp_path):
    url = backend or str(tmp_path / "db.sqlite")
    first = Store.open(url, create=True)
    first.close()
    again = Store.open(url)  # opening an existing store migrates nothing twice
    assert again.get_meta("schema_version") == str(s.SCHEMA_VERSION)
    tables = set(inspect(again.engine).get_table_names())
    assert set(s.metadata.tables) <= tables
    columns = {c["name"] for c in inspect(again.engine).get_columns("codings")}
    assert {"start", "end", "code", "coder"} <= columns
    again.close()


def test_a_newer_schema_is_refused(backend, tmp_path):
    url = backend or str(tmp_path / "db.sqlite")
    store = Store.open(url, create=True)
    store.set_meta("schema_version", str(s.SCHEMA_VERSION + 1))
    store.close()
    with pytest.raises(CodebookError, match="upgrade codebook"):
        Store.open(url)


def test_transcripts_round_trip_text_bytes_json_and_segments(project, tmp_path):
    path = write(tmp_path / "a.txt", TEXT)
    project.import_files([path], {"domain": "opvoeding"})
    t = project.transcript("a")
    assert t.text.endswith("Café “De Hoek” helpt ook — soms.")
    assert project.store.original(t.id) == path.read_bytes()  # LargeBinary
    assert t.attributes == {"stakeholder_group": "ouder", "domain": "opvoeding"}
    assert isinstance(t.metadata, dict)  # JSON
    segs = project.store.segments(t.id)
    assert [t.text[g.start : g.end] for g in segs][:3] == [
        "Hoe gaat het met de brieven?",
        "Slecht.",
        "Ik kan ze niet lezen.",
    ]
    assert [(x.speaker, x.start < x.end) for x in project.store.turns(t.id)] == [
        ("I", True),
        ("R", True),
    ]
    assert project.import_files([path]).unchanged == ["a"]


def test_codings_memos_and_rejections_behave_alike(project, tmp_path):
    project.import_files([write(tmp_path / "a.txt", TEXT)])
    t = project.transcript("a")
    first = project.add_coding(t, 0, 10, "barrier.language", "ann")
    assert project.add_coding(t, 0, 10, "barrier.language", "ann") == first  # not doubled
    second = project.add_coding(t, 5, 20, "help", "bob", memo="buurvrouw")
    assert [c.coder for c in project.codings()] == ["ann", "bob"]
    assert project.store.coders() == ["ann", "bob"]
    project.store.update_coding(second, code="barrier.digital", memo=None)
    assert project.store.codings(code="barrier.digital")[0].memo is None
    third = project.add_coding(t, 0, 10, "barrier.language", "bob")
    with pytest.raises(CodebookError, match="already exists"):  # the unique constraint
        project.store.update_coding(second, code="barrier.language", start=0, end=10)
    project.store.remove_coding(third)
    removed = project.store.remove_coding(first)
    assert removed.code == "barrier.language" and project.store.coding_counts() == {t.id: 1}
    memo = project.add_memo(t, "te bespreken", "ann", 0, 10)
    assert [m.text for m in project.store.memos(t.id)] == ["te bespreken"]
    project.store.remove_memo(memo)
    assert project.store.memos() == []
    project.store.add_rejection(t.id, 0, 10, "help", "ann")
    project.store.add_rejection(t.id, 0, 10, "help", "ann")
    assert project.store.rejections() == [(t.id, 0, 10, "help", "ann")]
    project.store.remove_rejection(t.id, 0, 10, "help", "ann")
    assert project.store.rejections() == []


def test_a_bad_codings_file_writes_nothing(project, tmp_path):
    project.import_files([write(tmp_path / "a.txt", TEXT)])
    bad = write(
        tmp_path / "c.csv",
        "transcript,start,end,code,coder\na,0,5,help,ann\na,0,5,nosuchcode,ann\n",
    )
    with pytest.raises(CodebookError, match="unknown code 'nosuchcode'"):
        project.import_codings(bad)
    assert project.codings() == []


def test_a_second_session_sees_the_other_coders_codings(project, tmp_path, backend):
    project.import_files([write(tmp_path / "a.txt", TEXT)])
    t = project.transcript("a")
    with Project.open(project.root) as other:
        assert other.codings() == []
        project.add_coding(t, 0, 10, "help", "ann")  # committed by the first session
        assert [(c.coder, c.code) for c in other.codings()] == [("ann", "help")]
        other.store.add_codings([Coding(None, t.id, 3, 9, "barrier.digital", "bob")])
    assert {c.coder for c in project.codings()} == {"ann", "bob"}


def test_two_processes_coding_one_postgres_project_keep_all_codings(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEBOOK_DB", pg_url)
    root = tmp_path / "proj"
    with Project.init(root, MINI) as project:
        project.import_files([long_transcript(tmp_path)])
    outputs = code_at_once(root, {"CODEBOOK_DB": pg_url})
    assert outputs == ["done coder_a\n", "done coder_b\n"]
    with Project.open(root) as project:
        codings = project.codings()
        assert len(codings) == 2 * N
        assert len(project.codings(coder="coder_b")) == N
        assert_interleaved(codings)


def test_one_new_coder_in_two_postgres_sessions_at_once(pg_url, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEBOOK_DB", pg_url)
    root = tmp_path / "proj"
    with Project.init(root, MINI) as project:
        project.import_files([long_transcript(tmp_path)])
    code_at_once(root, {"CODEBOOK_DB": pg_url}, n=100, coders=("ann", "ann"))
    with Project.open(root) as project:
        assert len(project.codings(coder="ann")) == 200
        assert project.store.coders() == ["ann"]


def test_the_cli_gives_the_same_agreement_on_postgres_as_on_sqlite(pg_url, tmp_path):
    files = sorted(
        str(p) for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".docx", ".vtt", ".srt"}
    )
    results = []
    for env, root in (({}, tmp_path / "lite"), ({"CODEBOOK_DB": pg_url}, tmp_path / "pg")):
        run("init", str(root), env=env)
        run(
            "-p",
            str(root),
            "import",
            "--attributes",
            str(SAMPLES / "attributes.csv"),
            *files,
            env=env,
        )
        run("-p", str(root), "codings", "import", str(SAMPLES / "sample-codings.csv"), env=env)
        out = run("-p", str(root), "agreement", "--format", "json", env=env).stdout
        results.append(json.loads(out))
    assert not Path(tmp_path / "pg" / ".codebook" / "project.sqlite").exists()
    assert results[0] == results[1]
    assert results[1]["overall"]["alpha"] > 0.8


def test_the_database_password_never_shows(pg_url, tmp_path):
    """A password in CODEBOOK_DB reaches no output: info, stats, a report, an export, an error
    and the team server's log show the URL with the password masked."""
    import os
    import signal
    import socket
    import time

    from conftest import codebook_exe

    secret = "Geheim-7f3a9c"
    url = make_url(pg_url).set(password=secret).render_as_string(hide_password=False)
    env = {"CODEBOOK_DB": url}
    root = tmp_path / "proj"
    outputs = [run("init", str(root), "--codebook", str(MINI), env=env)]
    outputs.append(run("-p", str(root), "import", str(write(tmp_path / "a.txt", TEXT)), env=env))
    for args in (["info"], ["stats"], ["report", "-o", str(tmp_path / "r.md")],
                 ["export", "-o", str(tmp_path / "c.csv")]):  # fmt: skip
        outputs.append(run("-p", str(root), *args, env=env))
    assert "***" in outputs[-4].stdout  # info names the store, masked
    wrong = make_url(url).set(database="no_such_database_here")
    failed = run("-p", str(root), "info", check=False,
                 env={"CODEBOOK_DB": wrong.render_as_string(hide_password=False)})  # fmt: skip
    assert failed.returncode == 1 and "no_such_database_here" in failed.stderr
    outputs.append(failed)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [codebook_exe(), "-p", str(root), "serve", "--no-auth", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **env},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "Serving" not in log.read_text() and server.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    served = log.read_text()
    assert "codebook: store" in served and "***" in served

    shown = [o.stdout + o.stderr for o in outputs] + [served]
    shown += [(tmp_path / name).read_text(encoding="utf-8") for name in ("r.md", "c.csv")]
    assert not [text for text in shown if secret in text]
