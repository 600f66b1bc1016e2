"""The tables of a practice's records (SQLAlchemy 2 declarative models).

Columns named ``*_enc`` hold Fernet tokens (``store.crypto``): the transcript, the analysis, the
source file's name, journal and check-in comments. What stays readable is what the database needs
to find and order rows (numbers, dates, hashes, scores 0–10, kinds). Every patient belongs to one
therapist, and every query of ``store.records`` goes through that ownership.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Therapist(Base):
    __tablename__ = "therapists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("therapist_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(200))
    attachment: Mapped[str] = mapped_column(String(20), default="unknown")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Session(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        UniqueConstraint("patient_id", "number"),
        UniqueConstraint("patient_id", "source_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(8))
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    source_name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    transcript_enc: Mapped[bytes] = mapped_column(LargeBinary)
    analysis_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JournalEntry(Base):
    """The therapist's own reaction at a moment of a session (irritated, bored, anxious…)."""

    __tablename__ = "journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    turn: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    feeling: Mapped[str] = mapped_column(String(20))
    intensity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CheckIn(Base):
    """The patient's end-of-session check-in: raccord's own questions (0–10) and/or the total of
    an instrument the practice licenses (SRS, WAI-SR), entered as a number."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    relationship: Mapped[int | None] = mapped_column(Integer, nullable=True)
    goals: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approach: Mapped[int | None] = mapped_column(Integer, nullable=True)
    overall: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tension: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    tension_resolved: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    instrument: Mapped[str | None] = mapped_column(String(40), nullable=True)
    instrument_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    comment_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OpenItem(Base):
    """A rupture episode left unresolved or deferred, to revisit at a later session."""

    __tablename__ = "open_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    episode: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    resolved: Mapped[str] = mapped_column(String(10))
    start_turn: Mapped[int] = mapped_column(Integer)
    end_turn: Mapped[int] = mapped_column(Integer)
    deferred: Mapped[bool] = mapped_column(Boolean, default=False)
    revisited_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True
    )
    revisited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who did what to which record, when. ``detail`` never holds what a patient said."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    patient_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    session_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(400), default="")


class Account(Base):
    """A login to the web workspace (``raccord serve``): the therapist's name, an argon2 hash of
    the password (never the password), the role and the interface language."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("therapists.id"), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="therapist")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Share(Base):
    """A therapist's session (or, with ``session_id`` empty, every session of one patient) shown
    read-only to a supervisor's account. Removing the row ends the sharing."""

    __tablename__ = "shares"
    __table_args__ = (UniqueConstraint("patient_id", "session_id", "supervisor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True
    )
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("therapists.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Formulation(Base):
    """The therapist's own formulation of one episode of a session: the five fields as one JSON
    object, encrypted (``fields_enc``); saving again replaces it."""

    __tablename__ = "formulations"
    __table_args__ = (UniqueConstraint("session_id", "episode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    episode: Mapped[int] = mapped_column(Integer)
    fields_enc: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
