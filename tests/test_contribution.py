"""The session contribution score: a lecturing session scores higher than a reflective one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from raccord.detect.contribution import profile, score
from raccord.detect.move_labels import label_moves
from raccord.eval.metrics import roc_auc
from raccord.model import Metadata, Transcript, Turn
from raccord.taxonomy import Role


def session(lang: str, *lines: tuple[str, str]) -> Transcript:
    turns = tuple(
        Turn(index=k, speaker=who, role=Role.THERAPIST if who == "T" else Role.PATIENT, text=text)
        for k, (who, text) in enumerate(lines)
    )
    return Transcript(turns=turns, language=lang)


LECTURE = session(
    "en",
    ("T", "So you got cited for drinking on campus."),
    ("P", "Yeah, but it's not a big deal. Everybody drinks."),
    ("T", "You need to take responsibility. If you keep partying like this you'll get expelled."),
    ("P", "It wasn't even my fault."),
    ("T", "Well, drinking that much is really dangerous. You should stop right now."),
    ("P", "Okay, whatever."),
    ("T", "Studies show that students who drink like you do fail their classes."),
)
REFLECTIVE = session(
    "en",
    ("T", "What brings you here today?"),
    ("P", "I got cited for drinking, and honestly I think it's not a big deal."),
    ("T", "It sounds like the whole thing feels blown out of proportion to you."),
    ("P", "Yeah. Everybody drinks at parties."),
    ("T", "So drinking is part of how you and your friends have fun."),
    ("P", "Pretty much. I mean, I did feel bad the next morning."),
    ("T", "Part of you enjoys it, and part of you noticed it cost you something."),
)


def test_a_lecturing_therapist_scores_higher_than_a_reflective_one() -> None:
    lecture = score(LECTURE, label_moves(LECTURE, (), mode="fast"))
    reflective = score(REFLECTIVE, label_moves(REFLECTIVE, (), mode="fast"))
    assert 0.0 <= reflective < lecture <= 1.0


def test_the_profile_shows_what_the_score_is_made_of() -> None:
    p = profile(LECTURE, label_moves(LECTURE, (), mode="fast"))
    assert p.substantive_turns == 4
    assert p.contributing >= 3
    assert p.reflections <= 1
    assert p.score == pytest.approx(score(LECTURE, label_moves(LECTURE, (), mode="fast")))


def test_a_session_where_the_therapist_never_speaks_scores_zero() -> None:
    silent = session("fr", ("P", "Je ne sais pas quoi dire."), ("P", "Voilà."))
    assert score(silent, label_moves(silent, (), mode="fast")) == 0.0


def test_french_lecture_scores_like_the_english_one() -> None:
    lecture_fr = session(
        "fr",
        ("T", "Donc vous avez été verbalisé pour alcool sur le campus."),
        ("P", "Ouais, mais c'est pas grave. Tout le monde boit."),
        ("T", "Il faut que vous assumiez. Si vous continuez comme ça, vous allez être exclu."),
        ("P", "C'était même pas ma faute."),
        ("T", "Bon, boire autant, c'est vraiment dangereux. Vous devez arrêter maintenant."),
        ("P", "Ouais, bon, d'accord."),
        ("T", "Les études montrent que les étudiants qui boivent comme vous ratent leurs examens."),
    )
    fr = score(lecture_fr, label_moves(lecture_fr, (), mode="fast"))
    en = score(LECTURE, label_moves(LECTURE, (), mode="fast"))
    assert abs(fr - en) <= 0.15


@pytest.mark.shared_data
def test_annomi_low_quality_sessions_score_higher_than_high_quality(shared_data: Path) -> None:
    """External criterion: AnnoMI's mi_quality, from the text alone (lexical mode, no markers)."""
    sessions: dict[int, list[Turn]] = {}
    quality: dict[int, str] = {}
    with (shared_data / "annomi" / "AnnoMI-simple.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            tid = int(row["transcript_id"])
            quality[tid] = row["mi_quality"]
            turns = sessions.setdefault(tid, [])
            role = Role.THERAPIST if row["interlocutor"] == "therapist" else Role.PATIENT
            turns.append(Turn(len(turns), row["interlocutor"], role, row["utterance_text"]))
    scores, low = [], []
    for tid, turns in sorted(sessions.items()):
        t = Transcript(tuple(turns), "en", Metadata(transcript_id=str(tid)))
        scores.append(score(t, label_moves(t, (), mode="fast")))
        low.append(quality[tid] == "low")
    assert len(scores) == 133
    assert roc_auc(scores, low) >= 0.85


def test_a_structured_session_that_asks_more_than_it_reflects_is_not_scored_as_contributing() -> (
    None
):
    """Sound CBT or EMDR preparation asks and structures more than it reflects; reflecting
    rarely is an MI proficiency norm, not a rupture: with no turn flagged and no directive talk
    the index stays at 0 (blind reviews found 0.28 for a model EMDR session, as for a
    macro-rupture)."""
    structured = session(
        "fr",
        (
            "T",
            "On commence par votre semaine, puis on prépare l'exercice du lieu sûr. Ça vous va ?",
        ),
        ("P", "Oui, ça me va."),
        ("T", "Comment ont été les nuits depuis mardi ?"),
        ("P", "Je me réveille vers trois heures, toujours."),
        ("T", "Et qu'est-ce qui se passe pour vous à ce moment-là ?"),
        ("P", "Je revois le couloir de l'hôpital."),
        ("T", "Qu'est-ce que vous aimeriez qu'on regarde en premier aujourd'hui ?"),
    )
    p = profile(structured, label_moves(structured, (), mode="fast"))
    assert p.reflections == 0 and p.contributing == 0 and p.directive == 0
    assert p.score == 0.0
