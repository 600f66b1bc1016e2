"""From what a reader found to a ``Transcript``: the rules every format shares.

In order: markup stripped and non-verbal annotations lifted out of the words; timestamps checked
(a cue that ends more than ``END_TOLERANCE`` seconds before it starts, or a jump back of more than
``BACKWARDS_TOLERANCE``, is an error naming the line; a segment ending slightly before it starts,
as WhisperX writes for words it could not align, gets its end set to its start; small steps back and overlaps,
common in hand-timed or overlapping speech, are kept; each with a warning naming the first place); consecutive lines of one speaker merged into one turn (in plain text, numbered by its first line); the language
decided on the whole text; roles decided and explained.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise

from raccord.errors import InputError
from raccord.io import language, roles
from raccord.io.nonverbal import extract, strip_markup
from raccord.io.raw import RawTranscript, RawTurn
from raccord.io.timecode import format_clock
from raccord.model import Metadata, NonVerbal, Transcript, Turn, is_word

#: Seconds a timestamp may step back before the file is refused (AnnoMI has steps of 1–9 s).
BACKWARDS_TOLERANCE = 10.0
#: Seconds a turn may end before it starts and be clamped (WhisperX's unaligned words: about 1 s).
END_TOLERANCE = 2.0


@dataclass(slots=True)
class _Clean:
    speaker: str
    text: str
    start: float | None
    end: float | None
    line: int | None
    id: int | None
    annotations: list[NonVerbal] = field(default_factory=list)


def build(
    raw: RawTranscript,
    *,
    language_code: str | None = None,
    therapist: roles.Names = None,
    patient: roles.Names = None,
) -> Transcript:
    """Normalise one reader's output into a ``Transcript`` (see the module docstring)."""
    if not raw.turns:
        raise InputError(
            "no speaking turns found", path=raw.source, expected=_expected_for(raw.format)
        )
    warnings = list(raw.warnings)
    cleaned = [_clean(turn) for turn in raw.turns]
    warnings.extend(_check_times(cleaned, raw))
    if raw.merge:
        if raw.ranked_lines and _joins(cleaned):
            # a turn keeps the number a reader counts down the lines: its first line's (fresh38's
            # review: after two lines of one speaker were joined, every later turn of the report
            # was one behind the transcript)
            for rank, c in enumerate(cleaned, start=1):
                if c.id is None:
                    c.id = rank
        cleaned = _merge(cleaned)
    text = " ".join(c.text for c in cleaned if c.text)
    if language_code is not None:
        code, basis = language.forced(language_code)
    else:
        code, basis = language.detect(text, raw.source)
    table = roles.stats([(c.speaker, c.text) for c in cleaned])
    assignments = roles.assign(
        table,
        therapist=therapist,
        patient=patient,
        source=raw.source,
        no_speakers=raw.no_speakers,
    )
    if len(table) == 1:
        warnings.append(f"only one speaker ({next(iter(table))!r}): turn-taking cannot be analysed")
    role_of = {a.speaker: a.role for a in assignments}
    turns = tuple(
        Turn(
            index=i,
            speaker=c.speaker,
            role=role_of[c.speaker],
            text=c.text,
            start=c.start,
            end=c.end,
            annotations=tuple(c.annotations),
            source_line=c.line,
            id=c.id,
        )
        for i, c in enumerate(cleaned)
    )
    metadata = Metadata(
        source=raw.source,
        format=raw.format,
        transcript_id=raw.transcript_id,
        session_date=raw.session.session_date,
        session_number=raw.session.session_number,
        patient=raw.session.patient,
        extra=dict(raw.extra),
    )
    return Transcript(
        turns=turns,
        language=code,
        metadata=metadata,
        roles=assignments,
        language_basis=basis,
        warnings=tuple(warnings),
    )


def _expected_for(fmt: str) -> str:
    return {
        "text": "lines such as 'T: …' / 'P: …' or 'Thérapeute : …'",
        "vtt": "WebVTT cues with a speaker ('Name: text' or '<v Name>text')",
        "srt": "numbered subtitles with timings",
        "whisper": '{"segments": [{"start", "end", "text", "speaker"}]}',
        "csv": "one row per turn with speaker and text columns",
        "eaf": "an ELAN file with one tier per speaker",
    }.get(fmt, "speaking turns")


def _clean(turn: RawTurn) -> _Clean:
    words, annotations = extract(strip_markup(turn.text))
    return _Clean(
        speaker=turn.speaker.strip() or "?",
        text=words,
        start=turn.start,
        end=turn.end,
        line=turn.line,
        id=turn.id,
        annotations=list(annotations),
    )


def _where(raw: RawTranscript, turn: _Clean, position: int) -> tuple[int | None, str]:
    if raw.unit == "line":
        return turn.line, ""
    return None, f"{raw.unit} {position + 1}: "


def _check_times(turns: list[_Clean], raw: RawTranscript) -> list[str]:
    """Errors for impossible times; warnings (one per kind, with a count) for tolerable ones."""
    overlaps: list[str] = []
    steps_back: list[str] = []
    clamped: list[str] = []
    worst = 0.0
    previous: _Clean | None = None
    for position, turn in enumerate(turns):
        line, prefix = _where(raw, turn, position)
        if (
            turn.start is not None
            and turn.end is not None
            and turn.start - END_TOLERANCE <= turn.end < turn.start
        ):
            clamped.append(f"line {line}" if line is not None else prefix.rstrip(": "))
            worst = max(worst, turn.start - turn.end)
            turn.end = turn.start
        if turn.start is not None and turn.end is not None and turn.end < turn.start:
            raise InputError(
                f"{prefix}ends at {format_clock(turn.end)} before it starts at"
                f" {format_clock(turn.start)}",
                path=raw.source,
                line=line,
                expected="an end time after the start time",
            )
        if turn.start is None:
            continue
        if previous is not None and previous.start is not None:
            where = f"line {line}" if line is not None else prefix.rstrip(": ")
            if turn.start < previous.start - BACKWARDS_TOLERANCE:
                raise InputError(
                    f"{prefix}timestamp {format_clock(turn.start)} goes back in time after"
                    f" {format_clock(previous.start)} (two files joined, or lines out of order?)",
                    path=raw.source,
                    line=line,
                    expected="timestamps in increasing order",
                )
            if turn.start < previous.start:
                steps_back.append(where)
            elif (
                previous.end is not None
                and turn.start < previous.end - 0.001
                and turn.speaker != previous.speaker
            ):
                overlaps.append(where)
        previous = turn
    warnings = []
    if clamped:
        warnings.append(
            f"{len(clamped)} turn(s) end before they start, by up to {worst:.2f} s (an alignment"
            f" glitch?): end set to the start ({', '.join(clamped[:5])}"
            + (", …)" if len(clamped) > 5 else ")")
        )
    if steps_back:
        warnings.append(
            f"{len(steps_back)} timestamp(s) step back by up to {BACKWARDS_TOLERANCE:.0f} s"
            f" (first at {steps_back[0]}); kept as written"
        )
    if overlaps:
        warnings.append(
            f"{len(overlaps)} turn(s) start before the previous one ends (overlapping speech;"
            f" first at {overlaps[0]})"
        )
    return warnings


def _joins(turns: list[_Clean]) -> bool:
    """Whether two lines in a row have the same speaker (``_merge`` will join them)."""
    return any(a.speaker == b.speaker for a, b in pairwise(turns))


def _merge(turns: list[_Clean]) -> list[_Clean]:
    """Consecutive lines of one speaker become one turn: start of the first, end of the last."""
    merged: list[_Clean] = []
    for turn in turns:
        last = merged[-1] if merged else None
        if last is not None and last.speaker == turn.speaker:
            # an annotation of the second line keeps its place: after the first line's words
            # (fresh38: "[silence 4s]" between two lines was shown before the first one)
            before = sum(is_word(token) for token in last.text.split())
            last.annotations.extend(
                a if a.at is None else replace(a, at=a.at + before) for a in turn.annotations
            )
            last.text = f"{last.text} {turn.text}".strip() if turn.text else last.text
            if last.start is None:
                last.start = turn.start
            if turn.end is not None:
                last.end = turn.end
            elif turn.start is not None and last.end is not None:
                last.end = max(last.end, turn.start)
            continue
        merged.append(turn)
    return merged
