"""The history of one patient: prohibitions, alerts, trends and open items, from stored sessions."""

from __future__ import annotations

from dataclasses import dataclass

from raccord.history import alerts as alerting
from raccord.history import prohibitions as prohibiting
from raccord.history import topics
from raccord.history.alerts import Alert
from raccord.history.data import OpenItemRecord, PatientRecord
from raccord.history.prohibitions import Prohibition
from raccord.history.trends import SessionTrend, trends
from raccord.understand import subjects


@dataclass(frozen=True, slots=True)
class History:
    record: PatientRecord
    prohibitions: tuple[Prohibition, ...]
    alerts: tuple[Alert, ...]
    trends: tuple[SessionTrend, ...]
    course: dict[str, float | None]

    @property
    def open_items(self) -> tuple[OpenItemRecord, ...]:
        return tuple(i for i in self.record.open_items if i.open)


def build(record: PatientRecord, *, mode: str = "full") -> History:
    """``mode="fast"`` groups topics by identical words only (no sentence encoder)."""
    groups = subjects.group(topics.mentions(record), encode_mode=mode)
    found = prohibiting.find(record, groups)
    rows, course = trends(record)
    return History(
        record=record,
        prohibitions=found,
        alerts=alerting.alerts(record, rows, found),
        trends=rows,
        course=course,
    )
