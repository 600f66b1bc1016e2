"""A session analysis written out: as a coder's annotation, and as the full JSON record."""

from __future__ import annotations

import json

import pytest

from raccord import prose
from raccord.eval import compare, parse_annotation, roles_of
from raccord.export import to_annotation, to_json
from raccord.model import (
    Detection,
    Episode,
    Evidence,
    Marker,
    Metadata,
    SessionAnalysis,
    SessionScores,
    Suggestion,
    TherapistMove,
    Transcript,
    Turn,
)
from raccord.taxonomy import (
    AttachmentStyle,
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairApproach,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
    Timing,
)
from raccord.understand import formulate

# Utterance ids start at 40: the session is an excerpt, and export must use the source's ids.
LINES = [
    ("T", "Vous devriez vraiment arrêter de fumer, c'est votre santé qui est en jeu."),
    ("P", "Oui, bon, je sais. Tout le monde me le dit."),
    ("T", "Il faut fixer une date d'arrêt cette semaine."),
    ("P", "Ça ne sert à rien, j'ai déjà essayé dix fois."),
    ("T", "J'ai l'impression que je vous ai bousculé. Qu'en pensez-vous ?"),
    ("P", "Un peu, oui. En fait, c'est surtout le soir que c'est dur."),
]


def lea() -> SessionAnalysis:
    turns = tuple(
        Turn(
            index=i,
            speaker="Thérapeute" if who == "T" else "Léa",
            role=Role.THERAPIST if who == "T" else Role.PATIENT,
            text=text,
            id=40 + i,
        )
        for i, (who, text) in enumerate(LINES)
    )
    transcript = Transcript(
        turns=turns,
        language="fr",
        metadata=Metadata(source="/tmp/seances/lea-s3.txt", format="text", transcript_id="12"),
    )
    why = Evidence("cue", "refuse la proposition et dit que l'effort est vain", "Ça ne sert à rien")
    markers = (
        Marker(1, MarkerKind.CONFRONTATION, MarkerSubtype.DEFENDS_SELF, 2, 0.55),
        # two readings of the same turn: the stronger one is the row a coder would write
        Marker(3, MarkerKind.CONFRONTATION, MarkerSubtype.REJECTS_INTERVENTION, 3, 0.6, (why,)),
        Marker(3, MarkerKind.WITHDRAWAL, MarkerSubtype.GIVING_UP, 4, 0.7, (why,)),
    )
    moves = (
        TherapistMove(
            0,
            TherapistMoveType.ADVICE_WITHOUT_PERMISSION,
            contribution=Contribution.ADVICE_UNSOLICITED,
        ),
        TherapistMove(2, TherapistMoveType.CONFRONTING, contribution=Contribution.CONFRONT_ARGUE),
        TherapistMove(
            4, TherapistMoveType.META_COMMUNICATION, repair=RepairStrategy.INVITE_DISCUSSION
        ),
    )
    episode = Episode(
        1,
        5,
        EpisodeKind.MIXED,
        Severity.MICRO,
        Resolution.YES,
        markers=(1, 3),
        trigger=0,
        repairs=(4,),
    )
    detection = Detection(
        markers=markers,
        moves=moves,
        episodes=(episode,),
        scores=SessionScores(0.42, 0.67, engagement=(1.0, 0.6, 0.6, 0.3, 0.3, 0.8)),
    )
    suggestions = (
        Suggestion(
            RepairApproach.DIRECT,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
            "Je me rends compte que j'ai insisté sur la date d'arrêt.",
            "Reconnaître sa part ouvre la discussion.",
            Timing.NEXT_SESSION,
            episode=0,
        ),
        Suggestion(
            RepairApproach.INDIRECT,
            RepairStrategy.FOLLOW_CLIENT,
            "Parlez-moi de ces soirées.",
            "Suivre ce qu'elle amène.",
            Timing.NOW,
        ),
    )
    formulation = formulate(transcript, detection)
    return SessionAnalysis(
        transcript, detection, formulation, suggestions, AttachmentStyle.AVOIDANT
    )


def test_annotation_is_what_a_coder_would_write_with_source_ids() -> None:
    annotation = to_annotation(lea())
    assert annotation == {
        "transcript_id": 12,
        "utterances": [
            {"utterance_id": 40, "contribution": "advice_unsolicited", "repair": "none"},
            {
                "utterance_id": 41,
                "marker": "confrontation",
                "subtype": "defends_self",
                "salience": 2,
            },
            {"utterance_id": 42, "contribution": "confront_argue", "repair": "none"},
            {"utterance_id": 43, "marker": "withdrawal", "subtype": "giving_up", "salience": 4},
            {"utterance_id": 44, "contribution": "none", "repair": "invite_discussion"},
        ],
        "episodes": [
            {"start": 41, "end": 45, "kind": "mixed", "severity": "micro", "resolved": "yes"}
        ],
    }


def test_the_annotation_passes_the_label_checks_and_scores_perfectly_against_itself() -> None:
    analysis = lea()
    annotation = to_annotation(analysis)
    parsed = parse_annotation(json.loads(json.dumps(annotation)))
    assert parsed.client[43].subtype is MarkerSubtype.GIVING_UP
    figures = compare(annotation, annotation, roles=roles_of(analysis.transcript))
    assert figures["client_marker"]["f1"] == figures["episodes"]["f1"] == 1.0


def test_without_an_id_the_source_file_names_the_session() -> None:
    analysis = lea()
    meta = Metadata(source="/tmp/seances/lea-s3.txt")
    unnamed = SessionAnalysis(Transcript(analysis.transcript.turns, "fr", meta), analysis.detection)
    assert to_annotation(unnamed)["transcript_id"] == "lea-s3"


def test_json_record_is_plain_data_with_evidence_scores_and_suggestions() -> None:
    record = to_json(lea())
    text = json.dumps(record)  # plain data: no enum, tuple or mapping proxy survives
    assert "Tout le monde me le dit" not in text  # a record of findings, not a copy of the session
    assert record["transcript"]["n_turns"] == 6
    assert record["transcript"]["turns_by_role"] == {"therapist": 3, "patient": 3, "other": 0}
    giving_up = record["markers"][2]
    assert giving_up["turn_id"] == 43 and giving_up["kind"] == "withdrawal"
    assert giving_up["evidence"][0]["words"] == "Ça ne sert à rien"
    assert record["moves"][2]["repair"] == "invite_discussion"
    assert record["scores"]["engagement"] == [1.0, 0.6, 0.6, 0.3, 0.3, 0.8]
    assert record["scores"]["therapist_contribution"] == pytest.approx(0.67)
    episode = record["episodes"][0]
    assert (episode["start_id"], episode["end_id"], episode["trigger_id"]) == (41, 45, 40)
    assert episode["repair_ids"] == [44]
    assert [s["strategy"] for s in episode["suggestions"]] == ["acknowledge_contribution"]
    assert {"approach", "strategy", "text", "why", "timing", "episode"} <= set(
        record["suggestions"][0]
    )
    assert record["suggestions"][1]["episode"] is None
    # the formulation's sentences, written at the edge, with the typed facts they come from
    form = record["formulation"]
    text = prose.of(lea())
    assert text is not None and form["summary"] == list(text.summary)
    assert form["episodes"][0]["patient_part"] == list(text.episodes[0].patient_part)
    said = " ".join(form["episodes"][0]["patient_part"])
    assert "41" in said and "43" in said  # the markers' own ids, not their positions
    fact = form["facts"]["episodes"][0]
    assert (fact["index"], fact["episode"]["start"], fact["trigger"]) == (0, 1, 0)
    assert {m["turn"] for m in fact["markers"]} == {1, 3}
    assert form["facts"]["needs"][0]["episode"] == 0 and form["facts"]["needs"][0]["needs"]
    assert record["attachment"] == "avoidant"


def test_json_of_a_bare_detection_has_no_formulation() -> None:
    analysis = lea()
    bare = SessionAnalysis(analysis.transcript, analysis.detection)
    record = to_json(bare)
    assert record["formulation"] is None and record["suggestions"] == []
    assert record["episodes"][0]["suggestions"] == []


def test_a_real_analysis_of_the_demo_session_exports_cleanly() -> None:
    """Léa's demo session through the whole pipeline: both exports are valid as written."""
    from importlib import resources

    from raccord.io import load
    from raccord.pipeline import analyze

    with resources.as_file(resources.files("raccord.demo") / "seance-fr-lea.txt") as path:
        transcript = load(path)[0]
    analysis = analyze(transcript, mode="fast")

    annotation = to_annotation(analysis)
    assert annotation["transcript_id"] == "seance-fr-lea"
    figures = compare(annotation, annotation, roles=roles_of(transcript))
    assert figures["stray_predicted_rows"] == 0  # every row sits on a turn of the right speaker
    uids = {t.uid for t in transcript.turns}
    assert all(row["utterance_id"] in uids for row in annotation["utterances"])

    record = json.loads(json.dumps(to_json(analysis)))
    assert len(record["markers"]) == len(analysis.detection.markers)
    assert len(record["scores"]["engagement"]) in (0, len(transcript.turns))
    for index, episode in enumerate(record["episodes"]):
        expected = [s for s in record["suggestions"] if s["episode"] == index]
        assert episode["suggestions"] == expected
