"""Learning detection from the labelled sessions, and measuring it on sessions it never saw.

- ``data`` — every labelled session (AnnoMI with our rupture labels, in English and in its French
  rendering; the project's own psychotherapy set), never one of the held-out ids;
- ``fit`` — the design matrices (``raccord.detect.markers.design``, the very code the detector
  runs) and the fitting of the four heads of ``raccord.detect.learned.TurnModel``, with the
  regularisation and the decision threshold chosen by inner cross-validation;
- ``crossval`` — session-grouped k-fold cross-validation of the whole detector: no session (in
  either language) in both the training and the scored fold.
- ``outoffold`` — cross-validation runs cached on disk (also on a share of the training data, for
  learning curves); ``errors`` — what the out-of-fold markers get wrong; ``calibrate`` — the
  patient rupture score's calibration on out-of-fold detections.

Needs the ``train`` extra (scikit-learn); the detector itself runs on numpy alone.
"""
