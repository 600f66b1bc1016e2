"""CSV/TSV transcripts: one row per turn, including AnnoMI's files read as they are.

Columns are found by their header (``speaker``/``locuteur``/``interlocutor``, ``text``/``texte``/
``utterance_text``, ``start``/``timestamp`` …; names in ``io.toml``, section ``csv``) or given
with ``columns={"speaker": "Qui", "text": "Verbatim"}``. A ``transcript_id`` column splits the file
into one transcript per id (AnnoMI: 133). Rows that carry their own ids keep them as ``Turn.id``
and are not merged, since reference labels point at those ids; AnnoMI-full's one-row-per-annotator
duplicates are dropped (first row kept). A time cell that cannot be read (AnnoMI has one
``00:09:025``) leaves that turn without a time and adds a warning: in a table the words are the
content and one typo should not refuse a corpus. Columns constant within a transcript (AnnoMI's
``mi_quality``, ``topic``) go to ``Metadata.extra``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from raccord.errors import InputError
from raccord.io.raw import RawTranscript, RawTurn
from raccord.io.timecode import parse_seconds
from raccord.io.vocab import vocabulary

FIELDS = ("speaker", "text", "start", "end", "id", "transcript")
_REQUIRED = ("speaker", "text")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(slots=True)
class _Group:
    turns: list[RawTurn] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    seen: dict[int, str] = field(default_factory=dict)
    dropped: int = 0
    conflicts: list[int] = field(default_factory=list)
    bad_times: list[str] = field(default_factory=list)


def _delimiter(first_line: str, source: str) -> str:
    if source.lower().endswith(".tsv"):
        return "\t"
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _find_columns(
    header: list[str], columns: Mapping[str, str] | None, source: str
) -> dict[str, int]:
    lowered = [h.strip().lstrip("\ufeff").lower() for h in header]
    found: dict[str, int] = {}
    for key, name in (columns or {}).items():
        if key not in FIELDS:
            raise InputError(
                f"unknown column role {key!r} in the column mapping",
                path=source,
                expected=f"one of {', '.join(FIELDS)}",
            )
        if name.strip().lower() not in lowered:
            raise InputError(
                f"no column named {name!r} (for {key})",
                path=source,
                line=1,
                expected="one of the header's columns: " + ", ".join(header),
            )
        found[key] = lowered.index(name.strip().lower())
    known = vocabulary().columns
    for key in FIELDS:
        if key in found:
            continue
        for candidate in known.get(key, ()):
            if candidate in lowered and lowered.index(candidate) not in found.values():
                found[key] = lowered.index(candidate)
                break
    missing = [key for key in _REQUIRED if key not in found]
    if missing:
        raise InputError(
            f"no {' and no '.join(missing)} column found in the CSV header ({', '.join(header)})",
            path=source,
            line=1,
            expected=f"columns named e.g. {', '.join(known.get(missing[0], ())[:4])},"
            f" or a mapping such as --column {missing[0]}=NAME",
        )
    return found


def read(
    text: str,
    source: str,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
) -> list[RawTranscript]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=delimiter or _delimiter(first_line, source))
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise InputError("empty CSV: no header row", path=source, line=1)
        where = _find_columns(header, columns, source)
        groups: dict[str, _Group] = {}
        line = reader.line_num + 1
        for row in reader:
            row_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            _add_row(row, row_line, header, where, groups, source)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=source, line=reader.line_num) from None
    if not groups:
        raise InputError(
            "the CSV has a header but no rows", path=source, line=2, expected="one row per turn"
        )
    return [_finish(tid, group, header, where, source) for tid, group in groups.items()]


def _add_row(
    row: list[str],
    line: int,
    header: list[str],
    where: dict[str, int],
    groups: dict[str, _Group],
    source: str,
) -> None:
    if len(row) <= max(where[k] for k in _REQUIRED):
        raise InputError(
            f"row has {len(row)} field(s) but the header has {len(header)}",
            path=source,
            line=line,
            expected="one value per header column",
        )

    def cell(key: str) -> str:
        index = where.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    tid = cell("transcript") if "transcript" in where else ""
    group = groups.setdefault(tid, _Group())
    values: dict[str, float | None] = {}
    for key in ("start", "end"):
        values[key] = parse_seconds(cell(key))
        if cell(key) and values[key] is None:
            group.bad_times.append(f"line {line}: {key} {cell(key)!r}")
    ident: int | None = None
    if "id" in where and cell("id"):
        ident = _turn_id(cell("id"))
        if ident is None:
            raise InputError(
                f"turn id {cell('id')!r} is not a whole number",
                path=source,
                line=line,
                expected="turn ids such as 0, 1, 2 (or no id column)",
            )
        if ident in group.seen:
            group.dropped += 1
            if group.seen[ident] != cell("text"):
                group.conflicts.append(line)
            return
        group.seen[ident] = cell("text")
    group.turns.append(
        RawTurn(cell("speaker"), cell("text"), values["start"], values["end"], line, ident)
    )
    group.rows.append(row)


def _turn_id(value: str) -> int | None:
    """``12`` or ``12.0`` (spreadsheets write ids as floats); ``None`` for anything else."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _finish(
    tid: str, group: _Group, header: list[str], where: dict[str, int], source: str
) -> RawTranscript:
    raw = RawTranscript(
        turns=group.turns,
        source=source,
        format="csv",
        transcript_id=tid or None,
        merge="id" not in where,
    )
    mapped = set(where.values())
    for index, name in enumerate(header):
        if index in mapped:
            continue
        values = {row[index] if index < len(row) else "" for row in group.rows}
        if len(values) == 1 and (value := values.pop()).strip():
            raw.extra[name.strip()] = value.strip()
    if group.dropped:
        raw.extra["duplicate_rows_dropped"] = group.dropped
    if group.bad_times:
        raw.warnings.append(
            f"{len(group.bad_times)} time(s) not readable, left empty ({group.bad_times[0]};"
            " expected seconds or hh:mm:ss)"
        )
    if group.conflicts:
        raw.warnings.append(
            f"{len(group.conflicts)} repeated turn id(s) with different text; the first row was"
            f" kept (first at line {group.conflicts[0]})"
        )
    return raw
