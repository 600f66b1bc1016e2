"""Which ``Name:`` prefixes are speakers, the same way for plain text and subtitle cues.

A label is a speaker when it looks like one: at the start of a line or cue (the readers only ask
there), a known role word ("Thérapeute", "Co-therapist", "Interprète"), or up to four capitalised
words or a diariser tag (``SPEAKER_00``), never a sentence opener of the language packs ("Bref",
"Anyway") nor words in lower case ("I said"). How often a speaker talks never decides: a name seen
once is a speaker when what follows reads as the start of speech (a capital, a digit, a quote), so
the mother who speaks once keeps her own turn.
"""

from __future__ import annotations

import re

from raccord.io.roles import label_role
from raccord.io.vocab import vocabulary

#: Longest label read as a name (a sentence is longer).
_MAX_CHARS = 40
_MAX_WORDS = 4


def looks_like_label(label: str) -> bool:
    """The shape of a speaker label, before any context."""
    if label_role(label) is not None:
        return True
    clean = re.sub(r"\s+", " ", label.strip()).rstrip(" :.-")
    if not clean or clean.lower() in vocabulary().not_speakers:
        return False
    words = re.sub(r" \(.*\)$", "", clean).split(" ")
    return (
        len(clean) <= _MAX_CHARS
        and len(words) <= _MAX_WORDS
        and all(w[:1].isupper() or w[:1].isdigit() for w in words)
    )


def is_speaker(label: str, count: int, body: str, *, short: bool = False) -> bool:
    """Whether ``label`` (seen ``count`` times in the file) names the speaker of ``body``.

    A role word always does; another label must look like one and either come back, or be
    followed by what starts a spoken sentence. ``short`` files (a handful of labelled lines)
    accept any label of the right shape.
    """
    if label_role(label) is not None:
        return True
    if not looks_like_label(label):
        return False
    if count >= 2 or short:
        return True
    start = body.lstrip()[:1]
    return not start or not start.isalpha() or start.isupper()
