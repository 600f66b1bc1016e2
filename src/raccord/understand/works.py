"""What works: therapist moves that repaired, followed by the patient re-engaging, so they can be
reinforced.

The article insists that modelling what works matters as much as what goes wrong. A therapist
turn "worked" when it answers a marker and the patient's next turn is engaged: an unmarked answer
of some substance (the patient is back in the work). Away from any marker nothing is listed: a long
answer to an open question may be intellectualising or compliance the detector missed, and
reinforcing it would teach the wrong lesson.

Not re-engagement: compliance (« comme vous voulez », "whatever you say"), a reply in which the
detection's cues heard a confrontation even where no marker was raised, and an answer that
carries on with the marked turn's own content rather than the therapist's (the patient going on
with an avoidant story, or back to the complaint). A repair the therapist made by owning a part
(an apology, acknowledging their part, meta-communication) counts when the patient's next turn is
unmarked or warm ("Thanks for saying it"), even if short, or when the patient then speaks of
themself at some length, or tells at length what the move did to them (not guarded: no hedge
after a pause), even in a turn the detector marked: that is the alliance mending.
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import MarkerKind, MarkerSubtype, RepairStrategy, Role, TherapistMoveType
from raccord.understand.facts import (
    PAUSE_SECONDS,
    invited_turns,
    move_at,
    next_patient,
    own_repair,
    patient_turns,
)
from raccord.understand.text import cue, word_count, word_keys

MAX_ITEMS = 5
#: Words in an unmarked answer, right after a marker, that count as re-engagement.
_BACK_IN_THE_WORK = 8
#: Words in an answer to the therapist's own repair that say at length what the move did: the
#: alliance mending even where a marker was raised (a still-closed "Nothing happened. It's fine."
#: is shorter, or guarded).
_TOLD_AT_LENGTH = 16
#: Moves that are only noise to reinforce (a backchannel is not a technique).
_SKIP = frozenset({TherapistMoveType.BACKCHANNEL})
#: After a marker, only a move that attends to the patient is a repair worth repeating: a closed
#: question, a piece of information or a change of topic followed by a long answer is not.
_REPAIRING = frozenset(
    {
        TherapistMoveType.SIMPLE_REFLECTION,
        TherapistMoveType.COMPLEX_REFLECTION,
        TherapistMoveType.VALIDATION,
        TherapistMoveType.AFFIRMATION,
        TherapistMoveType.OPEN_QUESTION,
        TherapistMoveType.META_COMMUNICATION,
        TherapistMoveType.SELF_DISCLOSURE,
        TherapistMoveType.ADVICE_WITH_PERMISSION,
    }
)


@dataclass(frozen=True, slots=True)
class Working:
    therapist: int
    patient: int
    words: int
    after_marker: int | None
    #: "apology" or "meta_communication" when the therapist repaired by owning a part.
    own: str | None = None
    #: In a session without rupture, the way of working that kept the alliance (``ALLIANCE``, or
    #: "meta_communication"), from ``kept``.
    alliance: str | None = None
    #: The patient named the move later in the session ("You said sorry"), not right after it.
    later: bool = False


def find(transcript: Transcript, detection: Detection, code: str) -> tuple[Working, ...]:
    turns = transcript.turns
    marked = {m.turn for m in detection.markers if m.kind is not MarkerKind.NONE}
    withdrawn = {m.turn for m in detection.markers if m.kind is MarkerKind.WITHDRAWAL}
    if not marked:
        return ()
    reproach = _reproaching(detection)
    guarded = _guarded(detection)
    brushed = _brushing_off(detection)
    withheld = _withheld(detection)
    found: list[Working] = []
    # the marker the patient has not yet come back from: a withheld or guarded answer in between
    # ("[silence 6s] Oui. Bon." after the therapist owned their part) keeps it open, so that the
    # clarification after it and the patient's account (fresh35: « Ah. Je l'avais oublié, ça…
    # Je crois que ce qui m'a braquée, c'est quand vous avez parlé de ma fille. ») are what
    # worked — a blind read found only a validation earlier in the session listed
    open_marker: int | None = None
    not_back = withheld | guarded
    for turn in turns:
        if turn.role is Role.PATIENT:
            if turn.index in marked:
                open_marker = turn.index
            elif turn.index not in not_back and word_count(turn.text) >= _BACK_IN_THE_WORK:
                # a short answer is not yet the patient back ("Décourageant, oui. C'est le mot.
                # [silence 5s]" after a validation: fresh63, where the meta-communication and the
                # owning after it, answered at length, were not listed)
                open_marker = None
            continue
        if turn.role is not Role.THERAPIST:
            continue
        move = move_at(detection, turn.index)
        if move is not None and move.move in _SKIP:
            continue
        p = next_patient(transcript, turn.index)
        if p is None:
            continue
        if any(turns[i].role is Role.THERAPIST for i in range(turn.index + 1, p)):
            continue
        n = word_count(turns[p].text)
        after = open_marker
        owned = own_repair(transcript, detection, turn.index, code)
        if owned is not None and after is not None:
            warm = cue(code, "warm", turns[p].text) is not None
            # — not « Ça va. C'est rien. Je suis fatiguée, c'est tout. », a withdrawal in the first
            # person (fresh50's review found it called the patient coming back)
            opens = (
                n >= _BACK_IN_THE_WORK
                and p not in withdrawn
                and cue(code, "self_reference", turns[p].text)
            )
            # the patient telling at length what the move did to them, in answer to the repair
            # ("It's just, everyone's been making it about something else… Can it just be about
            # her?"): engagement in the repair, as the coders read it, even if a marker was raised
            # — not "Whatever. Doesn't matter. Just tell me what you need me to say so they sign
            # me off": irritation or pressure brushes the repair off, however long (a review)
            told = n >= _TOLD_AT_LENGTH and p not in guarded
            # — nor "[silence 6s] [sighs] Yeah. Well.": a word or two after a long pause is not
            # yet the patient back (a review of a never-seen session)
            took = (p not in marked or warm or bool(opens) or told) and p not in brushed | withheld
            if took and cue(code, "compliance", turns[p].text) is None:
                found.append(Working(turn.index, p, n, after, owned.kind))
            elif (later := _named_later(transcript, turn.index, code)) is not None:
                # the patient names it later ("You said sorry. That was... odd. Good odd."): it
                # took, whatever the wary first answer (fresh62's review)
                found.append(
                    Working(
                        turn.index,
                        later,
                        word_count(turns[later].text),
                        after,
                        owned.kind,
                        later=True,
                    )
                )
            continue
        if p in marked or cue(code, "compliance", turns[p].text) is not None:
            continue
        if p in reproach:
            continue  # a complaint the detector heard but left under the line is no return
        if p in guarded:
            continue  # « [silence 5s] Je sais pas. Le chapitre, je suppose. » is no return
        if after is not None and (
            _carries_on(code, turns[after].text, turn.text, turns[p].text)
            or cue(code, "self_reference", turns[p].text) is None
        ):
            continue
        if after is None:
            # away from any marker, a long answer says nothing about repair: the patient may be
            # intellectualising or complying at length (the detector misses some markers)
            continue
        # right after a marker, an unmarked answer of some substance is the patient back in the
        # work (a confrontation is often long, so "longer than before" would miss it)
        repairing = move is None or move.repair is not RepairStrategy.NONE
        repairing = repairing or (move is not None and move.move in _REPAIRING)
        if n >= _BACK_IN_THE_WORK and repairing:
            found.append(Working(turn.index, p, n, after))
    found.sort(key=lambda w: (w.own is None, w.after_marker is None, -w.words))
    return tuple(sorted(found[:MAX_ITEMS], key=lambda w: w.therapist))


def _named_later(transcript: Transcript, t: int, code: str) -> int | None:
    """The first patient turn after therapist turn ``t`` that names the therapist's owning of
    their part (``understand.toml`` ``names_own_repair``: "You said sorry")."""
    return next(
        (
            u.index
            for u in transcript.turns[t + 1 :]
            if u.role is Role.PATIENT and cue(code, "names_own_repair", u.text) is not None
        ),
        None,
    )


#: The ``understand.toml`` cue lists that name a way of working that keeps the alliance (asking
#: for the patient's honest view is the detection's fact, ``answered_invitation``: one cue list,
#: ``moves.toml``'s ``invites_correction``).
ALLIANCE = ("adapts_task", "hands_choice", "paces")


def kept(transcript: Transcript, detection: Detection, code: str) -> tuple[Working, ...]:
    """In a session without any marker, the therapist's moves that keep the alliance — asking
    for the patient's honest view of the work, offering to shape it together, leaving the choice,
    letting the patient set the pace, meta-communication — each followed by an answer of
    substance in the patient's own words (not compliance): good practice to name, as the article
    asks, where there was nothing to repair (fresh44 and fresh45's reviews found it unnamed).
    Nothing in a session with markers: there, what worked is the repairs (``find``)."""
    if any(m.kind is not MarkerKind.NONE for m in detection.markers):
        return ()
    turns = transcript.turns
    invited = invited_turns(detection)
    found: list[Working] = []
    for turn in turns:
        if turn.role is not Role.THERAPIST:
            continue
        p = next_patient(transcript, turn.index)
        if p is None or p != turn.index + 1:
            continue
        move = move_at(detection, turn.index)
        # an invitation to say where the therapist is wrong, answered, is named as such, even
        # when the move reads as meta-communication (fresh64: « j'ai besoin que vous me disiez
        # franchement si elle vous parle » was « vous avez parlé de ce qui se passait entre vous »)
        if p in invited:
            key: str | None = "invites_disagreement"
        elif move is not None and move.move is TherapistMoveType.META_COMMUNICATION:
            key = "meta_communication"
        else:
            key = next((k for k in ALLIANCE if cue(code, k, turn.text) is not None), None)
        if key is None:
            continue
        n = word_count(turns[p].text)
        if n < _BACK_IN_THE_WORK or cue(code, "compliance", turns[p].text) is not None:
            continue
        found.append(Working(turn.index, p, n, None, alliance=key))
    return tuple(found[:MAX_ITEMS])


_CONFRONTING = frozenset(s.value for s in MarkerSubtype if s.kind is MarkerKind.CONFRONTATION)


def _reproaching(detection: Detection) -> frozenset[int]:
    """Patient turns where the detection's cues heard a confrontation, whether or not a marker
    was raised there: "You're not seventeen" is not re-engagement."""
    return patient_turns(detection, lambda s: bool(_CONFRONTING & set(s.get("cues", ()))))


def _brushing_off(detection: Detection) -> frozenset[int]:
    """Patient turns where the detection heard irritation (« Laissez tomber », an irritated tone
    written in the transcript) or pressure on the therapist ("Just tell me what you need me to
    say so they sign me off"): however long, no return to the work."""
    return patient_turns(
        detection,
        lambda s: (
            float(s.get("irritation") or 0.0) > 0
            or str(MarkerSubtype.CONTROLS_PRESSURES) in s.get("cues", ())
        ),
    )


#: A hedged answer after a pause this long (seconds), or this short (words), is guarded (15, not
#: 12: a blind review found « J'sais pas. Rien de spécial. C'était un matin comme les autres. »,
#: 13 words, praised as the patient back in the work).
_SHORT = 15


#: A reply of at most this many words after a pause of ``PAUSE_SECONDS`` seconds is withheld.
_WITHHELD_WORDS = 3


def _withheld(detection: Detection) -> frozenset[int]:
    """Patient turns of a word or two after a long pause ("[silence 6s] [sighs] Yeah. Well.")."""
    return patient_turns(
        detection,
        lambda s: (
            float(s.get("silence") or 0.0) >= PAUSE_SECONDS
            and int(s.get("words") or 0) <= _WITHHELD_WORDS
        ),
    )


def _guarded(detection: Detection) -> frozenset[int]:
    """Patient turns that hedge ("I don't know", "I guess", « bof ») after a pause or in a few
    words: a blind review found "[silence 5s] I don't know. The chapter, I guess. Same as
    always." praised as the patient coming back in."""
    return patient_turns(
        detection,
        lambda s: (
            float(s.get("hedges") or 0.0) > 0
            and (
                float(s.get("silence") or 0.0) >= PAUSE_SECONDS or int(s.get("words") or 0) < _SHORT
            )
        ),
    )


def _carries_on(code: str, marked: str, therapist: str, answer: str) -> bool:
    """Whether the answer goes on with the marked turn's own content (the story, the complaint)
    more than with what the therapist said."""
    said = word_keys(code, answer)
    with_marked = said & word_keys(code, marked)
    with_therapist = said & word_keys(code, therapist)
    return len(with_marked) >= 2 and len(with_marked) > len(with_therapist)
