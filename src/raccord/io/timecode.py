"""Timestamps as transcripts write them: ``00:12:31``, ``12:31``, ``00:00:01.000``, ``00:00:01,000``.

Seconds always have two digits: ``00:10:3`` is a mistyped time, never three seconds.
"""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_clock(value: str) -> float | None:
    """Seconds for ``[hh:]mm:ss[.mmm]``, or ``None`` when ``value`` is not a clock time."""
    match = _CLOCK.match(value.strip())
    if match is None:
        return None
    hours, minutes, seconds, frac = match.groups()
    if (int(minutes) >= 60 and hours is not None) or int(seconds) >= 60:
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        total += int(frac) / (10 ** len(frac))
    return float(total)


def parse_seconds(value: object) -> float | None:
    """Seconds from a number, a numeric string (``"12.5"``) or a clock string; ``None`` if empty."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        clock = parse_clock(text)
        if clock is not None:
            return clock
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        return None
    return number


def format_clock(seconds: float | None) -> str:
    """``hh:mm:ss`` for display; empty when unknown."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
