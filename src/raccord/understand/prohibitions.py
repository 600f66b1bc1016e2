"""Implicit prohibitions within a session: what repeatedly comes just before a marker.

The article's example: each time the professional asks what the patient could do, the patient
complains aggressively and avoids the subject. The patient's behaviour writes a "user manual" with
forbidden zones. Two traps follow (pressing on without care; silently red-listing the subject), and
a third way: meta-communicating. A kind of therapist move, or a topic, becomes a possible
prohibition when it precedes markers at least twice, at two different therapist turns. A topic is
a subject, not a spelling: « le boulot » then « le travail » is one subject pressed twice, and
« vos parents » then « la parenthèse » two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from raccord.lang.cues import fold
from raccord.model import Detection, Transcript
from raccord.taxonomy import MarkerKind
from raccord.understand.facts import own_repair, previous_therapist, turn_signals
from raccord.understand.subjects import Mention, group
from raccord.understand.text import Topic, topic_of, word_key

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


def find(
    transcript: Transcript, detection: Detection, code: str, *, mode: str = "full"
) -> tuple[Prohibition, ...]:
    """The move kinds and topics that preceded markers at two therapist turns or more.

    Topics are one when they mean the same (``same_topics``): in ``mode="full"`` « le boulot »
    pressed before one marker and « le travail » before another are one subject."""
    by_move: dict[str, dict[int, int]] = defaultdict(dict)
    pressed: list[tuple[Topic, int, int]] = []
    for marker in sorted(detection.markers, key=lambda m: m.turn):
        if marker.kind is MarkerKind.NONE:
            continue
        t = previous_therapist(transcript, marker.turn)
        if t is None:
            continue
        for signal in turn_signals(transcript, detection, t, code):
            if signal.kind in MOVE_KINDS and signal.backed:
                by_move[signal.kind].setdefault(t, marker.turn)
        if own_repair(transcript, detection, t, code) is not None:
            continue  # meta-communication is the third way, not a subject pressed on
        topic = topic_of(code, transcript.turns[t].text, [transcript.turns[marker.turn].text])
        if topic is not None and topic.determined:
            pressed.append((topic, t, marker.turn))
    subject = same_topics(code, [topic for topic, _, _ in pressed], mode=mode)
    by_topic: dict[int, dict[int, int]] = defaultdict(dict)
    shown_topic: dict[int, str] = {}
    for (topic, t, m), key in zip(pressed, subject, strict=True):
        by_topic[key].setdefault(t, m)
        shown_topic.setdefault(key, topic.phrase)
    out: list[Prohibition] = []
    for kind, hits in by_move.items():
        if len(hits) >= MIN_REPEATS:
            out.append(Prohibition("move", kind, tuple(hits), tuple(hits.values())))
    for key, hits in by_topic.items():
        if len(hits) >= MIN_REPEATS:
            out.append(Prohibition("topic", shown_topic[key], tuple(hits), tuple(hits.values())))
    return tuple(sorted(out, key=lambda p: (-len(p.markers), p.markers[0])))


def same_topics(code: str, topics: Sequence[Topic], *, mode: str = "full") -> list[int]:
    """One subject number per topic. In ``mode="fast"``, topics whose heads are one word in two
    forms (``text.word_key``) are one subject. In ``mode="full"``, topics that mean the same are,
    grouped as a patient's history groups its subjects (``understand.subjects.group``: the one
    sentence encoder reads each head in its noun phrases; a name is only ever itself), which also
    joins the forms of one word; two words are never one subject for sharing their first letters."""
    if mode == "full":
        heads = [fold(topic.head) for topic in topics]
    else:
        heads = [word_key(code, topic.head) for topic in topics]
    if mode != "full" or len(set(heads)) < 2:
        first = {head: n for n, head in enumerate(dict.fromkeys(heads))}
        return [first[head] for head in heads]

    mentioned = [
        Mention(0, n, "therapist", topic.phrase, head, proper=topic.proper)
        for n, (topic, head) in enumerate(zip(topics, heads, strict=True))
    ]
    subject = {
        head: n for n, g in enumerate(group(mentioned, encode_mode=mode)) for head in g.heads
    }
    return [subject[head] for head in heads]
