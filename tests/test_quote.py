"""A quote is shortened at a word's end, never inside a word."""

from __future__ import annotations

from raccord.quote import clip


def test_a_long_quote_ends_on_a_whole_word() -> None:
    said = "les sensations de faim reviennent avec le temps. Vous pensez que c'est faisable ?"
    short = clip(said, 60)
    assert short == "les sensations de faim reviennent avec le temps. Vous…"
    assert len(short) <= 60


def test_a_quote_that_fits_is_whole_on_one_line() -> None:
    assert clip("Bon.\n  Ça va.", 40) == "Bon. Ça va."


def test_one_long_word_is_cut_where_it_must() -> None:
    assert clip("a" * 50, 10) == "a" * 9 + "…"


def test_a_quote_cut_after_a_sentence_ends_with_one_mark() -> None:
    said = "La première nuit, plutôt bien, en fait. La deuxième, y a un patient qui s'est mis à hurler."
    assert clip(said, 42) == "La première nuit, plutôt bien, en fait…"
