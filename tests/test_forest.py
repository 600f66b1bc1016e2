"""The boosted trees shipped as numpy arrays give the probabilities scikit-learn gives."""

from __future__ import annotations

import io

import numpy as np
import pytest

from raccord.detect import learned as L
from raccord.detect.forest import Forest
from raccord.learn.fit import _forest

pytest.importorskip("sklearn")


def _data(seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, 10))
    # A conjunction a linear head cannot read: a short reply *after an open invitation*.
    y = (x[:, 0] > 0.3) & (x[:, 1] > 0.0) | (x[:, 6] > 1.5)
    raw = np.zeros(10, dtype=bool)
    raw[5:] = True  # the last five columns play the sentence vector
    return x, y, raw


def test_numpy_trees_match_scikit_learn() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y, raw = _data()
    forest = _forest(x, y, raw, seed=1)
    from raccord.learn import fit

    reference = HistGradientBoostingClassifier(
        **fit.TREES, class_weight="balanced", early_stopping=False, random_state=1
    ).fit(forest.inputs(x), y)
    expected = reference.predict_proba(forest.inputs(x))[:, 1]
    assert np.allclose(forest.proba(x), expected, atol=1e-9)


def test_trees_learn_the_conjunction() -> None:
    x, y, raw = _data()
    forest = _forest(x, y, raw, seed=1)
    test_x, test_y, _ = _data(seed=4)
    accuracy = float(np.mean((forest.proba(test_x) >= 0.5) == test_y))
    assert accuracy > 0.85


def test_trees_survive_a_weight_file() -> None:
    x, y, raw = _data()
    forest = _forest(x, y, raw, seed=1)
    buffer = io.BytesIO()
    np.savez(buffer, **forest.arrays("forest"))
    buffer.seek(0)
    with np.load(buffer) as data:
        again = Forest.from_arrays(data, "forest")
    assert np.allclose(again.proba(x), forest.proba(x), atol=1e-6)
    assert L.Forest is Forest
