"""Shared fixtures: a small codebook, fresh projects, and the CLI run as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codebook import Project

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
MINI = DATA / "mini-codebook.yaml"
FOCUS = DATA / "focus"  # the second project: see the `focus_project` fixture
REFERENCE = ROOT / "codebooks" / "domeinspecifieke-geletterdheid.yaml"
SAMPLES = ROOT / "transcripts"


@pytest.fixture
def mini_project(tmp_path) -> Project:
    project = Project.init(tmp_path / "proj", MINI)
    yield project
    project.close()


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory) -> Path:
    """The sample project as `make demo` builds it (built once per test session)."""
    root = tmp_path_factory.mktemp("sample") / "project"
    run("init", str(root))
    files = sorted(
        str(p) for p in SAMPLES.iterdir() if p.suffix in {".txt", ".md", ".docx", ".vtt", ".srt"}
    )
    run("-p", str(root), "import", "--attributes", str(SAMPLES / "attributes.csv"), *files)
    run("-p", str(root), "codings", "import", str(SAMPLES / "sample-codings.csv"))
    run("-p", str(root), "participants", "import", str(SAMPLES / "participants.csv"))
    return root


@pytest.fixture(scope="session")
def focus_project(tmp_path_factory) -> Path:
    """A second, differently shaped project (tests/data/focus): English codebook with other
    attributes (site per transcript, role per participant), coders maria and tomas, and a
    focus group; built once per session like the sample."""
    root = tmp_path_factory.mktemp("focus") / "project"
    run("init", str(root), "--codebook", str(FOCUS / "codebook.yaml"))
    files = sorted(str(p) for p in FOCUS.iterdir() if p.suffix in {".txt", ".md"})
    run("-p", str(root), "import", *files)
    run("-p", str(root), "codings", "import", str(FOCUS / "codings.csv"))
    run("-p", str(root), "participants", "import", str(FOCUS / "participants.csv"))
    return root


@pytest.fixture(scope="session")
def run_notebook(sample_project):
    """Execute a notebook of notebooks/ against a project (the sample by default) with its
    parameters from `env` (CODEBOOK_CODER, CODEBOOK_BY), once per test session."""
    import nbformat
    from nbclient import NotebookClient

    done = {}
    names = ("CODEBOOK_PROJECT", "CODEBOOK_CODER", "CODEBOOK_BY", "MPLBACKEND")

    def execute(name: str, project: Path | None = None, env: dict | None = None):
        key = (name, str(project or sample_project), tuple(sorted((env or {}).items())))
        if key not in done:
            path = ROOT / "notebooks" / name
            # the kernel's own inline backend, so figures become image outputs
            saved = {k: os.environ.get(k) for k in names}
            for k in names:
                os.environ.pop(k, None)
            os.environ["CODEBOOK_PROJECT"] = str(project or sample_project)
            os.environ.update(env or {})
            try:
                nb = nbformat.read(path, as_version=4)
                NotebookClient(
                    nb,
                    timeout=600,
                    kernel_name="python3",
                    resources={"metadata": {"path": str(path.parent)}},
                ).execute()
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            done[key] = nb
        return done[key]

    return execute


def outputs(nb) -> list[dict]:
    """Every output of the code cells of an executed notebook."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def project_dir(sample_project, tmp_path):
    """A copy of the sample project that a test may change."""
    root = tmp_path / "project"
    shutil.copytree(sample_project, root)
    return root


@pytest.fixture
def project(project_dir):
    p = Project.open(project_dir)
    yield p
    p.close()


def codebook_exe() -> str:
    exe = Path(sys.executable).parent / "codebook"
    return str(exe) if exe.exists() else shutil.which("codebook")


def run(*args: str, check: bool = True, cwd: Path | None = None, env: dict | None = None):
    """Run the `codebook` command as a user would; returns the CompletedProcess."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("CODEBOOK_PROJECT", "CODEBOOK_DB")}
    full_env.update(env or {})
    proc = subprocess.run(
        [codebook_exe(), *args], capture_output=True, text=True, cwd=cwd, env=full_env
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"codebook {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
