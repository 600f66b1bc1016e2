"""Predicted labels against reference labels, utterance by utterance, in the figures we publish.

Everything is aligned by utterance id (``Turn.uid``, AnnoMI's ``utterance_id``) so that a
prediction written by ``raccord.export.to_annotation`` and a coder's file compare directly.
Figures pool utterances across sessions (micro-average): a session with 80 client turns weighs more
than one with 10, as in coder-agreement studies. Definitions, stated once:

- **client marker**: presence (``marker != none``) over all client utterances: P/R/F1 and kappa.
- **kind kappa** (the headline "withdrawal vs confrontation" figure): Cohen's kappa of the marker
  family on the client utterances that *both* sides mark. It isolates the family decision from
  the presence decision, which the marker F1 already measures.
- **kind kappa, 3 classes**: kappa of none / withdrawal / confrontation over all client
  utterances (presence and family at once), for comparison with coder studies that report it.
- **subtype accuracy**: share of the utterances both sides mark that get the same subtype.
- **contribution / repair**: presence P/R/F1 and kappa over therapist utterances, plus one-vs-rest
  P/R/F1 for each label.
- **episodes**: overlap matching (see ``metrics.SpanMatch``): P = matched predicted / predicted,
  R = matched gold / gold.

Which utterances exist and who speaks them comes from ``roles`` (``roles_of(transcript)``).
Without it only the utterances someone labelled are known, so figures that need the unlabelled
ones (kappas) are left out rather than inflated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from raccord.eval.labels import (
    NO_MARKER,
    NO_MOVE,
    Annotation,
    ClientLabel,
    EpisodeLabel,
    TherapistLabel,
    TranscriptId,
    parse_annotation,
)
from raccord.eval.metrics import (
    PRF,
    SpanMatch,
    accuracy,
    cohen_kappa,
    match_spans,
    per_label_prf,
    prf,
    prf_ci,
    rounded,
    span_ci,
    weighted_kappa,
)
from raccord.model import Transcript
from raccord.taxonomy import Contribution, MarkerKind, RepairStrategy, Role

CLIENT = "client"
THERAPIST = "therapist"

KIND_KAPPA_DEFINITION = (
    "Cohen's kappa of withdrawal vs confrontation on client utterances both sides mark"
)
KIND_KAPPA_3_DEFINITION = (
    "Cohen's kappa of none/withdrawal/confrontation over all client utterances"
)


def roles_of(transcript: Transcript) -> dict[int, str]:
    """``{utterance id: "client" | "therapist"}`` for the turns labels can refer to."""
    roles: dict[int, str] = {}
    for turn in transcript.turns:
        if turn.role is Role.PATIENT:
            roles[turn.uid] = CLIENT
        elif turn.role is Role.THERAPIST:
            roles[turn.uid] = THERAPIST
    return roles


@dataclass(frozen=True, slots=True)
class SessionCounts:
    """One session's counts, kept so that intervals can resample sessions."""

    marker: PRF
    contribution: PRF
    repair: PRF
    episodes: SpanMatch


@dataclass(slots=True)
class Aligned:
    """Pooled, aligned labels of one or more sessions: add two to pool them."""

    client_gold: list[ClientLabel] = field(default_factory=list)
    client_pred: list[ClientLabel] = field(default_factory=list)
    therapist_gold: list[TherapistLabel] = field(default_factory=list)
    therapist_pred: list[TherapistLabel] = field(default_factory=list)
    episodes: SpanMatch = field(default_factory=lambda: SpanMatch(0, 0, 0, 0))
    episode_pairs: list[tuple[EpisodeLabel, EpisodeLabel]] = field(default_factory=list)
    sessions: dict[TranscriptId, SessionCounts] = field(default_factory=dict)
    complete: bool = True
    stray: int = 0

    def __add__(self, other: Aligned) -> Aligned:
        return Aligned(
            self.client_gold + other.client_gold,
            self.client_pred + other.client_pred,
            self.therapist_gold + other.therapist_gold,
            self.therapist_pred + other.therapist_pred,
            self.episodes + other.episodes,
            self.episode_pairs + other.episode_pairs,
            {**self.sessions, **other.sessions},
            self.complete and other.complete,
            self.stray + other.stray,
        )


def as_annotation(value: Annotation | Mapping[str, Any], what: str = "given") -> Annotation:
    """An ``Annotation`` as is, or a dict checked by ``parse_annotation``."""
    if isinstance(value, Annotation):
        return value
    return parse_annotation(value, path=f"<{what} annotation>")


def align_annotations(
    pred: Annotation | Mapping[str, Any],
    gold: Annotation | Mapping[str, Any],
    *,
    roles: Mapping[int, str] | None = None,
) -> Aligned:
    """Line up one session's predicted and gold labels utterance by utterance.

    ``stray`` counts predicted rows on an utterance the roles say belongs to the other side or
    does not exist: a sign that ids were not mapped to ``Turn.uid``.
    """
    p = as_annotation(pred, "predicted")
    g = as_annotation(gold, "gold")
    complete = roles is not None
    if roles is None:
        client_ids = sorted(set(g.client) | set(p.client))
        therapist_ids = sorted(set(g.therapist) | set(p.therapist))
        stray = 0
    else:
        client_ids = sorted(uid for uid, role in roles.items() if role == CLIENT)
        therapist_ids = sorted(uid for uid, role in roles.items() if role == THERAPIST)
        stray = len(set(p.client) - set(client_ids)) + len(set(p.therapist) - set(therapist_ids))
    cg = [g.client_label(uid) for uid in client_ids]
    cp = [p.client_label(uid) for uid in client_ids]
    tg = [g.therapist_label(uid) for uid in therapist_ids]
    tp = [p.therapist_label(uid) for uid in therapist_ids]
    gold_spans = [(e.start, e.end) for e in g.episodes]
    pred_spans = [(e.start, e.end) for e in p.episodes]
    match = match_spans(pred_spans, gold_spans)
    pairs = [(g.episodes[gi], p.episodes[pi]) for gi, pi in match.pairs]
    session = SessionCounts(
        marker=prf([x.present for x in cg], [x.present for x in cp]),
        contribution=prf(
            [x.contribution is not Contribution.NONE for x in tg],
            [x.contribution is not Contribution.NONE for x in tp],
        ),
        repair=prf(
            [x.repair is not RepairStrategy.NONE for x in tg],
            [x.repair is not RepairStrategy.NONE for x in tp],
        ),
        episodes=match,
    )
    return Aligned(cg, cp, tg, tp, match, pairs, {g.transcript_id: session}, complete, stray)


def figures(aligned: Aligned, *, ci: bool = False, seed: int | None = None) -> dict[str, Any]:
    """The published figures of pooled aligned labels (see the module docstring).

    With ``ci`` the client-marker, contribution, repair and episode F1 get a cluster bootstrap
    interval over sessions (``f1_ci``).
    """
    a = aligned
    gold_present = [x.present for x in a.client_gold]
    pred_present = [x.present for x in a.client_pred]
    both = [
        (g, p) for g, p in zip(a.client_gold, a.client_pred, strict=True) if g.present and p.present
    ]
    marker = prf(gold_present, pred_present)
    marker_fig = marker.as_dict()
    kwargs: dict[str, Any] = {} if seed is None else {"seed": seed}
    per_session = list(a.sessions.values())
    if ci and per_session:
        marker_fig["f1_ci"] = prf_ci([c.marker for c in per_session], **kwargs).as_dict()
    marker_fig["kappa"] = _complete(a, cohen_kappa(gold_present, pred_present))

    kinds_both = ([g.marker for g, _ in both], [p.marker for _, p in both])
    out: dict[str, Any] = {
        "n_sessions": len(a.sessions),
        "n_client_utterances": len(a.client_gold),
        "n_therapist_utterances": len(a.therapist_gold),
        "client_marker": marker_fig,
        "kind_kappa": {
            "value": rounded(cohen_kappa(*kinds_both)),
            "agreement": rounded(accuracy(*kinds_both)),
            "n": len(both),
            "definition": KIND_KAPPA_DEFINITION,
        },
        "kind_kappa_3class": {
            "value": _complete(
                a, cohen_kappa([x.marker for x in a.client_gold], [x.marker for x in a.client_pred])
            ),
            "n": len(a.client_gold),
            "definition": KIND_KAPPA_3_DEFINITION,
        },
        "subtype_accuracy": {
            "value": rounded(accuracy([g.subtype for g, _ in both], [p.subtype for _, p in both])),
            "n": len(both),
        },
        "salience_weighted_kappa": _complete(
            a,
            weighted_kappa(
                [x.salience for x in a.client_gold],
                [x.salience for x in a.client_pred],
                [1, 2, 3, 4, 5],
            ),
        ),
        "contribution": _therapist_task(
            a,
            [t.contribution for t in a.therapist_gold],
            [t.contribution for t in a.therapist_pred],
            list(Contribution)[1:],
            Contribution.NONE,
        ),
        "repair": _therapist_task(
            a,
            [t.repair for t in a.therapist_gold],
            [t.repair for t in a.therapist_pred],
            list(RepairStrategy)[1:],
            RepairStrategy.NONE,
        ),
        "episodes": {
            **a.episodes.as_dict(),
            "kind_accuracy": rounded(accuracy(*_pair_values(a, "kind"))),
            "severity_accuracy": rounded(accuracy(*_pair_values(a, "severity"))),
            "resolved_accuracy": rounded(accuracy(*_pair_values(a, "resolved"))),
            "n_pairs": len(a.episode_pairs),
        },
        "stray_predicted_rows": a.stray,
    }
    if ci and per_session:
        for task in ("contribution", "repair"):
            counts = [getattr(c, task) for c in per_session]
            out[task]["f1_ci"] = prf_ci(counts, **kwargs).as_dict()
        out["episodes"]["f1_ci"] = span_ci([c.episodes for c in per_session], **kwargs).as_dict()
    if not a.complete:
        out["note"] = "no roles given: only labelled utterances are known, kappas left out"
    return out


def _complete(a: Aligned, value: float) -> float | None:
    return rounded(value) if a.complete else None


def _pair_values(a: Aligned, attr: str) -> tuple[list[Any], list[Any]]:
    return [getattr(g, attr) for g, _ in a.episode_pairs], [
        getattr(p, attr) for _, p in a.episode_pairs
    ]


def _therapist_task(
    a: Aligned, gold: list[Any], pred: list[Any], labels: list[Any], none: Any
) -> dict[str, Any]:
    gold_present = [x != none for x in gold]
    pred_present = [x != none for x in pred]
    fig = prf(gold_present, pred_present).as_dict()
    fig["kappa"] = _complete(a, cohen_kappa(gold_present, pred_present))
    fig["per_label"] = {
        label.value: counts.as_dict()
        for label, counts in per_label_prf(gold, pred, labels).items()
        if counts.tp + counts.fp + counts.fn
    }
    return fig


def compare(
    pred_annotation: Annotation | Mapping[str, Any],
    gold_annotation: Annotation | Mapping[str, Any],
    *,
    roles: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """Figures for one session: predicted vs gold ``ANNOTATION.md`` dicts.

    Pass ``roles=roles_of(transcript)`` so that unlabelled utterances count as agreed ``none``
    (needed for kappa); without it kappas are ``None``.
    """
    return figures(align_annotations(pred_annotation, gold_annotation, roles=roles))


def compare_many(
    pairs: Iterable[
        tuple[
            Annotation | Mapping[str, Any], Annotation | Mapping[str, Any], Mapping[int, str] | None
        ]
    ],
    *,
    ci: bool = False,
    seed: int | None = None,
) -> dict[str, Any]:
    """Pooled figures over sessions given as ``(pred, gold, roles)`` triples."""
    total = Aligned()
    for pred, gold, roles in pairs:
        total = total + align_annotations(pred, gold, roles=roles)
    return figures(total, ci=ci, seed=seed)


def disagreements(
    pred: Annotation | Mapping[str, Any],
    gold: Annotation | Mapping[str, Any],
    transcript: Transcript,
    *,
    excerpt: int = 160,
) -> list[dict[str, Any]]:
    """Each utterance where prediction and gold differ, with a short excerpt of its text.

    For detector authors tuning on the tune split: the row says what was missed (FN), what was
    flagged wrongly (FP), or which family / subtype / label was confused. The excerpt is cut at
    ``excerpt`` characters so a report never reproduces a session in full.
    """
    p = as_annotation(pred, "predicted")
    g = as_annotation(gold, "gold")
    rows: list[dict[str, Any]] = []
    for turn in transcript.turns:
        uid = turn.uid
        text = turn.text if len(turn.text) <= excerpt else turn.text[: excerpt - 1] + "…"
        if turn.role is Role.PATIENT:
            gc, pc = g.client_label(uid), p.client_label(uid)
            issue = _client_issue(gc, pc)
            if issue:
                rows.append(
                    {
                        "utterance_id": uid,
                        "role": CLIENT,
                        "issue": issue,
                        "gold": _client_str(gc),
                        "pred": _client_str(pc),
                        "text": text,
                    }
                )
        elif turn.role is Role.THERAPIST:
            gt, pt = g.therapist_label(uid), p.therapist_label(uid)
            for attr, none in (
                ("contribution", Contribution.NONE),
                ("repair", RepairStrategy.NONE),
            ):
                gv, pv = getattr(gt, attr), getattr(pt, attr)
                if gv != pv:
                    issue = "FN" if pv == none else "FP" if gv == none else "label"
                    rows.append(
                        {
                            "utterance_id": uid,
                            "role": THERAPIST,
                            "issue": f"{attr} {issue}",
                            "gold": gv.value,
                            "pred": pv.value,
                            "text": text,
                        }
                    )
    return rows


def _client_issue(g: ClientLabel, p: ClientLabel) -> str | None:
    if g.present and not p.present:
        return "marker FN"
    if p.present and not g.present:
        return "marker FP"
    if g.marker is not p.marker:
        return "kind"
    if g.present and g.subtype is not p.subtype:
        return "subtype"
    return None


def _client_str(label: ClientLabel) -> str:
    if label.marker is MarkerKind.NONE:
        return "none"
    sub = label.subtype.value if label.subtype else "?"
    return f"{label.marker.value}/{sub}/{label.salience}"


__all__ = [
    "NO_MARKER",
    "NO_MOVE",
    "Aligned",
    "SessionCounts",
    "align_annotations",
    "as_annotation",
    "compare",
    "compare_many",
    "disagreements",
    "figures",
    "roles_of",
]
