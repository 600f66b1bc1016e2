"""The interaction: pairs of therapist move → patient marker, and vicious circles when a pair repeats.

The article: the therapist presses on a sensitive point, the patient closes up and sends irritation,
and each feeds the other's discomfort. A circle is claimed only when the same pair (therapist pushes
→ patient withdraws; therapist argues → patient pushes back) is seen at least twice in the session,
and it is always shown with the turns that make it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import MarkerKind, TherapistMoveType
from raccord.understand.facts import (
    PUSHING,
    move_at,
    previous_therapist,
    turn_signals,
    window_signals,
)

PUSH_WITHDRAW = "push_withdraw"
ARGUE_CONFRONT = "argue_confront"
MIN_REPEATS = 2
_PRESSING_MOVES = frozenset(
    {
        TherapistMoveType.CLOSED_QUESTION,
        TherapistMoveType.ADVICE_WITHOUT_PERMISSION,
        TherapistMoveType.CONFRONTING,
        TherapistMoveType.INTERPRETATION,
        TherapistMoveType.INFORMATION,
    }
)


@dataclass(frozen=True, slots=True)
class Pair:
    cycle: str
    therapist: int
    patient: int


def pairs(transcript: Transcript, detection: Detection, code: str) -> tuple[Pair, ...]:
    """One pair per marker whose preceding therapist turn pushed or argued."""
    out: list[Pair] = []
    seen: set[int] = set()
    marked = {m.turn for m in detection.markers if m.kind is not MarkerKind.NONE}
    for marker in sorted(detection.markers, key=lambda m: m.turn):
        if marker.kind is MarkerKind.NONE:
            continue
        t = previous_therapist(transcript, marker.turn)
        if t is None or t in seen:
            continue
        kinds = {s.kind for s in turn_signals(transcript, detection, t, code) if s.backed}
        kinds |= {
            s.kind
            for s in window_signals(transcript, detection, marker.turn, marker.turn, code, t)
            if s.backed
        }
        if not kinds & PUSHING and not _presses_past_marker(transcript, detection, t, marked):
            continue
        cycle = PUSH_WITHDRAW if marker.kind is MarkerKind.WITHDRAWAL else ARGUE_CONFRONT
        out.append(Pair(cycle, t, marker.turn))
        seen.add(t)
    return tuple(out)


def _presses_past_marker(
    transcript: Transcript, detection: Detection, t: int, marked: set[int]
) -> bool:
    """A therapist turn right after a marker that keeps to its own line (a question, advice,
    an argument) instead of reflecting, validating or talking about what is happening."""
    before = t - 1
    if before < 0 or before not in marked:
        return False
    found = move_at(detection, t)
    if found is None:
        return transcript.turns[t].text.rstrip().endswith("?")
    return found.move in _PRESSING_MOVES


def circles(all_pairs: tuple[Pair, ...]) -> dict[str, tuple[Pair, ...]]:
    """The pair kinds seen at least twice: possible vicious circles."""
    grouped: dict[str, list[Pair]] = defaultdict(list)
    for pair in all_pairs:
        grouped[pair.cycle].append(pair)
    return {k: tuple(v) for k, v in grouped.items() if len(v) >= MIN_REPEATS}
