"""Which language a session is in, decided once on the whole text.

Short turns ("mm", "ok") are unreliable alone, so detection runs on all the words of the
transcript. It is restricted to the languages raccord has packs for, but first checked without
restriction: a Spanish session would otherwise be called "fr" with confidence and analysed with the
wrong cues; it is refused with a message instead (``--lang`` forces a language).
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from raccord import lang
from raccord.errors import InputError

_MAX_CHARS = 100_000
_MIN_CHARS = 20
_WORD = re.compile(r"[^\W\d_]{2,}")
#: The unrestricted guess must be this sure, on this many words, before a file is refused.
_FOREIGN_P = 0.95
_FOREIGN_MIN_WORDS = 25


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exps = {code: math.exp(score - top) for code, score in scores.items()}
    total = sum(exps.values())
    return {code: value / total for code, value in exps.items()}


def forced(code: str) -> tuple[str, str]:
    """A language given by the user, checked against the packs."""
    code = code.strip().lower()
    if code not in lang.available():
        raise InputError(
            f"no language pack for {code!r}", expected=f"one of {', '.join(lang.available())}"
        )
    return code, "forced by --lang"


def detect(
    text: str,
    source: str | None = None,
    *,
    foreign_min_words: int = _FOREIGN_MIN_WORDS,
    what: str = "transcript",
) -> tuple[str, str]:
    """``(code, basis)`` for the transcript's text, e.g. ``("fr", "detected: fr (p=0.98)")``.

    A text in another language, judged on at least ``foreign_min_words`` words, is refused.
    """
    supported = lang.available()
    sample = text[:_MAX_CHARS]
    words = _WORD.findall(sample)
    if len(sample.strip()) < _MIN_CHARS or len(words) < 3:
        return (
            lang.DEFAULT,
            f"too few words to detect the language; assumed {lang.DEFAULT} (use --lang to set it)",
        )
    ranked = dict(_identifier().rank(sample))
    probs = _softmax(ranked)
    best = max(probs, key=lambda code: probs[code])
    if best not in supported and probs[best] >= _FOREIGN_P and len(words) >= foreign_min_words:
        raise InputError(
            f"this {what} seems to be in another language (detected: {best},"
            f" p={probs[best]:.2f}); raccord reads {' and '.join(supported)}",
            path=source,
            expected=f"a {what} in {' or '.join(supported)}, or --lang to force one",
        )
    restricted = _softmax({code: ranked[code] for code in supported if code in ranked})
    code = max(restricted, key=lambda c: restricted[c])
    basis = f"detected: {code} (p={restricted[code]:.2f})"
    if restricted[code] < 0.8:
        basis += ", uncertain: use --lang to set it"
    return code, basis
