"""Third persons out of a pseudonymised report, in French and in English.

A patient talks about a brother, an aunt, a neighbour, a son, an ex-partner's companion: with the
``nlp`` extra (spaCy's small models from their packages, ``raccord.nlp``) the report replaces
their names by [person] / [personne] and keeps every other word. Words that are also first names
("Will", "May", "Grace", « rose ») show what it does and where it stops: a name the session uses
as a name is replaced everywhere it is capitalised, also where it is the ordinary word at the
start of a sentence ("Will you tell me more?"); written in lower case, the word stays.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES, require_nlp

pytest.importorskip("jinja2")

from raccord import nlp
from raccord.errors import MissingExtraError
from raccord.export import to_json
from raccord.io import load
from raccord.pipeline import analyze
from raccord.report import names, view
from raccord.store.records import transcript_rows

NAMES = FIXTURES / "names"


def _turns(name: str, **options: object) -> list[str]:
    transcript = load(NAMES / name)[0]
    v = view.build(
        to_json(analyze(transcript, mode="fast")), transcript_rows(transcript), **options
    )
    return [t.text for t in v.turns]


def test_an_english_patient_s_brother_aunt_friend_and_neighbour_are_not_named() -> None:
    require_nlp("en")
    said = _turns("session-en-names.txt")
    text = "\n".join(said)
    for name in ("Will", "Dev", "Patel", "Grace"):
        assert f"my brother {name}" not in text and f"{name} called" not in text
    assert said[1] == (
        "With my brother [person], I think. He called on Sunday and we ended up shouting again."
    )
    assert said[3].endswith("My friend [person] says I should stop picking up when he calls.")
    assert said[7].startswith("Yes. Mrs [person], the neighbour, was the one who drove her")
    assert said[9] == (
        "Maybe. [person], my aunt, told me nobody expected me to be there. [person] always says that."
    )


def test_english_words_that_are_also_names_stay_words_unless_the_session_names_someone_so() -> None:
    require_nlp("en")
    said = _turns("session-en-names.txt")
    # "May" is a month here, never a person: kept, as is "may" the verb
    assert said[5].endswith("May was the worst month for this last year.")
    assert said[6] == "May, around your mother's surgery?"
    assert said[8].startswith("I may be wrong")
    # "grace" in lower case is a word, "Mum" a kinship word, "hope" a verb: all kept
    assert said[11] == (
        "By the grace of God Mum pulled through. I just hope I can keep my job and still be a "
        "good son."
    )
    # the limit: "Will" is the brother's name in this session, so the auxiliary that opens a
    # question is replaced too (a name left in a report would be worse than a word lost)
    assert (
        said[4] == "That sounds like a lot to carry. [person] you tell me more about what you felt?"
    )


def test_a_french_patient_s_son_sister_and_neighbours_are_not_named() -> None:
    require_nlp("fr")
    said = _turns("seance-fr-names.txt")
    text = "\n".join(said)
    for name in ("Théo", "Nathalie", "Karim", "Rose", "Durand", "Pierre"):
        assert name not in text, name
    assert said[1] == (
        "Par mon fils [personne], je crois. Il ne me parle plus depuis la fête chez [personne]."
    )
    assert said[7] == (
        "Bien. Mme [personne], ma voisine, dit que [personne] est la seule qui me supporte. "
        "[personne], mon collègue, dit pareil."
    )
    # « une rose » is a flower, « Je sais pas » stays as spoken
    assert "J'ai offert une rose à ma mère le lendemain, pour me calmer." in said[5]
    assert said[9] == (
        "Oui. Enfin, je sais pas. Je voudrais juste que [personne] revienne me voir le week-end."
    )
    kept = _turns("seance-fr-names.txt", keep_names=True)
    assert "Par mon fils Théo" in kept[1] and "[personne]" not in "\n".join(kept)


def test_the_therapist_s_words_are_kept_around_the_names() -> None:
    require_nlp("en")
    require_nlp("fr")
    en = _turns("session-en-names.txt")
    fr = _turns("seance-fr-names.txt")
    assert en[0] == "Good morning. Where would you like to start today?"
    assert en[10] == "And what do you make of what she says?"
    assert fr[4] == "Qu'avez-vous ressenti à ce moment-là ?"
    assert fr[8] == "Vous semblez très seul dans tout ça."


def test_without_the_model_only_the_speaker_names_are_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RACCORD_NLP", "off")
    assert not names.available("en")
    assert names.person_names(["My friend Dev said I should quit."], "en") == set()
    said = _turns("session-en-names.txt")
    assert "With my brother Will" in said[1]


def test_a_missing_model_is_an_error_that_names_the_extra() -> None:
    with pytest.raises(MissingExtraError, match=r"raccord\[nlp\].*no-such-model"):
        nlp._load("no_such_model", "no-such-model")


def test_a_feast_a_place_or_a_band_after_an_article_is_not_a_person() -> None:
    """« la Toussaint » was replaced by « la [personne] » in the demo's report."""
    require_nlp("fr")
    require_nlp("en")
    fr = names.person_names(
        [
            "Il a changé les dates de la Toussaint sans me prévenir, et c'est Théo qui me l'a dit.",
            "On est allés au Louvre avec Théo dimanche.",
        ],
        "fr",
    )
    assert "Théo" in fr and not {"Toussaint", "Louvre"} & fr
    en = names.person_names(["We saw the Beatles tribute with my brother Will on Sunday."], "en")
    assert "Will" in en and "Beatles" not in en


def test_a_surname_after_a_title_is_a_name_and_an_interjection_after_a_note_is_not() -> None:
    """A reviewer found « c'est que Garnier a laissé un bazar » quoted in a report marked
    pseudonymised: the small model misses surnames; « monsieur Garnier » says it is one. And
    « [silence 4s] Ben… » is the interjection, not a name in mid-sentence."""
    require_nlp("fr")
    require_nlp("en")
    fr = names.person_names(
        [
            "Bonjour monsieur Lemercier. Installez-vous.",
            "[silence 4s] Ben... j'ai honte. On va retenir que Lemercier a laissé un bazar.",
        ],
        "fr",
    )
    assert "Lemercier" in fr and "Ben" not in fr
    en = names.person_names(["Good morning, Mrs Okafor. Have a seat."], "en")
    assert "Okafor" in en
