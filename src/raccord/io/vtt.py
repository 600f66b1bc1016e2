"""WebVTT as Zoom and Teams export it.

A small parser of our own rather than webvtt-py 0.6: that library rounds cue times to whole
seconds in ``start_in_seconds`` and does not say on which line a bad cue is, and a clinician
needs both (latencies of a second matter; errors must name the line). ``NOTE`` blocks may carry
session facts (``NOTE séance 3 — 2026-10-12``). Header lines right under ``WEBVTT``
(``Kind: captions``, ``Language: en-GB``, as YouTube writes them) are kept as metadata.
"""

from __future__ import annotations

import re

from raccord.errors import InputError
from raccord.io.cues import Cue, to_raw
from raccord.io.header import SessionInfo, parse_header_line
from raccord.io.raw import RawTranscript
from raccord.io.timecode import parse_clock

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
#: A WebVTT timestamp: two-digit minutes and seconds (a comma or 1–3 decimals tolerated).
_STAMP = re.compile(r"^(?:\d{1,3}:)?\d{2}:\d{2}(?:[.,]\d{1,3})?$")
#: Header lines caption tools write under ``WEBVTT`` (YouTube: ``Kind: captions``, ``Language: en``).
_HEADER_FIELD = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")


def timing(line: str, number: int, source: str) -> tuple[float, float]:
    """Start and end seconds of a ``00:00:01.000 --> 00:00:04.000`` line."""
    match = _TIMING.match(line)
    if match is None:
        raise InputError(
            "malformed cue timing",
            path=source,
            quote=line.strip(),
            line=number,
            expected="'00:00:01.000 --> 00:00:04.000'",
        )
    times: list[float] = []
    for side, value in (("start", match.group(1)), ("end", match.group(2))):
        seconds = parse_clock(value) if _STAMP.match(value) else None
        if seconds is None:
            raise InputError(
                f"malformed cue timing: the {side} timestamp {value[:20]!r} is not a time",
                path=source,
                line=number,
                expected="a time such as 00:01:05.250 (two-digit minutes and seconds)",
            )
        times.append(seconds)
    return times[0], times[1]


def read(text: str, source: str) -> list[RawTranscript]:
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError("not a WebVTT file", path=source, line=1, expected="a first line 'WEBVTT'")
    session = SessionInfo()
    cues: list[Cue] = []
    header: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
        field = _HEADER_FIELD.match(lines[i])
        if field:
            header[field.group(1).lower()] = field.group(2)
        i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        head = block[0].strip()
        if head.startswith("NOTE"):
            for note in [head[4:], *block[1:]]:
                session.update(parse_header_line(note))
            continue
        if head.startswith(("STYLE", "REGION")):
            continue
        timing_at = next((k for k, line in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            raise InputError(
                "text outside a cue",
                path=source,
                quote=head,
                line=block_start + 1,
                expected="a cue timing line '00:00:01.000 --> 00:00:04.000'",
            )
        number = block_start + timing_at + 1
        start, end = timing(block[timing_at], number, source)
        payload = "\n".join(block[timing_at + 1 :])
        cues.append(Cue(start, end, payload, number))
    raw = to_raw(cues, source, "vtt")
    raw.session = session
    raw.extra.update({f"vtt_{key}": value for key, value in header.items() if value})
    return [raw]
