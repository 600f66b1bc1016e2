"""Couple and family sessions: each speaker's role, several patients, and a report that says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from raccord import io
from raccord.detect import address, detect
from raccord.model import Transcript
from raccord.pipeline import analyze
from raccord.render import print_report
from raccord.taxonomy import Role

FIXTURES = Path(__file__).parent / "fixtures" / "io"


def test_couple_session_has_two_therapists_and_two_patients() -> None:
    t = io.load(FIXTURES / "therapie_couple_fr.txt")[0]
    assert t.speakers_with(Role.THERAPIST) == ("Thérapeute", "Co-thérapeute")
    assert t.speakers_with(Role.PATIENT) == ("Marc", "Julie")
    julie = next(a for a in t.roles if a.speaker == "Julie")
    assert "another patient" in julie.basis
    assert t.multi_party


def test_a_dyadic_session_is_not_multi_party() -> None:
    t = io.load(FIXTURES / "seance_tp_fr.txt")[0]
    assert not t.multi_party


def test_the_report_says_the_session_is_multi_party_and_what_that_implies() -> None:
    t = io.load(FIXTURES / "therapie_couple_fr.txt")[0]
    console = Console(record=True, width=200, no_color=True)
    print_report(analyze(t, mode="fast"), console)
    text = " ".join(console.export_text().split())  # one line, ordinary spaces
    assert (
        "Séance à plusieurs : thérapeutes (Thérapeute, Co-thérapeute), patients (Marc, Julie)"
        in text
    )
    assert "ne sont pas comptés comme marqueurs de l'alliance avec vous" in text


def test_a_parent_present_is_other_and_named_in_the_report() -> None:
    t = io.load(FIXTURES / "famille_mere_fr.txt")[0]
    console = Console(record=True, width=200, no_color=True)
    print_report(analyze(t, mode="fast"), console)
    assert "autre personne présente (Mère)" in console.export_text()


def test_english_role_words_for_co_therapists_and_interpreters() -> None:
    text = (
        "Therapist: Welcome back. How has the week been?\n"
        "Co-therapist: And do tell us if anything from last time stayed with you.\n"
        "Client: It was hard.\n"
        "Interpreter: She says it was a hard week.\n"
        "Therapist: A hard week. What made it hard?\n"
    )
    t = io.parse(text, fmt="text", language="en")[0]
    assert [(a.speaker, a.role) for a in t.roles] == [
        ("Therapist", Role.THERAPIST),
        ("Co-therapist", Role.THERAPIST),
        ("Client", Role.PATIENT),
        ("Interpreter", Role.OTHER),
    ]


def test_the_json_analysis_says_whether_the_session_is_multi_party() -> None:
    from raccord.export import to_json

    couple = io.load(FIXTURES / "therapie_couple_fr.txt")[0]
    dyad = io.load(FIXTURES / "seance_tp_fr.txt")[0]
    assert to_json(analyze(couple, mode="fast"))["transcript"]["multi_party"] is True
    assert to_json(analyze(dyad, mode="fast"))["transcript"]["multi_party"] is False


# -- who is addressed -------------------------------------------------------------------------


def _couple(lines: str) -> Transcript:
    return io.parse(lines, fmt="text", language="fr")[0]


COUPLE = (
    "Thérapeute : Bonjour à tous les deux. Par où voulez-vous commencer ?\n"
    "Marc : Je peux commencer. Cette semaine a encore été tendue à la maison.\n"
    "Julie : Que Marc rentre tard tous les soirs et qu'il ne prévient jamais.\n"
    "Marc : Tu ne comprends pas ce que je dis. Je n'ai pas le choix avec mon travail.\n"
    "Thérapeute : Julie, qu'est-ce que vous ressentez quand Marc dit ça ?\n"
    "Julie : Marc, tu fais toujours pareil, tu te défiles.\n"
    "Thérapeute : Je vous propose qu'on regarde ensemble ce qui se passe le soir.\n"
    "Marc : Non mais vous ne m'écoutez pas, vous prenez toujours son parti. Ça ne sert à rien.\n"
)


def test_a_partner_s_reproach_to_the_other_partner_is_addressed_to_them() -> None:
    t = _couple(COUPLE)
    # « Tu ne comprends pas… » answers Julie, in the familiar "you": said to her
    assert address.addressee(t, 3) == "Julie"
    # « Marc, tu fais toujours pareil » opens with his name
    assert address.addressee(t, 5) == "Marc"
    # « vous ne m'écoutez pas, vous prenez toujours son parti » is said to the therapist
    assert address.addressee(t, 7) is None


@pytest.mark.parametrize("mode", ["fast", "full"])
def test_only_the_complaint_about_the_therapist_is_an_alliance_marker(mode: str) -> None:
    t = _couple(COUPLE)
    marked = {m.turn for m in detect(t, mode=mode).markers}
    assert 3 not in marked and 5 not in marked, "the partners' conflict is not a rupture marker"
    assert 7 in marked, "« vous ne m'écoutez pas, vous prenez toujours son parti » is"


def test_a_teenager_who_says_tu_to_the_therapist_is_still_heard() -> None:
    t = _couple(
        "Thérapeute : Bonjour Léo, bonjour madame. Comment ça va depuis la dernière fois ?\n"
        "Mère : Pas terrible, il ne fait rien à la maison.\n"
        "Thérapeute : Léo, tu veux nous dire comment toi tu vois les choses ?\n"
        "Léo : Franchement tu comprends rien, ça sert à rien de venir ici.\n"
    )
    # he answers the therapist (her turn just before) and never says « vous » to her
    assert address.addressee(t, 3) is None


def test_a_dyadic_session_has_no_addressee_to_look_for() -> None:
    t = io.parse("T: Comment ça va ?\nP: Tu m'énerves avec tes questions.\n", fmt="text")[0]
    assert not t.multi_party and address.addressee(t, 1) is None
