"""Names out of a report: speaker labels that are person names, their parts in the text, and any
name the caller knows (the patient's name in the records), replaced by the speaker's role.

A speaker label that says a role ("Thérapeute", "Client": the role words of the language packs'
``io.toml``) is kept: it names nobody. Any other
label (``Dr. Patel``, ``Sam``, ``Marc``) is a person's name: the label and each of its words of
two letters or more ("Patel", "Sam") are replaced wherever they occur, in the turns and in every
sentence of the analysis (evidence quotes, formulation, suggestions). Names of third persons said
in the session ("my friend Dev") are not caught: no name recogniser is shipped yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from raccord import lang

_TITLES = frozenset(
    {"dr", "mr", "mrs", "ms", "mme", "mlle", "m", "pr", "prof", "docteur", "madame", "monsieur"}
)


@cache
def role_words() -> frozenset[str]:
    """Speaker labels that say a role in any language pack (``io.toml``, ``[roles]``)."""
    found: set[str] = set()
    for code in lang.available():
        roles = lang.section(code, "io").get("roles", {})
        for key in ("therapist", "patient"):
            found.update(str(word).lower() for word in roles.get(key, ()))
    return frozenset(found)


def names_of(rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Speaker label → role, for the labels that are person names (not a role word)."""
    words = role_words()
    out: dict[str, str] = {}
    for row in rows:
        speaker = str(row.get("speaker", ""))
        if speaker and speaker.strip().rstrip(".:").lower() not in words:
            out.setdefault(speaker, str(row.get("role", "other")))
    return out


def _pattern(names: Mapping[str, str]) -> list[tuple[re.Pattern[str], str]]:
    pairs: dict[str, str] = {}
    for name, role in names.items():
        pairs.setdefault(name, role)
        for part in re.findall(r"[^\W\d_]{2,}", name):
            if part.lower() not in _TITLES:
                pairs.setdefault(part, role)
    ordered = sorted(pairs, key=len, reverse=True)
    return [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)"), pairs[n]) for n in ordered]


class Pseudonymiser:
    """Replaces each known name by ``[role]`` in the role names of the language."""

    def __init__(self, names: Mapping[str, str], role_names: Mapping[str, str]) -> None:
        self._subs = _pattern(names)
        self._role_names = role_names

    def text(self, value: str) -> str:
        for pattern, role in self._subs:
            value = pattern.sub(f"[{self._role_names.get(role, role)}]", value)
        return value

    def data(self, value: Any) -> Any:
        """Every string inside plain JSON data, names replaced (keys untouched)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        return value
