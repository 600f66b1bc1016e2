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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from raccord import lang as packs
from raccord.model import Evidence
from raccord.taxonomy import TherapistMoveType

__all__ = ["move_type", "normalize"]

_T = TherapistMoveType
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_WORD = re.compile(r"[\w'-]+")
_EVIDENCE_CHARS = 140


def normalize(text: str) -> str:
    """Lowercase with straight apostrophes; same length as ``text`` so spans map back."""
    low = text.translate(_APOSTROPHES).lower()
    return low if len(low) == len(text) else text.translate(_APOSTROPHES)


def _compile(patterns: Sequence[str], *, anchored: bool = False) -> re.Pattern[str] | None:
    """One alternation for a cue list, each pattern wrapped in word boundaries."""
    parts: list[str] = []
    for raw in patterns:
        pat = raw.replace(" ", r"\s+")
        parts.append(f"(?:{pat})")
    if not parts:
        return None
    head = r"^\W*" if anchored else r"(?<![\w'])"
    # End on a word boundary unless the cue itself ends on an apostrophe ("qu'", "n'").
    tail = r"(?!(?<=\w)\w)"
    return re.compile(head + "(?:" + "|".join(parts) + ")" + tail, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Pack:
    backchannel: frozenset[str]
    backchannel_max_words: int
    fillers: re.Pattern[str] | None
    open_start: re.Pattern[str] | None
    open_any: re.Pattern[str] | None
    closed_override: re.Pattern[str] | None
    closed_start: re.Pattern[str] | None
    cues: Mapping[str, re.Pattern[str]]
    templates: Mapping[str, str]
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
    cues: dict[str, re.Pattern[str]] = {}
    for name, pats in data.get("cues", {}).items():
        compiled = _compile([str(p) for p in pats])
        if compiled is not None:
            cues[str(name)] = compiled
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


@lru_cache(maxsize=65536)
def _classify(text: str, code: str) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    pack = _pack(code)
    norm = normalize(text)
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
        # Advice inside a question ("do you think you should…?") is the question's content.
        if m and not (cue == "advice" and _in_question(spans, m.start())):
            return result(move, m.start())
    if questions:
        a, b = questions[-1]
        return result(_question_kind(pack, norm[a:b]), a)
    for cue, move in _STATEMENTS:
        m = _hit(pack, cue, norm)
        if m:
            return result(move, m.start())
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
)
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
    return _classify(text, lang)
