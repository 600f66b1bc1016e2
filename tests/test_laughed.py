"""« I noticed that you laughed » is said only when the transcript says the patient laughed (a
blind review found it said of a turn marked "[sighs]", the subtype coming from the learned head).
Read on coded labels, so the test holds whatever the shipped weights find."""

from __future__ import annotations

import pytest

from conftest import coded_analysis
from raccord.io import parse


def _suggestions(said: str) -> list[str]:
    lines = [
        "T: How was the week with your mother-in-law?",
        "P: Fine. She came round on Sunday.",
        "T: Maybe that's a voice worth listening to as well.",
        f"P: {said}",
        "T: Mm.",
        "P: Anyway. What were we saying?",
    ]
    coded = {
        "transcript_id": "split",
        "utterances": [
            {
                "utterance_id": 4,
                "marker": "withdrawal",
                "subtype": "content_affect_split",
                "salience": 3,
            }
        ],
        "episodes": [
            {"start": 4, "end": 6, "kind": "withdrawal", "severity": "micro", "resolved": "no"}
        ],
    }
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language="en")
    return [s.text for s in coded_analysis(transcript, coded).suggestions]


@pytest.mark.parametrize(
    ("said", "laughed"),
    [
        ("[laughs] She told me I was doing it all wrong. It was awful, really.", True),
        ("[sighs] She told me I was doing it all wrong. It was awful, really.", False),
    ],
)
def test_laughter_is_named_only_when_the_transcript_says_so(said: str, laughed: bool) -> None:
    texts = _suggestions(said)
    assert texts
    assert any("laughed" in t for t in texts) is laughed
