"""Plain-text transcripts: one speaker label per turn, the way clinicians type them.

``T: …`` / ``P: …``, ``Thérapeute : …`` (French space before the colon), ``Patient(e) :``,
``Dr Martin:``, ``Marie:``, with an optional ``[00:12:31]``, ``00:12:31`` or ``(12:31)`` before or
after the label. A line without a label continues the previous turn. Lines starting with ``#`` and
``Séance : 3`` / ``Date : …`` lines before the first turn are session facts.

Exports of transcription tools that put the speaker on a line of its own, with a time and no
colon (``Speaker 1  0:03`` as Otter writes it, ``00:00:05 Speaker 2`` as Word's Transcribe does),
are read too: the lines after such a heading are the turn. A bracketed range
``[00:00:05 - 00:00:09]`` gives the turn's end as well.

A word before a colon is not always a speaker ("Bref: …", "I said: …"): ``speakers`` decides,
from the label's shape and what follows it, never from how often the speaker talks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from raccord.io.header import SessionInfo, is_metadata_key, parse_header_line
from raccord.io.raw import RawTranscript, RawTurn
from raccord.io.roles import label_role
from raccord.io.speakers import is_speaker, looks_like_label
from raccord.io.timecode import parse_clock

_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_STAMP = (
    rf"(?:\[\s*(?P<Na>{_CLOCK})(?:\s*(?:-->|-|–)\s*(?P<Nd>{_CLOCK}))?\s*\]"
    rf"|\(\s*(?P<Nb>{_CLOCK})\s*\)|(?P<Nc>{_CLOCK}))"
)
_WORDS = (
    r"[^\W\d_][\w'’.\-]*(?:\(e\))?(?: [\w'’.\-]+(?:\(e\))?){0,3}(?: \([^\W\d_][^()\d:]{0,29}\))?"
)
_LEAD = re.compile(r"^" + _STAMP.replace("?P<N", "?P<s") + r"\s*[-–—|]?\s*")
_LABEL = re.compile(
    rf"^(?P<label>{_WORDS})"
    r"\s*(?:" + _STAMP.replace("?P<N", "?P<t") + r")?\s*[:：](?P<sep>\s|$)?(?P<text>.*)$"
)
_ONLY_STAMP = re.compile(r"^" + _STAMP.replace("?P<N", "?P<o") + r"$")
_HEADING_AFTER = re.compile(rf"^(?P<label>{_WORDS})\s+" + _STAMP.replace("?P<N", "?P<h") + r"$")
_HEADING_WORDS = re.compile(rf"^{_WORDS}$")
#: A label with something like a time that is not one: ``P [00:1] : …`` (a typo, named as such).
_BAD_STAMP = re.compile(
    rf"^(?P<label>{_WORDS})\s*(?P<stamp>[\[(][\d\s.,\-–>]*\d:[\d\s:.,\-–>]*[\])])\s*[:：]"
    r"\s*(?P<text>.*)$"
)
#: A file with at most this many labelled lines accepts any well-formed label.
_SHORT_FILE = 4


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    label: str | None = None
    start: float | None = None
    end: float | None = None
    bad_stamp: str | None = None


def _stamp(match: re.Match[str], name: str) -> float | None:
    for suffix in "abc":
        value = match.group(name + suffix)
        if value:
            return parse_clock(value)
    return None


def _stamp_end(match: re.Match[str], name: str) -> float | None:
    value = match.group(name + "d")
    return parse_clock(value) if value else None


def _split(number: int, raw_line: str) -> _Line:
    text = raw_line.strip()
    heading = _HEADING_AFTER.match(text)
    if heading and looks_like_label(heading.group("label")):
        return _Line(
            number, "", heading.group("label"), _stamp(heading, "h"), _stamp_end(heading, "h")
        )
    start: float | None = None
    end: float | None = None
    lead = _LEAD.match(text)
    if lead and not _ONLY_STAMP.match(text):
        start, end = _stamp(lead, "s"), _stamp_end(lead, "s")
        text = text[lead.end() :]
        if _HEADING_WORDS.match(text) and looks_like_label(text):
            return _Line(number, "", text, start, end)
    match = _LABEL.match(text)
    if match is None:
        bad = _BAD_STAMP.match(text)
        if bad and looks_like_label(bad.group("label").strip()):
            label = bad.group("label").strip()
            return _Line(number, bad.group("text").strip(), label, bad_stamp=bad.group("stamp"))
        return _Line(number, text, None, start)
    label = match.group("label").strip()
    known = label_role(label) is not None
    if match.group("sep") is None and not known:
        return _Line(number, text, None, start)
    if not looks_like_label(label):
        return _Line(number, text, None, start)
    if start is None:
        start, end = _stamp(match, "t"), _stamp_end(match, "t")
    body = match.group("text").strip()
    after = _LEAD.match(body)
    if after and not _ONLY_STAMP.match(body):
        if start is None:
            start, end = _stamp(after, "s"), _stamp_end(after, "s")
        body = body[after.end() :]
    return _Line(number, body, label, start, end)


def read(text: str, source: str) -> list[RawTranscript]:
    """Turns of a plain-text transcript (see the module docstring)."""
    lines = [_split(i, line) for i, line in enumerate(text.splitlines(), start=1)]
    counts = Counter(line.label for line in lines if line.label is not None)
    labelled = sum(counts.values())

    def accepted(line: _Line) -> bool:
        assert line.label is not None
        return is_speaker(line.label, counts[line.label], line.text, short=labelled <= _SHORT_FILE)

    session = SessionInfo()
    turns: list[RawTurn] = []
    skipped: list[int] = []
    pending_start: float | None = None
    for line, original in zip(lines, text.splitlines(), strict=True):
        stripped = original.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            session.update(parse_header_line(stripped))
            continue
        only = _ONLY_STAMP.match(stripped)
        if only:
            pending_start = _stamp(only, "o")
            continue
        if line.label is not None and not turns and is_metadata_key(line.label):
            session.update(parse_header_line(stripped))
            continue
        if line.label is not None and accepted(line):
            start = line.start if line.start is not None else pending_start
            pending_start = None
            turns.append(RawTurn(line.label, line.text, start, line.end, line=line.number))
        elif turns:
            turns[-1].text += "\n" + stripped
        else:
            skipped.append(line.number)
    raw = RawTranscript(
        turns=turns, source=source, format="text", session=session, ranked_lines=True
    )
    malformed = [line for line in lines if line.bad_stamp is not None and line.label is not None]
    if malformed:
        first = malformed[0]
        raw.warnings.append(
            f"{len(malformed)} malformed timestamp(s) left empty (first at line {first.number}:"
            f" {first.bad_stamp!r}; expected a time such as [00:12:31] or (12:31))"
        )
    if skipped and turns:
        span = f"line {skipped[0]}" if len(skipped) == 1 else f"lines {skipped[0]}–{skipped[-1]}"
        raw.warnings.append(
            f"{len(skipped)} line(s) before the first speaker label skipped ({span})"
        )
    return [raw]
