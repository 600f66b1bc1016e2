"""A marker said in answer to the therapist's invitation to talk about what happened between
them may be the repair under way (the article: the patient finds they can voice a disagreement
without being rejected); the report says so, and the summary lets another marker of the episode
stand for it. Read on coded labels, so the test holds whatever the shipped weights find."""

from __future__ import annotations

import dataclasses
import os

import pytest

from conftest import coded_analysis
from raccord.brief import brief
from raccord.detect import detect
from raccord.eval.harness import detection_from_annotation
from raccord.eval.labels import parse_annotation
from raccord.io import parse
from raccord.model import SessionAnalysis
from raccord.render import render
from raccord.taxonomy import RepairStrategy
from raccord.understand import invitations

LINES = [
    "T: On avait dit qu'on reprendrait l'exercice du bain. Je vous propose de le faire tous les soirs, seul.",
    "P: [silence 3s] D'accord. Oui, si vous pensez que c'est ce qu'il faut faire.",
    "T: Il faut y retourner, et le plus tôt possible.",
    "P: [silence 6s] Je sais pas. On verra.",
    "T: Mais avant, j'aimerais revenir sur ce qui vient de se passer entre nous. Qu'est-ce que ça vous a fait, ma proposition ?",
    "P: Franchement ? Ça m'a agacé. Vous allez trop vite, vous ne m'écoutez pas.",
    "T: Vous avez raison, je suis allé trop vite. C'était mon rythme, pas le vôtre.",
    "P: Oui. Merci de le dire. En fait j'ai peur de rester seul avec elle.",
]
CODED = {
    "transcript_id": "invited",
    "utterances": [
        {
            "utterance_id": 2,
            "marker": "withdrawal",
            "subtype": "deferential_appeasing",
            "salience": 3,
        },
        {"utterance_id": 3, "contribution": "confront_argue", "repair": "none"},
        {"utterance_id": 4, "marker": "withdrawal", "subtype": "minimal_response", "salience": 3},
        {"utterance_id": 5, "contribution": "none", "repair": "invite_discussion"},
        {
            "utterance_id": 6,
            "marker": "confrontation",
            "subtype": "complaint_therapist",
            "salience": 4,
        },
        {"utterance_id": 7, "contribution": "none", "repair": "acknowledge_contribution"},
    ],
    "episodes": [{"start": 2, "end": 8, "kind": "mixed", "severity": "micro", "resolved": "yes"}],
}


def _analysis() -> SessionAnalysis:
    (transcript,) = parse("\n".join(LINES) + "\n", fmt="text", language="fr")
    return coded_analysis(transcript, CODED)


def test_the_reproach_that_answers_the_invitation_is_known_as_such() -> None:
    analysis = _analysis()
    # turn 6 (index 5) answers the meta-communication at turn 5 (index 4); the others do not
    assert invitations.answered(analysis.transcript, analysis.detection, "fr") == (
        invitations.Invited(marker=5, therapist=4),
    )
    assert analysis.formulation is not None and analysis.formulation.facts is not None
    assert analysis.formulation.facts.invited == (invitations.Invited(5, 4),)


def test_the_summary_lets_another_marker_stand_for_the_episode_and_the_details_say_why() -> None:
    analysis = _analysis()
    (moment,) = brief(analysis).moments
    # the reproach is the most salient marker, but it answers the invitation
    assert moment.marker.turn != 5
    from rich.console import Console

    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(render(analysis, details=True))
    text = " ".join(console.export_text().split())
    assert "Dit en réponse à votre invitation au tour 5" in text


def test_a_repair_label_alone_does_not_make_a_turn_an_invitation() -> None:
    """The task proposal at turn 1, labelled a direct repair (a learned head did this in a blind
    review), does not make the appeasing answer at turn 2 "the repair under way"."""
    analysis = _analysis()
    moves = tuple(
        dataclasses.replace(m, repair=RepairStrategy.DISCLOSE_EXPERIENCE) if m.turn == 0 else m
        for m in analysis.detection.moves
    )
    detection = dataclasses.replace(analysis.detection, moves=moves)
    found = invitations.answered(analysis.transcript, detection, "fr")
    assert [i.marker for i in found] == [5]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "T: I had an idea, and tell me honestly what you make of it: a mums' group.\n"
            "P: Honestly? A room full of mums comparing would finish me off.\n"
            "T: That's really useful to know.\n",
            "en",
        ),
        (
            "T: Je peux vous proposer une autre façon de voir votre belle-mère, et vous me dites "
            "franchement si ça tombe à côté ? C'est peut-être sa façon d'être encore un peu mère.\n"
            "P: Non, je crois pas. Vous la connaissez pas. Avec elle, ça a toujours été du contrôle.\n"
            "T: D'accord, ça tombe à côté. Merci de me le dire aussi nettement.\n",
            "fr",
        ),
    ],
)
def test_a_disagreement_the_therapist_asked_for_is_said_to_be_one(text: str, language: str) -> None:
    (transcript,) = parse(text, fmt="text", language=language)
    coded = {
        "transcript_id": "asked",
        "utterances": [
            {
                "utterance_id": 2,
                "marker": "confrontation",
                "subtype": "rejects_intervention",
                "salience": 2,
            }
        ],
    }
    gold = detection_from_annotation(parse_annotation(coded), transcript)
    detection = dataclasses.replace(detect(transcript, mode="fast"), markers=gold.markers)
    assert invitations.answered(transcript, detection, language) == (
        invitations.Invited(1, 0, "disagreement"),
    )


def test_the_html_report_says_it_next_to_the_marker() -> None:
    pytest.importorskip("jinja2")
    pytest.importorskip("plotly")
    from raccord.export import to_json
    from raccord.report import document, view
    from raccord.store.records import transcript_rows

    analysis = _analysis()
    v = view.build(to_json(analysis), transcript_rows(analysis.transcript))
    (marker,) = [m for m in v.markers if m.turn == 5]
    assert marker.invited is not None and "tour 5" in marker.invited
    assert all(m.invited is None for m in v.markers if m.turn != 5)
    assert "Dit en réponse à votre invitation au tour 5" in document.html(v)


def test_a_compliant_yes_to_does_that_fit_is_no_disagreement() -> None:
    """« Est-ce que ça vous parle ? » then a quick yes and a change of subject (a withdrawal): the
    report must not call it « un désaccord que vous aviez invité » (a never-seen session)."""
    (transcript,) = parse(
        "T: Ça agit un peu comme un bouton de volume. Est-ce que ça vous parle, cette image ?\n"
        "P: Oui, oui, le docteur m'a déjà expliqué ça. Je vous ai ramené le carnet, d'ailleurs.\n"
        "T: Ah, merci.\n",
        fmt="text",
        language="fr",
    )
    coded = {
        "transcript_id": "appeased",
        "utterances": [
            {"utterance_id": 2, "marker": "withdrawal", "subtype": "topic_shift", "salience": 3}
        ],
    }
    gold = detection_from_annotation(parse_annotation(coded), transcript)
    detection = dataclasses.replace(detect(transcript, mode="fast"), markers=gold.markers)
    assert invitations.answered(transcript, detection, "fr") == ()
