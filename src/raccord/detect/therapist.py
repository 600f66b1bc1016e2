"""The learned decision on therapist turns: does this turn feed a rupture, does it repair one?

The rules of ``moves`` name what a therapist turn does (an open question, advice, a reflection, a
meta-communication…) and give it a first ``ANNOTATION.md`` label. A coder, though, judges the
label with what surrounds the turn: advice right after the patient asked for it is not a
contribution, a validation that answers a marker is a repair, an open question that the patient
answers at length after a rupture marker is the repair that worked. The heads here read the same:

- the move type and the rules' labels (they stay the explanation a clinician reads);
- the markers around the turn (the patient's turn before, the three before it, and — after the
  session — the patient's turn after, with their family and confidence);
- how much each side says (the turn, the patient's turns around it);
- in full mode, the meaning of the turn and of the patient's turns before and after it.

Heads fitted by ``raccord.learn`` on every labelled session with the markers the detector
itself found there *out of fold* (so the heads learn from markers as imperfect as the ones they
will see), shipped as ``data/therapist-<mode>-<context>.npz``:

- the **side** head, one decision per turn between three answers — the turn feeds a rupture,
  works to repair one, or neither. A coder decides the two together: a rationale given right
  after a complaint is a repair or an argument according to what it does with the complaint, and
  two separate presence heads each read "right after a marker" as evidence for themselves (a
  blind round found five pushes after markers called repairs). A turn takes the side whose
  probability is furthest above its threshold, when one is above it;
- two presence heads (``contribution``, ``repair``), the older design, kept for the case where
  inner cross-validation finds the side head no better (``meta["use_side"]``); each may also
  be found worse than the rules (``meta["use_<head>"]``) and leave the rules' labels as they
  are;
- two label heads, fitted on the labelled turns: which contribution, which repair.

Thresholds are chosen by inner cross-validation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord import lang as lang_packs
from raccord.detect import questions
from raccord.detect.learned import DIM, MOVES, Head, head_arrays, read_head, write
from raccord.detect.move_labels import answers_a_marker, first_marker, owns_doing
from raccord.lang import pack_code
from raccord.model import Evidence, Marker, TherapistMove, Transcript
from raccord.taxonomy import Contribution, MarkerKind, RepairStrategy, Role, TherapistMoveType

CONTRIBUTIONS: tuple[str, ...] = tuple(c.value for c in Contribution)
REPAIRS: tuple[str, ...] = tuple(r.value for r in RepairStrategy)
HEADS = ("contribution", "repair")
#: Stored heads: for each task a presence head ("0"/"1") and a label head over its labels.
STORED = ("contribution", "contribution_label", "repair", "repair_label")
#: The side head's classes: a contribution, a repair, neither.
SIDES = {"contribution": "c", "repair": "r"}
NEITHER = "n"
#: Therapist turns whose rows are built and scored together.
ROWS_AT_ONCE = 512
#: How many patient turns before the therapist turn are searched for a marker.
LOOK_BACK = 3
#: Moves the rules read as pressing the therapist's view (a lecture, a warning, advice nobody
#: asked for, an interpretation given as fact): the repair head never calls one a repair the
#: rules did not see. Three blind reviews found such turns shown as « explique la démarche » or
#: "validates"; on the odd-numbered psychotherapy sessions the coders call 2 of 40 such turns a
#: repair, 24 a contribution.
PRESSING = frozenset(
    {
        TherapistMoveType.CONFRONTING,
        TherapistMoveType.INTERPRETATION,
        TherapistMoveType.ADVICE_WITHOUT_PERMISSION,
    }
)

#: Repairs whose name says what the therapist did in words — owned a part, said how they lived the
#: exchange — given by the label head only to the moves that can do it. The head read fresh56's
#: « Vous avez tout à fait le droit d'être en colère » (a validation) as owning a part, and the
#: report said « vous avez reconnu votre part »; the next likeliest label is taken instead.
SAID_BY: Mapping[RepairStrategy, frozenset[TherapistMoveType]] = {
    RepairStrategy.ACKNOWLEDGE_CONTRIBUTION: frozenset(
        {
            TherapistMoveType.META_COMMUNICATION,
            TherapistMoveType.SELF_DISCLOSURE,
            TherapistMoveType.COMPLEX_REFLECTION,
            TherapistMoveType.OTHER,
        }
    ),
    RepairStrategy.DISCLOSE_EXPERIENCE: frozenset(
        {
            TherapistMoveType.META_COMMUNICATION,
            TherapistMoveType.SELF_DISCLOSURE,
            TherapistMoveType.OTHER,
        }
    ),
}


#: Contributions whose name says the form of the turn, given by the label head only to a turn of
#: that form: fresh60's « Maintenant posez-la sur vos genoux » (an instruction) was shown as
#: « série de questions fermées »; the next likeliest label is taken instead. In the labelled
#: sessions 126 of 163 closed interrogations are closed questions, the rest questions the rules
#: read as open or as reflections.
ASKING = frozenset({Contribution.CLOSED_INTERROGATION.value})


def _likeliest(
    classes: Sequence[str], p: npt.NDArray[np.float64], allowed: Callable[[str], bool]
) -> str:
    """The label head's likeliest label that ``allowed`` lets the turn carry."""
    for i in np.argsort(-p, kind="stable"):
        if allowed(classes[int(i)]):
            return classes[int(i)]
    return classes[int(np.argmax(p))]  # pragma: no cover - every class list has an allowed label


def _contribution_for(asks: bool, classes: Sequence[str], p: npt.NDArray[np.float64]) -> str:
    """The label head's likeliest contribution that the turn's form allows (``ASKING``)."""
    return _likeliest(classes, p, lambda label: asks or label not in ASKING)


def _label_for(
    move: TherapistMove, owning: bool, classes: Sequence[str], p: npt.NDArray[np.float64]
) -> str:
    """The label head's likeliest label for ``move`` among those its move can carry
    (``SAID_BY``); owning a part also needs the turn to speak of what the therapist did
    (``owning``, ``move_labels.owns_doing``)."""

    def allowed(label: str) -> bool:
        if label == RepairStrategy.ACKNOWLEDGE_CONTRIBUTION.value and not owning:
            return False
        said_by = SAID_BY.get(RepairStrategy(label)) if label in REPAIRS else None
        return said_by is None or move.move in said_by

    return _likeliest(classes, p, allowed)


def sides(
    contribution: npt.NDArray[np.float64],
    repair: npt.NDArray[np.float64],
    t_contribution: float,
    t_repair: float,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The side each turn takes from its two probabilities: the side furthest above its
    threshold, when one is above it (``decide``, and the fitting that chooses the thresholds)."""
    c_margin, r_margin = contribution - t_contribution, repair - t_repair
    on_contribution = (c_margin >= 0) & (c_margin >= r_margin)
    return on_contribution, (r_margin >= 0) & ~on_contribution


def feature_names(mode: str, context: str) -> list[str]:
    names = [
        *(f"move_{m}" for m in MOVES),
        *(f"rule_contribution_{c}" for c in CONTRIBUTIONS),
        *(f"rule_repair_{r}" for r in REPAIRS),
        "marker_before",
        "marker_before_confidence",
        "marker_before_confrontation",
        "markers_recent",
        "log_words",
        "log_words_before",
    ]
    if context == "session":
        names += ["marker_after", "marker_after_confidence", "log_words_after"]
    if mode == "full":
        names += [f"turn_{k}" for k in range(DIM)] + [f"client_before_{k}" for k in range(DIM)]
        if context == "session":
            names += [f"client_after_{k}" for k in range(DIM)]
    return names


VECTOR_PREFIXES = ("turn_", "client_before_", "client_after_")


def _words(text: str) -> float:
    return math.log1p(len(text.split()))


def rows(
    transcript: Transcript,
    moves: Sequence[TherapistMove],
    markers: Sequence[Marker],
    vectors: npt.NDArray[np.float32] | None,
    *,
    mode: str,
    context: str,
) -> npt.NDArray[np.float64]:
    """One feature row per therapist move, in the order of ``moves``."""
    turns = transcript.turns
    patient = [t.index for t in turns if t.role is Role.PATIENT]
    by_turn = {m.turn: m for m in markers}
    out: list[npt.NDArray[np.float64]] = []
    zero = np.zeros(DIM)
    for move in moves:
        k = int(np.searchsorted(patient, move.turn))
        before = patient[k - 1] if k > 0 else None
        after = patient[k] if k < len(patient) else None
        m_before = by_turn.get(before) if before is not None else None
        recent = sum(1 for p in patient[max(0, k - LOOK_BACK) : k] if p in by_turn)
        row: list[float] = [
            *(1.0 if move.move.value == m else 0.0 for m in MOVES),
            *(1.0 if move.contribution.value == c else 0.0 for c in CONTRIBUTIONS),
            *(1.0 if move.repair.value == r else 0.0 for r in REPAIRS),
            1.0 if m_before is not None else 0.0,
            m_before.confidence if m_before is not None else 0.0,
            1.0 if m_before is not None and m_before.kind is MarkerKind.CONFRONTATION else 0.0,
            float(recent),
            _words(turns[move.turn].text),
            _words(turns[before].text) if before is not None else 0.0,
        ]
        if context == "session":
            m_after = by_turn.get(after) if after is not None else None
            row += [
                1.0 if m_after is not None else 0.0,
                m_after.confidence if m_after is not None else 0.0,
                _words(turns[after].text) if after is not None else 0.0,
            ]
        parts = [np.asarray(row)]
        if mode == "full":
            assert vectors is not None, "full mode needs the sentence vectors"
            parts.append(np.asarray(vectors[move.turn], dtype=np.float64))
            parts.append(
                np.asarray(vectors[before], dtype=np.float64) if before is not None else zero
            )
            if context == "session":
                parts.append(
                    np.asarray(vectors[after], dtype=np.float64) if after is not None else zero
                )
        out.append(np.concatenate(parts))
    width = len(feature_names(mode, context))
    return np.vstack(out) if out else np.zeros((0, width))


@dataclass(frozen=True, slots=True)
class TherapistModel:
    mode: str
    context: str
    #: Presence heads (classes "0", "1"): does the turn carry a contribution / a repair?
    contribution: Head
    repair: Head
    #: Label heads, fitted on the labelled turns only: which contribution / which repair.
    contribution_label: Head
    repair_label: Head
    #: Per task: the presence probability from which a turn keeps a label (``side_<task>``: the
    #: side head's probability of that side).
    thresholds: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)
    #: The side head (classes ``SIDES`` and ``NEITHER``), when fitted.
    side: Head | None = None

    def uses(self, head: str) -> bool:
        return bool(self.meta.get(f"use_{head}", True))

    @property
    def joint(self) -> bool:
        """Whether the side head decides both tasks (inner cross-validation found it better)."""
        return self.side is not None and bool(self.meta.get("use_side", False))

    def _presence(self, x: npt.NDArray[np.float64]) -> dict[str, npt.NDArray[np.float64]]:
        """Each used task's probability of its label being present, row by row."""
        if self.joint:
            assert self.side is not None
            p = self.side.proba(x)
            return {name: p[:, self.side.classes.index(c)] for name, c in SIDES.items()}
        out = {}
        for name in HEADS:
            if self.uses(name):
                presence: Head = getattr(self, name)
                out[name] = presence.proba(x)[:, presence.classes.index("1")]
        return out

    def threshold(self, name: str) -> float:
        """The probability from which ``name``'s label is present."""
        return self.thresholds[f"side_{name}" if self.joint else name]

    def decide(
        self,
        transcript: Transcript,
        moves: Sequence[TherapistMove],
        markers: Sequence[Marker],
        vectors: npt.NDArray[np.float32] | None,
        templates: Mapping[str, str],
        language: str,
        *,
        spoken: bool = False,
    ) -> tuple[TherapistMove, ...]:
        """The moves with their labels decided by the heads (and the rules' evidence kept);
        ``spoken``: the session is unpunctuated speech-to-text (``Prepared.spoken``)."""
        if not moves:
            return tuple(moves)
        used = list(HEADS) if self.joint else [name for name in HEADS if self.uses(name)]
        code = pack_code(language)
        first = first_marker(markers)
        scores: dict[str, list[npt.NDArray[np.float64]]] = {n: [] for n in used}
        choices: dict[str, list[npt.NDArray[np.float64]]] = {n: [] for n in used}
        # a block of rows at a time, so that a long session never holds them all
        for start in range(0, len(moves), ROWS_AT_ONCE):
            x = rows(
                transcript,
                moves[start : start + ROWS_AT_ONCE],
                markers,
                vectors,
                mode=self.mode,
                context=self.context,
            )
            presence = self._presence(x)
            for name in used:
                scores[name].append(presence[name])
                choices[name].append(getattr(self, f"{name}_label").proba(x))
        out = list(moves)
        decided: dict[str, npt.NDArray[np.float64]] = {}
        # the sentence each head added to a turn, so that it goes if the head's label loses
        added: dict[tuple[int, str], Evidence] = {}
        for name in used:
            labels: Head = getattr(self, f"{name}_label")
            probability = np.concatenate(scores[name])
            # no repair before the session's first marker: the head's turn there is no repair,
            # and loses to the contribution head
            barred = np.asarray(
                [name == "repair" and not answers_a_marker(m, first) for m in out], dtype=bool
            )
            probability = np.where(barred, 0.0, probability)
            decided[name] = probability
            which = np.vstack(choices[name])
            for k, move in enumerate(out):
                present = float(probability[k])
                current = getattr(move, name)
                # the rules' sentences for a label the head overturns go with it: a turn shown
                # as arguing must not also read « Réparation indirecte possible… »
                kept = tuple(e for e in move.evidence if not _reason_for(e, current.value))
                pressing = name == "repair" and move.move in PRESSING
                if (
                    not barred[k]
                    and present >= self.threshold(name)
                    and not (pressing and current.value == "none")
                ):
                    # a repair the therapist names in words keeps its name: the head says there
                    # is a repair, the words say which (fresh35: « je veux être clair sur un
                    # point, parce que ma phrase a pu laisser croire autre chose » was called an
                    # invitation to discuss)
                    named = any(
                        e.source == "wording" and e.supports == current.value for e in move.evidence
                    )
                    if named:
                        label = current.value
                    elif name == "repair":
                        owning = owns_doing(transcript.turns[move.turn].text, code)
                        label = _label_for(move, owning, labels.classes, which[k])
                    else:
                        text = transcript.turns[move.turn].text
                        label = _contribution_for(
                            questions.asks(text, code, spoken=spoken), labels.classes, which[k]
                        )
                    if label != current.value:
                        detail = templates.get(f"learned_{name}", "{p}").format(
                            p=lang_packs.decimal(language, present)
                        )
                        added[(k, name)] = Evidence(source="model", detail=detail)
                        # the other head's sentence goes; the move classifier's stays (it
                        # says what the move is, which no head changes)
                        other = next(added.get((k, h)) for h in HEADS if h != name)
                        evidence = (added[(k, name)], *(e for e in kept if e is not other))
                        out[k] = _relabel(
                            move, name, label, round(min(0.95, max(0.05, present)), 3), evidence
                        )
                elif current.value != "none":
                    out[k] = _relabel(move, name, "none", move.confidence, kept)
        # One label per turn (ANNOTATION.md): the label whose head is the surer (the further
        # above its threshold), when both heads decided; else the repair, which answers a
        # marker — unless the repair is the head's and the contribution the rules': a head does
        # not praise as a repair a move the rules read as advice, a lecture or an imposed
        # interpretation (blind reviews found the task that set off an episode called
        # « explique la démarche », a warning "invites discussion"). (A repair always winning
        # kept "an indirect repair" on an imposed interpretation the contribution head was
        # sure of.)
        both = "contribution" in decided and "repair" in decided
        surer, _ = (
            sides(
                decided["contribution"],
                decided["repair"],
                self.threshold("contribution"),
                self.threshold("repair"),
            )
            if both
            else (np.zeros(len(out), dtype=bool), None)
        )
        for k, move in enumerate(out):
            if move.contribution is Contribution.NONE or move.repair is RepairStrategy.NONE:
                continue
            head_repair_on_rules = (
                not both and (k, "repair") in added and moves[k].repair is RepairStrategy.NONE
            )
            if head_repair_on_rules or surer[k]:
                loser, value = "repair", move.repair.value
                out[k] = replace(move, repair=RepairStrategy.NONE)
            else:
                loser, value = "contribution", move.contribution.value
                out[k] = replace(move, contribution=Contribution.NONE)
            out[k] = replace(
                out[k],
                evidence=tuple(
                    e
                    for e in move.evidence
                    if not _reason_for(e, value) and e is not added.get((k, loser))
                ),
            )
        return tuple(out)


def _reason_for(e: Evidence, label: str) -> bool:
    """Whether ``e`` is the rules' reason for ``label`` (``Evidence.supports``, set where
    ``move_labels`` gives the label)."""
    return label != "none" and e.supports == label


def _relabel(
    move: TherapistMove,
    head: str,
    label: str,
    confidence: float,
    evidence: tuple[Evidence, ...],
) -> TherapistMove:
    if head == "contribution":
        return replace(
            move, contribution=Contribution(label), confidence=confidence, evidence=evidence
        )
    return replace(move, repair=RepairStrategy(label), confidence=confidence, evidence=evidence)


def file_name(mode: str, context: str) -> str:
    return f"therapist-{mode}-{context}.npz"


def save(model: TherapistModel, path: Any) -> None:
    arrays: dict[str, Any] = {}
    for name in STORED:
        arrays.update(head_arrays(name, getattr(model, name)))
    if model.side is not None:
        arrays.update(head_arrays("side", model.side))
    meta = {
        **model.meta,
        "mode": model.mode,
        "context": model.context,
        "thresholds": model.thresholds,
    }
    write(path, arrays, meta, feature_names(model.mode, model.context))


def load_file(handle: Any) -> TherapistModel:
    with np.load(handle) as data:
        meta = json.loads(str(data["meta"]))
        heads = {name: read_head(data, name) for name in STORED}
        side = read_head(data, "side") if "side_coef" in data.files else None
    return TherapistModel(
        side=side,
        mode=str(meta["mode"]),
        context=str(meta["context"]),
        thresholds={k: float(v) for k, v in meta["thresholds"].items()},
        meta=meta,
        **heads,
    )


@cache
def shipped(mode: str, context: str) -> TherapistModel | None:
    """The therapist model shipped for a mode and context, or ``None`` when absent."""
    ref = resources.files("raccord").joinpath("data", file_name(mode, context))
    if not ref.is_file():
        return None
    with ref.open("rb") as handle:
        return load_file(handle)
