"""Detect: rupture markers, therapist moves, episodes and session scores for one session.

``detect(transcript, mode="full")`` is pure: a ``Transcript`` in, a ``Detection`` out, no I/O and
no network. ``mode="fast"`` is lexical only (language-pack cues and per-turn signals);
``mode="full"`` adds the multilingual sentence encoder for semantic continuity between a therapist
turn and the patient's reply.
"""

from __future__ import annotations

from raccord.detect import episodes as _episodes
from raccord.detect import markers as _markers
from raccord.detect import scores as _scores
from raccord.detect import signals as _signals
from raccord.errors import RaccordError
from raccord.model import Detection, Marker, TherapistMove, Transcript

__all__ = ["MODES", "detect"]

MODES = ("full", "fast")


def detect(transcript: Transcript, *, mode: str = "full") -> Detection:
    """Markers (each with evidence), therapist moves, episodes and scores for one session."""
    if mode not in MODES:
        raise RaccordError(f"unknown detection mode {mode!r}", expected="'full' or 'fast'")
    pack = _signals.pack(transcript.language)
    similarity = None
    if mode == "full":
        from raccord.detect import semantic

        texts = [t.text for t in transcript.turns]

        def similarity(pairs: list[tuple[int, int]]) -> list[float]:
            return semantic.pair_similarity(texts, pairs)

    signals = _signals.compute(transcript, similarity=similarity)
    markers = _markers.find(pack, signals)
    moves = _label_moves(transcript, markers)
    episodes = _episodes.build(pack, signals, markers, moves)
    contribution = _contribution(transcript, moves)
    scores = _scores.session(signals, markers, episodes, contribution)
    return Detection(
        markers=markers,
        moves=moves,
        episodes=episodes,
        scores=scores,
        signals=tuple(s.as_dict() for s in signals),
    )


# TEMPORARY: the moves/contribution modules are being written alongside; until they land the
# detection runs with no therapist moves. Remove once raccord.detect.moves.label_moves and
# raccord.detect.contribution.score exist.
def _label_moves(transcript: Transcript, markers: tuple[Marker, ...]) -> tuple[TherapistMove, ...]:
    import importlib

    fn = getattr(importlib.import_module("raccord.detect.moves"), "label_moves", None)
    return tuple(fn(transcript, markers)) if fn is not None else ()


def _contribution(transcript: Transcript, moves: tuple[TherapistMove, ...]) -> float:
    import importlib

    try:
        module = importlib.import_module("raccord.detect.contribution")
    except ImportError:
        return 0.0
    return float(module.score(transcript, moves))
