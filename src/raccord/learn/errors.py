"""What the out-of-fold client markers get wrong, turn by turn.

The published figures say how often the detector and the coders agree; this says where they do
not: which markers are missed (by subtype and salience, and how far below the threshold their
probability stayed), what the false markers are (their subtype, whether they sit on the patient
turn next to a coded marker — the same moment read one turn off —, in a session the coders found
free of rupture, on a turn of a few words), what F1 becomes when a marker one patient turn off
counts as found, and how well the presence probability ranks the turns at all (average precision,
and the F1 of the best single threshold chosen on the scored turns themselves, an optimistic
bound of what any threshold could give).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.eval.labels import ClientLabel
from raccord.eval.metrics import PRF, rounded
from raccord.learn.data import Labelled
from raccord.learn.fit import best_threshold, f1_of
from raccord.model import Detection, Marker
from raccord.taxonomy import Role

#: A turn of at most this many words is "short" (yes, no, mm, I don't know).
SHORT_WORDS = 3


@dataclass(frozen=True, slots=True)
class PatientTurn:
    """One patient turn of a scored session: the coder's label and the detector's marker."""

    position: int  # among the session's patient turns
    gold: ClientLabel
    pred: Marker | None
    words: int


def patient_turns(s: Labelled, detection: Detection) -> list[PatientTurn]:
    by_turn = {m.turn: m for m in detection.markers}
    out: list[PatientTurn] = []
    for index, turn in enumerate(s.transcript.turns):
        if turn.role is not Role.PATIENT:
            continue
        out.append(
            PatientTurn(
                position=len(out),
                gold=s.labels.client_label(turn.uid),
                pred=by_turn.get(index),
                words=len(turn.text.split()),
            )
        )
    return out


def tolerant(turns: Sequence[PatientTurn], window: int = 1) -> PRF:
    """Presence counts where a marker up to ``window`` patient turns from a coded one counts as
    found (one to one: exact matches first, then the nearest free neighbour)."""
    gold = [t.position for t in turns if t.gold.present]
    pred = [t.position for t in turns if t.pred is not None]
    free = set(pred)
    unmatched: list[int] = []
    for g in gold:
        if g in free:
            free.discard(g)
        else:
            unmatched.append(g)
    tp = len(gold) - len(unmatched)
    for g in unmatched:
        near = sorted((abs(p - g), p) for p in free if abs(p - g) <= window)
        if near:
            free.discard(near[0][1])
            tp += 1
    return PRF(tp, len(free), len(gold) - tp)


def _share(n: int, total: int) -> float | None:
    return rounded(n / total, 3) if total else None


def _neighbours(turns: Sequence[PatientTurn], k: int) -> list[PatientTurn]:
    return [turns[j] for j in (k - 1, k + 1) if 0 <= j < len(turns)]


def analyse(
    sessions: Sequence[Labelled],
    detections: Mapping[str, Detection],
    probabilities: Mapping[str, Any] | None = None,
    gold_rows: Mapping[str, npt.NDArray[np.bool_]] | None = None,
) -> dict[str, Any]:
    """The error analysis of one part (sessions of one source and language).

    ``probabilities`` (``crossval.OutOfFold`` per session) and ``gold_rows`` (the coder's
    presence of the same rows, ``fit.rows(...).present``) add the ranking figures."""
    strict = PRF(0, 0, 0)
    offset = PRF(0, 0, 0)
    missed_sub: Counter[str] = Counter()
    total_sub: Counter[str] = Counter()
    missed_sal: Counter[str] = Counter()
    total_sal: Counter[str] = Counter()
    false_sub: Counter[str] = Counter()
    false_kind: Counter[str] = Counter()
    true_sub: Counter[str] = Counter()
    fp_adjacent = fp_calm = fp_short = fp_other = 0
    fn_adjacent = fn_short = 0
    for s in sessions:
        turns = patient_turns(s, detections[s.key])
        offset = offset + tolerant(turns)
        calm = not any(t.gold.present for t in turns)
        for k, t in enumerate(turns):
            near = _neighbours(turns, k)
            if t.gold.present:
                sub = t.gold.subtype.value if t.gold.subtype else ""
                total_sub[sub] += 1
                total_sal[str(t.gold.salience)] += 1
                if t.pred is None:
                    strict = strict + PRF(0, 0, 1)
                    missed_sub[sub] += 1
                    missed_sal[str(t.gold.salience)] += 1
                    fn_adjacent += any(n.pred is not None for n in near)
                    fn_short += t.words <= SHORT_WORDS
                else:
                    strict = strict + PRF(1, 0, 0)
                    true_sub[t.pred.subtype.value] += 1
            elif t.pred is not None:
                strict = strict + PRF(0, 1, 0)
                false_sub[t.pred.subtype.value] += 1
                false_kind[t.pred.kind.value] += 1
                # one reason each, in this order
                if any(n.gold.present for n in near):
                    fp_adjacent += 1
                elif calm:
                    fp_calm += 1
                elif t.words <= SHORT_WORDS:
                    fp_short += 1
                else:
                    fp_other += 1
    out: dict[str, Any] = {
        "n_sessions": len(sessions),
        "strict": strict.as_dict(),
        "one_turn_offset_allowed": offset.as_dict(),
        "misses": {
            "n": strict.fn,
            "recall_by_subtype": {
                k: {
                    "n": total_sub[k],
                    "found": total_sub[k] - missed_sub[k],
                    "recall": rounded(1 - missed_sub[k] / total_sub[k], 3),
                }
                for k in sorted(total_sub, key=lambda x: -total_sub[x])
            },
            "recall_by_salience": {
                k: {
                    "n": total_sal[k],
                    "found": total_sal[k] - missed_sal[k],
                    "recall": rounded(1 - missed_sal[k] / total_sal[k], 3),
                }
                for k in sorted(total_sal)
            },
            "share_with_a_false_marker_on_the_next_or_previous_patient_turn": _share(
                fn_adjacent, strict.fn
            ),
            f"share_on_turns_of_at_most_{SHORT_WORDS}_words": _share(fn_short, strict.fn),
        },
        "false_markers": {
            "n": strict.fp,
            "why": {
                "next_to_a_coded_marker": fp_adjacent,
                "in_a_session_coded_without_rupture": fp_calm,
                f"turn_of_at_most_{SHORT_WORDS}_words": fp_short,
                "elsewhere": fp_other,
            },
            "share_next_to_a_coded_marker": _share(fp_adjacent, strict.fp),
            "share_in_sessions_without_rupture": _share(fp_calm, strict.fp),
            "by_predicted_kind": dict(false_kind.most_common()),
            "by_predicted_subtype": dict(false_sub.most_common()),
            "true_markers_by_predicted_subtype": dict(true_sub.most_common()),
        },
    }
    if probabilities is not None and gold_rows is not None:
        out["ranking"] = ranking(
            [probabilities[s.key] for s in sessions], [gold_rows[s.key] for s in sessions]
        )
    return out


def ranking(oof: Sequence[Any], gold: Sequence[npt.NDArray[np.bool_]]) -> dict[str, Any]:
    """How the presence probability orders the turns: average precision, ROC AUC, F1 at the
    fold thresholds, the best F1 of one threshold chosen on these very turns (optimistic), and
    where the missed markers' probabilities stood against their threshold."""
    from raccord.eval.metrics import roc_auc

    prob = np.concatenate([o.probability for o in oof])
    thr = np.concatenate([np.full(len(o.probability), o.threshold) for o in oof])
    y = np.concatenate(gold).astype(bool)
    order = np.argsort(-prob, kind="stable")
    hits = y[order]
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    ap = float(precision_at[hits].sum() / max(1, hits.sum()))
    pred = prob >= thr
    best_t, best = best_threshold(y, prob, grid=np.arange(0.02, 0.99, 0.01))
    missed = y & ~pred
    ratio = prob[missed] / thr[missed]
    return {
        "average_precision": rounded(ap, 3),
        "base_rate": rounded(float(y.mean()), 3),
        "roc_auc": rounded(roc_auc(prob.tolist(), y.tolist()), 3),
        "f1_at_fold_thresholds": rounded(f1_of(y, pred), 3),
        "best_f1_one_threshold_chosen_on_these_turns": rounded(best, 3),
        "that_threshold": round(best_t, 2),
        "missed_markers_probability_over_threshold": {
            "at_least_0.5": _share(int(np.sum(ratio >= 0.5)), int(missed.sum())),
            "below_0.5": _share(int(np.sum(ratio < 0.5)), int(missed.sum())),
            "median": rounded(float(np.median(ratio)), 3) if missed.any() else None,
        },
    }
