"""``raccord read`` and ``raccord convert`` as a therapist and a researcher use them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raccord.cli import cli, main

FIXTURES = Path(__file__).parent / "fixtures" / "io"
runner = CliRunner()


def test_read_shows_roles_with_their_basis_language_and_nonverbal() -> None:
    result = runner.invoke(cli, ["read", str(FIXTURES / "seance_tp_fr.txt")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "session 3, 2026-10-12, patient Léa" in out
    assert "language: fr (detected: fr" in out
    assert "T  therapist" in out and "[label] the speaker label 'T' means therapist" in out
    assert "silence ×2" in out and "longest silence 8 s" in out
    assert "warning: 1 line(s) before the first speaker label skipped" in out
    assert "Je me suis sentie" not in out  # a summary, never the transcript itself


def test_read_says_when_roles_were_guessed() -> None:
    result = runner.invoke(cli, ["read", str(FIXTURES / "zoom_fr.vtt")])
    assert result.exit_code == 0, result.output
    assert "[heuristic] guessed: Claire Morel asked 4 questions in 5 turns" in result.output


def test_read_with_options() -> None:
    result = runner.invoke(
        cli,
        [
            "read",
            str(FIXTURES / "colonnes_perso.csv"),
            "--column",
            "speaker=Personne",
            "--column",
            "text=Propos",
            "--column",
            "start=Minutage",
            "--therapist",
            "Dr Faure",
            "--lang",
            "fr",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[option] given by --therapist" in result.output
    assert "language: fr (forced by --lang)" in result.output


def test_read_warns_about_a_single_speaker(capsys: pytest.CaptureFixture[str]) -> None:
    main(["read", str(FIXTURES / "whisper_nospeaker_en.json")])
    captured = capsys.readouterr()
    assert "speaker  other" in captured.out and "diarisation" in captured.out
    assert (
        "no therapist and no patient among the speakers; analyze and batch will refuse"
        in captured.err
    )


def test_read_error_is_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "seance.txt"
    bad.write_text("[00:10:00] T: Bonjour.\n[00:10:05] P: Bonjour.\n[00:02:00] T: Alors ?\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["read", str(bad)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"raccord: error: {bad}, line 3: timestamp 00:02:00 goes back in time")
    assert "Traceback" not in err


def test_read_annomi_is_compact(shared_data: Path) -> None:
    result = runner.invoke(cli, ["read", str(shared_data / "annomi" / "AnnoMI-simple.csv")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("133 transcript(s)")
    assert len(lines) < 133 + 15
    assert any(line.startswith("total: 133 transcripts, 9699 turns") for line in lines)
    assert "roles by label 266" in result.output


def test_convert_one_session_to_csv_on_stdout() -> None:
    result = runner.invoke(cli, ["convert", str(FIXTURES / "seance_fr.srt"), "--to", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[0] == ["turn", "speaker", "role", "start", "end", "text", "annotations", "id"]
    assert rows[1][1:3] == ["Thérapeute", "therapist"]


def test_convert_a_corpus_to_a_directory_and_to_jsonl(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.csv"
    corpus.write_text(
        "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
        "7,0,therapist,00:00:01,How are things at home?\n7,1,client,00:00:04,Fine.\n"
        "8,0,therapist,00:00:02,What brings you here today?\n8,1,client,00:00:05,My doctor sent me.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["convert", str(corpus), "--to", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["corpus-7.json", "corpus-8.json"]
    data = json.loads((out / "corpus-8.json").read_text(encoding="utf-8"))
    assert data["metadata"]["transcript_id"] == "8" and data["turns"][1]["id"] == 1

    lines_file = tmp_path / "labels.jsonl"
    result = runner.invoke(
        cli, ["convert", str(corpus), "--to", "annotation", "-o", str(lines_file)]
    )
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in lines_file.read_text(encoding="utf-8").splitlines()]
    assert objects == [
        {"transcript_id": 7, "utterances": [], "episodes": []},
        {"transcript_id": 8, "utterances": [], "episodes": []},
    ]


def test_convert_a_corpus_needs_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.tsv"
    corpus.write_text(
        "session_id\tspeaker\ttext\nA\tT\tHow are you?\nA\tP\tOkay.\nB\tT\tHi?\nB\tP\tHi.\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", str(corpus), "--to", "json", "--lang", "en"])
    assert exit_info.value.code == 2
    assert "2 transcripts in this file: say where to write them" in capsys.readouterr().err
