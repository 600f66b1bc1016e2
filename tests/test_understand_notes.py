"""The therapist's notes on their own reactions: the line formats, the feelings, the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord.errors import InputError
from raccord.understand import parse_notes, read_notes


def test_the_three_line_formats_of_the_brief() -> None:
    notes = parse_notes(
        [
            "12: agacé·e quand il a dit que ça servait à rien",
            "00:14:30 ennuyée",
            "turn 40 - anxious",
        ]
    )
    assert [(n.turn, n.seconds, n.feeling) for n in notes] == [
        (12, None, "irritated"),
        (None, 870.0, "bored"),
        (40, None, "anxious"),
    ]
    assert notes[0].text == "agacé·e quand il a dit que ça servait à rien"


def test_french_turn_words_minutes_comments_and_blank_lines() -> None:
    notes = parse_notes(
        [
            "# séance du 12 mars",
            "",
            "tour 7 : je me suis senti impuissant",
            "14:05 un peu inquiète pour elle",
            "réplique 3 — mal à l'aise",
            "turn #21: bored stiff",
        ]
    )
    assert [(n.turn, n.seconds, n.feeling) for n in notes] == [
        (7, None, "helpless"),
        (None, 845.0, "anxious"),
        (3, None, "anxious"),
        (21, None, "bored"),
    ]


def test_a_note_without_a_known_feeling_is_kept_as_written() -> None:
    (note,) = parse_notes(["5: je pensais à ma propre mère"])
    assert note.feeling is None and note.turn == 5


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("agacé quand il a dit ça", "cannot tell which moment"),
        ("12:", "needs some words"),
        ("00:75:10 ennui", "not a valid time"),
    ],
)
def test_a_bad_line_names_the_file_the_line_and_what_was_expected(
    tmp_path: Path, line: str, what: str
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("3: agacée\n" + line + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        read_notes(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 2: ")
    assert what in message
    assert "'12: feeling…'" in message


def test_a_missing_or_non_utf8_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_notes(tmp_path / "absent.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("3: agacé".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_notes(latin)
