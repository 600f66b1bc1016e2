"""Non-verbal annotations written inside the words: ``[silence 8s]``, ``(soupir)``, ``[looks away]``.

Transcribers put what was not said between brackets. For rupture work these are first-class
signals (a long silence after a question, a sigh, a look away), so they are lifted out of the
words into ``Turn.annotations`` with a normalised ``kind`` and, when written, a duration. Square
brackets are always annotations; round brackets only when their content is a known non-verbal
word (``(soupir)``), because speakers' asides are also written in parentheses. The raw word →
kind table is language-pack data (``lang/<code>/io.toml``, section ``nonverbal``).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from functools import cache

from raccord.io.timecode import parse_clock
from raccord.io.vocab import vocabulary
from raccord.model import NonVerbal, is_word

_SQUARE = re.compile(r"\[([^\[\]\n]{1,120})\]")
_ROUND = re.compile(r"\(([^()\n]{1,80})\)")
_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(s|sec|secs|seconde|secondes|second|seconds|mn|min|mins|minute|minutes)\b\.?",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,200}>|<\d[\d:.]*>")
_SPACES = re.compile(r"[ \t\u00a0\u202f]+")
_EDGE_PUNCT = " .,;:!?…-–—'\"«»"
#: Where a lifted annotation stood, until the words before it are counted (never in a transcript).
_MARK = "\x00"
_SLOT = re.compile(f"{_MARK}(\\d+){_MARK}")


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Vocabulary phrases as whole-word patterns, longest first."""
    vocab = vocabulary().nonverbal
    ordered = sorted(vocab, key=len, reverse=True)
    return tuple(
        (re.compile(r"(?<!\w)" + re.escape(raw) + r"(?!\w)"), vocab[raw]) for raw in ordered
    )


def _duration(raw: str) -> tuple[float | None, str]:
    """The duration written in an annotation (``8s``, ``2 min``) and the raw text without it."""
    match = _DURATION.search(raw)
    if match is None:
        return None, raw
    amount = float(match.group(1).replace(",", "."))
    if match.group(2).lower().startswith("m"):
        amount *= 60
    rest = (raw[: match.start()] + raw[match.end() :]).strip()
    rest = re.sub(r"\s+(de|d'|of|for)$", "", rest)
    return amount, rest


def classify(raw: str) -> tuple[str | None, float | None]:
    """``(kind, seconds)`` for an annotation's content; kind ``None`` when it is not a known word."""
    seconds, rest = _duration(raw.strip())
    words = _SPACES.sub(" ", rest.lower()).strip(_EDGE_PUNCT)
    if not words:
        return ("silence" if seconds is not None else None), seconds
    vocab = vocabulary()
    if words in vocab.nonverbal:
        return vocab.nonverbal[words], seconds
    for prefix, kind in vocab.nonverbal_prefixes:
        if words == prefix or words.startswith(prefix + " "):
            return kind, seconds
    for pattern, kind in _phrases():
        if pattern.search(words):
            return kind, seconds
    return None, seconds


def strip_markup(text: str) -> str:
    """Remove HTML/VTT tags (``<i>``, ``<b>``, ``<00:00:01.000>``) and unescape entities."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def extract(text: str) -> tuple[str, tuple[NonVerbal, ...]]:
    """Split a turn's text into its words and its non-verbal annotations, in order; each
    annotation records how many words of the text came before it (``NonVerbal.at``), so that a
    silence before the answer is shown before it."""
    found: list[NonVerbal] = []

    def lift(raw: str, kind: str, seconds: float | None) -> str:
        found.append(NonVerbal(kind=kind, raw=raw, seconds=seconds))
        return f" {_MARK}{len(found) - 1}{_MARK} "

    def square(match: re.Match[str]) -> str:
        raw = match.group(1).strip()
        if parse_clock(raw) is not None:
            return " "
        kind, seconds = classify(raw)
        return lift(raw, kind or "other", seconds)

    def round_(match: re.Match[str]) -> str:
        raw = match.group(1).strip()
        kind, seconds = classify(raw)
        return match.group(0) if kind is None else lift(raw, kind, seconds)

    if "[" in text:
        text = _SQUARE.sub(square, text)
    if "(" in text:
        text = _ROUND.sub(round_, text)
    if not found:
        return normalise_space(text), ()
    placed: list[NonVerbal] = []
    words = 0
    for token in text.split():
        slot = _SLOT.fullmatch(token)
        if slot is None:
            words += is_word(token)
        else:
            placed.append(replace(found[int(slot.group(1))], at=words))
    return normalise_space(_SLOT.sub(" ", text)), tuple(placed)


def normalise_space(text: str) -> str:
    """One space between words, none before closing punctuation left by a removed annotation."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    joined = " ".join(line for line in lines if line)
    return re.sub(r" ([,.](?!\.))", r"\1", joined).strip()
