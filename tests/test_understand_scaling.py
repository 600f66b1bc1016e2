"""The understanding stage reads each turn a bounded number of times: the facts found in one pass
are the same as those found by re-reading the session before every episode."""

from __future__ import annotations

import statistics
from pathlib import Path

from raccord import io
from raccord.detect import detect
from raccord.model import Detection, SessionScores, TherapistMove
from raccord.taxonomy import Role, TherapistMoveType
from raccord.understand.facts import _SafeGround, move_at
from raccord.understand.text import word_count

CORPUS = Path(__file__).parents[1] / "corpus" / "psychotherapy"


def _naive(transcript, detection, before):  # type: ignore[no-untyped-def]
    """The former per-episode computation, kept here as the reference."""
    marked = {m.turn for m in detection.markers}
    lengths = [
        (word_count(t.text), t.index)
        for t in transcript.turns[:before]
        if t.role is Role.PATIENT and t.index not in marked
    ]
    if not lengths:
        return None
    n, index = max(lengths)
    return n, index, float(statistics.median(n for n, _ in lengths))


def test_safe_ground_in_one_pass_matches_reading_the_session_before_each_turn() -> None:
    transcript = io.load(CORPUS / "fr-a.csv")[0]
    detection = detect(transcript, mode="fast")
    ground = _SafeGround(transcript, detection)
    for before in range(0, len(transcript.turns) + 1):
        assert ground.before(before) == _naive(transcript, detection, before), before


def test_move_at_finds_the_first_move_of_a_turn_and_follows_a_new_detection() -> None:
    def move(turn: int, kind: TherapistMoveType) -> TherapistMove:
        return TherapistMove(turn=turn, move=kind)

    def detection(*moves: TherapistMove) -> Detection:
        return Detection(markers=(), moves=moves, episodes=(), scores=SessionScores(0.0, 0.0))

    first = detection(
        move(0, TherapistMoveType.OPEN_QUESTION),
        move(2, TherapistMoveType.ADVICE_WITHOUT_PERMISSION),
        move(2, TherapistMoveType.VALIDATION),
    )
    assert move_at(first, 2) == move(2, TherapistMoveType.ADVICE_WITHOUT_PERMISSION)
    assert move_at(first, 1) is None
    second = detection(move(1, TherapistMoveType.SIMPLE_REFLECTION))
    assert move_at(second, 1) == move(1, TherapistMoveType.SIMPLE_REFLECTION)
    assert move_at(second, 2) is None
