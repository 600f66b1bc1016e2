"""The therapist's notes on their own reactions, read from a small text file.

The article asks the therapist to treat their own irritation, boredom or anxiety as information
about the relationship. A notes file has one reaction per line, placed by turn number or by time::

    12: agacé·e quand il a dit que ça servait à rien
    00:14:30 ennuyée
    turn 40 - anxious
    # a comment

The turn number is the one the analysis shows (the turn's id in its source, else its rank from 1).
The feeling is recognised from the vocabulary of ``lang/*/understand.toml [feelings]`` (French and
English both, since a French therapist may note in English and the reverse).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from raccord import lang
from raccord.errors import InputError
from raccord.model import TherapistNote

EXPECTED = "'12: feeling…', '00:14:30 feeling…' or 'turn 40 - feeling…'"

_TIME = re.compile(r"^\[?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,]\d+)?\]?\s*(?:[-–—:]\s*)?(.*)$")
_SEPARATOR = r"\s*(?:[:\-–—.)]\s*|\s+)"


@cache
def _turn_pattern() -> re.Pattern[str]:
    turn_words: set[str] = set()
    for code in lang.available():
        turn_words.update(lang.section(code, "understand").get("notes", {}).get("turn_words", ()))
    alternatives = "|".join(sorted((re.escape(w) for w in turn_words), key=len, reverse=True))
    prefix = f"(?:(?:{alternatives})\\s*)?" if alternatives else ""
    return re.compile(f"^{prefix}#?(\\d+){_SEPARATOR}(.*)$", re.IGNORECASE)


@cache
def _feelings() -> tuple[tuple[str, str], ...]:
    """(stem, feeling) pairs from every pack, longest stems first."""
    pairs: list[tuple[str, str]] = []
    for code in lang.available():
        for feeling, stems in lang.section(code, "understand").get("feelings", {}).items():
            pairs.extend((str(stem).lower(), str(feeling)) for stem in stems)
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


def feeling_of(text: str) -> str | None:
    """The normalised feeling a note names (``irritated``, ``bored``, ``anxious``…), if any."""
    lowered = " " + text.lower().replace("’", "'")
    for stem, feeling in _feelings():
        if re.search(r"[\s(«\"'-]" + re.escape(stem), lowered):
            return feeling
    return None


def parse_notes(lines: Iterable[str], *, path: str = "<notes>") -> tuple[TherapistNote, ...]:
    """Notes from lines of text; a line that places nothing raises ``InputError`` naming it."""
    notes: list[TherapistNote] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        timed = _TIME.match(line)
        if timed:
            hours, minutes, seconds, text = timed.groups()
            total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
                raise InputError(
                    "not a valid time", path=path, line=number, expected=EXPECTED, quote=line
                )
            note = TherapistNote(text=text.strip(), seconds=float(total))
        else:
            turned = _turn_pattern().match(line)
            if not turned:
                raise InputError(
                    "cannot tell which moment this note is about",
                    path=path,
                    quote=line,
                    line=number,
                    expected=EXPECTED,
                )
            note = TherapistNote(text=turned.group(2).strip(), turn=int(turned.group(1)))
        if not note.text:
            raise InputError(
                "a note needs some words about the reaction",
                path=path,
                line=number,
                expected=EXPECTED,
            )
        notes.append(
            TherapistNote(
                text=note.text, turn=note.turn, seconds=note.seconds, feeling=feeling_of(note.text)
            )
        )
    return tuple(notes)


def read_notes(path: str | Path) -> tuple[TherapistNote, ...]:
    """The notes of a UTF-8 text file (see the module docstring for the line format)."""
    where = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError as exc:
        raise InputError("notes file not found", path=where) from exc
    except UnicodeDecodeError as exc:
        raise InputError("notes file is not UTF-8 text", path=where) from exc
    except OSError as exc:
        raise InputError(f"cannot read notes file: {exc.strerror}", path=where) from exc
    return parse_notes(text.splitlines(), path=where)
