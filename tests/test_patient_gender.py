"""The French reports name the patient as a French clinician does: « la patiente », « le patient ».

A French-speaking clinician found « la personne est revenue dans l'échange », « Demandé par la
personne », « vérifier avec elle » impersonal, a translation. When the speaker label says it
(« Patiente : », « M. Roux : »), the reports say « la patiente est revenue… vérifier avec elle »
or « le patient est revenu… vérifier avec lui »; when it says nothing (a first name, « P »,
« SPEAKER_01 »), they keep « la personne », word for word as before. The gender is a fact of the
session (``SessionFacts.patient_gender``), decided once from the label and carried to the text
report, the suggestions, the JSON and the HTML report.
"""

from __future__ import annotations

import io
import re
import tomllib
from importlib import resources
from typing import Any

import pytest
from rich.console import Console

from raccord.export import to_json
from raccord.io import parse
from raccord.model import SessionAnalysis, Transcript
from raccord.render import print_report
from raccord.repair import check, suggest
from raccord.report import view
from raccord.store.records import transcript_rows
from raccord.taxonomy import MarkerSubtype as S
from raccord.taxonomy import TherapistMoveType as M
from raccord.understand import formulate
from raccord.understand.patient import Gender, label_gender, patient_words
from test_understand_support import detection, episode, marker, move

#: She goes quiet when work comes up and comes back on her own after a closed question; the
#: therapist asks what the questions did to her, she reproaches the pace, the therapist owns it and
#: she goes on; a subject for next session is met with « Bon. Si vous le dites. »
SESSION = [
    "Thérapeute : Et au travail, comment ça se passe en ce moment ?",
    "{p} : [silence 10s] Ça va.",
    "Thérapeute : D'accord. Et ce week-end, vous avez pu vous reposer ?",
    "{p} : Oui, chez mes parents à la campagne, ça m'a fait du bien de couper avec tout ça "
    "et de marcher un peu.",
    "Thérapeute : J'ai l'impression que je vous ai posé beaucoup de questions tout à l'heure. "
    "Qu'est-ce que ça vous a fait ?",
    "{p} : Franchement, vous allez trop vite, j'ai l'impression de passer un examen.",
    "Thérapeute : Vous avez raison, je suis allée trop vite.",
    "{p} : Merci de le dire. En fait ce qui me pèse surtout, c'est que mon responsable ne me parle "
    "plus depuis des semaines et je ne sais pas quoi faire.",
    "Thérapeute : Il nous reste trois séances. Je vous propose qu'on en fasse le sujet de la "
    "prochaine : on prépare le trajet ensemble, étape par étape.",
    "{p} : [silence 4s] Bon. Si vous le dites.",
]


def _transcript(label: str, lines: list[str] = SESSION, language: str = "fr") -> Transcript:
    text = "\n".join(line.format(p=label) for line in lines) + "\n"
    (transcript,) = parse(text, fmt="text", language=language)
    return transcript


def _analysis(label: str) -> SessionAnalysis:
    """The session with the detection a clinician would code by hand (the wording is measured
    here, not the detector)."""
    t = _transcript(label)
    quiet, reproach, appeased = (
        [marker(1, S.MINIMAL_RESPONSE)],
        [marker(5, S.COMPLAINT_THERAPIST)],
        [marker(9, S.DEFERENTIAL_APPEASING)],
    )
    d = detection(
        quiet + reproach + appeased,
        [move(2, M.CLOSED_QUESTION), move(4, M.META_COMMUNICATION), move(6)],
        [episode(quiet, 3), episode(reproach, 7), episode(appeased, 9)],
    )
    f = formulate(t, d)
    return SessionAnalysis(t, d, f, suggest(t, d, f))


def _report(a: SessionAnalysis) -> str:
    console = Console(file=io.StringIO(), width=400, record=True)
    print_report(a, console, details=True)
    return " ".join(console.export_text().replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize(
    ("label", "gender"),
    [
        ("Patiente", Gender.FEMININE),
        ("Patiente 1", Gender.FEMININE),
        ("Cliente", Gender.FEMININE),
        ("Mme Roux", Gender.FEMININE),
        ("Madame Roux", Gender.FEMININE),
        ("Patient", Gender.MASCULINE),
        ("Client", Gender.MASCULINE),
        ("M. Roux", Gender.MASCULINE),
        ("Monsieur Roux", Gender.MASCULINE),
        ("Léa", Gender.UNKNOWN),
        ("Marc", Gender.UNKNOWN),
        ("P", Gender.UNKNOWN),
        ("Patient(e)", Gender.UNKNOWN),
        ("Locuteur 2", Gender.UNKNOWN),
        ("SPEAKER_01", Gender.UNKNOWN),
    ],
)
def test_the_speaker_label_says_the_patients_gender_or_nothing(label: str, gender: Gender) -> None:
    assert label_gender(label, "fr") is gender


def test_the_gender_is_a_fact_of_the_session_and_is_exported() -> None:
    a = _analysis("Patiente")
    assert a.formulation is not None and a.formulation.facts is not None
    assert a.formulation.facts.patient_gender is Gender.FEMININE
    assert to_json(a)["formulation"]["facts"]["patient_gender"] == "feminine"


def _gender(t: Transcript) -> Gender:
    facts = formulate(t, detection([])).facts
    assert facts is not None
    return facts.patient_gender


def test_two_patients_or_an_english_session_have_no_gender_to_give() -> None:
    couple = [*SESSION[:2], "Patient : Elle ne dit jamais rien, de toute façon."]
    assert _gender(_transcript("Patiente", couple)) is Gender.UNKNOWN
    english = ["Therapist: How was your week?", "{p}: Fine."]
    assert _gender(_transcript("Patient", english, "en")) is Gender.UNKNOWN
    assert patient_words("en", Gender.FEMININE) == {}


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "Patiente",
            [
                "vous avez reconnu votre part, et la patiente est revenue dans l'échange",
                "la patiente reprend juste après",
                "la patiente vérifie qu'elle peut dire un désaccord sans être rejetée",
                "sans accord clair de la patiente : « Je vous propose",
                "vérifier avec elle avant d'ouvrir la séance",
                "Retrait des tours 2–4 : la patiente est revenue d'elle-même",
                "validation de ce que la patiente exprime",
            ],
        ),
        (
            "Patient",
            [
                "vous avez reconnu votre part, et le patient est revenu dans l'échange",
                "le patient reprend juste après",
                "le patient vérifie qu'il peut dire un désaccord sans être rejeté)",
                "sans accord clair du patient : « Je vous propose",
                "vérifier avec lui avant d'ouvrir la séance",
                "Retrait des tours 2–4 : le patient est revenu de lui-même",
                "validation de ce que le patient exprime",
            ],
        ),
        (
            "Karim",  # a first name says nothing: the wording of before, word for word
            [
                "vous avez reconnu votre part, et la personne est revenue dans l'échange",
                "la personne reprend juste après",
                "la personne vérifie qu'elle peut dire un désaccord sans être rejetée",
                "sans accord clair de la personne : « Je vous propose",
                "vérifier avec elle avant d'ouvrir la séance",
                "Retrait des tours 2–4 : la personne est revenue d'elle-même",
                "validation de ce que la personne exprime",
            ],
        ),
    ],
)
def test_the_report_names_the_patient_as_the_label_does(label: str, expected: list[str]) -> None:
    text = _report(_analysis(label))
    for sentence in expected:
        assert sentence in text
    others = {"Patiente": "la personne", "Patient": "la patiente", "Karim": "la patiente"}
    assert others[label] not in text
    if label == "Patient":
        assert not re.search(r"le patient (?:est revenue|vérifie qu'elle)|avec elle\b", text)


@pytest.mark.parametrize(
    ("label", "part", "invited"),
    [
        ("Patiente", "La part de la patiente :", "la patiente vérifie qu'elle peut"),
        ("M. Roux", "La part du patient :", "le patient vérifie qu'il peut"),
        ("SPEAKER_01", "La part de la personne :", "la personne vérifie qu'elle peut"),
    ],
)
def test_the_html_report_and_the_workspace_read_the_gender_the_analysis_recorded(
    label: str, part: str, invited: str
) -> None:
    a = _analysis(label)
    v = view.build(to_json(a), transcript_rows(a.transcript))
    (said,) = [m.invited for m in v.markers if m.invited]
    assert invited in said
    # the label of the therapist's own formulation field, on the web page and in the report
    assert v.words.t("report", "own_patient_part").replace("\u00a0", " ") == part


def test_the_checker_advice_names_the_patient_as_the_session_does() -> None:
    draft = "Vous êtes toujours sur la défensive."
    advice = " ".join(r.advice for r in check(draft, "fr").missed)
    assert "plutôt que de qualifier la personne." in advice
    advice = " ".join(r.advice for r in check(draft, "fr", gender=Gender.MASCULINE).missed)
    assert "plutôt que de qualifier le patient." in advice


# --------------------------------------------------------------------------- the templates

FRENCH = ("understand", "repair", "report", "evidence", "workspace", "checker")
_BARE = re.compile(r"\bla personne\b", re.IGNORECASE)


def _strings(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, where)]
    return [(where, value)] if isinstance(value, str) else []


def test_no_french_template_names_the_patient_la_personne_outright() -> None:
    """Every user-visible French sentence names the patient through the placeholders
    (``{le_patient}``, ``{du_patient}``, ``{il}``…): only the words for an unknown gender say
    « la personne ». Comments are not parsed; cue patterns never say it."""
    folder = resources.files("raccord.lang").joinpath("fr")
    bare = []
    for name in FRENCH:
        data = tomllib.loads(folder.joinpath(f"{name}.toml").read_text("utf-8"))
        data.get("patient", {}).get("words", {}).pop("unknown", None)
        bare += [(f"{name}{w}", s) for w, s in _strings(data, "") if _BARE.search(s)]
    assert bare == []


def test_every_gender_gives_every_form_and_unknown_is_todays_wording() -> None:
    forms = {g: patient_words("fr", g) for g in Gender}
    assert len({frozenset(f) for f in forms.values()}) == 1
    unknown = forms[Gender.UNKNOWN]
    assert (unknown["le_patient"], unknown["Le_patient"]) == ("la personne", "La personne")
    assert (unknown["il"], unknown["lui"], unknown["e"]) == ("elle", "elle", "e")
    assert (forms[Gender.MASCULINE]["du_patient"], forms[Gender.MASCULINE]["au_patient"]) == (
        "du patient",
        "au patient",
    )


HEARD = [
    "Thérapeute : Comment s'est passée votre semaine ?",
    "{p} : Je suis allée voir ma mère jeudi, et je me suis sentie un peu perdue en sortant.",
    "Thérapeute : Vous êtes restée longtemps ?",
    "{p} : Une heure. Ça va.",
]


@pytest.mark.parametrize(
    ("label", "lines", "gender"),
    [
        # the role word alone says a role: her words and the therapist's say she is a woman
        ("client", HEARD, Gender.FEMININE),
        ("Patient", HEARD, Gender.FEMININE),
        ("Léa", HEARD, Gender.FEMININE),
        # a label that states the gender is taken at its word
        ("M. Roux", HEARD, Gender.MASCULINE),
        # one agreement is not enough: the label's gender, or none
        ("Patient", [*HEARD[:1], "{p} : Je suis allée voir ma mère."], Gender.MASCULINE),
        ("P", [*HEARD[:1], "{p} : Je suis allée voir ma mère."], Gender.UNKNOWN),
        # the therapist speaking of themself (« je suis allée trop vite ») says nothing of the patient
        ("P", SESSION, Gender.UNKNOWN),
        # the therapist's greeting names her (fresh64: a florist was « le patient » all through);
        # a lady spoken of is nobody's greeting
        (
            "client",
            ["Thérapeute : Bonjour, Madame Lebrun. Installez-vous.", "{p} : Bonjour."],
            Gender.FEMININE,
        ),
        (
            "P",
            ["Thérapeute : Et les roses pour Madame Roux, mercredi ?", "{p} : Oui."],
            Gender.UNKNOWN,
        ),
    ],
)
def test_the_sessions_own_agreements_give_the_gender_a_role_word_does_not(
    label: str, lines: list[str], gender: Gender
) -> None:
    """fresh62: a pharmacist (« je suis allée voir ma mère », « qu'est-ce qui vous a retenue »)
    in a CSV whose speaker column says « client » was « le patient » all through the report."""
    assert _gender(_transcript(label, lines)) is gender
