"""Whether a therapist turn asks, and how: the project's one question classifier.

A question is judged on the last question of the turn, by how it opens once fillers ("so",
« alors », « euh ») are dropped: the opening words of the pack's ``[questions]`` lists
(``lang/<code>/moves.toml``) say open ("what", « comment », « qu'est-ce que ») or closed ("do you",
« est-ce que », « vous êtes »); a fact asked for ("how many", « depuis quand ») is closed whatever
its first word. The text is read folded (``raccord.lang.cues``), so speech-to-text French without
accents (« ca vous fait quoi », « vous etes ») is classified as the accented text is.

A transcript written as plain speech-to-text writes it, without a single question mark
(``unpunctuated``), is read by its words instead: a clause asks when it opens on one of the pack's
``spoken`` openings (« est-ce que », « comment », "do you", "how did") at the start of the turn or
after a filler, or ends on one of its ``spoken_tags`` (« …ou pas », "…is that right"); the
sentences of a turn (``sentences``) are then its clauses, cut where a question opens. Without
this, every turn of such a session read as a statement, and the therapist's questions as
reflections or advice.

The client-marker signals (``signals.compute``: what kind of question the patient answers), the
therapist-move classifier (``moves``: open or closed question, or a reflection said with a rising
tone) and the move labels (``move_labels``: a question, an interpretation offered as one) all ask
this module.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
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
    "asks",
    "kind",
    "last_question",
    "opening",
    "sentences",
    "unpunctuated",
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
    after_filler: re.Pattern[str] | None
    spoken: CueSet
    spoken_tags: CueSet
    open_start: CueSet
    open_anywhere: CueSet
    open_ending: CueSet
    closed_override: CueSet
    closed_start: CueSet


@cache
def _lists(code: str) -> _Lists:
    q = packs.section(code, "moves").get("questions", {}) if code in packs.available() else {}
    fillers = "|".join(fold(str(f)).replace(" ", r"\s+") for f in q.get("fillers", []))
    # the fillers a question sentence opens with, and those that end the words before a clause
    filler_re = re.compile(rf"^(?:\W*(?:{fillers})(?![\w'])[\s,.;:!-]*)+") if fillers else None
    after_filler = re.compile(rf"(?:(?:^|(?<![\w']))(?:{fillers})\W*)+$") if fillers else None
    index = Index()

    def cues(name: str, patterns: list[Any] | None = None) -> CueSet:
        listed = q.get(name, ()) if patterns is None else patterns
        return CueSet(name, [str(p) for p in listed], index)

    return _Lists(
        fillers=filler_re,
        after_filler=after_filler,
        spoken=cues("spoken"),
        spoken_tags=cues("spoken_tags"),
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


#: Below this share of turns (of three words or more) that end a sentence, a session without a
#: question mark is read as unpunctuated speech-to-text.
_ENDED_SHARE = 0.2
_CLOSERS = " \"')]»"


def unpunctuated(texts: Iterable[str]) -> bool:
    """Whether a session's turns are written as plain speech-to-text writes them: not one question
    mark, and fewer than one turn in five (of three words or more) ending on ``.``, ``!`` or
    ``…``. Read once per session by each stage that asks this module."""
    turns = ended = 0
    for text in texts:
        if "?" in text:
            return False
        if len(text.split()) < 3:
            continue
        turns += 1
        ended += text.rstrip(_CLOSERS).endswith((".", "!", "…"))
    return turns >= 3 and ended < _ENDED_SHARE * turns


def _spoken_starts(norm: str, language: str) -> list[int]:
    """Where a question opens in an unpunctuated folded turn: a ``spoken`` opening at the start
    or after a filler; a ``spoken_tags`` ending asks from the last clause start before it."""
    lists = _lists(pack_code(language))
    starts: list[int] = []
    pos = 0
    while (m := lists.spoken.search(norm, pos)) is not None:
        head = norm[: m.start()]
        lead = lists.after_filler.search(head) if lists.after_filler else None
        if not head.strip():
            starts.append(0)
        elif lead is not None:  # the fillers before the question open it ("okay so how…")
            starts.append(lead.start())
        pos = m.end()
    if not starts:
        tag = lists.spoken_tags.search(norm)
        if tag is not None and norm[: tag.start()].strip():
            starts.append(0)
    return starts


def sentences(norm: str, language: str, *, spoken: bool = False) -> list[tuple[int, int, bool]]:
    """A folded turn's sentences as ``(start, end, asks)``: cut at ``.!?…`` and asking when they
    hold a question mark; in an unpunctuated session (``spoken``), a turn without punctuation is
    cut where a question opens (``_spoken_starts``) and those clauses ask."""
    if not spoken or any(c in norm for c in ".!?…"):
        return [
            (m.start(), m.end(), "?" in m.group())
            for m in _SENTENCE.finditer(norm)
            if m.group().strip(" ,.!?…-—–\"'")
        ]
    if not norm.strip():
        return []
    starts = _spoken_starts(norm, language)
    cuts = [0, *(s for s in starts if s > 0), len(norm)]
    asking = set(starts)
    return [(a, b, a in asking) for a, b in itertools.pairwise(cuts) if norm[a:b].strip()]


def asks(text: str, language: str, *, spoken: bool = False) -> bool:
    """Whether a turn as written asks something: a question mark, or in an unpunctuated session
    a clause that opens or ends as a question."""
    if "?" in text:
        return True
    return spoken and any(
        q for _, _, q in sentences(fold_sentences(text).text, language, spoken=True)
    )


def last_question(folded: str, language: str, *, spoken: bool = False) -> tuple[int, int] | None:
    """The span of the last asking sentence of a folded turn (``sentences``), or ``None``."""
    found: tuple[int, int] | None = None
    for a, b, q in sentences(folded, language, spoken=spoken):
        if q:
            found = (a, b)
    return found


def kind(text: str, language: str, *, spoken: bool = False) -> str:
    """``open``, ``closed`` or ``none`` for a turn as written, judged on its last question (a
    question whose opening says neither is closed); ``spoken``: the session is unpunctuated."""
    if "?" not in text and not spoken:
        return NONE
    folded = fold_sentences(text).text
    span = last_question(folded, language, spoken=spoken)
    if span is None:
        return NONE
    return OPEN if opening(folded[span[0] : span[1]], language) == OPEN else CLOSED
