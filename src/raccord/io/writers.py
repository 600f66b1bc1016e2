"""Writing normalised transcripts: JSON, CSV (one row per turn) and the annotation format.

Files are written whole or not at all (a temporary file renamed into place), so an interrupted
conversion never leaves half a transcript behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from raccord.errors import RaccordError
from raccord.model import NonVerbal, Transcript

CSV_COLUMNS = ("turn", "speaker", "role", "start", "end", "text", "annotations", "id")
FORMAT_NAME = "raccord-transcript"


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def annotation_label(annotation: NonVerbal) -> str:
    """``silence:8``, ``sigh`` — kind and, when known, seconds."""
    if annotation.seconds is None:
        return annotation.kind
    return f"{annotation.kind}:{_number(annotation.seconds)}"


def transcript_to_dict(transcript: Transcript) -> dict[str, Any]:
    """The whole normalised transcript as JSON-ready data."""
    meta = transcript.metadata
    return {
        "format": FORMAT_NAME,
        "version": 1,
        "language": transcript.language,
        "language_basis": transcript.language_basis,
        "metadata": {
            "source": meta.source,
            "format": meta.format,
            "transcript_id": meta.transcript_id,
            "session_date": meta.session_date,
            "session_number": meta.session_number,
            "patient": meta.patient,
            "extra": dict(meta.extra),
        },
        "roles": [
            {"speaker": a.speaker, "role": a.role.value, "method": a.method, "basis": a.basis}
            for a in transcript.roles
        ],
        "warnings": list(transcript.warnings),
        "turns": [
            {
                "index": t.index,
                "id": t.id,
                "speaker": t.speaker,
                "role": t.role.value,
                "start": _number(t.start),
                "end": _number(t.end),
                "text": t.text,
                "annotations": [
                    {"kind": a.kind, "raw": a.raw, "seconds": _number(a.seconds), "at": a.at}
                    for a in t.annotations
                ],
                "source_line": t.source_line,
            }
            for t in transcript.turns
        ],
    }


def annotation_dict(transcript: Transcript) -> dict[str, Any]:
    """The ``ANNOTATION.md`` object for a transcript with no labels yet (to be filled in).

    Its id follows the label files' rule (as ``raccord.export``): the transcript's own id, an
    integer when numeric, else the source file's stem.
    """
    raw = (transcript.metadata.transcript_id or "").strip()
    tid: int | str
    if raw:
        tid = int(raw) if raw.lstrip("-").isdigit() else raw
    else:
        tid = Path(transcript.metadata.source or "session").stem
    return {"transcript_id": tid, "utterances": [], "episodes": []}


def turns_csv(transcript: Transcript) -> str:
    """One row per turn: ``turn, speaker, role, start, end, text, annotations, id``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t in transcript.turns:
        writer.writerow(
            [
                t.index,
                t.speaker,
                t.role.value,
                "" if t.start is None else _number(t.start),
                "" if t.end is None else _number(t.end),
                t.text,
                ";".join(annotation_label(a) for a in t.annotations),
                "" if t.id is None else t.id,
            ]
        )
    return buffer.getvalue()


def _atomic_write(path: str | Path, content: str) -> None:
    target = Path(path)
    try:
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise RaccordError(f"cannot write here: {exc.strerror}", path=str(target)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(content)
        os.replace(temp, target)
    except OSError as exc:
        if os.path.exists(temp):
            os.unlink(temp)
        raise RaccordError(f"cannot write the file: {exc.strerror}", path=str(target)) from None
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def write_text(path: str | Path, content: str) -> None:
    """Write ``content`` to ``path`` whole or not at all."""
    _atomic_write(path, content)


def write_json(transcript: Transcript, path: str | Path) -> None:
    _atomic_write(
        path, json.dumps(transcript_to_dict(transcript), ensure_ascii=False, indent=2) + "\n"
    )


def write_csv(transcript: Transcript, path: str | Path) -> None:
    _atomic_write(path, turns_csv(transcript))


def write_annotation(transcript: Transcript, path: str | Path) -> None:
    _atomic_write(path, json.dumps(annotation_dict(transcript), ensure_ascii=False) + "\n")
