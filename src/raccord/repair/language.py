"""Which language a short therapist statement is in: one of the languages with a pack.

Reuses the readers' session-language function (``raccord.io.language.detect``: py3langid
restricted to the packs), so a statement and a transcript are judged the same way. A statement
can be shorter than that function is willing to judge ("Tu es distant."); then py3langid's
ranking, restricted to the packs, decides on its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from raccord import lang
from raccord.io.language import detect


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


#: A draft statement is short: judged foreign on this many words (a sentence), not a session's 25.
_FOREIGN_MIN_WORDS = 6


def detect_language(text: str) -> str:
    """``fr`` or ``en`` for a short text (English when there is nothing to go on).

    A draft clearly in another language (German, Spanish…) raises ``InputError``: its rewrite
    would mix languages, as ``analyze`` refuses such a session.
    """
    code, basis = detect(text, foreign_min_words=_FOREIGN_MIN_WORDS, what="statement")
    if not basis.startswith("too few words") or not text.strip():
        return code
    supported = set(lang.available())
    ranked = [c for c, _ in _identifier().rank(text) if c in supported]
    return str(ranked[0]) if ranked else lang.DEFAULT
