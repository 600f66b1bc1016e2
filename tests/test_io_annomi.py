"""AnnoMI read as published: 133 sessions, roles from the interlocutor column, utterance ids kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from raccord import io
from raccord.model import Transcript
from raccord.taxonomy import Role


@pytest.fixture(scope="module")
def shared_data_module() -> Path:
    """The shared data folder, once per module (reading AnnoMI takes a second)."""
    from conftest import SHARED_DATA

    if not (SHARED_DATA / "annomi" / "AnnoMI-simple.csv").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="module")
def simple(shared_data_module: Path) -> list[Transcript]:
    return io.load(shared_data_module / "annomi" / "AnnoMI-simple.csv")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared_data
def test_all_133_sessions_are_read_with_their_ids(
    simple: list[Transcript], shared_data_module: Path
) -> None:
    source = rows(shared_data_module / "annomi" / "AnnoMI-simple.csv")
    expected_ids = list(dict.fromkeys(r["transcript_id"] for r in source))
    assert [t.metadata.transcript_id for t in simple] == expected_ids
    assert len(simple) == 133
    assert sum(len(t.turns) for t in simple) == len(source)


@pytest.mark.shared_data
def test_roles_follow_the_interlocutor_column(
    simple: list[Transcript], shared_data_module: Path
) -> None:
    source = rows(shared_data_module / "annomi" / "AnnoMI-simple.csv")
    expected = {(r["transcript_id"], int(r["utterance_id"])): r["interlocutor"] for r in source}
    wanted = {"therapist": Role.THERAPIST, "client": Role.PATIENT}
    for transcript in simple:
        assert {a.method for a in transcript.roles} == {"label"}
        for turn in transcript.turns:
            assert turn.id is not None
            assert turn.role is wanted[expected[(transcript.metadata.transcript_id, turn.id)]]


@pytest.mark.shared_data
def test_session_metadata_and_utterance_ids(simple: list[Transcript]) -> None:
    first = simple[0]
    assert first.metadata.extra["mi_quality"] in {"high", "low"}
    assert first.metadata.extra["topic"]
    assert [t.uid for t in first.turns[:3]] == [0, 1, 2]
    assert first.language == "en"
    # ids are the source's, not positions: consecutive client rows stay separate utterances
    for transcript in simple:
        assert [t.id for t in transcript.turns] == sorted(
            t.id for t in transcript.turns if t.id is not None
        )


@pytest.mark.shared_data
def test_hand_timed_steps_back_are_tolerated_and_reported(simple: list[Transcript]) -> None:
    by_id = {t.metadata.transcript_id: t for t in simple}
    assert any("step back" in w for w in by_id["64"].warnings)
    assert any("00:09:025" in w for w in by_id["38"].warnings)


@pytest.mark.shared_data
def test_full_file_keeps_one_row_per_utterance(
    simple: list[Transcript], shared_data_module: Path
) -> None:
    full = io.load(shared_data_module / "annomi" / "AnnoMI-full.csv")
    assert len(full) == 133
    by_id = {t.metadata.transcript_id: t for t in simple}
    for transcript in full:
        same = by_id[transcript.metadata.transcript_id]
        assert [(t.id, t.text) for t in transcript.turns] == [(t.id, t.text) for t in same.turns]
    assert sum(t.metadata.extra.get("duplicate_rows_dropped", 0) for t in full) > 3000


@pytest.mark.shared_data
def test_french_rendering_is_read_as_french(shared_data_module: Path) -> None:
    path = shared_data_module / "annomi-fr-dev.csv"
    if not path.exists():
        pytest.skip("annomi-fr-dev.csv not present")
    transcripts = io.load(path)
    assert len(transcripts) == len({r["transcript_id"] for r in rows(path)})
    assert {t.language for t in transcripts} == {"fr"}
    assert all(
        t.roles and {a.role for a in t.roles} == {Role.THERAPIST, Role.PATIENT} for t in transcripts
    )
