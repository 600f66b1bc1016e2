"""Alerts across sessions, each with its reason and the sessions it rests on.

Kinds: ``macro_unresolved`` (a macro rupture still open), ``repeated_unresolved`` (unresolved
episodes in several of the last sessions), ``checkin_tension`` (the patient answered that a
moment of tension was not resolved), ``checkin_falling`` (the patient's check-in falling over
the last sessions: a drop-out risk), ``topic`` (the same subject followed by markers in several
sessions), ``open_item`` (an item not revisited after ``OPEN_AFTER`` sessions), ``journal`` (the
therapist noting the same reaction in several sessions with one patient: worth supervision).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from raccord.history.data import PatientRecord
from raccord.history.prohibitions import Prohibition
from raccord.history.trends import SessionTrend

#: Later sessions after which an open item not revisited raises an alert.
OPEN_AFTER = 2
#: Of the last ``RECENT`` sessions, how many with an unresolved episode raise an alert.
RECENT, UNRESOLVED_IN = 3, 2
#: Sessions in which the same reaction of the therapist raises an alert.
JOURNAL_SESSIONS = 3
#: Check-in: the last ``FALLING`` scores each lower than the one before, by ``DROP`` points in all.
FALLING, DROP = 3, 1.5


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    values: dict[str, object]
    sessions: tuple[int, ...]


def alerts(
    record: PatientRecord, rows: tuple[SessionTrend, ...], prohibitions: tuple[Prohibition, ...]
) -> tuple[Alert, ...]:
    out: list[Alert] = []
    numbers = [s.number for s in record.sessions]
    for item in record.open_items:
        if not item.open:
            continue
        later = sum(1 for n in numbers if n > item.session)
        if item.severity == "macro":
            out.append(
                Alert("macro_unresolved", {"item": item.id, "later": later}, (item.session,))
            )
        elif later >= OPEN_AFTER:
            out.append(Alert("open_item", {"item": item.id, "later": later}, (item.session,)))
    recent = [r for r in rows if r.session in numbers[-RECENT:]]
    with_unresolved = tuple(r.session for r in recent if r.unresolved + r.partly > 0)
    if len(with_unresolved) >= UNRESOLVED_IN:
        out.append(
            Alert(
                "repeated_unresolved",
                {"count": len(with_unresolved), "of": len(recent)},
                with_unresolved,
            )
        )
    scored = [(r.session, r.checkin) for r in rows if r.checkin is not None][-FALLING:]
    if (
        len(scored) == FALLING
        and all(b[1] < a[1] for a, b in pairwise(scored))
        and scored[0][1] - scored[-1][1] >= DROP
    ):
        out.append(
            Alert(
                "checkin_falling",
                {"first": scored[0][1], "last": scored[-1][1]},
                tuple(n for n, _ in scored),
            )
        )
    unrepaired = tuple(r.session for r in rows if r.tension and r.tension_resolved is False)
    if unrepaired:
        out.append(Alert("checkin_tension", {"count": len(unrepaired)}, unrepaired))
    for p in prohibitions:
        if len(p.marked_sessions) >= 2:
            out.append(
                Alert(
                    "topic", {"topic": p.topic, "count": len(p.marked_sessions)}, p.marked_sessions
                )
            )
    feelings: dict[str, set[int]] = defaultdict(set)
    for s in record.sessions:
        for j in s.journal:
            if j.feeling != "other":
                feelings[j.feeling].add(s.number)
    for feeling, sessions in sorted(feelings.items()):
        if len(sessions) >= JOURNAL_SESSIONS:
            out.append(
                Alert(
                    "journal", {"feeling": feeling, "count": len(sessions)}, tuple(sorted(sessions))
                )
            )
    return tuple(out)
