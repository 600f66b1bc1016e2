"""Implicit prohibitions within a session: what repeatedly comes just before a marker.

The article's example: each time the professional asks what the patient could do, the patient
complains aggressively and avoids the subject. The patient's behaviour writes a "user manual" with
forbidden zones. Two traps follow (pressing on without care; silently red-listing the subject), and
a third way: meta-communicating. A kind of therapist move, or a topic, becomes a possible
prohibition when it precedes markers at least twice, at two different therapist turns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import MarkerKind
from raccord.understand.facts import previous_therapist, turn_signals
from raccord.understand.text import topic_of

MIN_REPEATS = 2
#: Move kinds that can become prohibitions (a single turn can show them).
MOVE_KINDS = (
    "responsibility_question",
    "advice_unsolicited",
    "confront_argue",
    "interpretation_imposed",
)


@dataclass(frozen=True, slots=True)
class Prohibition:
    """``what`` is a move kind (``labels.signal`` key) or a topic phrase; ``markers`` the marked
    patient turns, ``therapist`` the turns just before them."""

    by: str  # "move" or "topic"
    what: str
    therapist: tuple[int, ...]
    markers: tuple[int, ...]


def find(transcript: Transcript, detection: Detection, code: str) -> tuple[Prohibition, ...]:
    by_move: dict[str, dict[int, int]] = defaultdict(dict)
    by_topic: dict[str, dict[int, int]] = defaultdict(dict)
    shown_topic: dict[str, str] = {}
    for marker in sorted(detection.markers, key=lambda m: m.turn):
        if marker.kind is MarkerKind.NONE:
            continue
        t = previous_therapist(transcript, marker.turn)
        if t is None:
            continue
        for signal in turn_signals(transcript, detection, t, code):
            if signal.kind in MOVE_KINDS and signal.backed:
                by_move[signal.kind].setdefault(t, marker.turn)
        topic = topic_of(code, transcript.turns[t].text, [transcript.turns[marker.turn].text])
        if topic is not None and topic.determined:
            key = topic.head[:5]
            by_topic[key].setdefault(t, marker.turn)
            shown_topic.setdefault(key, topic.phrase)
    out: list[Prohibition] = []
    for kind, hits in by_move.items():
        if len(hits) >= MIN_REPEATS:
            out.append(Prohibition("move", kind, tuple(hits), tuple(hits.values())))
    for key, hits in by_topic.items():
        if len(hits) >= MIN_REPEATS:
            out.append(Prohibition("topic", shown_topic[key], tuple(hits), tuple(hits.values())))
    return tuple(sorted(out, key=lambda p: (-len(p.markers), p.markers[0])))
