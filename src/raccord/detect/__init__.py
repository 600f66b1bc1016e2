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
from raccord.detect.moves import label_moves
from raccord.errors import RaccordError
from raccord.model import Detection, TherapistMove, Transcript
from raccord.taxonomy import Role

__all__ = ["MODES", "detect", "prepare"]

MODES = ("full", "fast")
#: Patient turns shorter than this are not given to the sustain-talk model ("mm", "okay").
SUSTAIN_WORDS = 3


def prepare(
    transcript: Transcript, *, mode: str = "full"
) -> tuple[tuple[_signals.TurnSignals, ...], dict[int, float] | None]:
    """Per-turn signals, and in full mode the sustain-talk probability of each patient turn."""
    context = {m.turn: m for m in label_moves(transcript, (), mode="fast")}
    if mode != "full":
        return _signals.compute(transcript, moves=context), None
    from raccord.detect import semantic

    vectors = semantic.SessionVectors([t.text for t in transcript.turns])
    signals = _signals.compute(transcript, similarity=vectors.similarity, moves=context)
    sustain = vectors.sustain(
        [s.index for s in signals if s.role is Role.PATIENT and s.words >= SUSTAIN_WORDS]
    )
    return signals, sustain


def detect(transcript: Transcript, *, mode: str = "full") -> Detection:
    """Markers (each with evidence), therapist moves, episodes and scores for one session."""
    if mode not in MODES:
        raise RaccordError(f"unknown detection mode {mode!r}", expected="'full' or 'fast'")
    pack = _signals.pack(transcript.language)
    signals, sustain = prepare(transcript, mode=mode)
    markers = _markers.find(pack, signals, mode=mode, sustain=sustain)
    moves = label_moves(transcript, markers, mode=mode)
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


def _contribution(transcript: Transcript, moves: tuple[TherapistMove, ...]) -> float:
    import importlib

    try:
        module = importlib.import_module("raccord.detect.contribution")
    except ImportError:
        return 0.0
    return float(module.score(transcript, moves))
