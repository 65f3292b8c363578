"""Coded summaries for reports: Markdown, self-contained HTML and Word, in Dutch or English."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from codebook.interchange.report import content, pseudonyms, render_docx, render_html, render_md
from codebook.interchange.report.build import ReportOptions, build_report
from codebook.interchange.report.document import Document
from codebook.model import Codebook, CodebookError

RENDERERS = {"md": render_md, "html": render_html, "docx": render_docx}
SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}

__all__ = ["RENDERERS", "ReportOptions", "build_report", "format_for", "render", "write_report"]


def format_for(path: Path, fmt: str | None) -> str:
    """The format asked for, or the one the file name implies."""
    if fmt:
        if fmt not in RENDERERS:
            raise CodebookError(f"--format {fmt}: choose md, html or docx")
        return fmt
    try:
        return SUFFIXES[Path(path).suffix.lower()]
    except KeyError:
        raise CodebookError(
            f"{path}: cannot tell the report format from the suffix (use .md, .html or .docx, "
            "or --format)"
        ) from None


def render(doc: Document, path: Path, fmt: str) -> Path:
    path = Path(path)
    if not path.parent.exists():
        raise CodebookError(f"{path}: the folder {path.parent} does not exist")
    try:
        return RENDERERS[fmt].write(doc, path)
    except OSError as e:
        raise CodebookError(f"{path}: cannot write the report ({e.strerror or e})") from None


def write_report(
    frames: dict[str, pd.DataFrame],
    codebook: Codebook,
    project: str,
    path: Path,
    fmt: str | None = None,
    options: ReportOptions | None = None,
    mapping: Path | None = None,
) -> tuple[Path, int]:
    """Build and write a report; with `mapping`, pseudonymise it and add newly found names to
    the mapping file first (returns the report path and how many names were added)."""
    options = options or ReportOptions()
    fmt = format_for(path, fmt)
    if not Path(path).parent.exists():
        raise CodebookError(f"{path}: the folder {Path(path).parent} does not exist")
    added = 0
    if mapping is not None:
        scope = content.select(frames, options.transcripts)
        summaries = options.summaries if options.summaries is not None else pd.DataFrame()
        shown = [scope["codings"]["text"], scope["codings"]["memo"].dropna()]
        if not summaries.empty:
            shown.append(summaries["text"])
        table, added = pseudonyms.review(
            Path(mapping),
            pd.concat(shown),
            scope["segments"]["speaker"].dropna().unique(),
            codebook,
            options.lang,
            sources=scope["segments"].groupby("transcript")["text"].agg(" ".join).to_dict(),
        )
        options.pseudonyms = table
    doc = build_report(frames, codebook, project, options)
    try:
        return render(doc, path, fmt), added
    finally:
        doc.close()
