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
