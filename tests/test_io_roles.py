"""Who is the therapist, and how raccord knows: never a silent guess."""

from __future__ import annotations

import pytest

from raccord import io
from raccord.io.roles import label_role
from raccord.taxonomy import Role


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("T", Role.THERAPIST),
        ("Thérapeute", Role.THERAPIST),
        ("Psy", Role.THERAPIST),
        ("Counsellor", Role.THERAPIST),
        ("Counselor", Role.THERAPIST),
        ("Dr Martin", Role.THERAPIST),
        ("Dr. Anna Kowalski", Role.THERAPIST),
        ("P", Role.PATIENT),
        ("Patient(e)", Role.PATIENT),
        ("Patiente", Role.PATIENT),
        ("Cliente", Role.PATIENT),
        ("Client 2", Role.PATIENT),
        ("Marie", None),
        ("SPEAKER_00", None),
        ("Dr", None),
    ],
)
def test_labels_that_name_a_role(label: str, role: Role | None) -> None:
    assert label_role(label) is role


def test_therapist_named_by_option_and_patient_by_elimination() -> None:
    text = "Marie: Bonjour Paul.\nPaul: Bonjour.\nMarie: Comment ça va ?\nPaul: Bien."
    t = io.parse(text, fmt="text", language="fr", therapist="Marie")[0]
    marie, paul = t.roles
    assert (marie.role, marie.method, marie.basis) == (
        Role.THERAPIST,
        "option",
        "given by --therapist",
    )
    assert (paul.role, paul.method) == (Role.PATIENT, "option")
    assert paul.basis == "not the therapist given by --therapist"


def test_guess_written_out_with_the_counts() -> None:
    text = (
        "Paul: J'ai encore mal dormi.\nMarie: Qu'est-ce qui vous réveille ?\nPaul: Le travail.\n"
        "Marie: Le travail ? C'est-à-dire ?\nPaul: Mon chef.\nMarie: Que se passe-t-il avec lui ?\n"
    )
    t = io.parse(text, fmt="text", language="fr")[0]
    assert t.role_of("Marie") is Role.THERAPIST and t.role_of("Paul") is Role.PATIENT
    basis = t.roles[0].basis
    assert basis.startswith("guessed: Marie asked 3 questions in 3 turns vs 0 in 3 for Paul")
    assert "--therapist" in basis


def test_a_weak_guess_says_it_is_weak() -> None:
    text = "Anne: Bonjour.\nLuc: Bonjour.\nAnne: Bien.\nLuc: Oui."
    t = io.parse(text, fmt="text", language="fr")[0]
    assert t.role_of("Anne") is Role.THERAPIST
    assert "weakly" in t.roles[0].basis and "Anne speaks first" in t.roles[0].basis


def test_an_interpreter_is_other() -> None:
    text = (
        "Thérapeute : Comment vous sentez-vous aujourd'hui ?\nInterprète : Как вы себя чувствуете?\n"
        "Patiente : Плохо.\nInterprète : Mal.\nThérapeute : Mal… vous voulez m'en dire plus ?"
    )
    t = io.parse(text, fmt="text", language="fr")[0]
    assert t.role_of("Interprète") is Role.OTHER
    other = next(a for a in t.roles if a.speaker == "Interprète")
    assert other.method == "label"
    assert other.basis == (
        "the speaker label 'Interprète' means other: present, neither therapist nor patient"
    )


def test_session_facts_from_header_lines() -> None:
    text = "Séance : 7\nDate : 03/11/2026\nT : Bonjour.\nP : Bonjour."
    t = io.parse(text, fmt="text", language="fr")[0]
    assert (t.metadata.session_number, t.metadata.session_date) == (7, "2026-11-03")
    assert [turn.speaker for turn in t.turns] == ["T", "P"]
    assert t.warnings == ()
