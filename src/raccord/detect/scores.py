"""Session figures: the patient-side rupture score, and an engagement value per turn.

The rupture score grows with the density of marker salience over the patient's turns, with the
number of episodes and with macro episodes; it saturates towards 1 rather than counting without
bound, so a session with one brief "yes, but" stays low and a session that ends in a strong
reproach is high. The engagement curve (for the timeline) starts at 1, dips at each marker by its
salience, sags when the patient's turns shrink against their own baseline, and recovers gradually.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from raccord.detect.signals import TurnSignals
from raccord.model import Episode, Marker, SessionScores
from raccord.taxonomy import Role, Severity


def patient_rupture(
    signals: Sequence[TurnSignals], markers: Sequence[Marker], episodes: Sequence[Episode]
) -> float:
    """A score in [0, 1]: 0 = no marker; about 0.5 = a few clear markers; near 1 = macro rupture."""
    n_patient = sum(1 for s in signals if s.role is Role.PATIENT)
    if not markers or n_patient == 0:
        return 0.0
    density = sum(m.salience - 1 for m in markers) / n_patient
    macro = sum(1 for e in episodes if e.severity is Severity.MACRO)
    load = 4.0 * density + 0.15 * len(episodes) + 0.5 * macro
    return round(1.0 - math.exp(-load), 4)


def engagement(signals: Sequence[TurnSignals], markers: Sequence[Marker]) -> tuple[float, ...]:
    """One value in [0, 1] per turn; therapist turns carry the last patient value forward."""
    by_turn = {m.turn: m for m in markers}
    level = 1.0
    out: list[float] = []
    for s in signals:
        if s.role is Role.PATIENT:
            marker = by_turn.get(s.index)
            if marker is not None:
                target = max(0.0, 1.0 - 0.2 * (marker.salience - 1) - 0.1)
            elif s.length_ratio is not None and not s.backchannel:
                target = min(1.0, 0.5 + 0.5 * min(s.length_ratio, 1.0))
            else:
                target = level
            level = 0.5 * level + 0.5 * target if marker is None else target
        out.append(round(level, 3))
    return tuple(out)


def session(
    signals: Sequence[TurnSignals],
    markers: Sequence[Marker],
    episodes: Sequence[Episode],
    therapist_contribution: float,
) -> SessionScores:
    return SessionScores(
        patient_rupture=patient_rupture(signals, markers, episodes),
        therapist_contribution=round(min(1.0, max(0.0, therapist_contribution)), 4),
        engagement=engagement(signals, markers),
    )
