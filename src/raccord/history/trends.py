"""The course over sessions: one row of figures per session, and the slope of each figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from raccord.history.data import PatientRecord, SessionRecord


@dataclass(frozen=True, slots=True)
class SessionTrend:
    session: int
    date: str | None
    withdrawal: int
    confrontation: int
    episodes: int
    resolved: int
    partly: int
    unresolved: int
    macro: int
    patient_rupture: float
    therapist_contribution: float
    checkin: float | None
    instrument_total: float | None
    #: the patient's check-in answer: a moment of tension? resolved before the end?
    tension: bool | None = None
    tension_resolved: bool | None = None


def per_session(s: SessionRecord) -> SessionTrend:
    means = [c.mean for c in s.checkins if c.mean is not None]
    totals = [c.instrument_total for c in s.checkins if c.instrument_total is not None]
    return SessionTrend(
        session=s.number,
        date=s.date.isoformat() if s.date else None,
        withdrawal=sum(1 for m in s.markers if m.kind == "withdrawal"),
        confrontation=sum(1 for m in s.markers if m.kind == "confrontation"),
        episodes=len(s.episodes),
        resolved=sum(1 for e in s.episodes if e.resolved == "yes"),
        partly=sum(1 for e in s.episodes if e.resolved == "partly"),
        unresolved=sum(1 for e in s.episodes if e.resolved == "no"),
        macro=sum(1 for e in s.episodes if e.severity == "macro"),
        patient_rupture=round(s.patient_rupture, 3),
        therapist_contribution=round(s.therapist_contribution, 3),
        checkin=round(means[-1], 2) if means else None,
        instrument_total=totals[-1] if totals else None,
        tension=next((c.tension for c in reversed(s.checkins) if c.tension is not None), None),
        tension_resolved=next(
            (c.tension_resolved for c in reversed(s.checkins) if c.tension_resolved is not None),
            None,
        ),
    )


def slope(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope per session (``None`` with fewer than two points)."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return None if sxx == 0 else sum((x - mx) * (y - my) for x, y in points) / sxx


FIGURES = (
    "withdrawal",
    "confrontation",
    "episodes",
    "patient_rupture",
    "therapist_contribution",
    "checkin",
    "instrument_total",
)


def trends(record: PatientRecord) -> tuple[tuple[SessionTrend, ...], dict[str, float | None]]:
    rows = tuple(per_session(s) for s in record.sessions)
    course: dict[str, float | None] = {}
    for name in FIGURES:
        points = [(float(r.session), float(v)) for r in rows if (v := getattr(r, name)) is not None]
        value = slope(points)
        course[name] = None if value is None else round(value, 3)
    return rows, course
