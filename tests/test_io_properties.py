"""Whatever a user drops in, a reader answers with transcripts or a RaccordError, nothing else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raccord import io
from raccord.errors import RaccordError
from raccord.io import writers
from raccord.io.sniff import FORMATS

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Text built from the pieces transcripts are made of, so examples reach deep into the readers.
PIECES = st.sampled_from(
    [
        "T: ",
        "P : ",
        "Thérapeute : ",
        "Client:",
        "SPEAKER_00",
        "Marie:",
        "<v Paul>",
        "</v>",
        "[silence 8s]",
        "(soupir)",
        "[",
        "]",
        "(",
        ")",
        "00:00:01.000 --> 00:00:02.000",
        "00:00:05,000 --> 00:00:01,000",
        "[00:12:31]",
        "(12:31)",
        "WEBVTT",
        "NOTE séance 3",
        "1",
        "\n",
        "\n\n",
        ":",
        ";",
        ",",
        "\t",
        '"',
        "{",
        "}",
        '"segments"',
        '"speaker"',
        '"text"',
        '"start"',
        "-1",
        "1e400",
        "NaN",
        "<ANNOTATION_DOCUMENT>",
        "<TIER TIER_ID='T'>",
        "speaker,text,start",
        "transcript_id,utterance_id,interlocutor,timestamp,utterance_text",
        "# séance 2 — 2026-13-45",
        "Je ne sais pas.",
        "What do you mean?",
        "&amp;",
        "<i>",
        "\ufeff",
        "\r",
        "\x00",
        "é",
        "🙂",
    ]
)
STRUCTURED = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=400), STRUCTURED)


def check(call: object) -> None:
    try:
        result = call()  # type: ignore[operator]
    except RaccordError:
        return
    assert isinstance(result, list) and result
    for transcript in result:
        assert transcript.roles and transcript.language
        # whatever was read can be written back
        json.dumps(writers.transcript_to_dict(transcript), allow_nan=False)
        assert writers.turns_csv(transcript).count("\n") >= len(transcript.turns) + 1


@pytest.mark.parametrize("fmt", FORMATS)
@SETTINGS
@given(text=ANY_TEXT)
def test_parse_any_text_with_each_format(fmt: str, text: str) -> None:
    check(lambda: io.parse(text, fmt=fmt, source="fuzz"))


@SETTINGS
@given(text=ANY_TEXT)
def test_parse_any_text_with_sniffing(text: str) -> None:
    check(lambda: io.parse(text, fmt=None, source="fuzz"))


@pytest.mark.parametrize("suffix", [".txt", ".vtt", ".srt", ".json", ".csv", ".tsv", ".eaf", ""])
@SETTINGS
@given(data=st.one_of(st.binary(max_size=600), STRUCTURED.map(lambda s: s.encode("utf-8"))))
def test_load_any_bytes_from_a_file(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"session{suffix}"
        path.write_bytes(data)
        check(lambda: io.load(path))


@SETTINGS
@given(text=STRUCTURED, encoding=st.sampled_from(["utf-16", "utf-8-sig", "cp1252", "latin-1"]))
def test_load_any_text_in_any_encoding(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "session.txt"
        path.write_bytes(text.encode(encoding, errors="replace"))
        check(lambda: io.load(path))


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
)
SEGMENTS = st.lists(
    st.dictionaries(st.sampled_from(["start", "end", "text", "speaker", "words"]), JSON_VALUES),
    max_size=12,
)


@SETTINGS
@given(segments=SEGMENTS, wrap=st.booleans())
def test_whisper_json_with_odd_values(segments: list[dict[str, object]], wrap: bool) -> None:
    text = json.dumps({"segments": segments} if wrap else segments)
    check(lambda: io.parse(text, fmt="whisper", source="fuzz.json"))


CLOCKS = st.one_of(
    st.from_regex(r"\A\d{1,2}:\d{2}:\d{2}[.,]\d{3}\Z"),
    st.sampled_from(["00:00:01.000", "99:99:99.999", "1:2", "-00:00:01.000", ""]),
)


@SETTINGS
@given(
    cues=st.lists(
        st.tuples(CLOCKS, CLOCKS, st.one_of(PIECES, st.text(max_size=40))), min_size=1, max_size=10
    ),
    srt_style=st.booleans(),
)
def test_subtitles_with_odd_cues(cues: list[tuple[str, str, str]], srt_style: bool) -> None:
    blocks = [f"{i}\n{a} --> {b}\n{body}" for i, (a, b, body) in enumerate(cues, start=1)]
    if srt_style:
        check(lambda: io.parse("\n\n".join(blocks), fmt="srt", source="fuzz.srt"))
    else:
        check(lambda: io.parse("WEBVTT\n\n" + "\n\n".join(blocks), fmt="vtt", source="fuzz.vtt"))


@SETTINGS
@given(
    rows=st.lists(
        st.lists(st.one_of(st.text(max_size=15), CLOCKS, PIECES), min_size=0, max_size=6),
        max_size=10,
    )
)
def test_annomi_like_csv_with_odd_rows(rows: list[list[str]]) -> None:
    import csv
    import io as stdio

    buffer = stdio.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["transcript_id", "utterance_id", "interlocutor", "timestamp", "utterance_text"]
    )
    writer.writerows(rows)
    check(lambda: io.parse(buffer.getvalue(), fmt="csv", source="fuzz.csv"))


@SETTINGS
@given(
    key=st.sampled_from(["turns", "roles", "metadata", "language", "warnings", "format"]),
    turn_key=st.sampled_from(["speaker", "text", "start", "end", "annotations", "id", "role"]),
    value=JSON_VALUES,
)
def test_raccord_json_with_one_field_spoiled(key: str, turn_key: str, value: object) -> None:
    good = writers.transcript_to_dict(
        io.parse("T: Bonjour, comment allez-vous ?\nP: Mal. [soupir]", fmt="text", language="fr")[0]
    )
    spoiled = json.loads(json.dumps(good))
    spoiled[key] = value
    check(lambda: io.parse(json.dumps(spoiled), fmt="raccord"))
    spoiled = json.loads(json.dumps(good))
    spoiled["turns"][1][turn_key] = value
    check(lambda: io.parse(json.dumps(spoiled), fmt="raccord"))
