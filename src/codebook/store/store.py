"""The Store: every read and write of project data goes through here, and only here.

SQLAlchemy and the schema are imported under `codebook.store` and nowhere else; each concern
has its own module of methods, and `Store` puts them together.
"""

from __future__ import annotations

from codebook.store.base import StoreBase, now
from codebook.store.bulk import BulkRows
from codebook.store.codings import CodingRows
from codebook.store.copy import CopyRows
from codebook.store.memos import MemoRows
from codebook.store.participants import ParticipantRows
from codebook.store.summaries import SummaryRows
from codebook.store.transcripts import TranscriptRows
from codebook.store.users import UserRows

__all__ = ["Store", "now"]


class Store(
    TranscriptRows,
    CodingRows,
    MemoRows,
    SummaryRows,
    ParticipantRows,
    BulkRows,
    CopyRows,
    UserRows,
    StoreBase,
):
    pass
