"""Learning detection from the labelled sessions, and measuring it on sessions it never saw.

- ``data`` — every labelled session (AnnoMI with our rupture labels, in English and in its French
  rendering; the project's own psychotherapy set), never one of the held-out ids;
- ``fit`` — the design matrices (``raccord.detect.markers.design``, the very code the detector
  runs) and the fitting of the four heads of ``raccord.detect.learned.TurnModel``, with the
  regularisation and the decision threshold chosen by inner cross-validation;
- ``crossval`` — session-grouped k-fold cross-validation of the whole detector: no session (in
  either language) in both the training and the scored fold.

Needs the ``train`` extra (scikit-learn); the detector itself runs on numpy alone.
"""
