"""How a report names a span of turns, with the preposition French contracts it with."""

from __future__ import annotations

import pytest

from raccord.model import Transcript, Turn
from raccord.taxonomy import Role
from raccord.understand.text import span_ref


def _session(lang: str) -> Transcript:
    turns = tuple(
        Turn(
            index=k,
            speaker="T" if k % 2 == 0 else "P",
            role=Role.THERAPIST if k % 2 == 0 else Role.PATIENT,
            text="…",
        )
        for k in range(20)
    )
    return Transcript(turns=turns, language=lang)


@pytest.mark.parametrize(
    ("lang", "start", "end", "case", "expected"),
    [
        ("fr", 9, 17, "", "tours 10–18"),
        ("fr", 9, 17, "at", "aux tours 10–18"),
        ("fr", 9, 17, "of", "des tours 10–18"),
        # a one-turn episode: « Retrait du tour 10 », never « Retrait des tour 10 »
        ("fr", 9, 9, "of", "du tour 10"),
        ("fr", 9, 9, "at", "au tour 10"),
        ("fr", 9, 9, "", "tour 10"),
        ("en", 9, 17, "of", "turns 10–18"),
        ("en", 9, 9, "at", "turn 10"),
    ],
)
def test_a_span_is_named_with_its_preposition(
    lang: str, start: int, end: int, case: str, expected: str
) -> None:
    assert span_ref(lang, _session(lang), start, end, case) == expected
