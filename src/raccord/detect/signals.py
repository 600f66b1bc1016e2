"""Per-turn signals: what a clinician notices before naming a marker.

Each measure is read against the speaker's own baseline in the session (a patient who always
answers in three words is not withdrawing when they answer in three words), and only from the
past: a patient turn's signals use the turns up to it and the therapist turn it answers, so the
same code can run live, turn by turn (the ConvoKit forecaster idea in ``STYLE.md``).

Cue phrases are language-pack data (``lang/<code>/markers.toml``), compiled once per language by
the project's one cue engine (``raccord.lang.cues``) and matched on each turn's words, folded
(lower case, no accents, stutters collapsed); evidence quotes the words as written.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from raccord import lang as lang_packs
from raccord.detect import questions
from raccord.lang.cues import CueHit, CueSet, Index, as_written, fold, normalise, quoted
from raccord.model import TherapistMove, Transcript, Turn
from raccord.taxonomy import Contribution, MarkerSubtype, Role, TherapistMoveType

__all__ = ["CueHit", "Pack", "TurnSignals", "as_written", "compute", "normalise", "pack"]

_WORD = re.compile(r"\w+")

# --------------------------------------------------------------------------- the compiled pack


@dataclass(frozen=True, slots=True)
class Pack:
    """A language's marker pack, compiled."""

    code: str
    families: Mapping[str, CueSet]
    subtypes: Mapping[MarkerSubtype, CueSet]
    minimal: CueSet
    nonverbal: Mapping[str, re.Pattern[str]]
    templates: Mapping[str, str]
    signal_templates: Mapping[str, str]
    prototypes: Mapping[str, tuple[str, ...]]
    stopwords: frozenset[str]
    edges: Mapping[str, re.Pattern[str]]

    def family(self, name: str) -> CueSet:
        return self.families.get(name) or _EMPTY_SET


_EMPTY_SET = CueSet("", ())


@cache
def pack(code: str) -> Pack:
    """The compiled marker pack of a language (falls back to English when a pack has none)."""
    data = lang_packs.section(code, "markers") if code in lang_packs.available() else {}
    if not data:
        code, data = lang_packs.DEFAULT, lang_packs.section(lang_packs.DEFAULT, "markers")
    evidence = lang_packs.section(code, "evidence")
    index = Index()
    families = {
        name: CueSet(name, entries, index) for name, entries in data.get("families", {}).items()
    }
    subtypes = {
        MarkerSubtype(name): CueSet(name, body.get("cues", ()), index)
        for name, body in data.get("subtypes", {}).items()
    }
    nonverbal = {
        kind: re.compile(pattern, re.IGNORECASE)
        for kind, pattern in data.get("nonverbal", {}).items()
    }
    return Pack(
        code=code,
        families=families,
        subtypes=subtypes,
        minimal=CueSet("minimal", data.get("minimal", {}).get("closing", ()), index),
        nonverbal=nonverbal,
        templates=dict(evidence.get("templates", {})),
        signal_templates=dict(evidence.get("signal_templates", {})),
        prototypes={k: tuple(v) for k, v in data.get("prototypes", {}).items()},
        edges={
            name: re.compile("|".join(f"(?:{e['re']})" for e in data["families"][name]))
            for name in ("cut_off", "continuation")
            if data.get("families", {}).get(name)
        },
        stopwords=frozenset(fold(str(data.get("stopwords", ""))).split()),
    )


# --------------------------------------------------------------------------- signals


@dataclass(frozen=True, slots=True)
class TurnSignals:
    """What one turn shows, measured against its speaker's own past in the session.

    For a patient turn the context fields (``pressure``, ``directive``, ``question``, ``invite``,
    ``reflection``, ``therapist_cut_off``) describe the therapist turn it answers; for a therapist
    turn they describe the turn itself.
    """

    index: int
    role: Role
    words: int
    baseline_words: float | None
    length_ratio: float | None
    latency: float | None
    silence: float | None
    cut_off: bool
    continuation: bool
    answers: int | None
    question: str
    pressure: float
    directive: float
    invite: float
    reflection: float
    therapist_cut_off: bool
    confront: float
    advice: float
    answered_move: str
    lexical_continuity: float | None
    semantic_continuity: float | None
    backchannel: bool
    minimal: float
    disagree: float
    justify: float
    compliance: float
    irritation: float
    hedges: float
    change_talk: float
    genuine: float
    #: A thought of not coming back or of stopping the therapy, said in the session
    #: (« je me suis dit que je reviendrais pas »): read by the episodes' severity, not a feature.
    dropout: float
    #: The patient setting a subject aside for now ("But not today", « plus tard, peut-être »):
    #: read by the episodes' resolution (a rupture left open on purpose), not a feature.
    defers: float
    first_person: float
    impersonal: float
    painful: float
    negative_affect: float
    nonverbal: tuple[str, ...]
    cues: tuple[CueHit, ...]
    words_of: tuple[tuple[str, str], ...]
    #: The therapist turn answered owned their part, cleared up a misunderstanding or named a
    #: pattern in words (``move_labels.opening_turns``: « c'est moi qui vous ai remis dans ce
    #: bureau… Je le regrette »): read by the decision only (``markers._answers_owning``), not a
    #: feature.
    answered_owning: bool = False
    #: The therapist turn answered asked to be told where the therapist is wrong
    #: (``move_labels.opening_turns``: « vous me direz franchement si ça ne colle pas »): read by
    #: the decision only (``markers._answers_invitation``), not a feature.
    answered_invitation: bool = False
    #: The patient says back the words the therapist quoted for them to say (« Dites-le
    #: simplement : « Je suis fini. » » — « Je suis fini. », a defusion script, a role-play line):
    #: the exercise done, read by the decision only (``markers.find``), not a feature.
    recites: bool = False
    #: What the repair left open, said by the patient (« tout n'est pas réglé », "still a bit
    #: sore"): read by the episodes' resolution (``episodes.build``), not a feature.
    residue: float = 0.0
    #: The patient's go-ahead to what the therapist proposes (« Allez-y. », "Go on."): read by the
    #: decision only (``markers._consents``), not a feature.
    consents: float = 0.0

    def said(self, family: str) -> str:
        """The words that fired a family on this turn (for evidence), or ``""``."""
        for name, words in self.words_of:
            if name == family:
                return words
        return ""

    def as_dict(self) -> dict[str, Any]:
        """A small JSON-friendly view (``Detection.signals``); no transcript text beyond cues."""
        return {
            "turn": self.index,
            "role": str(self.role),
            "words": self.words,
            "baseline_words": self.baseline_words,
            "length_ratio": _round(self.length_ratio),
            "latency": self.latency,
            "silence": self.silence,
            "question": self.question,
            "pressure": _round(self.pressure),
            "directive": _round(self.directive),
            "confront": _round(self.confront),
            "advice": _round(self.advice),
            "lexical_continuity": _round(self.lexical_continuity),
            "semantic_continuity": _round(self.semantic_continuity),
            "disagree": _round(self.disagree),
            "compliance": _round(self.compliance),
            "irritation": _round(self.irritation),
            "hedges": _round(self.hedges),
            "first_person": _round(self.first_person),
            "impersonal": _round(self.impersonal),
            "painful": _round(self.painful),
            "nonverbal": list(self.nonverbal),
            "cues": [h.family for h in self.cues],
            "answered_invitation": self.answered_invitation,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _content_words(words: Sequence[str], stop: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if len(w) > 2 and w not in stop)


def _median(values: Sequence[int]) -> float:
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def _nonverbal(p: Pack, turn: Turn) -> tuple[tuple[str, ...], float | None, str]:
    """The non-verbal kinds of a turn, its longest silence, and an irritated tone as the
    transcript writes it (« ton sec », "curtly"; ``""`` if none): the markers pack's
    ``[nonverbal] tone`` says which tones are irritated (the reader's ``tone`` kind also holds
    « voix basse », "flatly")."""
    kinds: list[str] = []
    silence = turn.silence
    tone = ""
    irritated = p.nonverbal.get("tone")
    for nv in turn.annotations:
        kinds.append(nv.kind)
        if nv.kind == "tone" and not tone and irritated is not None:
            written = nv.raw.strip("[]() ")
            tone = written if irritated.search(f"[{written}]") else ""
    for kind, regex in p.nonverbal.items():
        m = regex.search(turn.text)
        if m and kind == "tone" and not tone:
            tone = m.group(0).strip("[]() ")
        if m and kind not in kinds:
            kinds.append(kind)
            if kind == "silence":
                secs = re.search(r"(\d+(?:[.,]\d+)?)\s*(s|sec|secondes?|seconds?)\b", m.group(0))
                value = float(secs.group(1).replace(",", ".")) if secs else 0.0
                silence = max(silence or 0.0, value)
    return tuple(kinds), silence, tone


#: Patient turns shorter than this get no semantic continuity (a backchannel has no topic).
SEMANTIC_WORDS = 4

Similarity = Callable[[list[tuple[int, int]]], list[float]]

#: The share of a patient turn's words taken from the therapist's quotes for it to be the line
#: said back; a lone "Yeah." never is (``RECITED_WORDS``).
RECITED_SHARE = 0.8
RECITED_WORDS = 2


def _recites(therapist: str, words: Sequence[str]) -> bool:
    """Whether the patient's ``words`` say back what the therapist quoted for them to say ("say
    it as it is: \"I'm finished.\"", ``cues.quoted``). In the labelled sessions the six turns of
    this shape are all coded without a marker; fresh49's "I'm having the thought that I'm
    finished." was flagged as rejecting the intervention."""
    if len(words) < RECITED_WORDS:
        return False
    given = {w for part in quoted(therapist) for w in _WORD.findall(normalise(part))}
    if not given:
        return False
    share = sum(w in given for w in words) / len(words)
    return share >= RECITED_SHARE and len(words) <= len(given) + 3


def compute(
    transcript: Transcript,
    *,
    similarity: Similarity | None = None,
    moves: Mapping[int, TherapistMove] | None = None,
    spoken: bool | None = None,
    owning: frozenset[int] = frozenset(),
    inviting: frozenset[int] = frozenset(),
) -> tuple[TurnSignals, ...]:
    """Signals for every turn of a session (past-only for patient turns).

    ``similarity`` (full mode) maps (therapist turn, patient turn) index pairs to a semantic
    similarity in [-1, 1]; without it semantic continuity stays ``None``. ``moves`` are the
    therapist moves labelled *before* any marker is known (``label_moves(transcript, ())``): an
    argue/confront or unsolicited-advice move is context for the replies that follow.
    ``spoken``: whether the session is unpunctuated speech-to-text (``questions.unpunctuated``),
    read from the turns when not given. ``owning``: the therapist turns that own their part,
    clear up a misunderstanding or name a pattern in words (``move_labels.opening_turns``);
    ``inviting``: those that ask to be told where the therapist is wrong
    (``move_labels.opening_turns``).
    """
    move_of = moves or {}
    p = pack(transcript.language)
    turns = transcript.turns
    norms = [normalise(t.text) for t in turns]
    words_in = [_WORD.findall(n) for n in norms]
    counts = [len(w) for w in words_in]
    content: dict[int, frozenset[str]] = {}

    def content_of(i: int) -> frozenset[str]:
        found = content.get(i)
        if found is None:
            found = content[i] = _content_words(words_in[i], p.stopwords)
        return found

    raw_cut = p.edges.get("cut_off")
    raw_cont = p.edges.get("continuation")
    # plain speech-to-text without a question mark: questions are read by their words
    if spoken is None:
        spoken = questions.unpunctuated(t.text for t in turns)

    # first pass: therapist context of every therapist turn
    t_ctx: dict[int, tuple[float, float, float, float, str, str, str]] = {}
    for i, turn in enumerate(turns):
        if turn.role is Role.PATIENT:
            continue
        norm = norms[i]
        pressure, pw = p.family("pressure").score(norm)
        directive, dw = p.family("directive").score(norm)
        invite, _ = p.family("invite").score(norm)
        reflection, _ = p.family("reflection").score(norm)
        question = questions.kind(turn.text, p.code, spoken=spoken)
        if _move_name(move_of.get(i)) in _REFLECTIONS:
            # "you really need the money" reflects the patient's own need: not a push
            pressure, directive = 0.5 * pressure, 0.5 * directive
        # the words as the therapist wrote them: a patient turn quotes them as its context
        # (a review found « arrete » for « arrête »)
        pw, dw = as_written(turn.text, pw), as_written(turn.text, dw)
        t_ctx[i] = (pressure, directive, invite, reflection, question, pw, dw)

    pairs: list[tuple[int, int]] = []
    answers_of: list[int | None] = []
    last_t: int | None = None
    prev_t: int | None = None
    for i, turn in enumerate(turns):
        if turn.role is Role.PATIENT:
            answers_of.append(last_t)
            if last_t is not None and counts[i] >= SEMANTIC_WORDS:
                pairs.append((last_t, i))
        else:
            answers_of.append(None)
            if turn.role is Role.THERAPIST:
                prev_t, last_t = last_t, i
    del prev_t
    semantic: dict[tuple[int, int], float] = {}
    if similarity is not None and pairs:
        semantic = dict(zip(pairs, similarity(pairs), strict=True))

    history: dict[Role, list[int]] = {}
    out: list[TurnSignals] = []
    for i, turn in enumerate(turns):
        norm = norms[i]
        words = counts[i]
        past = history.setdefault(turn.role, [])
        baseline = _median(past) if len(past) >= 3 else None
        ratio = None if baseline is None else words / max(baseline, 1.0)
        bisect.insort(past, words)
        latency = None
        if i > 0 and turn.start is not None:
            before = turns[i - 1]
            end = before.end if before.end is not None else None
            if end is not None:
                latency = max(0.0, turn.start - end)
        nonverbal, silence, tone = _nonverbal(p, turn)
        cut_off = bool(raw_cut and raw_cut.search(turn.text.strip()))
        continuation = bool(raw_cont and raw_cont.search(turn.text.strip()))
        if turn.role is not Role.PATIENT:
            pressure, directive, invite, reflection, question, pw, dw = t_ctx.get(
                i, (0.0, 0.0, 0.0, 0.0, "none", "", "")
            )
            out.append(
                TurnSignals(
                    index=i,
                    role=turn.role,
                    words=words,
                    baseline_words=baseline,
                    length_ratio=ratio,
                    latency=latency,
                    silence=silence,
                    cut_off=cut_off,
                    continuation=continuation,
                    answers=None,
                    question=question,
                    pressure=pressure,
                    directive=directive,
                    invite=invite,
                    reflection=reflection,
                    therapist_cut_off=cut_off,
                    confront=_confront(move_of.get(i)),
                    advice=_advice(move_of.get(i)),
                    answered_move=_move_name(move_of.get(i)),
                    lexical_continuity=None,
                    semantic_continuity=None,
                    backchannel=_is_backchannel(p, norm, words),
                    minimal=0.0,
                    disagree=0.0,
                    justify=0.0,
                    compliance=0.0,
                    irritation=0.0,
                    hedges=0.0,
                    change_talk=0.0,
                    genuine=0.0,
                    dropout=0.0,
                    defers=0.0,
                    first_person=0.0,
                    impersonal=0.0,
                    painful=0.0,
                    negative_affect=0.0,
                    nonverbal=nonverbal,
                    cues=(),
                    words_of=(
                        ("pressure", as_written(turn.text, pw)),
                        ("directive", as_written(turn.text, dw)),
                    ),
                )
            )
            continue
        a = answers_of[i]
        pressure = directive = invite = reflection = confront = advice = 0.0
        question, pw, dw = "none", "", ""
        t_cut = False
        lexical: float | None = None
        if a is not None:
            pressure, directive, invite, reflection, question, pw, dw = t_ctx[a]
            t_cut = out[a].cut_off
            if out[a].backchannel or (t_cut and out[a].words <= 4):
                # the therapist only said "mm-hmm" or was cut: the question is the turn before
                earlier = _previous_substantive(out, a)
                if earlier is not None:
                    _, _, ei, er, eq, _, _ = t_ctx[earlier]
                    invite = max(invite, ei)
                    reflection = max(reflection, er)
                    question = eq if question == "none" else question
            # pressure lingers: the last therapist turns count, fading with distance
            recent = _recent_therapist(out, a)
            if _move_name(move_of.get(a)) in _FRESH_START:
                recent = recent[:1]
            for weight, j in zip(CONTEXT_DECAY, recent, strict=False):
                confront = max(confront, weight * out[j].confront)
                advice = max(advice, weight * out[j].advice)
                ep, ed, _, _, _, epw, edw = t_ctx[j]
                if weight * ep > pressure:
                    pressure, pw = weight * ep, epw or pw
                if weight * ed > directive:
                    directive, dw = weight * ed, edw or dw
            t_words = content_of(a)
            mine = content_of(i)
            if t_words and mine:
                lexical = len(t_words & mine) / min(len(t_words), len(mine))
        family_words: list[tuple[str, str]] = [("pressure", pw), ("directive", dw)]
        scores: dict[str, float] = {}
        for name in (
            "disagree",
            "justify",
            "compliance",
            "irritation",
            "hedge",
            "change_talk",
            "genuine",
            "dropout",
            "defers",
            "residue",
            "consents",
            "painful",
            "negative_affect",
        ):
            value, fw = p.family(name).score(norm)
            scores[name] = value
            if fw:
                family_words.append((name, fw))
        if tone:
            # an irritated tone written in the transcript (« [ton sec] », "[curtly]") makes a
            # "fine, whatever you say" an irritated closing, not compliance (ANNOTATION.md);
            # a low or flat voice is no irritation
            nonverbal = (*nonverbal, IRRITATED)
            if scores["irritation"] < TONE_IRRITATION:
                scores["irritation"] = TONE_IRRITATION
                family_words.append(("irritation", tone))
        tokens = max(words, 1)
        first = p.family("first_person").count(norm) / tokens
        impersonal = p.family("impersonal").count(norm) / tokens
        minimal, mw = p.minimal.score(norm)
        if mw:
            family_words.append(("minimal", mw))
        cues: list[CueHit] = []
        for subtype, cue_set in p.subtypes.items():
            cues.extend(
                replace(h, words=as_written(turn.text, h.words))
                for h in cue_set.hits(subtype.value, norm)
            )
        out.append(
            TurnSignals(
                index=i,
                role=turn.role,
                words=words,
                baseline_words=baseline,
                length_ratio=ratio,
                latency=latency,
                silence=silence,
                cut_off=cut_off,
                continuation=continuation,
                answers=a,
                question=question,
                pressure=pressure,
                directive=directive,
                invite=invite,
                reflection=reflection,
                therapist_cut_off=t_cut,
                confront=confront,
                advice=advice,
                answered_move=_move_name(move_of.get(a)) if a is not None else "",
                answered_owning=a in owning,
                answered_invitation=a in inviting,
                recites=a is not None and _recites(turns[a].text, words_in[i]),
                lexical_continuity=lexical,
                semantic_continuity=semantic.get((a, i)) if a is not None else None,
                backchannel=_is_backchannel(p, norm, words),
                minimal=minimal,
                disagree=scores["disagree"],
                justify=scores["justify"],
                compliance=scores["compliance"],
                irritation=scores["irritation"],
                hedges=scores["hedge"],
                change_talk=scores["change_talk"],
                genuine=scores["genuine"],
                dropout=scores["dropout"],
                defers=scores["defers"],
                residue=scores["residue"],
                consents=scores["consents"],
                first_person=first,
                impersonal=impersonal,
                painful=scores["painful"],
                negative_affect=scores["negative_affect"],
                nonverbal=nonverbal,
                cues=tuple(cues),
                words_of=tuple((name, as_written(turn.text, fw)) for name, fw in family_words),
            )
        )
    return tuple(out)


#: The irritation an irritated tone written in the transcript amounts to (the rules' "irritated").
TONE_IRRITATION = 1.5
#: The non-verbal kind added to a patient turn said in an irritated tone.
IRRITATED = "irritated"

#: Weight of the therapist turns before a patient reply (most recent first) in its context.
CONTEXT_DECAY = (1.0, 0.8, 0.6)


_CONFRONT = frozenset(
    {
        Contribution.CONFRONT_ARGUE,
        Contribution.INTERPRETATION_IMPOSED,
        Contribution.CLOSED_INTERROGATION,
    }
)


_REFLECTIONS = frozenset(
    {TherapistMoveType.SIMPLE_REFLECTION.value, TherapistMoveType.COMPLEX_REFLECTION.value}
)
#: Therapist moves that change the stance (repairs): earlier pressure no longer lingers after them.
_FRESH_START = frozenset(
    {
        TherapistMoveType.META_COMMUNICATION.value,
        TherapistMoveType.VALIDATION.value,
        TherapistMoveType.SELF_DISCLOSURE.value,
    }
)


def _confront(move: TherapistMove | None) -> float:
    return 1.0 if move is not None and move.contribution in _CONFRONT else 0.0


def _move_name(move: TherapistMove | None) -> str:
    return "" if move is None else move.move.value


def _advice(move: TherapistMove | None) -> float:
    if move is None:
        return 0.0
    if move.contribution is Contribution.ADVICE_UNSOLICITED:
        return 1.0
    return 0.5 if move.move is TherapistMoveType.ADVICE_WITHOUT_PERMISSION else 0.0


def _recent_therapist(signals: Sequence[TurnSignals], index: int) -> list[int]:
    """The therapist turns at and before ``index`` (most recent first), within a short window."""
    out: list[int] = []
    for j in range(index, max(-1, index - 7), -1):
        if signals[j].role is Role.THERAPIST:
            out.append(j)
            if len(out) == len(CONTEXT_DECAY):
                break
    return out


def _previous_substantive(signals: Sequence[TurnSignals], index: int) -> int | None:
    for j in range(index - 1, max(-1, index - 4), -1):
        s = signals[j]
        if s.role is Role.THERAPIST and not s.backchannel:
            return j
    return None


def _is_backchannel(p: Pack, norm: str, words: int) -> bool:
    if words == 0:
        return True
    if words > 4:
        return False
    return p.family("backchannel").count(norm) > 0
