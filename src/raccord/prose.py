"""The formulation in sentences, written at the edge from the typed facts.

``understand`` establishes the session's facts once (``Formulation.facts``: episodes, who raised
which topic at which turn, the therapist's possible part, circles, prohibitions, what worked,
repairs that took; ``Formulation.needs``; the therapist's notes placed on the timeline). This
module is the only place they become prose, in the session's language: the text report
(``render.py``), the JSON export (``export.py``, read back by the HTML and web reports) and the
one-minute brief all call ``formulation_prose``, so they say the same thing, and a test can check
each sentence against the values it was written from (``tests/test_prose_facts.py``).

Every sentence is a hypothesis with the turns that support it, numbered as the therapist reads
them (``Turn.uid``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from raccord.detect import contribution
from raccord.lang import pack_code
from raccord.model import (
    Detection,
    Episode,
    Evidence,
    Formulation,
    SessionAnalysis,
    TherapistNote,
    Transcript,
)
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerKind,
    Need,
    RepairStrategy,
    Resolution,
    Severity,
)
from raccord.taxonomy import TherapistMoveType as M
from raccord.understand.cycles import Pair
from raccord.understand.facts import EpisodeFacts, move_at
from raccord.understand.needs import NeedFact
from raccord.understand.patient import Gender
from raccord.understand.plans import Plan
from raccord.understand.prohibitions import Prohibition
from raccord.understand.session_facts import SessionFacts
from raccord.understand.text import (
    as_said,
    join,
    label,
    phrase,
    phrase_n,
    section,
    span_ref,
    turn_ref,
    turns_ref,
    typeset,
    with_de,
)
from raccord.understand.timeline import markers_near
from raccord.understand.works import Working


@dataclass(frozen=True, slots=True)
class NeedProse:
    """A need hypothesis as the therapist reads it: a question, and what points to it."""

    need: Need
    question: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class EpisodeProse:
    """For one episode: each side's part, the interaction and the needs, in sentences."""

    episode: int
    patient_part: tuple[str, ...] = ()
    therapist_part: tuple[str, ...] = ()
    interaction: tuple[str, ...] = ()
    needs: tuple[NeedProse, ...] = ()
    topic: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class FormulationProse:
    """The post-session worksheet in sentences (the keys the JSON export has always carried)."""

    summary: tuple[str, ...] = ()
    episodes: tuple[EpisodeProse, ...] = ()
    cycles: tuple[str, ...] = ()
    what_works: tuple[str, ...] = ()
    therapist_notes: tuple[TherapistNote, ...] = ()
    open_items: tuple[str, ...] = ()
    #: topics or kinds of therapist move that repeatedly preceded markers in this session
    prohibitions: tuple[str, ...] = ()
    #: the therapist's notes on their own reactions, each placed next to the nearby markers
    timeline: tuple[str, ...] = ()


def of(analysis: SessionAnalysis) -> FormulationProse | None:
    """The prose of an analysis's formulation (``None`` when it was not computed)."""
    if analysis.formulation is None:
        return None
    return formulation_prose(analysis.transcript, analysis.detection, analysis.formulation)


def formulation_prose(
    transcript: Transcript, detection: Detection, formulation: Formulation
) -> FormulationProse:
    """Every sentence of the formulation, from its facts, in the transcript's language."""
    code = pack_code(transcript.language)
    known = formulation.facts
    notes = formulation.therapist_notes
    if known is None:
        return FormulationProse(
            therapist_notes=notes, timeline=timeline(code, transcript, detection, notes)
        )
    needs = {n.episode: n.needs for n in formulation.needs}
    circles = dict(known.circles)
    gender = known.patient_gender
    return _typeset(
        code,
        FormulationProse(
            summary=summary(code, transcript, detection, known.episodes),
            episodes=tuple(
                episode(
                    code, transcript, detection, f, circles, needs.get(f.index, ()), gender=gender
                )
                for f in known.episodes
            ),
            cycles=tuple(cycle(code, transcript, k, v) for k, v in known.circles),
            what_works=tuple(
                work(code, transcript, detection, w, gender=gender) for w in known.works
            )
            or ((phrase(code, "what_works_none"),) if detection.episodes else ()),
            therapist_notes=notes,
            open_items=open_items(code, transcript, known),
            prohibitions=tuple(
                prohibition(code, transcript, p, gender=gender) for p in known.prohibitions
            ),
            timeline=timeline(code, transcript, detection, notes),
        ),
    )


# --------------------------------------------------------------------------- the session


def summary(
    code: str, transcript: Transcript, detection: Detection, facts: tuple[EpisodeFacts, ...]
) -> tuple[str, ...]:
    """« 2 épisodes possibles : retrait (micro, résolu, tours 16–28) et … »."""
    if not facts:
        return (phrase(code, "summary_none"),)
    items = [
        phrase(
            code,
            "summary_item",
            kind=label(code, "kind", f.episode.kind.value),
            severity=label(code, "severity", f.episode.severity.value),
            resolved_rupture=label(code, "resolved_rupture", f.episode.resolved.value),
            span=span_ref(code, transcript, f.episode.start, f.episode.end),
        )
        for f in facts
    ]
    lines = [phrase_n(code, "summary_count", len(facts), items=join(code, items))]
    score = detection.scores.therapist_contribution
    if score > 0:
        # with no turn flagged the index is style alone (``render`` says so with its counts)
        flagged = contribution.profile(transcript, detection.moves).contributing
        key = "summary_contribution" if flagged else "summary_contribution_style"
        lines.append(phrase(code, key, score=round(100 * score)))
    return tuple(lines)


def cycle(code: str, transcript: Transcript, kind: str, members: tuple[Pair, ...]) -> str:
    """A vicious circle with the turns of each pair (« tours 5→6 et 7→8 »)."""
    shown = [
        phrase(code, "pair", t=transcript.turns[p.therapist].uid, p=transcript.turns[p.patient].uid)
        for p in members
    ]
    return phrase(
        code,
        "interaction_cycle",
        cycle=label(code, "cycle", kind),
        count=len(members),
        pairs=join(code, shown),
    )


def prohibition(
    code: str, transcript: Transcript, item: Prohibition, *, gender: Gender = Gender.UNKNOWN
) -> str:
    """An implicit prohibition: the move kind or the topic, and the markers that followed it."""
    turns = turns_ref(code, transcript, item.markers)
    if item.by == "move":
        return phrase(
            code,
            "prohibition_move",
            what=label(code, "signal", item.what, gender=gender),
            count=len(item.markers),
            turns=turns,
        )
    return phrase(
        code,
        "prohibition_topic",
        topic=item.what,
        topic_de=with_de(code, item.what),
        count=len(item.markers),
        turns=turns,
    )


def work(
    code: str,
    transcript: Transcript,
    detection: Detection,
    item: Working,
    *,
    gender: Gender = Gender.UNKNOWN,
) -> str:
    """What worked: the therapist's move, its turn, and the patient's answer right after (in a
    session without rupture, the way of working that kept the alliance)."""
    if item.alliance is not None:
        return phrase(
            code,
            "what_kept",
            gender=gender,
            move=_capital(label(code, "alliance", item.alliance)),
            t_turn=turn_ref(code, transcript, item.therapist),
            p_turn=turn_ref(code, transcript, item.patient),
        )
    move = move_at(detection, item.therapist)
    if item.own is not None:
        move_label = label(code, "own_repair", item.own)
    elif move is not None and move.repair is not RepairStrategy.NONE:
        move_label = label(code, "strategy", move.repair.value)
    else:
        move_label = label(code, "move", move.move.value if move else M.OTHER.value)
    after = (
        phrase(code, "what_works_after_marker", turn=turn_ref(code, transcript, item.after_marker))
        if item.after_marker is not None
        else ""
    )
    return phrase(
        code,
        "what_works_later" if item.later else "what_works",
        gender=gender,
        move=_capital(move_label),
        t_turn=turn_ref(code, transcript, item.therapist),
        p_turn=turn_ref(code, transcript, item.patient),
        words=item.words,
        after=after,
    )


def _plan_key(plan: Plan) -> str:
    """The sentence a plan for next session is told in: asked only, proposed by the therapist and
    accepted, agreed in a word, or agreed in words that say what the session will do; a task for
    the week proposed and accepted, taken up in the patient's own words, proposed without a
    clear yes, turned down, or said by the patient; a moved appointment, with the therapist's
    answer or without one, or offered by the therapist and taken up; the next appointment set at
    the end and confirmed; an agreement about the relationship."""
    if plan.appointment:
        return "open_appointment"
    if plan.relation:
        if plan.proposed and plan.agreed_at is None:
            return "open_relation_mine"
        return "open_relation" if plan.proposed else "open_relation_own"
    if plan.aside:
        if plan.agreed_at is None:
            return "open_set_aside"
        return "open_plan_aside_offered" if plan.proposed else "open_plan_aside"
    if plan.moved:
        if plan.proposed:
            return "open_moved_offered" if plan.idea is None else "open_moved_their_day"
        return "open_moved" if plan.agreed_at is None else "open_moved_agreed"
    if plan.between:
        if plan.refused is not None:
            return "open_task_refused"
        if not plan.proposed:
            return "open_task_own_optional" if plan.optional else "open_task_own"
        if plan.reshaped is not None:
            return "open_task_reshaped"
        if plan.own is not None:
            return "open_task_taken_up"
        if plan.not_homework:
            return "open_task_not_homework" if plan.idea is None else "open_task_their_choice"
        if plan.idea is not None and plan.agreed_at is not None:
            return "open_task_their_idea"
        if plan.optional and plan.agreed_at is not None:
            return "open_task_optional"
        return "open_task_unagreed" if plan.agreed_at is None else "open_task_agreed"
    if plan.agreed_at is None:
        return "open_plan_offered_unagreed" if plan.proposed else "open_plan_asked"
    if plan.proposed:
        return "open_plan_offered"
    return "open_plan" if plan.summary is None else "open_plan_summed_up"


def open_items(code: str, transcript: Transcript, known: SessionFacts) -> tuple[str, ...]:
    """What to carry to next session: first a thought the patient voiced of not coming back (the
    alliance before any subject), then what the patient asked to take up next time (the
    session's own plan), then deferrals, unresolved episodes, and withdrawals the patient came
    back from with no repair of the therapist's (« différer, oui, mais ne pas enterrer »); the
    next appointment last (a date on record, not something to take up: in the summary it must not
    push a deferral out of view)."""

    gender = known.patient_gender

    def told(plan: Plan) -> str:
        return phrase(
            code,
            _plan_key(plan),
            gender=gender,
            turn=turn_ref(code, transcript, plan.turn),
            agreed=turn_ref(code, transcript, plan.agreed_at) if plan.agreed_at is not None else "",
            refused=turn_ref(code, transcript, plan.refused) if plan.refused is not None else "",
            words=plan.words,
            summary=plan.summary or "",
            own=plan.own or "",
            idea=turn_ref(code, transcript, plan.idea) if plan.idea is not None else "",
            reshaped=turn_ref(code, transcript, plan.reshaped) if plan.reshaped is not None else "",
            who=phrase(code, "plan_answered" if plan.answered else "plan_asked", gender=gender),
            before_episodes=phrase(code, "open_before_episodes") if known.episodes else "",
        )

    def quoted(key: str, episode: Episode, turn: int, supports: str) -> str:
        """The item about the patient's turn ``turn``, quoting the episode's evidence for it."""
        words = next((e.words for e in episode.evidence if e.supports == supports and e.words), "")
        return phrase(code, key, gender=gender, turn=turn_ref(code, transcript, turn), words=words)

    items: list[str] = [told(plan) for plan in known.plans if not plan.appointment]
    # a thought of not coming back comes first: the alliance before any subject
    leaving: list[str] = []
    for f in known.episodes:
        span = span_ref(code, transcript, f.episode.start, f.episode.end)

        def spanned(case: str, f: EpisodeFacts = f) -> str:
            return span_ref(code, transcript, f.episode.start, f.episode.end, case)

        for turn in f.deferred:
            items.append(phrase(code, "open_deferred", turn=turn_ref(code, transcript, turn)))
        if f.episode.dropout is not None:
            leaving.append(quoted("open_dropout", f.episode, f.episode.dropout, "dropout"))
        if f.episode.severity is Severity.MACRO and f.episode.resolved is not Resolution.YES:
            items.append(phrase(code, "open_macro", span=span, gender=gender))
        elif f.episode.set_aside is not None:
            items.append(quoted("open_set_aside", f.episode, f.episode.set_aside, "set_aside"))
        elif f.mild:
            if f.episode.resolved is not Resolution.YES:
                items.append(
                    phrase(code, "open_watch", span=span, span_at=spanned("at"), gender=gender)
                )
        elif f.episode.resolved is not Resolution.YES:
            items.append(
                phrase(
                    code,
                    "open_unresolved",
                    gender=gender,
                    span=span,
                    span_of=spanned("of"),
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
            items.append(
                phrase(code, "open_unrepaired", span=span, span_of=spanned("of"), gender=gender)
            )
    items += [told(plan) for plan in known.plans if plan.appointment]
    return (*leaving, *items)


def _clock(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def timeline(
    code: str, transcript: Transcript, detection: Detection, notes: tuple[TherapistNote, ...]
) -> tuple[str, ...]:
    """Each of the therapist's notes with the markers near it, or flagged when there is none (the
    article: a reaction of the therapist's may signal a rupture the text does not show)."""
    lines: list[str] = []
    for note in notes:
        if note.turn is None:
            where = (
                phrase(code, "note_where_unplaced", time=_clock(note.seconds))
                if note.seconds is not None
                else phrase(code, "note_where_lost")  # a turn number the session does not have
            )
            near_text = ""
        else:
            uid = transcript.turns[note.turn].uid
            where = (
                phrase(code, "note_where_time", time=_clock(note.seconds), n=uid)
                if note.seconds is not None
                else phrase(code, "note_where_turn", n=uid)
            )
            near = markers_near(detection, note.turn)
            near_text = (
                phrase(
                    code,
                    "note_near",
                    markers=join(
                        code,
                        [
                            phrase(
                                code,
                                "note_marker",
                                kind=label(code, "kind", m.kind.value),
                                subtype=label(code, "subtype", m.subtype.value),
                                turn=turn_ref(code, transcript, m.turn),
                            )
                            for m in near
                        ],
                    ),
                )
                if near
                else phrase(code, "note_alone")
            )
        feeling = (
            phrase(code, "note_feeling", feeling=label(code, "feeling", note.feeling))
            if note.feeling
            else ""
        )
        lines.append(
            phrase(
                code, "note_line", where=where, text=note.text, feeling=feeling, near=near_text
            ).strip()
        )
    return tuple(lines)


# --------------------------------------------------------------------------- one episode


def episode(
    code: str,
    transcript: Transcript,
    detection: Detection,
    f: EpisodeFacts,
    circles: dict[str, tuple[Pair, ...]],
    needs: tuple[NeedFact, ...] = (),
    *,
    gender: Gender = Gender.UNKNOWN,
) -> EpisodeProse:
    """The patient's part, the therapist's part, the interaction and the needs of one episode."""

    def signal(kind: str) -> str:
        return label(code, "signal", kind, gender=gender)

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
    raised = f.topic_turn if f.topic_turn is not None else f.trigger
    if f.topic is not None and raised is not None:
        patient.append(
            phrase(
                code,
                "patient_topic",
                topic=as_said(code, f.topic.phrase),
                turn=turn_ref(code, transcript, raised),  # where it was said, not the trigger
            )
        )

    therapist: list[str] = []
    for s in f.signals:
        if s.kind == "missed_emotion" and s.words and len(s.turns) == 2:
            # the patient's words at one turn, the therapist's turn after: never "« peur »
            # (tours 14 et 15)", which says both turns held the word
            said, after = s.turns
            therapist.append(
                phrase(
                    code,
                    "therapist_missed_emotion",
                    words=_excerpt(s.words),
                    said=turn_ref(code, transcript, said),
                    after=turn_ref(code, transcript, after),
                )
            )
            evidence.append(Evidence("context", signal(s.kind), s.words))
            continue
        # a move the detection does not back is a lead to check, never stated as done
        key = "therapist_signal_words" if s.words else "therapist_signal"
        if not s.backed:
            key = "therapist_signal_unsure_words" if s.words else "therapist_signal_unsure"
        therapist.append(
            phrase(
                code,
                key,
                Signal=_capital(signal(s.kind)),
                signal=signal(s.kind),
                words=_excerpt(s.words or ""),
                turns=turns_ref(code, transcript, s.turns),
            )
        )
        evidence.append(Evidence("context", signal(s.kind), s.words))
    if not therapist:
        # nothing just before, but the timeline may flag your part further in the episode: say
        # so, or "none stands out" reads as a verdict on the whole episode (fresh58's review)
        later = [
            m.turn
            for m in detection.moves
            if m.contribution is not Contribution.NONE and f.episode.start < m.turn <= f.episode.end
        ]
        if later:
            flagged = turns_ref(code, transcript, later)
            therapist.append(phrase(code, "therapist_none_later", turns=flagged))
        else:
            therapist.append(phrase(code, "therapist_none"))

    interaction: list[str] = []
    marker_turns = {m.turn for m in f.markers}
    for kind_of_circle, members in circles.items():
        if any(p.patient in marker_turns for p in members):
            interaction.append(cycle(code, transcript, kind_of_circle, members))
    if not interaction and f.trigger is not None and f.markers:
        move = move_at(detection, f.trigger)
        move_label = (
            signal(f.signals[0].kind)
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
    return EpisodeProse(
        episode=f.index,
        patient_part=tuple(patient),
        therapist_part=tuple(therapist),
        interaction=tuple(interaction),
        needs=tuple(need(code, transcript, f, n, gender=gender) for n in needs),
        topic=as_said(code, f.topic.phrase) if f.topic else None,
        evidence=tuple(evidence),
    )


def need(
    code: str,
    transcript: Transcript,
    f: EpisodeFacts,
    item: NeedFact,
    *,
    gender: Gender = Gender.UNKNOWN,
) -> NeedProse:
    """A need as a question to the therapist, with the markers and moves that point to it."""
    evidence: list[Evidence] = []
    subtype_at = {m.turn: m.subtype for m in f.markers}
    for turn in item.markers:
        text = phrase(
            code,
            "need_evidence_subtype",
            subtype=label(code, "subtype", subtype_at[turn].value),
            turn=turn_ref(code, transcript, turn),
        )
        if all(e.detail != text for e in evidence):
            evidence.append(Evidence("context", text))
    for kind in item.signals:
        signal = next(s for s in f.signals if s.kind == kind)
        text = phrase(
            code,
            "need_evidence_signal",
            signal=label(code, "signal", signal.kind, gender=gender),
            turn=turn_ref(code, transcript, signal.turns[0]),
        )
        if all(e.detail != text for e in evidence):
            evidence.append(Evidence("context", text, signal.words))
    questions = section(code, "understand").get("needs", {}).get("question", {})
    return NeedProse(
        item.need, str(questions.get(item.need.value, item.need.value)), tuple(evidence)
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _excerpt(text: str, limit: int = 12) -> str:
    """At most ``limit`` words of a cue or quoted turn, so a line stays readable."""
    tokens = text.split()
    return " ".join(tokens[:limit]) + ("…" if len(tokens) > limit else "")


def _typeset(code: str, form: FormulationProse) -> FormulationProse:
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
