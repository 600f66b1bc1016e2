"""Builders shared by the understand, repair and checker tests (no tests of its own).

Sessions are written as clinicians write vignettes (``T:``/``P:`` lines) and the detection is
built by hand from the labels a clinician would give, so these tests measure the formulation and
the repair wording, not the detector.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from raccord.model import (
    Detection,
    Episode,
    Marker,
    SessionScores,
    TherapistMove,
    TherapistNote,
    Transcript,
    Turn,
)
from raccord.prose import FormulationProse, formulation_prose
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
)
from raccord.understand import formulate

VIGNETTES = Path(__file__).parent / "fixtures" / "vignettes"


def described(
    transcript: Transcript, detection: Detection, *, notes: Iterable[TherapistNote] = ()
) -> FormulationProse:
    """The formulation's sentences as the reports show them (facts formulated, then written)."""
    return formulation_prose(transcript, detection, formulate(transcript, detection, notes=notes))


def session(lines: Sequence[str], language: str) -> Transcript:
    """A transcript from ``T: …`` / ``P: …`` lines (turn index = line number)."""
    turns = []
    for i, line in enumerate(lines):
        who, _, text = line.partition(":")
        role = Role.THERAPIST if who.strip() == "T" else Role.PATIENT
        turns.append(Turn(index=i, speaker=who.strip(), role=role, text=text.strip()))
    return Transcript(turns=tuple(turns), language=language)


def marker(turn: int, subtype: MarkerSubtype, salience: int = 3, confidence: float = 0.9) -> Marker:
    """A marker as the detector gives it; by default clear and sure enough to bring back to the
    patient (``taxonomy.clear``)."""
    return Marker(turn, subtype.kind, subtype, salience, confidence)


def move(
    turn: int,
    kind: TherapistMoveType = TherapistMoveType.OTHER,
    contribution: Contribution = Contribution.NONE,
    repair: RepairStrategy = RepairStrategy.NONE,
) -> TherapistMove:
    return TherapistMove(turn, kind, contribution, repair)


def episode(
    markers: Sequence[Marker],
    end: int,
    *,
    severity: Severity = Severity.MICRO,
    resolved: Resolution = Resolution.YES,
    trigger: int | None = None,
) -> Episode:
    kinds = {m.kind for m in markers}
    kind = (
        EpisodeKind.MIXED
        if len(kinds) > 1
        else EpisodeKind.WITHDRAWAL
        if MarkerKind.WITHDRAWAL in kinds
        else EpisodeKind.CONFRONTATION
    )
    return Episode(
        start=markers[0].turn,
        end=end,
        kind=kind,
        severity=severity,
        resolved=resolved,
        markers=tuple(m.turn for m in markers),
        trigger=trigger,
    )


def detection(
    markers: Iterable[Marker], moves: Iterable[TherapistMove] = (), episodes: Iterable[Episode] = ()
) -> Detection:
    return Detection(tuple(markers), tuple(moves), tuple(episodes), SessionScores(0.5, 0.3))


def vignette(stem: str) -> tuple[Transcript, Detection, dict[str, object]]:
    """A seed vignette and a detection built from its expected labels (the clinician's reading).

    The episode runs from the first marker to the first engaged patient turn after the last
    marker (a listed no-marker turn), else to the end of the session.
    """
    lines = (VIGNETTES / f"{stem}.txt").read_text("utf-8").splitlines()
    expected = json.loads((VIGNETTES / f"{stem}.expected.json").read_text("utf-8"))
    transcript = session([line for line in lines if line.strip()], expected["language"])
    markers = [marker(m["turn"], MarkerSubtype(m["subtypes"][0])) for m in expected["markers"]]
    moves = [
        move(c["turn"], contribution=Contribution(c["labels"][0]))
        for c in expected["contributions"]
    ] + [move(r["turn"], repair=RepairStrategy(r["strategies"][0])) for r in expected["repairs"]]
    episodes = []
    if markers:
        last = markers[-1].turn
        engaged = [t for t in expected["no_marker_turns"] if t > last]
        end = min(engaged) if engaged else len(transcript.turns) - 1
        resolved = Resolution(expected.get("episode_resolved") or "no")
        episodes.append(episode(markers, end, resolved=resolved))
    return transcript, detection(markers, moves, episodes), expected


def unrepaired(stem: str) -> tuple[Transcript, Detection]:
    """The same vignette stopped right after its last marker, before the therapist answered:
    the moment as it stood, with no repair made yet (what a suggestion for "now" is about)."""
    transcript, found, _ = vignette(stem)
    last = max(m.turn for m in found.markers)
    markers = [m for m in found.markers if m.turn <= last]
    moves = [m for m in found.moves if m.turn < last]
    cut = Transcript(transcript.turns[: last + 1], transcript.language)
    return cut, detection(markers, moves, [episode(markers, last, resolved=Resolution.NO)])


def vignette_stems(*, with_episode: bool = True) -> list[str]:
    stems = sorted(p.name[: -len(".txt")] for p in VIGNETTES.glob("*.txt"))
    if not with_episode:
        return stems
    return [
        s
        for s in stems
        if json.loads((VIGNETTES / f"{s}.expected.json").read_text("utf-8"))["markers"]
    ]
