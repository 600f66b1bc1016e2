"""The public data the benchmarks read: where it is, its transcripts, and its external labels.

The data never enters the repository: it is found at ``--shared-data``, else ``$RACCORD_SHARED_DATA``,
else ``../shared/data`` next to the checkout; when none exists the caller skips with a message.

Transcripts are read with ``raccord.io.load`` (the same reader users get, so the benchmark measures
the real path). AnnoMI's *external* labels — session ``mi_quality`` and each client utterance's
``client_talk_type`` — are not part of a ``Transcript``; they are read here with the ``csv`` module.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from raccord.errors import RaccordError
from raccord.eval.labels import Annotation, TranscriptId, read_labels
from raccord.export import transcript_id as transcript_key
from raccord.io import load
from raccord.model import Transcript

ENV = "RACCORD_SHARED_DATA"
LABELS = "annomi-rupture-dev.jsonl"
ANNOMI = "annomi/AnnoMI-simple.csv"
FRENCH = "annomi-fr-dev.csv"
SUMMARY = "annomi/annomi_session_summary.csv"

_REPO_ROOT = Path(__file__).resolve().parents[3]


def shared_data_dir(explicit: str | Path | None = None) -> Path | None:
    """The shared data folder, or ``None`` when it is absent (benchmarks then skip cleanly)."""
    for candidate in (explicit, os.environ.get(ENV), _REPO_ROOT.parent / "shared" / "data"):
        if candidate:
            path = Path(candidate).expanduser()
            if path.is_dir():
                return path
            if candidate is explicit:
                raise RaccordError("shared data folder not found", path=str(path))
    return None


@dataclass(frozen=True, slots=True)
class DevSet:
    """The labelled dev sessions in one language: transcripts by id and their gold labels."""

    language: str
    transcripts: dict[TranscriptId, Transcript]
    labels: dict[TranscriptId, Annotation]


def load_transcripts(path: Path, language: str) -> dict[TranscriptId, Transcript]:
    """AnnoMI-style CSV sessions keyed by transcript id (int when numeric)."""
    out: dict[TranscriptId, Transcript] = {}
    for transcript in load(path, language=language):
        out[transcript_key(transcript)] = transcript
    return out


def load_dev(data: Path, language: str = "en") -> DevSet:
    """The 25 labelled sessions, English (AnnoMI) or French (our rendering), with their labels."""
    labels = read_labels(data / LABELS)
    source = data / (ANNOMI if language == "en" else FRENCH)
    every = load_transcripts(source, language)
    missing = [tid for tid in labels if tid not in every]
    if missing:
        raise RaccordError(f"labelled transcripts {missing} not found", path=str(source))
    return DevSet(language, {tid: every[tid] for tid in labels}, labels)


def load_demo() -> DevSet:
    """The packaged demo sessions that come with ``<name>.labels.json`` labels.

    They were written together with their labels, and detector authors may have read them, so
    their figures show that the demo behaves as documented, not how well the detector generalises.
    """
    folder = resources.files("raccord.demo")
    entries = {entry.name: entry for entry in folder.iterdir()}
    transcripts: dict[TranscriptId, Transcript] = {}
    labels: dict[TranscriptId, Annotation] = {}
    for name in sorted(entries):
        if not name.endswith(".labels.json"):
            continue
        stem = name[: -len(".labels.json")]
        sources = [n for n in entries if n.startswith(stem + ".") and n != name]
        if not sources:
            continue
        with resources.as_file(entries[name]) as label_path:
            annotation = next(iter(read_labels(label_path).values()))
        with resources.as_file(entries[sources[0]]) as source_path:
            transcript = load(source_path)[0]
        labels[annotation.transcript_id] = annotation
        transcripts[annotation.transcript_id] = transcript
    return DevSet("mixed", transcripts, labels)


def session_quality(data: Path) -> dict[int, str]:
    """AnnoMI ``mi_quality`` (``high`` / ``low``) of each of the 133 sessions."""
    return {int(row["transcript_id"]): row["mi_quality"] for row in _rows(data / SUMMARY)}


def session_features(data: Path) -> dict[int, dict[str, float]]:
    """The numeric human-coded features of ``annomi_session_summary.csv`` for each session."""
    out: dict[int, dict[str, float]] = {}
    for row in _rows(data / SUMMARY):
        values: dict[str, float] = {}
        for key, value in row.items():
            if key in {"transcript_id", "label_low"}:
                continue
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                continue
        out[int(row["transcript_id"])] = values
    return out


def client_talk_types(data: Path) -> dict[int, dict[int, str]]:
    """``{transcript id: {utterance id: change|neutral|sustain}}`` for every client utterance."""
    out: dict[int, dict[int, str]] = {}
    for row in _rows(data / ANNOMI):
        if row["interlocutor"] == "client":
            out.setdefault(int(row["transcript_id"]), {})[int(row["utterance_id"])] = row[
                "client_talk_type"
            ]
    return out


def _rows(path: Path) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    except OSError as exc:
        raise RaccordError(f"cannot read: {exc.strerror}", path=str(path)) from exc
