"""Whisper and WhisperX JSON: ``{"segments": [{"start", "end", "text", "speaker"?}]}`` or a bare list.

Plain Whisper does not diarise: without ``speaker`` fields there is no turn-taking to read, so
the file is read as one speaker and the role decision says why; WhisperX's ``SPEAKER_00`` labels
go to the role heuristic. A few unlabelled segments inside a diarised file keep the previous
speaker (with a warning).
"""

from __future__ import annotations

import json
from typing import Any

from raccord.errors import InputError
from raccord.io.raw import RawTranscript, RawTurn
from raccord.io.timecode import parse_seconds

NO_SPEAKER = "speaker"
_EXPECTED = '{"segments": [{"start": 0.0, "end": 2.5, "text": "…", "speaker": "SPEAKER_00"}]}'


def load_json(text: str, source: str) -> Any:
    """Parsed JSON, or an error with the line and column of the fault."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at column {exc.colno}: {exc.msg}", path=source, line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", path=source) from None


def read(text: str, source: str) -> list[RawTranscript]:
    data = load_json(text, source)
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list):
        raise InputError("no list of segments in this JSON", path=source, expected=_EXPECTED)
    turns: list[RawTurn] = []
    unlabelled = 0
    for position, segment in enumerate(segments, start=1):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise InputError(
                f"segment {position} has no 'text' string", path=source, expected=_EXPECTED
            )
        start = parse_seconds(segment.get("start"))
        end = parse_seconds(segment.get("end"))
        for key, value in (("start", start), ("end", end)):
            if segment.get(key) not in (None, "") and value is None:
                raise InputError(
                    f"segment {position}: {key} {segment.get(key)!r} is not a time in seconds",
                    path=source,
                    expected="a number of seconds such as 12.5",
                )
        speaker = segment.get("speaker")
        if not isinstance(speaker, str | int) or isinstance(speaker, bool) or str(speaker) == "":
            speaker = None
            unlabelled += 1
        turns.append(
            RawTurn(str(speaker) if speaker is not None else "", segment["text"], start, end)
        )
    raw = RawTranscript(turns=turns, source=source, format="whisper", unit="segment")
    if isinstance(data, dict) and isinstance(data.get("language"), str):
        raw.extra["whisper_language"] = data["language"]
    if turns and unlabelled == len(turns):
        for turn in turns:
            turn.speaker = NO_SPEAKER
        raw.no_speakers = (
            "Whisper JSON without speaker labels (no diarisation): all segments read as one"
            " speaker; transcribe with diarisation (WhisperX) to tell therapist and patient apart"
        )
        raw.merge = False
    elif unlabelled:
        previous = next((t.speaker for t in turns if t.speaker), NO_SPEAKER)
        for turn in turns:
            if turn.speaker:
                previous = turn.speaker
            else:
                turn.speaker = previous
        raw.warnings.append(
            f"{unlabelled} segment(s) without a speaker given to the speaker before them"
        )
    return [raw]
