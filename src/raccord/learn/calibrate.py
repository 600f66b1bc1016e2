"""Calibrating the patient rupture score on out-of-fold detections against the sessions' coding.

Truth per session: did the coders mark at least one rupture marker in it ("rupture"), and was one
of them clear (salience 3 or more, "clear"). The score's inputs are ``detect.scores.aggregates``
of what a detector that never saw the session found in it (``learn.outoffold``), in each mode and
context (fast/full × session/live: the score does not know which ran, so one calibration serves
all four). The model is a logistic regression; its feature set and regularisation are chosen by
inner grouped cross-validation (log-loss), and its out-of-fold figures (AUC, Brier score,
reliability by bins) come from an outer grouped cross-validation: a session, its translation and
its four detections always fall in the same fold.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.detect import Prepared
from raccord.detect import scores as S
from raccord.eval.metrics import roc_auc, rounded, spearman
from raccord.learn.data import Labelled
from raccord.model import Detection
from raccord.taxonomy import Role, Severity

#: Feature sets tried by inner CV, smallest first.
FEATURE_SETS: tuple[tuple[str, ...], ...] = (
    ("load",),
    ("load", "max_confidence"),
    ("markers", "max_confidence"),
    ("load", "markers", "max_confidence", "top3_confidence", "max_salience"),
    ("load", "max_confidence", "top3_confidence", "confrontation", "withdrawal", "unresolved"),
    (
        "load",
        "salience_density",
        "episodes",
        "markers",
        "max_confidence",
        "top3_confidence",
        "max_salience",
        "confrontation",
        "withdrawal",
        "unresolved",
        "macro",
        "patient_turns",
        "density",
    ),
)
GRID = (0.1, 1.0, 10.0)
OUTER = 5
INNER = 4
SEED = 20261205
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
MEANING = (
    "probability that a coder following ANNOTATION.md would mark at least one rupture marker in "
    "the session's patient turns, given what the detector found"
)


@dataclass(frozen=True, slots=True)
class Row:
    """One session's detection in one mode and context, with the coders' session truth."""

    key: str
    group: str
    source: str
    language: str
    run: str  # "fast/session"…
    values: Mapping[str, float]
    rupture: bool
    clear: bool
    max_salience: int
    saturating: float  # the score before calibration, for comparison


def saturating(ready: Prepared, detection: Detection) -> float:
    """The score this calibration replaced (marker salience density, episodes and macro
    episodes through 1 − exp(−load)), kept to compare with."""
    n = sum(1 for s in ready.signals if s.role is Role.PATIENT)
    if not detection.markers or n == 0:
        return 0.0
    density = sum(m.salience - 1 for m in detection.markers) / n
    macro = sum(1 for e in detection.episodes if e.severity is Severity.MACRO)
    return 1.0 - math.exp(-(4.0 * density + 0.15 * len(detection.episodes) + 0.5 * macro))


def rows(
    sessions: Sequence[Labelled],
    ready: Mapping[str, Prepared],
    detections: Mapping[str, Detection],
    run: str,
) -> list[Row]:
    out: list[Row] = []
    for s in sessions:
        d = detections[s.key]
        gold = [g.salience for g in s.labels.client.values() if g.present]
        out.append(
            Row(
                key=s.key,
                group=s.group,
                source=s.source,
                language=s.language,
                run=run,
                values=S.aggregates(ready[s.key].signals, d.markers, d.episodes),
                rupture=bool(gold),
                clear=any(v >= 3 for v in gold),
                max_salience=max(gold, default=1),
                saturating=saturating(ready[s.key], d),
            )
        )
    return out


def _matrix(table: Sequence[Row], features: Sequence[str]) -> npt.NDArray[np.float64]:
    return np.asarray([[r.values[f] for f in features] for r in table], dtype=np.float64)


def fit(
    table: Sequence[Row], features: Sequence[str], c: float, target: str = "rupture"
) -> dict[str, Any]:
    """A logistic model of ``target`` on ``features``, as the dict ``scores.probability`` reads."""
    from sklearn.linear_model import LogisticRegression

    x = _matrix(table, features)
    y = np.asarray([getattr(r, target) for r in table], dtype=int)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((x - mean) / scale, y)
    return {
        "features": list(features),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "C": c,
    }


def predict(table: Sequence[Row], model: Mapping[str, Any]) -> npt.NDArray[np.float64]:
    return np.asarray([S.probability(r.values, model) for r in table], dtype=np.float64)


def folds(groups: Sequence[str], k: int, seed: int) -> list[set[str]]:
    unique = sorted(set(groups))
    random.Random(seed).shuffle(unique)
    return [set(unique[n::k]) for n in range(k)]


def _log_loss(y: npt.NDArray[np.bool_], p: npt.NDArray[np.float64]) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def choose(table: Sequence[Row], target: str = "rupture", seed: int = SEED) -> dict[str, Any]:
    """Feature set and C by grouped CV log-loss on ``table``, then fitted on all of it."""
    inner = folds([r.group for r in table], INNER, seed)
    y = np.asarray([getattr(r, target) for r in table], dtype=bool)
    best: tuple[float, tuple[str, ...], float] | None = None
    for features in FEATURE_SETS:
        for c in GRID:
            p = np.zeros(len(table))
            for fold in inner:
                train = [r for r in table if r.group not in fold]
                test = [n for n, r in enumerate(table) if r.group in fold]
                model = fit(train, features, c, target)
                p[test] = predict([table[n] for n in test], model)
            loss = _log_loss(y, p)
            if best is None or loss < best[0]:
                best = (loss, features, c)
    assert best is not None
    model = fit(table, best[1], best[2], target)
    model["inner_cv_log_loss"] = round(best[0], 4)
    return model


def out_of_fold(
    table: Sequence[Row], target: str = "rupture", seed: int = SEED
) -> npt.NDArray[np.float64]:
    """Each row's calibrated probability from a model (features and C chosen inside) that did
    not see its group."""
    p = np.zeros(len(table))
    for n, fold in enumerate(folds([r.group for r in table], OUTER, seed)):
        train = [r for r in table if r.group not in fold]
        test = [k for k, r in enumerate(table) if r.group in fold]
        model = choose(train, target, seed + n + 1)
        p[test] = predict([table[k] for k in test], model)
    return p


def figures(
    table: Sequence[Row], prob: npt.NDArray[np.float64], target: str = "rupture"
) -> dict[str, Any]:
    """AUC, Brier score, log-loss and reliability of ``prob`` against ``target``."""
    y = np.asarray([getattr(r, target) for r in table], dtype=bool)
    out: dict[str, Any] = {
        "n": len(table),
        "positives": int(y.sum()),
        "auc": rounded(roc_auc(prob.tolist(), y.tolist()), 3),
        "brier": rounded(float(np.mean((prob - y) ** 2)), 4),
        "brier_of_the_base_rate": rounded(float(np.mean((y.mean() - y) ** 2)), 4),
        "log_loss": rounded(_log_loss(y, prob), 4),
    }
    bins = []
    for lo, hi in itertools.pairwise(BINS):
        inside = (prob >= lo) & ((prob < hi) | (hi == 1.0))
        if inside.any():
            bins.append(
                {
                    "range": [lo, hi],
                    "n": int(inside.sum()),
                    "mean_score": rounded(float(prob[inside].mean()), 3),
                    "share_coded_with_rupture": rounded(float(y[inside].mean()), 3),
                }
            )
    out["reliability"] = bins
    return out


def severity(table: Sequence[Row], prob: npt.NDArray[np.float64]) -> dict[str, Any]:
    """Does the score also order sessions by how clear their rupture is?"""
    with_rupture = [n for n, r in enumerate(table) if r.rupture]
    clear = [table[n].clear for n in with_rupture]
    ranks = spearman(prob.tolist(), [float(r.max_salience) for r in table])
    return {
        "auc_clear_vs_mild_among_sessions_with_rupture": rounded(
            roc_auc([float(prob[n]) for n in with_rupture], clear), 3
        ),
        "spearman_with_the_highest_coded_salience": rounded(ranks, 3),
    }
