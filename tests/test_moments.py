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
        Span((10, 11), False, "no"),
        Span((20, 21), True, "yes"),
        Span((30, 31), False, "partly"),
    ]
    spots = [Spot(t, s, c) for t, s, c in [(2, 3, 0.9), (10, 2, 0.6), (11, 2, 0.6)]]
    spots += [Spot(t, s, c) for t, s, c in [(20, 4, 0.8), (21, 3, 0.8), (30, 3, 0.7), (31, 2, 0.7)]]
    chosen = moments.choose(spans, spots)
    assert [(s.turn, e) for s, e in chosen] == [(10, 1), (20, 2), (30, 3)]


def test_a_one_marker_episode_is_a_moment_only_when_the_scorer_is_sure() -> None:
    """Out of fold, a one-marker episode is a coded marker a third of the time (three in four
    for two markers or more): blind reads found the summary's first moments were engagement — a
    hope told with a laugh, grief, anger at a ministry — each alone in its episode."""
    spans = [Span((4,), False, "no"), Span((16,), False, "no"), Span((30, 32), True, "yes")]
    spots = [Spot(4, 3, 0.72), Spot(16, 3, 0.84), Spot(30, 3, 0.81), Spot(32, 4, 0.78)]
    chosen = moments.choose(spans, spots)
    # the two-marker macro-rupture first, the unsure lone one after it, the doubtful one left out
    assert [(s.turn, e) for s, e in chosen] == [(16, 1), (32, 2)]
    assert [e for _, e in moments.choose(spans, spots, limit=1)] == [2]
    spots[0] = Spot(4, 3, 0.93)  # a sure one stands on its own, unresolved first
    assert [e for _, e in moments.choose(spans, spots, limit=2)] == [0, 2]


def test_a_marker_the_therapist_invited_does_not_stand_for_its_episode() -> None:
    spots = [Spot(5, 3, 0.9), Spot(7, 2, 0.6)]
    ((spot, _),) = moments.choose([Span((5, 7), False, "yes")], spots, invited={5})
    assert spot.turn == 7


def test_lone_markers_fill_in_sure_ones_first_then_by_salience() -> None:
    spots = [
        Spot(3, 2, 0.9),
        Spot(8, 3, 0.6),
        Spot(12, 3, 0.85),
        Spot(15, 2, 0.95),
        Spot(20, 3, 0.8),
    ]
    chosen = moments.choose([], spots, limit=3)
    assert [(s.turn, e) for s, e in chosen] == [(3, None), (12, None), (15, None)]
    assert [s.turn for s, _ in moments.choose([], spots, limit=4)] == [3, 12, 15, 20]


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
