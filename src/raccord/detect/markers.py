"""From signals to rupture markers: each a hypothesis with its evidence.

The rule a clinician applies is *function in context*: the same words are a marker or not depending
on what the therapist had just done. So a cue of the language pack can require a context
(``needs``): "I've heard it all before" counts after the therapist lectured, not in a story about a
doctor; a flat "okay" counts as appeasing after a demand for commitment, not after a greeting.
The guards of ``ANNOTATION.md`` are applied here:

- a short answer to a closed question is not a marker; a short answer that shuts an open invitation
  (or a pressing question) is;
- polite genuine agreement is not appeasement: compliance counts only after pressure or a demand,
  or while a rupture is already under way, and not when the patient elaborates change in own words;
- distress about life outside therapy is not a rupture: painful content alone never fires;
- a backchannel the therapist talks through is not a marker (unless irritated: "yeah, yeah");
- ambivalence raised unprompted is not a marker; "yes, but" in answer to pressure is.

Only turns up to *i* (and the therapist turn it answers) are used to raise a marker on turn *i*.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from raccord.detect.signals import CueHit, Pack, TurnSignals
from raccord.model import Evidence, Marker
from raccord.taxonomy import MarkerSubtype, Role

S = MarkerSubtype

#: Score a subtype must reach for a marker to be raised (salience 2).
THRESHOLD = 2.0
#: Pressure score from which the therapist turn counts as argue / warn / lecture / push.
PRESSURE = 1.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A subtype's score on one turn with the reasons behind it."""

    subtype: MarkerSubtype
    score: float
    evidence: tuple[Evidence, ...]


class _Scorer:
    """Accumulates subtype scores and the evidence for each."""

    def __init__(self) -> None:
        self.score: dict[MarkerSubtype, float] = {}
        self.why: dict[MarkerSubtype, list[Evidence]] = {}

    def add(self, subtype: MarkerSubtype, value: float, evidence: Evidence | None) -> None:
        if value <= 0:
            return
        self.score[subtype] = self.score.get(subtype, 0.0) + value
        if evidence is not None:
            self.why.setdefault(subtype, []).append(evidence)

    def best(self) -> Candidate | None:
        if not self.score:
            return None
        subtype = max(self.score, key=lambda k: self.score[k])
        return Candidate(subtype, self.score[subtype], tuple(self.why.get(subtype, ())))


def _fmt(template: str, **values: object) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def _signal(p: Pack, key: str, **values: object) -> Evidence:
    words = values.get("words")
    detail = _fmt(p.signal_templates.get(key, key), **values)
    return Evidence("signal", detail, words if isinstance(words, str) and words else None)


def _context(p: Pack, s: TurnSignals, key: str) -> Evidence:
    words = s.said(key)
    return Evidence("context", _fmt(p.signal_templates.get(key, key), words=words), words or None)


def _needs_met(need: str | None, s: TurnSignals, climate: bool) -> float:
    """How much of a cue counts given its required context (1 = fully, 0 = not at all)."""
    pressured = s.pressure >= PRESSURE
    if need is None:
        return 1.0
    if need == "pressure":
        if pressured:
            return 1.0
        return 0.7 if climate and s.pressure > 0 else (0.5 if climate else 0.0)
    if need == "directive":
        if s.directive >= 1.0 or s.pressure >= 1.5:
            return 1.0
        return 0.6 if climate else 0.0
    if need == "question":
        return 1.0 if s.question != "none" or s.invite > 0 else 0.0
    if need == "climate":
        return 1.0 if climate else 0.0
    return 1.0


def score_turn(p: Pack, s: TurnSignals, *, climate: bool) -> Candidate | None:
    """The most likely marker subtype on a patient turn, or ``None`` below threshold."""
    sc = _Scorer()
    pressured = s.pressure >= PRESSURE
    irritated = s.irritation >= 1.5
    # a backchannel the therapist talks straight through is not a marker
    if s.therapist_cut_off and s.backchannel and not irritated:
        return None
    if s.words == 0 and s.silence is None:
        return None

    # 1. pack cues of each subtype, counted when their context holds
    best_hit: dict[str, CueHit] = {}
    for hit in s.cues:
        share = _needs_met(hit.needs, s, climate)
        if share <= 0:
            continue
        subtype = S(hit.family)
        detail = _fmt(p.templates.get(hit.family, "{words}"), words=hit.words)
        sc.add(subtype, hit.weight * share, Evidence("cue", detail, hit.words))
        if hit.family not in best_hit or hit.weight > best_hit[hit.family].weight:
            best_hit[hit.family] = hit

    substantive = s.words > 3
    # 2. "yes, but" and self-justification in answer to pressure
    if (pressured or (climate and s.pressure > 0)) and substantive:
        factor = 1.0 if pressured else 0.6
        if s.justify > 0:
            sc.add(
                S.DEFENDS_SELF,
                factor * min(s.justify, 3.0),
                _signal(p, "justify", words=s.said("justify")),
            )
        if s.disagree > 0:
            sc.add(
                S.REJECTS_INTERVENTION,
                factor * 0.8 * min(s.disagree, 3.0),
                _signal(p, "yes_but", words=s.said("disagree")),
            )
        if sc.score:
            for subtype in (S.DEFENDS_SELF, S.REJECTS_INTERVENTION):
                if subtype in sc.score:
                    sc.why.setdefault(subtype, []).append(_context(p, s, "pressure"))

    # 3. irritation that closes the therapist off
    if s.irritation > 0 and (irritated or pressured or climate):
        sc.add(
            S.REJECTS_INTERVENTION,
            min(s.irritation, 3.0),
            _signal(p, "irritation", words=s.said("irritation")),
        )

    # 4. compliance after a demand or while a rupture is under way: appeasing
    demanded = s.directive >= 1.0 or s.pressure >= 1.5
    if (
        s.compliance > 0
        and s.words <= 18
        and (demanded or (climate and (pressured or s.directive > 0)))
        and s.disagree < 1.0
        and not irritated
    ):
        value = 1.0 + 0.5 * min(s.compliance, 2.0)
        value += 0.5 if s.directive >= 1.0 else 0.0
        value += 0.5 if climate else 0.0
        if s.change_talk > 0 and s.words > 10:
            value -= 1.0
        sc.add(S.DEFERENTIAL_APPEASING, value, _signal(p, "compliance", words=s.said("compliance")))
        sc.why.setdefault(S.DEFERENTIAL_APPEASING, []).append(
            _context(p, s, "directive" if s.directive >= 1.0 else "pressure")
        )

    # 5. a very short reply that shuts an invitation or a pressing question
    invited = s.question == "open" or s.invite > 0 or (s.question != "none" and pressured)
    if s.words <= 4 and invited and not s.therapist_cut_off and s.compliance < 1.0:
        value = 1.2 + 0.5 * min(s.minimal, 2.0)
        if s.backchannel:
            value += 0.5
        if pressured:
            value += 0.5
        if s.length_ratio is not None and s.length_ratio < 0.3:
            value += 0.3
        if s.minimal > 0 or s.backchannel:
            sc.add(
                S.MINIMAL_RESPONSE,
                value,
                _signal(p, "short", words=s.words, median=_num(s.baseline_words)),
            )
    if s.silence is not None and s.silence >= 5 and invited:
        sc.add(S.MINIMAL_RESPONSE, 1.0, _signal(p, "silence", words=f"{s.silence:g} s"))

    # 6. painful content with laughter written in the transcript
    if "laughter" in s.nonverbal and s.painful >= 1.5:
        sc.add(
            S.CONTENT_AFFECT_SPLIT,
            2.0 + 0.3 * min(s.painful, 3.0),
            _signal(p, "laughter", words=s.said("painful")),
        )

    # 7. general, impersonal talk in answer to an invitation or pressure
    if (
        s.words >= 10
        and (invited or pressured)
        and s.impersonal > 2 * max(s.first_person, 0.02)
        and s.first_person < 0.05
    ):
        sc.add(S.ABSTRACT_COMMUNICATION, 1.0, None)

    # 8. moving off the subject (semantic continuity, full mode)
    if (
        s.semantic_continuity is not None
        and s.words >= 6
        and (s.question == "open" or s.invite > 0)
        and s.semantic_continuity < 0.12
        and (s.lexical_continuity or 0.0) == 0.0
    ):
        sc.add(
            S.TOPIC_SHIFT, 1.2, _signal(p, "low_continuity", words=f"{s.semantic_continuity:.2f}")
        )

    if climate and sc.score:
        top = max(sc.score.values())
        if top >= THRESHOLD - 0.6:
            sub = max(sc.score, key=lambda k: sc.score[k])
            sc.add(sub, 0.3, _signal(p, "climate"))
    best = sc.best()
    if best is None or best.score < THRESHOLD:
        return None
    return best


def _num(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def salience(score: float) -> int:
    """Salience 2–5 from a subtype score (≥ THRESHOLD)."""
    if score < 3.0:
        return 2
    if score < 4.5:
        return 3
    if score < 6.0:
        return 4
    return 5


def confidence(score: float) -> float:
    return round(min(0.95, max(0.05, 1.0 - math.exp(-score / 3.0))), 3)


def find(p: Pack, signals: Sequence[TurnSignals]) -> tuple[Marker, ...]:
    """Markers on patient turns, in order; each uses only the turns before it."""
    out: list[Marker] = []
    recent: list[bool] = []
    for s in signals:
        if s.role is not Role.PATIENT:
            continue
        climate = any(recent[-2:])
        candidate = score_turn(p, s, climate=climate)
        if candidate is None:
            recent.append(False)
            continue
        recent.append(True)
        out.append(
            Marker(
                turn=s.index,
                kind=candidate.subtype.kind,
                subtype=candidate.subtype,
                salience=salience(candidate.score),
                confidence=confidence(candidate.score),
                evidence=_dedupe(candidate.evidence),
            )
        )
    return tuple(out)


def _dedupe(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    seen: set[str] = set()
    out: list[Evidence] = []
    for e in evidence:
        if e.detail in seen or not e.detail:
            continue
        seen.add(e.detail)
        out.append(e)
    return tuple(out)
