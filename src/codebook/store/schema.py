"""The relational schema (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 5  # 2: segments.page; 3: summaries; 4: participants, speakers; 5: users

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

transcripts = Table(
    "transcripts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("file_name", String(255), nullable=False),
    Column("format", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("original", LargeBinary, nullable=False),
    Column("metadata", JSON, nullable=False, default=dict),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

attributes = Table(
    "attributes",
    metadata,
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

turns = Table(
    "turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(255)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("timestamp", Float),
    Index("ix_turns_transcript", "transcript_id", "idx"),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", String(255)),
    Column("timestamp", Float),
    Column("page", Integer),  # 1-based page of a paged source (PDF); None otherwise
    Index("ix_segments_transcript", "transcript_id", "idx"),
)

coders = Table(
    "coders",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code", String(128), nullable=False, index=True),
    Column("coder", ForeignKey("coders.name"), nullable=False),
    Column("origin", String(16), nullable=False, default="manual"),
    Column("memo", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("transcript_id", "start", "end", "code", "coder", name="uq_coding"),
    Index("ix_codings_transcript", "transcript_id", "start"),
)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE")),
    Column("start", Integer),
    Column("end", Integer),
    Column("coder", ForeignKey("coders.name"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code", String(128), nullable=False),
    Column("coder", ForeignKey("coders.name"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("transcript_id", "start", "end", "code", "coder", name="uq_rejection"),
)

detached_codings = Table(
    "detached_codings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("code", String(128), nullable=False),
    Column("coder", String(64), nullable=False),
    Column("memo", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("detached_at", DateTime(timezone=True), nullable=False),
)

summaries = Table(
    "summaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("row_kind", String(16), nullable=False),  # transcript | participant
    Column("row", String(255), nullable=False),  # the transcript's or participant's name
    Column("code", String(128), nullable=False),
    Column("coder", ForeignKey("coders.name"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("row_kind", "row", "code", "coder", name="uq_summary"),
    Index("ix_summaries_code", "code"),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

participant_attributes = Table(
    "participant_attributes",
    metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

speakers = Table(  # a speaker label of a transcript; kept when the transcript is re-imported
    "speakers",
    metadata,
    Column("transcript_id", ForeignKey("transcripts.id", ondelete="CASCADE"), primary_key=True),
    Column("label", String(255), primary_key=True),
    Column("participant_id", ForeignKey("participants.id", ondelete="SET NULL")),
    Column("interviewer", Boolean),  # None: decided by the label rule (model.is_interviewer)
)

users = Table(  # accounts for `codebook serve`; a user's codings are under the same name
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),  # admin | coder | reviewer
    Column("password_hash", Text, nullable=False),  # argon2id (PHC string); never the password
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True)),
    Column("last_sign_in", DateTime(timezone=True)),
)
