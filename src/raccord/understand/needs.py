"""Which psychological need a rupture may protect: hypotheses, phrased as questions.

The article: a conflict often shows that a need was threatened, and the therapist asks what the
patient values and cannot say other than by withdrawing or getting irritated. The mapping from what
was observed (marker subtypes, therapist moves just before) to needs is clinical reasoning, not
language, so it lives here as typed values (``NeedFact``: the need and the markers and moves that
point to it); the questions are written at the edge (``raccord.prose``) from the language packs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from raccord.taxonomy import MarkerSubtype, Need
from raccord.understand.facts import EpisodeFacts

S = MarkerSubtype

#: Marker subtypes that point to a need.
BY_SUBTYPE: dict[MarkerSubtype, tuple[Need, ...]] = {
    S.REJECTS_INTERVENTION: (Need.AUTONOMY,),
    S.COMPLAINT_PARAMETERS: (Need.AUTONOMY,),
    S.DEFERENTIAL_APPEASING: (Need.AUTONOMY, Need.SAFETY),
    S.GIVING_UP: (Need.COMPETENCE,),
    S.CONTROLS_PRESSURES: (Need.COMPETENCE, Need.SAFETY),
    S.COMPLAINT_PROGRESS: (Need.RECOGNITION, Need.COMPETENCE),
    S.DEFENDS_SELF: (Need.RECOGNITION, Need.COMPETENCE),
    S.COMPLAINT_ACTIVITIES: (Need.AUTONOMY, Need.RECOGNITION),
    S.COMPLAINT_THERAPIST: (Need.RELATEDNESS,),
    S.ABSTRACT_COMMUNICATION: (Need.SAFETY, Need.RELATEDNESS),
    S.MINIMAL_RESPONSE: (Need.SAFETY,),
    S.TOPIC_SHIFT: (Need.SAFETY,),
    S.AVOIDANT_STORYTELLING: (Need.SAFETY,),
    S.DENIAL: (Need.SAFETY,),
    S.CONTENT_AFFECT_SPLIT: (Need.SAFETY, Need.RELATEDNESS),
}

#: Therapist moves just before that point to a need.
BY_SIGNAL: dict[str, tuple[Need, ...]] = {
    "advice_unsolicited": (Need.AUTONOMY,),
    "confront_argue": (Need.AUTONOMY, Need.RECOGNITION),
    "interpretation_imposed": (Need.AUTONOMY, Need.RELATEDNESS),
    "pressing_topic": (Need.SAFETY, Need.AUTONOMY),
    "responsibility_question": (Need.COMPETENCE,),
    "closed_interrogation": (Need.AUTONOMY,),
    "missed_emotion": (Need.RELATEDNESS,),
    "ignores_concern": (Need.RELATEDNESS, Need.RECOGNITION),
    "talk_ratio": (Need.RELATEDNESS,),
}

MAX_NEEDS = 3


@dataclass(frozen=True, slots=True)
class NeedFact:
    """A need the episode may protect, with what points to it: the markers (their turns) whose
    subtype suggests it and the therapist moves (``Signal.kind``) just before that threaten it."""

    need: Need
    markers: tuple[int, ...] = ()
    signals: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EpisodeNeeds:
    episode: int
    needs: tuple[NeedFact, ...] = ()


def needs_for(facts: EpisodeFacts) -> tuple[NeedFact, ...]:
    """Up to three need hypotheses for one episode, strongest evidence first."""
    weight: dict[Need, float] = defaultdict(float)
    markers: dict[Need, list[int]] = defaultdict(list)
    signals: dict[Need, list[str]] = defaultdict(list)
    for marker in facts.markers:
        for rank, need in enumerate(BY_SUBTYPE.get(marker.subtype, ())):
            weight[need] += marker.salience / (rank + 1)
            markers[need].append(marker.turn)
    for signal in facts.signals:
        for rank, need in enumerate(BY_SIGNAL.get(signal.kind, ())):
            weight[need] += 2.0 / (rank + 1)
            signals[need].append(signal.kind)
    ranked = sorted(weight, key=lambda n: (-weight[n], list(Need).index(n)))[:MAX_NEEDS]
    return tuple(NeedFact(n, tuple(markers[n]), tuple(signals[n])) for n in ranked)
