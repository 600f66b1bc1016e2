"""Boosted decision trees evaluated with numpy: the non-linear half of the presence score.

A linear head reads each feature on its own; a coder reads them together ("a short reply" means
withdrawal after an open invitation, nothing after a closed question). Gradient-boosted trees
learn such conjunctions from the labelled sessions. They are fitted with scikit-learn's
``HistGradientBoostingClassifier`` by ``raccord.learn`` and shipped as plain arrays (one row of
nodes per tree), so the analysis needs numpy only.

The trees read the scalar features as they are and the sentence vectors through a projection on
their principal axes (``components``), fitted on the training rows: a few dozen directions of
meaning instead of a thousand raw dimensions, which trees split poorly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Forest:
    """Trees over ``[x[:, scalars], (x[:, vectors] - centre) @ components.T]``."""

    scalars: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.int64]
    centre: npt.NDArray[np.float64]
    components: npt.NDArray[np.float64]  # (k, len(vectors))
    #: One row per tree, padded with leaves of value 0 (``left``/``right`` index the same row).
    feature: npt.NDArray[np.int64]
    threshold: npt.NDArray[np.float64]
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    leaf: npt.NDArray[np.bool_]
    value: npt.NDArray[np.float64]
    baseline: float
    #: The same trees laid flat for traversal (``_flat``): node ``i`` of tree ``t`` is
    #: ``t * width + i``, a leaf points to itself and never moves on.
    _feature: npt.NDArray[np.intp] = field(init=False, repr=False, compare=False)
    _threshold: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _child: npt.NDArray[np.intp] = field(init=False, repr=False, compare=False)
    _roots: npt.NDArray[np.intp] = field(init=False, repr=False, compare=False)
    _depth: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        trees, width = self.feature.shape
        roots = np.arange(trees, dtype=np.intp) * width
        here = roots[:, None] + np.arange(width, dtype=np.intp)[None, :]
        left = np.where(self.leaf, here, self.left + roots[:, None])
        right = np.where(self.leaf, here, self.right + roots[:, None])
        flat = {
            "_feature": np.where(self.leaf, 0, self.feature).astype(np.intp).ravel(),
            "_threshold": np.where(self.leaf, np.inf, self.threshold).ravel(),
            # children side by side: node i goes to _child[2 * i + (went right)]
            "_child": np.stack([left.ravel(), right.ravel()], axis=1).astype(np.intp).ravel(),
            "_roots": roots,
            "_depth": _depth(self.left, self.right, self.leaf),
        }
        for name, value in flat.items():
            object.__setattr__(self, name, value)

    def inputs(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The trees' input columns for rows of model features."""
        parts = [x[:, self.scalars]]
        if len(self.vectors):
            parts.append((x[:, self.vectors] - self.centre) @ self.components.T)
        return np.hstack(parts)

    def proba(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probability of the positive class, one value per row.

        Every row walks every tree at once, one level per step, for as many steps as the deepest
        tree has levels (leaves stay put); a row goes right when its value is not ``<=`` the
        threshold, as scikit-learn decides."""
        z = self.inputs(x)
        n, width = z.shape
        values = z.ravel()
        row_start = (np.arange(n, dtype=np.intp) * width)[:, None]
        node = np.tile(self._roots, (n, 1))
        for _ in range(self._depth):
            seen = values.take(row_start + self._feature.take(node))
            went_right = ~(seen <= self._threshold.take(node))
            node = self._child.take(2 * node + went_right)
        raw = self.baseline + self.value.ravel().take(node).sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-raw)), dtype=np.float64)

    def arrays(self, prefix: str) -> dict[str, Any]:
        """The arrays to store in a weight file under ``prefix``."""
        return {
            f"{prefix}_scalars": self.scalars.astype(np.int32),
            f"{prefix}_vectors": self.vectors.astype(np.int32),
            f"{prefix}_centre": self.centre.astype(np.float64),
            f"{prefix}_components": self.components.astype(np.float64),
            f"{prefix}_feature": self.feature.astype(np.int16),
            f"{prefix}_threshold": self.threshold.astype(np.float64),
            f"{prefix}_left": self.left.astype(np.int16),
            f"{prefix}_right": self.right.astype(np.int16),
            f"{prefix}_leaf": self.leaf,
            f"{prefix}_value": self.value.astype(np.float64),
            f"{prefix}_baseline": np.asarray(self.baseline, dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> Forest:
        def get(name: str, dtype: Any) -> Any:
            return np.asarray(data[f"{prefix}_{name}"], dtype=dtype)

        return cls(
            scalars=get("scalars", np.int64),
            vectors=get("vectors", np.int64),
            centre=get("centre", np.float64),
            components=get("components", np.float64),
            feature=get("feature", np.int64),
            threshold=get("threshold", np.float64),
            left=get("left", np.int64),
            right=get("right", np.int64),
            leaf=get("leaf", np.bool_),
            value=get("value", np.float64),
            baseline=float(get("baseline", np.float64)),
        )


def _depth(
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], leaf: npt.NDArray[np.bool_]
) -> int:
    """The number of splits on the longest path from a root to a leaf, over all trees."""
    level = np.zeros(leaf.shape, dtype=np.int64)  # nodes are numbered parents first
    for k in range(leaf.shape[0]):
        for i in np.flatnonzero(~leaf[k]):
            level[k, left[k, i]] = level[k, right[k, i]] = level[k, i] + 1
    return int(level.max()) if level.size else 0


def from_sklearn(
    model: Any,
    scalars: npt.NDArray[np.int64],
    vectors: npt.NDArray[np.int64],
    centre: npt.NDArray[np.float64],
    components: npt.NDArray[np.float64],
) -> Forest:
    """A ``Forest`` from a fitted binary ``HistGradientBoostingClassifier`` (numeric splits
    only, no missing values in the data it was fitted on)."""
    trees = [p[0].nodes for p in model._predictors]
    width = max(len(t) for t in trees)
    shape = (len(trees), width)
    feature = np.zeros(shape, dtype=np.int64)
    threshold = np.zeros(shape)
    left = np.zeros(shape, dtype=np.int64)
    right = np.zeros(shape, dtype=np.int64)
    leaf = np.ones(shape, dtype=bool)
    value = np.zeros(shape)
    for k, nodes in enumerate(trees):
        n = len(nodes)
        feature[k, :n] = nodes["feature_idx"]
        threshold[k, :n] = nodes["num_threshold"]
        left[k, :n] = nodes["left"]
        right[k, :n] = nodes["right"]
        leaf[k, :n] = nodes["is_leaf"].astype(bool)
        value[k, :n] = np.where(leaf[k, :n], nodes["value"], 0.0)
    return Forest(
        scalars=scalars,
        vectors=vectors,
        centre=centre,
        components=components,
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        leaf=leaf,
        value=value,
        baseline=float(np.ravel(model._baseline_prediction)[0]),
    )
