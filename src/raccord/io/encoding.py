"""Bytes to text, for files written on any machine a therapist may use.

Transcripts arrive as UTF-8 (with or without the BOM Excel and Notepad add), UTF-16 (Word's
"Unicode text"), or Windows-1252 from older French tools. A binary file (Word, PDF, audio) is
refused with a message saying what it looks like, instead of producing pages of mojibake.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from charset_normalizer import from_bytes

from raccord.errors import InputError

#: Files above this size are refused unless the caller raises the limit (``max_bytes``):
#: a one-hour session is well under 1 MB; a 50 MB "transcript" is almost surely not one.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (a .docx or .odt document?): export it as plain text"),
    (b"%PDF", "a PDF document: export it as plain text"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Excel document: save it as plain text or CSV"),
    (b"ID3", "an MP3 audio file: transcribe it first (e.g. with WhisperX)"),
    (b"RIFF", "a WAV/AVI media file: transcribe it first"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive: decompress it first"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The file's bytes, after checking it exists and is not larger than ``max_bytes``."""
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    name = str(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=name) from None
    if path.is_dir():
        raise InputError("this is a directory, not a transcript file", path=name)
    if size > limit:
        raise InputError(
            f"file is {size / 1_048_576:.1f} MB, above the {limit / 1_048_576:.0f} MB limit"
            " for one transcript",
            path=name,
            expected="a session transcript; raise the limit with --max-size MB"
            " if this file really is one",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=name) from None


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding name)``; refuses binary content."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(codec), source), codec
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"file starts with a {codec} byte-order mark but is not valid {codec}"
                    f" (byte {exc.start})",
                    path=source,
                ) from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"this looks like {what}", path=source, expected="a text transcript")
    if b"\x00" in data[:65536]:
        guess = _utf16_without_bom(data)
        if guess is not None:
            return _check_text(guess, source), "utf-16"
        raise InputError(
            "this looks like a binary file (it contains NUL bytes)",
            path=source,
            expected="a text transcript (txt, vtt, srt, json, csv, eaf)",
        )
    try:
        return _check_text(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(
            "cannot tell the text encoding of this file (it may be binary)",
            path=source,
            expected="UTF-8, UTF-16 or Windows-1252 text",
        )
    return _check_text(str(best), source), best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows a NUL every other byte for Latin text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    codec = "utf-16-le" if odd > 0.4 * half else "utf-16-be" if even > 0.4 * half else None
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _check_text(text: str, source: str) -> str:
    """Refuse decoded text that is mostly control characters (binary that happened to decode)."""
    sample = text[:65536]
    if not sample:
        return text
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in sample or controls > max(8, len(sample) // 20):
        raise InputError(
            "this looks like a binary file (control characters in the text)",
            path=source,
            expected="a text transcript (txt, vtt, srt, json, csv, eaf)",
        )
    return text
