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

from dataclasses import dataclass
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

    def inputs(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The trees' input columns for rows of model features."""
        parts = [x[:, self.scalars]]
        if len(self.vectors):
            parts.append((x[:, self.vectors] - self.centre) @ self.components.T)
        return np.hstack(parts)

    def proba(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probability of the positive class, one value per row."""
        z = self.inputs(x)
        n, trees = z.shape[0], self.feature.shape[0]
        node = np.zeros((n, trees), dtype=np.int64)
        cols = np.arange(trees)[None, :]
        for _ in range(self.feature.shape[1]):
            at_leaf = self.leaf[cols, node]
            if at_leaf.all():
                break
            f = self.feature[cols, node]
            go_left = z[np.arange(n)[:, None], f] <= self.threshold[cols, node]
            step = np.where(go_left, self.left[cols, node], self.right[cols, node])
            node = np.where(at_leaf, node, step)
        raw = self.baseline + self.value[cols, node].sum(axis=1)
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
