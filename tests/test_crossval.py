"""Cross-validation never lets a session, or its translation, be both trained on and scored."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from raccord.learn.fit import best_threshold, group_folds


@given(
    st.lists(st.sampled_from(["annomi", "psy"]), min_size=5, max_size=60),
    st.integers(2, 6),
    st.integers(0, 10_000),
)
def test_folds_partition_the_sessions_by_group(sources: list[str], k: int, seed: int) -> None:
    # an English session and its French rendering share one group id
    groups = [f"{src}-{n}" for n, src in enumerate(sources)] * 2
    folds = group_folds(groups, k, seed)
    assert len(folds) == k
    seen = [g for fold in folds for g in fold]
    assert sorted(seen) == sorted(set(groups)), "every group in exactly one fold"
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1


def test_folds_are_reproducible_from_the_seed() -> None:
    groups = [f"annomi-{n}" for n in range(30)] + [f"psy-fr-{n:02d}" for n in range(10)]
    assert group_folds(groups, 5, 7) == group_folds(groups, 5, 7)
    # each fold holds psychotherapy sessions as well as AnnoMI ones
    assert all(any(g.startswith("psy") for g in fold) for fold in group_folds(groups, 5, 7))


def test_threshold_is_the_one_that_maximises_f1() -> None:
    gold = np.array([True, True, False, False, False, True])
    prob = np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.3])
    t, f1 = best_threshold(gold, prob)
    # at t in (0.2, 0.3] the three true markers are found with one false alarm: F1 6/7
    assert 0.2 < t <= 0.3
    assert abs(f1 - 6 / 7) < 1e-9


def test_on_a_plateau_of_f1_the_middle_threshold_is_taken() -> None:
    # ten markers; up to 0.4 all ten are found with three false alarms (F1 20/23 ≈ 0.870), up
    # to 0.9 eight with one (F1 16/19 ≈ 0.842), up to 0.95 none with one false alarm kept
    gold = np.array([True] * 10 + [False] * 10)
    prob = np.array([0.9] * 8 + [0.4] * 2 + [0.95] + [0.4] * 2 + [0.1] * 7)
    low, best = best_threshold(gold, prob)
    assert 0.1 < low <= 0.4 and abs(best - 20 / 23) < 1e-9
    # within 0.03 of the best: every threshold from 0.11 to 0.90 (80 of them); the middle one
    # is 0.50 (the lower of 0.50 and 0.51), with its own F1
    middle, f1 = best_threshold(gold, prob, plateau=0.03)
    assert middle == 0.5 and abs(f1 - 16 / 19) < 1e-9
    # a narrow plateau keeps the best F1: the band is 0.11–0.40, its middle 0.25
    assert best_threshold(gold, prob, plateau=0.01) == (0.25, best)


def test_the_blind_round_sessions_are_reported_apart_as_well() -> None:
    """The psychotherapy sessions written for the blind rounds (61 and up, batches k–q) are in
    their language's figures and also in ``psychotherapy-blind/<language>``; nothing else is."""
    from raccord.learn.data import psychotherapy

    sessions = list(psychotherapy())
    blind = {str(s.labels.transcript_id) for s in sessions if s.blind_round}
    ids = {str(s.labels.transcript_id) for s in sessions}
    assert {f"{lang}-{n}" for lang in ("en", "fr") for n in range(61, 102)} == blind
    assert "en-60" in ids and "en-60" not in blind
