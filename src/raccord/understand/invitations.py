"""Markers said in answer to the therapist's invitation to talk about the relationship.

When the therapist meta-communicates or owns a part (« Qu'est-ce que ça vous a fait, ma
proposition ? », "I think I pushed too fast") and the patient then says what went wrong — a
reproach, a disagreement, the fear behind a withdrawal — the coders' guide still codes the turn
a marker, but clinically it may be the repair under way: the patient finding that they can voice
a disagreement without being rejected (the article, third step). The report says so next to the
marker, and the one-minute summary prefers another marker of the episode to stand for it. The
same holds for a disagreement the therapist asked for (« vous me direz si ça vous parle ou pas du
tout »): voicing it and being heard is the alliance at work. Shown in the text and HTML reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import MarkerKind, Role
from raccord.understand.facts import invited_turns, own_repair


@dataclass(frozen=True, slots=True)
class Invited:
    """A marker (``marker``: its turn) right after the therapist turn that invited it:
    ``kind`` "repair" when that turn repaired (meta-communication, owning a part), "disagreement"
    when it asked the patient to say whether the proposal or reading fits (« vous me direz si ça
    vous parle ou pas du tout », "tell me honestly what you make of it")."""

    marker: int
    therapist: int
    kind: str = "repair"


def note_key(kind: str) -> str:
    """The pack key of the sentence shown next to an invited marker, by ``Invited.kind``: one
    choice for the text and the HTML reports."""
    return "invited" if kind == "repair" else "invited_disagreement"


def answered(transcript: Transcript, detection: Detection, code: str) -> tuple[Invited, ...]:
    """The markers that answer, in the very next patient turn, a therapist turn that invites them
    by the rules' reading (``facts.own_repair``: meta-communication, an apology, owning a part).
    Not by a learned repair head's label: a blind review found it calling a task proposal
    "shares own experience" and an imposed interpretation "links to a pattern", and the note would
    then tell the therapist that the rupture itself may be its repair."""
    turns = transcript.turns
    # the therapist turn before asked to be told where it is wrong: the detection's fact
    invited = invited_turns(detection)
    out: list[Invited] = []
    for marker in detection.markers:
        before = marker.turn - 1
        if before < 0 or turns[before].role is not Role.THERAPIST:
            continue
        if own_repair(transcript, detection, before, code) is not None:
            out.append(Invited(marker.turn, before))
        elif marker.kind is MarkerKind.CONFRONTATION and marker.turn in invited:
            # « un désaccord que vous aviez invité » only of a turn that disagrees: a quick,
            # compliant yes to « ça vous parle ? » is no disagreement (fresh9 14)
            out.append(Invited(marker.turn, before, "disagreement"))
    return tuple(out)
