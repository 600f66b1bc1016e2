"""The post-session formulation: the worksheet's facts, established once, as typed values.

For each episode: the patient's part, the therapist's part, the interaction, and the needs the
rupture may protect; for the session: vicious circles, implicit prohibitions, what worked, the
therapist's own reactions placed next to the markers, and what stays open for next time. All of it
is data here (``Formulation.facts``, ``Formulation.needs``, the placed notes); the sentences the
therapist reads are written from these values at the edge (``raccord.prose``), so the text report,
the JSON and the HTML report say the same thing and every sentence can be checked against them.
"""

from __future__ import annotations

from collections.abc import Iterable

from raccord.lang import pack_code
from raccord.model import Detection, Formulation, TherapistNote, Transcript
from raccord.understand.needs import EpisodeNeeds, needs_for
from raccord.understand.session_facts import session_facts
from raccord.understand.timeline import place_notes


def formulate(
    transcript: Transcript,
    detection: Detection,
    *,
    notes: Iterable[TherapistNote] = (),
    mode: str = "full",
) -> Formulation:
    """The formulation of one session: its facts, the needs each episode may protect, and the
    therapist's notes placed on the session's turns. ``mode`` is the detection's: ``"fast"``
    never loads the sentence encoder (topics are then one subject by word, not by meaning)."""
    code = pack_code(transcript.language)
    known = session_facts(transcript, detection, code, mode=mode)
    return Formulation(
        facts=known,
        needs=tuple(EpisodeNeeds(f.index, needs_for(f)) for f in known.episodes),
        therapist_notes=place_notes(transcript, tuple(notes)),
    )
