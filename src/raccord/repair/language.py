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


def detect_language(text: str) -> str:
    """``fr`` or ``en`` for a short text (English when there is nothing to go on)."""
    code, basis = detect(text)
    if not basis.startswith("too few words") or not text.strip():
        return code
    supported = set(lang.available())
    ranked = [c for c, _ in _identifier().rank(text) if c in supported]
    return str(ranked[0]) if ranked else lang.DEFAULT
