"""Out-of-fold detections kept on disk, for the analyses that read them more than once.

``crossval.run`` without the therapist heads (the rules label the therapist turns), with the same
folds and seeds as the benchmark. The gap analysis (``benchmarks/gap.py``) and the calibration of
the patient rupture score (``learn.calibrate``) both read these detections; a run takes minutes,
so it is cached under ``.cache/oof/`` of the checkout, keyed by the detector's code hash, the
training data's hash, the mode, the context and the share of training data.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from raccord.detect import Prepared
from raccord.eval.corpus import shared_data_dir
from raccord.learn import crossval
from raccord.learn.data import REPO, Labelled, data_hash, everything
from raccord.learn.fit import SEED, code_hash, write_cache
from raccord.model import Detection

CACHE = REPO / ".cache" / "oof"

Run = tuple[dict[str, Detection], dict[str, crossval.OutOfFold]]


def key(
    sessions: Sequence[Labelled], mode: str, context: str, code: str, fraction: float, draw: int
) -> str:
    text = f"{code}|{data_hash(list(sessions))}|{mode}|{context}|{fraction:.3f}|{draw}|"
    text += f"{crossval.K}|{SEED}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def path(
    sessions: Sequence[Labelled], mode: str, context: str, code: str, fraction: float, draw: int
) -> Path:
    """Where the run is cached."""
    return CACHE / f"{mode}-{context}-{key(sessions, mode, context, code, fraction, draw)}.pkl"


def detections(
    sessions: Sequence[Labelled],
    ready: Mapping[str, Prepared],
    mode: str,
    context: str,
    *,
    code: str,
    fraction: float = 1.0,
    draw: int = 0,
    log: Callable[[str], None] | None = None,
) -> Run:
    """Out-of-fold detections and presence probabilities of every session (from the cache when
    the code, the data and the settings match)."""
    where = path(sessions, mode, context, code, fraction, draw)
    if where.is_file():
        with where.open("rb") as handle:
            value: Run = pickle.load(handle)
        return value
    probabilities: dict[str, crossval.OutOfFold] = {}
    found = crossval.run(
        sessions,
        ready,
        mode,
        context,
        log=log,
        therapist=False,
        fraction=fraction,
        draw=draw,
        probabilities=probabilities,
    )
    write_cache(where, (found, probabilities))
    return found, probabilities


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """The options of a script that reads these runs: where the data is, which code's cache."""
    ap.add_argument(
        "--shared-data", type=Path, help="default: ../shared/data or $RACCORD_SHARED_DATA"
    )
    ap.add_argument(
        "--code",
        help="read the cached runs of this detector code hash (default: the current code's); "
        "for a refactor that left the features alone",
    )


def from_arguments(args: argparse.Namespace) -> tuple[Path, list[Labelled], str]:
    """The data folder, every labelled session and the code hash the options name."""
    data = shared_data_dir(args.shared_data)
    if data is None:
        raise SystemExit("the labelled data (../shared/data) is needed: pass --shared-data")
    return data, everything(data), args.code or code_hash()
