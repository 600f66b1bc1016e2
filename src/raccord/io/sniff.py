"""Which reader a file needs: by its unmistakable first bytes, else its extension, else its shape.

Content wins over the extension only for signatures that cannot be mistaken (``WEBVTT``, an ELAN
document, raccord's own JSON), since a ``.txt`` export of subtitles is common.
"""

from __future__ import annotations

import re

from raccord.errors import InputError
from raccord.io.native import looks_native

FORMATS = ("text", "vtt", "srt", "whisper", "csv", "eaf", "raccord")
ALIASES = {
    "txt": "text",
    "plain": "text",
    "webvtt": "vtt",
    "json": "whisper",
    "whisperx": "whisper",
    "tsv": "csv",
    "annomi": "csv",
    "elan": "eaf",
    "jsonl": "raccord",
}
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".vtt": "vtt",
    ".webvtt": "vtt",
    ".srt": "srt",
    ".json": "whisper",
    ".csv": "csv",
    ".tsv": "csv",
    ".eaf": "eaf",
    ".jsonl": "raccord",
}
_SRT_START = re.compile(r"^\d+[ \t]*\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->")
_JSON_START = re.compile(r"^(\{|\[\s*(\{|\]))")


def normalise(fmt: str) -> str:
    """A format name as the readers know it; an error listing the formats otherwise."""
    name = fmt.strip().lower().lstrip(".")
    name = ALIASES.get(name, name)
    if name not in FORMATS:
        raise InputError(
            f"unknown format {fmt!r}",
            expected="one of " + ", ".join(FORMATS) + " (or " + ", ".join(sorted(ALIASES)) + ")",
        )
    return name


def sniff(text: str, suffix: str = "") -> str:
    """The format of ``text`` (``suffix`` is the file's extension, e.g. ``.vtt``, if any)."""
    head = text.lstrip("\ufeff \t\r\n")[:4000]
    if head.startswith("WEBVTT"):
        return "vtt"
    if "<ANNOTATION_DOCUMENT" in head:
        return "eaf"
    if looks_native(head):
        return "raccord"
    if suffix.lower() in EXTENSIONS:
        return EXTENSIONS[suffix.lower()]
    if _JSON_START.match(head):
        return "whisper"
    if _SRT_START.match(head):
        return "srt"
    if _looks_like_csv(head):
        return "csv"
    return "text"


def _looks_like_csv(head: str) -> bool:
    from raccord.io.vocab import vocabulary

    first = head.split("\n", 1)[0].lower()
    known = vocabulary().columns
    for delimiter in (",", ";", "\t"):
        cells = [c.strip().strip('"') for c in first.split(delimiter)]
        if (
            len(cells) >= 2
            and any(c in known.get("speaker", ()) for c in cells)
            and any(c in known.get("text", ()) for c in cells)
        ):
            return True
    return False
