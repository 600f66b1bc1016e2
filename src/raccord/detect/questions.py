"""Whether a therapist turn asks, and how: the project's one question classifier.

A question is judged on the last question of the turn, by how it opens once fillers ("so",
« alors », « euh ») are dropped: the opening words of the pack's ``[questions]`` lists
(``lang/<code>/moves.toml``) say open ("what", « comment », « qu'est-ce que ») or closed ("do you",
« est-ce que », « vous êtes »); a fact asked for ("how many", « depuis quand ») is closed whatever
its first word. The text is read folded (``raccord.lang.cues``), so speech-to-text French without
accents (« ca vous fait quoi », « vous etes ») is classified as the accented text is.

The client-marker signals (``signals.compute``: what kind of question the patient answers) and the
therapist-move classifier (``moves``: open or closed question, or a reflection said with a rising
tone) both ask this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from raccord import lang as packs
from raccord.lang import pack_code
from raccord.lang.cues import CueSet, Index, fold, fold_sentences

__all__ = [
    "CLOSED",
    "NONE",
    "OPEN",
    "UNMARKED",
    "kind",
    "last_question",
    "opening",
    "without_fillers",
]

OPEN = "open"
CLOSED = "closed"
#: A question whose opening words say neither open nor closed ("So you feel stuck?").
UNMARKED = "unmarked"
#: A turn without a question.
NONE = "none"

_SENTENCE = re.compile(r"[^.!?…]+(?:[.!?…]+|$)")
_LEADING = re.compile(r"^\W+")


@dataclass(frozen=True, slots=True)
class _Lists:
    fillers: re.Pattern[str] | None
    open_start: CueSet
    open_anywhere: CueSet
    open_ending: CueSet
    closed_override: CueSet
    closed_start: CueSet


@cache
def _lists(code: str) -> _Lists:
    q = packs.section(code, "moves").get("questions", {}) if code in packs.available() else {}
    fillers = [fold(str(f)) for f in q.get("fillers", [])]
    filler_re = (
        re.compile(
            r"^(?:\W*(?:"
            + "|".join(f.replace(" ", r"\s+") for f in fillers)
            + r")(?![\w'])[\s,.;:!-]*)+"
        )
        if fillers
        else None
    )
    index = Index()

    def cues(name: str, patterns: list[Any] | None = None) -> CueSet:
        listed = q.get(name, ()) if patterns is None else patterns
        return CueSet(name, [str(p) for p in listed], index)

    return _Lists(
        fillers=filler_re,
        open_start=cues("open", [*q.get("open", []), *q.get("open_at_start", [])]),
        open_anywhere=cues("open"),
        open_ending=cues("open_ending"),
        closed_override=cues("closed_override"),
        closed_start=cues("closed"),
    )


def without_fillers(sentence: str, language: str) -> str:
    """A folded question sentence without its leading fillers ("so", « alors », « euh »)."""
    fillers = _lists(pack_code(language)).fillers
    s = sentence.strip()
    return s if fillers is None else fillers.sub("", s, count=1)


def opening(sentence: str, language: str) -> str:
    """``open``, ``closed`` or ``unmarked``: how one question sentence (folded, as
    ``fold_sentences`` gives it) opens once its fillers are dropped."""
    lists = _lists(pack_code(language))
    s = without_fillers(sentence, language)
    start = _LEADING.sub("", s)
    if lists.closed_override.match(start):
        return CLOSED
    if lists.open_start.match(start) or lists.open_ending.search(s):
        return OPEN
    if lists.closed_start.match(start):
        return CLOSED
    if lists.open_anywhere.search(s):
        return OPEN
    return UNMARKED


def last_question(folded: str) -> tuple[int, int] | None:
    """The span of the last sentence holding a question mark in a folded turn, or ``None``."""
    found: tuple[int, int] | None = None
    for m in _SENTENCE.finditer(folded):
        if "?" in m.group() and m.group().strip(" ,.!?…-—–\"'"):
            found = (m.start(), m.end())
    return found


def kind(text: str, language: str) -> str:
    """``open``, ``closed`` or ``none`` for a turn as written, judged on its last question (a
    question whose opening says neither is closed)."""
    if "?" not in text:
        return NONE
    folded = fold_sentences(text).text
    span = last_question(folded)
    if span is None:
        return NONE
    return OPEN if opening(folded[span[0] : span[1]], language) == OPEN else CLOSED
