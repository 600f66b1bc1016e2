"""Speakers as the file says: every labelled speaker keeps their own turns, however rarely they
speak, and a sentence with a colon never becomes a speaker."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from raccord import io
from raccord.cli import cli
from raccord.io.speakers import is_speaker, looks_like_label
from raccord.taxonomy import Role

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def test_a_group_member_who_speaks_once_keeps_their_own_turn() -> None:
    """Zoom group export: Ringo Starr speaks once; his words are not put in John's turn."""
    t = io.load(FIXTURES / "zoom_group_en.vtt")[0]
    ringo = [turn for turn in t.turns if turn.speaker == "Ringo Starr"]
    assert [turn.text for turn in ringo] == ["Oh, nice."]
    assert all("Ringo" not in turn.text for turn in t.turns if turn.speaker != "Ringo Starr")
    assert t.role_of("Ringo Starr") is Role.OTHER


def test_a_mother_who_speaks_once_is_not_in_the_therapists_turn() -> None:
    t = io.load(FIXTURES / "famille_mere_fr.txt")[0]
    assert [turn.speaker for turn in t.turns][3:6] == ["Patiente", "Mère", "Thérapeute"]
    mother = next(turn for turn in t.turns if turn.speaker == "Mère")
    assert mother.text == "Elle ne dit pas tout, vous savez."
    assert all("Mère" not in turn.text for turn in t.turns)
    assignment = next(a for a in t.roles if a.speaker == "Mère")
    assert (assignment.role, assignment.method) == (Role.OTHER, "label")


def test_a_sentence_with_a_colon_is_not_a_speaker_in_unlabelled_subtitles() -> None:
    """'I said: stop it.' is speech: no speaker 'I said', and no therapist made from the word I."""
    t = io.load(FIXTURES / "sous_titres_sans_noms_en.vtt")[0]
    assert {a.speaker for a in t.roles} == {"speaker"}
    assert any(turn.text.startswith("I said: stop it.") for turn in t.turns)


@pytest.mark.parametrize(
    ("label", "body", "count", "speaker"),
    [
        ("Mère", "Elle ne dit pas tout, vous savez.", 1, True),
        ("Ringo Starr", "Oh, nice.", 1, True),
        ("SPEAKER_02", "Yes.", 1, True),
        ("Co-thérapeute", "je voudrais ajouter quelque chose", 1, True),
        ("I said", "stop it.", 1, False),
        ("Bref", "Je suis partie.", 1, False),
        ("Anyway", "I left.", 3, False),
        ("Marie", "oui, enfin je crois", 1, False),
        ("Marie", "oui, enfin je crois", 2, True),
    ],
)
def test_what_makes_a_label_a_speaker(label: str, body: str, count: int, speaker: bool) -> None:
    assert is_speaker(label, count, body) is speaker


def test_lower_case_words_never_look_like_a_name() -> None:
    assert not looks_like_label("i said")
    assert not looks_like_label("ma mère m'a dit")
    assert looks_like_label("Dr. Anna Kowalski")


def test_read_shows_every_speaker_with_role_and_reason() -> None:
    result = CliRunner().invoke(cli, ["read", str(FIXTURES / "famille_mere_fr.txt")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("    ")]
    assert [line.split()[:2] for line in lines] == [
        ["Thérapeute", "therapist"],
        ["Patiente", "patient"],
        ["Mère", "other"],
    ]
    assert (
        "1 turn " in lines[2]
        and "[label]" in lines[2]
        and "neither therapist nor patient" in lines[2]
    )
