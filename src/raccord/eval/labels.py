"""Reference labels in the ``ANNOTATION.md`` format, read and checked against the taxonomy.

A label file is the yardstick every detection figure is measured with, so a typo in it ("withdrawl",
a salience of 6, a withdrawal subtype under a confrontation marker) must stop the benchmark with the
file and the line rather than silently count as a disagreement. The same parser reads the dicts
``raccord.export.to_annotation`` produces, so predictions and gold go through one gate.

Rows are keyed by utterance id (``Turn.uid``). Utterances without a row are ``none`` by the format's
rule; which utterances exist, and who speaks them, comes from the transcript, not from this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from raccord.errors import RaccordError
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Severity,
)

TranscriptId = int | str

_CLIENT_KEYS = frozenset({"utterance_id", "marker", "subtype", "salience"})
_THERAPIST_KEYS = frozenset({"utterance_id", "contribution", "repair"})
_EPISODE_KEYS = frozenset({"start", "end", "kind", "severity", "resolved"})
_TOP_KEYS = frozenset({"transcript_id", "utterances", "episodes"})


@dataclass(frozen=True, slots=True)
class ClientLabel:
    """A client utterance's label: ``marker`` is ``NONE`` exactly when ``salience`` is 1."""

    marker: MarkerKind
    subtype: MarkerSubtype | None
    salience: int

    @property
    def present(self) -> bool:
        return self.marker is not MarkerKind.NONE


@dataclass(frozen=True, slots=True)
class TherapistLabel:
    """A therapist utterance's label: the contribution it makes to a rupture, or its repair."""

    contribution: Contribution = Contribution.NONE
    repair: RepairStrategy = RepairStrategy.NONE


@dataclass(frozen=True, slots=True)
class EpisodeLabel:
    """A rupture episode as an inclusive span of utterance ids."""

    start: int
    end: int
    kind: EpisodeKind
    severity: Severity
    resolved: Resolution


NO_MARKER = ClientLabel(MarkerKind.NONE, None, 1)
NO_MOVE = TherapistLabel()

_EMPTY_CLIENT: Mapping[int, ClientLabel] = MappingProxyType({})
_EMPTY_THERAPIST: Mapping[int, TherapistLabel] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Annotation:
    """One transcript's labels: per-utterance rows by id, and its episodes."""

    transcript_id: TranscriptId
    client: Mapping[int, ClientLabel] = field(default_factory=lambda: _EMPTY_CLIENT)
    therapist: Mapping[int, TherapistLabel] = field(default_factory=lambda: _EMPTY_THERAPIST)
    episodes: tuple[EpisodeLabel, ...] = ()

    def client_label(self, uid: int) -> ClientLabel:
        """The label of a client utterance; ``none`` when the file has no row for it."""
        return self.client.get(uid, NO_MARKER)

    def therapist_label(self, uid: int) -> TherapistLabel:
        """The label of a therapist utterance; ``none``/``none`` when the file has no row for it."""
        return self.therapist.get(uid, NO_MOVE)


E = TypeVar("E", bound=StrEnum)


class _Where:
    """Where a value came from, so every error names the file, the line and the row."""

    def __init__(self, path: str | None, line: int | None) -> None:
        self.path = path
        self.line = line

    def fail(self, message: str, expected: str | None = None) -> RaccordError:
        return RaccordError(message, path=self.path, line=self.line, expected=expected)

    def enum(self, cls: type[E], value: Any, what: str) -> E:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(repr(v.value) for v in cls)
            raise self.fail(f"invalid {what} {value!r}", expected=f"one of {choices}") from None

    def integer(self, value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{what} must be an integer, got {value!r}")
        return value


def parse_annotation(obj: Any, *, path: str | None = None, line: int | None = None) -> Annotation:
    """Check one ``ANNOTATION.md`` object and return it typed.

    Raises ``RaccordError`` naming ``path`` and ``line`` for anything the guide does not allow:
    unknown keys or values, a subtype from the other family, ``marker``/``salience`` that
    contradict each other, a row labelled twice, an episode that ends before it starts.
    """
    where = _Where(path, line)
    if not isinstance(obj, Mapping):
        raise where.fail(
            "an annotation must be a JSON object", expected=f"keys {sorted(_TOP_KEYS)}"
        )
    unknown = set(obj) - _TOP_KEYS
    if unknown:
        raise where.fail(f"unknown key(s) {sorted(unknown)}", expected=f"keys {sorted(_TOP_KEYS)}")
    if "transcript_id" not in obj:
        raise where.fail("missing transcript_id")
    tid = obj["transcript_id"]
    if isinstance(tid, bool) or not isinstance(tid, int | str):
        raise where.fail(f"transcript_id must be an integer or a string, got {tid!r}")

    rows = obj.get("utterances", [])
    if not isinstance(rows, list):
        raise where.fail("'utterances' must be a list")
    client: dict[int, ClientLabel] = {}
    therapist: dict[int, TherapistLabel] = {}
    for row in rows:
        uid, label = _parse_row(row, where)
        if uid in client or uid in therapist:
            raise where.fail(f"utterance {uid} is labelled twice")
        if isinstance(label, ClientLabel):
            client[uid] = label
        else:
            therapist[uid] = label

    episodes_raw = obj.get("episodes", [])
    if not isinstance(episodes_raw, list):
        raise where.fail("'episodes' must be a list")
    episodes = tuple(_parse_episode(e, where) for e in episodes_raw)
    return Annotation(
        transcript_id=tid,
        client=MappingProxyType(client),
        therapist=MappingProxyType(therapist),
        episodes=episodes,
    )


def _parse_row(row: Any, where: _Where) -> tuple[int, ClientLabel | TherapistLabel]:
    if not isinstance(row, Mapping):
        raise where.fail(f"an utterance row must be an object, got {row!r}")
    if "utterance_id" not in row:
        raise where.fail(f"utterance row without utterance_id: {dict(row)!r}")
    uid = where.integer(row["utterance_id"], "utterance_id")
    keys = set(row)
    is_client = bool(keys & {"marker", "subtype", "salience"})
    is_therapist = bool(keys & {"contribution", "repair"})
    if is_client and is_therapist:
        raise where.fail(
            f"utterance {uid} mixes client and therapist labels",
            expected="marker/subtype/salience or contribution/repair",
        )
    allowed = _CLIENT_KEYS if is_client else _THERAPIST_KEYS
    if keys - allowed or not (is_client or is_therapist):
        raise where.fail(
            f"utterance {uid} has unexpected keys {sorted(keys - allowed) or sorted(keys)}",
            expected=f"keys {sorted(allowed)}",
        )
    if is_therapist:
        return uid, TherapistLabel(
            contribution=where.enum(Contribution, row.get("contribution", "none"), "contribution"),
            repair=where.enum(RepairStrategy, row.get("repair", "none"), "repair"),
        )
    return uid, _client_label(uid, row, where)


def _client_label(uid: int, row: Mapping[str, Any], where: _Where) -> ClientLabel:
    marker = where.enum(MarkerKind, row.get("marker", "none"), "marker")
    raw_subtype = row.get("subtype")
    subtype = None
    if raw_subtype not in (None, "none"):
        subtype = where.enum(MarkerSubtype, raw_subtype, "subtype")
    default_salience = 1 if marker is MarkerKind.NONE else 2
    salience = where.integer(row.get("salience", default_salience), "salience")
    if not 1 <= salience <= 5:
        raise where.fail(f"utterance {uid}: salience {salience} out of range", expected="1 to 5")
    if (marker is MarkerKind.NONE) != (salience == 1):
        raise where.fail(
            f"utterance {uid}: marker {marker.value!r} with salience {salience}",
            expected="marker 'none' exactly when salience is 1",
        )
    if marker is MarkerKind.NONE and subtype is not None:
        raise where.fail(f"utterance {uid}: subtype {subtype.value!r} without a marker")
    if marker is not MarkerKind.NONE and subtype is None:
        raise where.fail(
            f"utterance {uid}: {marker.value} marker without a subtype",
            expected=f"one of the {marker.value} subtypes",
        )
    if subtype is not None and subtype.kind is not marker:
        raise where.fail(
            f"utterance {uid}: subtype {subtype.value!r} is not a {marker.value} subtype",
            expected=f"a {subtype.kind.value} marker, or a {marker.value} subtype",
        )
    return ClientLabel(marker, subtype, salience)


def _parse_episode(raw: Any, where: _Where) -> EpisodeLabel:
    if not isinstance(raw, Mapping):
        raise where.fail(f"an episode must be an object, got {raw!r}")
    missing = _EPISODE_KEYS - set(raw)
    unknown = set(raw) - _EPISODE_KEYS
    if missing or unknown:
        raise where.fail(
            f"episode {dict(raw)!r} has missing {sorted(missing)} / unknown {sorted(unknown)} keys",
            expected=f"keys {sorted(_EPISODE_KEYS)}",
        )
    start = where.integer(raw["start"], "episode start")
    end = where.integer(raw["end"], "episode end")
    if end < start:
        raise where.fail(f"episode ends ({end}) before it starts ({start})")
    return EpisodeLabel(
        start=start,
        end=end,
        kind=where.enum(EpisodeKind, raw["kind"], "episode kind"),
        severity=where.enum(Severity, raw["severity"], "episode severity"),
        resolved=where.enum(Resolution, raw["resolved"], "episode resolved"),
    )


def read_labels(path: str | Path) -> dict[TranscriptId, Annotation]:
    """Read a label file: JSON Lines (one transcript per line), or one JSON object or array.

    Blank lines are allowed; a transcript that appears twice is an error (two versions of the
    truth would make every figure ambiguous).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RaccordError(f"cannot read label file: {exc.strerror}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise RaccordError("label file is not UTF-8", path=str(path)) from exc
    return _collect(_objects(text, str(path)), str(path))


def _objects(text: str, path: str) -> Iterable[tuple[Any, int]]:
    """The annotation objects of a file with the line each starts on.

    A file that is one JSON document (an object, possibly pretty-printed over many lines, or an
    array of objects) is read whole; anything else is read as JSON Lines.
    """
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [(whole, 1)]
    if isinstance(whole, list):
        return [(item, 1) for item in whole]
    out: list[tuple[Any, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((json.loads(line), number))
        except json.JSONDecodeError as exc:
            raise RaccordError(
                f"invalid JSON: {exc.msg}",
                path=path,
                line=number,
                expected="one JSON object per line, or one JSON document",
            ) from exc
    return out


def _collect(objects: Iterable[tuple[Any, int]], path: str) -> dict[TranscriptId, Annotation]:
    labels: dict[TranscriptId, Annotation] = {}
    for obj, line in objects:
        annotation = parse_annotation(obj, path=path, line=line)
        if annotation.transcript_id in labels:
            raise RaccordError(
                f"transcript {annotation.transcript_id!r} appears twice", path=path, line=line
            )
        labels[annotation.transcript_id] = annotation
    return labels
