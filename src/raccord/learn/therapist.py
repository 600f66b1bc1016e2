"""Fitting the therapist heads (``raccord.detect.therapist``) on out-of-fold markers.

A therapist label depends on the markers around the turn. Fitted on the coders' markers, the heads
would trust markers more than the detector's deserve; fitted on the shipped detector's markers in
the sessions it was trained on, the same. So the markers of each training session come from a
marker model that did not see that session: the sessions are split in folds, a marker model is
refitted on the others (``fit.fit(..., like=...)``, with the hyper-parameters already chosen) and
run on the fold. The heads then learn from markers as imperfect as the ones they will meet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.detect import Prepared
from raccord.detect import learned as L
from raccord.detect import signals as sig
from raccord.detect import therapist as T
from raccord.detect.markers import find
from raccord.detect.move_labels import label_moves
from raccord.learn.data import Labelled
from raccord.learn.fit import (
    SEED,
    Rows,
    best_threshold,
    f1_of,
    fit,
    group_folds,
    logistic,
    standardise,
)

#: Regularisation tried by inner cross-validation.
GRID = (0.03, 0.1, 0.3)
#: How much better than the rules' labels a head must do in inner CV to be used. Its inner-CV F1
#: is optimistic (the threshold is chosen on the same predictions; the rules have none to
#: choose), and out of fold a head that beat the rules by 0.01–0.03 there did worse than them
#: (contribution F1 on AnnoMI 0.28 against 0.47 in fast mode).
MIN_GAIN = 0.05
#: The tasks whose heads may be used at all. Scored out of fold against the rules on the same
#: markers (``benchmarks/run.py``, ``therapist_rules_only``, ninth session), the contribution
#: heads some folds chose lost 0.04–0.05 F1 on AnnoMI (full/session 0.44 / 0.38 against the
#: rules' 0.47 / 0.43) and gained at most 0.02 on the psychotherapy set, while the repair head
#: gained 0.05–0.12 on the psychotherapy set; the shipped weights had chosen no contribution head.
USABLE = frozenset({"repair"})
INNER_FOLDS = 3
#: Regularisation tried for the side head (``raccord.detect.therapist``, one decision between
#: contribution, repair and neither). Out of fold on the 546 labelled sessions (full/session,
#: 5 outer folds, thresholds by inner CV; twenty-eighth session) it raised contribution F1 from
#: the rules' 0.57 to 0.62 (AnnoMI 0.51 / 0.46 → 0.52 / 0.48, psychotherapy 0.58 / 0.63 →
#: 0.65 / 0.68) with repair F1 unchanged (0.57), at C = 0.03; 0.60 at C = 0.1.
SIDE_GRID = (0.01, 0.03)
#: The side head is used when, in the inner CV (each fold at the thresholds the other folds
#: chose), it beats the rules' contributions by this much without losing this much on repairs
#: against the arrangement it replaces (the rules' contributions, the repair head or the rules).
SIDE_GAIN = 0.02
SIDE_LOSS = 0.01
#: Thresholds tried for each side.
SIDE_STEPS = np.round(np.arange(0.2, 0.951, 0.05), 2)


@dataclass(frozen=True, slots=True)
class Chunk:
    """One session's therapist turns: features (with the markers found out of fold) and labels."""

    session: Labelled
    matrix: npt.NDArray[np.float64]
    contribution: tuple[str, ...]
    repair: tuple[str, ...]
    #: The rules' labels, to compare the heads with.
    rule_contribution: tuple[str, ...]
    rule_repair: tuple[str, ...]


def chunk(s: Labelled, ready: Prepared, model: L.TurnModel) -> Chunk:
    """The therapist rows of a session, with the markers ``model`` finds in it."""
    pack = sig.pack(s.transcript.language)
    markers = find(pack, ready, mode=model.mode, context=model.context, model=model)
    moves = label_moves(s.transcript, markers, mode=model.mode, spoken=ready.spoken)
    x = T.rows(s.transcript, moves, markers, ready.vectors, mode=model.mode, context=model.context)
    gold = [s.labels.therapist_label(s.transcript.turns[m.turn].uid) for m in moves]
    return Chunk(
        session=s,
        matrix=x,
        contribution=tuple(g.contribution.value for g in gold),
        repair=tuple(g.repair.value for g in gold),
        rule_contribution=tuple(m.contribution.value for m in moves),
        rule_repair=tuple(m.repair.value for m in moves),
    )


def out_of_fold(
    sessions: Sequence[Labelled],
    design: Mapping[str, Rows],
    ready: Mapping[str, Prepared],
    like: L.TurnModel,
    *,
    k: int = INNER_FOLDS,
    seed: int = SEED,
) -> list[Chunk]:
    """Therapist rows of every session, each with markers from a model that did not see it."""
    out: list[Chunk] = []
    for n, fold in enumerate(group_folds([s.group for s in sessions], k, seed)):
        train = [design[s.key] for s in sessions if s.group not in fold]
        model = fit(train, like.mode, like.context, seed=seed + n, like=like)
        out.extend(chunk(s, ready[s.key], model) for s in sessions if s.group in fold)
    return out


def _f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Presence F1 of labels ("none" is absent)."""
    return f1_of(np.asarray([x != "none" for x in gold]), np.asarray([x != "none" for x in pred]))


def _side_thresholds(
    p: npt.NDArray[np.float64], gold_c: npt.NDArray[np.bool_], gold_r: npt.NDArray[np.bool_]
) -> tuple[float, float, float]:
    """The pair of thresholds that maximises contribution F1 + repair F1 on ``p``."""
    best = (-1.0, 0.5, 0.5)
    for tc in SIDE_STEPS:
        for tr in SIDE_STEPS:
            c, r = T.sides(p[:, 0], p[:, 1], float(tc), float(tr))
            score = f1_of(gold_c, c) + f1_of(gold_r, r)
            if score > best[0]:
                best = (score, float(tc), float(tr))
    return best


def fit_side(
    x: npt.NDArray[np.float64],
    raw: npt.NDArray[np.bool_],
    contribution: Sequence[str],
    repair: Sequence[str],
    groups: npt.NDArray[Any],
    folds: Sequence[set[str]],
    *,
    log: Callable[[str], None] | None = None,
) -> tuple[L.Head, dict[str, float], dict[str, float]]:
    """The side head, its two thresholds, and its inner-CV figures: contribution and repair F1,
    each inner fold read at the thresholds the other folds chose."""
    gold_c = np.asarray([v != "none" for v in contribution])
    gold_r = np.asarray([v != "none" for v in repair])
    y = [
        T.SIDES["contribution"] if c else T.SIDES["repair"] if r else T.NEITHER
        for c, r in zip(gold_c, gold_r, strict=True)
    ]
    order = (T.SIDES["contribution"], T.SIDES["repair"])
    best: tuple[float, float, npt.NDArray[np.float64]] | None = None  # (score, C, oof)
    for c_ in SIDE_GRID:
        oof = np.zeros((len(y), 2))
        for fold in folds:
            test = np.isin(groups, list(fold))
            m, sc = standardise(x[~test], raw)
            head = logistic(x[~test], list(np.asarray(y)[~test]), c_, m, sc, balanced=True)
            p = head.proba(x[test])
            oof[test] = np.stack([p[:, head.classes.index(k)] for k in order], axis=1)
        score, _, _ = _side_thresholds(oof, gold_c, gold_r)
        if log:
            log(f"  side: C={c_:g} inner-CV contribution + repair F1 {score:.3f}")
        if best is None or score > best[0]:
            best = (score, c_, oof)
    assert best is not None
    _, c_, oof = best
    fair_c = np.zeros(len(y), dtype=bool)
    fair_r = np.zeros(len(y), dtype=bool)
    for fold in folds:
        test = np.isin(groups, list(fold))
        _, tc, tr = _side_thresholds(oof[~test], gold_c[~test], gold_r[~test])
        fair_c[test], fair_r[test] = T.sides(oof[test, 0], oof[test, 1], tc, tr)
    _, tc, tr = _side_thresholds(oof, gold_c, gold_r)
    mean, scale = standardise(x, raw)
    head = logistic(x, y, c_, mean, scale, balanced=True)
    figures = {
        "side_C": c_,
        "side_contribution_nested_f1": round(f1_of(gold_c, fair_c), 4),
        "side_repair_nested_f1": round(f1_of(gold_r, fair_r), 4),
    }
    return head, {"side_contribution": tc, "side_repair": tr}, figures


def fit_heads(
    chunks: Sequence[Chunk],
    mode: str,
    context: str,
    *,
    seed: int = SEED,
    log: Callable[[str], None] | None = None,
) -> T.TherapistModel:
    """For each task a presence head (``C`` and threshold by inner grouped CV) and a label head
    (fitted on the labelled turns); a task's heads are used only when the task is ``USABLE``
    and they beat the rules' labels by ``MIN_GAIN`` in that inner CV, each fold scored at the
    threshold the other folds chose."""
    names = T.feature_names(mode, context)
    raw = np.asarray([n.startswith(T.VECTOR_PREFIXES) for n in names], dtype=bool)
    x = np.vstack([c.matrix for c in chunks])
    groups = np.asarray([c.session.group for c in chunks for _ in range(c.matrix.shape[0])])
    folds = group_folds(groups.tolist(), INNER_FOLDS, seed)
    mean, scale = standardise(x, raw)
    heads: dict[str, L.Head] = {}
    thresholds: dict[str, float] = {}
    meta: dict[str, object] = {"n_rows": int(x.shape[0]), "n_sessions": len(chunks)}
    gold_labels = {name: [v for c in chunks for v in getattr(c, name)] for name in T.HEADS}
    #: per task, the inner-CV F1 of what labels it now: the head where used, else the rules
    replaced: dict[str, float] = {}
    for name in T.HEADS:
        y = gold_labels[name]
        rules = [v for c in chunks for v in getattr(c, f"rule_{name}")]
        gold = np.asarray([v != "none" for v in y])
        flags = [str(int(v)) for v in gold]
        best: tuple[float, float, float] | None = None  # (f1, C, threshold)
        best_oof = np.zeros(len(y))
        for c_ in GRID:
            oof = np.zeros(len(y))
            for fold in folds:
                test = np.isin(groups, list(fold))
                m, sc = standardise(x[~test], raw)
                head = logistic(x[~test], list(np.asarray(flags)[~test]), c_, m, sc, balanced=True)
                oof[test] = head.proba(x[test])[:, head.classes.index("1")]
            t, f1 = best_threshold(gold, oof)
            if log:
                log(f"  {name}: C={c_:g} inner-CV presence F1 {f1:.3f} at {t:.2f}")
            if best is None or f1 > best[0]:
                best = (f1, c_, t)
                best_oof = oof
        assert best is not None
        f1, c_, t = best
        # The heads' F1 above chose its threshold on the very predictions it scores; the rules
        # have no threshold to choose. Compared fairly, each inner fold is scored at the
        # threshold the other folds chose (the fifth session found heads that beat the rules by
        # 0.01–0.03 on the optimistic figure doing worse out of fold).
        fair = np.zeros(len(y), dtype=bool)
        for fold in folds:
            test = np.isin(groups, list(fold))
            t_other, _ = best_threshold(gold[~test], best_oof[~test])
            fair[test] = best_oof[test] >= t_other
        fair_f1 = f1_of(gold, fair)
        by_rules = _f1(y, rules)
        heads[name] = logistic(x, flags, c_, mean, scale, balanced=True)
        labelled = np.flatnonzero(gold)
        if len({y[i] for i in labelled}) < 2:  # pragma: no cover - tiny data only
            raise ValueError(f"fewer than two {name} labels in the training data")
        mp, sp = standardise(x[labelled], raw)
        heads[f"{name}_label"] = logistic(x[labelled], [y[i] for i in labelled], c_, mp, sp)
        thresholds[name] = t
        used = name in USABLE and fair_f1 >= by_rules + MIN_GAIN
        meta[f"use_{name}"] = used
        replaced[name] = round(fair_f1 if used else by_rules, 4)
        meta[f"{name}_inner_cv_f1"] = round(f1, 4)
        meta[f"{name}_nested_f1"] = round(fair_f1, 4)
        meta[f"{name}_rules_f1"] = round(by_rules, 4)
        meta[f"{name}_C"] = c_
        if log:
            log(
                f"  {name}: heads {fair_f1:.3f} (threshold from the other folds; {f1:.3f} at "
                f"their own best) vs rules {by_rules:.3f} -> use: {meta[f'use_{name}']}"
            )
    side, side_thresholds, figures = fit_side(
        x, raw, gold_labels["contribution"], gold_labels["repair"], groups, folds, log=log
    )
    thresholds.update(side_thresholds)
    meta.update(figures)
    # what the side head replaces: for each task, the head where it is used, else the rules
    base_c, base_r = replaced["contribution"], replaced["repair"]
    meta["use_side"] = (
        figures["side_contribution_nested_f1"] >= base_c + SIDE_GAIN
        and figures["side_repair_nested_f1"] >= base_r - SIDE_LOSS
    )
    if log:
        log(
            f"  side: contribution {figures['side_contribution_nested_f1']:.3f} vs {base_c:.3f}, "
            f"repair {figures['side_repair_nested_f1']:.3f} vs {base_r:.3f} -> use: "
            f"{meta['use_side']}"
        )
    return T.TherapistModel(
        side=side,
        mode=mode,
        context=context,
        contribution=heads["contribution"],
        repair=heads["repair"],
        contribution_label=heads["contribution_label"],
        repair_label=heads["repair_label"],
        thresholds=thresholds,
        meta=meta,
    )
