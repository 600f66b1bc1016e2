"""The ``ANNOTATION.md`` labels of therapist moves: contribution to a rupture, or repair.

``label_moves`` reads each therapist turn's move type (``moves``) in its context: a warning is a
contribution when it pushes against what the client just said; advice nobody asked for, an
interpretation stated as a fact, passing by a client marker, a run of closed questions that leaves
the client no room are contributions too; an empathic reflection, meta-communication, an apology
or deferring the subject is a repair when it answers a client marker in the turns just before.
The cue phrases (``[context]``, ``[repair]`` of ``lang/<code>/moves.toml``) are matched by the
project's one cue engine on the turn folded, like the move cues.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from raccord.detect import questions
from raccord.detect.moves import (
    EVIDENCE_CHARS,
    WORD,
    MovePack,
    framed,
    hit,
    move_pack,
    read,
    sentence_at,
    therapist_move_types,
)
from raccord.lang import pack_code
from raccord.model import Evidence, Marker, TherapistMove, Transcript, Turn
from raccord.quote import clip
from raccord.taxonomy import (
    Contribution,
    MarkerKind,
    MarkerSubtype,
    RepairStrategy,
    Role,
    TherapistMoveType,
)

__all__ = ["label_moves"]

_T = TherapistMoveType

# --------------------------------------------------------------------------- labels in context

#: Moves that take up what the client said: after a marker, they are an indirect repair.
_REFLECTIVE = frozenset(
    {_T.SIMPLE_REFLECTION, _T.COMPLEX_REFLECTION, _T.VALIDATION, _T.AFFIRMATION}
)
#: Moves that carry on with the therapist's agenda: after a marker, they pass it by. Not
#: information: out of context it is also how an answer to the patient's question, a reflection
#: or meta-communication the classifier missed reads ("That's a fair question…", « Vous en riez
#: maintenant… »): counted as moving past the concern, 38 of 38 such turns were good practice in
#: the psychotherapy sessions read (the odd-numbered ones) — except past the markers below.
_MOVING_ON = frozenset({_T.STRUCTURING, _T.TOPIC_CHANGE})
#: Markers that information carried on past does pass by ("I don't think anything will work." —
#: "Typically the patch is used for eight weeks"; a bare "mm" talked through with facts).
_INFORMED_PAST = frozenset({MarkerSubtype.GIVING_UP, MarkerSubtype.MINIMAL_RESPONSE})
#: Repairs recognisable by wording that may answer a marker a few exchanges back.
_DIRECT_OR_DEFER = frozenset(
    {
        RepairStrategy.INVITE_DISCUSSION,
        RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        RepairStrategy.CLARIFY_MISUNDERSTANDING,
        RepairStrategy.DISCLOSE_EXPERIENCE,
        RepairStrategy.LINK_PATTERN,
        RepairStrategy.DEFER,
    }
)
#: Moves whose change talk is the client's, not the therapist's push.
_NEVER_PUSH = frozenset(
    {
        _T.BACKCHANNEL,
        _T.ADVICE_WITH_PERMISSION,
        _T.VALIDATION,
        _T.AFFIRMATION,
        _T.OPEN_QUESTION,
        _T.META_COMMUNICATION,
    }
)
#: Arguing back counts within this many turns of the client's push-back (the next exchange).
_PUSHBACK_WINDOW = 3
#: A rupture episode is still fresh this many turns after its last marker.
_EPISODE_WINDOW = 12
#: Turning to the next item this many turns after a marker still passes it by (the therapist's
#: « Mm » and a short yes may come between).
_MOVED_ON_WINDOW = 4
#: Fewer words than this ("You're-") is a fragment, not a repair.
_MIN_REPAIR_WORDS = 3
#: A turn cut off by the next speaker ("I'm-- okay, but you know--") is a fragment below this.
_FRAGMENT_WORDS = 7
_ECHO_MAX_WORDS = 6
#: Statements the client's own words can turn into a reflection.
_ECHO_REVISABLE = frozenset({_T.OTHER, _T.INFORMATION})
_RESTATE_SHARE = 0.5
_ECHO_SHARE = 0.6
#: How far back (in turns) a client's stated position or a request still frames the therapist.
_STANCE_WINDOW = 8
_REQUEST_WINDOW = 4
#: Closed questions in a row (short answers between) that leave the client no room.
_CLOSED_RUN = 3
#: Seconds of silence that, as the therapist's whole turn right after a marker, leave it
#: unanswered (the blind sessions' coders coded 9–25 s so; a psychotherapy session's 6 s
#: silence after no marker was not coded).
_SILENT_PAST = 8.0
_SHORT_ANSWER_WORDS = 10
#: A short question of fact ("Which days?", « L'appétit ? ») counts in a run whatever its form,
#: and so does a short unpunctuated turn (speech-to-text drops the question mark).
_RUN_QUESTION_WORDS = 10
#: Moves a short question of fact may be read as out of context.
_RUN_QUESTION_MOVES = frozenset({_T.OPEN_QUESTION, _T.SIMPLE_REFLECTION, _T.OTHER})
#: How far (in turns) from a client marker advice nobody asked for counts as a contribution.
_ADVICE_BEFORE = 4
_ADVICE_AFTER = 3
_QUOTE_CHARS = 100


def _quote(text: str) -> str:
    return clip(text, _QUOTE_CHARS)


def _fill(pack: MovePack, key: str, **values: object) -> str:
    template = pack.labels.get(key, "{words}")
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


@dataclass(slots=True)
class _State:
    """What the therapist's turn answers: recent markers, the client's stance, a request."""

    open_markers: list[Marker]
    marker_turn: int | None = None
    pushback_turn: int | None = None
    stance_turn: int | None = None
    stance_words: str = ""
    request_turn: int | None = None
    #: The client's last turn asked what the task is for.
    why_turn: int | None = None
    #: The client's last turn asked to lead (« est-ce qu'on pourrait parler du contrôle ? »).
    lead_turn: int | None = None
    permission_turn: int | None = None
    last_client: str = ""
    last_client_content: frozenset[str] = frozenset()


def _cue(pack: MovePack, name: str, norm: str) -> re.Match[str] | None:
    pat = pack.context.get(name)
    return pat.search(norm) if pat is not None else None


def _repair_by_wording(
    pack: MovePack, norm: str
) -> tuple[RepairStrategy, re.Match[str]] | tuple[None, None]:
    """The repair the turn names in words, and where: the first strategy of the pack's
    ``[repair]`` table whose wording it holds."""
    for strategy, pat in pack.repair:
        if (m := pat.search(norm)) is not None:
            return strategy, m
    return None, None


@dataclass(frozen=True, slots=True)
class _TherapistFacts:
    """What the labels need from a therapist turn's words, computed once per distinct text."""

    push: bool
    counter: bool
    repair_wording: RepairStrategy | None
    #: the sentence that names the repair, as written ("I've just been firing questions at
    #: you…", not the "Can I stop us for a moment?" that opens the turn)
    repair_words: str | None
    validating: bool
    n_words: int
    content: frozenset[str]
    asks: bool
    closed_questions: int
    deep: bool
    tentative: bool
    yes_but: bool
    approves: bool
    agrees: bool
    disputes: bool
    explores: bool
    checks_agreement: bool
    moves_on: bool
    insists: bool
    hands_over: bool
    #: thanks the client for correcting the therapist's reading (``takes_correction``)
    corrected: bool
    #: asks to be told where the therapist is wrong (``invites_correction``)
    invites_correction: bool


@lru_cache(maxsize=65536)
def _therapist_facts(text: str, code: str, spoken: bool = False) -> _TherapistFacts:
    """What the labels need from a therapist turn's words; ``spoken``: the session is
    unpunctuated speech-to-text (``questions.sentences``)."""
    pack = move_pack(code)
    folded = read(text, quoted=False)
    norm = folded.text
    spans = questions.sentences(norm, code, spoken=spoken)
    push_match = _cue(pack, "change_push", norm)
    strategy, named = _repair_by_wording(pack, norm)
    return _TherapistFacts(
        push=push_match is not None and not framed(pack, norm, spans, push_match.start()),
        counter=_cue(pack, "counter", norm) is not None,
        repair_wording=strategy,
        repair_words=None if named is None else sentence_at(text, folded, named.start()),
        validating=hit(pack, "validation", norm) is not None
        or hit(pack, "affirmation", norm) is not None,
        n_words=len(WORD.findall(norm)),
        content=frozenset(_content_words(norm)),
        asks=any(q for _, _, q in spans),
        # a question whose opening says neither (« Vous êtes en CDI ? ») is closed, as
        # ``questions.kind`` reads it
        closed_questions=sum(
            1 for a, b, q in spans if q and questions.opening(norm[a:b], code) != questions.OPEN
        ),
        deep=hit(pack, "complex_reflection", norm) is not None,
        tentative=_tentative(pack, norm, spans),
        yes_but=_cue(pack, "yes_but", norm) is not None,
        approves=_cue(pack, "approval_opening", norm) is not None,
        agrees=_cue(pack, "agrees", norm) is not None
        or _cue(pack, "agrees_next_time", norm) is not None,
        disputes=_cue(pack, "disputes", norm) is not None,
        explores=_cue(pack, "explores", norm) is not None,
        checks_agreement=_cue(pack, "checks_agreement", norm) is not None,
        moves_on=_cue(pack, "moves_on", norm) is not None,
        insists=_cue(pack, "insists", norm) is not None,
        hands_over=_cue(pack, "hands_over", norm) is not None,
        corrected=_cue(pack, "takes_correction", norm) is not None,
        invites_correction=_cue(pack, "invites_correction", norm) is not None,
    )


#: Repairs that own the therapist's part, clear up a misunderstanding or link what happens here to
#: a pattern: the patient's account in answer is the exploration they open (``opening_turns``;
#: fresh34: « Voilà. Exactement ça. Remarquez, vous, vous m'avez jamais parlé de reprendre. C'est
#: peut-être moi qui mélange un peu. », after « vous entendez votre chef », was flagged as a
#: reproach).
_OWNING = frozenset(
    {
        RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        RepairStrategy.CLARIFY_MISUNDERSTANDING,
        RepairStrategy.LINK_PATTERN,
    }
)


def opening_turns(
    transcript: Transcript, spoken: bool = False
) -> tuple[frozenset[int], frozenset[int]]:
    """The therapist turns that open the way for the patient's own account, whatever came before
    them, read in one pass: those that own their part, clear up a misunderstanding or link what
    happens here to a pattern in words (« Et c'est moi qui vous ai remis dans ce bureau… Je le
    regrette »), then those that ask to be told where the therapist is wrong (« …et vous me direz
    franchement si ça ne colle pas », "How does that sit with you?")."""
    code = pack_code(transcript.language)
    owning: set[int] = set()
    inviting: set[int] = set()
    for t in transcript.turns:
        if t.role is not Role.THERAPIST:
            continue
        facts = _therapist_facts(t.text, code, spoken)
        if facts.repair_wording in _OWNING:
            owning.add(t.index)
        if facts.invites_correction:
            inviting.add(t.index)
    return frozenset(owning), frozenset(inviting)


@dataclass(frozen=True, slots=True)
class _ClientFacts:
    """What the labels need from a client turn's words, computed once per distinct text."""

    stance: str | None
    request: bool
    #: The client asks what the task or question is for ("So what is it for, then?", « ça sert
    #: à quoi ? »): the explanation that follows answers them.
    asks_why: bool
    leads: bool
    n_words: int
    content: frozenset[str]


def first_marker(markers: Sequence[Marker]) -> int | None:
    """The turn of the session's first marker, if any."""
    return min((m.turn for m in markers), default=None)


def answers_a_marker(move: TherapistMove, first: int | None) -> bool:
    """Whether a repair may be said of ``move``: only after the session's first marker (``first``)
    — a repair answers a rupture (``ANNOTATION.md``). Coders label none before it (0 of the 1,560
    repairs of the 546 labelled sessions; none in the 208 sessions without a marker), and a blind
    review found "✚ validates … repairs" shown in a session with no rupture (fresh58)."""
    return first is not None and move.turn > first


def after_the_first_marker(
    moves: Sequence[TherapistMove], markers: Sequence[Marker]
) -> tuple[TherapistMove, ...]:
    """The moves with no repair where none may be said (``answers_a_marker``), its reasons gone
    with it."""
    first = first_marker(markers)
    return tuple(
        move
        if move.repair is RepairStrategy.NONE or answers_a_marker(move, first)
        else replace(
            move,
            repair=RepairStrategy.NONE,
            evidence=tuple(e for e in move.evidence if e.supports != move.repair.value),
        )
        for move in moves
    )


def owns_doing(text: str, code: str) -> bool:
    """Whether a therapist turn speaks of what the therapist did ("I told you what you were feeling
    instead of asking you", « c'est moi qui vous ai remis dans ce bureau »): owning a part is said
    of such a turn only, never of a validation ("You've every right to be angry")."""
    return _cue(move_pack(code), "own_doing", read(text).text) is not None


@lru_cache(maxsize=65536)
def _client_facts(text: str, code: str) -> _ClientFacts:
    pack = move_pack(code)
    folded = read(text)
    norm = folded.text
    sustain = _cue(pack, "sustain", norm)
    return _ClientFacts(
        stance=None if sustain is None else sentence_at(text, folded, sustain.start()),
        request=_cue(pack, "request", norm) is not None,
        asks_why=_cue(pack, "asks_rationale", norm) is not None,
        leads=_cue(pack, "lead_request", norm) is not None
        or _cue(pack, "asks_next_time", norm) is not None,
        n_words=len(WORD.findall(norm)),
        content=frozenset(_content_words(norm)),
    )


def _label_turn(
    pack: MovePack,
    turn: Turn,
    move: TherapistMoveType,
    move_evidence: tuple[Evidence, ...],
    state: _State,
    facts: _TherapistFacts,
) -> TherapistMove:
    words = (
        move_evidence[0].words if move_evidence and move_evidence[0].words else _quote(turn.text)
    )
    i = turn.index
    marker = state.open_markers[-1] if state.open_markers else None
    after: tuple[Evidence, ...] = ()
    if marker is not None:
        after = (
            Evidence(
                source="context",
                detail=_fill(
                    pack,
                    "after_marker",
                    marker=pack.marker_names.get(marker.kind.value, marker.kind.value),
                    client=_quote(state.last_client),
                ),
                words=_quote(state.last_client),
            ),
        )

    def contribution(
        label: Contribution, conf: float, *extra: Evidence, read_as: TherapistMoveType | None = None
    ) -> TherapistMove:
        """The label with its reason; ``read_as`` re-reads the move itself in its context (its
        context-free reading and evidence are then dropped: one turn, one reading, quoted from
        its start — "I hear you" is not the argument that follows it)."""
        said = words if read_as is None else _quote(turn.text)
        detail = _fill(
            pack,
            label.value,
            words=said,
            n=_CLOSED_RUN,
            marker=pack.marker_names.get(marker.kind.value, "") if marker else "",
        )
        reason = Evidence(source="cue", detail=detail, words=said, supports=label.value)
        if read_as is not None:
            return TherapistMove(
                i, read_as, contribution=label, confidence=conf, evidence=(reason, *extra)
            )
        ev = (reason, *extra, *move_evidence)
        return TherapistMove(i, move, contribution=label, confidence=conf, evidence=ev)

    def repair(strategy: RepairStrategy, conf: float, said: str | None = None) -> TherapistMove:
        """The repair with its reason, quoting ``said`` (the sentence that names it) when given."""
        quoted = said or words
        ev = (
            Evidence(
                source="cue" if said is None else "wording",
                detail=_fill(pack, strategy.value, words=quoted),
                words=quoted,
                supports=strategy.value,
            ),
            *after,
            *move_evidence,
        )
        return TherapistMove(i, move, repair=strategy, confidence=conf, evidence=ev)

    resisting = state.stance_turn is not None and i - state.stance_turn <= _STANCE_WINDOW
    stance: tuple[Evidence, ...] = ()
    # « Juste avant : « … » » only when the position was the patient's last turn (a review found
    # turn 2's « Pas terrible » quoted as "just before" a lecture at turn 9)
    if resisting and state.stance_turn is not None and state.stance_turn >= i - 1:
        stance = (
            Evidence(
                source="context",
                detail=_fill(pack, "confront_argue_context", client=state.stance_words),
                words=state.stance_words,
                supports=Contribution.CONFRONT_ARGUE.value,
            ),
        )
    solicited = (state.request_turn is not None and i - state.request_turn <= _REQUEST_WINDOW) or (
        state.permission_turn is not None and i - state.permission_turn <= _REQUEST_WINDOW
    )
    recent_marker = state.marker_turn is not None and i - state.marker_turn <= _EPISODE_WINDOW
    pushed_back = state.pushback_turn is not None and i - state.pushback_turn <= _PUSHBACK_WINDOW
    question = move in (_T.OPEN_QUESTION, _T.CLOSED_QUESTION)
    push = facts.push
    n_words = facts.n_words
    fragment = n_words < _MIN_REPAIR_WORDS or (
        n_words < _FRAGMENT_WORDS and turn.text.rstrip().endswith(("-", "—", "–"))
    )

    # A long silence that is the therapist's whole turn, right after a marker, leaves it without
    # an answer: a reproach or a question to the therapist met with nothing (fr53-a: 25 s after
    # « Si ça vous intéresse, même. »), a withdrawal left to itself (en52-a: 15 s after
    # "Maybe."). Their coders coded both; no move type reads a silence (it is a backchannel).
    pause = turn.silence or 0.0
    silent = n_words == 0 and pause >= _SILENT_PAST
    if marker is not None and state.marker_turn == i - 1 and silent:
        said = turn.as_said().strip()
        label = (
            Contribution.IGNORES_CONCERN
            if marker.kind is MarkerKind.CONFRONTATION
            else Contribution.OTHER
        )
        reason = Evidence(
            source="cue",
            detail=_fill(
                pack,
                "silence_after_marker",
                seconds=f"{pause:g}",
                marker=pack.marker_names.get(marker.kind.value, marker.kind.value),
                client=_quote(state.last_client),
            ),
            words=said,
            supports=label.value,
        )
        return TherapistMove(i, move, contribution=label, confidence=0.55, evidence=(reason,))
    # "I hear you, but…" right after a marker or a stated position hears the patient out to argue
    # back: a review found such turns counted as validation, the therapist's fault as a repair.
    # The move itself is then arguing, not the validation its opening reads as out of context.
    if facts.yes_but and not question and (marker is not None or resisting or pushed_back):
        return contribution(
            Contribution.CONFRONT_ARGUE, 0.6, *after, *stance, read_as=_T.CONFRONTING
        )
    # A repair named in words ("I'm sorry, that's not what I meant", "we can come back to it
    # later") is the turn's dominant function while the rupture is fresh.
    if marker is not None or recent_marker:
        by_wording = facts.repair_wording
        # "I'm not saying the reasons weren't real. I'm saying it's a pattern" holds the
        # clarifying words, but the turn holds its ground: arguing, not clearing up (fresh42; the
        # coders call both labelled « Je ne dis pas que…, je dis juste que… » arguing)
        argues = move is _T.CONFRONTING and by_wording is RepairStrategy.CLARIFY_MISUNDERSTANDING
        if (
            by_wording is not None
            and (marker is not None or by_wording in _DIRECT_OR_DEFER)
            and not argues
        ):
            return repair(by_wording, 0.7, facts.repair_words)
        if move is _T.META_COMMUNICATION:
            return repair(RepairStrategy.INVITE_DISCUSSION, 0.7)

    # The reason for the task, given because the patient asked what it is for ("So what is it
    # for, then? The chair thing." — "Fair question. The way I work, …", fresh54): an answer, not a
    # lecture; after a marker, the indirect repair of explaining the task.
    explaining = move in (_T.CONFRONTING, _T.INFORMATION) and not question
    # One that opens by contradicting (« Si, ça sert. […] Il faut y aller. », fresh57) argues.
    answering = state.why_turn is not None and state.why_turn == i - 1
    if answering and explaining and not push and not facts.counter:
        if marker is not None and not fragment:
            return repair(RepairStrategy.GIVE_RATIONALE, 0.55)
        return TherapistMove(i, move, confidence=0.5, evidence=move_evidence)
    if move is _T.CONFRONTING:
        return contribution(Contribution.CONFRONT_ARGUE, 0.7, *stance)
    if facts.disputes and (resisting or pushed_back) and not question:
        return contribution(Contribution.CONFRONT_ARGUE, 0.6, *stance)
    # Arguing back ("Well, it's only been a month") right after the client pushed back.
    if pushed_back and move not in _REFLECTIVE and move not in _NEVER_PUSH and facts.counter:
        return contribution(Contribution.CONFRONT_ARGUE, 0.55, *after)
    # Even offered tentatively, an interpretation of the patient's objection ("perhaps that's a
    # sign it's close to something") explains the objection away instead of hearing it.
    objecting = marker is not None and marker.kind is MarkerKind.CONFRONTATION
    # a reading the patient has just corrected, taken and said back ("Thank you for correcting
    # me. So not fear: disgust"): theirs, not imposed (fresh43)
    if move is _T.INTERPRETATION and facts.corrected:
        move, move_evidence = _as_reflection(pack, turn.text, facts)
    if move is _T.INTERPRETATION and (not facts.tentative or objecting):
        return contribution(Contribution.INTERPRETATION_IMPOSED, 0.55)
    # Saying yes at once to what the patient asked to talk about is never a move past their
    # concern (a review found « Oui, on le met en premier » called one). Nor is it counted a
    # repair: « On peut parler d'autre chose ? » — « D'accord. » may be the avoidance agreed to.
    if state.lead_turn is not None and facts.agrees and not facts.yes_but:
        return TherapistMove(i, move, confidence=0.5, evidence=move_evidence)
    # A compliant yes ("You're right. I'll look into it.") taken at face value ("Great. So…") and
    # left behind: the disagreement it may mask is passed by.
    appeased = marker is not None and marker.subtype is MarkerSubtype.DEFERENTIAL_APPEASING
    if appeased and facts.approves and move not in _REFLECTIVE:
        return contribution(Contribution.IGNORES_CONCERN, 0.55, *after)
    informs_past = (
        move is _T.INFORMATION and marker is not None and marker.subtype in _INFORMED_PAST
    )
    # turning to the next item of the agenda ("Okay. And the diary, how did that go?") unless
    # the turn asks what was lived or whether the plan suits the patient, or hands them the
    # choice (« Revenons à samedi, mais cette fois c'est vous qui décidez »); holding one's own
    # thread "because I think it's important" passes the concern by whatever it then asks
    next_item = facts.insists or (
        facts.moves_on and not (facts.explores or facts.checks_agreement or facts.hands_over)
    )
    just_marked = state.marker_turn is not None and i - state.marker_turn <= _MOVED_ON_WINDOW
    if (marker is not None or just_marked) and next_item:
        return contribution(Contribution.IGNORES_CONCERN, 0.55, *after)
    moving_on = move in _MOVING_ON and not facts.hands_over
    if marker is not None and (moving_on or informs_past or move is _T.ADVICE_WITHOUT_PERMISSION):
        return contribution(Contribution.IGNORES_CONCERN, 0.55, *after)
    if move is _T.ADVICE_WITHOUT_PERMISSION and not solicited:
        if resisting:
            return contribution(Contribution.CONFRONT_ARGUE, 0.65, *stance)
        return contribution(Contribution.ADVICE_UNSOLICITED, 0.6)
    if push and not solicited and move not in _NEVER_PUSH:
        if resisting:
            return contribution(Contribution.CONFRONT_ARGUE, 0.6, *stance)
        if not question:
            return contribution(Contribution.ADVICE_UNSOLICITED, 0.5)

    if marker is not None and not fragment:
        if move is _T.SELF_DISCLOSURE:
            return repair(RepairStrategy.DISCLOSE_EXPERIENCE, 0.55)
        if move in _REFLECTIVE or _echoes(facts.content, state.last_client_content):
            return repair(RepairStrategy.VALIDATE, 0.6)
        if question and facts.validating:
            return repair(RepairStrategy.VALIDATE, 0.5)
    return TherapistMove(i, move, confidence=0.5, evidence=move_evidence)


def _tentative(pack: MovePack, norm: str, spans: Sequence[tuple[int, int, bool]]) -> bool:
    """An interpretation offered as a question or a wondering, judged on each sentence that holds
    one when the pack's cues find any (« Je me demande quelque chose. […] Je pense qu'une part de
    vous est soulagée… » states it as a fact; so does « Je me demande si ce n'est pas ça… Vous
    êtes encore ce jeune homme qui attend… », fresh39), else on the whole turn; a question that
    ends on a pressing tag (« …de la fierté, non ? », "…wasn't there?", « quand même ? ») is no
    offer."""
    held = [(a, b, q) for a, b, q in spans if hit(pack, "interpretation", norm[a:b]) is not None]
    if not held:
        held = [(0, len(norm), any(q for _, _, q in spans))]
    return all(
        _cue(pack, "presses", norm[a:b]) is None
        and (asks or _cue(pack, "tentative", norm[a:b]) is not None)
        for a, b, asks in held
    )


def _content_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text) if len(w) > 3}


def _echoes(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """A short turn made mostly of the client's own words: a simple reflection by repetition."""
    if not mine or len(mine) > _ECHO_MAX_WORDS:
        return False
    return len(mine & theirs) / len(mine) >= _ECHO_SHARE


def _restates(facts: _TherapistFacts, state: _State) -> bool:
    """A statement built mostly from the client's last words: a reflection by restatement."""
    if facts.asks or len(facts.content) < 2:
        return False
    return len(facts.content & state.last_client_content) / len(facts.content) >= _RESTATE_SHARE


def _as_reflection(
    pack: MovePack, text: str, facts: _TherapistFacts
) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    move = _T.COMPLEX_REFLECTION if facts.deep else _T.SIMPLE_REFLECTION
    words = text.strip()[:EVIDENCE_CHARS]
    detail = pack.templates.get(move.value, "{words}").format(words=words)
    return move, (Evidence(source="context", detail=detail, words=words),)


def _observe_client(code: str, turn: Turn, marker: Marker | None, state: _State) -> None:
    facts = _client_facts(turn.text, code)
    state.last_client = turn.text
    state.last_client_content = facts.content
    if marker is not None:
        state.open_markers.append(marker)
        state.marker_turn = turn.index
    if facts.stance is not None:
        state.stance_turn = turn.index
        state.stance_words = facts.stance
    elif marker is not None and marker.subtype in _STANCE_SUBTYPES:
        state.stance_turn = turn.index
        state.stance_words = _quote(turn.text)
    if marker is not None and marker.subtype in _STANCE_SUBTYPES:
        state.pushback_turn = turn.index
    if facts.request:
        state.request_turn = turn.index
    state.why_turn = turn.index if facts.asks_why else None
    state.lead_turn = turn.index if facts.leads else None


def _after_therapist(move: TherapistMoveType, turn: Turn, state: _State) -> None:
    if move is _T.BACKCHANNEL:
        return
    state.open_markers.clear()
    state.lead_turn = None
    if move is _T.ADVICE_WITH_PERMISSION:
        state.permission_turn = turn.index


def label_moves(
    transcript: Transcript,
    markers: Sequence[Marker],
    *,
    mode: str = "full",
    runs_need_a_marker: bool = True,
    spoken: bool | None = None,
) -> tuple[TherapistMove, ...]:
    """One ``TherapistMove`` per therapist turn: its move type and its ``ANNOTATION.md`` label.

    A turn gets a ``contribution`` when it argues, warns, lectures or pushes for change against
    the position the client stated in the turns before, gives advice nobody asked for, interprets
    as a fact, passes by a client marker, or closes a run of closed questions; it gets a
    ``repair`` when it answers a client marker in the turns just before (since the therapist's
    last substantive turn) by taking it up: meta-communication, an acknowledgement, a
    clarification, a reflection or validation, deferring the subject… One label per turn: the
    dominant function.
    """
    code = pack_code(transcript.language)
    pack = move_pack(code)
    if spoken is None:
        spoken = questions.unpunctuated(t.text for t in transcript.turns)
    types = therapist_move_types(transcript, mode=mode, spoken=spoken)
    by_turn: dict[int, Marker] = {}
    for m in markers:
        if m.turn not in by_turn or m.salience > by_turn[m.turn].salience:
            by_turn[m.turn] = m
    state = _State(open_markers=[])
    out: list[TherapistMove] = []
    for turn in transcript.turns:
        if turn.role is Role.THERAPIST:
            move, evidence = types[turn.index]
            facts = _therapist_facts(turn.text, code, spoken)
            if move in _ECHO_REVISABLE and state.last_client and _restates(facts, state):
                move, evidence = _as_reflection(pack, turn.text, facts)
            out.append(_label_turn(pack, turn, move, evidence, state, facts))
            _after_therapist(move, turn, state)
        else:
            _observe_client(code, turn, by_turn.get(turn.index), state)
    marked = frozenset(by_turn) if runs_need_a_marker else None
    labelled = _mark_interrogations(pack, transcript, out, marked, spoken=spoken)
    return labelled if marked is None else _advice_near_markers(labelled, marked)


def _advice_near_markers(
    moves: Sequence[TherapistMove], marked: frozenset[int]
) -> tuple[TherapistMove, ...]:
    """Advice nobody asked for counts as a contribution only near a client marker (in the
    ``_ADVICE_BEFORE`` turns before it or the ``_ADVICE_AFTER`` after): ``ANNOTATION.md`` codes a
    contribution where it plausibly feeds a rupture. Out of every labelled session's advice
    with no marker around (markers found out of fold), the coders coded 16 of 95 as a
    contribution (AnnoMI 13 of 83, the psychotherapy set 3 of 12). The move stays advice."""
    out = list(moves)
    for k, m in enumerate(out):
        if m.contribution is not Contribution.ADVICE_UNSOLICITED:
            continue
        if any(m.turn - _ADVICE_BEFORE <= t <= m.turn + _ADVICE_AFTER for t in marked):
            continue
        out[k] = replace(
            m,
            contribution=Contribution.NONE,
            evidence=tuple(
                e for e in m.evidence if e.supports != Contribution.ADVICE_UNSOLICITED.value
            ),
        )
    return tuple(out)


def _mark_interrogations(
    pack: MovePack,
    transcript: Transcript,
    moves: list[TherapistMove],
    marked: frozenset[int] | None = None,
    *,
    spoken: bool = False,
) -> tuple[TherapistMove, ...]:
    """Label runs of closed questions answered in a few words: the client is given no room.

    A run is ``_CLOSED_RUN`` or more closed questions in a row (backchannels do not break it)
    with every client answer between them at most ``_SHORT_ANSWER_WORDS`` words long — short
    questions of fact count whatever their form ("Which days?", « Et le moral ? », an item of a
    questionnaire read out without a question mark: coders code them in the run; not a question
    asking whether the plan suits the client, « Ça vous va, dans cet ordre-là ? », which hands
    them the choice and ends the run) —; each of
    its questions not already labelled becomes ``closed_interrogation``. With ``marked`` (the
    turns holding a client marker), a run counts only when a marker sits between its questions or
    in the three turns after it — the patient answering the interrogation ("i literally just told
    you that", "Look, I know what this is"); a marker before the run is what the questions may
    answer, not what they cause —: an intake's run of closed questions that the client answers
    at ease is not a contribution (unlike a lecture, ``ANNOTATION.md`` codes it only with a
    rupture). Without it (the context pass, before markers are known), every run counts as
    pressure.
    """
    out = list(moves)
    run: list[int] = []  # positions in ``out``
    asked = 0  # closed questions in the run (a turn may fire several)
    pending = 0  # the answer to the run's latest question, so far

    def close() -> None:
        if asked >= _CLOSED_RUN:
            if marked is not None:
                first, final = out[run[0]].turn, out[run[-1]].turn
                if not any(first < t <= final + 3 for t in marked):
                    return
            for k in run:
                m = out[k]
                if m.contribution is Contribution.NONE and m.repair is RepairStrategy.NONE:
                    words = _quote(transcript.turns[m.turn].text)
                    # the questions asked, not the turns: one turn may fire a volley of them
                    detail = _fill(pack, "closed_interrogation", words=words, n=asked)
                    ev = (
                        Evidence(
                            source="context",
                            detail=detail,
                            words=words,
                            supports=Contribution.CLOSED_INTERROGATION.value,
                        ),
                        *m.evidence,
                    )
                    out[k] = replace(
                        m,
                        contribution=Contribution.CLOSED_INTERROGATION,
                        confidence=0.5,
                        evidence=ev,
                    )

    position = {m.turn: k for k, m in enumerate(out)}
    code = pack_code(transcript.language)
    for turn in transcript.turns:
        k = position.get(turn.index)
        if k is None:
            if run:
                pending = max(pending, _client_facts(turn.text, code).n_words)
            continue
        move = out[k].move
        if move is _T.BACKCHANNEL:
            continue
        asking = move is _T.CLOSED_QUESTION or _short_question(move, turn.text, code, spoken)
        # asking whether the plan suits the client hands them the choice: it ends a run
        if asking and not _therapist_facts(turn.text, code, spoken).checks_agreement:
            if run and pending > _SHORT_ANSWER_WORDS:  # the client took room: a new run
                close()
                run, asked = [], 0
            run.append(k)
            # "Did she ever ask you…? Did you ever tell her…? Did you feel you could?": a volley
            # of closed questions in one turn counts each of them
            asked += max(1, _therapist_facts(turn.text, code, spoken).closed_questions)
            pending = 0
            continue
        close()
        run, asked, pending = [], 0, 0
    close()
    return tuple(out)


def _short_question(move: TherapistMoveType, text: str, code: str, spoken: bool) -> bool:
    """A few words asking for a fact: an open question, or a turn read as a reflection or as
    nothing that asks (or carries no punctuation at all) — not one inviting what was lived."""
    if move not in _RUN_QUESTION_MOVES or len(WORD.findall(text)) > _RUN_QUESTION_WORDS:
        return False
    if _therapist_facts(text, code, spoken).explores:
        return False
    return move is _T.OPEN_QUESTION or "?" in text or not any(c in text for c in ".!")


_STANCE_SUBTYPES = frozenset(
    {
        MarkerSubtype.DEFENDS_SELF,
        MarkerSubtype.REJECTS_INTERVENTION,
        MarkerSubtype.CONTROLS_PRESSURES,
        MarkerSubtype.COMPLAINT_ACTIVITIES,
        MarkerSubtype.COMPLAINT_THERAPIST,
    }
)
