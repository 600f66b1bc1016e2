"""What the README promises a user: refusals that are clear, outputs checked before the work,
and a corpus that never fails whole."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from raccord import batch, io
from raccord.cli import main
from raccord.taxonomy import Role

FIXTURES = Path(__file__).parent / "fixtures" / "io"
DEMO_FR = Path(__file__).parents[1] / "src" / "raccord" / "demo" / "seance-fr-lea.txt"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        main(args)
    except SystemExit as stop:
        code = int(stop.code or 0)
    else:
        code = 0
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("raccord: error: ")
    return lines[0]


# ------------------------------------------------------------------ who is who


def test_whisper_without_speakers_is_refused_by_analyze(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        ["analyze", str(FIXTURES / "whisper_nospeaker_en.json"), "--mode", "fast"], capsys
    )
    assert code == 2 and out == ""
    line = _one_error_line(err)
    assert "no therapist and no patient among the speakers" in line
    assert "diarisation" in line and "--therapist NAME or --patient NAME" in line


def test_one_speaker_subtitles_are_refused_by_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    code, _, err = _run(
        [
            "batch",
            str(FIXTURES / "sous_titres_sans_noms_en.vtt"),
            "--out",
            str(out_dir),
            "--mode",
            "fast",
            "--jobs",
            "1",
        ],
        capsys,
    )
    assert code == 2, "nothing could be analysed"
    assert "no therapist and no patient" in err
    with (out_dir / "skipped.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["transcript_id"] == "sous_titres_sans_noms_en"
    assert not list(out_dir.glob("transcript_*.json"))


def test_naming_the_therapist_makes_the_others_patients() -> None:
    """Group session: the facilitator named, both members are patients, none is left out."""
    t = io.load(FIXTURES / "zoom_group_en.vtt", therapist=["Paul McCartney"])[0]
    assert [(a.speaker, a.role) for a in t.roles] == [
        ("Paul McCartney", Role.THERAPIST),
        ("John Lennon", Role.PATIENT),
        ("Ringo Starr", Role.PATIENT),
    ]
    assert t.roles[1].basis == "not the therapist given by --therapist"


def test_naming_the_therapist_leaves_a_labelled_mother_other() -> None:
    t = io.load(FIXTURES / "famille_mere_fr.txt", therapist="Thérapeute")[0]
    assert {a.speaker: a.role for a in t.roles} == {
        "Thérapeute": Role.THERAPIST,
        "Patiente": Role.PATIENT,
        "Mère": Role.OTHER,
    }


def test_a_labelled_therapist_does_not_stay_therapist_beside_the_one_named() -> None:
    text = (
        "Therapist: Hi Sam, I'm the one asking today, is that all right?\n"
        "Sam: Sure. So how have you been since we last met?\n"
        "Therapist: Not good, honestly. I keep cancelling plans.\n"
        "Sam: What happens just before you cancel?\n"
    )
    t = io.parse(text, fmt="text", language="en", therapist="Sam")[0]
    assert t.role_of("Sam") is Role.THERAPIST and t.role_of("Therapist") is Role.PATIENT


def test_patient_option_decides_a_whisperx_session(capsys: pytest.CaptureFixture[str]) -> None:
    t = io.load(FIXTURES / "whisperx_fr.json", patient="SPEAKER_01")[0]
    assert t.role_of("SPEAKER_01") is Role.PATIENT
    assert t.role_of("SPEAKER_00") is Role.THERAPIST


# ------------------------------------------------------------------ outputs checked first


def test_analyze_into_a_missing_folder_is_refused_before_the_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "report.json"
    code, out, err = _run(["analyze", str(DEMO_FR), "--format", "json", "-o", str(target)], capsys)
    assert code == 2 and out == ""
    assert "the folder does not exist" in _one_error_line(err)
    assert "Traceback" not in err


def test_outputs_into_read_only_folders_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() == 0:  # root writes through file modes; /sys refuses everyone
        locked = Path("/sys")
    try:
        code, _, err = _run(["analyze", str(DEMO_FR), "-o", str(locked / "r.txt")], capsys)
        assert code == 2 and "cannot write here" in _one_error_line(err)
        code, _, err = _run(["batch", str(DEMO_FR), "--out", str(locked)], capsys)
        assert code == 2 and "cannot write in this folder" in _one_error_line(err)
    finally:
        (tmp_path / "locked").chmod(0o700)


def test_an_output_path_that_is_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["analyze", str(DEMO_FR), "-o", str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in _one_error_line(err)


def test_usage_errors_are_one_raccord_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["analyze", str(DEMO_FR), "--mode", "slow"], capsys)
    assert code == 2
    line = _one_error_line(err)
    assert "raccord analyze" in line and "--mode" in line
    code, _, err = _run(["batch", "--out", "x"], capsys)
    assert code == 2 and "Missing argument" in _one_error_line(err)


def test_patient_words_stay_out_of_errors_unless_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "seance.vtt"
    broken.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nT: Bonjour.\n\n"
        "Mon père me frappait quand j'étais petite.\n",
        encoding="utf-8",
    )
    code, _, err = _run(["read", str(broken)], capsys)
    assert code == 2 and "père" not in err and "--verbose" in err
    code, _, err = _run(["--verbose", "read", str(broken)], capsys)
    assert code == 2 and "Mon père me frappait" in _one_error_line(err)


# ------------------------------------------------------------------ a corpus never fails whole


def test_one_keyboard_mash_dialogue_does_not_sink_the_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out"
    code, out, err = _run(
        [
            "batch",
            str(FIXTURES / "soutien_corpus_en.csv"),
            "--out",
            str(out_dir),
            "--mode",
            "fast",
            "--jobs",
            "1",
        ],
        capsys,
    )
    assert code == 1, "some sessions skipped, the others analysed"
    assert "2 sessions analysed" in out
    with (out_dir / "sessions.csv").open(encoding="utf-8") as handle:
        assert [r["transcript_id"] for r in csv.DictReader(handle)] == ["101", "103"]
    with (out_dir / "skipped.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["transcript_id"] == "102" and "another language" in row["reason"]
    assert "soutien_corpus_en.csv, session 102: this transcript seems" in err


def test_batch_reads_a_folder_of_transcripts(tmp_path: Path) -> None:
    folder = tmp_path / "seances"
    folder.mkdir()
    shutil.copy(DEMO_FR, folder / "lea.txt")
    shutil.copy(FIXTURES / "whisper_nospeaker_en.json", folder / "dictaphone.json")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    result = batch.run([folder], tmp_path / "out", mode="fast")
    assert [r["transcript_id"] for r in result.rows] == ["lea"]
    assert [s.name for s in result.skipped] == ["dictaphone"]
    assert result.exit_status == 1


def test_read_and_convert_show_the_readable_sessions_and_name_the_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = str(FIXTURES / "soutien_corpus_en.csv")
    code, out, err = _run(["read", corpus], capsys)
    assert code == 1 and "2 transcript(s)" in out
    assert err.strip() == (
        f"raccord: skipped: {corpus}, session 102: this transcript seems to be in another"
        " language (detected: cy, p=1.00); raccord reads en and fr (expected a transcript in en"
        " or fr, or --lang to force one)"
    )
    target = tmp_path / "corpus.jsonl"
    code, _, err = _run(["convert", corpus, "--to", "json", "-o", str(target)], capsys)
    assert code == 1 and "session 102" in err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2
