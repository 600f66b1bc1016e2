"""What a format reader hands over before normalisation: speakers, words and times as found.

Readers only parse their syntax; ``assemble.build`` does everything shared (non-verbal
annotations, merging a speaker's consecutive lines, timestamp checks, language, roles), so every
format gets the same rules and the same error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from raccord.io.header import SessionInfo


@dataclass(slots=True)
class RawTurn:
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None
    id: int | None = None


@dataclass(slots=True)
class RawTranscript:
    turns: list[RawTurn]
    source: str
    format: str
    transcript_id: str | None = None
    session: SessionInfo = field(default_factory=SessionInfo)
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: Merge consecutive turns of one speaker (off when turns carry the source's own ids).
    merge: bool = True
    #: Each turn is a line the therapist counts when reading the file (plain text): a merged turn
    #: keeps its first line's rank as its number, and the turns after it keep theirs.
    ranked_lines: bool = False
    #: Why the file has one speaker only, when the format had no speaker information.
    no_speakers: str | None = None
    #: "segment" for JSON readers, where positions are segments and not lines.
    unit: str = "line"
