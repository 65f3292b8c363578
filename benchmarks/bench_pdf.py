"""Importing a generated 100-page text PDF (target: under 3 s), in a running session and as a
whole `codebook import` process.

python benchmarks/bench_pdf.py [--pages 100]

The report has a running header, page numbers, headings, hyphenated paragraphs and every fifth
page in two columns (benchmarks/docgen.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from docgen import report_pdf  # noqa: E402
from table import Row, clock, sized_main  # noqa: E402

from codebook import Project  # noqa: E402
from codebook.ingest import detect_language  # noqa: E402
from codebook.nlp import pipeline  # noqa: E402


def run(pages: int = 100) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = report_pdf(tmp / "report.pdf", pages)
        with Project.init(tmp / "session") as project:
            # what a session has loaded once: pipeline, lexicons, codebook, the PDF library
            pipeline(project.codebook.language)
            detect_language("een korte tekst", "nl")
            import pypdf  # noqa: F401

            result, wall, cpu = clock(lambda: project.import_files([pdf]))
        rows = [
            Row(
                f"PDF: import a {pages}-page report ({result.words:,} words, "
                f"{result.segments:,} segments), in a session",
                "< 3 s",
                f"{wall:.2f} s (cpu {cpu:.2f} s)",
                wall < 3,
            )
        ]
        exe = Path(sys.executable).parent / "codebook"
        subprocess.run([str(exe), "init", str(tmp / "cli")], check=True, capture_output=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [str(exe), "-p", str(tmp / "cli"), "import", str(pdf)], capture_output=True, text=True
        )
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(proc.stderr)
        rows.append(
            Row(
                f"PDF: import a {pages}-page report, whole `codebook import` process",
                measured=f"{wall:.2f} s",
            )
        )
        return rows


def main() -> None:
    sized_main(run)


if __name__ == "__main__":
    main()
