"""The therapist's own reactions placed on the session timeline, next to the markers.

The article: a therapist who starts to feel irritated, bored or anxious may be sensing a rupture.
Each note is placed at a turn (the number the therapist wrote, matched to the turn's id, else its
position; or a time matched to the turn being spoken then) and shown with the markers within two
turns; a reaction with no marker nearby is flagged as a possible rupture the text does not show.
"""

from __future__ import annotations

from dataclasses import replace

from raccord.model import Detection, Marker, TherapistNote, Transcript
from raccord.taxonomy import MarkerKind
from raccord.understand.text import join, label, phrase, turn_ref

NEAR = 2


def _clock(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def resolve_turn(transcript: Transcript, note: TherapistNote) -> int | None:
    """The 0-based position a note is about, or ``None`` when it falls outside the session."""
    turns = transcript.turns
    if note.turn is not None:
        for t in turns:
            if t.id is not None and t.id == note.turn:
                return t.index
        return note.turn if 0 <= note.turn < len(turns) else None
    if note.seconds is None:
        return None
    timed = [t for t in turns if t.start is not None]
    if not timed:
        return None
    placed = None
    for t in timed:
        if t.start is not None and t.start <= note.seconds:
            placed = t.index
    last = timed[-1]
    end = last.end if last.end is not None else last.start
    if placed is None or (end is not None and note.seconds > end + 60):
        return None
    return placed


def place_notes(
    transcript: Transcript, notes: tuple[TherapistNote, ...]
) -> tuple[TherapistNote, ...]:
    """The notes with ``turn`` set to the 0-based position they are about (when it can be found),
    in session order."""
    placed = []
    for note in notes:
        index = resolve_turn(transcript, note)
        placed.append(replace(note, turn=index) if index is not None else replace(note, turn=None))
    return tuple(sorted(placed, key=lambda n: (n.turn is None, n.turn or 0)))


def markers_near(detection: Detection, turn: int) -> list[Marker]:
    """The markers within ``NEAR`` turns of ``turn``, in session order: what a note is next to."""
    return [
        m
        for m in sorted(detection.markers, key=lambda m: m.turn)
        if m.kind is not MarkerKind.NONE and abs(m.turn - turn) <= NEAR
    ]


def timeline(
    code: str, transcript: Transcript, detection: Detection, notes: tuple[TherapistNote, ...]
) -> tuple[str, ...]:
    lines: list[str] = []
    for note in notes:
        if note.turn is None:
            where = (
                phrase(code, "note_where_unplaced", time=_clock(note.seconds))
                if note.seconds is not None
                else phrase(code, "note_where_lost")  # a turn number the session does not have
            )
            near_text = ""
        else:
            uid = transcript.turns[note.turn].uid
            where = (
                phrase(code, "note_where_time", time=_clock(note.seconds), n=uid)
                if note.seconds is not None
                else phrase(code, "note_where_turn", n=uid)
            )
            near = markers_near(detection, note.turn)
            near_text = (
                phrase(
                    code,
                    "note_near",
                    markers=join(
                        code,
                        [
                            phrase(
                                code,
                                "note_marker",
                                kind=label(code, "kind", m.kind.value),
                                subtype=label(code, "subtype", m.subtype.value),
                                turn=turn_ref(code, transcript, m.turn),
                            )
                            for m in near
                        ],
                    ),
                )
                if near
                else phrase(code, "note_alone")
            )
        feeling = (
            phrase(code, "note_feeling", feeling=label(code, "feeling", note.feeling))
            if note.feeling
            else ""
        )
        lines.append(
            phrase(
                code, "note_line", where=where, text=note.text, feeling=feeling, near=near_text
            ).strip()
        )
    return tuple(lines)
