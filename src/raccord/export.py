"""A session analysis as plain data: the coders' annotation format, and the full JSON record.

``to_annotation`` writes exactly what a human coder writes by ``ANNOTATION.md`` (ids are the
source's utterance ids, ``Turn.uid``), so a detector's output can be compared with a coder's, or
handed to a coder to correct. ``to_json`` is the whole analysis for the dashboard, reports and
researchers' tables: every marker, move, episode and suggestion with its evidence, enums as their
string values, and turn positions given both as index and as utterance id. It summarises the
transcript rather than repeating its text: a record of findings, not a second copy of the session.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any

from raccord import prose
from raccord.model import (
    Episode,
    Marker,
    SessionAnalysis,
    Suggestion,
    TherapistMove,
    Transcript,
)
from raccord.taxonomy import Contribution, MarkerKind, RepairStrategy, Role

FORMAT_VERSION = 1


def plain(value: Any) -> Any:
    """Any model value as JSON-ready data: dataclasses as dicts, enums as their values, tuples as
    lists, mappings with string keys, ``nan``/``inf`` as ``None``.

    ``dataclasses.asdict`` is not enough: it keeps enum members and fails on the read-only
    mappings the model uses.
    """
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Path):
        return str(value)
    return str(value)


def transcript_id(transcript: Transcript) -> int | str:
    """The session id for label files: ``metadata.transcript_id`` (an int when numeric), else the
    source file's stem, else ``"session"``."""
    raw = transcript.metadata.transcript_id
    if raw is not None and raw.strip():
        text = raw.strip()
        return int(text) if text.lstrip("-").isdigit() else text
    if transcript.metadata.source:
        return Path(transcript.metadata.source).stem
    return "session"


def _dominant(markers: list[Marker]) -> Marker:
    """One row per utterance: the guide keeps the dominant marker when both families show."""
    return max(markers, key=lambda m: (m.salience, m.confidence))


def to_annotation(analysis: SessionAnalysis) -> dict[str, Any]:
    """The analysis in the ``ANNOTATION.md`` format: only labelled rows, ids = ``Turn.uid``."""
    turns = analysis.transcript.turns
    detection = analysis.detection
    by_turn: dict[int, list[Marker]] = {}
    for marker in detection.markers:
        if marker.kind is not MarkerKind.NONE and marker.salience >= 2:
            by_turn.setdefault(marker.turn, []).append(marker)
    rows: list[tuple[int, dict[str, Any]]] = []
    for position, markers in by_turn.items():
        m = _dominant(markers)
        uid = turns[position].uid
        rows.append(
            (
                position,
                {
                    "utterance_id": uid,
                    "marker": m.kind.value,
                    "subtype": m.subtype.value,
                    "salience": min(max(m.salience, 2), 5),
                },
            )
        )
    for move in detection.moves:
        if move.contribution is Contribution.NONE and move.repair is RepairStrategy.NONE:
            continue
        if move.turn in by_turn:
            continue  # a turn carries one row; a marker on it wins (should not happen)
        rows.append(
            (
                move.turn,
                {
                    "utterance_id": turns[move.turn].uid,
                    "contribution": move.contribution.value,
                    "repair": move.repair.value,
                },
            )
        )
    rows.sort(key=lambda item: item[0])
    return {
        "transcript_id": transcript_id(analysis.transcript),
        "utterances": [row for _, row in rows],
        "episodes": [
            {
                "start": turns[e.start].uid,
                "end": turns[e.end].uid,
                "kind": e.kind.value,
                "severity": e.severity.value,
                "resolved": e.resolved.value,
            }
            for e in detection.episodes
        ],
    }


def _transcript_summary(transcript: Transcript) -> dict[str, Any]:
    counts: dict[str, int] = {role.value: 0 for role in Role}
    speakers: dict[str, str] = {}
    for turn in transcript.turns:
        counts[turn.role.value] += 1
        speakers.setdefault(turn.speaker, turn.role.value)
    return {
        "transcript_id": transcript_id(transcript),
        "language": transcript.language,
        "language_basis": transcript.language_basis,
        "metadata": plain(transcript.metadata),
        "n_turns": len(transcript.turns),
        "turns_by_role": counts,
        "speakers": speakers,
        "roles": plain(transcript.roles),
        "multi_party": transcript.multi_party,
        "duration": transcript.duration,
    }


def _marker(m: Marker, transcript: Transcript) -> dict[str, Any]:
    return {"turn_id": transcript.turns[m.turn].uid, **plain(m)}


def _move(m: TherapistMove, transcript: Transcript) -> dict[str, Any]:
    return {"turn_id": transcript.turns[m.turn].uid, **plain(m)}


def _suggestion(s: Suggestion) -> dict[str, Any]:
    out: dict[str, Any] = plain(s)
    return out


def _episode(
    index: int, e: Episode, transcript: Transcript, suggestions: tuple[Suggestion, ...]
) -> dict[str, Any]:
    uid = [t.uid for t in transcript.turns]
    return {
        "index": index,
        **plain(e),
        "start_id": uid[e.start],
        "end_id": uid[e.end],
        "marker_ids": [uid[i] for i in e.markers],
        "trigger_id": None if e.trigger is None else uid[e.trigger],
        "repair_ids": [uid[i] for i in e.repairs],
        "set_aside_id": None if e.set_aside is None else uid[e.set_aside],
        "dropout_id": None if e.dropout is None else uid[e.dropout],
        "suggestions": [_suggestion(s) for s in suggestions if s.episode == index],
    }


def _formulation(analysis: SessionAnalysis) -> dict[str, Any] | None:
    """The formulation's sentences (``raccord.prose``, what the HTML and web reports show) with
    the typed values they were written from (``facts``, ``needs``)."""
    text = prose.of(analysis)
    if text is None or analysis.formulation is None:
        return None
    out: dict[str, Any] = plain(text)
    facts = plain(analysis.formulation.facts)
    if facts is not None:
        facts["needs"] = plain(analysis.formulation.needs)
    out["facts"] = facts
    return out


def to_json(analysis: SessionAnalysis) -> dict[str, Any]:
    """The whole analysis as plain JSON data.

    Top-level keys: ``format_version``, ``transcript`` (summary, no text), ``attachment``,
    ``markers``, ``moves``, ``episodes`` (each with its ``suggestions``), ``scores`` (with the
    engagement curve), ``formulation`` (its sentences, and under ``facts`` the typed values they
    were written from; ``None`` when not computed), ``suggestions`` (all, each
    with its ``episode`` index or ``None`` for session-wide ones). Positions are given both as
    ``turn``/``start``/``end`` indexes and as ``*_id`` utterance ids.
    """
    transcript = analysis.transcript
    detection = analysis.detection
    return {
        "format_version": FORMAT_VERSION,
        "transcript": _transcript_summary(transcript),
        "attachment": analysis.attachment.value,
        "markers": [_marker(m, transcript) for m in detection.markers],
        "moves": [_move(m, transcript) for m in detection.moves],
        "episodes": [
            _episode(i, e, transcript, analysis.suggestions)
            for i, e in enumerate(detection.episodes)
        ],
        "scores": plain(detection.scores),
        "formulation": _formulation(analysis),
        "suggestions": [_suggestion(s) for s in analysis.suggestions],
    }
