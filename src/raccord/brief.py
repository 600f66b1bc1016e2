"""The report read in one minute: what a clinician needs first, picked from the analysis.

After a session a therapist has a minute, not an hour. The brief picks the two or three moments
that matter (macro and unrepaired episodes first, then the most salient markers), each with its
turn, its time and the patient's own words; what worked and is worth repeating; one statement
to use next session; the open items carried over; and places the therapist's own notes next to
the moment they match, or flags them when no marker is nearby (the article: a reaction of the
therapist's may signal a rupture the text does not show). It only selects from the analysis
(facts already established by detection and understanding); rendering is ``render.py``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord import moments, prose
from raccord.model import Marker, SessionAnalysis, Suggestion, TherapistNote
from raccord.taxonomy import RepairApproach, Resolution, Severity, Timing
from raccord.understand.timeline import markers_near

MOMENTS = moments.MOMENTS


@dataclass(frozen=True, slots=True)
class Moment:
    """One moment that matters: the marker that stands for it and the episode it belongs to."""

    marker: Marker
    episode: int | None
    notes: tuple[int, ...] = ()  # indexes into the formulation's notes


@dataclass(frozen=True, slots=True)
class Brief:
    moments: tuple[Moment, ...]
    worked: str | None
    next_session: Suggestion | None
    open_items: tuple[str, ...]
    lone_notes: tuple[int, ...]  # notes with no marker nearby, or not matched to a moment
    unresolved: int
    #: the session agreed what to take up next time: the first open item says it, and comes
    #: before any sentence prepared to go back to an episode
    planned: bool = False


def _moments(analysis: SessionAnalysis) -> list[Moment]:
    det = analysis.detection
    by_turn = {m.turn: m for m in det.markers}
    facts = analysis.formulation.facts if analysis.formulation is not None else None
    # a marker said in answer to the therapist's invitation may be the repair under way: another
    # marker of the episode stands for it when there is one
    invited = {i.marker for i in facts.invited} if facts is not None else set()
    spans = [
        moments.Span(ep.markers, ep.severity is Severity.MACRO, ep.resolved.value)
        for ep in det.episodes
    ]
    spots = [moments.Spot(m.turn, m.salience, m.confidence) for m in det.markers]
    planned = {p.turn for p in facts.plans if not p.proposed} if facts is not None else set()
    return [
        Moment(by_turn[s.turn], index)
        for s, index in moments.choose(spans, spots, invited, MOMENTS, planned)
    ]


def _span(analysis: SessionAnalysis, moment: Moment) -> tuple[int, int]:
    if moment.episode is None:
        return moment.marker.turn, moment.marker.turn
    ep = analysis.detection.episodes[moment.episode]
    return ep.start, ep.end


def _with_notes(
    analysis: SessionAnalysis, moments: list[Moment], notes: tuple[TherapistNote, ...]
) -> tuple[list[Moment], tuple[int, ...]]:
    attached: dict[int, list[int]] = {}
    lone: list[int] = []
    for i, note in enumerate(notes):
        near = markers_near(analysis.detection, note.turn) if note.turn is not None else []
        home = next(
            (
                k
                for k, m in enumerate(moments)
                if any(_span(analysis, m)[0] <= n.turn <= _span(analysis, m)[1] for n in near)
            ),
            None,
        )
        if home is None:
            lone.append(i)
        else:
            attached.setdefault(home, []).append(i)
    placed = [
        Moment(m.marker, m.episode, tuple(attached.get(k, ()))) for k, m in enumerate(moments)
    ]
    return placed, tuple(lone)


def _next_session(analysis: SessionAnalysis, moments: list[Moment]) -> Suggestion | None:
    """A statement meant for next session (worded for it), for the most important episode left
    unresolved or deferred in session (« différer, oui, mais ne pas enterrer »)."""
    det = analysis.detection
    facts = analysis.formulation.facts if analysis.formulation is not None else None
    deferred = {f.index for f in facts.episodes if f.deferred} if facts is not None else set()
    # a possible, mild tension is kept in mind, not brought back to the patient (a review found a
    # sentence prepared for one, telling a patient what he had felt when he had just said he
    # disliked being told)
    mild = {f.index for f in facts.episodes if f.mild} if facts is not None else set()
    order = [m.episode for m in moments if m.episode is not None]
    order += [i for i in range(len(det.episodes)) if i not in order]
    for index in order:
        if index not in deferred and (
            det.episodes[index].resolved is Resolution.YES or index in mild
        ):
            continue
        for s in analysis.suggestions:
            if (
                s.episode == index
                and s.timing is Timing.NEXT_SESSION
                and s.approach is RepairApproach.DIRECT
                and s.done_at is None
            ):
                return s
    return None


def _worked(
    analysis: SessionAnalysis, moments: list[Moment], text: prose.FormulationProse | None
) -> str | None:
    """A repair the therapist made that took (reflected back by ``repair``): in a macro-rupture
    first, then for the moments that matter in their order; else the formulation's first item of
    what worked. (A review found a reflection at turn 7, after a brief topic shift, summed up as
    what worked, over the apology and meta-communication that mended the session's
    macro-rupture.)"""
    done = [s for s in analysis.suggestions if s.done_at is not None]
    order = [m.episode for m in moments if m.episode is not None]
    macro = {k for k, e in enumerate(analysis.detection.episodes) if e.severity is Severity.MACRO}
    # within a moment, a repair by owning a part (direct) before an indirect one
    done.sort(
        key=lambda s: (
            s.episode not in macro,
            order.index(s.episode) if s.episode in order else len(order),
            s.approach is not RepairApproach.DIRECT,
        )
    )
    if done:
        return done[0].text
    return text.what_works[0] if text is not None and text.what_works else None


def brief(analysis: SessionAnalysis, text: prose.FormulationProse | None = None) -> Brief:
    """The one-minute summary of ``analysis`` (``text``: its formulation's prose, when the caller
    already has it)."""
    text = text if text is not None else prose.of(analysis)
    form = analysis.formulation
    notes = form.therapist_notes if form is not None else ()
    moments, lone = _with_notes(analysis, _moments(analysis), notes)
    return Brief(
        moments=tuple(moments),
        worked=_worked(analysis, moments, text),
        next_session=_next_session(analysis, moments),
        open_items=text.open_items if text is not None else (),
        lone_notes=lone,
        unresolved=sum(ep.resolved is not Resolution.YES for ep in analysis.detection.episodes),
        # the next appointment alone is a date on record, and an agreement about the relationship
        # a stance to hold, a subject the patient set aside theirs to bring back: none is a plan
        # that opens the next session
        planned=bool(
            form is not None
            and form.facts is not None
            and any(not (p.appointment or p.relation or p.aside) for p in form.facts.plans)
        ),
    )
