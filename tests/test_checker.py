"""The meta-communication checker on the article's own examples, good and bad, and its command."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from raccord.cli import cli
from raccord.repair import check
from raccord.repair.checker import FAILING_RULES
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


# The article's own example sentences (the issue found three of them rejected).
ARTICLE_SENTENCES = [
    "Je me demande si je n'ai pas été trop vite sur ce sujet et que je suis passé à côté de "
    "quelque chose d'important pour vous ?",
    "J'ai le sentiment qu'on s'est un peu perdus en route dans ce qu'on faisait, je me demande "
    "comment vous l'avez vécu de votre côté ?",
    "On dirait qu'on est bloqués tous les deux à cet endroit, essayons de comprendre ensemble ce "
    "qui coince.",
    "J'ai le sentiment qu'on s'est un peu perdus en route…",
]


@pytest.mark.parametrize("text", ARTICLE_SENTENCES)
def test_the_articles_example_sentences_pass(text: str) -> None:
    result = check(text, "fr")
    assert result.ok, [(r.rule, r.evidence) for r in result.missed]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Comment l'avez-vous vécu ?", "fr"),
        (
            "Quand j'ai parlé de reprendre le travail, vous avez haussé les épaules. J'aimerais "
            "comprendre ce que ça a représenté pour vous, maintenant ou une autre fois.",
            "fr",
        ),
        ("Could you say a bit more about how my question about your drinking landed?", "en"),
        ("How did that land for you?", "en"),
    ],
)
def test_idiomatic_good_wording_passes_without_a_keyword_door(text: str, lang: str) -> None:
    assert check(text, lang).ok, _missed(text, lang)


def test_a_door_left_open_is_advice_not_a_failure() -> None:
    # a therapist who invites now, with no « plus tard »: fine, with the advice for a patient
    # who may not be receptive
    result = check(
        "Quand j'ai proposé l'exercice, vous avez souri puis vous vous êtes tue. "
        "Comment l'avez-vous vécu ?",
        "fr",
    )
    assert result.ok
    door = next(r for r in result.rules if r.rule == "open_door")
    assert door.advisory and not door.ok and "porte ouverte" in door.advice
    assert result.advice == (door,) and result.missed == ()
    opened = check("Comment l'avez-vous vécu ? Nous pourrons y revenir plus tard.", "fr")
    assert next(r for r in opened.rules if r.rule == "open_door").evidence == ("plus tard",)


def test_a_closed_question_and_an_accusing_why_are_caught_with_the_question() -> None:
    missed = _missed(
        "J'ai remarqué que vous vous êtes tue quand j'ai parlé de l'exercice. "
        "Est-ce que ça vous a dérangée ?",
        "fr",
    )
    assert missed == {"closed_question": ("Est-ce que ça vous a dérangée ?",)}
    assert _missed("Pourquoi réagissez-vous comme ça ?", "fr") == {
        "closed_question": ("Pourquoi réagissez-vous comme ça ?",)
    }
    assert "closed_question" in _missed(
        "When I mentioned the homework, you frowned. Did that upset you?", "en"
    )
    # a proposal and a wondering aloud are not closed questions
    assert check("Peut-être pourrions-nous en discuter ?", "fr").ok
    assert check("Would you be willing to share what it was like for you?", "en").ok


def test_an_imposed_interpretation_is_caught_but_a_wondering_is_not() -> None:
    missed = _missed("Je pense que vous vous protégez de la tristesse. Comment l'entendez-vous ?")
    assert missed == {"interpretation": ("Je pense que vous",)}
    assert "interpretation" in _missed("C'est parce que vous avez peur du changement.")
    assert "interpretation" in _missed("Deep down, you're afraid of being rejected.")
    wondering = check(
        "Tout à l'heure, quand j'ai parlé de votre père, vous avez baissé les yeux. Je me demande "
        "si c'est parce que vous aviez peur de me décevoir. Qu'en pensez-vous ?"
    )
    assert wondering.ok, [(r.rule, r.evidence) for r in wondering.missed]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I noticed some resistance when I mentioned the exercises. How was that?", "resistance"),
        ("That looks like a transference reaction to me. How was that for you?", "transference"),
        ("There's a defensive pattern here. What do you make of it?", "defensive pattern"),
        ("Il y a là un mécanisme de défense, qu'en pensez-vous ?", "mécanisme de défense"),
    ],
)
def test_jargon_is_caught_with_the_word(text: str, words: str) -> None:
    assert _missed(text)["jargon"] == (words,)


def test_labels_and_generalisations_are_caught_with_the_words() -> None:
    # the article's counter-examples: « tu es distant… », « vous êtes toujours dans la retenue »
    assert _missed("Tu es distant.", "fr")["accusation"] == ("Tu es distant",)
    missed = _missed("Vous êtes toujours dans la retenue.")
    assert missed["generalisation"] == ("toujours",)
    assert missed["accusation"] == ("Vous êtes toujours dans la retenue",)
    assert missed["collaboration"] == ("Vous êtes toujours dans la retenue.",)
    # an impression in « je », tied to a moment, is not a label
    assert check(
        "Tout à l'heure, j'ai eu l'impression que vous étiez distant. Qu'en pensez-vous ?"
    ).ok
    # « vous pouvez toujours m'arrêter » generalises nothing about the person
    assert check("Vous pouvez toujours m'arrêter. Comment vivez-vous ce moment ?", "fr").ok


def test_an_observation_about_the_person_needs_a_moment() -> None:
    assert _missed("J'ai remarqué que vous vous fermez. Qu'est-ce qui se passe pour vous ?") == {
        "observation": ("J'ai remarqué que vous",)
    }
    assert check(
        "J'ai remarqué que vous vous êtes fermée quand j'ai parlé de votre sœur. "
        "Qu'est-ce qui se passe pour vous ?"
    ).ok


def test_blame_and_bruised_ego_are_flagged() -> None:
    missed = _missed("Après tout ce que j'ai fait pour vous, je suis vexé que vous disiez ça.")
    assert set(missed["blame"]) == {"Après tout ce que", "je suis vexé"}
    assert "blame" in _missed("After everything I've done, I'm frustrated with you.")


def test_pressure_closes_the_invitation_even_with_a_question() -> None:
    missed = _missed(
        "J'ai remarqué tout à l'heure que vous vous êtes tu. Dites-moi pourquoi, il faut que vous "
        "en parliez."
    )
    assert set(missed["collaboration"]) == {"Dites-moi pourquoi", "il faut que vous"}
    assert "collaboration" in _missed(
        "I noticed a moment ago you went quiet. Tell me why right now."
    )


def test_the_patients_quoted_words_do_not_count_against_the_therapist() -> None:
    text = (
        "Tout à l'heure, quand vous avez dit « ça ne marche jamais. Jamais. », j'ai senti beaucoup de "
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
        ("You always change the subject when we talk about your job.", "en"),
        ("J'ai remarqué que vous vous fermez. Est-ce que ça va ?", "fr"),
    ],
)
def test_the_rewrite_removes_the_violation_and_passes_the_checker(text: str, lang: str) -> None:
    result = check(text)
    assert result.lang == lang
    assert not result.ok and result.rewrite
    again = check(result.rewrite, lang)
    assert again.ok, (result.rewrite, [(r.rule, r.evidence) for r in again.missed])
    assert "always" not in result.rewrite and "toujours" not in result.rewrite
    assert "remarqué que j'ai eu" not in result.rewrite


def test_the_rewrite_of_an_imposed_interpretation_turns_it_into_a_wondering() -> None:
    result = check("Je pense que vous vous protégez de la tristesse. Comment l'entendez-vous ?")
    assert result.rewrite == (
        "Je me demande si vous vous protégez de la tristesse. Comment l'entendez-vous\u202f?"
    )
    result = check("When I mentioned the homework, you crossed your arms. Did that upset you?")
    assert result.rewrite == (
        "When I mentioned the homework, you crossed your arms. What do you make of it?"
    )


def test_indirect_repairs_are_held_to_the_rules_about_what_not_to_say() -> None:
    validation = "Vous avez tout à fait le droit de ne pas être d'accord avec moi."
    assert not check(validation, "fr").ok, "as meta-communication it invites nothing"
    result = check(validation, "fr", approach=RepairApproach.INDIRECT)
    assert result.ok
    assert {r.rule for r in result.rules} == {
        "accusation",
        "generalisation",
        "interpretation",
        "jargon",
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
    assert [r["rule"] for r in data["rules"]] == [
        "accusation",
        "generalisation",
        "interpretation",
        "closed_question",
        "jargon",
        "blame",
        "observation",
        "collaboration",
        "open_door",
    ]
    assert data["rules"][-1]["advisory"] is True
    assert set(data["rules"][0]) == {"rule", "ok", "advisory", "evidence", "advice"}


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


# --------------------------------------------------------------------------- the labelled drafts

_CORPUS = Path(__file__).parent / "fixtures" / "checker"


def _drafts() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for part in ("dev", "heldout", "review"):
        data = tomllib.loads((_CORPUS / f"{part}.toml").read_text(encoding="utf-8"))
        out += [{**d, "part": part} for d in data["draft"]]
    return out


def test_the_draft_corpus_is_large_bilingual_and_labelled_twice() -> None:
    drafts = _drafts()
    assert len(drafts) >= 80
    assert {d["lang"] for d in drafts} == {"fr", "en"}
    assert all({"a", "b", "gold"} <= set(d) for d in drafts)
    good = [d for d in drafts if not d["gold"]]
    alone = {d["gold"][0] for d in drafts if len(d["gold"]) == 1}
    combined = [d for d in drafts if len(d["gold"]) >= 2]
    assert len(good) >= 25 and len(combined) >= 15
    assert alone == set(FAILING_RULES), "each violation alone"


@pytest.mark.parametrize("part", ["dev", "heldout", "review"])
def test_the_checker_agrees_with_the_labelled_drafts(part: str) -> None:
    drafts = [d for d in _drafts() if d["part"] == part]
    right = sum(check(d["text"], d["lang"]).ok == (not d["gold"]) for d in drafts)
    assert right / len(drafts) >= 0.9


def test_every_rewrite_of_a_failing_draft_passes_and_each_missed_rule_names_words() -> None:
    for d in _drafts():
        result = check(d["text"], d["lang"])
        assert all(r.evidence for r in result.missed), d["id"]
        if not result.ok:
            assert result.rewrite and check(result.rewrite, d["lang"]).ok, (d["id"], result.rewrite)


# --------------------------------------------------------------------------- a clinician's review


def test_a_consent_question_is_an_invitation_in_both_wordings() -> None:
    for text in (
        "Tout à l'heure, quand j'ai parlé du tableau, je crois que j'y suis allée un peu fort. "
        "Est-ce qu'on peut prendre un moment pour regarder ça ensemble ?",
        "Accepteriez-vous qu'on s'arrête un instant sur ce qui vient de se passer entre nous ?",
    ):
        assert check(text, "fr").ok, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "I'm sorry you feel that way, but I was only trying to help. "
            "Anyway, let's get back to the exercise.",
            "en",
        ),
        (
            "Je suis désolée que vous le preniez comme ça, mais je voulais seulement vous aider. "
            "Bon, revenons à l'exercice.",
            "fr",
        ),
    ],
)
def test_a_non_apology_that_moves_on_fails_and_its_rewrite_drops_it(text: str, lang: str) -> None:
    result = check(text, lang)
    assert {r.rule for r in result.missed} == {"blame", "collaboration"}
    assert result.rewrite is not None and check(result.rewrite, lang).ok
    assert "aider" not in result.rewrite and "help" not in result.rewrite
    assert "exercice" not in result.rewrite and "exercise" not in result.rewrite
    # the non-apology becomes a real one, about one's own way of saying it
    assert (
        "la façon dont je vous l'ai dit" in result.rewrite or "the way I said it" in result.rewrite
    )


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I wonder if this is what happens with your father, with me.", "en"),
        ("I wonder if you're angry with me because I remind you of your father?", "en"),
        ("Je me demande si ce qui se passe avec votre père ne se rejoue pas avec moi.", "fr"),
    ],
)
def test_a_transference_link_is_an_interpretation_even_when_wondered(text: str, lang: str) -> None:
    assert "interpretation" in {r.rule for r in check(text, lang).missed}


def test_polite_blame_is_still_blame() -> None:
    polite = [
        ("I'd really appreciate it if you could make a bit more effort between sessions.", "en"),
        ("Je vous serais reconnaissante de faire un petit effort entre les séances.", "fr"),
        ("I'm sorry if you took it the wrong way. What happened for you?", "en"),
    ]
    for text, lang in polite:
        assert "blame" in {r.rule for r in check(text, lang).missed}, text
    # a real apology is not blame
    assert check(
        "I'm sorry, I pushed too hard on the sleep diary a moment ago. "
        "Can we take a moment to look at that together?",
        "en",
    ).ok
