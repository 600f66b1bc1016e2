"""The meta-communication checker on the article's own examples, good and bad, and its command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from raccord.cli import cli
from raccord.repair import check
from raccord.taxonomy import RepairApproach

# The article's direct-repair examples (section « Intervention directe » and « interdits implicites »).
ARTICLE_GOOD_FR = [
    "J'ai remarqué que vous avez cessé de parler tout à l'heure quand j'ai abordé la question du "
    "travail. Je crains d'avoir touché un point délicat sans m'en rendre compte. Peut-être "
    "pourrions-nous en discuter afin de trouver la meilleure façon d'aborder ce sujet ?",
    "Lorsqu'on aborde ce sujet, j'ai eu l'impression que vous étiez plus en retrait. Certains "
    "sujets sont parfois plus difficiles que d'autres à ouvrir, je veux m'assurer que vous restiez "
    "dans votre fenêtre de ce qui est ok et confortable pour vous. Accepteriez-vous de me partager "
    "ce que cela vous a fait d'ouvrir ce sujet ?",
    # the brief's example of the expected quality
    "J'ai remarqué que vous vous êtes tu quand j'ai abordé la question du travail. Je crains "
    "d'avoir touché un point délicat sans m'en rendre compte. Pourriez-vous me dire comment vous "
    "l'avez vécu ?",
]
ARTICLE_GOOD_EN = [
    "I noticed that you stopped talking a moment ago when I brought up your work. I'm concerned I "
    "may have touched on something sensitive without realising it. Perhaps we could talk about it, "
    "so we can find the best way to approach this subject?",
    "When we got onto that subject, I had the impression that you were more withdrawn. Some "
    "subjects are harder to open than others. Would you be willing to share what it was like for "
    "you to open it?",
]


@pytest.mark.parametrize("text", ARTICLE_GOOD_FR)
def test_the_articles_french_examples_pass(text: str) -> None:
    result = check(text)
    assert result.lang == "fr"
    assert result.ok, [(r.rule, r.evidence) for r in result.missed]
    assert result.rewrite is None


@pytest.mark.parametrize("text", ARTICLE_GOOD_EN)
def test_english_equivalents_pass(text: str) -> None:
    result = check(text)
    assert result.lang == "en"
    assert result.ok, [(r.rule, r.evidence) for r in result.missed]


def _missed(text: str, lang: str | None = None) -> dict[str, tuple[str, ...]]:
    return {r.rule: r.evidence for r in check(text, lang).missed}


def test_attacking_in_tu_and_a_generalisation_are_flagged_with_the_words() -> None:
    # the article's counter-examples: « tu es distant… », « vous êtes toujours dans la retenue »
    missed = _missed("Tu es distant.", "fr")
    assert missed["accusation"] == ("Tu es",)
    missed = _missed("Vous êtes toujours dans la retenue.")
    assert "toujours" in missed["generalisation"]
    assert any("Vous êtes toujours dans la retenue" in w for w in missed["accusation"])
    assert {"i_statement", "observation", "invitation", "open_door"} <= set(missed)


def test_an_impression_in_the_first_person_is_not_an_accusation() -> None:
    result = check(
        "Tout à l'heure, j'ai eu l'impression que vous étiez distant. Qu'en pensez-vous ?"
    )
    assert next(r for r in result.rules if r.rule == "accusation").ok


def test_interpretation_stated_as_fact_is_flagged_but_a_wondering_is_not() -> None:
    assert "interpretation" in _missed("C'est parce que vous avez peur du changement.")
    assert "interpretation" in _missed("Deep down, you're afraid of being rejected.")
    wondering = check(
        "Tout à l'heure, quand j'ai parlé de votre père, vous avez baissé les yeux. Je me demande "
        "si c'est parce que vous aviez peur de me décevoir. Qu'en pensez-vous ? Nous pourrons y "
        "revenir plus tard."
    )
    assert wondering.ok, [(r.rule, r.evidence) for r in wondering.missed]


def test_blame_and_bruised_ego_are_flagged() -> None:
    missed = _missed("Après tout ce que j'ai fait pour vous, je suis vexé que vous disiez ça.")
    assert set(missed["blame"]) == {"Après tout ce que", "je suis vexé"}
    assert "blame" in _missed("After everything I've done, I'm frustrated with you.")


def test_pressure_closes_the_door_even_with_a_question() -> None:
    missed = _missed(
        "J'ai remarqué tout à l'heure que vous vous êtes tu. Dites-moi pourquoi, il faut que vous en parliez."
    )
    assert "open_door" in missed and "il faut que vous" in missed["open_door"]
    assert "open_door" in _missed("I noticed a moment ago you went quiet. Tell me why right now.")


def test_the_patients_quoted_words_do_not_count_against_the_therapist() -> None:
    text = (
        "Tout à l'heure, quand vous avez dit « ça ne marche jamais », j'ai senti beaucoup de "
        "découragement. Pourriez-vous m'en dire plus ?"
    )
    result = check(text)
    assert result.ok, [(r.rule, r.evidence) for r in result.missed]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vous êtes toujours sur la défensive, pourquoi vous fermez-vous ?", "fr"),
        ("You always shut down when I ask about your drinking. Why are you so defensive?", "en"),
        (
            "Après tout ce que j'ai fait pour vous, je suis vexée. C'est parce que vous avez peur.",
            "fr",
        ),
        ("Tu es distant.", "fr"),
    ],
)
def test_the_rewrite_passes_the_checker(text: str, lang: str) -> None:
    result = check(text)
    assert result.lang == lang
    assert not result.ok and result.rewrite
    again = check(result.rewrite, lang)
    assert again.ok, (result.rewrite, [(r.rule, r.evidence) for r in again.missed])


def test_indirect_repairs_are_held_to_the_no_attack_rules_only() -> None:
    validation = "Vous avez tout à fait le droit de ne pas être d'accord avec moi."
    assert not check(validation, "fr").ok, "as meta-communication it lacks an observation"
    result = check(validation, "fr", approach=RepairApproach.INDIRECT)
    assert result.ok
    assert {r.rule for r in result.rules} == {
        "accusation",
        "generalisation",
        "interpretation",
        "blame",
    }
    assert not check("Vous êtes toujours négatif.", "fr", approach=RepairApproach.INDIRECT).ok


# --------------------------------------------------------------------------- the command


def test_check_command_exits_0_when_the_statement_passes_and_prints_json() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", ARTICLE_GOOD_FR[2], "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ok"] is True and data["rewrite"] is None
    assert [r["rule"] for r in data["rules"]][:4] == [
        "accusation",
        "generalisation",
        "interpretation",
        "blame",
    ]
    assert set(data["rules"][0]) == {"rule", "ok", "evidence", "advice"}


def test_check_command_exits_1_like_a_linter_and_proposes_a_rewrite() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "You never listen to me.", "--lang", "en"])
    assert result.exit_code == 1
    assert "✗ No generalisation" in result.output and "“never”" in result.output
    assert "Suggested wording:" in result.output
    fr = runner.invoke(cli, ["check", "Vous êtes toujours dans la retenue."])
    spaced = fr.output.replace("\u00a0", " ").replace("\u202f", " ")  # French typography
    assert fr.exit_code == 1 and "Proposition :" in spaced and "« toujours »" in spaced
    assert "Proposition\u00a0:" in fr.output, "non-breaking space before the colon"


def test_check_command_reads_standard_input_and_checks_indirect_repairs() -> None:
    runner = CliRunner()
    text = "Ce n'est pas forcément facile d'en parler, et nous pouvons prendre le temps qu'il faut."
    result = runner.invoke(cli, ["check", "-", "--indirect", "--lang", "fr"], input=text)
    assert result.exit_code == 0, result.output
    assert "Intervention indirecte" in result.output
