"""raccord's own JSON (``raccord convert --to json``), read back without deciding anything again.

A converted transcript carries the roles and language already decided (with their basis) and the
annotations already lifted out, so reading it back keeps them as they are; only ``--lang`` and
``--therapist`` re-decide. A ``.jsonl`` file of such objects (a converted corpus) is read too.
"""

from __future__ import annotations

import json
from typing import Any

from raccord.errors import InputError
from raccord.io import language, roles
from raccord.io.timecode import parse_seconds
from raccord.io.whisper import load_json
from raccord.model import Metadata, NonVerbal, RoleAssignment, Transcript, Turn
from raccord.taxonomy import Role

FORMAT_NAME = "raccord-transcript"


def looks_native(head: str) -> bool:
    """Whether JSON text starts like a file written by ``writers.write_json``."""
    return head.lstrip().startswith("{") and f'"format": "{FORMAT_NAME}"' in head[:400]


def _objects(text: str, source: str) -> list[tuple[int | None, Any]]:
    stripped = text.strip()
    lines = stripped.split("\n")
    if len(lines) > 1 and all(line.strip().startswith("{") for line in lines if line.strip()):
        try:
            return [(n, json.loads(line)) for n, line in enumerate(lines, start=1) if line.strip()]
        except (json.JSONDecodeError, RecursionError):
            pass
    data = load_json(text, source)
    return [(None, item) for item in (data if isinstance(data, list) else [data])]


def read(
    text: str,
    source: str,
    *,
    language_code: str | None = None,
    therapist: roles.Names = None,
    patient: roles.Names = None,
) -> list[Transcript]:
    return [
        _transcript(data, source, line, language_code, therapist, patient)
        for line, data in _objects(text, source)
    ]


def _fail(message: str, source: str, line: int | None) -> InputError:
    return InputError(
        message,
        path=source,
        line=line,
        expected=f'a "{FORMAT_NAME}" object as written by raccord convert --to json',
    )


def _transcript(
    data: Any,
    source: str,
    line: int | None,
    language_code: str | None,
    therapist: roles.Names,
    patient: roles.Names,
) -> Transcript:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise _fail("not a raccord transcript", source, line)
    raw_turns = data.get("turns")
    if not isinstance(raw_turns, list) or not raw_turns:
        raise _fail("no turns", source, line)
    turns = [_turn(i, item, source, line) for i, item in enumerate(raw_turns)]
    found = data.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    assignments = tuple(
        _role(item, source, line) for item in _list(data.get("roles"), "roles", source, line)
    )
    if roles.names(therapist) or roles.names(patient) or not assignments:
        table = roles.stats([(t.speaker, t.text) for t in turns])
        assignments = roles.assign(table, therapist=therapist, patient=patient, source=source)
    role_of = {a.speaker: a.role for a in assignments}
    if any(t.speaker not in role_of for t in turns):
        raise _fail("a turn's speaker has no role in 'roles'", source, line)
    turns = [_with_role(t, role_of[t.speaker]) for t in turns]
    code, basis = str(data.get("language") or ""), str(data.get("language_basis") or "")
    if language_code is not None:
        code, basis = language.forced(language_code)
    elif not code:
        code, basis = language.detect(" ".join(t.text for t in turns), source)
    else:
        code, basis = language.forced(code)[0], basis or "from the file"
    session_number = meta.get("session_number")
    return Transcript(
        turns=tuple(turns),
        language=code,
        metadata=Metadata(
            source=_text(meta.get("source")) or source,
            format=_text(meta.get("format")) or "raccord",
            transcript_id=_text(meta.get("transcript_id")),
            session_date=_text(meta.get("session_date")),
            session_number=session_number if isinstance(session_number, int) else None,
            patient=_text(meta.get("patient")),
            extra=dict(meta.get("extra") or {}) if isinstance(meta.get("extra"), dict) else {},
        ),
        roles=assignments,
        language_basis=basis,
        warnings=tuple(
            w for w in _list(data.get("warnings"), "warnings", source, line) if isinstance(w, str)
        ),
    )


def _list(value: Any, what: str, source: str, line: int | None) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(f"{what} should be a list", source, line)
    return value


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _turn(index: int, item: Any, source: str, line: int | None) -> Turn:
    if not isinstance(item, dict):
        raise _fail(f"turn {index} is not an object", source, line)
    speaker, text = item.get("speaker"), item.get("text")
    if not isinstance(speaker, str) or not isinstance(text, str):
        raise _fail(f"turn {index} needs 'speaker' and 'text' strings", source, line)
    notes = []
    for note in _list(item.get("annotations"), f"turn {index}: annotations", source, line):
        if not isinstance(note, dict) or not isinstance(note.get("kind"), str):
            raise _fail(f"turn {index}: an annotation has no 'kind'", source, line)
        notes.append(
            NonVerbal(
                note["kind"],
                str(note.get("raw", note["kind"])),
                parse_seconds(note.get("seconds")),
                note["at"] if isinstance(note.get("at"), int) and note["at"] >= 0 else None,
            )
        )
    ident = item.get("id")
    source_line = item.get("source_line")
    return Turn(
        index=index,
        speaker=speaker,
        role=Role.OTHER,
        text=text,
        start=parse_seconds(item.get("start")),
        end=parse_seconds(item.get("end")),
        annotations=tuple(notes),
        source_line=source_line
        if isinstance(source_line, int) and not isinstance(source_line, bool)
        else None,
        id=ident if isinstance(ident, int) and not isinstance(ident, bool) else None,
    )


def _role(item: Any, source: str, line: int | None) -> RoleAssignment:
    try:
        return RoleAssignment(
            str(item["speaker"]), Role(item["role"]), str(item["method"]), str(item["basis"])
        )
    except (KeyError, TypeError, ValueError):
        raise _fail(
            "a role needs speaker, role (therapist/patient/other), method, basis", source, line
        ) from None


def _with_role(turn: Turn, role: Role) -> Turn:
    from dataclasses import replace

    return replace(turn, role=role)
