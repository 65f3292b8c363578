"""The facade: CLI, TUI and notebooks go through `Project`, which checks and delegates.

A project is a folder with `codebooks/`, `transcripts/` and `.codebook/project.sqlite`
(or the database named by `CODEBOOK_DB`). Each module here is one area of the facade;
`Project` puts them together. Stages are imported where they are used, so a command
loads only what it needs.
"""

from __future__ import annotations

from codebook.codebooks import reference_codebook
from codebook.ingest.plan import ImportResult
from codebook.project.analysis import Analysis
from codebook.project.base import ProjectBase
from codebook.project.coding import CodingActions
from codebook.project.exchange import Exchange
from codebook.project.suggestions import Suggestions
from codebook.project.transcripts import Transcripts

__all__ = ["ImportResult", "Project", "reference_codebook"]


class Project(Transcripts, CodingActions, Suggestions, Analysis, Exchange, ProjectBase):
    """One open project: `Project.open(folder)` or `Project.init(folder)`."""
