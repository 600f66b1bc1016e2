"""The article's situations as vignettes: detect() must find the expected markers, and leave the
hard negatives alone (sadness about a friend, short answers to closed intake questions).

Each vignette is ``tests/fixtures/vignettes/<stem>.txt`` (``T:``/``P:`` lines) with its expected
labels in ``<stem>.expected.json`` (see the README there). A marker is right when its kind matches
and its subtype is one of the acceptable ones.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from raccord.detect import detect
from raccord.io import parse
from raccord.model import Detection, Transcript

VIGNETTES = Path(__file__).parent / "fixtures" / "vignettes"
STEMS = sorted(p.name[: -len(".expected.json")] for p in VIGNETTES.glob("*.expected.json"))


def _load(stem: str) -> tuple[Transcript, dict[str, Any]]:
    expected = json.loads((VIGNETTES / f"{stem}.expected.json").read_text("utf-8"))
    text = (VIGNETTES / f"{stem}.txt").read_text("utf-8")
    (transcript,) = parse(text, fmt="text", source=f"{stem}.txt", language=expected["language"])
    return transcript, expected


@pytest.fixture(scope="module", params=["fast", "full"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _markers_by_turn(detection: Detection) -> dict[int, Any]:
    return {m.turn: m for m in detection.markers}


@pytest.mark.parametrize("stem", STEMS)
def test_expected_markers_are_found(stem: str, mode: str) -> None:
    transcript, expected = _load(stem)
    found = _markers_by_turn(detect(transcript, mode=mode))
    for want in expected["markers"]:
        turn = want["turn"]
        assert turn in found, f"{stem}: no marker on turn {turn} ({transcript.turns[turn].text!r})"
        marker = found[turn]
        assert marker.kind.value == want["kind"], f"{stem}: turn {turn} is {marker.kind}"
        assert marker.subtype.value in want["subtypes"], (
            f"{stem}: turn {turn} coded {marker.subtype}, acceptable {want['subtypes']}"
        )
        assert marker.evidence, f"{stem}: marker on turn {turn} has no evidence"


@pytest.mark.parametrize("stem", STEMS)
def test_hard_negatives_stay_unmarked(stem: str, mode: str) -> None:
    transcript, expected = _load(stem)
    found = _markers_by_turn(detect(transcript, mode=mode))
    for turn in expected["no_marker_turns"]:
        assert turn not in found, (
            f"{stem}: turn {turn} ({transcript.turns[turn].text!r}) should carry no marker, "
            f"got {found[turn].subtype}"
        )


@pytest.mark.parametrize("stem", STEMS)
def test_episode_kind_matches_the_vignette(stem: str) -> None:
    transcript, expected = _load(stem)
    detection = detect(transcript, mode="fast")
    if expected["episode_kind"] is None:
        assert detection.episodes == ()
        return
    kinds = {e.kind.value for e in detection.episodes}
    assert expected["episode_kind"] in kinds or "mixed" in kinds, (
        f"{stem}: expected a {expected['episode_kind']} episode, got {sorted(kinds)}"
    )
