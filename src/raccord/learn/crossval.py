"""Session-grouped k-fold cross-validation of the whole detector.

Each fold's model is fitted (``fit.fit``, with its own inner CV for ``C`` and the threshold) on the
sessions of the other folds, both languages together; the sessions of the fold — in English and in
French — are then run through the complete ``detect`` pipeline with that model, and their output
is compared with the labels as a coder's annotation. The therapist heads of each fold are fitted on
its training sessions only, with markers found there by models that had not seen them. No turn of a session, nor of its translation,
is ever both trained on and scored. Figures are given per source (AnnoMI, psychotherapy) and per
language, with bootstrap intervals over sessions, and recall by subtype and by salience.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.detect import Prepared, detect
from raccord.detect.learned import TurnModel
from raccord.detect.therapist import TherapistModel
from raccord.eval.compare import Aligned, align_annotations, figures, roles_of
from raccord.export import to_annotation
from raccord.learn.data import Labelled
from raccord.learn.fit import SEED, Rows, fit, group_folds, rows
from raccord.learn.therapist import fit_heads, out_of_fold
from raccord.model import Detection, SessionAnalysis

K = 5


def run(
    sessions: Sequence[Labelled],
    ready: Mapping[str, Prepared],
    mode: str,
    context: str,
    *,
    k: int = K,
    seed: int = SEED,
    log: Callable[[str], None] | None = None,
    therapist: bool = True,
    fraction: float = 1.0,
    draw: int = 0,
    probabilities: MutableMapping[str, OutOfFold] | None = None,
    rules: MutableMapping[str, Detection] | None = None,
) -> dict[str, Detection]:
    """Out-of-fold detections of every session, keyed by ``Labelled.key``.

    With ``therapist`` each fold also fits the therapist heads on its training sessions (with
    markers found out of fold within them, ``learn.therapist``); without, the rules label the
    therapist turns. With ``fraction`` below 1 each fold trains on that share of its training
    groups only (drawn per source with ``draw``; the scored folds are the same): a point of a
    learning curve. ``probabilities`` receives, per session, the fold model's presence
    probability of each patient turn and its threshold; ``rules`` the same fold's detection with
    the therapist turns labelled by the rules alone (the heads' paired baseline: same markers)."""
    design = {s.key: rows(s, ready[s.key], mode, context) for s in sessions}
    out: dict[str, Detection] = {}
    for n, fold in enumerate(group_folds([s.group for s in sessions], k, seed)):
        training = [s for s in sessions if s.group not in fold]
        if fraction < 1.0:
            kept = subsample({s.group for s in training}, fraction, seed=seed + 1000 * draw + n)
            training = [s for s in training if s.group in kept]
        train: list[Rows] = [design[s.key] for s in training]
        model = fit(train, mode, context, seed=seed + n, log=log)
        heads = None
        if therapist:
            chunks = out_of_fold(training, design, ready, model, seed=seed + n)
            heads = fit_heads(chunks, mode, context, seed=seed + n, log=log)
        if log:
            log(
                f"fold {n + 1}/{k}: {len(train)} training sessions, C={model.meta['C']}, "
                f"threshold {model.threshold:.2f}"
            )

        def scored(
            s: Labelled,
            with_heads: bool,
            model: TurnModel = model,
            heads: TherapistModel | None = heads,
        ) -> Detection:
            """The fold's detection of ``s``; its therapist turns labelled by the fold's heads,
            or by the rules alone."""
            return detect(
                s.transcript,
                mode=mode,
                context=context,
                model=model,
                prepared=ready[s.key],
                therapist=heads if with_heads and heads is not None else "rules",
            )

        for s in sessions:
            if s.group in fold:
                if probabilities is not None:
                    probabilities[s.key] = OutOfFold(
                        model.session_presence(design[s.key].matrix), model.threshold
                    )
                out[s.key] = scored(s, True)
                if rules is not None:
                    rules[s.key] = out[s.key] if heads is None else scored(s, False)
    return out


@dataclass(frozen=True, slots=True)
class OutOfFold:
    """A scored session's presence probabilities (one per patient turn, in order) and the
    threshold of the fold model that gave them."""

    probability: npt.NDArray[np.float64]
    threshold: float


def subsample(groups: set[str], fraction: float, *, seed: int) -> set[str]:
    """``fraction`` of ``groups``, drawn within each source (AnnoMI, psychotherapy) so the mix
    of the training data stays the same; at least one group of each source."""
    rng = random.Random(seed)
    by_source: dict[str, list[str]] = {}
    for g in sorted(groups):
        by_source.setdefault(g.split("-")[0], []).append(g)
    kept: set[str] = set()
    for members in by_source.values():
        rng.shuffle(members)
        kept.update(members[: max(1, round(fraction * len(members)))])
    return kept


def aligned(s: Labelled, detection: Detection) -> Aligned:
    predicted = to_annotation(SessionAnalysis(s.transcript, detection))
    return align_annotations(predicted, s.labels, roles=roles_of(s.transcript))


def report(
    sessions: Sequence[Labelled], detections: Mapping[str, Detection], *, seed: int = SEED
) -> dict[str, Any]:
    """Figures per source and language (``annomi/en``, ``psychotherapy/fr``…), and the
    psychotherapy sessions of the blind rounds apart (``psychotherapy-blind/en``; they are also
    in ``psychotherapy/en``)."""
    parts: dict[str, list[Labelled]] = {}
    for s in sessions:
        parts.setdefault(f"{s.source}/{s.language}", []).append(s)
        if s.blind_round:
            parts.setdefault(f"{s.source}-blind/{s.language}", []).append(s)
    out: dict[str, Any] = {}
    for name, members in sorted(parts.items()):
        pooled: Aligned | None = None
        for s in members:
            a = aligned(s, detections[s.key])
            pooled = a if pooled is None else pooled + a
        assert pooled is not None
        fig = figures(pooled, ci=True, seed=seed)
        fig["recall_by_subtype"] = _recall_by(
            pooled, lambda g: g.subtype.value if g.subtype else ""
        )
        fig["recall_by_salience"] = _recall_by(pooled, lambda g: str(g.salience))
        fig["no_rupture_sessions"] = _no_rupture(members, detections)
        out[name] = fig
    return out


def _recall_by(a: Aligned, key: Callable[[Any], str]) -> dict[str, dict[str, float | int]]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for g, p in zip(a.client_gold, a.client_pred, strict=True):
        if g.present:
            total[key(g)] += 1
            found[key(g)] += int(p.present)
    return {
        k: {"n": total[k], "found": found[k], "recall": round(found[k] / total[k], 3)}
        for k in sorted(total)
    }


def _no_rupture(members: Sequence[Labelled], detections: Mapping[str, Detection]) -> dict[str, int]:
    """Markers raised in sessions the coders found free of rupture markers."""
    return {
        str(s.labels.transcript_id): len(detections[s.key].markers)
        for s in members
        if not any(label.present for label in s.labels.client.values())
    }
