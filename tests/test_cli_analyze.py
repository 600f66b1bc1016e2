"""The analysis commands as a therapist and a researcher use them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from raccord.cli import cli
from raccord.cli.analysis import demo_files

runner = CliRunner()


def _demo(language: str) -> Path:
    for path in demo_files():
        if path.name.startswith(("seance-fr", "séance-fr")) == (language == "fr"):
            return path
    raise AssertionError(f"no {language} demo session")


def test_the_bundled_demo_holds_french_and_english_sessions_in_two_formats() -> None:
    files = demo_files()
    assert len(files) >= 2
    assert len({p.suffix for p in files}) >= 2


def test_detailed_text_report_of_a_french_session_speaks_french() -> None:
    result = runner.invoke(cli, ["analyze", str(_demo("fr")), "--format", "text", "--details"])
    assert result.exit_code == 0, result.output
    assert "Déroulé de la séance" in result.output
    assert "Marqueur possible" in result.output
    assert "Épisode 1" in result.output
    assert "hypothèses" in result.output


def test_detailed_text_report_of_an_english_session_speaks_english() -> None:
    result = runner.invoke(cli, ["analyze", str(_demo("en")), "--format", "text", "--details"])
    assert result.exit_code == 0, result.output
    assert "Session timeline" in result.output
    assert "Possible" in result.output and "marker" in result.output


def test_json_output_has_the_documented_top_level_keys() -> None:
    result = runner.invoke(cli, ["analyze", str(_demo("fr")), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert {"markers", "episodes", "scores"} <= set(payload)
    assert payload["markers"], "the French demo holds a withdrawal and a confrontation"
    for episode in payload["episodes"]:
        for suggestion in episode["suggestions"]:
            assert suggestion["approach"] in {"direct", "indirect"}
            assert suggestion["text"] and suggestion["why"]


def test_annotation_output_is_the_annotation_format() -> None:
    result = runner.invoke(cli, ["analyze", str(_demo("en")), "--format", "annotation"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"transcript_id", "utterances", "episodes"}
    for row in payload["utterances"]:
        assert "utterance_id" in row
        assert ("marker" in row) != ("contribution" in row)
    for episode in payload["episodes"]:
        assert set(episode) == {"start", "end", "kind", "severity", "resolved"}


def test_batch_writes_one_file_per_session_and_a_sessions_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    files = [str(p) for p in demo_files()]
    result = runner.invoke(cli, ["batch", *files, "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    with (out / "sessions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(files)
    assert list(rows[0])[:6] == [
        "transcript_id",
        "language",
        "turns",
        "patient_rupture_score",
        "therapist_contribution_score",
        "episodes",
    ]
    for row in rows:
        assert (out / f"transcript_{row['transcript_id']}.json").exists()
        assert 0.0 <= float(row["patient_rupture_score"]) <= 1.0


def test_batch_reports_a_bad_file_and_still_analyses_the_others(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["batch", str(empty), str(_demo("fr")), "--out", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.output
    assert len(list(out.glob("transcript_*.json"))) == 1
    assert not list(out.glob(".*.tmp")), "nothing is left half-written"


def test_analyze_on_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    from raccord.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["analyze", str(tmp_path / "nope.txt")])
    assert stop.value.code != 0


def test_demo_command_prints_every_session(capsys: pytest.CaptureFixture[str]) -> None:
    result = runner.invoke(cli, ["demo", "--mode", "fast"])
    assert result.exit_code == 0, result.output
    for path in demo_files():
        assert path.name in result.output or path.stem in result.output
