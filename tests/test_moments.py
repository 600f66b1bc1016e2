"""The moments that matter: one choice for the text brief and the HTML report."""

from __future__ import annotations

from raccord import moments
from raccord.moments import Span, Spot


def test_an_episode_is_shown_by_its_surest_marker_when_salience_ties() -> None:
    """A blind reading found an episode shown by a doubtful "defends self" (0.88) when the same
    episode held the patient's clear ironic reproach (0.95)."""
    spots = [Spot(14, 3, 0.88), Spot(16, 3, 0.91), Spot(18, 3, 0.95), Spot(20, 3, 0.69)]
    ((spot, episode),) = moments.choose([Span((14, 16, 18, 20), False, "yes")], spots)
    assert (spot.turn, episode) == (18, 0)


def test_unresolved_and_macro_episodes_come_first_and_are_shown_in_session_order() -> None:
    spans = [
        Span((2,), False, "yes"),
        Span((10,), False, "no"),
        Span((20,), True, "yes"),
        Span((30,), False, "partly"),
    ]
    spots = [Spot(2, 3, 0.9), Spot(10, 2, 0.6), Spot(20, 4, 0.8), Spot(30, 3, 0.7)]
    chosen = moments.choose(spans, spots)
    assert [(s.turn, e) for s, e in chosen] == [(10, 1), (20, 2), (30, 3)]


def test_a_marker_the_therapist_invited_does_not_stand_for_its_episode() -> None:
    spots = [Spot(5, 3, 0.9), Spot(7, 2, 0.6)]
    ((spot, _),) = moments.choose([Span((5, 7), False, "yes")], spots, invited={5})
    assert spot.turn == 7


def test_lone_markers_fill_in_by_salience_then_confidence() -> None:
    spots = [Spot(3, 2, 0.9), Spot(8, 3, 0.6), Spot(12, 3, 0.8), Spot(15, 2, 0.95)]
    chosen = moments.choose([], spots, limit=2)
    assert [(s.turn, e) for s, e in chosen] == [(8, None), (12, None)]


def test_a_sure_marker_stands_for_its_episode_before_a_more_salient_unsure_one() -> None:
    """A never-seen session showed the patient accepting the therapist's repair (salience 4,
    confidence 0.67) in place of her « Je m'accroche pas, moi » (salience 3, 0.92)."""
    spots = [Spot(16, 3, 0.92), Spot(26, 4, 0.67)]
    ((spot, _),) = moments.choose([Span((16, 26), True, "yes")], spots)
    assert spot.turn == 16


def test_a_request_for_next_session_is_never_a_moment() -> None:
    """« La prochaine fois, on pourrait parler de l'EHPAD ? » had been shown as avoidant
    storytelling while the open items showed it, rightly, as the session's plan."""
    spots = [Spot(16, 3, 0.92), Spot(36, 2, 0.65)]
    spans = [Span((16,), False, "yes"), Span((36,), False, "yes")]
    chosen = moments.choose(spans, spots, planned={36})
    assert [s.turn for s, _ in chosen] == [16]
