"""Persistence: SQLAlchemy Core on SQLite (WAL) by default, PostgreSQL through CODEBOOK_DB."""

from codebook.store.store import Store

__all__ = ["Store"]
