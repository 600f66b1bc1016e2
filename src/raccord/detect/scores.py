"""Session figures: the patient rupture score, and an engagement value per turn.

The patient rupture score is a probability: that a coder following ``ANNOTATION.md`` would mark
at least one rupture marker in the session's patient turns. It is a logistic calibration of
session aggregates of what the detector found (``aggregates``: how many markers, how confident,
how salient, withdrawal or confrontation, episodes left unresolved, macro episodes; inner
cross-validation picks which — the shipped one reads the number of markers and the top
confidence), fitted by ``raccord.learn.calibrate`` on out-of-fold detections of the labelled
sessions against their coding, and shipped as ``data/rupture-score.json``. So 0.5 means as likely
as not, and a session where nothing was found keeps the chance that the detector missed what a
coder would see. It says how likely a rupture is, not how severe.

The engagement curve (for the timeline) starts at 1, dips at each marker by its salience, sags
when the patient's turns shrink against their own baseline, and recovers gradually.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from raccord.detect.signals import TurnSignals
from raccord.errors import RaccordError
from raccord.model import Episode, Marker, SessionScores
from raccord.taxonomy import MarkerKind, Resolution, Role, Severity

#: The calibration of the patient rupture score (``raccord.learn.calibrate`` writes it).
CALIBRATION = "rupture-score.json"


def aggregates(
    signals: Sequence[TurnSignals], markers: Sequence[Marker], episodes: Sequence[Episode]
) -> dict[str, float]:
    """What the rupture score reads of a session's detection: the calibration is fitted on these
    very values of out-of-fold detections."""
    n_patient = sum(1 for s in signals if s.role is Role.PATIENT)
    confidence = sorted((m.confidence for m in markers), reverse=True)
    salience_density = sum(m.salience - 1 for m in markers) / max(1, n_patient)
    macro = sum(1 for e in episodes if e.severity is Severity.MACRO)
    return {
        # salience density, episodes and macro episodes in one load (the uncalibrated score of
        # earlier versions was 1 − exp(−load))
        "load": math.log1p(4.0 * salience_density + 0.15 * len(episodes) + 0.5 * macro),
        "salience_density": salience_density,
        "episodes": math.log1p(len(episodes)),
        "markers": math.log1p(len(markers)),
        "density": len(markers) / max(1, n_patient),
        "max_confidence": confidence[0] if confidence else 0.0,
        "top3_confidence": sum(confidence[:3]) / 3.0,
        "max_salience": float(max((m.salience - 1 for m in markers), default=0)),
        "confrontation": math.log1p(sum(1 for m in markers if m.kind is MarkerKind.CONFRONTATION)),
        "withdrawal": math.log1p(sum(1 for m in markers if m.kind is MarkerKind.WITHDRAWAL)),
        "unresolved": float(sum(1 for e in episodes if e.resolved is not Resolution.YES)),
        "macro": float(macro),
        "patient_turns": math.log1p(n_patient),
    }


@cache
def calibration() -> Mapping[str, Any]:
    """The shipped calibration: feature names, their centring and scaling, the coefficients."""
    path = resources.files("raccord").joinpath("data", CALIBRATION)
    try:
        value: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # pragma: no cover - a broken installation
        raise RaccordError(f"cannot read the rupture-score calibration: {exc}") from exc
    return value


def probability(values: Mapping[str, float], model: Mapping[str, Any]) -> float:
    """The calibrated probability of ``values`` (``aggregates``) under ``model``."""
    z = float(model["intercept"])
    for name, mean, scale, coef in zip(
        model["features"], model["mean"], model["scale"], model["coef"], strict=True
    ):
        z += coef * (values[name] - mean) / scale
    return 1.0 / (1.0 + math.exp(-z))


def patient_rupture(
    signals: Sequence[TurnSignals], markers: Sequence[Marker], episodes: Sequence[Episode]
) -> float:
    """Probability in [0, 1] that a coder would mark a rupture in this session (see above)."""
    return round(probability(aggregates(signals, markers, episodes), calibration()), 4)


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
