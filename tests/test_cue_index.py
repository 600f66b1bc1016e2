"""The cue index only skips cues that cannot fire: same hits, same order, as trying every cue.

``CueSet`` tries a cue on a turn only when one of the cue's literal openings starts a word of the
turn; this is a speed device and must never change what a clinician is shown.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord.detect import signals as sig
from raccord.io import load
from raccord.lang import cues

_TRICKY = [
    "il faut que vous arretiez, il faudrait vraiment que tu essaies",
    "qu'il faut que vous veniez... bon-bon, euh- je sais pas",
    "non, non, c'est pas ca que j'ai dit ?",
    "je ne sais pas trop. j'sais pas. chais pas",
    "ca m'a jamais pose de probleme jusqu'ici",
    "mm-hmm ouais ok d'accord",
    "i don't know. i guess. nothing special, really",
    "you should really cut down, you need to stop",
    "we're just going round in circles, what's the point ?",
    "50 euros la seance, $120 a session",
    "l'il faut que vous -- x'you should",
]


def _every_cue(cue_set: cues.CueSet, norm: str) -> tuple[tuple[cues.Cue, str], ...]:
    """The reference scan: every cue with a regex run, gated only by its opening words."""
    # a word after an elision counts too: "il" in "qu'il"
    words = frozenset(re.findall(r"[\w']+", norm)) | frozenset(re.findall(r"\w+", norm))
    found: list[tuple[cues.Cue, str]] = []
    for (cue, regex), opening in zip(cue_set.items, cue_set.openings, strict=True):
        if opening is not None and opening.isdisjoint(words):
            continue
        for m in regex.finditer(norm):
            start = m.start()
            if start and (norm[start - 1].isalnum() or norm[start - 1] == "_"):
                continue
            found.append((cue, m.group(0).strip()))
    return tuple(found)


def _cue_sets(code: str) -> list[cues.CueSet]:
    p = sig.pack(code)
    return [*p.families.values(), *p.subtypes.values(), p.minimal]


def _demo_texts() -> list[str]:
    folder = resources.files("raccord.demo")
    texts: list[str] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".txt", ".vtt")):
            with resources.as_file(entry) as path:
                texts.extend(turn.text for t in load(path) for turn in t.turns)
    return texts


@pytest.mark.parametrize("code", ["fr", "en"])
def test_the_demo_sessions_get_the_same_cues_as_a_scan_of_every_cue(code: str) -> None:
    texts = _demo_texts() + _TRICKY
    fired = 0
    for text in texts:
        norm = cues.normalise(text)
        for cue_set in _cue_sets(code):
            expected = _every_cue(cue_set, norm)
            assert cue_set._scan(norm) == expected, (code, text)
            fired += len(expected)
    assert fired > 100  # the comparison covered cues that really fire


_ALPHABET = st.sampled_from(
    [
        "je ",
        "ne ",
        "pas ",
        "vous ",
        "il ",
        "faut ",
        "que ",
        "c'est ",
        "ca ",
        "mais ",
        "non ",
        "oui ",
        "i ",
        "don't ",
        "know ",
        "you ",
        "should ",
        "really ",
        "it's ",
        "fine ",
        "?",
        "-",
        "'",
        "l'",
        "qu'",
        "...",
        " ",
        "euros ",
        "12 ",
        "mm ",
        "hmm ",
        "ok ",
        "d'accord ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=14), st.sampled_from(["fr", "en"]))
def test_word_salad_gets_the_same_cues_as_a_scan_of_every_cue(parts: list[str], code: str) -> None:
    norm = cues.normalise("".join(parts))
    for cue_set in _cue_sets(code):
        assert cue_set._scan(norm) == _every_cue(cue_set, norm)
