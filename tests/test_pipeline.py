"""The whole pipeline on long and odd sessions."""

from __future__ import annotations

import pytest

from raccord.errors import InputError
from raccord.model import Transcript, Turn
from raccord.pipeline import analyze
from raccord.taxonomy import Role

PATIENT_LINES = [
    "Je sais pas trop, ça dépend des jours.",
    "Bof.",
    "Vous ne comprenez pas ce que je dis.",
    "Oui, c'est vrai, la semaine a été dure au travail et je dors mal depuis lundi.",
    "À quoi ça sert tout ça ?",
]
THERAPIST_LINES = [
    "Qu'est-ce qui vous amène aujourd'hui ?",
    "Vous devriez peut-être en parler à votre chef.",
    "J'ai l'impression que ce que je viens de dire ne vous a pas convenu, on peut en parler ?",
    "Vous dormez combien d'heures ?",
]


def _long_session(n: int) -> Transcript:
    turns = []
    for i in range(n):
        therapist = i % 2 == 0
        lines = THERAPIST_LINES if therapist else PATIENT_LINES
        turns.append(
            Turn(
                index=i,
                speaker="Thérapeute" if therapist else "Patiente",
                role=Role.THERAPIST if therapist else Role.PATIENT,
                text=lines[(i // 2) % len(lines)],
                start=float(i * 7),
                end=float(i * 7 + 6),
            )
        )
    return Transcript(turns=tuple(turns), language="fr")


def test_ten_thousand_turns_complete_in_both_modes() -> None:
    session = _long_session(10_000)
    for mode in ("fast", "full"):
        analysis = analyze(session, mode=mode)
        assert analysis.detection.markers
        assert all(0 <= m.turn < 10_000 for m in analysis.detection.markers)
        assert len(analysis.detection.scores.engagement) == 10_000


def test_a_session_with_only_the_patient_speaking_is_refused_not_scored_zero() -> None:
    """Scores of 0.00 would read as "no rupture": without a therapist there is no alliance."""
    turns = tuple(
        Turn(index=i, speaker="P", role=Role.PATIENT, text=PATIENT_LINES[i % 5]) for i in range(6)
    )
    with pytest.raises(InputError, match="no therapist among the speakers"):
        analyze(Transcript(turns=turns, language="fr"), mode="fast")
