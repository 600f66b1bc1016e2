"""The yardstick itself: label files, agreement statistics, and the dev split.

Figures here are worked out by hand in the comments, so a change in a formula shows up as a
failing vignette rather than as a quietly different benchmark table.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from raccord.errors import RaccordError
from raccord.eval import compare, compare_many, disagreements, parse_annotation, read_labels
from raccord.eval.compare import roles_of
from raccord.eval.corpus import DevSet, load_dev, session_quality, shared_data_dir
from raccord.eval.harness import (
    evaluate_dev,
    feature_aucs,
    gold_predictor,
    quality_auc,
    sustain_agreement,
)
from raccord.eval.labels import NO_MARKER
from raccord.eval.metrics import (
    PRF,
    cohen_kappa,
    match_spans,
    prf,
    prf_ci,
    roc_auc,
    roc_auc_ci,
    spearman,
    weighted_kappa,
)
from raccord.eval.splits import CHECK, SPLITS, TUNE, derive_split, split_of
from raccord.model import Detection, Metadata, SessionScores, Transcript, Turn
from raccord.taxonomy import MarkerKind, MarkerSubtype, Role

DATA = shared_data_dir()
needs_data = pytest.mark.skipif(DATA is None, reason="shared data (../shared/data) not present")


# --------------------------------------------------------------------------- a small session

LINES = [
    ("therapist", "So what brings you in today?"),
    ("client", "My doctor sent me, about the drinking."),
    ("therapist", "You really need to cut down, it is damaging your liver."),
    ("client", "No, that's not it at all. I drink like everybody else."),
    ("therapist", "Everybody else is not sitting in my office."),
    ("client", "You don't get what I'm saying."),
    ("therapist", "You're right, I jumped ahead of you. Tell me how you see it."),
    ("client", "I guess it's the weekends, mostly."),
    ("therapist", "What happens at the weekends?"),
    ("client", "Mm."),
]


def session() -> Transcript:
    turns = tuple(
        Turn(
            index=i,
            speaker=who,
            role=Role.THERAPIST if who == "therapist" else Role.PATIENT,
            text=text,
            id=i,
        )
        for i, (who, text) in enumerate(LINES)
    )
    return Transcript(turns=turns, language="en")


GOLD: dict[str, Any] = {
    "transcript_id": 7,
    "utterances": [
        {"utterance_id": 2, "contribution": "confront_argue", "repair": "none"},
        {
            "utterance_id": 3,
            "marker": "confrontation",
            "subtype": "rejects_intervention",
            "salience": 3,
        },
        {
            "utterance_id": 5,
            "marker": "confrontation",
            "subtype": "complaint_therapist",
            "salience": 3,
        },
        {"utterance_id": 6, "contribution": "none", "repair": "acknowledge_contribution"},
        {"utterance_id": 9, "marker": "withdrawal", "subtype": "minimal_response", "salience": 2},
    ],
    "episodes": [
        {"start": 3, "end": 6, "kind": "confrontation", "severity": "micro", "resolved": "yes"},
        {"start": 9, "end": 9, "kind": "withdrawal", "severity": "micro", "resolved": "no"},
    ],
}

# A detector that finds the first reproach, reads the second as withdrawal, flags the hesitant
# "I guess" and misses the closing "Mm."; sees the lecture, adds advice, misses the repair.
PRED: dict[str, Any] = {
    "transcript_id": 7,
    "utterances": [
        {"utterance_id": 2, "contribution": "confront_argue", "repair": "none"},
        {
            "utterance_id": 3,
            "marker": "confrontation",
            "subtype": "rejects_intervention",
            "salience": 3,
        },
        {"utterance_id": 4, "contribution": "advice_unsolicited", "repair": "none"},
        {"utterance_id": 5, "marker": "withdrawal", "subtype": "denial", "salience": 2},
        {"utterance_id": 7, "marker": "withdrawal", "subtype": "minimal_response", "salience": 2},
    ],
    "episodes": [
        {"start": 3, "end": 7, "kind": "confrontation", "severity": "micro", "resolved": "partly"},
    ],
}


# --------------------------------------------------------------------------- labels


def test_a_coders_line_is_read_into_typed_labels() -> None:
    annotation = parse_annotation(GOLD)
    assert annotation.transcript_id == 7
    assert annotation.client[3].subtype is MarkerSubtype.REJECTS_INTERVENTION
    assert annotation.client_label(1) is NO_MARKER  # unlisted client turn: none by the guide
    assert annotation.therapist_label(6).repair.value == "acknowledge_contribution"
    assert [(e.start, e.end) for e in annotation.episodes] == [(3, 6), (9, 9)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            {"utterance_id": 3, "marker": "withdrawl", "subtype": "denial", "salience": 2},
            "invalid marker 'withdrawl'",
        ),
        (
            {"utterance_id": 3, "marker": "confrontation", "subtype": "denial", "salience": 3},
            "is not a confrontation subtype",
        ),
        (
            {"utterance_id": 3, "marker": "withdrawal", "subtype": "denial", "salience": 1},
            "marker 'none' exactly when salience is 1",
        ),
        (
            {"utterance_id": 3, "marker": "withdrawal", "subtype": "denial", "salience": 6},
            "out of range",
        ),
        (
            {"utterance_id": 4, "contribution": "lecturing", "repair": "none"},
            "invalid contribution 'lecturing'",
        ),
        ({"utterance_id": 4, "marker": "none", "repair": "validate"}, "mixes client and therapist"),
        (
            {"utterance_id": 3, "marker": "withdrawal", "salience": 2},
            "withdrawal marker without a subtype",
        ),
    ],
)
def test_a_typo_in_a_label_file_names_file_and_line(
    tmp_path: Path, row: dict[str, Any], message: str
) -> None:
    path = tmp_path / "labels.jsonl"
    good = json.dumps(GOLD)
    bad = json.dumps({"transcript_id": 8, "utterances": [row], "episodes": []})
    path.write_text(good + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(RaccordError) as caught:
        read_labels(path)
    assert caught.value.path == str(path)
    assert caught.value.line == 3
    assert message in str(caught.value)


def test_broken_json_and_duplicates_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(GOLD) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(RaccordError, match="line 2: invalid JSON"):
        read_labels(path)
    path.write_text(json.dumps(GOLD) + "\n" + json.dumps(GOLD) + "\n", encoding="utf-8")
    with pytest.raises(RaccordError, match="line 2: transcript 7 appears twice"):
        read_labels(path)
    twice = {**GOLD, "utterances": [GOLD["utterances"][1], GOLD["utterances"][1]]}
    with pytest.raises(RaccordError, match="labelled twice"):
        parse_annotation(twice)
    backwards = {**GOLD, "episodes": [{**GOLD["episodes"][0], "start": 6, "end": 3}]}
    with pytest.raises(RaccordError, match="before it starts"):
        parse_annotation(backwards)


# --------------------------------------------------------------------------- statistics


def test_precision_recall_f1_by_hand() -> None:
    counts = prf([True, True, False, False, True], [True, False, True, False, True])
    assert counts == PRF(tp=2, fp=1, fn=1)
    assert counts.precision == counts.recall == counts.f1 == pytest.approx(2 / 3)
    nothing_found = PRF(0, 0, 3)
    assert math.isnan(nothing_found.precision) and nothing_found.f1 == 0.0
    assert math.isnan(PRF(0, 0, 0).f1)


def test_cohen_kappa_by_hand() -> None:
    # po = 3/4; marginals 1/2 and 1/4 -> pe = 1/2 * 1/4 + 1/2 * 3/4 = 1/2; kappa = 0.25 / 0.5
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    assert cohen_kappa(["w", "c", "c"], ["w", "c", "c"]) == 1.0
    assert math.isnan(cohen_kappa(["c", "c"], ["c", "c"]))  # one class: agreement says nothing


def test_weighted_kappa_forgives_near_misses_more_than_far_ones() -> None:
    gold = [1, 2, 3, 4, 5, 1, 1]
    assert weighted_kappa(gold, gold, [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    near = weighted_kappa(gold, [1, 3, 3, 4, 4, 1, 1], [1, 2, 3, 4, 5])
    far = weighted_kappa(gold, [5, 2, 3, 4, 1, 1, 1], [1, 2, 3, 4, 5])
    assert near > far


def test_roc_auc_is_the_mann_whitney_probability() -> None:
    # pairs (pos, neg): (0.35,0.1)+ (0.35,0.4)- (0.8,0.1)+ (0.8,0.4)+ -> 3/4
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert roc_auc([0.5, 0.5], [True, False]) == pytest.approx(0.5)
    assert math.isnan(roc_auc([0.1, 0.2], [True, True]))


def test_spearman_by_hand_with_ties_and_a_constant_side() -> None:
    # ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): r = 0.9486…
    assert spearman([0.1, 0.5, 0.5, 0.9], [1, 2, 3, 4]) == pytest.approx(0.9487, abs=1e-4)
    assert spearman([3, 2, 1], [1, 2, 3]) == pytest.approx(-1.0)
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_bootstrap_intervals_are_seeded_and_surround_the_estimate() -> None:
    scores = [0.1, 0.4, 0.35, 0.8, 0.7, 0.2, 0.9, 0.3]
    labels = [False, False, True, True, True, False, True, False]
    first = roc_auc_ci(scores, labels, n_boot=300, seed=5)
    again = roc_auc_ci(scores, labels, n_boot=300, seed=5)
    assert first == again
    assert first.low <= first.value <= first.high
    sessions = [PRF(3, 1, 0), PRF(0, 2, 1), PRF(4, 0, 2), PRF(1, 1, 1)]
    f1 = prf_ci(sessions, n_boot=300, seed=5)
    assert f1.value == pytest.approx(sum(sessions, PRF(0, 0, 0)).f1)
    assert f1.low <= f1.value <= f1.high


def test_episode_overlap_matching_by_hand() -> None:
    match = match_spans(pred=[(1, 3), (10, 12)], gold=[(2, 5), (6, 8), (20, 21)])
    assert (match.matched_pred, match.n_pred, match.matched_gold, match.n_gold) == (1, 2, 1, 3)
    assert match.precision == 0.5 and match.recall == pytest.approx(1 / 3)
    assert match.f1 == pytest.approx(0.4)


def test_one_long_episode_over_two_ruptures_counts_once_when_matching_one_to_one() -> None:
    merged = match_spans(pred=[(5, 20)], gold=[(5, 11), (17, 20)])
    assert (merged.precision, merged.recall, merged.f1) == (1.0, 1.0, 1.0)
    # one-to-one: 1 pair out of 1 predicted and 2 gold -> 2 * 1 / 3
    assert merged.one_to_one == 1 and merged.one_to_one_f1 == pytest.approx(2 / 3)


# --------------------------------------------------------------------------- compare


def test_gold_against_itself_agrees_perfectly() -> None:
    figures = compare(GOLD, GOLD, roles=roles_of(session()))
    assert figures["client_marker"]["f1"] == 1.0
    assert figures["client_marker"]["kappa"] == 1.0
    assert figures["kind_kappa"]["value"] == 1.0
    assert figures["kind_kappa_3class"]["value"] == 1.0
    assert figures["subtype_accuracy"]["value"] == 1.0
    assert figures["contribution"]["f1"] == 1.0
    assert figures["repair"]["f1"] == 1.0
    assert figures["episodes"]["f1"] == 1.0


def test_a_partly_right_detector_gets_the_hand_computed_figures() -> None:
    f = compare(PRED, GOLD, roles=roles_of(session()))
    # client turns 1,3,5,7,9: gold marks 3,5,9; predicted 3,5,7 -> tp 2, fp 1, fn 1
    assert (f["client_marker"]["tp"], f["client_marker"]["fp"], f["client_marker"]["fn"]) == (
        2,
        1,
        1,
    )
    assert f["client_marker"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    # po = 3/5, both mark 3/5 -> pe = .36 + .16 = .52; kappa = .08 / .48
    assert f["client_marker"]["kappa"] == pytest.approx(1 / 6, abs=1e-4)
    # both mark 3 and 5: gold conf/conf, pred conf/withdrawal -> po .5 = pe .5 -> kappa 0
    assert f["kind_kappa"] == {**f["kind_kappa"], "value": 0.0, "agreement": 0.5, "n": 2}
    # none/w/c: po = 2/5; pe = .4*.4 + .4*.2 + .2*.4 = .32; kappa = .08 / .68
    assert f["kind_kappa_3class"]["value"] == pytest.approx(0.08 / 0.68, abs=1e-4)
    assert f["subtype_accuracy"]["value"] == 0.5
    assert f["contribution"]["precision"] == 0.5 and f["contribution"]["recall"] == 1.0
    assert f["contribution"]["per_label"]["advice_unsolicited"]["fp"] == 1
    assert f["repair"]["recall"] == 0.0 and f["repair"]["precision"] is None
    # one predicted episode overlaps the first gold one; the closing withdrawal is missed
    assert (f["episodes"]["precision"], f["episodes"]["recall"]) == (1.0, 0.5)
    assert f["episodes"]["kind_accuracy"] == 1.0
    assert f["stray_predicted_rows"] == 0


def test_without_roles_kappas_are_withheld_not_inflated() -> None:
    f = compare(PRED, GOLD)
    assert f["client_marker"]["kappa"] is None
    assert f["client_marker"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert "note" in f


def test_pooling_sessions_adds_their_counts() -> None:
    roles = roles_of(session())
    other = {**GOLD, "transcript_id": 8}
    pooled = compare_many([(PRED, GOLD, roles), (other, other, roles)], ci=True, seed=1)
    assert pooled["n_sessions"] == 2
    assert (pooled["client_marker"]["tp"], pooled["client_marker"]["fn"]) == (5, 1)
    for task in ("client_marker", "contribution", "repair", "episodes"):
        low, high = pooled[task]["f1_ci"]["ci95"]
        assert low <= pooled[task]["f1"] <= high


def test_disagreements_list_what_a_tuner_must_look_at() -> None:
    rows = disagreements(PRED, GOLD, session())
    issues = {(r["utterance_id"], r["issue"]) for r in rows}
    assert issues == {
        (4, "contribution FP"),
        (5, "kind"),
        (6, "repair FN"),
        (7, "marker FP"),
        (9, "marker FN"),
    }
    assert next(r for r in rows if r["utterance_id"] == 9)["text"] == "Mm."


# --------------------------------------------------------------------------- shared data


@needs_data
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dev_labels_survive_detection_and_export_unchanged(language: str) -> None:
    """Gold labels → Detection → to_annotation → compare with gold: every figure is 1."""
    assert DATA is not None
    dev = load_dev(DATA, language)
    assert len(dev.labels) == 25
    f = evaluate_dev(dev, gold_predictor(dev.labels), ci=False)["all"]
    assert f["client_marker"]["f1"] == f["client_marker"]["kappa"] == 1.0
    assert f["kind_kappa"]["value"] == f["kind_kappa_3class"]["value"] == 1.0
    assert f["contribution"]["f1"] == f["repair"]["f1"] == f["episodes"]["f1"] == 1.0
    assert f["stray_predicted_rows"] == 0  # every labelled id is a turn of the right speaker
    markers = [lab.marker for g in dev.labels.values() for lab in g.client.values()]
    assert MarkerKind.WITHDRAWAL in markers and MarkerKind.CONFRONTATION in markers


@needs_data
def test_the_split_is_the_documented_rule_applied_to_the_dev_labels() -> None:
    assert DATA is not None
    labels = read_labels(DATA / "annomi-rupture-dev.jsonl")
    tune, check = derive_split(labels, session_quality(DATA))
    assert (tune, check) == (TUNE, CHECK)
    for part in (TUNE, CHECK):
        kinds = {e.kind.value for tid in part for e in labels[tid].episodes}
        assert any(k in kinds for k in ("withdrawal", "mixed")) and "confrontation" in kinds


def test_tune_and_check_do_not_overlap() -> None:
    assert not set(TUNE) & set(CHECK)
    assert (len(TUNE), len(CHECK)) == (17, 8)
    assert split_of(TUNE[0]) == "tune" and split_of(CHECK[0]) == "check" and split_of(999) is None
    assert set(SPLITS) == {"tune", "check"}


# --------------------------------------------------------------------------- harness


def _detection(contribution_score: float) -> Detection:
    return Detection(
        markers=(), moves=(), episodes=(), scores=SessionScores(0.0, contribution_score)
    )


def test_dev_figures_are_given_per_split_and_gold_scores_one() -> None:
    first = session()
    second = Transcript(first.turns, "en", Metadata(transcript_id="8"))
    first = Transcript(first.turns, "en", Metadata(transcript_id="7"))
    labels = {7: parse_annotation(GOLD), 8: parse_annotation({**GOLD, "transcript_id": 8})}
    dev = DevSet("en", {7: first, 8: second}, labels)
    splits = {"tune": [7], "check": [8]}
    perfect = evaluate_dev(dev, gold_predictor(labels), splits=splits)
    assert {perfect[s]["client_marker"]["f1"] for s in ("all", "tune", "check")} == {1.0}
    partly = evaluate_dev(dev, lambda t: PRED if t is first else labels[8], splits=splits, ci=False)
    assert partly["tune"]["client_marker"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert partly["check"]["client_marker"]["f1"] == 1.0
    assert partly["all"]["client_marker"]["tp"] == 5 and partly["all"]["sessions"] == [7, 8]


def test_session_score_auc_for_low_quality_sessions() -> None:
    detections = {1: _detection(0.9), 2: _detection(0.4), 3: _detection(0.1), 4: _detection(0.5)}
    quality = {1: "low", 2: "low", 3: "high", 4: "high"}
    # low/high pairs: (.9,.1)+ (.9,.5)+ (.4,.1)+ (.4,.5)- -> 3/4
    fig = quality_auc(detections, quality, n_boot=200)
    assert fig["value"] == 0.75 and fig["n_low"] == 2 and fig["positive"] == "low"
    assert fig["distinct_scores"] == 4  # a constant score would show here, not hide as 0.5


def test_reference_features_are_oriented_towards_low_quality() -> None:
    features = {
        1: {"reflections": 0.1, "advice": 0.6},
        2: {"reflections": 0.2, "advice": 0.5},
        3: {"reflections": 0.5, "advice": 0.2},
        4: {"reflections": 0.4, "advice": 0.1},
    }
    quality = {1: "low", 2: "low", 3: "high", 4: "high"}
    figs = feature_aucs(features, quality, n_boot=200)
    assert figs["reflections"]["direction"] == "lower" and figs["reflections"]["value"] == 1.0
    assert figs["reflections"]["raw"] == 0.0
    assert figs["advice"]["direction"] == "higher" and figs["advice"]["value"] == 1.0


def test_markers_against_sustain_talk_by_hand() -> None:
    # sustain at client turns 3 and 9; the detector marks 3, 5 and 7 -> tp 1, fp 2, fn 1
    talk = {7: {1: "neutral", 3: "sustain", 5: "neutral", 7: "change", 9: "sustain"}}
    fig = sustain_agreement({7: PRED}, {7: session()}, talk, n_boot=200)
    assert (fig["tp"], fig["fp"], fig["fn"]) == (1, 2, 1)
    assert fig["f1"] == pytest.approx(0.4)
