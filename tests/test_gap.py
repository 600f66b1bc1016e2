"""The gap analysis and the calibrated patient rupture score (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

from raccord.detect import scores as S
from raccord.eval.labels import NO_MARKER, ClientLabel
from raccord.learn import calibrate as C
from raccord.learn.crossval import subsample
from raccord.learn.errors import PatientTurn, ranking, tolerant
from raccord.model import Marker
from raccord.taxonomy import MarkerKind, MarkerSubtype

GOLD = ClientLabel(MarkerKind.CONFRONTATION, MarkerSubtype.DEFENDS_SELF, 3)
PRED = Marker(0, MarkerKind.CONFRONTATION, MarkerSubtype.DEFENDS_SELF, 3, 0.8)


def turns(gold: str, pred: str) -> list[PatientTurn]:
    """``"x.x.."`` strings: a coded marker / a found marker on each patient turn."""
    return [
        PatientTurn(k, GOLD if g == "x" else NO_MARKER, PRED if p == "x" else None, 5)
        for k, (g, p) in enumerate(zip(gold, pred, strict=True))
    ]


def test_a_marker_one_turn_off_counts_only_when_offsets_are_allowed() -> None:
    t = turns("x...x..", ".x..x..")
    assert (tolerant(t, 0).tp, tolerant(t, 0).fp, tolerant(t, 0).fn) == (1, 1, 1)
    assert (tolerant(t).tp, tolerant(t).fp, tolerant(t).fn) == (2, 0, 0)


def test_offset_matching_is_one_to_one_and_prefers_exact_hits() -> None:
    # the found marker on turn 1 is an exact hit: it cannot also stand for turn 0 or 2
    t = turns("xxx", ".x.")
    counts = tolerant(t)
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 2)
    assert tolerant(turns("x.x", ".x.")).tp == 1


def test_ranking_figures_of_a_perfect_and_of_a_useless_score() -> None:
    class OOF:
        def __init__(self, p: list[float], t: float) -> None:
            self.probability = np.asarray(p)
            self.threshold = t

    gold = [np.asarray([True, False, False, True])]
    perfect = ranking([OOF([0.9, 0.1, 0.2, 0.8], 0.5)], gold)
    assert perfect["average_precision"] == 1.0
    assert perfect["f1_at_fold_thresholds"] == 1.0
    missed = ranking([OOF([0.3, 0.1, 0.2, 0.8], 0.5)], gold)
    # the missed marker stood at 0.3 against a threshold of 0.5: at least half of it
    assert missed["missed_markers_probability_over_threshold"]["at_least_0.5"] == 1.0


def test_subsample_keeps_the_mix_of_sources_and_is_reproducible() -> None:
    groups = {f"annomi-{n}" for n in range(40)} | {f"psy-{n}" for n in range(8)}
    kept = subsample(groups, 0.25, seed=3)
    assert kept == subsample(groups, 0.25, seed=3)
    assert sum(g.startswith("annomi") for g in kept) == 10
    assert sum(g.startswith("psy") for g in kept) == 2
    assert subsample(groups, 1.0, seed=3) == groups


def _values(n: int, confidence: float, salience: int = 3) -> dict[str, float]:
    markers = [
        Marker(k, MarkerKind.CONFRONTATION, MarkerSubtype.DEFENDS_SELF, salience, confidence)
        for k in range(n)
    ]
    return S.aggregates((), markers, ())


def test_shipped_calibration_reads_as_a_probability() -> None:
    model = S.calibration()
    assert "coder" in model["meaning"]
    none = S.probability(_values(0, 0.0), model)
    one_weak = S.probability(_values(1, 0.3, 2), model)
    several_strong = S.probability(_values(4, 0.9, 4), model)
    assert 0.0 < none < 0.5 < several_strong < 1.0
    assert none < one_weak < several_strong


def test_the_fitted_model_and_the_runtime_formula_agree() -> None:
    rng = np.random.default_rng(0)
    table = []
    for n in range(120):
        k = int(rng.integers(0, 5))
        values = _values(k, float(rng.uniform(0.3, 0.95)) if k else 0.0)
        table.append(
            C.Row(
                f"s{n}",
                f"g{n // 2}",
                "annomi",
                "en",
                "fast/session",
                values,
                rupture=bool(k and rng.random() < 0.8),
                clear=False,
                max_salience=1,
                saturating=0.0,
            )
        )
    model = C.fit(table, ("markers", "max_confidence"), 1.0)
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([[r.values["markers"], r.values["max_confidence"]] for r in table])
    y = [r.rupture for r in table]
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    expected = LogisticRegression(C=1.0, max_iter=5000).fit(z, y).predict_proba(z)[:, 1]
    assert C.predict(table, model) == pytest.approx(expected, abs=1e-4)
    figures = C.figures(table, C.predict(table, model))
    assert figures["auc"] > 0.6
    assert sum(b["n"] for b in figures["reliability"]) == len(table)
