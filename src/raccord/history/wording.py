"""The history's sentences, per language, as language-pack data (``lang/<code>/history.toml``)."""

from __future__ import annotations

from typing import Any

from raccord import lang as lang_packs
from raccord.lang import pack_code


def section(code: str, table: str) -> dict[str, Any]:
    """One table (``text``, ``alert``, ``roles``, ``checkin``) in the language of ``code``
    (English when the pack has no history wording)."""
    data = lang_packs.section(pack_code(code), "history") or lang_packs.section("en", "history")
    return dict(data.get(table, {}))
