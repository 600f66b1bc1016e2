"""What a converted session looks like on disk: JSON, one CSV row per turn, an annotation skeleton."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from raccord import io
from raccord.errors import RaccordError
from raccord.io import writers

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def test_csv_has_the_agreed_columns_and_annotation_labels(tmp_path: Path) -> None:
    transcript = io.load(FIXTURES / "seance_tp_fr.txt")[0]
    out = tmp_path / "seance.csv"
    writers.write_csv(transcript, out)
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert header == ["turn", "speaker", "role", "start", "end", "text", "annotations", "id"]
    assert len(rows) == len(transcript.turns)
    oui = rows[3]
    assert oui[:3] == ["3", "P", "patient"]
    assert oui[3] == "23" and oui[4] == ""
    assert oui[6] == "silence:8"
    assert rows[5][6] == "sigh;gaze"


def test_json_keeps_roles_with_their_basis_and_the_annotations(tmp_path: Path) -> None:
    transcript = io.load(FIXTURES / "zoom_fr.vtt")[0]
    out = tmp_path / "zoom.json"
    writers.write_json(transcript, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["language"] == "fr"
    assert data["roles"][0]["method"] == "heuristic" and "questions" in data["roles"][0]["basis"]
    assert data["turns"][2]["start"] == 7.9 and data["turns"][2]["end"] == 16.48
    silence = data["turns"][7]["annotations"][0]
    assert silence == {"kind": "silence", "raw": "silence 3s", "seconds": 3, "at": 1}


def test_annotation_skeleton_uses_the_transcript_id() -> None:
    text = "transcript_id,utterance_id,interlocutor,utterance_text\n15,0,therapist,Hello?\n15,1,client,Hi.\n"
    transcript = io.parse(text, fmt="csv", language="en")[0]
    assert writers.annotation_dict(transcript) == {
        "transcript_id": 15,
        "utterances": [],
        "episodes": [],
    }


def test_writes_are_whole_or_nothing(tmp_path: Path) -> None:
    transcript = io.load(FIXTURES / "seance_fr.srt")[0]
    with pytest.raises(RaccordError, match="cannot write"):
        writers.write_json(transcript, tmp_path / "no-such-folder" / "out.json")
    writers.write_annotation(transcript, tmp_path / "out.annotation.json")
    assert [p.name for p in tmp_path.iterdir()] == ["out.annotation.json"]


@pytest.mark.parametrize(
    "name", ["zoom_fr.vtt", "seance_tp_fr.txt", "seance_fr.eaf", "whisperx_fr.json"]
)
def test_converted_json_reads_back_as_the_same_transcript(tmp_path: Path, name: str) -> None:
    original = io.load(FIXTURES / name)[0]
    out = tmp_path / "converted.json"
    writers.write_json(original, out)
    assert io.load(out) == [original]


def test_converted_jsonl_corpus_reads_back(tmp_path: Path) -> None:
    text = (
        "transcript_id,utterance_id,interlocutor,timestamp,utterance_text\n"
        "7,0,therapist,00:00:01,How are things at home?\n7,1,client,00:00:04,Fine. [sighs]\n"
        "8,0,therapist,00:00:02,What brings you here today?\n8,1,client,00:00:05,My doctor sent me.\n"
    )
    corpus = io.parse(text, fmt="csv", source="corpus.csv", language="en")
    out = tmp_path / "corpus.jsonl"
    writers.write_text(
        out, "".join(json.dumps(writers.transcript_to_dict(t)) + "\n" for t in corpus)
    )
    assert io.load(out) == corpus
    assert io.load(out, therapist="client")[0].role_of("client").value == "therapist"


def test_annotation_skeleton_of_a_single_file_is_named_after_it() -> None:
    transcript = io.load(FIXTURES / "zoom_fr.vtt")[0]
    assert writers.annotation_dict(transcript)["transcript_id"] == "zoom_fr"
