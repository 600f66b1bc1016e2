"""Each format as a clinician would hand it over: who speaks, in what role, what was not said."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord import io
from raccord.model import Transcript
from raccord.taxonomy import Role

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def one(name: str, **options: object) -> Transcript:
    transcripts = io.load(FIXTURES / name, **options)  # type: ignore[arg-type]
    assert len(transcripts) == 1
    return transcripts[0]


def roles(t: Transcript) -> dict[str, Role]:
    return {a.speaker: a.role for a in t.roles}


def test_french_tp_session_with_timestamps_multiline_turns_and_nonverbal() -> None:
    t = one("seance_tp_fr.txt")
    assert t.metadata.format == "text"
    assert t.language == "fr" and t.language_basis.startswith("detected: fr")
    assert roles(t) == {"T": Role.THERAPIST, "P": Role.PATIENT}
    assert {a.method for a in t.roles} == {"label"}
    # the header gives the session facts
    assert (t.metadata.session_number, t.metadata.session_date, t.metadata.patient) == (
        3,
        "2026-10-12",
        "Léa",
    )
    # "Ça va." continues on the next line without a label: one turn
    second = t.turns[1]
    assert second.text == "Ça va. Enfin, comme d'habitude, quoi."
    assert second.start == 9.0 and second.source_line == 5
    # an 8-second silence after "Oui." belongs to the patient's turn
    oui = t.turns[3]
    assert oui.text == "Oui."
    assert [(a.kind, a.seconds) for a in oui.annotations] == [("silence", 8.0)]
    # two consecutive P lines (sigh, then looking away) are merged into one turn
    merged = t.turns[5]
    assert merged.role is Role.PATIENT
    assert [a.kind for a in merged.annotations] == ["sigh", "gaze"]
    assert "[" not in merged.text and "(" not in merged.text
    assert merged.start == 38.0
    # a turn that is only a long silence stays a turn, with no words
    silent = next(turn for turn in t.turns if turn.start == 70.0)
    assert silent.text == "" and [a.raw for a in silent.annotations] == ["long silence"]
    # irritated tone, laughter, lowered gaze
    kinds = [a.kind for turn in t.turns for a in turn.annotations]
    assert {"tone", "laughter", "gaze"} <= set(kinds)
    # the title line before the first label is skipped, and said so
    assert any("before the first speaker label" in w for w in t.warnings)


def test_english_therapist_client_text_without_timestamps() -> None:
    t = one("session_therapist_client_en.txt")
    assert t.language == "en"
    assert roles(t) == {"Therapist": Role.THERAPIST, "Client": Role.PATIENT}
    assert all(turn.start is None for turn in t.turns)
    assert t.duration is None
    # two Client lines separated by a blank line form one turn
    assert (
        t.turns[1].text
        == "I guess. I mean, it's not a big deal really. He called on Sunday. It was fine."
    )
    shrug = t.turns[3]
    assert [a.kind for a in shrug.annotations] == ["posture"]
    assert shrug.text.startswith("Fine, like I said.")


def test_zoom_vtt_merges_consecutive_cues_and_guesses_roles_out_loud() -> None:
    t = one("zoom_fr.vtt")
    assert t.metadata.format == "vtt"
    assert [turn.speaker for turn in t.turns[:4]] == [
        "Claire Morel",
        "Julien B.",
        "Claire Morel",
        "Julien B.",
    ]
    # cues 3 and 4 are one turn: start of the first, end of the last, exact to the millisecond
    third = t.turns[2]
    assert (third.start, third.end) == (7.9, 16.48)
    assert third.text.endswith("Est-ce que vous avez eu envie d'y revenir cette semaine ?")
    therapist = next(a for a in t.roles if a.role is Role.THERAPIST)
    assert therapist.speaker == "Claire Morel" and therapist.method == "heuristic"
    assert "question" in therapist.basis and "Julien B." in therapist.basis
    assert t.turns[-2].annotations[0].seconds == 3.0


def test_zoom_vtt_therapist_option_overrides_the_guess() -> None:
    t = one("zoom_fr.vtt", therapist="julien b.")
    assert roles(t) == {"Claire Morel": Role.PATIENT, "Julien B.": Role.THERAPIST}
    assert next(a for a in t.roles if a.speaker == "Julien B.").method == "option"


def test_teams_vtt_voice_tags_entities_and_note_block() -> None:
    t = one("teams_en.vtt")
    assert roles(t) == {"Dr Anna Kowalski": Role.THERAPIST, "Sam Rivera": Role.PATIENT}
    sam = next(a for a in t.roles if a.speaker == "Sam Rivera")
    assert sam.method == "default"
    assert sam.basis == "by elimination: 'Dr Anna Kowalski' is the therapist (by its label)"
    pointless = t.turns[3]
    assert pointless.text.endswith("No offence.")
    assert [a.kind for a in pointless.annotations] == ["sigh"]
    assert (pointless.start, pointless.end) == (17.4, 24.21)
    assert "I'm glad you told me" in t.turns[4].text  # &apos; unescaped
    assert (t.metadata.session_number, t.metadata.session_date, t.metadata.patient) == (
        5,
        "2026-09-28",
        "Sam",
    )


def test_srt_with_french_labels_and_italics() -> None:
    t = one("seance_fr.srt")
    assert t.metadata.format == "srt"
    assert roles(t) == {"Thérapeute": Role.THERAPIST, "Patiente": Role.PATIENT}
    assert t.turns[1].text == "Merci. Je suis un peu en retard, le bus n'est pas passé."
    bof = t.turns[3]
    assert bof.text.startswith("Bof. Je me demande")
    assert (bof.start, bof.end) == (17.8, 24.6)
    assert t.turns[5].annotations[0].kind == "sigh"


def test_whisperx_json_speaker_tags_and_heuristic() -> None:
    t = one("whisperx_fr.json")
    assert t.metadata.format == "whisper"
    assert roles(t) == {"SPEAKER_01": Role.THERAPIST, "SPEAKER_00": Role.PATIENT}
    assert all(a.method == "heuristic" for a in t.roles)
    assert t.turns[1].text == (
        "Bof. Pas terrible. J'ai encore mal dormi, et au travail ils m'ont encore fait une remarque."
    )
    assert (t.turns[1].start, t.turns[1].end) == (5.9, 11.86)
    silence = t.turns[5]
    assert (
        silence.text == "Je sais pas. Rien de spécial." and silence.annotations[0].kind == "silence"
    )
    assert t.metadata.extra["whisper_language"] == "fr"


def test_whisper_without_speakers_is_one_speaker_and_says_why() -> None:
    t = one("whisper_nospeaker_en.json")
    assert len(t.roles) == 1
    only = t.roles[0]
    assert only.role is Role.OTHER and only.method == "default"
    assert "diarisation" in only.basis
    assert len(t.turns) == 4  # segments kept apart: nothing to merge them by
    assert any("only one speaker" in w for w in t.warnings)


def test_elan_two_tiers_skips_the_translation_tier_and_reports_overlap() -> None:
    t = one("seance_fr.eaf")
    assert t.metadata.format == "eaf"
    assert roles(t) == {"Thérapeute": Role.THERAPIST, "Patient": Role.PATIENT}
    assert "I'm fine." not in " ".join(turn.text for turn in t.turns)
    assert [turn.speaker for turn in t.turns][:4] == [
        "Thérapeute",
        "Patient",
        "Thérapeute",
        "Patient",
    ]
    assert (t.turns[0].start, t.turns[0].end) == (1.0, 4.5)
    assert any("overlapping" in w for w in t.warnings)
    assert t.turns[5].annotations[0].seconds == 6.0


def test_cp1252_file_from_an_old_windows_tool() -> None:
    t = one("cp1252_fr.txt")
    assert "sœur" in t.turns[3].text and "…" in t.turns[1].text
    assert roles(t) == {"Thérapeute": Role.THERAPIST, "Patiente": Role.PATIENT}
    assert t.turns[-1].annotations[0].kind == "crying"
    assert t.metadata.extra["encoding"] == "cp1252"


def test_utf16_file_with_bom() -> None:
    t = one("utf16_en.txt")
    assert roles(t) == {"Counsellor": Role.THERAPIST, "Patient": Role.PATIENT}
    assert t.turns[3].text == "I don't know… it's just — what's the point?"


def test_csv_with_custom_columns_mapping() -> None:
    t = one(
        "colonnes_perso.csv",
        columns={
            "speaker": "Personne",
            "text": "Propos",
            "start": "Minutage",
            "transcript": "Séance",
        },
    )
    assert t.metadata.transcript_id == "S07"
    assert roles(t) == {"Dr Faure": Role.THERAPIST, "M. Leroy": Role.PATIENT}
    assert t.turns[1].text == "Toujours pareil. Je dors mal. Et ma femme dit que je suis irritable."
    assert t.turns[1].start == 8.0
    assert t.turns[3].annotations[0].kind == "posture"


def test_tsv_columns_found_by_their_french_names() -> None:
    t = one("locuteurs_auto.tsv")
    assert roles(t) == {"Psy": Role.THERAPIST, "Inès": Role.PATIENT}
    assert (t.turns[3].start, t.turns[3].end) == (11.5, 16.0)
    assert t.turns[3].annotations[0].seconds == 4.0


def test_language_can_be_forced() -> None:
    t = one("zoom_fr.vtt", language="en")
    assert t.language == "en" and t.language_basis == "forced by --lang"


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        (
            "Thérapeute : Bonjour.\nPatient(e) : Bonjour.",
            {"Thérapeute": "therapist", "Patient(e)": "patient"},
        ),
        ("Psy : Alors ?\nCliente : Rien.", {"Psy": "therapist", "Cliente": "patient"}),
        ("Counselor: Hi.\nClient: Hi.", {"Counselor": "therapist", "Client": "patient"}),
        (
            "Dr Martin: Bonjour.\nMarie: Bonjour docteur.",
            {"Dr Martin": "therapist", "Marie": "patient"},
        ),
        ("[00:12:31] T: Oui ?\nP [00:12:35]: Non.", {"T": "therapist", "P": "patient"}),
    ],
)
def test_speaker_label_styles(text: str, speakers: dict[str, str]) -> None:
    t = io.parse(text, fmt="text", language="fr")[0]
    assert {a.speaker: a.role.value for a in t.roles} == speakers


def test_stamps_before_or_after_the_label() -> None:
    text = "(12:31) T : Et là ?\nP : (12:40) Je ne sais pas.\n00:13:02 T: D'accord.\nP: [00:13:10] Voilà."
    t = io.parse(text, fmt="text", language="fr")[0]
    assert [turn.start for turn in t.turns] == [751.0, 760.0, 782.0, 790.0]
    assert t.turns[1].text == "Je ne sais pas."


def test_colon_inside_speech_is_not_a_speaker() -> None:
    text = (
        "T: Que vous a-t-il dit ?\nP: Il m'a dit : tu exagères.\nBref: je suis partie.\n"
        "T: Et vous ?\nP: Rien."
    )
    t = io.parse(text, fmt="text", language="fr")[0]
    assert [turn.speaker for turn in t.turns] == ["T", "P", "T", "P"]
    assert t.turns[1].text == "Il m'a dit : tu exagères. Bref: je suis partie."


def test_format_sniffed_from_content_without_extension(tmp_path: Path) -> None:
    target = tmp_path / "export"
    target.write_bytes((FIXTURES / "teams_en.vtt").read_bytes())
    assert io.load(target)[0].metadata.format == "vtt"
    target.write_bytes((FIXTURES / "seance_fr.srt").read_bytes())
    assert io.load(target)[0].metadata.format == "srt"
    target.write_bytes((FIXTURES / "whisperx_fr.json").read_bytes())
    assert io.load(target)[0].metadata.format == "whisper"


def test_ten_thousand_turns_parse() -> None:
    lines = []
    for i in range(5000):
        minutes, seconds = divmod(i * 6, 60)
        lines.append(
            f"[{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}] T : Et qu'en pensez-vous ?"
        )
        lines.append(
            f"[{minutes // 60:02d}:{minutes % 60:02d}:{seconds + 3:02d}] P : Je ne sais pas. [silence 2s]"
        )
    t = io.parse("\n".join(lines), fmt="text", source="long.txt")[0]
    assert len(t.turns) == 10_000
    assert t.turns[-1].annotations[0].seconds == 2.0
    assert t.language == "fr"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("utf-16-le", b""), ("utf-16-be", b"")],
)
def test_bom_and_bomless_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = "Thérapeute : Qu'est-ce qui a été difficile ?\nPatiente : Tout. Même venir ici.\n"
    path = tmp_path / "seance.txt"
    path.write_bytes(prefix + text.encode(encoding))
    t = io.load(path)[0]
    assert t.turns[0].speaker == "Thérapeute"
    assert t.turns[1].text == "Tout. Même venir ici."


def test_whisper_bare_list_and_a_segment_without_speaker() -> None:
    text = (
        '[{"start": 0, "end": 2, "text": "How are you feeling today?", "speaker": "SPEAKER_00"},'
        ' {"start": 2.5, "end": 4, "text": "Tired.", "speaker": "SPEAKER_01"},'
        ' {"start": 4, "end": 5, "text": "Really tired."}]'
    )
    t = io.parse(text, fmt="whisper", language="en")[0]
    assert [turn.text for turn in t.turns] == ["How are you feeling today?", "Tired. Really tired."]
    assert any("1 segment(s) without a speaker" in w for w in t.warnings)


def test_otter_style_export_with_speaker_headings() -> None:
    text = (
        "Speaker 1  0:03\nBonjour. Comment s'est passée la semaine ?\n\n"
        "Speaker 2  0:07\nBof. Pas terrible.\nJ'ai pas beaucoup dormi.\n\n"
        "Speaker 1  0:15\nQu'est-ce qui vous a empêchée de dormir ?\n"
    )
    t = io.parse(text, fmt="text")[0]
    assert [(turn.speaker, turn.start) for turn in t.turns] == [
        ("Speaker 1", 3.0),
        ("Speaker 2", 7.0),
        ("Speaker 1", 15.0),
    ]
    assert t.turns[1].text == "Bof. Pas terrible. J'ai pas beaucoup dormi."
    assert t.role_of("Speaker 1") is Role.THERAPIST


def test_word_transcribe_export_with_time_then_speaker() -> None:
    text = (
        "00:00:00 Speaker 1\nHello, how have you been since last time?\n\n"
        "00:00:05 Speaker 2\nNot great. I don't really want to talk about it.\n"
    )
    t = io.parse(text, fmt="text", language="en")[0]
    assert [(turn.speaker, turn.start) for turn in t.turns] == [
        ("Speaker 1", 0.0),
        ("Speaker 2", 5.0),
    ]


def test_bracketed_time_range_gives_start_and_end() -> None:
    text = "[00:00:05 - 00:00:09] T: Bonjour, comment ça va ?\n[00:00:10 - 00:00:12] P: Ça va."
    t = io.parse(text, fmt="text", language="fr")[0]
    assert [(turn.start, turn.end) for turn in t.turns] == [(5.0, 9.0), (10.0, 12.0)]


def test_labels_with_a_name_in_parentheses() -> None:
    text = (
        "Thérapeute (Marie) : Bonjour, comment allez-vous ?\n"
        "Léa (patiente) : Pas très bien.\n"
        "Thérapeute (Marie) (00:01:02) : Qu'est-ce qui ne va pas ?\n"
        "Léa (patiente) : Tout. (soupir)"
    )
    t = io.parse(text, fmt="text", language="fr")[0]
    assert [turn.speaker for turn in t.turns] == ["Thérapeute (Marie)", "Léa (patiente)"] * 2
    assert t.role_of("Thérapeute (Marie)") is Role.THERAPIST
    assert t.role_of("Léa (patiente)") is Role.PATIENT
    assert {a.method for a in t.roles} == {"label"}
    assert t.turns[2].start == 62.0
