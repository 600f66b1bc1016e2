"""What transcribers write between brackets becomes an annotation a clinician can count."""

from __future__ import annotations

import pytest

from raccord import io
from raccord.io.nonverbal import extract, strip_markup


@pytest.mark.parametrize(
    ("written", "kind", "seconds"),
    [
        ("[silence]", "silence", None),
        ("[silence 8s]", "silence", 8.0),
        ("[long silence]", "silence", None),
        ("[pause de 5 secondes]", "silence", 5.0),
        ("[silence 1,5 min]", "silence", 90.0),
        ("(soupir)", "sigh", None),
        ("[sighs]", "sigh", None),
        ("[rires]", "laughter", None),
        ("[rit]", "laughter", None),
        ("[laughs]", "laughter", None),
        ("(laughter)", "laughter", None),
        ("[chuckles]", "laughter", None),
        ("(looks away)", "gaze", None),
        ("[regarde ailleurs]", "gaze", None),
        ("[baisse les yeux]", "gaze", None),
        ("[croise les bras]", "posture", None),
        ("[pleure]", "crying", None),
        ("[inaudible]", "inaudible", None),
        ("[unintelligible 00:01:18]", "inaudible", None),
        ("(ton agacé)", "tone", None),
        ("(ton las)", "tone", None),
        ("[se racle la gorge]", "other", None),
        ("[bruit de porte]", "other", None),
    ],
)
def test_annotation_vocabulary(written: str, kind: str, seconds: float | None) -> None:
    words, found = extract(f"Je ne sais pas {written} vraiment.")
    assert words == "Je ne sais pas vraiment."
    assert [(a.kind, a.seconds) for a in found] == [(kind, seconds)]
    assert found[0].raw == written[1:-1]


def test_a_spoken_aside_in_parentheses_stays_in_the_words() -> None:
    words, found = extract("Ma mère (enfin, ma belle-mère) ne m'appelle plus.")
    assert words == "Ma mère (enfin, ma belle-mère) ne m'appelle plus."
    assert found == ()


def test_several_annotations_keep_their_order() -> None:
    words, found = extract("[soupir] Non. (regarde ailleurs) C'est rien. [silence 4s]")
    assert words == "Non. C'est rien."
    assert [a.kind for a in found] == ["sigh", "gaze", "silence"]


def test_html_tags_and_entities_are_removed() -> None:
    assert strip_markup("<i>Je sais pas</i> &amp; <b>voilà</b> &lt;3") == "Je sais pas & voilà <3"


def test_a_turn_that_is_only_a_silence_stays_a_turn() -> None:
    t = io.parse(
        "T : Qu'est-ce que vous ressentez, là ?\nP : [silence 12s]\nT : Prenez votre temps.",
        fmt="text",
        language="fr",
    )[0]
    assert len(t.turns) == 3
    assert t.turns[1].text == ""
    assert [(a.kind, a.seconds) for a in t.turns[1].annotations] == [("silence", 12.0)]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("[silence 6s] Peut-être.", "[silence 6s] Peut-être."),
        (
            "Je sais pas (soupir) enfin si [rires] bon.",
            "Je sais pas [soupir] enfin si [rires] bon.",
        ),
        ("Non. [regarde sa montre]", "Non. [regarde sa montre]"),
        # a laugh after her quoted words stays outside them (a review found « d'accord [rit] »)
        (
            "Et de pas dire « ah bon, d'accord ». [rit]",
            "Et de pas dire « ah bon, d'accord ». [rit]",
        ),
        ("Rester dans le souvenir. [rit] Voilà.", "Rester dans le souvenir. [rit] Voilà."),
    ],
)
def test_an_annotation_is_shown_where_it_stood(written: str, said: str) -> None:
    """A pause before the answer reads before it (a clinician's review found « Peut-être.
    [silence 6s] » for « [silence 6s] Peut-être. »), in the JSON, the store and the report."""
    import json

    from raccord.io.writers import transcript_to_dict
    from raccord.model import Role, Turn, as_said
    from raccord.report.view import _annotations
    from raccord.store.records import transcript_rows

    transcript = io.parse(f"T: Et votre sœur ?\nP: {written}\n", fmt=None)[0]
    turn = transcript.turns[1]
    assert turn.as_said() == said
    back = io.parse(json.dumps(transcript_to_dict(transcript)), fmt=None)[0].turns[1]
    assert back.as_said() == said
    row = transcript_rows(transcript)[1]
    assert as_said(row["text"], _annotations(row)) == said
    assert Turn(0, "P", Role.PATIENT, "Oui.", annotations=turn.annotations[:1]).text == "Oui."


def test_two_lines_of_one_speaker_keep_each_annotation_where_it_stood() -> None:
    """fresh38's review: the silence between two lines of the patient, once merged into one turn,
    was shown before the first line (« [silence 4s] Skipping it? »), changing what was said when."""
    t = io.parse(
        "T: If we keep skipping the homework, we won't get anywhere.\n"
        "P: Skipping it? I've filled in every sheet. [sighs]\n"
        "P: [silence 4s] Eight weeks of sheets.\n"
        "T: You're right.\n",
        fmt="text",
        language="en",
    )[0]
    assert len(t.turns) == 3
    assert t.turns[1].as_said() == (
        "Skipping it? I've filled in every sheet. [sighs] [silence 4s] Eight weeks of sheets."
    )


def test_plain_text_turns_keep_the_number_of_their_first_line() -> None:
    """fresh38's review: once two lines of one speaker were joined, every later turn of the
    report was one behind the transcript a therapist reads (« tour 65 » was read 66). A turn is
    numbered by its first line; the joined line's number is skipped, and a note on it lands on
    the turn that holds it."""
    from raccord.model import TherapistNote
    from raccord.understand.timeline import resolve_turn

    t = io.parse(
        "# Séance 8\n"
        "T: If we keep skipping the homework, we won't get anywhere.\n"
        "P: Skipping it? I've filled in every sheet.\n"
        "P: [silence 4s] Eight weeks of sheets.\n"
        "T: You're right. That wasn't fair.\n"
        "P: Mm.\n",
        fmt="text",
        language="en",
    )[0]
    assert [turn.uid for turn in t.turns] == [1, 2, 4, 5]
    assert t.turns[2].text == "You're right. That wasn't fair."
    assert resolve_turn(t, TherapistNote("agacée", turn=3)) == 1
    assert resolve_turn(t, TherapistNote("agacée", turn=4)) == 2
    assert resolve_turn(t, TherapistNote("agacée", turn=9)) is None
    # without a join, nothing changes: turns are numbered from 1
    plain = io.parse("T: Hello.\nP: Hi.\nT: How are you?\n", fmt="text", language="en")[0]
    assert [turn.uid for turn in plain.turns] == [1, 2, 3]
    assert all(turn.id is None for turn in plain.turns)
