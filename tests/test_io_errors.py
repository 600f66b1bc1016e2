"""Bad input gets a clear error naming the file, the line and what was expected; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord import io
from raccord.errors import InputError, RaccordError


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_empty_file(tmp_path: Path) -> None:
    path = write(tmp_path, "seance.txt", "")
    with pytest.raises(InputError, match="empty") as err:
        io.load(path)
    assert err.value.path == str(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="only whitespace"):
        io.load(write(tmp_path, "seance.txt", " \n\t\n  \n"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        io.load(tmp_path / "absent.vtt")


def test_word_document_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"ZIP archive \(a .docx"):
        io.load(write(tmp_path, "seance.docx", b"PK\x03\x04" + bytes(range(256)) * 4))


def test_binary_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary"):
        io.load(write(tmp_path, "seance.txt", bytes(range(256)) * 8))


def test_file_above_the_size_limit_is_refused_with_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # a sparse 50 MB file: nothing is read
    with pytest.raises(InputError, match=r"50\.0 MB, above the 20 MB limit") as err:
        io.load(path)
    assert "--max-size" in str(err.value)


def test_size_limit_can_be_raised(tmp_path: Path) -> None:
    path = write(tmp_path, "s.txt", "T: Bonjour, comment allez-vous ?\nP: Bien, merci.\n" * 50)
    with pytest.raises(InputError, match="limit"):
        io.load(path, max_bytes=1000)
    assert len(io.load(path, max_bytes=10_000)[0].turns) == 100


def test_unknown_format_lists_the_formats() -> None:
    with pytest.raises(InputError, match="unknown format 'docx'") as err:
        io.parse("T: Bonjour", fmt="docx")
    assert "vtt" in str(err.value) and "eaf" in str(err.value)


def test_text_without_any_speaker_label(tmp_path: Path) -> None:
    path = write(
        tmp_path, "notes.txt", "elle arrive en retard, l'air fatigué.\nsilence prolongé.\n"
    )
    with pytest.raises(InputError, match="no speaking turns") as err:
        io.load(path)
    assert "'T: …'" in str(err.value)


def test_malformed_json_gives_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "s.json",
        '{"segments": [\n  {"start": 0, "end": 1, "text": "Bonjour"},\n  {"start": 1,, }\n]}',
    )
    with pytest.raises(InputError, match="malformed JSON at column 15") as err:
        io.load(path)
    assert err.value.line == 3


def test_json_segment_without_text() -> None:
    with pytest.raises(InputError, match="segment 2 has no 'text'"):
        io.parse('[{"text": "Bonjour"}, {"start": 3}]', fmt="whisper")


def test_csv_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "s.csv", "qui_parle,heure,ce_qui_est_dit\nA,00:00:01,Bonjour\n")
    with pytest.raises(InputError, match="no speaker and no text column") as err:
        io.load(path)
    assert "qui_parle, heure, ce_qui_est_dit" in str(err.value)
    assert "--column speaker=NAME" in str(err.value)


def test_csv_mapping_to_an_absent_column() -> None:
    with pytest.raises(InputError, match="no column named 'Locuteur'"):
        io.parse("a,b\nx,y\n", fmt="csv", columns={"speaker": "Locuteur", "text": "b"})


def test_csv_short_row_names_its_line() -> None:
    text = "speaker,start,text\nT,1,Bonjour\nP\n"
    with pytest.raises(InputError, match="row has 1 field") as err:
        io.parse(text, fmt="csv", source="s.csv")
    assert err.value.line == 3


def test_elan_without_tiers(tmp_path: Path) -> None:
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01"'
        ' FORMAT="3.0" VERSION="3.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">'
        '<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/><TIME_ORDER/></ANNOTATION_DOCUMENT>'
    )
    with pytest.raises(InputError, match="no tiers"):
        io.load(write(tmp_path, "s.eaf", doc))


def test_elan_that_is_not_xml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a readable ELAN file"):
        io.load(write(tmp_path, "s.eaf", "<ANNOTATION_DOCUMENT <<<"))


def test_vtt_without_header() -> None:
    with pytest.raises(InputError, match="not a WebVTT file") as err:
        io.parse("00:00:01.000 --> 00:00:02.000\nA: b", fmt="vtt")
    assert err.value.line == 1


def test_vtt_malformed_timing_names_the_line() -> None:
    text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nA: Bonjour\n\n2\n00:00:0x --> 00:00:04.000\nB: Oui"
    with pytest.raises(InputError, match="malformed cue timing") as err:
        io.parse(text, fmt="vtt")
    assert err.value.line == 8


def test_cue_ending_before_it_starts() -> None:
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nA: Bonjour\n"
    with pytest.raises(InputError, match="before it starts") as err:
        io.parse(text, fmt="vtt", language="fr")
    assert err.value.line == 3


def test_timestamps_going_back_are_an_error_naming_the_line() -> None:
    text = "[00:10:00] T: Bonjour.\n[00:10:05] P: Bonjour.\n[00:02:00] T: Alors ?\n"
    with pytest.raises(InputError, match="goes back in time") as err:
        io.parse(text, fmt="text", source="s.txt", language="fr")
    assert err.value.line == 3 and err.value.path == "s.txt"


def test_small_steps_back_and_overlaps_are_warnings() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nA: Vous voyez ce que je veux dire ?\n\n"
        "00:00:04.000 --> 00:00:06.000\nB: Oui oui.\n\n"
        "00:00:03.500 --> 00:00:07.000\nA: Bon.\n"
    )
    t = io.parse(text, fmt="vtt", language="fr")[0]
    assert any("step back" in w for w in t.warnings)
    assert any("overlapping" in w for w in t.warnings)


def test_therapist_option_must_name_a_speaker() -> None:
    with pytest.raises(InputError, match="'Dr House' is not a speaker") as err:
        io.parse("T: Bonjour.\nP: Bonjour.", fmt="text", language="fr", therapist="Dr House")
    assert "'T', 'P'" in str(err.value)


def test_single_speaker_is_read_with_a_warning() -> None:
    t = io.parse("Marie: Je me suis sentie seule toute la semaine.", fmt="text", language="fr")[0]
    assert t.roles[0].method == "default" and "only one speaker" in t.roles[0].basis
    assert any("only one speaker" in w for w in t.warnings)


def test_transcript_in_another_language_is_refused_with_a_way_out() -> None:
    text = (
        "Terapeuta: Buenos días. ¿Cómo se ha sentido esta semana desde nuestra última sesión?\n"
        "Paciente: No sé, la verdad. Estoy cansada de hablar siempre de lo mismo con usted.\n"
        "Terapeuta: Parece que algo de lo que hacemos aquí no le está ayudando. ¿Qué le parece?\n"
        "Paciente: Que no sirve para nada. Mi madre dice que debería dejarlo ya.\n"
    )
    with pytest.raises(InputError, match="another language") as err:
        io.parse(text, fmt="text", source="sesion.txt")
    assert "detected: es" in str(err.value) and "--lang" in str(err.value)
    assert io.parse(text, fmt="text", language="fr")[0].language_basis == "forced by --lang"


def test_unknown_language_code() -> None:
    with pytest.raises(RaccordError, match="no language pack for 'de'"):
        io.parse("T: Hallo.\nP: Hallo.", fmt="text", language="de")


def test_srt_garbage_names_a_line() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\nA: Bonjour\n\n2\n00:00:0x,000 --> 00:00:04,000\nB: Oui\n"
    )
    with pytest.raises(InputError, match="malformed SRT subtitle") as err:
        io.parse(text, fmt="srt")
    assert err.value.line == 5
    assert "Oui" not in str(err.value)  # the words only with --verbose
    assert err.value.quote is not None and err.value.quote.startswith("2")
