"""Running a detector over labelled and unlabelled sessions and turning the output into figures.

The benchmark script, the detector authors' tuning loop and a future ``raccord evaluate`` share
this code so that they cannot disagree about what "client-marker F1 on the tune split" means.
A *predictor* is any function from a transcript to an ``ANNOTATION.md`` dict; ``detector_predictor``
wraps ``raccord.detect.detect`` + ``raccord.export.to_annotation``, ``gold_predictor`` returns the
reference labels themselves (a sanity check of the harness: every figure must be 1).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from raccord.errors import RaccordError
from raccord.eval.compare import align_annotations, as_annotation, figures, roles_of
from raccord.eval.corpus import DevSet
from raccord.eval.labels import Annotation, TranscriptId
from raccord.eval.metrics import PRF, prf_ci, roc_auc_ci
from raccord.eval.splits import SPLITS, TUNE
from raccord.export import transcript_id as transcript_key
from raccord.model import (
    Detection,
    Episode,
    Marker,
    SessionAnalysis,
    SessionScores,
    TherapistMove,
    Transcript,
)
from raccord.taxonomy import Role, TherapistMoveType

Predictor = Callable[[Transcript], Mapping[str, Any] | Annotation]
DetectFn = Callable[..., Detection]


def find_detector() -> DetectFn | None:
    """``raccord.detect.detect`` when the detect stage is installed, else ``None``."""
    try:
        module = importlib.import_module("raccord.detect")
    except ImportError:
        return None
    fn = getattr(module, "detect", None)
    return fn if callable(fn) else None


def detector_predictor(detect: DetectFn, mode: str) -> Predictor:
    """Detection in ``mode`` written as a coder's annotation (ids = ``Turn.uid``)."""
    from raccord.export import to_annotation

    def predict(transcript: Transcript) -> dict[str, Any]:
        return to_annotation(SessionAnalysis(transcript, detect(transcript, mode=mode)))

    return predict


def detection_from_annotation(annotation: Annotation, transcript: Transcript) -> Detection:
    """Labels turned back into a ``Detection`` (utterance ids mapped to turn positions).

    Used for the sanity check: gold labels → ``Detection`` → ``to_annotation`` → ``compare``
    with gold must give 1 everywhere, which tests the id mapping and the export on real sessions.
    """
    position = {turn.uid: i for i, turn in enumerate(transcript.turns)}

    def at(uid: int) -> int:
        if uid not in position:
            raise RaccordError(
                f"utterance {uid} of transcript {annotation.transcript_id!r} is not a turn",
                path=transcript.metadata.source,
            )
        return position[uid]

    markers = tuple(
        Marker(at(uid), label.marker, label.subtype, label.salience, 1.0)
        for uid, label in sorted(annotation.client.items())
        if label.present and label.subtype is not None
    )
    moves = tuple(
        TherapistMove(at(uid), TherapistMoveType.OTHER, label.contribution, label.repair, 1.0)
        for uid, label in sorted(annotation.therapist.items())
    )
    episodes = tuple(
        Episode(at(e.start), at(e.end), e.kind, e.severity, e.resolved) for e in annotation.episodes
    )
    return Detection(markers, moves, episodes, SessionScores(0.0, 0.0))


def gold_predictor(labels: Mapping[TranscriptId, Annotation]) -> Predictor:
    """The reference labels as a prediction, through ``Detection`` and ``to_annotation``: must
    score 1 everywhere (a check of the harness and the export, not of a detector)."""
    from raccord.export import to_annotation

    def predict(transcript: Transcript) -> dict[str, Any]:
        gold = labels[transcript_key(transcript)]
        detection = detection_from_annotation(gold, transcript)
        return to_annotation(SessionAnalysis(transcript, detection))

    return predict


def evaluate_dev(
    dev: DevSet,
    predict: Predictor,
    *,
    splits: Mapping[str, Sequence[TranscriptId]] | None = None,
    include_all: bool = True,
    ci: bool = True,
) -> dict[str, Any]:
    """Figures on all dev sessions (``all``, unless ``include_all`` is false) and on each split
    (default ``tune`` and ``check``). Only the sessions asked for are predicted."""
    parts: dict[str, list[TranscriptId]] = {"all": list(dev.labels)} if include_all else {}
    for name, ids in (SPLITS if splits is None else splits).items():
        parts[name] = [tid for tid in ids if tid in dev.labels]
    wanted = {tid for ids in parts.values() for tid in ids}
    aligned = {
        tid: align_annotations(
            predict(dev.transcripts[tid]), dev.labels[tid], roles=roles_of(dev.transcripts[tid])
        )
        for tid in dev.labels
        if tid in wanted
    }
    out: dict[str, Any] = {}
    for name, ids in parts.items():
        if ids:
            total = sum((aligned[tid] for tid in ids[1:]), aligned[ids[0]])
            out[name] = figures(total, ci=ci)
            out[name]["sessions"] = list(ids)
    return out


def tune_figures(
    mode: str = "fast", language: str = "en", *, data: str | None = None
) -> dict[str, Any]:
    """The figures a detector author may look at: the tune split only, one tier, one language.

    ``python -c "from raccord.eval.harness import tune_figures; print(tune_figures('full'))"``
    """
    from raccord.eval.corpus import load_dev, shared_data_dir

    folder = shared_data_dir(data)
    detect = find_detector()
    if folder is None or detect is None:
        raise RaccordError("tune figures need the shared data and raccord.detect.detect")
    dev = load_dev(folder, language)
    predictor = detector_predictor(detect, mode)
    figs = evaluate_dev(dev, predictor, splits={"tune": TUNE}, include_all=False, ci=False)
    tune: dict[str, Any] = figs["tune"]
    return tune


def quality_auc(
    detections: Mapping[int, Detection],
    quality: Mapping[int, str],
    *,
    n_boot: int = 2000,
) -> dict[str, Any]:
    """ROC-AUC of the session therapist-contribution score for low vs high MI quality."""
    ids = sorted(tid for tid in detections if tid in quality)
    scores = [detections[tid].scores.therapist_contribution for tid in ids]
    low = [quality[tid] == "low" for tid in ids]
    return {
        **roc_auc_ci(scores, low, n_boot=n_boot).as_dict(),
        "n_sessions": len(ids),
        "n_low": sum(low),
        "positive": "low",
        "distinct_scores": len(set(scores)),
    }


def feature_aucs(
    features: Mapping[int, Mapping[str, float]],
    quality: Mapping[int, str],
    *,
    n_boot: int = 2000,
) -> dict[str, dict[str, Any]]:
    """AUC of each human-coded session feature for low quality, oriented the way it predicts.

    ``direction`` says whether low-quality sessions have more (``higher``) or less (``lower``) of
    it; ``value`` is the AUC in that direction, ``raw`` the AUC of the feature as is.
    """
    ids = sorted(tid for tid in features if tid in quality)
    low = [quality[tid] == "low" for tid in ids]
    out: dict[str, dict[str, Any]] = {}
    for name in features[ids[0]] if ids else ():
        values = [features[tid][name] for tid in ids]
        raw = roc_auc_ci(values, low, n_boot=n_boot)
        if raw.value >= 0.5:
            fig = {**raw.as_dict(), "direction": "higher"}
        else:
            flipped = roc_auc_ci([-v for v in values], low, n_boot=n_boot)
            fig = {**flipped.as_dict(), "direction": "lower"}
        fig["raw"] = round(raw.value, 4)
        out[name] = fig
    return dict(sorted(out.items(), key=lambda kv: -float(kv[1]["value"] or 0.0)))


def sustain_agreement(
    predictions: Mapping[int, Mapping[str, Any] | Annotation],
    transcripts: Mapping[int, Transcript],
    talk_types: Mapping[int, Mapping[int, str]],
    *,
    n_boot: int = 2000,
) -> dict[str, Any]:
    """Predicted client markers against AnnoMI ``sustain`` talk over every client utterance.

    A different construct (sustain talk argues against change; a marker moves away from or
    against the therapist or the work), reported to show how far the two overlap.
    """
    sessions: list[PRF] = []
    for tid in sorted(predictions):
        pred = as_annotation(predictions[tid], "predicted")
        types = talk_types.get(tid, {})
        gold_flags: list[bool] = []
        pred_flags: list[bool] = []
        for turn in transcripts[tid].turns:
            if turn.role is not Role.PATIENT or turn.uid not in types:
                continue
            gold_flags.append(types[turn.uid] == "sustain")
            pred_flags.append(pred.client_label(turn.uid).present)
        sessions.append(
            PRF(
                sum(g and p for g, p in zip(gold_flags, pred_flags, strict=True)),
                sum(p and not g for g, p in zip(gold_flags, pred_flags, strict=True)),
                sum(g and not p for g, p in zip(gold_flags, pred_flags, strict=True)),
            )
        )
    total = sum(sessions, PRF(0, 0, 0))
    return {
        **total.as_dict(),
        "f1_ci": prf_ci(sessions, n_boot=n_boot).as_dict(),
        "n_sessions": len(sessions),
    }


def run_all(
    transcripts: Iterable[tuple[int, Transcript]], detect: DetectFn, mode: str
) -> dict[int, Detection]:
    """Detections for many sessions (one mode)."""
    return {tid: detect(t, mode=mode) for tid, t in transcripts}


__all__ = [
    "detection_from_annotation",
    "detector_predictor",
    "evaluate_dev",
    "feature_aucs",
    "find_detector",
    "gold_predictor",
    "quality_auc",
    "run_all",
    "sustain_agreement",
    "tune_figures",
]
