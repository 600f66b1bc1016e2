"""Agreement figures between a detector and human labels, written out so they can be checked by hand.

These are the statistics researchers quote when they compare coders: precision / recall / F1 for
"did you find the markers", Cohen's kappa for chance-corrected agreement, ROC-AUC for "does the
session score rank bad sessions above good ones", each with a seeded bootstrap interval so that a
figure from 25 sessions is never read as more precise than it is. Only numpy is used (no sklearn at
run time). An undefined figure (no positive case, one class only) is ``nan``, never a made-up 0 or 1;
``rounded`` turns it into ``None`` for JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_BOOT = 2000
DEFAULT_SEED = 20261123


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts of a detection task and the figures they give.

    ``precision`` is ``nan`` when nothing was predicted, ``recall`` when there was nothing to find,
    ``f1`` when both (there is no task). F1 is ``2tp / (2tp + fp + fn)``, which equals the harmonic
    mean whenever both are defined and is 0 (not ``nan``) when one side is empty and the other not.
    """

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def prf(gold: Sequence[bool], pred: Sequence[bool]) -> PRF:
    """Counts for a presence task over aligned items (one bool per utterance on each side)."""
    _same_length(gold, pred)
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    return PRF(tp, fp, fn)


def per_label_prf(gold: Sequence[V], pred: Sequence[V], labels: Iterable[V]) -> dict[V, PRF]:
    """One-vs-rest counts for each label (used for each contribution and repair strategy)."""
    return {label: prf([g == label for g in gold], [p == label for p in pred]) for label in labels}


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa for two coders' nominal labels of the same items.

    ``(p_o - p_e) / (1 - p_e)``; ``nan`` when chance agreement is 1 (both coders used one and the
    same label throughout: agreement is perfect but says nothing) or when there are no items.
    """
    _same_length(a, b)
    n = len(a)
    if n == 0:
        return math.nan
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a: dict[Hashable, int] = {}
    count_b: dict[Hashable, int] = {}
    for x in a:
        count_a[x] = count_a.get(x, 0) + 1
    for y in b:
        count_b[y] = count_b.get(y, 0) + 1
    expected = sum(count_a[k] * count_b.get(k, 0) for k in count_a) / (n * n)
    if math.isclose(expected, 1.0):
        return math.nan
    return (observed - expected) / (1 - expected)


def weighted_kappa(a: Sequence[int], b: Sequence[int], categories: Sequence[int]) -> float:
    """Quadratic-weighted kappa for an ordinal scale (salience 1–5): near misses cost little.

    ``1 - sum(w * O) / sum(w * E)`` with ``w = (i - j)^2 / (k - 1)^2``; ``nan`` when the
    expected disagreement is 0.
    """
    _same_length(a, b)
    if not a:
        return math.nan
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[index[x], index[y]] += 1
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    grid = np.arange(k)
    weights = (grid[:, None] - grid[None, :]) ** 2 / max(k - 1, 1) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0:
        return math.nan
    return 1.0 - float((weights * observed).sum()) / denominator


def accuracy(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Share of items on which the two sides agree; ``nan`` with no items."""
    _same_length(a, b)
    return _ratio(sum(1 for x, y in zip(a, b, strict=True) if x == y), len(a))


# --------------------------------------------------------------------------- ROC-AUC


def _average_ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    ranks = np.empty(len(values), dtype=np.float64)
    start = 0
    n = len(values)
    while start < n:
        stop = start + 1
        while stop < n and ordered[stop] == ordered[start]:
            stop += 1
        ranks[order[start:stop]] = (start + stop + 1) / 2.0
        start = stop
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (ties share their mean rank); NaN when either side is
    constant."""
    _same_length(a, b)
    x = _average_ranks(np.asarray(a, dtype=np.float64))
    y = _average_ranks(np.asarray(b, dtype=np.float64))
    if len(x) < 2 or np.all(x == x[0]) or np.all(y == y[0]):
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def roc_auc(scores: Sequence[float], positive: Sequence[bool]) -> float:
    """Probability that a random positive scores above a random negative (ties count half).

    Computed as the Mann–Whitney U statistic over rank sums, which is exactly the area under the
    ROC curve; ``nan`` when one class is empty.
    """
    _same_length(scores, positive)
    values = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(positive, dtype=bool)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    ranks = _average_ranks(values)
    u = float(ranks[labels].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


# --------------------------------------------------------------------------- bootstrap


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with its percentile bootstrap interval."""

    value: float
    low: float
    high: float
    n_boot: int
    seed: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": rounded(self.value),
            "ci95": [rounded(self.low), rounded(self.high)],
            "n_boot": self.n_boot,
            "seed": self.seed,
        }


def _percentiles(samples: npt.NDArray[np.float64], level: float) -> tuple[float, float]:
    samples = samples[~np.isnan(samples)]
    if samples.size == 0:
        return math.nan, math.nan
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(samples, [tail, 100.0 - tail])
    return float(low), float(high)


def roc_auc_ci(
    scores: Sequence[float],
    positive: Sequence[bool],
    *,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """ROC-AUC with a stratified bootstrap interval.

    Positives and negatives are resampled separately, keeping the class sizes fixed, so that no
    resample lacks a class (the usual choice for AUC with small samples).
    """
    values = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(positive, dtype=bool)
    point = roc_auc(values.tolist(), labels.tolist())
    pos = np.flatnonzero(labels)
    neg = np.flatnonzero(~labels)
    if pos.size == 0 or neg.size == 0:
        return Interval(point, math.nan, math.nan, n_boot, seed)
    rng = np.random.default_rng(seed)
    samples = np.empty(n_boot, dtype=np.float64)
    for b in range(n_boot):
        p = values[rng.choice(pos, size=pos.size, replace=True)]
        q = values[rng.choice(neg, size=neg.size, replace=True)]
        # Mann–Whitney on the resample, pairwise: exact and fast for a few hundred items.
        greater = (p[:, None] > q[None, :]).sum()
        ties = (p[:, None] == q[None, :]).sum()
        samples[b] = (greater + 0.5 * ties) / (p.size * q.size)
    low, high = _percentiles(samples, level)
    return Interval(point, low, high, n_boot, seed)


def prf_ci(
    per_unit: Sequence[PRF],
    *,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """F1 pooled over units (sessions) with a cluster bootstrap interval.

    Utterances of one session are not independent (one client, one therapist, one style), so
    sessions, not utterances, are resampled: the interval reflects how much the figure would move
    with another set of sessions.
    """
    counts = np.asarray([[u.tp, u.fp, u.fn] for u in per_unit], dtype=np.float64).reshape(-1, 3)
    total = PRF(*(int(c) for c in counts.sum(axis=0))) if len(counts) else PRF(0, 0, 0)
    if len(counts) == 0:
        return Interval(math.nan, math.nan, math.nan, n_boot, seed)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(counts), size=(n_boot, len(counts)))
    sums = counts[picks].sum(axis=1)
    tp, fp, fn = sums[:, 0], sums[:, 1], sums[:, 2]
    den = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(den > 0, 2 * tp / np.where(den > 0, den, 1), np.nan)
    low, high = _percentiles(f1, level)
    return Interval(total.f1, low, high, n_boot, seed)


def span_ci(
    per_unit: Sequence[SpanMatch],
    *,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """Episode overlap F1 pooled over sessions, with a cluster bootstrap interval over sessions."""
    total = sum(per_unit, SpanMatch(0, 0, 0, 0))
    if not per_unit:
        return Interval(math.nan, math.nan, math.nan, n_boot, seed)
    counts = np.asarray(
        [[u.matched_pred, u.n_pred, u.matched_gold, u.n_gold] for u in per_unit], dtype=np.float64
    )
    rng = np.random.default_rng(seed)
    sums = counts[rng.integers(0, len(counts), size=(n_boot, len(counts)))].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = sums[:, 0] / sums[:, 1]
        recall = sums[:, 2] / sums[:, 3]
        f1 = 2 * precision * recall / (precision + recall)
    # the point estimate's conventions: one side undefined -> 0, both -> nan
    one_sided = np.isnan(precision) ^ np.isnan(recall)
    f1 = np.where(one_sided | ((precision + recall) == 0), 0.0, f1)
    low, high = _percentiles(f1, level)
    return Interval(total.f1, low, high, n_boot, seed)


def bootstrap_ci(
    statistic: Callable[[npt.NDArray[np.int64]], float],
    n_units: int,
    *,
    n_boot: int = DEFAULT_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> Interval:
    """A percentile interval for any statistic of resampled unit indices (generic fallback)."""
    rng = np.random.default_rng(seed)
    point = statistic(np.arange(n_units, dtype=np.int64))
    samples = np.asarray(
        [statistic(rng.integers(0, n_units, size=n_units)) for _ in range(n_boot)],
        dtype=np.float64,
    )
    low, high = _percentiles(samples, level)
    return Interval(point, low, high, n_boot, seed)


# --------------------------------------------------------------------------- spans and alignment


@dataclass(frozen=True, slots=True)
class SpanMatch:
    """Overlap matching of predicted and gold spans (episodes) in one session.

    A predicted span is matched when it overlaps at least one gold span, and a gold span when
    at least one predicted span overlaps it; precision = matched predicted / predicted and
    recall = matched gold / gold. Matching is not one-to-one, so one long predicted episode that
    covers two gold episodes counts once in precision and twice in recall — the figure asks
    "did we point at the right moments", not "did we cut them the same way".

    ``one_to_one`` is the stricter count where each span may match only one on the other side
    (greedy by overlap length), so merging two episodes into one, or splitting one in two, costs:
    ``one_to_one_f1 = 2 * one_to_one / (n_pred + n_gold)``.
    """

    matched_pred: int
    n_pred: int
    matched_gold: int
    n_gold: int
    pairs: tuple[tuple[int, int], ...] = ()
    one_to_one: int = 0

    @property
    def one_to_one_f1(self) -> float:
        return _ratio(2 * self.one_to_one, self.n_pred + self.n_gold)

    @property
    def precision(self) -> float:
        return _ratio(self.matched_pred, self.n_pred)

    @property
    def recall(self) -> float:
        return _ratio(self.matched_gold, self.n_gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if math.isnan(p) and math.isnan(r):
            return math.nan
        if math.isnan(p) or math.isnan(r) or p + r == 0:
            return 0.0
        return 2 * p * r / (p + r)

    def __add__(self, other: SpanMatch) -> SpanMatch:
        return SpanMatch(
            self.matched_pred + other.matched_pred,
            self.n_pred + other.n_pred,
            self.matched_gold + other.matched_gold,
            self.n_gold + other.n_gold,
            one_to_one=self.one_to_one + other.one_to_one,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "f1": rounded(self.f1),
            "matched_pred": self.matched_pred,
            "n_pred": self.n_pred,
            "matched_gold": self.matched_gold,
            "n_gold": self.n_gold,
            "one_to_one_f1": rounded(self.one_to_one_f1),
            "one_to_one": self.one_to_one,
        }


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two inclusive spans share at least one position."""
    return a[0] <= b[1] and b[0] <= a[1]


def match_spans(pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> SpanMatch:
    """Match inclusive spans by overlap; ``pairs`` links each matched gold span (by index) to the
    predicted span that overlaps it most (for comparing kind, severity and resolution)."""
    matched_pred = sum(1 for p in pred if any(overlaps(p, g) for g in gold))
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        best, best_len = -1, 0
        for pi, p in enumerate(pred):
            length = min(p[1], g[1]) - max(p[0], g[0]) + 1
            if length > best_len:
                best, best_len = pi, length
        if best >= 0:
            pairs.append((gi, best))
    candidates = sorted(
        (
            (min(p[1], g[1]) - max(p[0], g[0]) + 1, gi, pi)
            for gi, g in enumerate(gold)
            for pi, p in enumerate(pred)
            if overlaps(p, g)
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
    return SpanMatch(
        matched_pred, len(pred), len(pairs), len(gold), tuple(pairs), one_to_one=len(used_gold)
    )


def align(
    gold: Mapping[K, V], pred: Mapping[K, V], ids: Iterable[K], default: V
) -> tuple[list[V], list[V]]:
    """Two parallel label lists over ``ids``: a missing row means ``default`` (the format's rule
    that an unlisted utterance is ``none``)."""
    keys = list(ids)
    return [gold.get(k, default) for k in keys], [pred.get(k, default) for k in keys]


# --------------------------------------------------------------------------- helpers


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A figure for JSON: rounded, and ``None`` for an undefined (``nan``) value."""
    if value is None or math.isnan(value):
        return None
    return round(float(value), digits)


def _same_length(a: Sequence[Any], b: Sequence[Any]) -> None:
    if len(a) != len(b):
        raise ValueError(f"sequences to compare differ in length: {len(a)} != {len(b)}")
