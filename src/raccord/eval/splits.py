"""The fixed split of the 25 labelled AnnoMI dev sessions into a *tuning* and a *check* part.

Detector authors look only at the tune sessions (their texts, their labels, their disagreements);
the check sessions are scored, never read, so the check figures estimate how the detector does on
sessions it was not fitted to. With 25 sessions both parts are small: figures on ``check`` have wide
intervals and are a guard against over-fitting, not a precise estimate.

The rule, so that anyone can re-derive it (``derive_split`` does, and a test checks the constants):

1. Each session gets a stratum: its AnnoMI ``mi_quality`` (high / low) crossed with its episode
   profile in our labels — ``withdrawal`` (has a withdrawal or mixed episode), ``confrontation``
   (only confrontation episodes) or ``none`` (no episode). This keeps both parts with
   confrontation and withdrawal episodes, and with low and high quality sessions.
2. The 8 check places are shared out between strata in proportion to their size (largest
   remainder), so every stratum of 2 or more gives at least its proportional share.
3. Within a stratum, ids are sorted and shuffled with ``random.Random(SEED)``; the first ones go
   to ``check``.

The French rendering (``annomi-fr-dev.csv``) has the same transcript ids, so the same split applies.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from raccord.eval.labels import Annotation, TranscriptId
from raccord.taxonomy import EpisodeKind

SEED = 20261123
N_CHECK = 8

#: The sessions detector authors may read and tune on (17).
TUNE: tuple[int, ...] = (
    15,
    32,
    33,
    34,
    39,
    44,
    52,
    61,
    74,
    78,
    81,
    95,
    102,
    106,
    115,
    119,
    127,
)
#: The held-out sessions: scored only (8).
CHECK: tuple[int, ...] = (38, 63, 72, 111, 114, 118, 123, 126)

SPLITS: dict[str, tuple[int, ...]] = {"tune": TUNE, "check": CHECK}


def profile(annotation: Annotation) -> str:
    """The episode profile used to stratify: ``withdrawal``, ``confrontation`` or ``none``."""
    kinds = {e.kind for e in annotation.episodes}
    if kinds & {EpisodeKind.WITHDRAWAL, EpisodeKind.MIXED}:
        return "withdrawal"
    if kinds:
        return "confrontation"
    return "none"


def derive_split(
    labels: Mapping[TranscriptId, Annotation],
    quality: Mapping[TranscriptId, str],
    *,
    n_check: int = N_CHECK,
    seed: int = SEED,
) -> tuple[tuple[TranscriptId, ...], tuple[TranscriptId, ...]]:
    """Apply the rule of the module docstring; returns ``(tune, check)``, each sorted."""
    strata: dict[tuple[str, str], list[TranscriptId]] = {}
    for tid, annotation in labels.items():
        strata.setdefault((quality[tid], profile(annotation)), []).append(tid)
    total = len(labels)
    quotas = {key: n_check * len(ids) / total for key, ids in strata.items()}
    places = {key: int(q) for key, q in quotas.items()}
    left = n_check - sum(places.values())
    # largest remainder; ties broken by stratum name so the result never depends on dict order
    for key in sorted(quotas, key=lambda k: (-(quotas[k] - int(quotas[k])), k))[:left]:
        places[key] += 1
    rng = random.Random(seed)
    check: list[TranscriptId] = []
    for key in sorted(strata):
        ids = sorted(strata[key], key=_order)
        rng.shuffle(ids)
        check.extend(ids[: places[key]])
    tune = [tid for tid in labels if tid not in check]
    return tuple(sorted(tune, key=_order)), tuple(sorted(check, key=_order))


def _order(tid: TranscriptId) -> tuple[int, int, str]:
    """Numeric ids in numeric order, then string ids."""
    return (0, tid, "") if isinstance(tid, int) else (1, 0, tid)


def split_of(transcript_id: TranscriptId) -> str | None:
    """``"tune"``, ``"check"`` or ``None`` for a session outside the labelled dev set."""
    for name, ids in SPLITS.items():
        if transcript_id in ids:
            return name
    return None
