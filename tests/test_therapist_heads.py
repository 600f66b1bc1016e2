"""The therapist heads: fitted on markers found out of fold, saved and loaded as plain arrays,
deciding one label per therapist turn."""

from __future__ import annotations

import io

import pytest

from raccord.detect import detect, prepare
from raccord.detect import therapist as T
from raccord.taxonomy import Contribution, RepairStrategy, Role

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def small_fit() -> tuple[T.TherapistModel, list]:
    from raccord.learn import data, fit
    from raccord.learn import therapist as learn

    sessions = [s for s in data.psychotherapy() if s.language == "en"][:12]
    ready = {s.key: prepare(s.transcript, mode="fast") for s in sessions}
    design = {s.key: fit.rows(s, ready[s.key], "fast", "session") for s in sessions}
    markers = fit.fit(list(design.values()), "fast", "session")
    chunks = learn.out_of_fold(sessions, design, ready, markers, k=3)
    # every therapist turn of every session has a row, and its markers came from a model that
    # had not seen the session
    assert [c.session.key for c in chunks] != [] and sorted(
        c.session.key for c in chunks
    ) == sorted(ready)
    for c in chunks:
        n = sum(1 for t in c.session.transcript.turns if t.role is Role.THERAPIST)
        assert c.matrix.shape == (n, len(T.feature_names("fast", "session")))
    return learn.fit_heads(chunks, "fast", "session"), sessions


def test_heads_are_fitted_with_their_threshold_and_their_verdict_against_the_rules(
    small_fit: tuple[T.TherapistModel, list],
) -> None:
    model, _ = small_fit
    for task in T.HEADS:
        assert 0.0 < model.thresholds[task] < 1.0
        assert isinstance(model.meta[f"use_{task}"], bool)
        assert model.meta[f"{task}_rules_f1"] >= 0.0
    assert set(model.contribution_label.classes) <= {c.value for c in Contribution} - {"none"}
    assert set(model.repair_label.classes) <= {r.value for r in RepairStrategy} - {"none"}


def test_heads_survive_a_weight_file_and_label_each_turn_once(
    small_fit: tuple[T.TherapistModel, list],
) -> None:
    model, sessions = small_fit
    buffer = io.BytesIO()
    T.save(model, buffer)
    buffer.seek(0)
    again = T.load_file(buffer)
    s = sessions[0]
    first = detect(s.transcript, mode="fast", therapist_model=model)
    second = detect(s.transcript, mode="fast", therapist_model=again)
    assert first.moves == second.moves
    for move in first.moves:
        # ANNOTATION.md: one label per therapist turn
        assert move.contribution is Contribution.NONE or move.repair is RepairStrategy.NONE
