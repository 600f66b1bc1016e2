"""Session facts written at the top of a transcript: number, date, patient pseudonym.

Clinicians often start a file with a line such as ``# séance 3 — 2026-10-12 — patient: Léa`` or
``Session: 3``; Zoom/Teams exports can carry the same in a ``NOTE`` block. Keywords come from the
language packs (``io.toml``, section ``metadata``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from raccord.io.vocab import vocabulary

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_PARTS = re.compile(r"\s+[—–|]\s+|\s+-\s+|;|\t")


@dataclass(slots=True)
class SessionInfo:
    session_number: int | None = None
    session_date: str | None = None
    patient: str | None = None
    notes: list[str] = field(default_factory=list)

    def update(self, other: SessionInfo) -> None:
        self.session_number = self.session_number or other.session_number
        self.session_date = self.session_date or other.session_date
        self.patient = self.patient or other.patient


def _date(text: str) -> str | None:
    match = _ISO.search(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.search(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
        if month > 12 >= day:
            day, month = month, day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _keyword(part: str, words: tuple[str, ...]) -> str | None:
    """The value after a keyword at the start of ``part`` ("séance 3", "patient: Léa")."""
    lowered = part.lower()
    for word in sorted(words, key=len, reverse=True):
        if lowered.startswith(word) and (len(part) == len(word) or not part[len(word)].isalnum()):
            return part[len(word) :].strip(" :=#\t").strip()
    return None


def parse_header_line(line: str) -> SessionInfo:
    """Session facts found on one header line (empty ``SessionInfo`` when none)."""
    info = SessionInfo()
    vocab = vocabulary().metadata
    body = line.strip().lstrip("#").strip()
    for part in _PARTS.split(body):
        part = part.strip(" ,")
        if not part:
            continue
        session = _keyword(part, vocab.get("session", ()))
        if session is not None:
            number = re.search(r"\d+", session)
            if number and info.session_number is None:
                info.session_number = int(number.group())
            info.session_date = info.session_date or _date(session)
            continue
        patient = _keyword(part, vocab.get("patient", ()))
        if patient:
            info.patient = info.patient or patient
            continue
        date = _date(part)
        if date:
            info.session_date = info.session_date or date
    return info


def is_metadata_key(label: str) -> bool:
    """Whether ``label`` (before a colon) is a header key such as "Session" or "Date"."""
    vocab = vocabulary().metadata
    lowered = label.strip().lower()
    return lowered in vocab.get("session", ()) or lowered in vocab.get("date", ())
