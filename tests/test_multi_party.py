"""Couple and family sessions: each speaker's role, several patients, and a report that says so."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from raccord import io
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
    assert "une plainte adressée à un autre participant peut apparaître ici à tort" in text


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
