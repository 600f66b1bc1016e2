"""A turn read against its session: a second stage that may lower a turn's log-odds of being a
marker when the rest of the session is calmer than an ordinary one, and that reads turns close
together that are each a little short of the threshold as one stretch.

A coder reading a session where the alliance holds does not code a sad or guarded answer as a
rupture as readily as the same answer inside a tense stretch; the turn scorer, reading each turn
with its neighbours only, cannot tell. This stage reads two numbers about the session's *other*
patient turns — the mean of their log-odds and the share of them over the decision threshold (the
earlier ones only in live use) — and subtracts from the turn's log-odds::

    logit' = logit + max(−MAX_SHIFT, min(0, a · (mean − corpus mean) + b · (share − corpus share) + c))

The decision threshold stays the turn scorer's, so no marker can appear that the turn alone would
not raise, and a marker's confidence keeps the scale ``episodes.LONE_MIN_CONFIDENCE`` was chosen
on. (A first version fitted a logistic layer on these numbers and moved the threshold to its
scale: capped by the turn's probability, it still added markers on short unseen sessions because
the new threshold was lower; the fourth session's uncapped head lifted warm answers in sessions
full of ruptures, « Elle attend un bébé ! » 0.40 → 0.80.)

A lone turn — no other patient turn within ``LONE_WINDOW`` of it over the threshold (the earlier
ones only, live) — must also reach a higher probability, ``lone_floor``, chosen by inner
cross-validation among ``LONE_FLOORS`` (or none). Measured out of fold on the twelfth session's
detections, a marker alone in its episode was a coded marker 25 % of the time on AnnoMI and
33–40 % on the psychotherapy set, against 73–91 % for an episode of two markers or more; lone
markers under 0.7–0.8 were mostly tears, grief or anger at a third party told to a therapist
who asked.

A turn with another likely turn within ``LONE_WINDOW`` may be spared (``spare``): where two
turns close together read as markers the session is not calm there, and a rupture told in a calm
register (fresh56's widower, every marker at 0.61–0.71) should not be talked down by the quiet of
the rest.

One thing the session stage raises: a stretch (``run``). Turns close together (within
``LONE_WINDOW``, the earlier ones only live) that each reach a level a little under the threshold
(``run_level``, ``RUN_MARGINS`` under it, chosen by inner cross-validation or none) are markers
together: a coder reads a withdrawal as a stretch of turns, where the turn scorer finds each one a
little short — in practice, the neighbours of a clear marker that coders code with it. Measured
on the inner out-of-fold probabilities of the twenty-ninth session (full/session, 618 sessions,
threshold 0.62): F1 0.653 without stretches, 0.664 from 0.05 under the threshold, 0.667 from
0.075 under it; markers in the psychotherapy sessions without rupture 0.39, 0.44 and 0.48 on
average (``learn.fit.RUN_GAIN`` keeps the smaller margin unless the larger one gains clearly).

``a``, ``b``, ``c`` and ``spare`` are chosen from the small ``GRID`` by inner cross-validation
(``raccord.learn.fit``). A lone clear marker in a calm session is lowered, not silenced: ``b`` is
bounded (measured out of fold: b = 64 raised full-mode AnnoMI F1 a little more but found 17 % of
the markers of sessions with one or two coded markers, against 32 % for the turn alone) and no
turn loses more than ``MAX_SHIFT`` log-odds (a cap of 1 to 3 changed no out-of-fold F1 by more
than 0.005: the turns it keeps are few, and they are the ones a reader would not want lost). The
others are read with ``PSEUDO_TURNS`` ordinary turns of the training corpus added, so
a short session (or the first turns, live) leans on what an ordinary session looks like instead of
on two or three turns.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

#: Ordinary turns of the training corpus added to the session's others.
PSEUDO_TURNS = 3.0
#: (a, b, c) tried by inner CV: weight of the others' mean log-odds, of their share over the
#: threshold, and a margin the session must be calmer than the corpus by before anything moves.
GRID: tuple[tuple[float, float, float], ...] = tuple(
    itertools.product((0.0, 0.5, 1.0, 2.0), (0.0, 4.0, 8.0, 16.0), (0.0, 0.5))
)
#: Whether a turn with a likely neighbour is spared, tried by inner CV with each of ``GRID``.
SPARE = (False, True)

#: The most log-odds a turn may lose: a turn that far over the threshold stays a marker.
MAX_SHIFT = 2.0

_EPS = 1e-4

#: Patient turns on either side (before only, live) where a turn's neighbours are looked for.
LONE_WINDOW = 2
#: Probabilities a lone turn must reach to be a marker, tried by inner CV besides none.
LONE_FLOORS = (0.7, 0.75, 0.8)
#: How far under the threshold turns close together may be and still be read as one stretch
#: (``run``), tried by inner CV besides none.
RUN_MARGINS = (0.025, 0.05, 0.075, 0.1)


def lone(
    over: npt.NDArray[np.bool_], *, live: bool, window: int = LONE_WINDOW
) -> npt.NDArray[np.bool_]:
    """For each patient turn of one session (in order), whether no *other* turn within
    ``window`` patient turns of it is ``over`` the threshold (the earlier ones only when
    ``live``: a marker is decided when it is said)."""
    over = np.asarray(over, dtype=bool)
    n = len(over)
    counts = np.concatenate([[0], np.cumsum(over.astype(np.int64))])
    idx = np.arange(n)
    lo = np.maximum(0, idx - window)
    hi = idx if live else np.minimum(n, idx + window + 1)
    around = counts[hi] - counts[lo] - (0 if live else over.astype(np.int64))
    return np.asarray(around == 0, dtype=bool)


def run(
    probability: npt.NDArray[np.float64], level: float, *, live: bool, window: int = LONE_WINDOW
) -> npt.NDArray[np.bool_]:
    """For each patient turn of one session (in order), whether it and another turn within
    ``window`` patient turns of it (the earlier ones only when ``live``) both reach ``level``:
    a stretch of likely turns, each under the threshold alone. A coder reads a withdrawal as a
    stretch — "Dunno. Nothing really. It's her life.", then "Mm. Maybe." after the therapist's
    reading, then a long story about a customer (fresh62, each at 0.52–0.59 against a threshold
    of 0.60) — where the turn scorer, reading each turn with its neighbours' words only, finds
    each one a little short."""
    near = np.asarray(probability, dtype=np.float64) >= level
    return np.asarray(near & ~lone(near, live=live, window=window), dtype=bool)


def logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Log-odds of probabilities, clipped away from 0 and 1."""
    q = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1.0 - _EPS)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def others(
    probability: npt.NDArray[np.float64],
    threshold: float,
    *,
    live: bool,
    prior_logit: float,
    prior_share: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """For each patient turn of one session (in order): the mean log-odds of the session's other
    patient turns and the share of them at or over ``threshold`` — the earlier turns only when
    ``live`` — each with ``PSEUDO_TURNS`` turns at the corpus priors added."""
    p = np.asarray(probability, dtype=np.float64)
    n = len(p)
    if n == 0:
        return np.zeros(0), np.zeros(0)
    own = logit(p)
    likely = (p >= threshold).astype(np.float64)
    if live:
        own_sum = np.concatenate([[0.0], np.cumsum(own)[:-1]])
        likely_sum = np.concatenate([[0.0], np.cumsum(likely)[:-1]])
        count = np.arange(n, dtype=np.float64)
    else:
        own_sum = own.sum() - own
        likely_sum = likely.sum() - likely
        count = np.full(n, n - 1, dtype=np.float64)
    mean = (own_sum + PSEUDO_TURNS * prior_logit) / (count + PSEUDO_TURNS)
    share = (likely_sum + PSEUDO_TURNS * prior_share) / (count + PSEUDO_TURNS)
    return mean, share


@dataclass(frozen=True, slots=True)
class Calm:
    """The chosen stage: weights ``a`` (others' mean log-odds) and ``b`` (their share over the
    threshold), margin ``c``, and the corpus priors the session is compared with."""

    a: float
    b: float
    c: float
    prior_logit: float
    prior_share: float
    live: bool
    #: A turn with another likely turn within ``LONE_WINDOW`` keeps its log-odds: the session is
    #: not calm where two turns close together read as markers (fresh56: a rupture told in a calm
    #: register lost every marker to the stage).
    spare: bool = False

    def shift(
        self, probability: npt.NDArray[np.float64], threshold: float
    ) -> npt.NDArray[np.float64]:
        """What each turn's log-odds loses (≤ 0) given the rest of its session."""
        mean, share = others(
            probability,
            threshold,
            live=self.live,
            prior_logit=self.prior_logit,
            prior_share=self.prior_share,
        )
        z = self.a * (mean - self.prior_logit) + self.b * (share - self.prior_share) + self.c
        z = np.clip(z, -MAX_SHIFT, 0.0)
        if self.spare:
            p = np.asarray(probability, dtype=np.float64)
            z = np.where(lone(p >= threshold, live=self.live), z, 0.0)
        return np.asarray(z, dtype=np.float64)

    def apply(
        self, probability: npt.NDArray[np.float64], threshold: float
    ) -> npt.NDArray[np.float64]:
        """The calmed probabilities of one session's patient turns (never above their own);
        ``threshold`` is the turn scorer's: it says which other turns are likely, and still
        decides on the calmed probabilities."""
        p = np.asarray(probability, dtype=np.float64)
        if len(p) == 0:
            return p
        z = logit(p) + self.shift(p, threshold)
        calmed = 1.0 / (1.0 + np.exp(-z))
        return np.asarray(np.minimum(calmed, p), dtype=np.float64)

    def as_meta(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "c": self.c,
            "prior_logit": round(float(self.prior_logit), 6),
            "prior_share": round(float(self.prior_share), 6),
            "live": self.live,
            **({"spare": True} if self.spare else {}),
        }

    @classmethod
    def from_meta(cls, value: Mapping[str, Any] | None) -> Calm | None:
        if not value:
            return None
        if "a" not in value:
            raise ValueError("the weight file's session stage is of an older form: refit")
        return cls(
            a=float(value["a"]),
            b=float(value["b"]),
            c=float(value["c"]),
            prior_logit=float(value["prior_logit"]),
            prior_share=float(value["prior_share"]),
            live=bool(value["live"]),
            spare=bool(value.get("spare", False)),
        )
