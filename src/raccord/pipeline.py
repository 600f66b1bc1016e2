"""The whole analysis of one session, as one pure function.

``analyze`` chains the stages of DESIGN.md: detection (signals, markers, therapist moves, episodes,
scores), understanding (the post-session formulation) and repair (suggestions). It takes a
``Transcript`` and returns a ``SessionAnalysis``; it reads no file and opens no connection, so the
CLI, the batch runner and any future web view all share it.
"""

from __future__ import annotations

from collections.abc import Iterable

from raccord.detect import detect
from raccord.io.roles import require_parties
from raccord.model import SessionAnalysis, TherapistNote, Transcript
from raccord.repair import suggest
from raccord.taxonomy import AttachmentStyle
from raccord.understand import formulate

MODES = ("full", "fast")


def analyze(
    transcript: Transcript,
    *,
    mode: str = "full",
    context: str = "session",
    attachment: AttachmentStyle = AttachmentStyle.UNKNOWN,
    notes: Iterable[TherapistNote] = (),
) -> SessionAnalysis:
    """Detect, understand and propose repairs for one session.

    ``mode="fast"`` uses the lexical tier only (language-pack cues and timing signals);
    ``"full"`` adds the multilingual sentence encoder (the meaning of each turn).
    ``context="session"`` reads each patient turn with the turns after it, as a coder does after
    the session; ``"live"`` uses only what was said up to the turn.
    ``attachment`` is the patient's attachment style as the therapist records it (it tailors the
    wording of repairs); ``notes`` are the therapist's own reactions, placed on the timeline.

    A session without a therapist or without a patient is refused (``InputError``): there is no
    alliance to read, and scores of 0 would read as "no rupture".
    """
    require_parties(transcript)
    detection = detect(transcript, mode=mode, context=context)
    formulation = formulate(transcript, detection, notes=tuple(notes), mode=mode)
    suggestions = suggest(transcript, detection, formulation, attachment=attachment)
    return SessionAnalysis(
        transcript=transcript,
        detection=detection,
        formulation=formulation,
        suggestions=suggestions,
        attachment=attachment,
    )
