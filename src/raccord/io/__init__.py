"""Transcript readers and writers: any supported file in, normalised ``Transcript`` values out.

``load(path)`` reads a file (format from its content and extension, or ``fmt=``); ``parse(text,
fmt=...)`` reads a string. Both return a list, because one CSV can hold a whole corpus (AnnoMI:
133 sessions). Each format has its own small module that only parses its syntax; the rules shared
by all (non-verbal annotations, merging, timestamp checks, language, roles) live in ``assemble``.
Everything that goes wrong raises ``InputError`` naming the file, the line and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from raccord.errors import InputError
from raccord.io import assemble, elan, native, plaintext, subrip, tabular, vtt, whisper
from raccord.io.encoding import DEFAULT_MAX_BYTES, decode, read_bytes
from raccord.io.raw import RawTranscript
from raccord.io.roles import Names
from raccord.io.sniff import FORMATS, normalise, sniff
from raccord.model import Transcript

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "Unreadable", "load", "load_each", "parse"]


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file, or one session of a corpus file, that could not be read, and why."""

    source: str
    transcript_id: str | None
    reason: str

    @property
    def name(self) -> str:
        """The id the session is filed under: its own id, else its file's stem."""
        return self.transcript_id or Path(self.source).stem

    def describe(self) -> str:
        """``FILE, session ID: reason`` (``FILE: reason`` for a whole file), for one stderr line."""
        where = (
            f"{self.source}, session {self.transcript_id}" if self.transcript_id else self.source
        )
        return f"{where}: {self.reason}"


def load(
    path: str | Path,
    *,
    fmt: str | None = None,
    language: str | None = None,
    therapist: Names = None,
    patient: Names = None,
    columns: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
    skipped: list[Unreadable] | None = None,
) -> list[Transcript]:
    """Read a transcript file into one ``Transcript`` per session it holds.

    ``language`` forces the language (else detected on the whole text), ``therapist`` / ``patient``
    name speakers (one label or several; with ``therapist`` alone the others are patients unless
    labelled as someone else; else labels, else a written-out guess), ``columns`` maps CSV columns
    (``{"speaker": "Qui", "text": "Verbatim"}``), ``max_bytes`` raises the 20 MB size limit.
    Any session that cannot be read raises ``InputError``, unless ``skipped`` is given: then a
    session of a corpus file that cannot be read is added to it and the others are returned (a
    file that cannot be read at all still raises; ``load_each`` reports that too).
    """
    return _load(path, fmt, language, therapist, patient, columns, max_bytes, skipped)


def load_each(
    path: str | Path,
    *,
    fmt: str | None = None,
    language: str | None = None,
    therapist: Names = None,
    patient: Names = None,
    columns: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> tuple[list[Transcript], list[Unreadable]]:
    """Like ``load``, for corpora: the sessions that read, and each one that does not with why.

    One unreadable session of a corpus CSV (a keyboard-mash dialogue, a session without speaker)
    never sinks the others; a file that cannot be read at all is one ``Unreadable``.
    """
    skipped: list[Unreadable] = []
    try:
        transcripts = _load(path, fmt, language, therapist, patient, columns, max_bytes, skipped)
    except InputError as exc:
        return [], [Unreadable(str(path), None, exc.reason)]
    return transcripts, skipped


def _load(
    path: str | Path,
    fmt: str | None,
    language: str | None,
    therapist: Names,
    patient: Names,
    columns: Mapping[str, str] | None,
    max_bytes: int | None,
    skipped: list[Unreadable] | None,
) -> list[Transcript]:
    file = Path(path)
    source = str(path)
    data = read_bytes(file, max_bytes)
    text, encoding = decode(data, source)
    name = normalise(fmt) if fmt else sniff(text, file.suffix)
    if name == "eaf":
        _require_content(text, source)
        raws = elan.read(text, source, path=file)
        transcripts = _build_all(raws, language, therapist, patient, skipped)
    else:
        transcripts = _parse(text, name, source, language, therapist, patient, columns, skipped)
    if encoding in ("utf-8", "utf-8-sig", "ascii") or name in ("eaf", "raccord"):
        return transcripts
    # worth showing: accents read through a guessed encoding are what a user should check
    return [
        replace(t, metadata=replace(t.metadata, extra={**t.metadata.extra, "encoding": encoding}))
        for t in transcripts
    ]


def parse(
    text: str,
    *,
    fmt: str | None,
    source: str = "<text>",
    language: str | None = None,
    therapist: Names = None,
    patient: Names = None,
    columns: Mapping[str, str] | None = None,
) -> list[Transcript]:
    """Read transcript text already in memory (``fmt=None`` guesses the format from the text)."""
    return _parse(text, fmt, source, language, therapist, patient, columns, None)


def _parse(
    text: str,
    fmt: str | None,
    source: str,
    language: str | None,
    therapist: Names,
    patient: Names,
    columns: Mapping[str, str] | None,
    skipped: list[Unreadable] | None,
) -> list[Transcript]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _require_content(text, source)
    if "\x00" in text:
        raise InputError("the text contains NUL characters (a binary file?)", path=source)
    name = normalise(fmt) if fmt else sniff(text, Path(source).suffix)
    if name == "raccord":
        return native.read(
            text, source, language_code=language, therapist=therapist, patient=patient
        )
    raws = _read(name, text, source, columns)
    return _build_all(raws, language, therapist, patient, skipped)


def _build_all(
    raws: list[RawTranscript],
    language: str | None,
    therapist: Names,
    patient: Names,
    skipped: list[Unreadable] | None,
) -> list[Transcript]:
    """Each raw session normalised; with ``skipped``, a failing one is recorded, not raised."""
    transcripts: list[Transcript] = []
    for raw in raws:
        try:
            built = assemble.build(
                raw, language_code=language, therapist=therapist, patient=patient
            )
        except InputError as exc:
            if skipped is None or len(raws) == 1:
                raise
            skipped.append(Unreadable(raw.source, raw.transcript_id, exc.reason))
            continue
        transcripts.append(built)
    return transcripts


def _require_content(text: str, source: str) -> None:
    if not text.strip(" \t\n\r\f\v\ufeff\u00a0"):
        raise InputError(
            "the file is empty" if not text else "the file holds only whitespace",
            path=source,
            expected="a session transcript",
        )


def _read(
    name: str, text: str, source: str, columns: Mapping[str, str] | None
) -> list[RawTranscript]:
    if name == "text":
        return plaintext.read(text, source)
    if name == "vtt":
        return vtt.read(text, source)
    if name == "srt":
        return subrip.read(text, source)
    if name == "whisper":
        return whisper.read(text, source)
    if name == "csv":
        return tabular.read(text, source, columns)
    return elan.read(text, source)
