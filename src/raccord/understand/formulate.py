"""The post-session formulation: a worksheet the therapist reads in two minutes, then completes.

For each episode: the patient's part, the therapist's part, the interaction, and the needs the
rupture may protect; for the session: vicious circles, implicit prohibitions, what worked, the
therapist's own reactions placed next to the markers, and what stays open for next time.
Everything is a hypothesis with the turns that support it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from raccord.model import (
    Detection,
    EpisodeFormulation,
    Evidence,
    Formulation,
    TherapistNote,
    Transcript,
)
from raccord.taxonomy import EpisodeKind, MarkerKind, Resolution, Severity
from raccord.understand import cycles, prohibitions, works
from raccord.understand.facts import EpisodeFacts, move_at
from raccord.understand.needs import needs_for
from raccord.understand.session_facts import SessionFacts, session_facts
from raccord.understand.text import (
    join,
    label,
    pack_code,
    phrase,
    phrase_n,
    span_ref,
    turn_ref,
    turns_ref,
    typeset,
)
from raccord.understand.timeline import place_notes, timeline


def formulate(
    transcript: Transcript, detection: Detection, *, notes: Iterable[TherapistNote] = ()
) -> Formulation:
    """The formulation of one session, in the transcript's language."""
    code = pack_code(transcript.language)
    known = session_facts(transcript, detection, code)
    facts = known.episodes
    all_pairs = known.pairs
    circles = dict(known.circles)
    placed = place_notes(transcript, tuple(notes))

    episodes = tuple(
        _episode(code, transcript, detection, f, all_pairs, circles)
        for f in sorted(facts, key=lambda f: f.index)
    )
    found_prohibitions = known.prohibitions
    working = known.works
    what_works = tuple(works.describe(code, transcript, detection, w) for w in working) or (
        (phrase(code, "what_works_none"),) if detection.episodes else ()
    )
    return _typeset(
        code,
        Formulation(
            summary=_summary(code, transcript, detection, facts),
            episodes=episodes,
            cycles=tuple(cycles.describe(code, transcript, k, v) for k, v in circles.items()),
            what_works=what_works,
            therapist_notes=placed,
            open_items=_open_items(code, transcript, facts, known),
            prohibitions=tuple(
                prohibitions.describe(code, transcript, p) for p in found_prohibitions
            ),
            timeline=timeline(code, transcript, detection, placed),
            facts=known,
        ),
    )


def _summary(
    code: str, transcript: Transcript, detection: Detection, facts: tuple[EpisodeFacts, ...]
) -> tuple[str, ...]:
    if not facts:
        return (phrase(code, "summary_none"),)
    items = [
        phrase(
            code,
            "summary_item",
            kind=label(code, "kind", f.episode.kind.value),
            severity=label(code, "severity", f.episode.severity.value),
            resolved=label(code, "resolved", f.episode.resolved.value),
            span=span_ref(code, transcript, f.episode.start, f.episode.end),
        )
        for f in facts
    ]
    lines = [phrase_n(code, "summary_count", len(facts), items=join(code, items))]
    score = detection.scores.therapist_contribution
    if score > 0:
        lines.append(phrase(code, "summary_contribution", score=round(100 * score)))
    return tuple(lines)


def _episode(
    code: str,
    transcript: Transcript,
    detection: Detection,
    f: EpisodeFacts,
    all_pairs: tuple[cycles.Pair, ...],
    circles: dict[str, tuple[cycles.Pair, ...]],
) -> EpisodeFormulation:
    evidence: list[Evidence] = []
    patient: list[str] = []
    by_kind: dict[MarkerKind, list[int]] = {}
    for m in f.markers:
        by_kind.setdefault(m.kind, []).append(m.turn)
    for kind, turns in by_kind.items():
        subtypes = list(dict.fromkeys(m.subtype for m in f.markers if m.kind is kind))
        patient.append(
            phrase_n(
                code,
                "patient_marker",
                len(turns),
                kind=label(code, "kind", kind.value),
                subtypes=join(code, [label(code, "subtype", s.value) for s in subtypes]),
                turns=turns_ref(code, transcript, turns),
            )
        )
    counts = Counter(m.subtype for m in detection.markers if m.kind is not MarkerKind.NONE)
    for subtype in f.subtypes:
        if counts[subtype] >= 2:
            turns = [m.turn for m in detection.markers if m.subtype is subtype]
            patient.append(
                phrase(
                    code,
                    "patient_recurring",
                    subtype=label(code, "subtype", subtype.value),
                    count=counts[subtype],
                    turns=turns_ref(code, transcript, turns),
                )
            )
    if f.topic is not None and f.trigger is not None:
        patient.append(
            phrase(
                code,
                "patient_topic",
                topic=f.topic.phrase,
                turn=turn_ref(code, transcript, f.trigger),
            )
        )

    therapist: list[str] = []
    for s in f.signals:
        # a move the detection does not back is a lead to check, never stated as done
        key = "therapist_signal_words" if s.words else "therapist_signal"
        if not s.backed:
            key = "therapist_signal_unsure_words" if s.words else "therapist_signal_unsure"
        therapist.append(
            phrase(
                code,
                key,
                Signal=_capital(label(code, "signal", s.kind)),
                signal=label(code, "signal", s.kind),
                words=_excerpt(s.words or ""),
                turns=turns_ref(code, transcript, s.turns),
            )
        )
        evidence.append(Evidence("context", label(code, "signal", s.kind), s.words))
    if not therapist:
        therapist.append(phrase(code, "therapist_none"))

    interaction: list[str] = []
    marker_turns = {m.turn for m in f.markers}
    for cycle, members in circles.items():
        if any(p.patient in marker_turns for p in members):
            interaction.append(cycles.describe(code, transcript, cycle, members))
    if not interaction and f.trigger is not None and f.markers:
        move = move_at(detection, f.trigger)
        move_label = (
            label(code, "signal", f.signals[0].kind)
            if f.signals and f.signals[0].backed and f.trigger in f.signals[0].turns
            else label(code, "move", move.move.value if move else "other")
        )
        first = f.markers[0]
        interaction.append(
            phrase(
                code,
                "interaction_single",
                move=move_label,
                t_turn=turn_ref(code, transcript, f.trigger),
                marker=label(code, "subtype", first.subtype.value),
                p_turn=turn_ref(code, transcript, first.turn),
            )
        )
    return EpisodeFormulation(
        episode=f.index,
        patient_part=tuple(patient),
        therapist_part=tuple(therapist),
        interaction=tuple(interaction),
        needs=needs_for(code, transcript, f),
        topic=f.topic.phrase if f.topic else None,
        evidence=tuple(evidence),
    )


def _open_items(
    code: str, transcript: Transcript, facts: tuple[EpisodeFacts, ...], known: SessionFacts
) -> tuple[str, ...]:
    """What to carry to next session: deferrals, unresolved episodes, and withdrawals the patient
    came back from with no repair of the therapist's (« différer, oui, mais ne pas enterrer »)."""
    items: list[str] = []
    for f in facts:
        span = span_ref(code, transcript, f.episode.start, f.episode.end)
        for turn in f.deferred:
            items.append(phrase(code, "open_deferred", turn=turn_ref(code, transcript, turn)))
        if f.episode.severity is Severity.MACRO and f.episode.resolved is not Resolution.YES:
            items.append(phrase(code, "open_macro", span=span))
        elif f.episode.resolved is not Resolution.YES:
            items.append(
                phrase(
                    code,
                    "open_unresolved",
                    span=span,
                    kind=label(code, "kind", f.episode.kind.value),
                    resolved=label(code, "resolved", f.episode.resolved.value),
                )
            )
        elif (
            f.episode.kind is EpisodeKind.WITHDRAWAL
            and not f.episode.repairs
            and not known.repairs_of(f.index)
            and not f.deferred
        ):
            items.append(phrase(code, "open_unrepaired", span=span))
    return tuple(items)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _excerpt(text: str, limit: int = 12) -> str:
    """At most ``limit`` words of a cue or quoted turn, so a line stays readable."""
    tokens = text.split()
    return " ".join(tokens[:limit]) + ("…" if len(tokens) > limit else "")


def _typeset(code: str, form: Formulation) -> Formulation:
    """Every sentence of the formulation finished by the language's typography."""

    def each(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(typeset(code, item) for item in items)

    episodes = tuple(
        replace(
            ef,
            patient_part=each(ef.patient_part),
            therapist_part=each(ef.therapist_part),
            interaction=each(ef.interaction),
            needs=tuple(replace(n, question=typeset(code, n.question)) for n in ef.needs),
        )
        for ef in form.episodes
    )
    return replace(
        form,
        summary=each(form.summary),
        episodes=episodes,
        cycles=each(form.cycles),
        what_works=each(form.what_works),
        open_items=each(form.open_items),
        prohibitions=each(form.prohibitions),
        timeline=each(form.timeline),
    )
