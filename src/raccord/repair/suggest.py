"""Repair suggestions for each rupture episode: what to say, when, and why.

Strategy choice follows the article:

- a **direct** repair (meta-communication) is always offered: acknowledging one's own part when the
  formulation shows one, else an invitation to talk about what happened; clarifying a possible
  misunderstanding when the patient rejects an intervention or reproaches the therapist; sharing
  one's own experience (« on se perdait un peu, vous et moi ») when the talk drifted away; linking the
  pattern when the same sequence recurs (implicit prohibition, vicious circle);
- an **indirect** repair is always offered too: empathic validation of the patient's stance, then
  returning to safer ground or following the patient's topic (withdrawal), changing the task or
  giving a rationale (confrontation about the activity or the questions), and deferring with a
  reminder when the episode is still open (the formulation lists it among the open items);
- **timing** and **order**: when the patient does not seem receptive (strong confrontation,
  unresolved macro-rupture) the direct repair waits (later in the session, or next session) and
  indirect repairs come first; an episode left open or deferred gets a statement worded for the
  next session (« différer, oui, mais ne pas enterrer »);
- **attachment style** changes the choice, the order and the wording: avoidant (or
  disorganised), the patient's own lead first, then safer ground, the direct repair later and
  gentler, a deferral that leaves the choice of the moment (never « ou pas du tout »); anxious,
  validation first, then an explicit word on the relationship and an explicit invitation, no
  change of subject that could read as the therapist pulling away, and a deferral that says when;
  secure, the explicit direct repair now;
- a repair the therapist **already made** that brought the patient back is reflected back
  (« Au tour 8, vous avez validé son vécu, et la personne a repris… : à garder ») and nothing
  else is offered for that moment.

Wording comes from ``lang/<code>/repair.toml`` templates filled with the session's facts (the
behaviour observed, the moment, the topic, the therapist's move just before). Every text is built
to pass the meta-communication checker (``raccord.repair.checker``), which a test enforces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from raccord.lang import pack_code
from raccord.model import Detection, Formulation, Suggestion, Transcript
from raccord.taxonomy import (
    AttachmentStyle,
    MarkerKind,
    MarkerSubtype,
    RepairApproach,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
    Timing,
)
from raccord.understand.facts import PUSHING, EpisodeFacts, move_at
from raccord.understand.patient import Gender, patient_words
from raccord.understand.session_facts import Repaired, SessionFacts, session_facts
from raccord.understand.text import (
    label,
    section,
    turn_ref,
    turns_ref,
    typeset,
    with_de,
    words,
)

S = MarkerSubtype
R = RepairStrategy
A = AttachmentStyle

_CLARIFY = frozenset({S.REJECTS_INTERVENTION, S.COMPLAINT_THERAPIST, S.DEFENDS_SELF})
_DRIFT = frozenset(
    {S.ABSTRACT_COMMUNICATION, S.AVOIDANT_STORYTELLING, S.TOPIC_SHIFT, S.DEFERENTIAL_APPEASING}
)
_FOLLOW = frozenset({S.TOPIC_SHIFT, S.AVOIDANT_STORYTELLING, S.CONTROLS_PRESSURES})
#: Withdrawals that keep experience at a distance: no « revenons à… », no abstract thread followed.
_DISTANT = frozenset({S.ABSTRACT_COMMUNICATION, S.AVOIDANT_STORYTELLING})
_TASK = frozenset({S.COMPLAINT_ACTIVITIES, S.COMPLAINT_PROGRESS})
_RATIONALE = frozenset(
    {S.COMPLAINT_ACTIVITIES, S.REJECTS_INTERVENTION, S.CONTROLS_PRESSURES, S.COMPLAINT_PARAMETERS}
)
_QUESTIONING = frozenset({"responsibility_question", "closed_interrogation"})
#: The therapist's own pushes in an episode: explaining why the task is good ("I'm suggesting
#: this exercise because it often helps") to a patient who objected to being pushed is one more
#: push (a clinician's review: "exactly the vet's stance").
_PUSHING = frozenset({"advice_unsolicited", "confront_argue", "pressing_topic"})
_GENTLE = frozenset({A.AVOIDANT, A.DISORGANIZED})
_QUOTE_WORDS = 10


@dataclass(frozen=True, slots=True)
class Link:
    """A recurring sequence this episode belongs to: how many times, the move or topic that
    recurs, and what the markers after it were (``withdrawal``, ``confrontation`` or ``mixed``):
    « à trois reprises, l'échange s'est tendu » only when the three were confrontations."""

    count: int
    signal: str | None = None
    topic: str | None = None
    effect: str = "mixed"


def suggest(
    transcript: Transcript,
    detection: Detection,
    formulation: Formulation | None = None,
    *,
    attachment: AttachmentStyle = AttachmentStyle.UNKNOWN,
) -> tuple[Suggestion, ...]:
    """Suggestions for every episode of the session, in the session's language.

    The facts are the formulation's (``formulation.facts``, established once by
    ``understand``); they are computed here only when no formulation is given. A repair the
    therapist already made in an episode, followed by the patient re-engaging, is reflected back
    (``done_at``) and not suggested again for the same moment.
    """
    code = pack_code(transcript.language)
    known = (
        formulation.facts
        if formulation is not None and formulation.facts is not None
        else session_facts(transcript, detection, code)
    )
    links = _links(known)
    gender = known.patient_gender
    out: list[Suggestion] = []
    for f in known.episodes:
        done = [
            _reflect(code, transcript, detection, r, gender=gender)
            for r in known.repairs_of(f.index)
        ]
        reflected = [s for s in done if s is not None]
        out.extend(reflected)
        already = frozenset(s.strategy for s in reflected)
        tried = frozenset(_REPAIR_OF_OWN[r.kind] for r in f.own_repairs)
        # the patient came back right after a repair of the episode's last marker: the moment is
        # mended, and another repair "now" would only repeat what worked
        last = max((m.turn for m in f.markers), default=f.episode.start)
        took = any(
            r.after_marker >= last and s.done_at == r.therapist
            for r in known.repairs_of(f.index)
            for s in reflected
        )
        # a repair that worked in an episode that ended resolved: the moment is mended too (a
        # review found « À l'instant, quand je vous ai donné un conseil… » offered for a
        # macro-rupture the therapist had already repaired by meta-communication)
        took = took or (f.episode.resolved is Resolution.YES and bool(reflected))
        # what the two agreed about the relationship after the episode ("if I do it again… I'd
        # like you to tell me" — "I can do that") is its follow-up: no check-in is added
        agreed = any(
            p.relation and p.agreed_at is not None and p.turn > f.episode.start for p in known.plans
        )
        out.extend(
            episode_suggestions(
                code,
                transcript,
                f,
                attachment,
                links.get(f.index),
                already,
                tried,
                took,
                gender=gender,
                agreed=agreed,
            )
        )
    return tuple(out)


#: Moves that count as a repair the therapist can be told to repeat, by the strategy they carry.
_REPAIR_OF_MOVE = {
    TherapistMoveType.VALIDATION: R.VALIDATE,
    TherapistMoveType.AFFIRMATION: R.VALIDATE,
    TherapistMoveType.SIMPLE_REFLECTION: R.VALIDATE,
    TherapistMoveType.COMPLEX_REFLECTION: R.VALIDATE,
    TherapistMoveType.OPEN_QUESTION: R.INVITE_DISCUSSION,
    TherapistMoveType.META_COMMUNICATION: R.INVITE_DISCUSSION,
}


#: Strategies whose wording in ``[reflect.did]`` is true only of these moves (talk about the
#: relationship, or one's own experience of it). Stricter than the labels the detection allows
#: (``detect.therapist.SAID_BY``): a label says what a turn did, this sentence says it in words to
#: the therapist (« vous avez ouvert la discussion sur ce qui se passait entre vous »).
_SAID_BY = {
    R.INVITE_DISCUSSION: frozenset({TherapistMoveType.META_COMMUNICATION}),
    R.ACKNOWLEDGE_CONTRIBUTION: frozenset({TherapistMoveType.META_COMMUNICATION}),
    R.DISCLOSE_EXPERIENCE: frozenset(
        {TherapistMoveType.META_COMMUNICATION, TherapistMoveType.SELF_DISCLOSURE}
    ),
}


#: A repair by owning a part, by the strategy it is: not to be suggested again in the episode.
_REPAIR_OF_OWN = {"apology": R.ACKNOWLEDGE_CONTRIBUTION, "meta_communication": R.INVITE_DISCUSSION}


def _reflect(
    code: str,
    transcript: Transcript,
    detection: Detection,
    repaired: Repaired,
    *,
    gender: Gender = Gender.UNKNOWN,
) -> Suggestion | None:
    """« Au tour 8, vous avez validé son vécu, et la personne s'est réengagée dans l'échange
    juste après (tour 9) : une piste à garder. » The move is named by what the therapist did."""
    move = move_at(detection, repaired.therapist)
    table: dict[str, Any] = section(code, "repair")["reflect"]
    if repaired.own is not None:
        strategy: RepairStrategy | None = _REPAIR_OF_OWN[repaired.own]
        key, name = repaired.own, label(code, "own_repair", repaired.own)
    elif move is None:
        return None
    else:
        strategy = move.repair if move.repair is not R.NONE else _REPAIR_OF_MOVE.get(move.move)
        # a strategy that says the therapist talked about the relationship is named only of a turn
        # that did (« vous avez ouvert la discussion sur ce qui se passait entre vous » was said
        # of « j'aimerais bien comprendre ce qui s'est passé jeudi »): else the move is named
        said_as = _SAID_BY.get(move.repair)
        named_by_strategy = move.repair is not R.NONE and (said_as is None or move.move in said_as)
        key, name = (
            (move.repair.value, label(code, "strategy", move.repair.value))
            if named_by_strategy
            else (move.move.value, label(code, "move", move.move.value))
        )
    if strategy is None:
        return None
    did: dict[str, Any] = table["did"]
    text = str(table["text_later" if repaired.later else "text"]).format(
        **patient_words(code, gender),
        t_turn=turn_ref(code, transcript, repaired.therapist),
        p_turn=turn_ref(code, transcript, repaired.patient),
        did=str(did.get(key, did["default"])).format(move=name),
        words=repaired.words,
    )
    return Suggestion(
        approach=strategy.approach or RepairApproach.INDIRECT,
        strategy=strategy,
        text=typeset(code, _tidy(text)),
        why=typeset(code, str(table["why"])),
        timing=Timing.NEXT_SESSION,
        episode=repaired.episode,
        done_at=repaired.therapist,
    )


#: The next-session check-in after a macro-rupture repaired in words (``plan``).
CHECK_IN = (R.INVITE_DISCUSSION, Timing.NEXT_SESSION)
_DIRECT = RepairApproach.DIRECT


def plan(
    f: EpisodeFacts,
    attachment: AttachmentStyle,
    link: Link | None = None,
    already: frozenset[RepairStrategy] = frozenset(),
    tried: frozenset[RepairStrategy] = frozenset(),
    took: bool = False,
    agreed: bool = False,
) -> list[tuple[RepairStrategy, Timing]]:
    """The strategies for one episode, in the order they are offered, each with its timing.

    A strategy ``already`` used in the episode and followed by the patient coming back is not
    offered again (it is reflected back instead); one the therapist ``tried`` (an apology,
    meta-talk) without the patient coming back is not offered again in this session, only for
    the next one when the episode is still open. When a repair ``took`` (the patient came back
    right after it), nothing else is offered for the moment itself: only what belongs to the
    next session (an episode still open or deferred, a recurring sequence to name).

    The attachment style changes which strategies are offered, not only their wording: avoidant
    (or disorganised), the patient's lead first (following the patient's own thread is always
    offered), the direct repair later and gentler; anxious, no change of subject that could
    read as the therapist pulling away (no return to safer ground), an explicit word on the
    relationship, and a deferral that says when it will be taken up again."""
    gentle = attachment in _GENTLE
    anxious = attachment is A.ANXIOUS
    if f.receptive:
        direct_timing = Timing.LATER_IN_SESSION if gentle else Timing.NOW
    else:
        direct_timing = (
            Timing.NEXT_SESSION
            if (f.episode.severity is Severity.MACRO or f.episode.resolved is Resolution.NO)
            and not f.mild
            else Timing.LATER_IN_SESSION
        )
    direct: list[tuple[RepairStrategy, Timing]] = []
    main = R.ACKNOWLEDGE_CONTRIBUTION if f.signals else R.INVITE_DISCUSSION
    direct.append((main, direct_timing))
    if f.kind is not MarkerKind.WITHDRAWAL and f.subtype in _CLARIFY:
        direct.append((R.CLARIFY_MISUNDERSTANDING, direct_timing))
    if f.subtype in _DRIFT:
        direct.append((R.DISCLOSE_EXPERIENCE, direct_timing))
    if link is not None:
        direct.append(
            (R.LINK_PATTERN, Timing.NEXT_SESSION if not f.receptive else Timing.LATER_IN_SESSION)
        )
    # « différer, oui, mais ne pas enterrer »: an open or deferred episode is taken up next time
    # (not a possible or mild tension: the open items say to keep it in mind only, and the
    # report must not also tell the therapist to bring it up; nor a subject the patient set
    # aside for now, "But not today": it is theirs to bring back)
    still_open = f.episode.set_aside is None and (
        (f.episode.resolved is not Resolution.YES and not f.mild) or bool(f.deferred)
    )
    if still_open and direct_timing is not Timing.NEXT_SESSION:
        direct.append((main, Timing.NEXT_SESSION))

    indirect: list[tuple[RepairStrategy, Timing]] = [(R.VALIDATE, Timing.NOW)]
    signal_kinds = {s.kind for s in f.signals}
    # when the withdrawal is a move away from experience (general talk, a story told at a
    # distance), the safer ground is that distance: going back to it, or following the abstract
    # thread, joins the withdrawal
    distant = f.subtype in _DISTANT
    if f.kind is MarkerKind.WITHDRAWAL and not anxious and not distant:
        indirect.append((R.RETURN_TO_SAFE_GROUND, Timing.NOW))
    if (
        f.subtype in _FOLLOW
        or (f.kind is MarkerKind.WITHDRAWAL and f.patient_topic is not None and not distant)
        or gentle
    ):
        indirect.append((R.FOLLOW_CLIENT, Timing.NOW))
    if f.subtype in _TASK:
        indirect.append((R.CHANGE_TASK, Timing.NOW))
    # why a question was asked may be explained (the article's "whose responsibility" vignette);
    # why a task is good, to a patient who objected to being pushed into it, may not
    pushed = bool({s.kind for s in f.signals if s.backed} & _PUSHING)
    questioned = f.kind is not MarkerKind.WITHDRAWAL and bool(signal_kinds & _QUESTIONING)
    if questioned or (f.subtype in _RATIONALE and not pushed):
        indirect.append((R.GIVE_RATIONALE, Timing.NOW))
    if f.episode.resolved is not Resolution.YES:
        indirect.append((R.DEFER, Timing.NOW))

    ordered = _by_attachment(attachment, f, direct, indirect)
    if f.mild:
        # a possible tension on thin evidence is met first by attending to the patient; naming
        # it ("I heard that you feel we are not moving forward") only if it shows again — a
        # review found that sentence offered first for anger at a brother read as a complaint
        chosen = set(direct)
        ordered = [x for x in ordered if x not in chosen] + [x for x in ordered if x in chosen]
    settled = f.episode.resolved is Resolution.YES
    kept = [
        (s, t)
        for s, t in ordered
        if s not in already
        and not (s in tried and (t is not Timing.NEXT_SESSION or settled))
        and not (took and t is not Timing.NEXT_SESSION)
    ]
    # a macro-rupture repaired by talking about it is checked on at the start of the next session
    # (« La dernière fois… comment ça a été pour vous, après la séance ? »): not reopened now;
    # not when the two ``agreed`` how to handle it from now on (fresh62's review: "going looking
    # again for feelings he has said are fine risks replaying the pattern"; rely on the agreement)
    if (
        settled
        and not agreed
        and f.episode.severity is Severity.MACRO
        and any(s.approach is _DIRECT for s in already)
        and CHECK_IN not in kept
    ):
        kept.append(CHECK_IN)
    return kept


def _by_attachment(
    attachment: AttachmentStyle,
    f: EpisodeFacts,
    direct: list[tuple[RepairStrategy, Timing]],
    indirect: list[tuple[RepairStrategy, Timing]],
) -> list[tuple[RepairStrategy, Timing]]:
    """The order the strategies are offered in, by attachment style (the article: the style
    shapes how a rupture is best met). Avoidant or disorganised: the patient's own thread first,
    then safer ground and validation, and among direct repairs sharing one's own experience
    before asking; anxious: validation first, then the explicit word on the relationship, then
    the rest; otherwise the direct repair first when the patient seems receptive."""
    if attachment in _GENTLE:
        lead = [x for x in indirect if x[0] is R.FOLLOW_CLIENT]
        ground = lead + [x for x in indirect if x[0] is R.RETURN_TO_SAFE_GROUND]
        shared = [x for x in direct if x[0] is R.DISCLOSE_EXPERIENCE]
        return (
            ground
            + [x for x in indirect if x not in ground]
            + shared
            + [x for x in direct if x not in shared]
        )
    if attachment is A.ANXIOUS and f.receptive:
        first = [x for x in indirect if x[0] is R.VALIDATE]
        return first + direct + [x for x in indirect if x not in first]
    return indirect + direct if not f.receptive else direct + indirect


def episode_suggestions(
    code: str,
    transcript: Transcript,
    f: EpisodeFacts,
    attachment: AttachmentStyle,
    link: Link | None = None,
    already: frozenset[RepairStrategy] = frozenset(),
    tried: frozenset[RepairStrategy] = frozenset(),
    took: bool = False,
    *,
    gender: Gender = Gender.UNKNOWN,
    agreed: bool = False,
) -> list[Suggestion]:
    out = []
    for strategy, timing in plan(f, attachment, link, already, tried, took, agreed):
        text = wording(code, transcript, f, strategy, timing, attachment, link)
        out.append(
            Suggestion(
                approach=strategy.approach or RepairApproach.INDIRECT,
                strategy=strategy,
                text=text,
                why=_why(code, transcript, f, strategy, timing, attachment, gender=gender),
                timing=timing,
                episode=f.index,
                context=_episode_context(code, transcript, f, gender=gender),
            )
        )
    return out


# --------------------------------------------------------------------------- wording


def _pick(value: Any, index: int) -> str:
    if isinstance(value, list):
        return str(value[index % len(value)]) if value else ""
    return "" if value is None else str(value)


def _entry(table: dict[str, Any], key: str, index: int, fallback: str = "unknown") -> str:
    return _pick(table.get(key, table.get(fallback, "")), index)


def _when(pack: dict[str, Any], f: EpisodeFacts) -> str:
    """What the therapist was doing when this episode began, as the pack words it."""
    table: dict[str, Any] = pack["when"]
    # only what began before the last marker of the kind the sentence then observes: "when I
    # asked you several questions in a row, I noticed that our conversation went in another
    # direction" was said of questions asked after the change of subject (fresh60's review)
    observed = [m.turn for m in f.markers if m.subtype is f.subtype] or [f.episode.start]
    before = [s for s in f.signals if s.turns and min(s.turns) < max(observed)]
    # only what a therapist move of that type shows (never advice read from a quote)
    pushing = [s.kind for s in before if s.kind in PUSHING and s.kind in table and s.backed]
    if pushing:
        return _pick(table[pushing[0]], f.index)
    if f.moment is not None:
        # the moment by the words spoken there, and who spoke them
        said = "asked" if f.moment.asked else "said"
        key = said if f.moment.by is Role.THERAPIST else "you_said"
        return _pick(table[key], f.index).replace("{moment_words}", f.moment.words)
    others = [s.kind for s in before if s.kind in table and s.backed]
    return _pick(table[others[0]] if others else table["default"], f.index)


def _link_when(code: str, pack: dict[str, Any], f: EpisodeFacts, link: Link | None) -> str:
    """What recurred before the markers: the move kind or the topic of the implicit prohibition,
    or the kind of circle (never a detail of this one episode presented as recurring)."""
    table: dict[str, Any] = pack["when"]
    if link is None:
        return ""
    if link.topic:
        return _pick(table["topic"], f.index).format(
            topic=link.topic, topic_de=with_de(code, link.topic)
        )
    if link.signal and link.signal in table:
        return _pick(table[link.signal], f.index)
    return _pick(table["default"], f.index)


def _quote(
    code: str, transcript: Transcript, f: EpisodeFacts, *, cue_only: bool = False
) -> str | None:
    """A few of the patient's own words from the strongest marker, to reflect them verbatim.

    Always the turn's own words (never a normalised cue): the clause holding the cue that fired
    when there is one, else the first clause of the turn; hesitations at the start are dropped.
    ``cue_only`` asks for the cue's clause or nothing.
    """
    if not f.markers:
        return None
    marker = max(f.markers, key=lambda m: (m.salience, m.turn))
    cues = [_plain(e.words) for e in marker.evidence if e.words and len(words(e.words)) >= 2]
    if cue_only and not cues:
        return None
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", transcript.turns[marker.turn].text)
    text = re.sub(r"\s+", " ", text.replace("«", "").replace("»", "").replace('"', "")).strip()
    fillers = set(section(code, "understand").get("quote", {}).get("fillers", ()))
    clauses = [c for c in re.split(r"[.!?;…]", text) if c.strip()]
    if cues:
        holding = [c for c in clauses if any(cue in _plain(c) for cue in cues)]
        if holding:
            clauses = holding
        elif cue_only:
            return None
    for clause in clauses:
        tokens = clause.strip(" -–—,").split()
        while tokens and tokens[0].strip(",:-–—").lower() in fillers:
            tokens = tokens[1:]
        if len(tokens) < 3:
            continue
        tokens[0] = tokens[0].strip(",:-–—")
        short = " ".join(tokens[:_QUOTE_WORDS]).rstrip(",:-–— ")
        short = short[:1].upper() + short[1:]
        return short + ("…" if len(tokens) > _QUOTE_WORDS else "")
    return None


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: to find a normalised cue in the original words."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[\w']+", stripped))


def _fields(
    code: str,
    transcript: Transcript,
    f: EpisodeFacts,
    timing: Timing,
    attachment: AttachmentStyle,
    link: Link | None,
) -> dict[str, str]:
    pack = section(code, "repair")
    k = f.index
    moment = _entry(pack["moment"], timing.value, k, "now")
    values: dict[str, str] = {
        "moment": moment,
        "Moment": moment[:1].upper() + moment[1:],
        "during": _entry(pack.get("during", {}), timing.value, k, "now"),
        "topic": f.topic.phrase if f.topic else "",
        "topic_de": f.topic.de if f.topic else "",
        "safe": f.safe_topic.phrase if f.safe_topic else "",
        "patient_topic": f.patient_topic.phrase if f.patient_topic else "",
        "quote": _quote(code, transcript, f, cue_only=f.subtype is S.GIVING_UP) or "",
    }
    values["when"] = _when(pack, f).format(**values)
    values["link_when"] = _link_when(code, pack, f, link)
    counts = pack.get("count_words", {})
    values["count"] = _pick(counts.get(str(link.count), counts.get("many", "")) if link else "", k)
    kind = f.kind.value if f.kind is not MarkerKind.NONE else "withdrawal"
    effect = link.effect if link is not None else kind
    values["pattern_effect"] = _entry(pack.get("pattern_effect", {}), effect, k, "mixed")
    observed = f.subtype.value
    if f.subtype is S.MINIMAL_RESPONSE and not f.shorter:
        # « plus courtes » only when they were, « en peu de mots » only when it was
        observed = "minimal_response_brief" if f.brief else "unsure"
    if f.subtype is S.DEFERENTIAL_APPEASING and f.paused:
        observed = "deferential_appeasing_paused"  # never « très vite » after a silence
    if f.subtype is S.CONTENT_AFFECT_SPLIT and not f.laughed:
        observed = "unsure"  # « vous avez ri » only when the transcript says so
    if f.subtype in (S.REJECTS_INTERVENTION, S.COMPLAINT_ACTIVITIES) and not _suggested(f):
        observed = f"{observed}_said"  # « ce que je vous proposais » only when advice was given
    values["observe"] = _entry(pack["observe"], observed, k, "minimal_response").format(**values)
    own: dict[str, Any] = pack["own_part"]
    signal = next((s.kind for s in f.signals if s.kind in own and s.backed), None)
    values["own_part"] = _pick(own[signal] if signal else own.get(kind, ""), k)
    style = attachment.value
    reassure: dict[str, Any] = pack.get("reassure", {})
    confronted = f.kind is MarkerKind.CONFRONTATION and f"{style}_confrontation" in reassure
    values["reassure"] = _pick(reassure.get(f"{style}_confrontation" if confronted else style), k)
    values["invite"] = _entry(pack["invite"], style, k)
    values["invite_together"] = _entry(pack["invite_together"], style, k)
    return values


def wording(
    code: str,
    transcript: Transcript,
    f: EpisodeFacts,
    strategy: RepairStrategy,
    timing: Timing,
    attachment: AttachmentStyle,
    link: Link | None = None,
) -> str:
    """The text of one suggestion, from the pack's templates and the episode's facts."""
    pack = section(code, "repair")
    values = _fields(code, transcript, f, timing, attachment, link)
    if strategy is R.LINK_PATTERN:
        values["reassure"] = ""  # reassured once, in the statement about this moment
    k = f.index
    if strategy.approach is RepairApproach.DIRECT:
        # the door is left open in each script, not in the same words each time (a review found
        # « Si ce n'est pas le moment… » closing every script of the brief)
        variant = k + list(R).index(strategy)
        values["open_door"] = _entry(pack["open_door"], attachment.value, variant)
        checks_in = (strategy, timing) == CHECK_IN and f.episode.resolved is Resolution.YES
        template = _pick(pack["direct"]["check_in" if checks_in else strategy.value], k)
    else:
        template = _indirect_template(pack["indirect"][strategy.value], f, values, attachment.value)
    return typeset(code, _tidy(template.format(**values)))


def _indirect_template(
    table: dict[str, Any], f: EpisodeFacts, values: dict[str, str], style: str = "unknown"
) -> str:
    k = f.index
    sub = f.subtype

    def pick(key: str) -> str:
        """The style's own variant (``withdrawal_avoidant``) when the pack has one."""
        return _pick(table.get(f"{key}_{style}", table[key]), k)

    if "text" in table:
        return pick("text")
    if "safe" in table:  # return to safe ground
        return pick("safe" if values["safe"] else "no_safe")
    if "no_topic" in table:  # follow the client
        return pick("topic" if values["patient_topic"] else "no_topic")
    if "questions" in table:  # give a rationale
        if sub is S.COMPLAINT_ACTIVITIES and _suggested(f):
            return pick("activities")
        if f.backed(*_QUESTIONING):
            return pick("questions")
        return pick("default")
    # validate
    if sub is S.GIVING_UP:
        return pick("giving_up_quote" if values["quote"] else "giving_up")
    if sub.value in table:
        return pick(sub.value)
    if f.kind is MarkerKind.WITHDRAWAL:
        return pick("withdrawal" if values["topic"] else "withdrawal_no_topic")
    if values["quote"] and "quote" in table and k % 2 == 1:
        return pick("quote")
    return pick("confrontation")


def _suggested(f: EpisodeFacts) -> bool:
    """Whether the therapist gave advice or proposed a task just before (a move of that type)."""
    return f.backed("advice_unsolicited") is not None or f.advice_given


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.])", r"\1", text)


# --------------------------------------------------------------------------- why


def _episode_context(
    code: str, transcript: Transcript, f: EpisodeFacts, *, gender: Gender = Gender.UNKNOWN
) -> str:
    """What the episode's suggestions answer: its markers and the move that may have fed it."""
    why: dict[str, Any] = section(code, "repair")["why"]
    pushing = next((s for s in f.signals if s.backed), None)
    first = min((m.turn for m in f.markers), default=f.episode.start)
    if pushing is not None:
        # "right after" only of a move that came before the first marker (a review read "doubts
        # about progress, turn 16, right after an interpretation (turn 17)")
        key = "after_signal" if pushing.turns[0] < first else "during_signal"
        after = str(why[key]).format(
            signal=label(code, "signal", pushing.kind, gender=gender),
            turn=turn_ref(code, transcript, pushing.turns[0]),
        )
    elif f.trigger is not None:
        after = str(why["after_trigger"]).format(turn=turn_ref(code, transcript, f.trigger))
    else:
        after = ""
    kind = label(code, "kind", f.episode.kind.value)
    marker_turns = [m.turn for m in f.markers] or [f.episode.start]
    return typeset(
        code,
        str(why["facts"]).format(
            kind=kind,
            Kind=kind[:1].upper() + kind[1:],
            subtype=label(code, "subtype", f.subtype.value),
            turns=turns_ref(code, transcript, marker_turns),
            severity=label(code, "severity", f.episode.severity.value),
            after=after,
        ),
    )


def _why(
    code: str,
    transcript: Transcript,
    f: EpisodeFacts,
    strategy: RepairStrategy,
    timing: Timing,
    attachment: AttachmentStyle,
    *,
    gender: Gender = Gender.UNKNOWN,
) -> str:
    """The reason for one strategy and timing (what the episode was: ``_episode_context``)."""
    why: dict[str, Any] = section(code, "repair")["why"]
    parts = [str(why["rule"][strategy.value]).format(**patient_words(code, gender))]
    if not f.receptive and strategy.approach is RepairApproach.DIRECT:
        parts.append(str(why["receptive_no"]))
    later = strategy is R.DEFER or timing is Timing.NEXT_SESSION
    if later and f.episode.resolved is not Resolution.YES:
        parts.append(str(why["unresolved"]))
    parts.append(str(why["attachment"].get(attachment.value, "")))
    parts.append(str(why["timing"][timing.value]))
    return typeset(code, " ".join(p for p in parts if p))


# --------------------------------------------------------------------------- links


def _links(known: SessionFacts) -> dict[int, Link]:
    """Episodes that belong to a recurring sequence (implicit prohibition or vicious circle)."""
    out: dict[int, Link] = {}
    circles = dict(known.circles)
    kind_at = {m.turn: m.kind for f in known.episodes for m in f.markers}
    for f in known.episodes:
        mine = {m.turn for m in f.markers}
        for p in known.prohibitions:
            if mine & set(p.markers):
                effect = _effect({kind_at.get(t) for t in p.markers})
                out[f.index] = (
                    Link(len(p.markers), signal=p.what, effect=effect)
                    if p.by == "move"
                    else Link(len(p.markers), topic=p.what, effect=effect)
                )
                break
        if f.index in out:
            continue
        for kind, members in circles.items():
            if any(pair.patient in mine for pair in members):
                effect = _effect({kind_at.get(pair.patient) for pair in members})
                out[f.index] = Link(len(members), signal=f"cycle_{kind}", effect=effect)
                break
    return out


def _effect(kinds: set[MarkerKind | None]) -> str:
    """What the recurring markers were: all withdrawals, all confrontations, or a mix."""
    if kinds == {MarkerKind.WITHDRAWAL}:
        return "withdrawal"
    if kinds == {MarkerKind.CONFRONTATION}:
        return "confrontation"
    return "mixed"
