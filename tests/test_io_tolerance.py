"""Real files are messy: what can be read safely is read, with a warning naming the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord import io
from raccord.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def test_whisperx_segments_ending_before_they_start_are_clamped_and_named() -> None:
    """Three WhisperX alignment glitches (an 'Uh-huh' ending a second before it starts)."""
    t = io.load(FIXTURES / "whisperx_glitches_en.json")[0]
    assert all(turn.end is None or turn.start is None or turn.end >= turn.start for turn in t.turns)
    (warning,) = [w for w in t.warnings if "end before they start" in w]
    assert warning.startswith("3 turn(s) end before they start, by up to 1.01 s")
    assert "(segment 4, segment 7, segment 10)" in warning


def test_an_end_far_before_the_start_is_still_refused() -> None:
    text = '{"segments": [{"start": 40.0, "end": 2.0, "text": "Bonjour.", "speaker": "A"}]}'
    with pytest.raises(InputError, match="segment 1: ends at 00:00:02 before it starts"):
        io.parse(text, fmt="whisper")


def test_youtube_caption_header_is_metadata_not_an_error() -> None:
    t = io.load(FIXTURES / "youtube_captions_en.vtt")[0]
    assert [turn.speaker for turn in t.turns] == ["Therapist", "Client"] * 2 + ["Therapist"]
    assert t.metadata.extra["vtt_kind"] == "captions"
    assert t.metadata.extra["vtt_language"] == "en-GB"
    assert t.warnings == ()


def test_a_malformed_timestamp_is_named_as_such_not_as_time_going_backwards() -> None:
    text = (
        "WEBVTT\n\n00:00:10.000 --> 00:00:12.500\nTherapist: How are you?\n\n"
        "00:00:13.000 --> 00:00:1.500\nClient: Fine.\n"
    )
    with pytest.raises(InputError) as err:
        io.parse(text, fmt="vtt", source="seance.vtt")
    assert err.value.line == 6
    assert "malformed cue timing: the end timestamp '00:00:1.500' is not a time" in str(err.value)
    assert "before it starts" not in str(err.value)


def test_a_typo_in_a_spreadsheet_time_is_named_as_a_malformed_time() -> None:
    """'00:10:3' is a mistyped time, not a turn ending 27 s before it starts."""
    t = io.load(FIXTURES / "seance_horodatee_fr.csv")[0]
    assert t.turns[3].start == 630.0 and t.turns[3].end is None
    assert t.warnings == (
        "1 time(s) not readable, left empty (line 5: end '00:10:3'; expected seconds or hh:mm:ss)",
    )


def test_a_mistyped_time_after_a_label_keeps_the_turn_and_is_named() -> None:
    text = (
        "T [00:12:31] : Comment s'est passée la semaine ?\n"
        "P [00:12:4] : Bof. Comme d'habitude.\n"
        "T [00:12:50] : Comme d'habitude ?\n"
        "P [00:12:58] : Oui, rien de spécial.\n"
    )
    t = io.parse(text, fmt="text", language="fr")[0]
    assert [turn.speaker for turn in t.turns] == ["T", "P", "T", "P"]
    assert t.turns[1].text == "Bof. Comme d'habitude." and t.turns[1].start is None
    assert t.warnings == (
        "1 malformed timestamp(s) left empty (first at line 2: '[00:12:4]'; expected a time"
        " such as [00:12:31] or (12:31))",
    )
