"""Therapist moves read like a supervisor would code them: what the turn does, and whether it
pushes against the client or repairs after a marker."""

from __future__ import annotations

import pytest

from raccord.detect.moves import move_type
from raccord.taxonomy import TherapistMoveType as T


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Mm-hmm.", "en", T.BACKCHANNEL),
        ("D'accord.", "fr", T.BACKCHANNEL),
        ("Hm-hm. Oui.", "fr", T.BACKCHANNEL),
        ("What brings you in today?", "en", T.OPEN_QUESTION),
        ("Qu'est-ce qui vous amène aujourd'hui ?", "fr", T.OPEN_QUESTION),
        ("Comment vous vous sentez depuis la dernière fois ?", "fr", T.OPEN_QUESTION),
        ("Do you smoke every day?", "en", T.CLOSED_QUESTION),
        ("Vous fumez depuis combien de temps ?", "fr", T.CLOSED_QUESTION),
        ("Est-ce que vous buvez le soir ?", "fr", T.CLOSED_QUESTION),
        ("You should really stop drinking.", "en", T.ADVICE_WITHOUT_PERMISSION),
        ("Il faudrait que vous réduisiez un peu le soir.", "fr", T.ADVICE_WITHOUT_PERMISSION),
        ("Is it okay if I share some information about that?", "en", T.ADVICE_WITH_PERMISSION),
        ("Est-ce que je peux vous proposer une idée ?", "fr", T.ADVICE_WITH_PERMISSION),
        (
            "Vous devriez vraiment arrêter de fumer, c'est dangereux pour votre santé.",
            "fr",
            T.CONFRONTING,
        ),
        ("If you keep drinking like this, you'll lose your license.", "en", T.CONFRONTING),
        (
            "I notice that when I brought up your work, you went quiet.",
            "en",
            T.META_COMMUNICATION,
        ),
        (
            "J'ai l'impression que ce que je viens de dire ne vous a pas convenu, on peut en parler ?",
            "fr",
            T.META_COMMUNICATION,
        ),
        (
            "It sounds like part of you wants to stop and part of you doesn't.",
            "en",
            T.COMPLEX_REFLECTION,
        ),
        (
            "Vous vous sentez coincé entre votre travail et votre famille.",
            "fr",
            T.COMPLEX_REFLECTION,
        ),
        ("Ça a tout à fait du sens, vu ce que vous vivez.", "fr", T.VALIDATION),
        ("That took a lot of courage.", "en", T.AFFIRMATION),
        ("Quand j'étais étudiant, moi aussi je fumais.", "fr", T.SELF_DISCLOSURE),
    ],
)
def test_a_supervisor_would_code_the_turn_the_same_way(text: str, lang: str, expected: T) -> None:
    move, evidence = move_type(text, lang)
    assert move is expected
    assert evidence and evidence[0].detail


def test_the_evidence_quotes_the_deciding_sentence_in_the_session_language() -> None:
    move, evidence = move_type(
        "Bon. Fumer, c'est vraiment très mauvais pour la santé, vous savez.", "fr"
    )
    assert move is T.CONFRONTING
    assert "mauvais pour la santé" in (evidence[0].words or "")
    assert "Confrontation" in evidence[0].detail


def test_move_type_is_pure_and_repeatable() -> None:
    first = move_type("So you're not ready to quit right now?", "en")
    assert move_type("So you're not ready to quit right now?", "en") == first
