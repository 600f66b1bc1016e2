"""The shipped marker weights are checked artefacts: they load, they match the features the code
builds, and they were fitted on the current detector code, packs and labelled data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from raccord.detect import CONTEXTS, MODES, learned, therapist
from raccord.detect.markers import FEATURES


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_every_mode_and_context_ships_weights_matching_its_features(
    mode: str, context: str
) -> None:
    model = learned.shipped(mode, context)
    assert model is not None, f"run `make train`: {learned.file_name(mode, context)} is missing"
    names = learned.feature_names(mode, context, FEATURES)
    assert model.meta["names_hash"] == learned.names_hash(names), "features changed: `make train`"
    for head in (model.presence, model.kind, model.subtype, model.salience):
        assert head.coef.shape[1] == len(names)
        assert np.all(np.isfinite(head.coef))
    assert 0.0 < model.threshold < 1.0
    assert set(model.kind.classes) == {"confrontation", "withdrawal"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_weights_were_fitted_on_the_current_code_and_packs(mode: str, context: str) -> None:
    pytest.importorskip("sklearn")
    from raccord.learn.fit import code_hash

    model = learned.shipped(mode, context)
    assert model is not None
    assert model.meta["code_hash"] == code_hash(), (
        "the detector's code, language packs or move classifier changed since the marker "
        "weights were fitted: run `make train`"
    )
    heads = therapist.shipped(mode, context)
    assert heads is not None
    assert heads.meta["code_hash"] == code_hash(), "therapist heads are stale: run `make train`"


@pytest.mark.shared_data
def test_weights_were_fitted_on_the_current_labelled_data(shared_data: Path) -> None:
    pytest.importorskip("sklearn")
    from raccord.learn import data

    digest = data.data_hash(data.everything(shared_data))
    for mode in MODES:
        for context in CONTEXTS:
            for model in (learned.shipped(mode, context), therapist.shipped(mode, context)):
                assert model is not None
                assert model.meta["data_hash"] == digest, "labelled data changed: `make train`"


def test_no_weight_file_is_left_from_an_older_layout() -> None:
    shipped = {p.name for p in resources.files("raccord").joinpath("data").iterdir()}
    expected = {learned.file_name(m, c) for m in MODES for c in CONTEXTS}
    assert {n for n in shipped if n.startswith("markers")} == expected
    heads = {therapist.file_name(m, c) for m in MODES for c in CONTEXTS}
    assert {n for n in shipped if n.startswith("therapist")} == heads


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_therapist_heads_match_their_features(mode: str, context: str) -> None:
    heads = therapist.shipped(mode, context)
    assert heads is not None, f"run `make train`: {therapist.file_name(mode, context)} is missing"
    names = therapist.feature_names(mode, context)
    assert heads.meta["names_hash"] == learned.names_hash(names)
    for head in (heads.contribution, heads.repair, heads.contribution_label, heads.repair_label):
        assert head.coef.shape[1] == len(names)
    assert heads.contribution.classes == heads.repair.classes == ("0", "1")
    assert "none" not in heads.contribution_label.classes + heads.repair_label.classes
    assert all(0.0 < t < 1.0 for t in heads.thresholds.values())
