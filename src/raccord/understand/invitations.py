"""Markers said in answer to the therapist's invitation to talk about the relationship.

When the therapist meta-communicates or owns a part (« Qu'est-ce que ça vous a fait, ma
proposition ? », "I think I pushed too fast") and the patient then says what went wrong — a
reproach, a disagreement, the fear behind a withdrawal — the coders' guide still codes the turn
a marker, but clinically it may be the repair under way: the patient finding that they can voice
a disagreement without being rejected (the article, third step). The report says so next to the
marker, and the one-minute summary prefers another marker of the episode to stand for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import DIRECT_STRATEGIES, Role, TherapistMoveType


@dataclass(frozen=True, slots=True)
class Invited:
    """A marker (``marker``: its turn) right after the therapist turn that invited it."""

    marker: int
    therapist: int


def answered(transcript: Transcript, detection: Detection) -> tuple[Invited, ...]:
    """The markers that answer, in the very next patient turn, a meta-communication or a
    direct repair (inviting discussion, owning a part, clarifying, disclosing, linking)."""
    moves = {m.turn: m for m in detection.moves}
    turns = transcript.turns
    out: list[Invited] = []
    for marker in detection.markers:
        before = marker.turn - 1
        if before < 0 or turns[before].role is not Role.THERAPIST:
            continue
        move = moves.get(before)
        if move is not None and (
            move.move is TherapistMoveType.META_COMMUNICATION or move.repair in DIRECT_STRATEGIES
        ):
            out.append(Invited(marker.turn, before))
    return tuple(out)
