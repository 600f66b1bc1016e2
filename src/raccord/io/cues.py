"""Speakers inside subtitle cues (WebVTT and SRT), shared by both readers.

Zoom writes the speaker as ``Name: text`` at the start of each cue; Teams uses a voice tag
``<v Name>text</v>``. Captions split one turn into many short cues, so consecutive cues of one
speaker become one turn later (``assemble``). A cue with no speaker continues the previous one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from raccord.io.raw import RawTranscript, RawTurn
from raccord.io.speakers import is_speaker

_VOICE = re.compile(r"^\s*<v(?:\.[\w.-]+)*\s+([^>]{1,80})>", re.IGNORECASE)
_NAME = re.compile(r"^\s*([^\s:<>\[\](){}][^:<>\[\](){}\n]{0,59}?)\s*[:：]\s+(.*)$", re.DOTALL)
#: The single speaker's name when a subtitle file names nobody.
NO_SPEAKER = "speaker"


@dataclass(slots=True)
class Cue:
    start: float
    end: float
    payload: str
    line: int


def _voice_or_name(payload: str) -> tuple[str | None, str, bool]:
    """``(speaker, text, from_voice_tag)`` of one cue's payload."""
    voice = _VOICE.match(payload)
    if voice:
        return voice.group(1).strip(), payload[voice.end() :], True
    name = _NAME.match(payload)
    if name and len(name.group(1).split()) <= 5:
        return name.group(1).strip(), name.group(2), False
    return None, payload, False


def to_raw(cues: list[Cue], source: str, fmt: str) -> RawTranscript:
    """Turns from cues; a ``Name:`` prefix is a speaker when it looks like one (``speakers``)."""
    parsed = [_voice_or_name(cue.payload) for cue in cues]
    counts = Counter(name for name, _, voice in parsed if name and not voice)
    turns: list[RawTurn] = []
    for cue, (name, text, voice) in zip(cues, parsed, strict=True):
        if name and not voice and not is_speaker(name, counts[name], text, short=len(cues) <= 4):
            name, text = None, cue.payload
        if name is None:
            name = turns[-1].speaker if turns else None
        turns.append(RawTurn(name or NO_SPEAKER, text, start=cue.start, end=cue.end, line=cue.line))
    raw = RawTranscript(turns=turns, source=source, format=fmt)
    if turns and all(t.speaker == NO_SPEAKER for t in turns):
        raw.no_speakers = (
            "the subtitles name no speaker: all cues read as one speaker (export with speaker"
            " names, or add 'Name:' before each turn)"
        )
        raw.merge = False
    return raw
