"""The facade: CLI, TUI and notebooks go through `Project`, which checks and delegates.

A project is a folder with `codebooks/`, `transcripts/` and `.codebook/project.sqlite`
(or the database named by `CODEBOOK_DB`). Each module here is one area of the facade;
`Project` puts them together. Stages are imported where they are used, so a command
loads only what it needs.
"""

from __future__ import annotations

from codebook.codebooks import reference_codebook
from codebook.project.analysis import Analysis
from codebook.project.base import ProjectBase
from codebook.project.coding import CodingActions
from codebook.project.exchange import Exchange
from codebook.project.memo_table import MemoTable
from codebook.project.numbered import NumberedCoding
from codebook.project.participants import Participants
from codebook.project.query import Retrieval
from codebook.project.suggestions import Suggestions
from codebook.project.summaries import Summaries
from codebook.project.taguette import TaguetteExchange
from codebook.project.transcripts import Transcripts
from codebook.project.users import UserAccounts

__all__ = ["ImportResult", "Project", "reference_codebook"]


class Project(
    Transcripts, CodingActions, Participants, Suggestions, Analysis, Exchange,
    Retrieval, NumberedCoding, MemoTable, UserAccounts, Summaries, TaguetteExchange, ProjectBase,
):  # fmt: skip
    """One open project: `Project.open(folder)` or `Project.init(folder)`."""


def __getattr__(name: str):
    # `ImportResult` lives in the ingest stage, which loads spaCy: only an import needs it
    if name == "ImportResult":
        from codebook.ingest.plan import ImportResult

        return ImportResult
    raise AttributeError(f"module 'codebook.project' has no attribute {name!r}")
