"""The observable facts of each rupture episode, shared by the formulation and the repair wording.

For one episode: its markers, the dominant kind and subtype, the therapist turn that preceded it,
what was being talked about, the therapist moves just before that may have contributed, and whether
the patient seems open to talking about it right now. Pure functions of the transcript and the
detection; no judgement is made here beyond naming what the text shows.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from raccord.detect.moves import context_words as move_cue
from raccord.lang.cues import fold
from raccord.model import Detection, Episode, Marker, TherapistMove, Transcript
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
    clear,
)
from raccord.understand.text import (
    Topic,
    clauses,
    cue,
    mentions,
    set_aside,
    topic_of,
    word_count,
    words,
)

#: How many turns before the first marker are searched for the therapist's part.
WINDOW = 6

#: Therapist signals that push toward the therapist's agenda (they feed push ↔ withdraw and
#: argue ↔ confront circles).
PUSHING = frozenset(
    {
        "advice_unsolicited",
        "confront_argue",
        "closed_interrogation",
        "interpretation_imposed",
        "responsibility_question",
        "pressing_topic",
    }
)

_CONTRIBUTION_SIGNAL = {c: c.value for c in Contribution if c is not Contribution.NONE}
_MOVE_SIGNAL = {
    TherapistMoveType.ADVICE_WITHOUT_PERMISSION: "advice_unsolicited",
    TherapistMoveType.CONFRONTING: "confront_argue",
}
_REFLECTIVE = frozenset(
    {
        TherapistMoveType.SIMPLE_REFLECTION,
        TherapistMoveType.COMPLEX_REFLECTION,
        TherapistMoveType.VALIDATION,
        TherapistMoveType.META_COMMUNICATION,
    }
)


_QUESTIONS = frozenset({TherapistMoveType.OPEN_QUESTION, TherapistMoveType.CLOSED_QUESTION})


@dataclass(frozen=True, slots=True)
class Signal:
    """A therapist move that may have contributed: its kind (``labels.signal`` key), the turns,
    and the words that show it when there are some.

    ``backed``: a therapist move of that type is in the detection at that turn (advice, a
    question, arguing, a contribution label), or the fact is counted (talk ratio). A signal
    found by words alone (« à votre place » in a quote, "what's keeping your mind busy") is a
    hint for the formulation, never something a suggestion tells the patient the therapist did.
    """

    kind: str
    turns: tuple[int, ...]
    words: str | None = None
    backed: bool = True


@dataclass(frozen=True, slots=True)
class Moment:
    """The turn a suggestion names as « the moment »: who spoke, and a clause of their own words
    (« quand je vous ai dit : "…" »). ``asked``: the clause is a question and the detection has a
    question move there, so « quand je vous ai demandé » is true."""

    turn: int
    by: Role
    words: str
    asked: bool = False


@dataclass(frozen=True, slots=True)
class OwnRepair:
    """A therapist turn that repairs by owning a part: an apology, an acknowledgement of one's
    own part (« je regrette d'avoir pris ce ton », "I just gave you a lecture"), or
    meta-communication about what is happening between them."""

    turn: int
    kind: str  # "apology" or "meta_communication"
    words: str | None = None


@dataclass(frozen=True, slots=True)
class EpisodeFacts:
    index: int
    episode: Episode
    markers: tuple[Marker, ...]
    kind: MarkerKind
    subtype: MarkerSubtype
    subtypes: tuple[MarkerSubtype, ...]
    salience: int
    trigger: int | None
    topic: Topic | None
    patient_topic: Topic | None
    safe_topic: Topic | None
    signals: tuple[Signal, ...]
    receptive: bool
    deferred: tuple[int, ...] = ()
    #: The turn the topic was found in, and who spoke it: « quand j'ai abordé X » is only said
    #: when the therapist did.
    topic_turn: int | None = None
    topic_by: Role | None = None
    #: Whether the strongest marker's turn is shorter than the patient's previous turn
    #: (« vos réponses devenaient plus courtes » is only said when it is).
    shorter: bool = False
    #: Whether the strongest marker's turn is brief (at most ``BRIEF_WORDS`` words): « vous
    #: m'avez répondu en peu de mots » is only said when it is.
    brief: bool = False
    #: Whether a turn of the episode's markers is annotated with laughter (``[laughs]``,
    #: « [rit] »): « vous avez ri » is only said when the transcript says so.
    laughed: bool = False
    #: Whether the strongest marker's turn came after a pause of ``PAUSE_SECONDS`` or more (a
    #: ``[silence 4s]`` annotation, or the gap between timestamps): « vous m'avez dit oui très
    #: vite » is never said of a yes that came after a silence (fresh44's review).
    paused: bool = False
    #: The therapist turn just before the first marker, quoted (what a suggestion names).
    moment: Moment | None = None
    #: Repairs the therapist made by owning a part (apology, meta-talk), from the turn that
    #: preceded the episode to the turn after it: not to be suggested again.
    own_repairs: tuple[OwnRepair, ...] = ()
    #: A therapist advice move (with or without permission) in the turns just before the first
    #: marker: « ce que je vous proposais » is only said when there is one.
    advice_given: bool = False

    def backed(self, *kinds: str) -> Signal | None:
        """The first signal of ``kinds`` that a therapist move of that type backs."""
        for s in self.signals:
            if s.kind in kinds and s.backed:
                return s
        return None

    @property
    def first_marker(self) -> int:
        return self.markers[0].turn if self.markers else self.episode.start

    @property
    def mild(self) -> bool:
        """A possible or mild tension (no clear, sure marker — ``taxonomy.clear`` —, no
        unresolved macro-rupture): kept in mind, not brought back to the patient — neither an
        open item to take up nor a sentence prepared for next session."""
        unresolved_macro = (
            self.episode.severity is Severity.MACRO and self.episode.resolved is not Resolution.YES
        )
        return not any(clear(m.salience, m.confidence) for m in self.markers) and not (
            unresolved_macro
        )

    @property
    def pushed(self) -> bool:
        return any(s.kind in PUSHING for s in self.signals)

    def signal(self, *kinds: str) -> Signal | None:
        for s in self.signals:
            if s.kind in kinds:
                return s
        return None


def episode_markers(detection: Detection, episode: Episode) -> tuple[Marker, ...]:
    wanted = set(episode.markers)
    found = [
        m
        for m in detection.markers
        if (m.turn in wanted if wanted else episode.start <= m.turn <= episode.end)
        and m.kind is not MarkerKind.NONE
    ]
    return tuple(sorted(found, key=lambda m: m.turn))


_V = TypeVar("_V")


class _LastDetection(Generic[_V]):
    """A one-slot cache of a value computed from one detection, keyed by identity (the detection
    is held, so its id cannot be reused while cached): a session's stages ask the same index
    of the same detection many times, and looking a turn up is then O(1), not a scan."""

    def __init__(self, build: Callable[[Detection], _V]) -> None:
        self._build = build
        self._slot: tuple[Detection, _V] | None = None

    def __call__(self, detection: Detection) -> _V:
        # the slot is read once into a local: a thread analysing another session may replace it
        slot = self._slot
        if slot is not None and slot[0] is detection:
            return slot[1]
        value = self._build(detection)
        self._slot = (detection, value)
        return value


def _index_moves(detection: Detection) -> dict[int, TherapistMove]:
    index: dict[int, TherapistMove] = {}
    for move in detection.moves:
        index.setdefault(move.turn, move)
    return index


_moves_by_turn = _LastDetection(_index_moves)


def move_at(detection: Detection, turn: int) -> TherapistMove | None:
    return _moves_by_turn(detection).get(turn)


def previous_therapist(transcript: Transcript, turn: int) -> int | None:
    for i in range(turn - 1, -1, -1):
        if transcript.turns[i].role is Role.THERAPIST:
            return i
    return None


def next_turn(
    transcript: Transcript, turn: int, role: Role, within: int | None = None
) -> int | None:
    """The first turn of ``role`` after ``turn`` (among the next ``within`` turns, if given)."""
    turns = transcript.turns
    stop = len(turns) if within is None else min(len(turns), turn + 1 + within)
    return next((i for i in range(turn + 1, stop) if turns[i].role is role), None)


def next_patient(transcript: Transcript, turn: int) -> int | None:
    return next_turn(transcript, turn, Role.PATIENT)


def patient_turns(
    detection: Detection, heard: Callable[[Mapping[str, Any]], bool]
) -> frozenset[int]:
    """The patient turns whose signals (``Detection.signals``) say ``heard``."""
    return frozenset(
        int(s["turn"]) for s in detection.signals if s.get("role") == str(Role.PATIENT) and heard(s)
    )


def invited_turns(detection: Detection) -> frozenset[int]:
    """The patient turns that answer the therapist's invitation to say where they are wrong (the
    detection's ``answered_invitation`` fact)."""
    return patient_turns(detection, lambda s: bool(s.get("answered_invitation")))


def turn_signals(
    transcript: Transcript, detection: Detection, index: int, code: str
) -> list[Signal]:
    """What one therapist turn does that may contribute to a rupture (labels, moves, cues).

    A turn that repairs by owning a part (an apology, meta-communication) contributes nothing:
    "I'm sorry, I started telling you what you should do" is not advice."""
    text = transcript.turns[index].text
    out: list[Signal] = []
    move = move_at(detection, index)
    if own_repair(transcript, detection, index, code) is not None:
        return out
    excerpt = None if move is None else _own_words(move, text)
    if move is not None and move.contribution in _CONTRIBUTION_SIGNAL:
        out.append(Signal(_CONTRIBUTION_SIGNAL[move.contribution], (index,), excerpt))
    if move is not None and move.move in _MOVE_SIGNAL:
        out.append(Signal(_MOVE_SIGNAL[move.move], (index,)))
    if (
        move is not None
        and move.move is TherapistMoveType.INTERPRETATION
        and move.contribution is not Contribution.INTERPRETATION_IMPOSED
    ):
        # an interpretation the rules did not call imposed (offered tentatively) is a lead to
        # check, not a fact: a review found "None of your moves stands out" when "I wonder if
        # this is really about Mali… That's what the grief is really about" opened the episode
        out.append(Signal("interpretation_imposed", (index,), excerpt, backed=False))
    found = cue(code, "responsibility_question", text)
    if found:
        # a question move, or (move unknown) a question by its form
        unknown = move is None or move.move is TherapistMoveType.OTHER
        asked = (move is not None and move.move in _QUESTIONS) or (unknown and "?" in text)
        out.append(Signal("responsibility_question", (index,), found, backed=asked))
    advised = cue(code, "advice", text)
    if advised and (move is None or move.move is not TherapistMoveType.ADVICE_WITH_PERMISSION):
        out.append(Signal("advice_unsolicited", (index,), advised, backed=False))
    return out


def _own_words(move: TherapistMove, text: str) -> str | None:
    """The first excerpt of the move's evidence taken from the therapist's own turn: the context
    sentences quote the patient (« Fait suite à un possible marqueur… : "…" »), and fresh60's
    report gave a patient's "You're the expert. Whatever you think." as the therapist's
    "interpretation offered as fact" when a head's label had no words of its own."""
    said = " ".join(text.split())
    for e in move.evidence:
        words = " ".join((e.words or "").split()).rstrip("…").strip()
        if words and words in said:
            return e.words
    return None


def own_repair(
    transcript: Transcript, detection: Detection, index: int, code: str
) -> OwnRepair | None:
    """Whether a therapist turn repairs by owning a part (``cues.own_part``: apologies and
    acknowledgements, never « désolé que vous le preniez comme ça ») or is meta-communication."""
    turn = transcript.turns[index]
    if turn.role is not Role.THERAPIST:
        return None
    move = move_at(detection, index)
    if move is not None and move.contribution is not Contribution.NONE:
        # an apology the detection reads as arguing ("Yes, and I am sorry it was short notice.
        # But I did email as soon as I knew…"): the defence, not the owning (fresh50's review
        # found it praised as what worked, the therapist taking it back himself six turns later)
        return None
    owned = cue(code, "own_part", turn.text)
    if owned:
        return OwnRepair(index, "apology", owned)
    if move is not None and move.move is TherapistMoveType.META_COMMUNICATION:
        return OwnRepair(index, "meta_communication")
    if move is not None and move.repair is RepairStrategy.ACKNOWLEDGE_CONTRIBUTION:
        # the detection's reading ("I think that part's on me. I told you what you were feeling
        # instead of asking you"): a blind review found the repair that worked not credited. The
        # detection names it only of a turn that speaks of what the therapist did
        # (``move_labels.owns_doing``)
        return OwnRepair(index, "apology")
    return None


def moment(
    transcript: Transcript, detection: Detection, turn: int | None, code: str
) -> Moment | None:
    """The turn named as « the moment », quoted: its last clause (nearest to what followed)."""
    if turn is None:
        return None
    t = transcript.turns[turn]
    quoted = clauses(code, t.text)
    if not quoted or t.role is Role.OTHER:
        return None
    move = move_at(detection, turn)
    asked = t.text.rstrip(" )]").endswith("?") and move is not None and move.move in _QUESTIONS
    return Moment(turn, t.role, quoted[-1], asked and quoted[-1].endswith(("?", "…")))


def window_signals(
    transcript: Transcript,
    detection: Detection,
    first_marker: int,
    last: int,
    code: str,
    floor: int = 0,
    topic: Topic | None = None,
) -> tuple[Signal, ...]:
    """The therapist's possible part: moves in the few turns before the first marker (and those
    inside the episode up to ``last``; a run of closed questions is the detection's
    ``closed_interrogation`` label, which reads the answers between them), a topic pressed, an
    emotion not picked up, a large imbalance of talk."""
    start = max(floor, first_marker - WINDOW)
    turns = transcript.turns
    therapist = [i for i in range(start, last + 1) if turns[i].role is Role.THERAPIST]
    patient = [i for i in range(start, last + 1) if turns[i].role is Role.PATIENT]
    found: list[Signal] = []
    for i in therapist:
        found.extend(turn_signals(transcript, detection, i, code))

    if topic is not None:
        pressing = [
            i for i in therapist if i <= first_marker and mentions(code, turns[i].text, topic)
        ]
        if len(pressing) >= 2:
            # the key word every one of these turns holds, not the phrase of the one it was
            # found in: « ce père » (turn 19) is not what turn 17 said (« votre père »)
            found.append(Signal("pressing_topic", tuple(pressing), topic.head, backed=False))

    for p in patient:
        if p > first_marker:
            break
        emotion = cue(code, "emotions", turns[p].text)
        t = next((i for i in therapist if i > p), None)
        if emotion is None or t is None or t > first_marker:
            continue
        if _of_others(code, turns[p].text, emotion):
            continue  # "everyone's anxious in meetings": abstract talk, not a feeling said
        move = move_at(detection, t)
        reflective = move is not None and move.move in _REFLECTIVE
        # asking what was lived ("That one got you. What happened inside you when you read
        # it?") takes the feeling up too: a blind review found it called "not picked up"
        heard = (
            cue(code, "empathy", turns[t].text) is not None
            or move_cue(code, "explores", turns[t].text) is not None
        )
        if not reflective and not heard and not _names(turns[t].text, emotion):
            found.append(Signal("missed_emotion", (p, t), emotion, backed=False))

    t_words = sum(word_count(turns[i].text) for i in therapist if i <= first_marker)
    p_words = sum(word_count(turns[i].text) for i in patient if i <= first_marker)
    if t_words >= 60 and t_words >= 3 * max(p_words, 1):
        found.append(Signal("talk_ratio", tuple(i for i in therapist if i <= first_marker)))
    return _dedupe(found)


def _folded_words(text: str) -> list[str]:
    """The words of a turn folded as the cues read them (« épuisée » and « epuisee » alike)."""
    return [fold(w) for w in words(text)]


def _of_others(code: str, text: str, emotion: str) -> bool:
    """Whether the emotion is said of people in general (« tout le monde est stressé »,
    "everyone's anxious in meetings"), not of the patient: its clause names a general subject
    (``cues.general_subject``) before it."""
    for clause in clauses(code, text, 60):
        at = clause.lower().find(emotion.lower())
        if at > 0 and cue(code, "general_subject", clause[:at]) is not None:
            return True
    return False


#: Letters two forms of one emotion word share ("worried", "worry"; « peur », « peurs »).
_EMOTION_STEM = 4


def _names(text: str, emotion: str) -> bool:
    """Whether ``text`` names the emotion, in any form of the word (the therapist's "What's the
    worry, exactly?" picks up the patient's "worried"). A word family, wider than ``word_key``'s
    forms of one word: "sadness" names "sad"."""
    word = fold(emotion)
    if len(word) <= _EMOTION_STEM:  # "sad" names "sadness", "mad" does not name "made"
        return any(
            w == word or (w.startswith(word) and len(w) > len(word) + 1)
            for w in _folded_words(text)
        )
    return any(w.startswith(word[:_EMOTION_STEM]) for w in _folded_words(text))


def _dedupe(signals: list[Signal]) -> tuple[Signal, ...]:
    merged: dict[str, Signal] = {}
    for s in signals:
        if s.kind in merged:
            old = merged[s.kind]
            turns = tuple(sorted(set(old.turns) | set(s.turns)))
            merged[s.kind] = Signal(s.kind, turns, old.words or s.words, old.backed or s.backed)
        else:
            merged[s.kind] = s
    order = sorted(merged.values(), key=lambda s: (-int(s.kind in PUSHING), s.turns[0]))
    return tuple(order)


def dominant_kind(markers: tuple[Marker, ...], episode: Episode) -> MarkerKind:
    if episode.kind is EpisodeKind.WITHDRAWAL:
        return MarkerKind.WITHDRAWAL
    if episode.kind is EpisodeKind.CONFRONTATION:
        return MarkerKind.CONFRONTATION
    weight: Counter[MarkerKind] = Counter()
    for m in markers:
        weight[m.kind] += m.salience
    return weight.most_common(1)[0][0] if weight else MarkerKind.WITHDRAWAL


def _receptive(episode: Episode, kind: MarkerKind, salience: int) -> bool:
    """Whether naming the rupture now seems bearable: not in the heat of a strong confrontation,
    not while a macro-rupture is still unresolved."""
    if (
        kind is MarkerKind.CONFRONTATION
        and salience >= 4
        and episode.resolved is not Resolution.YES
    ):
        return False
    return not (episode.severity is Severity.MACRO and episode.resolved is Resolution.NO)


#: What makes a turn a painful one (``detect.signals``): its words, or tears written in it.
# A turn told through tears, long pauses or sighs is not light ground to come back to (a review
# found « le palier », the landing of a firefighter's trauma scene, offered as safer ground).
_PAINFUL_NONVERBAL = frozenset({"crying", "silence", "sigh"})


def _painful(signal: Mapping[str, Any] | None) -> bool:
    if signal is None:
        return False
    return bool(signal.get("painful")) or bool(
        _PAINFUL_NONVERBAL & set(signal.get("nonverbal", ()))
    )


class _SafeGround:
    """For any turn, the patient's most engaged unmarked turn before it that told nothing
    painful (safer ground is not the loss they cried over), and the median length of the
    unmarked turns, all computed in one pass (once per session, not once per episode).

    A turn that goes on with a story the patient's previous turn told through tears is not safe
    ground either: fresh44's review found « la pétanque » offered as safer ground, named once in
    the turn after the father's heart attack was told in tears."""

    def __init__(self, transcript: Transcript, detection: Detection) -> None:
        marked = {m.turn for m in detection.markers}
        said = {int(s["turn"]): s for s in detection.signals if "turn" in s}
        self._said = said
        self.indexes: list[int] = []
        self.best: list[tuple[int, int]] = []  # running max of (words, index)
        self.medians: list[float] = []  # running median of the word counts
        low: list[int] = []  # max-heap (negated) of the lower half
        high: list[int] = []  # min-heap of the upper half
        best = (-1, -1)
        story_painful = False  # the patient's previous turn was told in pain
        for t in transcript.turns:
            if t.role is not Role.PATIENT:
                continue
            painful = _painful(said.get(t.index))
            after_pain, story_painful = story_painful, painful
            if t.index in marked:
                continue
            n = word_count(t.text)
            if not painful and not after_pain:
                best = max(best, (n, t.index))
            if low and n > -low[0]:
                heapq.heappush(high, n)
            else:
                heapq.heappush(low, -n)
            if len(low) > len(high) + 1:
                heapq.heappush(high, -heapq.heappop(low))
            elif len(high) > len(low):
                heapq.heappush(low, -heapq.heappop(high))
            median = float(-low[0]) if len(low) > len(high) else (-low[0] + high[0]) / 2
            self.indexes.append(t.index)
            self.best.append(best)
            self.medians.append(median)

    def signal(self, turn: int) -> Mapping[str, Any] | None:
        """The detection's signals of turn ``turn`` (``Detection.signals``), if any."""
        return self._said.get(turn)

    def painful(self, turn: int) -> bool:
        """Whether the patient told turn ``turn`` with painful words, tears, pauses or sighs."""
        return _painful(self._said.get(turn))

    def before(self, turn: int) -> tuple[int, int, float] | None:
        """``(words, index, median)`` over the unmarked patient turns before ``turn``."""
        k = bisect.bisect_left(self.indexes, turn)
        if k == 0:
            return None
        n, index = self.best[k - 1]
        return n, index, self.medians[k - 1]


def _safe_topic(
    transcript: Transcript, ground: _SafeGround, before: int, code: str
) -> Topic | None:
    """The subject of the patient's most engaged turn before the episode: safer ground."""
    found = ground.before(before)
    if found is None:
        return None
    n, index, median = found
    if index < 0 or n < max(8, median):
        return None
    return _clear(topic_of(code, transcript.turns[index].text, min_score=3.0))


_ADVICE = frozenset(
    {TherapistMoveType.ADVICE_WITH_PERMISSION, TherapistMoveType.ADVICE_WITHOUT_PERMISSION}
)


def _advised(transcript: Transcript, detection: Detection, first: int, code: str) -> bool:
    for i in range(max(0, first - WINDOW), first):
        move = move_at(detection, i)
        if (
            move is not None
            and move.move in _ADVICE
            and own_repair(transcript, detection, i, code) is None
        ):
            return True
    return False


def _clear(topic: Topic | None) -> Topic | None:
    """A topic a suggestion may name: a noun phrase announced by a determiner."""
    return topic if topic is not None and topic.determined else None


def _episode_topic(
    transcript: Transcript, trigger: int | None, patient_text: list[str], code: str
) -> tuple[Topic, int] | None:
    """The topic of the trigger turn and that turn; if it names none clearly, that of the turns
    just before it (the patient turn it answered, then the therapist turn before that)."""
    if trigger is None:
        return None
    for i in range(trigger, max(-1, trigger - 3), -1):
        if transcript.turns[i].role is Role.OTHER:
            continue
        found = _clear(topic_of(code, transcript.turns[i].text, patient_text, min_score=3.0))
        # the therapist's own question at the trigger names its subject ("And work, how is it
        # going?"); a noun from elsewhere must be one the session came back to
        asked = i == trigger and transcript.turns[i].role is Role.THERAPIST
        if found is not None and (asked or _recurs(transcript, found, code)):
            return found, _raised_at(transcript, found, i, code)
    return None


def _recurs(transcript: Transcript, topic: Topic, code: str) -> bool:
    """Whether ``topic`` is named in more than one turn of the session: a subject the two came
    back to, not a word said in passing (fresh62's "your chips" from "over our chips", fresh64's
    "your gloves", « l'ouverture »: reviews found them named as what the rupture was about)."""
    # the head word's stem at a word start, folded: a plain scan of the turns (reading each turn
    # with the language model for its lemmas cost 1.4 s a session in full mode)
    head = fold(topic.head)
    stem = re.compile(r"(?<!\w)" + re.escape(head[:-2] if len(head) > 5 else head))
    return sum(1 for t in transcript.turns if stem.search(fold(t.text))) >= TOPIC_TURNS


#: Turns that must name a subject for it to be an episode's topic.
TOPIC_TURNS = 2


def _raised_at(transcript: Transcript, topic: Topic, turn: int, code: str) -> int:
    """The turn that brought ``topic`` up: the patient's turn just before when it already named
    it (the therapist then only took it up), else ``turn``."""
    if transcript.turns[turn].role is not Role.THERAPIST:
        return turn
    before = previous_patient(transcript, turn)
    if before is not None and mentions(code, transcript.turns[before].text, topic):
        return before
    return turn


def previous_patient(transcript: Transcript, turn: int) -> int | None:
    for i in range(turn - 1, -1, -1):
        if transcript.turns[i].role is Role.PATIENT:
            return i
    return None


def _turns_between(turns: Sequence[int], first: int, last: int) -> tuple[int, ...]:
    """The sorted ``turns`` in ``[first, last]``."""
    return tuple(turns[bisect.bisect_left(turns, first) : bisect.bisect_right(turns, last)])


#: The most words of a reply that « en peu de mots » describes.
BRIEF_WORDS = 8


def _strongest(markers: tuple[Marker, ...]) -> int | None:
    """The turn of the episode's strongest marker (the latest of the most salient)."""
    return max(markers, key=lambda m: (m.salience, m.turn)).turn if markers else None


def _brief(transcript: Transcript, turn: int | None) -> bool:
    """Whether the strongest marker's turn has at most ``BRIEF_WORDS`` words."""
    return turn is not None and word_count(transcript.turns[turn].text) <= BRIEF_WORDS


#: The shortest silence before a reply that makes it a reply after a pause, in seconds.
PAUSE_SECONDS = 3.0


def _paused(ground: _SafeGround, turn: int | None) -> bool:
    """Whether the strongest marker's turn came after a pause (its signals' silence or latency)."""
    s = None if turn is None else ground.signal(turn)
    if s is None:
        return False
    return max(float(s.get("silence") or 0.0), float(s.get("latency") or 0.0)) >= PAUSE_SECONDS


def _shorter(transcript: Transcript, turn: int | None) -> bool:
    """Whether the strongest marker's turn is shorter than the patient's turn before it."""
    if turn is None:
        return False
    before = next((t for t in reversed(transcript.turns[:turn]) if t.role is Role.PATIENT), None)
    return before is not None and word_count(transcript.turns[turn].text) < word_count(before.text)


def episode_facts(
    transcript: Transcript, detection: Detection, code: str
) -> tuple[EpisodeFacts, ...]:
    """The facts of every episode of the session, in order."""
    out: list[EpisodeFacts] = []
    floor = 0
    ground = _SafeGround(transcript, detection)
    defers = sorted(m.turn for m in detection.moves if m.repair is RepairStrategy.DEFER)
    for k, episode in sorted(enumerate(detection.episodes), key=lambda p: p[1].start):
        markers = episode_markers(detection, episode)
        strongest = _strongest(markers)
        first = markers[0].turn if markers else episode.start
        trigger = episode.trigger
        if trigger is None or transcript.turns[trigger].role is not Role.THERAPIST:
            trigger = previous_therapist(transcript, first)
        kind = dominant_kind(markers, episode)
        same = [m for m in markers if m.kind is kind] or list(markers)
        subtypes = tuple(dict.fromkeys(m.subtype for m in same))
        subtype = (
            max(same, key=lambda m: (m.salience, -m.turn)).subtype
            if same
            else (
                MarkerSubtype.MINIMAL_RESPONSE
                if kind is MarkerKind.WITHDRAWAL
                else MarkerSubtype.REJECTS_INTERVENTION
            )
        )
        salience = max((m.salience for m in markers), default=2)
        patient_text = [transcript.turns[m.turn].text for m in markers[:2]]
        found = _episode_topic(transcript, trigger, patient_text, code)
        if found is not None and any(set_aside(code, t, found[0]) for t in patient_text):
            found = None  # the patient set the subject aside: a repair must not name it
        topic, topic_turn = found if found is not None else (None, None)
        # what the patient brought, to follow — never a painful subject (a review found « Pouvez-
        # vous m'en dire un peu plus sur l'agression ? » offered in EMDR's stabilisation phase)
        patient_topic = (
            _clear(topic_of(code, transcript.turns[first].text, min_score=3.0))
            if markers and not ground.painful(first)
            else None
        )

        last = max(first, min(episode.end, len(transcript.turns) - 1))
        signals = window_signals(
            transcript, detection, first, min(last, first + WINDOW), code, floor, topic
        )
        deferred = _turns_between(defers, episode.start, episode.end + 1)
        out.append(
            EpisodeFacts(
                index=k,
                episode=episode,
                markers=markers,
                kind=kind,
                subtype=subtype,
                subtypes=subtypes,
                salience=salience,
                trigger=trigger,
                topic=topic,
                patient_topic=patient_topic,
                safe_topic=_safe_topic(transcript, ground, episode.start, code),
                signals=signals,
                receptive=_receptive(episode, kind, salience),
                deferred=deferred,
                topic_turn=topic_turn,
                topic_by=transcript.turns[topic_turn].role if topic_turn is not None else None,
                shorter=_shorter(transcript, strongest),
                brief=_brief(transcript, strongest),
                paused=_paused(ground, strongest),
                laughed=any(
                    a.kind == "laughter"
                    for m in markers
                    for a in transcript.turns[m.turn].annotations
                ),
                moment=moment(transcript, detection, trigger, code),
                advice_given=_advised(transcript, detection, first, code),
                own_repairs=tuple(
                    r
                    for i in range(
                        min(episode.start, trigger if trigger is not None else episode.start),
                        min(episode.end + 2, len(transcript.turns)),
                    )
                    if (r := own_repair(transcript, detection, i, code)) is not None
                ),
            )
        )
        floor = episode.end
    # safer ground is never a subject a rupture of the session started on (a review found « le
    # bac » offered to a pupil whose macro-rupture it had set off, "the number" to a patient with
    # anorexia whose weighing it was)
    triggers = {f.topic.head for f in out if f.topic is not None}
    return tuple(
        replace(f, safe_topic=None)
        if f.safe_topic is not None and f.safe_topic.head in triggers
        else f
        for f in out
    )
