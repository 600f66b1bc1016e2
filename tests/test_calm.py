"""The session stage: a turn read against the rest of its session may lose log-odds, never gain."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord.detect import detect, learned
from raccord.detect.calm import GRID, MAX_SHIFT, Calm, lone, others
from raccord.io import parse
from raccord.model import Transcript

#: A stage like the fitted ones: a session whose other turns are unlikely pulls a turn down.
STAGE = Calm(a=1.0, b=8.0, c=0.0, prior_logit=-1.8, prior_share=0.11, live=False)
THRESHOLD = 0.6


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40),
    st.booleans(),
    st.sampled_from(GRID),
    st.booleans(),
)
def test_the_stage_never_raises_a_turn(
    probabilities: list[float], live: bool, abc: tuple[float, float, float], spare: bool
) -> None:
    """The fourth session's head lifted warm answers in a session full of ruptures over the
    line; this one only subtracts from a turn's log-odds, whatever the grid chose."""
    a, b, c = abc
    stage = dataclasses.replace(STAGE, a=a, b=b, c=c, live=live, spare=spare)
    p = np.asarray(probabilities)
    assert np.all(stage.shift(p, THRESHOLD) <= 0.0)
    assert np.all(stage.apply(p, THRESHOLD) <= p + 1e-12)


def test_a_lone_likely_turn_in_a_calm_session_is_lowered_and_not_in_a_tense_one() -> None:
    calm_session = np.array([0.05, 0.1, 0.7, 0.08, 0.05, 0.1])
    tense_session = np.array([0.8, 0.9, 0.7, 0.85, 0.75, 0.9])
    in_calm = STAGE.apply(calm_session, THRESHOLD)[2]
    in_tense = STAGE.apply(tense_session, THRESHOLD)[2]
    assert in_calm < 0.7
    assert in_tense == pytest.approx(0.7)  # a tense session takes nothing off


def test_a_sparing_stage_keeps_two_likely_turns_close_together() -> None:
    """fresh56: a widower's rupture told flatly — two markers a turn apart in an otherwise quiet
    session — lost both to the stage; sparing, it lowers only the turn with no likely neighbour."""
    session = np.full(30, 0.05)
    session[[5, 7, 20]] = [0.66, 0.68, 0.66]
    plain = STAGE.apply(session, THRESHOLD)
    spared = dataclasses.replace(STAGE, spare=True).apply(session, THRESHOLD)
    assert (plain[[5, 7, 20]] < THRESHOLD).all()
    assert spared[5] == pytest.approx(0.66) and spared[7] == pytest.approx(0.68)
    assert spared[20] == pytest.approx(plain[20]) and spared[20] < THRESHOLD
    live = dataclasses.replace(STAGE, spare=True, live=True).apply(session, THRESHOLD)
    assert live[5] < 0.66 and live[7] == pytest.approx(0.68)  # live: the turns before only


def test_an_ordinary_session_is_left_as_it_is() -> None:
    """Other turns at the corpus's own mean log-odds and share: nothing moves."""
    p_mean = 1.0 / (1.0 + np.exp(1.8))
    session = np.full(10, p_mean)
    stage = dataclasses.replace(STAGE, prior_share=0.0)
    assert np.allclose(stage.apply(session, THRESHOLD), session)


def test_a_very_likely_turn_survives_a_calm_session() -> None:
    """The stage lowers a lone clear marker; it does not silence it (``MAX_SHIFT``)."""
    session = np.array([0.02] * 20 + [0.95] + [0.02] * 20)
    worst = dataclasses.replace(STAGE, a=max(g[0] for g in GRID), b=max(g[1] for g in GRID))
    assert worst.shift(session, THRESHOLD)[20] == pytest.approx(-MAX_SHIFT)
    assert worst.apply(session, THRESHOLD)[20] >= THRESHOLD


def test_live_reads_only_the_turns_before() -> None:
    """In a live session a turn's reading cannot wait for what the patient says later."""
    live = dataclasses.replace(STAGE, live=True)
    a = np.array([0.2, 0.6, 0.1, 0.9, 0.9])
    b = np.array([0.2, 0.6, 0.1, 0.05, 0.05])
    assert np.allclose(live.apply(a, THRESHOLD)[:3], live.apply(b, THRESHOLD)[:3])
    mean, share = others(a, THRESHOLD, live=True, prior_logit=-1.8, prior_share=0.11)
    assert mean[0] == pytest.approx(-1.8)  # the first turn has no earlier turn: the prior alone
    assert share[0] == pytest.approx(0.11)


def test_the_stage_travels_in_the_weight_files_meta() -> None:
    model = learned.shipped("fast", "session")
    if model is None:  # pragma: no cover - weights ship with the package
        pytest.skip("no shipped weights")
    with_stage = dataclasses.replace(model, meta={**model.meta, "calm": STAGE.as_meta()})
    handle = io.BytesIO()
    learned.save(with_stage, handle)
    handle.seek(0)
    back = learned.load_file(handle)
    assert back.calm == STAGE
    assert back.threshold == model.threshold
    spared = dataclasses.replace(STAGE, spare=True)
    assert Calm.from_meta(spared.as_meta()) == spared
    assert "spare" not in STAGE.as_meta()  # a stage of the old form reads back as it was


def test_a_stage_of_an_older_form_is_refused() -> None:
    with pytest.raises(ValueError, match="refit"):
        Calm.from_meta({"coef": [1.0], "intercept": 0.0, "threshold": 0.3})


def _grief_session() -> tuple[learned.TurnModel, Transcript]:
    """The shipped fast model and the anniversary-of-a-death vignette (a grieving patient)."""
    model = learned.shipped("fast", "session")
    if model is None:  # pragma: no cover - weights ship with the package
        pytest.skip("no shipped weights")
    text = (Path(__file__).parent / "fixtures" / "vignettes" / "deuil-anniversaire.txt").read_text()
    (transcript,) = parse(text, fmt="text", language="fr")
    return model, transcript


def test_detection_with_a_session_stage_marks_no_turn_the_turn_alone_would_not() -> None:
    """Read against its session, a grieving patient's turns may lose markers, never gain one;
    a marker kept keeps the confidence scale of the turn alone or lower."""
    model, transcript = _grief_session()
    bare = dataclasses.replace(model, meta={k: v for k, v in model.meta.items() if k != "calm"})
    alone = {m.turn: m.confidence for m in detect(transcript, mode="fast", model=bare).markers}
    strong = dataclasses.replace(STAGE, b=16.0)
    staged_model = dataclasses.replace(model, meta={**model.meta, "calm": strong.as_meta()})
    staged = {
        m.turn: m.confidence for m in detect(transcript, mode="fast", model=staged_model).markers
    }
    assert set(staged) <= set(alone)
    assert all(staged[t] <= alone[t] + 1e-9 for t in staged)


def test_a_turn_is_lone_when_no_other_turn_near_it_is_likely() -> None:
    over = np.asarray([False, True, False, False, False, False, True, True, False])
    # after the session: two patient turns either side; live: the two before only
    assert lone(over, live=False).tolist() == [False, True] + [False] * 7
    assert lone(over, live=True).tolist() == [
        True,
        True,
        False,
        False,
        True,
        True,
        True,
        False,
        False,
    ]


def test_a_lone_doubtful_turn_is_no_marker_and_a_neighboured_one_stays() -> None:
    """Out of fold, a marker alone in its episode was a coded marker a third of the time: tears,
    grief and anger at a third party told to a therapist who asked."""
    model, transcript = _grief_session()
    bare = dataclasses.replace(
        model, meta={k: v for k, v in model.meta.items() if k not in ("calm", "lone_floor")}
    )
    before = detect(transcript, mode="fast", model=bare).markers
    floored = dataclasses.replace(bare, meta={**bare.meta, "lone_floor": 0.99})
    after = {m.turn for m in detect(transcript, mode="fast", model=floored).markers}
    patients = [i for i, t in enumerate(transcript.turns) if t.role.value == "patient"]
    rank = {t: k for k, t in enumerate(patients)}
    for m in before:
        neighboured = any(
            o.turn != m.turn and abs(rank[o.turn] - rank[m.turn]) <= 2 for o in before
        )
        assert (m.turn in after) == (neighboured or m.confidence >= 0.95), m
