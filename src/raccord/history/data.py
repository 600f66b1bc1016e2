"""What history reads: a patient's stored sessions as plain frozen values.

``store`` decrypts its rows into these; the history stages never touch the database, so they are
pure functions tested on values, and the same code serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TurnRecord:
    index: int
    role: str  # "therapist" | "patient" | "other"
    text: str
    #: the number the therapist reads (``Turn.uid``): the source's id, else the rank from 1
    number: int | None = None

    @property
    def shown(self) -> int:
        return self.index + 1 if self.number is None else self.number


@dataclass(frozen=True, slots=True)
class MarkerRecord:
    turn: int
    kind: str  # "withdrawal" | "confrontation"
    subtype: str
    salience: int
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    index: int
    start: int
    end: int
    kind: str
    severity: str  # "micro" | "macro"
    resolved: str  # "yes" | "partly" | "no"
    deferred: bool = False


@dataclass(frozen=True, slots=True)
class CheckInRecord:
    """Raccord's own end-of-session questions, each 0–10, and an optional licensed total."""

    relationship: int | None = None
    goals: int | None = None
    approach: int | None = None
    overall: int | None = None
    tension: bool | None = None
    tension_resolved: bool | None = None
    instrument: str | None = None
    instrument_total: float | None = None
    comment: str | None = None

    @property
    def mean(self) -> float | None:
        """The mean of the 0–10 answers given (the licensed total is kept apart: other scale)."""
        given = [
            v for v in (self.relationship, self.goals, self.approach, self.overall) if v is not None
        ]
        return sum(given) / len(given) if given else None


@dataclass(frozen=True, slots=True)
class JournalRecord:
    """The therapist's own reaction: ``feeling`` is irritated, bored, anxious, helpless or other.

    ``turn`` is the turn's 0-based position in the stored transcript (the CLI and the web page
    translate the number the therapist reads, ``SessionData.position``)."""

    feeling: str
    turn: int | None = None
    seconds: float | None = None
    intensity: int | None = None
    comment: str | None = None


FORMULATION_FIELDS = ("patient_part", "my_part", "cycle", "need", "next_time")


@dataclass(frozen=True, slots=True)
class FormulationRecord:
    """The therapist's own formulation of one episode (``episode``: its index in the analysis),
    in their words: the patient's part, my part, the cycle, the need, what I will try next time.
    Empty fields are None."""

    episode: int
    patient_part: str | None = None
    my_part: str | None = None
    cycle: str | None = None
    need: str | None = None
    next_time: str | None = None

    def fields(self) -> tuple[tuple[str, str], ...]:
        """(field, text) of the fields filled in, in the form's order."""
        return tuple((name, text) for name in FORMULATION_FIELDS if (text := getattr(self, name)))


@dataclass(frozen=True, slots=True)
class OpenItemRecord:
    """An unresolved or deferred episode of session ``session``, open until ``revisited_in``."""

    id: int
    session: int
    episode: int
    kind: str
    severity: str
    resolved: str
    start: int
    end: int
    deferred: bool = False
    revisited_in: int | None = None

    @property
    def open(self) -> bool:
        return self.revisited_in is None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    number: int
    date: dt.date | None
    language: str
    turns: tuple[TurnRecord, ...]
    markers: tuple[MarkerRecord, ...]
    episodes: tuple[EpisodeRecord, ...]
    patient_rupture: float
    therapist_contribution: float
    checkins: tuple[CheckInRecord, ...] = ()
    journal: tuple[JournalRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class PatientRecord:
    pseudonym: str
    attachment: str
    sessions: tuple[SessionRecord, ...]
    open_items: tuple[OpenItemRecord, ...] = ()

    @property
    def language(self) -> str:
        """The language most of the sessions were in (the history is written in it)."""
        langs = [s.language for s in self.sessions]
        return max(sorted(set(langs)), key=langs.count) if langs else "en"
