"""Rupture episodes: from the first client marker to the turn where the client is engaged again.

The coding convention of ``ANNOTATION.md``: markers close together belong to one episode; the
episode ends at the first patient turn that shows the patient engaged again (a substantive turn of
their own that is not itself a marker, nor the tail of a turn cut by a backchannel), or at the last
turn when that never happens. Episode resolution may look forward in the session; markers never do.

A single marker of the lowest salience that the detector is unsure of (``LONE_MIN_CONFIDENCE``)
opens no episode; it stays on the timeline as a possible marker.

Severity: ``macro`` when the work stops (the session ends inside the episode after more than one
marker, and nothing the therapist did inside it was a repair) or a marker is strong (salience 4 or
more), or the patient says in it, in the few turns after it (``DROPOUT_AFTER``) or later in the
session before another episode begins, that they thought of not coming back (« je me suis dit que
je reviendrais pas », "I almost cancelled": the pack's ``dropout`` cues), else ``micro``. An episode the therapist was still working on when the session ended is not
a session that "ends badly": a blind review found a disagreement the therapist had invited and was
negotiating at the end called « macro-rupture… risque d'abandon »; on the cross-validated
detections of the seventh session the condition moved severity agreement by −0.02 / +0.06 /
−0.02 / 0.00 (AnnoMI EN / FR, psychotherapy EN / FR, about 50–75 matched episodes each). A clear (salience 3) complaint
about the therapist, the frame or the progress made an episode macro too until the sixth session:
on the cross-validated detections of the labelled sessions (full mode, matched episodes) that rule
agreed with the coders' severity on 0.58 (AnnoMI) / 0.55 (psychotherapy) of episodes and called
27 % / 43 % of them macro, against 0.80 / 0.80 and 12 % / 13 % without it (the coders: 12 % /
17 %); a clinician's blind review found every last episode of four sessions called macro.

Resolution: ``yes`` when the patient re-engages after the
therapist attended to them inside the episode (a repair, or a move that follows the patient: a
reflection, a validation, an affirmation, meta-communication), ``partly`` when they re-engage
after moves that did not (questions, advice, information, a change of topic: the patient came
back, the rupture was not worked on — « on peut parler d'autre chose ? » followed by a new
question is avoidance, not repair — or when the patient sets its subject aside for now, "But not
today", « plus tard, peut-être »: left open on purpose), ``no`` when the session ends inside the
episode.

The resolution rule was chosen among six on the cross-validated detections of the labelled
sessions (agreement with the coders' ``resolved`` on matched episodes, fast mode: AnnoMI 0.66 EN
/ 0.58 FR, psychotherapy 0.74 / 0.59, against 0.53 / 0.49 / 0.68 / 0.56 when a detected repair
was required). Counting open questions as attending agreed a little more (0.70 / 0.65 / 0.74 /
0.62), and calling every re-engagement resolved more still on AnnoMI (0.75–0.78, where three
episodes in four are coded resolved), but both call a topic the patient asked to leave, or a
withdrawal nobody worked on, repaired: the mistake a clinician notices first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from raccord.detect.signals import TONE_IRRITATION, Pack, TurnSignals
from raccord.model import Episode, Evidence, Marker, TherapistMove
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerKind,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
)

#: Words a patient turn needs to count as engaged again.
ENGAGED_WORDS = 6
#: A lone marker below this confidence, at the lowest salience, stays a marker on the timeline
#: but opens no episode: a possible passing tension is not yet a rupture to formulate and repair.
LONE_MIN_CONFIDENCE = 0.5
#: Patient turns after an episode's end where a thought of dropping out still belongs to it (it is
#: often said once the rupture is being talked about: « j'ai failli ne pas revenir »).
DROPOUT_AFTER = 6
#: Turns after an episode's end where the patient setting its subject aside still belongs to it.
DEFER_AFTER = 2
#: Patient turns (the one that ended a group of markers included) within which the next marker
#: rejoins that group when the therapist pressed on and repaired nothing in between
#: (``_rejoined``).
REJOIN_TURNS = 1

#: Moves that attend to the patient: re-engaging after one of these is a rupture worked on.
ATTENDING = frozenset(
    {
        TherapistMoveType.SIMPLE_REFLECTION,
        TherapistMoveType.COMPLEX_REFLECTION,
        TherapistMoveType.VALIDATION,
        TherapistMoveType.AFFIRMATION,
        TherapistMoveType.META_COMMUNICATION,
        TherapistMoveType.SELF_DISCLOSURE,
        TherapistMoveType.ADVICE_WITH_PERMISSION,
    }
)


def _engaged(s: TurnSignals) -> bool:
    return (
        s.role is Role.PATIENT
        and not s.continuation
        and not s.backchannel
        and s.words >= ENGAGED_WORDS
        and s.irritation < TONE_IRRITATION
    )


def _patient_said(
    signals: Sequence[TurnSignals], start: int, end: int, family: str, after: int
) -> TurnSignals | None:
    """The first patient turn of the episode, or of the ``after`` turns that follow it, where the
    pack's ``family`` of cues fired (``dropout``, ``defers``)."""
    last = min(end + after, len(signals) - 1)
    return next(
        (s for s in signals[start : last + 1] if s.role is Role.PATIENT and getattr(s, family) > 0),
        None,
    )


def _aside_evidence(p: Pack, aside: TurnSignals | None) -> tuple[Evidence, ...]:
    if aside is None:
        return ()
    words = aside.said("defers")
    detail = p.signal_templates.get("set_aside", "{words}").format(words=words)
    return (Evidence("cue", detail, words=words, supports="set_aside"),)


def build(
    p: Pack,
    signals: Sequence[TurnSignals],
    markers: Sequence[Marker],
    moves: Sequence[TherapistMove] = (),
) -> tuple[Episode, ...]:
    """Group markers into episodes with trigger, repairs, severity and resolution."""
    if not markers:
        return ()
    by_turn = {m.turn: m for m in markers}
    repairs = {m.turn for m in moves if m.repair is not RepairStrategy.NONE}
    attended = repairs | {m.turn for m in moves if m.move in ATTENDING}
    last = len(signals) - 1
    groups: list[tuple[list[Marker], int | None]] = []
    current: list[Marker] = []
    for s in signals:
        if s.role is not Role.PATIENT:
            continue
        marker = by_turn.get(s.index)
        if marker is not None:
            current.append(marker)
        elif current and _engaged(s):
            groups.append((current, s.index))
            current = []
    if current:
        groups.append((current, None))
    pressed = {m.turn for m in moves if m.contribution is not Contribution.NONE}
    groups = _rejoined(groups, signals, repairs, pressed)

    episodes: list[Episode] = []
    for group, end_turn in groups:
        if len(group) == 1 and group[0].salience <= 2 and group[0].confidence < LONE_MIN_CONFIDENCE:
            continue
        start = group[0].turn
        end = last if end_turn is None else end_turn
        kinds = {m.kind for m in group}
        if kinds == {MarkerKind.WITHDRAWAL}:
            kind = EpisodeKind.WITHDRAWAL
        elif kinds == {MarkerKind.CONFRONTATION}:
            kind = EpisodeKind.CONFRONTATION
        else:
            kind = EpisodeKind.MIXED
        trigger = signals[start].answers
        fixes = tuple(t for t in range(start + 1, end + 1) if t in repairs)
        # the patient set the subject aside for now ("Probably my dad, too… But not today"),
        # inside the episode or as they came back: what was worked on is repaired, the subject
        # is left open
        aside = _patient_said(signals, start, end, "defers", DEFER_AFTER)
        if end_turn is None:
            resolved = Resolution.NO
        elif any(t in attended for t in range(start + 1, end + 1)) and aside is None:
            resolved = Resolution.YES
        else:
            resolved = Resolution.PARTLY
        strong = any(m.salience >= 4 for m in group)
        ends_badly = end_turn is None and len(group) >= 2 and not fixes
        dropout = _patient_said(signals, start, end, "dropout", DROPOUT_AFTER)
        severity = Severity.MACRO if strong or ends_badly or dropout else Severity.MICRO
        episodes.append(
            Episode(
                start=start,
                end=end,
                kind=kind,
                severity=severity,
                resolved=resolved,
                markers=tuple(m.turn for m in group),
                trigger=trigger,
                repairs=fixes,
                evidence=(
                    *_aside_evidence(p, aside),
                    *_dropout_evidence(p, dropout),
                ),
                set_aside=None if aside is None else aside.index,
                dropout=None if dropout is None else dropout.index,
            )
        )
    return tuple(
        _described(p, e) for e in _left_open(p, signals, _thought_of_leaving(p, signals, episodes))
    )


def _described(p: Pack, e: Episode) -> Episode:
    """The episode with its summary first in its evidence, written once its severity and
    resolution are final (the later passes may change them)."""
    template = p.signal_templates.get("episode", "{kind} {severity} {start}-{end}: {resolved}")
    detail = template.format(
        kind=p.signal_templates.get(f"kind_{e.kind.value}", e.kind.value),
        severity=p.signal_templates.get(f"severity_{e.severity.value}", e.severity.value),
        start=e.start,
        end=e.end,
        resolved=p.signal_templates.get(f"resolved_{e.resolved.value}", e.resolved.value),
    )
    return replace(e, evidence=(Evidence("context", detail), *e.evidence))


def _dropout_evidence(
    p: Pack, said: TurnSignals | None, later: bool = False
) -> tuple[Evidence, ...]:
    if said is None:
        return ()
    words = said.said("dropout")
    template = p.signal_templates.get("dropout_later" if later else "dropout", "{words}")
    return (Evidence("cue", template.format(words=words), words=words, supports="dropout"),)


def _last_begun_before(episodes: Sequence[Episode], turn: int) -> int | None:
    """The index of the last episode that began before ``turn``: what the patient says later in
    the session (a thought of leaving, what is still open) belongs to it."""
    return next((k for k in range(len(episodes) - 1, -1, -1) if episodes[k].start < turn), None)


def _thought_of_leaving(
    p: Pack, signals: Sequence[TurnSignals], episodes: list[Episode]
) -> list[Episode]:
    """A thought of not coming back said later in the session (« Je vous avoue que tout à
    l'heure, je me suis dit que je reviendrais pas », at the door, twelve patient turns after the
    rupture was worked through: fresh62's review found it nowhere in the report) belongs to the
    last episode begun before it: that episode is macro, and the words are its evidence."""
    out = list(episodes)
    for s in signals:
        if s.role is not Role.PATIENT or s.dropout <= 0:
            continue
        k = _last_begun_before(out, s.index)
        if k is None or out[k].dropout is not None:
            continue
        out[k] = replace(
            out[k],
            severity=Severity.MACRO,
            dropout=s.index,
            evidence=(*out[k].evidence, *_dropout_evidence(p, s, later=True)),
        )
    return out


def _rejoined(
    groups: list[tuple[list[Marker], int | None]],
    signals: Sequence[TurnSignals],
    repairs: set[int],
    pressed: set[int],
) -> list[tuple[list[Marker], int | None]]:
    """Groups of markers rejoined when the patient's return between them was brief: the next
    marker comes within ``REJOIN_TURNS`` patient turns of the turn that ended the first group,
    and the therapist pressed on (a contribution) and repaired nothing in between. A coder reads such a stretch as one rupture
    (fresh60, fresh62: "Dunno. Nothing really. It's her life." … "I've said. It's her life." …
    "You've already decided what I felt" coded as one macro-rupture, detected as two
    micro-ruptures, so the brief called its start a tension on slight evidence)."""
    if len(groups) < 2:
        return groups
    out = [groups[0]]
    for markers, end in groups[1:]:
        first, back = out[-1]
        start = markers[0].turn
        if back is not None:
            between = [s for s in signals[back:start] if s.role is Role.PATIENT]
            if (
                len(between) <= REJOIN_TURNS
                and not any(back < t < start for t in repairs)
                and any(back < t < start for t in pressed)
            ):
                out[-1] = ([*first, *markers], end)
                continue
        out.append((markers, end))
    return out


def _left_open(p: Pack, signals: Sequence[TurnSignals], episodes: list[Episode]) -> list[Episode]:
    """An episode called resolved is only partly so when the patient says, later in the session,
    what the repair left open (« Bon, tout n'est pas réglé, hein », "I'm still a bit sore about
    it", the pack's ``residue`` cues): fresh46–48's reviews found such episodes reported as
    repaired. The words count for the last episode begun before them."""
    out = list(episodes)
    for s in signals:
        if s.role is not Role.PATIENT or s.residue <= 0:
            continue
        k = _last_begun_before(out, s.index)
        if k is None or out[k].resolved is not Resolution.YES:
            continue
        said = s.said("residue")
        detail = p.signal_templates.get("left_open", "{words}").format(words=said)
        out[k] = replace(
            out[k],
            resolved=Resolution.PARTLY,
            evidence=(*out[k].evidence, Evidence("context", detail, said or None)),
        )
    return out
