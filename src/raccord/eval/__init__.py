"""Measuring detection against human labels and external criteria.

``labels`` reads and checks ``ANNOTATION.md`` files, ``metrics`` holds the statistics (F1, kappa,
ROC-AUC with bootstrap intervals, episode overlap), ``compare`` lines predictions up with gold
labels by utterance id, ``splits`` fixes which dev sessions may be tuned on, ``corpus`` finds the
shared data, ``harness`` runs a detector over them. ``compare(pred, gold)`` is the one call a
``raccord evaluate`` command needs::

    from raccord.eval import compare, roles_of
    figures = compare(to_annotation(analysis), gold_dict, roles=roles_of(analysis.transcript))

While tuning a detector, look at the tune split only::

    from raccord.eval.harness import tune_figures
    tune_figures("fast", "en")["client_marker"]     # {"precision": …, "recall": …, "f1": …}
"""

from __future__ import annotations

from raccord.eval.compare import compare, compare_many, disagreements, figures, roles_of
from raccord.eval.labels import Annotation, parse_annotation, read_labels

__all__ = [
    "Annotation",
    "compare",
    "compare_many",
    "disagreements",
    "figures",
    "parse_annotation",
    "read_labels",
    "roles_of",
]
