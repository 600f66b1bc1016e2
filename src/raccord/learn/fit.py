"""Design matrices of labelled sessions and the fitting of the learned marker scorer.

The rows come from ``raccord.detect.markers.design`` — the function the detector itself runs — so
training and use cannot disagree about a feature. Preparing a session (signals, therapist moves,
sentence vectors) is the slow part; it is cached on disk under ``.cache/`` of the checkout, keyed
by the session's text and by a hash of the detector's code and language packs.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from raccord.detect import Prepared, prepare
from raccord.detect import learned as L
from raccord.detect import signals as sig
from raccord.detect.calm import GRID as CALM_GRID
from raccord.detect.calm import LONE_FLOORS, RUN_MARGINS, SPARE, Calm, lone, run
from raccord.detect.calm import logit as calm_logit
from raccord.detect.forest import Forest, from_sklearn
from raccord.detect.markers import FEATURES, design
from raccord.learn.data import REPO, Labelled
from raccord.taxonomy import MarkerKind, Role

CACHE = REPO / ".cache" / "prepared"
SEED = 20261204
#: Regularisation grids searched by inner cross-validation, per mode.
GRID = {"fast": (0.01, 0.03, 0.1), "full": (0.03, 0.1, 0.3)}
INNER_FOLDS = 3
#: Rule scores tried as "a clear cue stands on its own" (besides never), by inner CV.
STANDALONE = (2.25, 3.0)
#: Weights of the boosted trees in the presence probability tried by inner CV (0: linear only).
BLENDS = (0.0, 0.5)
#: Principal axes of the sentence vectors the trees read.
AXES = 32
TREES = {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 15, "l2_regularization": 1.0}


#: What the features are computed from: the detector's code, the cue engine and the cue packs it
#: reads (not the evidence wording, ``lang/<code>/evidence.toml``) and the shipped move classifier.
#: What a prepared session and its feature rows are computed from. The detect modules that run
#: after the scorer (who a turn is addressed to, episodes, scores, the contribution score) are
#: left out: editing them changes no feature and needs no refit.
AFTER_FEATURES = ("address.py", "episodes.py", "scores.py", "contribution.py")
FEATURE_SOURCES = (
    ("detect", "*.py"),
    ("lang", "cues.py"),  # the one cue engine every pack's cues are matched by
    ("lang", "markers.toml"),
    ("lang", "moves.toml"),
    ("data", "*.npz"),
)


def code_hash() -> str:
    """A hash of everything a prepared session depends on: the detector's code, the language
    packs and the shipped move classifier. The weight files record it (see ``stale``)."""
    digest = hashlib.sha256()
    root = resources.files("raccord")
    paths: list[str] = []
    for folder, pattern in FEATURE_SOURCES:
        base = Path(str(root.joinpath(folder)))
        paths.extend(
            str(p.relative_to(base.parent))
            for p in base.rglob(pattern)
            if not p.name.startswith(("markers-", "therapist-")) and p.name not in AFTER_FEATURES
        )
    for rel in sorted(paths):
        digest.update(rel.encode())
        digest.update(Path(str(root.joinpath(rel))).read_bytes())
    return digest.hexdigest()[:16]


def _session_hash(s: Labelled, mode: str, code: str) -> str:
    digest = hashlib.sha256(f"{mode}|{s.language}|{code}".encode())
    for t in s.transcript.turns:
        digest.update(f"{t.role}|{t.start}|{t.end}|{t.text}\n".encode())
    return digest.hexdigest()[:24]


def prepared(s: Labelled, mode: str, *, code: str | None = None) -> Prepared:
    """``prepare`` of a labelled session, from the disk cache when its text and the code match."""
    code = code or code_hash()
    path = CACHE / f"{_session_hash(s, mode, code)}.pkl"
    if path.is_file():
        with path.open("rb") as handle:
            value = pickle.load(handle)
        if isinstance(value, Prepared):
            return value
    value = prepare(s.transcript, mode=mode)
    write_cache(path, value)
    return value


def write_cache(path: Path, value: object) -> None:
    """Pickle ``value`` to ``path`` through a temporary file renamed into place, one temporary
    name per process: a refit and a benchmark may fill the same cache at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle)
    tmp.replace(path)


@dataclass(frozen=True, slots=True)
class Rows:
    """One session's patient turns: features and gold labels."""

    session: Labelled
    matrix: npt.NDArray[np.float64]
    present: npt.NDArray[np.bool_]
    kind: tuple[str, ...]
    subtype: tuple[str, ...]
    salience: tuple[int, ...]


def rows(s: Labelled, ready: Prepared, mode: str, context: str) -> Rows:
    pack = sig.pack(s.transcript.language)
    scored, matrix = design(pack, ready, mode=mode, context=context)
    labels = [s.labels.client_label(s.transcript.turns[x.signals.index].uid) for x in scored]
    return Rows(
        session=s,
        matrix=matrix,
        present=np.asarray([g.present for g in labels], dtype=bool),
        kind=tuple(g.marker.value for g in labels),
        subtype=tuple(g.subtype.value if g.subtype else "" for g in labels),
        salience=tuple(g.salience for g in labels),
    )


def patient_turns(s: Labelled) -> int:
    return sum(1 for t in s.transcript.turns if t.role is Role.PATIENT)


# -- fitting ----------------------------------------------------------------------------------


def standardise(
    x: npt.NDArray[np.float64], raw: npt.NDArray[np.bool_] | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Column means and scales; ``raw`` columns (sentence vectors, already on one scale) are
    left as they are, so the penalty weighs all their dimensions alike."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    if raw is not None:
        mean[raw] = 0.0
        scale[raw] = 1.0
    return mean, scale


def logistic(
    x: npt.NDArray[np.float64],
    y: Sequence[str],
    c: float,
    mean: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    *,
    balanced: bool = False,
) -> L.Head:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(
        C=c,
        max_iter=3000,
        class_weight="balanced" if balanced else None,
        random_state=SEED,
    )
    model.fit((x - mean) / scale, list(y))
    return L.Head(
        classes=tuple(str(k) for k in model.classes_),
        mean=mean,
        scale=scale,
        coef=np.asarray(model.coef_, dtype=np.float64),
        intercept=np.asarray(model.intercept_, dtype=np.float64),
    )


def _forest(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], raw: npt.NDArray[np.bool_], seed: int
) -> Forest:
    """Boosted trees on the scalar features and the principal axes of the sentence vectors."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    scalars = np.flatnonzero(~raw)
    vectors = np.flatnonzero(raw)
    centre = x[:, vectors].mean(axis=0) if len(vectors) else np.zeros(0)
    if len(vectors):
        _, _, vt = np.linalg.svd(x[:, vectors] - centre, full_matrices=False)
        components = vt[:AXES]
    else:
        components = np.zeros((0, 0))
    shell = Forest(scalars, vectors, centre, components, *_EMPTY_TREES, baseline=0.0)
    model = HistGradientBoostingClassifier(
        **TREES, class_weight="balanced", early_stopping=False, random_state=seed
    )
    model.fit(shell.inputs(x), y)
    return from_sklearn(model, scalars, vectors, centre, components)


_EMPTY_TREES = (
    np.zeros((0, 1), dtype=np.int64),
    np.zeros((0, 1)),
    np.zeros((0, 1), dtype=np.int64),
    np.zeros((0, 1), dtype=np.int64),
    np.ones((0, 1), dtype=bool),
    np.zeros((0, 1)),
)


#: The thresholds a presence head may be given (extremes left out: a threshold chosen there
#: on a small fold follows a handful of turns).
THRESHOLDS = np.arange(0.05, 0.96, 0.01)


def f1_of(gold: npt.NDArray[np.bool_], pred: npt.NDArray[np.bool_]) -> float:
    """F1 of boolean predictions against boolean gold (0 when nothing is found)."""
    tp = float(np.sum(pred & gold))
    return 2 * tp / (float(np.sum(pred)) + float(np.sum(gold))) if tp else 0.0


#: How far below the best inner-CV F1 the presence threshold may sit. The F1 of a presence head
#: is flat over a wide band of thresholds (full/session, out of fold: 0.510–0.516 from 0.49 to
#: 0.67), and where the maximum falls in the band follows a handful of turns (the eighth
#: session's refit moved from 0.65 to 0.53 on a 0.003 difference). The centre of the band is
#: taken: stable as the band is, and not pushed to either end. (Until the twenty-fifth session
#: the top of the band was taken, for precision; every blind round since found precision over
#: recall — P 0.80–1.00 against R 0.33–0.91 on six sessions never seen — and the out-of-fold
#: F1 of every source peaked 0.3 in log-odds under the top: AnnoMI 0.406 → 0.426, psychotherapy
#: 0.678 → 0.699, full/session.)
PLATEAU = 0.01


def best_threshold(
    gold: npt.NDArray[np.bool_],
    prob: npt.NDArray[np.float64],
    grid: npt.NDArray[np.float64] = THRESHOLDS,
    *,
    plateau: float = 0.0,
) -> tuple[float, float]:
    """The threshold of ``grid`` that maximises F1 of ``prob >= t`` against ``gold``, and that
    F1; with ``plateau``, the middle one of the thresholds whose F1 is within ``plateau`` of the
    best (the lower of the two middle ones when they are even), and its own F1."""
    scores = [(round(float(t), 2), f1_of(gold, prob >= t)) for t in grid]
    top = max((f1 for _, f1 in scores), default=0.0)
    if top <= 0.0:
        return (0.5, 0.0)
    if plateau <= 0.0:
        return next((t, f1) for t, f1 in scores if f1 == top)
    band = [(t, f1) for t, f1 in scores if f1 >= top - plateau]
    return band[(len(band) - 1) // 2]


def group_folds(groups: Iterable[str], k: int, seed: int) -> list[set[str]]:
    """``k`` disjoint sets of groups, shuffled with ``seed`` and dealt round-robin by source
    (so each fold holds AnnoMI and psychotherapy sessions alike)."""
    import random

    unique = sorted(set(groups))
    rng = random.Random(seed)
    by_source: dict[str, list[str]] = {}
    for g in unique:
        by_source.setdefault(g.split("-")[0], []).append(g)
    folds: list[set[str]] = [set() for _ in range(k)]
    n = 0
    for source in sorted(by_source):
        members = by_source[source]
        rng.shuffle(members)
        for g in members:
            folds[n % k].add(g)
            n += 1
    return folds


def _stack(chunks: Sequence[Rows]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    return np.vstack([r.matrix for r in chunks]), np.concatenate([r.present for r in chunks])


def _calm(
    y: npt.NDArray[np.bool_],
    oof: npt.NDArray[np.float64],
    stands: npt.NDArray[np.bool_],
    threshold: float,
    spans: Sequence[tuple[int, int]],
    live: bool,
    log: Callable[[str], None] | None = None,
) -> tuple[Calm, float]:
    """The session stage (``detect.calm``) whose (a, b, c) of ``CALM_GRID`` and ``spare`` of
    ``SPARE`` give the best F1 on the inner out-of-fold probabilities at the turn scorer's own
    ``threshold`` (a clear cue that stands on its own still stands, as at run time), and that
    F1."""
    prior_logit = float(np.mean(calm_logit(oof)))
    prior_share = float(np.mean(oof >= threshold))
    best: tuple[float, Calm] | None = None
    for (a, b, c), spare in itertools.product(CALM_GRID, SPARE):
        calm = Calm(a, b, c, prior_logit, prior_share, live, spare)
        calmed = np.zeros(len(y))
        for lo, hi in spans:
            calmed[lo:hi] = calm.apply(oof[lo:hi], threshold)
        f1 = f1_of(y, stands | (calmed >= threshold))
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, calm)
    assert best is not None
    if log:
        f1, calm = best
        log(
            f"  session stage: a={calm.a:g}, b={calm.b:g}, c={calm.c:g}, spare={calm.spare}: "
            f"inner-CV F1 {f1:.3f}"
        )
    return best[1], best[0]


def _floored(
    probability: npt.NDArray[np.float64],
    stands: npt.NDArray[np.bool_],
    threshold: float,
    spans: Sequence[tuple[int, int]],
    live: bool,
    floor: float | None,
) -> npt.NDArray[np.bool_]:
    """The turns over ``threshold`` that a lone floor ``floor`` keeps (``calm.lone``): a turn with
    no other over the threshold near it must reach the floor, unless a clear cue ``stands``."""
    over = probability >= threshold
    if floor is None:
        return over
    alone = np.concatenate([lone(over[a:b], live=live) for a, b in spans])
    return over & ~(alone & (probability < floor) & ~stands)


def _lone(
    y: npt.NDArray[np.bool_],
    probability: npt.NDArray[np.float64],
    stands: npt.NDArray[np.bool_],
    threshold: float,
    spans: Sequence[tuple[int, int]],
    live: bool,
    f1: float,
    log: Callable[[str], None] | None = None,
) -> tuple[float | None, float]:
    """The floor of ``LONE_FLOORS`` a turn with no likely neighbour must reach (``calm.lone``)
    that beats ``f1`` — the inner-CV F1 without one — on the same inner out-of-fold
    probabilities, and the F1 it gives; ``None`` and ``f1`` when none does."""
    best: tuple[float | None, float] = (None, f1)
    for floor in LONE_FLOORS:
        value = f1_of(y, stands | _floored(probability, stands, threshold, spans, live, floor))
        if log:
            log(f"  lone turns from {floor:g}: inner-CV F1 {value:.3f}")
        if value > best[1] + 1e-9:
            best = (floor, value)
    return best


#: How much a stretch level (``_run``) must add to the inner-CV F1 of the level before it (or of
#: the stages before it) to be kept: it raises turns, so a gain within the noise of the inner
#: folds is not worth its markers. Measured on the inner out-of-fold probabilities of the
#: twenty-ninth session (full/session, threshold 0.62): F1 0.653 without stretches, 0.658 /
#: 0.664 / 0.667 / 0.667 from 0.595 / 0.57 / 0.545 / 0.52, markers in the psychotherapy
#: sessions without rupture 0.39 / 0.40 / 0.44 / 0.48 / 0.57 on average; stretches of turns
#: under the threshold only (none pulled up by a marker) gained nothing (0.652–0.654): the gain
#: is the markers' neighbours, which coders code together.
RUN_GAIN = 0.005


def _run(
    y: npt.NDArray[np.bool_],
    probability: npt.NDArray[np.float64],
    stands: npt.NDArray[np.bool_],
    threshold: float,
    spans: Sequence[tuple[int, int]],
    live: bool,
    floor: float | None,
    f1: float,
    log: Callable[[str], None] | None = None,
) -> tuple[float | None, float]:
    """The level (``RUN_MARGINS`` under ``threshold``) from which turns close together are read
    as one stretch (``calm.run``) that beats ``f1`` — the inner-CV F1 of the stages before it,
    lone floor ``floor`` included — by ``RUN_GAIN`` on the same inner out-of-fold
    probabilities, and the F1 it gives; ``None`` and ``f1`` when none does."""
    kept = _floored(probability, stands, threshold, spans, live, floor)
    best: tuple[float | None, float] = (None, f1)
    for margin in RUN_MARGINS:
        level = round(threshold - margin, 4)
        joined = np.concatenate([run(probability[a:b], level, live=live) for a, b in spans])
        value = f1_of(y, stands | kept | joined)
        if log:
            log(f"  stretches from {level:g}: inner-CV F1 {value:.3f}")
        if value > best[1] + RUN_GAIN:
            best = (level, value)
    return best


def fit(
    chunks: Sequence[Rows],
    mode: str,
    context: str,
    *,
    seed: int = SEED,
    meta: dict[str, object] | None = None,
    log: Callable[[str], None] | None = None,
    like: L.TurnModel | None = None,
) -> L.TurnModel:
    """Fit the four heads on ``chunks``; ``C``, the threshold, the trees' weight and the
    standalone level by inner grouped CV — or, with ``like``, the ones ``like`` chose (a quick
    refit, used to find out-of-fold markers for the therapist heads)."""
    groups = [r.session.group for r in chunks]
    inner = group_folds(groups, INNER_FOLDS, seed)
    x, y = _stack(chunks)
    names = L.feature_names(mode, context, FEATURES)
    raw = np.asarray([n.startswith(L.VECTOR_PREFIXES) for n in names], dtype=bool)
    mean, scale = standardise(x, raw)
    rule = x[:, names.index("rule_score")]
    start = 0
    spans = []
    for r in chunks:
        spans.append((start, start + len(r.present)))
        start += len(r.present)
    tests = [
        np.concatenate(
            [
                np.arange(a, b)
                for (a, b), r in zip(spans, chunks, strict=True)
                if r.session.group in fold
            ]
        )
        for fold in inner
    ]
    best: tuple[float, float, float, float | None, float] | None = None
    best_oof = np.zeros(len(y))
    if like is not None:
        standalone_like = like.meta.get("standalone")
        best = (
            float(like.meta.get("inner_cv_f1", 0.0)),
            float(like.meta["C"]),
            like.threshold,
            None if standalone_like is None else float(standalone_like),
            float(like.meta.get("blend", 0.0)),
        )
    else:
        trees_oof = np.zeros(len(y))
        for test in tests:
            train = np.setdiff1d(np.arange(len(y)), test)
            trees_oof[test] = _forest(x[train], y[train], raw, seed).proba(x[test])
        # (f1, C, threshold, standalone, blend)
        for c in GRID[mode]:
            oof = np.zeros(len(y))
            for test in tests:
                train = np.setdiff1d(np.arange(len(y)), test)
                m, sc = standardise(x[train], raw)
                head = logistic(x[train], [str(int(v)) for v in y[train]], c, m, sc, balanced=True)
                oof[test] = head.proba(x[test])[:, 1]
            for blend in BLENDS:
                prob = (1.0 - blend) * oof + blend * trees_oof
                for standalone in (None, *STANDALONE):
                    stands = (
                        np.zeros(len(y), dtype=bool) if standalone is None else rule >= standalone
                    )
                    t, f1 = best_threshold(y, np.where(stands, 1.0, prob), plateau=PLATEAU)
                    if log:
                        log(
                            f"  C={c:g}, trees {blend:g}, clear cue stands at {standalone}: "
                            f"inner-CV F1 {f1:.3f} at {t:.2f}"
                        )
                    if best is None or f1 > best[0]:
                        best = (f1, c, t, standalone, blend)
                        best_oof = prob
        assert best is not None
    f1, c, threshold, standalone, blend = best
    # The session stage: kept when it beats the turn alone on the same inner out-of-fold
    # probabilities (a quick refit takes the one ``like`` kept).
    calm_meta = like.meta.get("calm") if like is not None else None
    if like is None:
        stands = np.zeros(len(y), dtype=bool) if standalone is None else rule >= standalone
        calm, calm_f1 = _calm(
            y.astype(bool), best_oof, stands, threshold, spans, context == "live", log
        )
        if calm_f1 > f1 and (calm.a > 0 or calm.b > 0):
            calm_meta, f1 = calm.as_meta(), calm_f1
    # The floor of a lone turn (``calm.lone``): kept when it beats the stages before it on the
    # same inner out-of-fold probabilities (a quick refit takes the one ``like`` kept).
    lone_floor = like.meta.get("lone_floor") if like is not None else None
    if like is None:
        calmed = best_oof
        if calm_meta:
            kept_calm = Calm.from_meta(calm_meta)
            assert kept_calm is not None
            calmed = np.concatenate([kept_calm.apply(best_oof[a:b], threshold) for a, b in spans])
        stands = np.zeros(len(y), dtype=bool) if standalone is None else rule >= standalone
        lone_floor, f1 = _lone(
            y.astype(bool), calmed, stands, threshold, spans, context == "live", f1, log
        )
    # Stretches of likely turns (``calm.run``): kept when they beat the stages before them, in
    # full mode only. In fast mode inner CV chose them (fast/session 0.601 -> 0.612) but out of
    # fold they traded precision for nothing on the psychotherapy set (F1 0.64 / 0.68 -> 0.63 /
    # 0.69, precision 0.76 / 0.74 -> 0.71 / 0.71, twenty-ninth session's bench), and a blind
    # session without rupture (fresh63, a baker's fear of driving) got nine markers: the fast
    # model's turns sit closer to its threshold, and a stretch joins them.
    run_level = like.meta.get("run_level") if like is not None else None
    if like is None and mode == "full":
        run_level, f1 = _run(
            y.astype(bool), calmed, stands, threshold, spans, context == "live", lone_floor, f1, log
        )
    forest = _forest(x, y, raw, seed) if blend > 0 else None
    presence = logistic(x, [str(int(v)) for v in y], c, mean, scale, balanced=True)
    pos = y.astype(bool)
    xp = x[pos]
    kinds = [k for r in chunks for k, p in zip(r.kind, r.present, strict=True) if p]
    subs = [k for r in chunks for k, p in zip(r.subtype, r.present, strict=True) if p]
    sals = [str(k) for r in chunks for k, p in zip(r.salience, r.present, strict=True) if p]
    mp, sp = standardise(xp, raw)
    kind = logistic(xp, kinds, c, mp, sp, balanced=True)
    if MarkerKind.CONFRONTATION.value not in kind.classes:  # pragma: no cover - tiny data only
        raise ValueError("no confrontation marker in the training data")
    subtype = logistic(xp, subs, c, mp, sp)
    salience = logistic(xp, sals, c, mp, sp)
    return L.TurnModel(
        mode=mode,
        context=context,
        names=tuple(names),
        presence=presence,
        kind=kind,
        subtype=subtype,
        salience=salience,
        threshold=threshold,
        forest=forest,
        meta={
            **(meta or {}),
            "rule_features": list(FEATURES),
            "C": c,
            "standalone": standalone,
            "blend": blend,
            "inner_cv_f1": round(f1, 4),
            **({"calm": calm_meta} if calm_meta else {}),
            **({"lone_floor": lone_floor} if lone_floor is not None else {}),
            **({"run_level": run_level} if run_level is not None else {}),
            "n_rows": len(y),
            "n_markers": int(pos.sum()),
            "n_sessions": len(chunks),
        },
    )
