"""The therapist's own reactions placed on the session timeline, next to the markers.

The article: a therapist who starts to feel irritated, bored or anxious may be sensing a rupture.
Each note is placed at a turn (the number the therapist wrote, matched to the number the analysis
shows, ``Turn.uid``; or a time matched to the turn being spoken then) and shown with the markers
within two turns (``raccord.prose.timeline``); a reaction with no marker nearby is flagged as a
possible rupture the text does not show.
"""

from __future__ import annotations

from dataclasses import replace

from raccord.model import Detection, Marker, TherapistNote, Transcript
from raccord.taxonomy import MarkerKind

NEAR = 2


def resolve_turn(transcript: Transcript, note: TherapistNote) -> int | None:
    """The 0-based position a note is about, or ``None`` when it falls outside the session."""
    turns = transcript.turns
    if note.turn is not None:
        # the turn that holds that number: a plain-text line joined to the one before it (same
        # speaker) has no number of its own
        held = [t.index for t in turns if t.uid <= note.turn]
        return held[-1] if held and note.turn <= turns[-1].uid else None
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
