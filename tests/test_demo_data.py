"""The demo sessions and seed vignettes are themselves data: check they say what their labels say.

These checks read the files with small local parsers (a line regex for the plain-text session, a
cue counter for WebVTT) so that they hold even before the readers in ``raccord.io`` exist; once
``raccord.io.load`` is importable, one more test checks that the real reader sees the same turns.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from raccord.taxonomy import (
    AttachmentStyle,
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "raccord" / "demo"
VIGNETTES = ROOT / "tests" / "fixtures" / "vignettes"

#: Who the therapist is in each demo file (the speaker label as written).
THERAPIST = {
    "seance-fr-lea.txt": "Thérapeute",
    "session-en-sam.vtt": "Dr. Patel",
    "seance-fr-marc.vtt": "Thérapeute",
}
LANGUAGE = {"seance-fr-lea.txt": "fr", "session-en-sam.vtt": "en", "seance-fr-marc.vtt": "fr"}


@dataclass(frozen=True)
class LocalTurn:
    speaker: str
    text: str


# --------------------------------------------------------------------------- local parsers

_TXT_TURN = re.compile(r"^\[(\d{2}):(\d{2}):(\d{2})\]\s+([^:\[\]]+?)\s+:\s+(.*)$")
_VTT_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")
_VOICE = re.compile(r"^<v ([^>]+)>(.*)</v>$")
_ZOOM = re.compile(r"^([A-Z][\w. ]{0,30}?): (.*)$")


def _merge(pieces: list[LocalTurn]) -> list[LocalTurn]:
    merged: list[LocalTurn] = []
    for piece in pieces:
        if merged and merged[-1].speaker == piece.speaker:
            merged[-1] = LocalTurn(piece.speaker, merged[-1].text + " " + piece.text)
        else:
            merged.append(piece)
    return merged


def read_txt(path: Path) -> list[LocalTurn]:
    """`[hh:mm:ss] Speaker : words` opens a turn; unprefixed lines continue it; `#` is a header."""
    pieces: list[LocalTurn] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _TXT_TURN.match(line)
        if match:
            pieces.append(LocalTurn(match.group(4), match.group(5)))
        else:
            assert pieces, f"{path.name}: text before the first turn: {line[:40]!r}"
            pieces[-1] = LocalTurn(pieces[-1].speaker, pieces[-1].text + " " + line.strip())
    return _merge(pieces)


def read_vtt(path: Path) -> tuple[list[LocalTurn], int]:
    """Cues of `Name: words` (Zoom) or `<v Name>words</v>` (Teams), merged by speaker."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "WEBVTT", f"{path.name}: missing WEBVTT signature"
    pieces: list[LocalTurn] = []
    cues = 0
    previous_end = 0.0
    for i, line in enumerate(lines):
        timing = _VTT_TIME.match(line)
        if not timing:
            continue
        cues += 1
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in timing.groups())
        start = h1 * 3600 + m1 * 60 + s1 + ms1 / 1000
        end = h2 * 3600 + m2 * 60 + s2 + ms2 / 1000
        assert previous_end <= start < end, f"{path.name}:{i + 1}: cue times out of order"
        previous_end = end
        text = lines[i + 1]
        match = _VOICE.match(text) or _ZOOM.match(text)
        assert match, f"{path.name}:{i + 2}: cue without a speaker: {text[:40]!r}"
        pieces.append(LocalTurn(match.group(1), match.group(2)))
    return _merge(pieces), cues


def local_turns(path: Path) -> list[LocalTurn]:
    return read_txt(path) if path.suffix == ".txt" else read_vtt(path)[0]


def local_role(path: Path, turn: LocalTurn) -> Role:
    return Role.THERAPIST if turn.speaker == THERAPIST[path.name] else Role.PATIENT


def demo_files() -> list[Path]:
    return sorted(p for p in DEMO.iterdir() if p.suffix in {".txt", ".vtt"})


def labels_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (path.with_name(path.stem + ".labels.json")).read_text(encoding="utf-8")
    )
    return data


# --------------------------------------------------------------------------- demo sessions


def test_the_demo_covers_both_languages_and_two_formats() -> None:
    files = demo_files()
    assert {p.name for p in files} == set(THERAPIST)
    assert {LANGUAGE[p.name] for p in files} == {"fr", "en"}
    assert {p.suffix for p in files} == {".txt", ".vtt"}
    for path in files:
        assert path.with_name(path.stem + ".labels.json").is_file(), path.name


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_each_session_is_a_real_dialogue_of_forty_turns_or_more(path: Path) -> None:
    turns = local_turns(path)
    assert len(turns) >= 40
    speakers = {t.speaker for t in turns}
    assert len(speakers) == 2 and THERAPIST[path.name] in speakers
    # after merging split cues, speakers alternate: each turn is one person's whole reply
    assert all(a.speaker != b.speaker for a, b in itertools.pairwise(turns))
    assert local_role(path, turns[0]) is Role.THERAPIST


def test_zoom_and_teams_exports_split_long_replies_across_cues() -> None:
    for name in ("session-en-sam.vtt", "seance-fr-marc.vtt"):
        turns, cues = read_vtt(DEMO / name)
        assert cues > len(turns), f"{name}: no split cue to merge"


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_labels_point_at_the_right_speaker_and_use_the_shared_vocabulary(path: Path) -> None:
    turns = local_turns(path)
    labels = labels_for(path)
    assert labels["transcript_id"] == path.stem
    ids = [row["utterance_id"] for row in labels["utterances"]]
    assert len(ids) == len(set(ids)), "one row per utterance"
    for row in labels["utterances"]:
        uid = row["utterance_id"]
        assert 1 <= uid <= len(turns), f"utterance {uid} out of range"
        role = local_role(path, turns[uid - 1])  # ids are turn numbers from 1
        if "marker" in row:
            assert role is Role.PATIENT, f"marker on therapist turn {uid}"
            assert set(row) == {"utterance_id", "marker", "subtype", "salience"}
            kind, subtype = MarkerKind(row["marker"]), MarkerSubtype(row["subtype"])
            assert kind is not MarkerKind.NONE and subtype.kind is kind, f"turn {uid}"
            assert 2 <= row["salience"] <= 5
        else:
            assert role is Role.THERAPIST, f"contribution/repair on patient turn {uid}"
            assert set(row) == {"utterance_id", "contribution", "repair"}
            contribution, repair = Contribution(row["contribution"]), RepairStrategy(row["repair"])
            # one label per therapist row: the dominant function of the turn
            assert (contribution is Contribution.NONE) != (repair is RepairStrategy.NONE), uid


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_each_episode_runs_from_a_marker_to_a_re_engaged_turn(path: Path) -> None:
    turns = local_turns(path)
    labels = labels_for(path)
    markers = {r["utterance_id"]: r for r in labels["utterances"] if "marker" in r}
    repairs = {r["utterance_id"] for r in labels["utterances"] if r.get("repair", "none") != "none"}
    assert labels["episodes"], "each demo session shows at least one rupture"
    previous_end = 0
    for episode in labels["episodes"]:
        start, end = episode["start"], episode["end"]
        assert previous_end < start <= end <= len(turns)
        previous_end = end
        kind = EpisodeKind(episode["kind"])
        Severity(episode["severity"])
        Resolution(episode["resolved"])
        assert start in markers, f"episode starts at {start} without a marker"
        kinds = {markers[i]["marker"] for i in markers if start <= i <= end}
        expected = kinds.pop() if len(kinds) == 1 else EpisodeKind.MIXED.value
        assert kind.value == expected
        if episode["resolved"] == "yes":
            assert end not in markers, "a resolved episode ends on a re-engaged turn"
            assert any(start < i <= end + 1 for i in repairs), "resolved without a repair move"
    assert all(any(e["start"] <= i <= e["end"] for e in labels["episodes"]) for i in markers)


def test_every_session_shows_a_withdrawal_a_confrontation_and_a_direct_repair() -> None:
    for path in demo_files():
        rows = labels_for(path)["utterances"]
        families = {r["marker"] for r in rows if "marker" in r}
        assert families == {"withdrawal", "confrontation"}, path.name
        subtypes = {r["subtype"] for r in rows if "marker" in r}
        assert "deferential_appeasing" in subtypes, f"{path.name}: no mechanical compliance"
        assert any(r.get("repair") == "invite_discussion" for r in rows), path.name
        assert any(r.get("contribution", "none") != "none" for r in rows), path.name


def test_hard_negatives_in_the_demo_stay_unlabelled() -> None:
    """Grief about a friend, curt factual answers and sincere agreement are not markers."""
    cases = {
        "seance-fr-lea.txt": {6: "pleuré", 12: "Mi-janvier", 42: "ça me parle"},
        "session-en-sam.vtt": {4: "lymphoma", 10: "Next Monday", 42: "I'd like that"},
        "seance-fr-marc.vtt": {2: "insupportable", 8: "sixième", 26: "Ça me va"},
    }
    for name, expected in cases.items():
        path = DEMO / name
        turns = local_turns(path)
        labelled = {r["utterance_id"] for r in labels_for(path)["utterances"]}
        for uid, words in expected.items():
            assert words in turns[uid - 1].text, f"{name}: turn {uid} moved"
            assert uid not in labelled


# --------------------------------------------------------------------------- vignettes


def vignette_files() -> list[Path]:
    return sorted(VIGNETTES.glob("*.txt"))


def read_vignette(path: Path) -> list[tuple[str, str]]:
    turns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([TP]): (\S.*)$", line)
        assert match, f"{path.name}: not a T:/P: line: {line[:40]!r}"
        turns.append((match.group(1), match.group(2)))
    return turns


def test_vignettes_cover_the_article_in_both_languages() -> None:
    stems = {p.stem for p in vignette_files()}
    french = {s for s in stems if not s.endswith("_en")}
    english = {s.removesuffix("_en") for s in stems if s.endswith("_en")}
    assert len(french) >= 12 and english <= french and len(english) >= 8
    expected = [
        json.loads(p.read_text(encoding="utf-8")) for p in VIGNETTES.glob("*.expected.json")
    ]
    found = {s for e in expected for m in e["markers"] for s in m["subtypes"]}
    for subtype in (
        "minimal_response",
        "topic_shift",
        "complaint_therapist",
        "giving_up",
        "deferential_appeasing",
        "complaint_parameters",
        "complaint_progress",
        "content_affect_split",
        "controls_pressures",
        "rejects_intervention",
    ):
        assert subtype in found, subtype
    assert any(not e["markers"] for e in expected), "no hard-negative vignette"


@pytest.mark.parametrize("path", vignette_files(), ids=lambda p: p.stem)
def test_vignette_expectations_match_their_text(path: Path) -> None:
    turns = read_vignette(path)
    assert 4 <= len(turns) <= 12
    assert all(a[0] != b[0] for a, b in itertools.pairwise(turns))
    spec = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    assert spec["language"] == ("en" if path.stem.endswith("_en") else "fr")
    assert spec["notes"]

    def speaker(i: int) -> str:
        assert 0 <= i < len(turns), f"turn {i} out of range"
        return turns[i][0]

    marker_turns = [m["turn"] for m in spec["markers"]]
    for marker in spec["markers"]:
        assert speaker(marker["turn"]) == "P"
        kind = MarkerKind(marker["kind"])
        assert marker["subtypes"] and all(MarkerSubtype(s).kind is kind for s in marker["subtypes"])
    for i in spec["no_marker_turns"]:
        assert speaker(i) == "P" and i not in marker_turns
    for row in spec["contributions"]:
        assert speaker(row["turn"]) == "T"
        assert all(Contribution(c) is not Contribution.NONE for c in row["labels"])
    for row in spec["repairs"]:
        assert speaker(row["turn"]) == "T"
        assert all(RepairStrategy(s) is not RepairStrategy.NONE for s in row["strategies"])
    if spec["episode_kind"] is None:
        assert not spec["markers"]
    else:
        kinds = {m["kind"] for m in spec["markers"]}
        episode = EpisodeKind(spec["episode_kind"])
        assert episode.value == (kinds.pop() if len(kinds) == 1 else "mixed")
    if "episode_resolved" in spec:
        Resolution(spec["episode_resolved"])
    if "attachment" in spec:
        AttachmentStyle(spec["attachment"])
    for i in spec.get("implicit_prohibition", {}).get("trigger_turns", []):
        assert speaker(i) == "T"


@pytest.mark.parametrize(
    "path", [p for p in vignette_files() if p.stem.endswith("_en")], ids=lambda p: p.stem
)
def test_english_vignettes_keep_the_french_turns_and_labels(path: Path) -> None:
    french = path.with_name(path.stem.removesuffix("_en") + ".txt")
    assert [s for s, _ in read_vignette(path)] == [s for s, _ in read_vignette(french)]
    en = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    fr = json.loads(french.with_name(french.stem + ".expected.json").read_text(encoding="utf-8"))
    for key in ("markers", "no_marker_turns", "episode_kind", "contributions", "repairs"):
        assert en[key] == fr[key], key


# --------------------------------------------------------------------------- with the real reader


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_the_reader_sees_the_turns_the_labels_assume(path: Path) -> None:
    io = pytest.importorskip("raccord.io")
    if not hasattr(io, "load"):
        pytest.skip("raccord.io.load is not written yet")
    (transcript,) = io.load(path, therapist=THERAPIST[path.name])
    turns = local_turns(path)
    assert len(transcript.turns) == len(turns)
    assert transcript.language == LANGUAGE[path.name]
    by_number = {t.uid: t for t in transcript.turns}
    assert list(by_number) == list(range(1, len(turns) + 1)), "turns are numbered from 1"
    for row in labels_for(path)["utterances"]:
        turn = by_number[row["utterance_id"]]
        expected = Role.PATIENT if "marker" in row else Role.THERAPIST
        assert turn.role is expected, f"turn {row['utterance_id']}"
    for ours, theirs in zip(turns, transcript.turns, strict=True):
        # the reader lifts [silence], (soupir)… out of the words; the first word left must match
        words = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", ours.text).split()
        assert words and words[0] in theirs.text


@pytest.mark.parametrize("path", vignette_files(), ids=lambda p: p.stem)
def test_the_reader_sees_each_vignette_line_as_one_turn(path: Path) -> None:
    io = pytest.importorskip("raccord.io")
    if not hasattr(io, "load"):
        pytest.skip("raccord.io.load is not written yet")
    (transcript,) = io.load(path)
    lines = read_vignette(path)
    assert len(transcript.turns) == len(lines)
    roles = {"T": Role.THERAPIST, "P": Role.PATIENT}
    assert [t.role for t in transcript.turns] == [roles[s] for s, _ in lines]
    assert transcript.language == ("en" if path.stem.endswith("_en") else "fr")


@pytest.mark.parametrize("path", demo_files(), ids=lambda p: p.name)
def test_the_project_label_reader_accepts_the_demo_labels(path: Path) -> None:
    labels = pytest.importorskip("raccord.eval.labels")
    read = labels.read_labels(path.with_name(path.stem + ".labels.json"))
    (annotation,) = read.values()
    assert list(read) == [path.stem]
    assert len(annotation.episodes) == len(labels_for(path)["episodes"])


def test_the_demo_readme_gives_the_true_turn_and_cue_counts() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    for path in demo_files():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{path.name}`"))
        counts = [int(n) for n in re.findall(r"\| (\d+)(?: \((\d+) cues\))? \|", row)[0] if n]
        if path.suffix == ".vtt":
            turns, cues = read_vtt(path)
            assert counts == [len(turns), cues], path.name
        else:
            assert counts == [len(read_txt(path))], path.name
