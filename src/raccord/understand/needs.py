"""Which psychological need a rupture may protect: hypotheses, phrased as questions.

The article: a conflict often shows that a need was threatened, and the therapist asks what the
patient values and cannot say other than by withdrawing or getting irritated. The mapping from what
was observed (marker subtypes, therapist moves just before) to needs is clinical reasoning, not
language, so it lives here; the questions themselves live in the language packs.
"""

from __future__ import annotations

from collections import defaultdict

from raccord.model import Evidence, NeedHypothesis, Transcript
from raccord.taxonomy import MarkerSubtype, Need
from raccord.understand.facts import EpisodeFacts
from raccord.understand.text import label, phrase, section, turn_ref

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


def needs_for(code: str, transcript: Transcript, facts: EpisodeFacts) -> tuple[NeedHypothesis, ...]:
    """Up to three need hypotheses for one episode, strongest evidence first."""
    weight: dict[Need, float] = defaultdict(float)
    evidence: dict[Need, list[Evidence]] = defaultdict(list)
    for marker in facts.markers:
        for rank, need in enumerate(BY_SUBTYPE.get(marker.subtype, ())):
            weight[need] += marker.salience / (rank + 1)
            text = phrase(
                code,
                "need_evidence_subtype",
                subtype=label(code, "subtype", marker.subtype.value),
                turn=turn_ref(code, transcript, marker.turn),
            )
            if all(e.detail != text for e in evidence[need]):
                evidence[need].append(Evidence("context", text))
    for signal in facts.signals:
        for rank, need in enumerate(BY_SIGNAL.get(signal.kind, ())):
            weight[need] += 2.0 / (rank + 1)
            text = phrase(
                code,
                "need_evidence_signal",
                signal=label(code, "signal", signal.kind),
                turn=turn_ref(code, transcript, signal.turns[0]),
            )
            evidence[need].append(Evidence("context", text, signal.words))
    questions = section(code, "understand").get("needs", {}).get("question", {})
    ranked = sorted(weight, key=lambda n: (-weight[n], list(Need).index(n)))[:MAX_NEEDS]
    return tuple(
        NeedHypothesis(
            need=n, question=str(questions.get(n.value, n.value)), evidence=tuple(evidence[n])
        )
        for n in ranked
    )
