"""Transcript readers and writers: any supported file in, normalised ``Transcript`` values out.

``load(path)`` reads a file (format from its content and extension, or ``fmt=``); ``parse(text,
fmt=...)`` reads a string. Both return a list, because one CSV can hold a whole corpus (AnnoMI:
133 sessions). Each format has its own small module that only parses its syntax; the rules shared
by all (non-verbal annotations, merging, timestamp checks, language, roles) live in ``assemble``.
Everything that goes wrong raises ``InputError`` naming the file, the line and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from raccord.errors import InputError
from raccord.io import assemble, elan, native, plaintext, subrip, tabular, vtt, whisper
from raccord.io.encoding import DEFAULT_MAX_BYTES, decode, read_bytes
from raccord.io.raw import RawTranscript
from raccord.io.sniff import FORMATS, normalise, sniff
from raccord.model import Transcript

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "load", "parse"]


def load(
    path: str | Path,
    *,
    fmt: str | None = None,
    language: str | None = None,
    therapist: str | None = None,
    columns: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> list[Transcript]:
    """Read a transcript file into one ``Transcript`` per session it holds.

    ``language`` forces the language (else detected on the whole text), ``therapist`` names the
    therapist's speaker label (else labels, else a written-out guess), ``columns`` maps CSV columns
    (``{"speaker": "Qui", "text": "Verbatim"}``), ``max_bytes`` raises the 20 MB size limit.
    """
    file = Path(path)
    source = str(path)
    data = read_bytes(file, max_bytes)
    text, encoding = decode(data, source)
    name = normalise(fmt) if fmt else sniff(text, file.suffix)
    if name == "eaf":
        _require_content(text, source)
        raws = elan.read(text, source, path=file)
        transcripts = [assemble.build(r, language_code=language, therapist=therapist) for r in raws]
    else:
        transcripts = parse(
            text,
            fmt=name,
            source=source,
            language=language,
            therapist=therapist,
            columns=columns,
        )
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
    therapist: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> list[Transcript]:
    """Read transcript text already in memory (``fmt=None`` guesses the format from the text)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    _require_content(text, source)
    if "\x00" in text:
        raise InputError("the text contains NUL characters (a binary file?)", path=source)
    name = normalise(fmt) if fmt else sniff(text, Path(source).suffix)
    if name == "raccord":
        return native.read(text, source, language_code=language, therapist=therapist)
    raws = _read(name, text, source, columns)
    return [assemble.build(r, language_code=language, therapist=therapist) for r in raws]


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
