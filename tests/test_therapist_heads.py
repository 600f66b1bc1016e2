"""The therapist heads: fitted on markers found out of fold, saved and loaded as plain arrays,
deciding one label per therapist turn."""

from __future__ import annotations

import io
from collections.abc import Mapping

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


def learn_min_gain() -> float:
    from raccord.learn.therapist import MIN_GAIN

    return MIN_GAIN


def learn_usable() -> frozenset[str]:
    from raccord.learn.therapist import USABLE

    return USABLE


def test_heads_are_fitted_with_their_threshold_and_their_verdict_against_the_rules(
    small_fit: tuple[T.TherapistModel, list],
) -> None:
    model, _ = small_fit
    for task in T.HEADS:
        assert 0.0 < model.thresholds[task] < 1.0
        assert isinstance(model.meta[f"use_{task}"], bool)
        assert model.meta[f"{task}_rules_f1"] >= 0.0
        # the verdict against the rules reads each fold at a threshold chosen without it
        assert 0.0 <= model.meta[f"{task}_nested_f1"] <= 1.0
        assert model.meta[f"use_{task}"] == (
            task in learn_usable()
            and model.meta[f"{task}_nested_f1"] >= model.meta[f"{task}_rules_f1"] + learn_min_gain()
        )
    # out of fold the contribution heads lost to the rules: they are never used
    assert model.meta["use_contribution"] is False
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
    first = detect(s.transcript, mode="fast", therapist=model)
    second = detect(s.transcript, mode="fast", therapist=again)
    assert first.moves == second.moves
    for move in first.moves:
        # ANNOTATION.md: one label per therapist turn
        assert move.contribution is Contribution.NONE or move.repair is RepairStrategy.NONE


def heads_at(threshold: float) -> T.TherapistModel:
    """The shipped fast/session heads, both used, deciding at ``threshold``."""
    import dataclasses

    shipped = T.shipped("fast", "session")
    if shipped is None:  # pragma: no cover - weights ship with the package
        pytest.skip("no shipped weights")
    return dataclasses.replace(
        shipped,
        thresholds={name: threshold for name in T.HEADS},
        meta={**shipped.meta, **{f"use_{name}": True for name in T.HEADS}, "use_side": False},
    )


def test_the_side_head_is_fitted_with_its_verdict_and_survives_a_weight_file(
    small_fit: tuple[T.TherapistModel, list],
) -> None:
    import dataclasses

    from raccord.learn.therapist import SIDE_GAIN, SIDE_LOSS

    model, sessions = small_fit
    assert model.side is not None
    assert set(model.side.classes) == {*T.SIDES.values(), T.NEITHER}
    for task in T.HEADS:
        assert 0.0 < model.thresholds[f"side_{task}"] < 1.0
        assert 0.0 <= model.meta[f"side_{task}_nested_f1"] <= 1.0
    replaced = model.meta["repair_nested_f1" if model.meta["use_repair"] else "repair_rules_f1"]
    assert model.meta["use_side"] == (
        model.meta["side_contribution_nested_f1"] >= model.meta["contribution_rules_f1"] + SIDE_GAIN
        and model.meta["side_repair_nested_f1"] >= replaced - SIDE_LOSS
    )
    joint = dataclasses.replace(model, meta={**model.meta, "use_side": True})
    assert joint.joint
    buffer = io.BytesIO()
    T.save(joint, buffer)
    buffer.seek(0)
    again = T.load_file(buffer)
    assert again.joint and again.side is not None
    for s in sessions[:3]:
        first = detect(s.transcript, mode="fast", therapist=joint).moves
        assert first == detect(s.transcript, mode="fast", therapist=again).moves
        for move in first:
            assert move.contribution is Contribution.NONE or move.repair is RepairStrategy.NONE


def test_the_side_head_decides_both_labels_of_every_turn() -> None:
    """Used, the side head overrides the rules on both tasks: at a contribution threshold of 0
    and a repair threshold above 1, every therapist turn is a contribution and none a repair."""
    import dataclasses
    from pathlib import Path

    from raccord.io import parse

    shipped = T.shipped("fast", "session")
    if shipped is None or shipped.side is None:  # pragma: no cover - weights ship
        pytest.skip("no shipped side head")
    model = dataclasses.replace(
        shipped,
        thresholds={**shipped.thresholds, "side_contribution": 0.0, "side_repair": 1.01},
        meta={**shipped.meta, "use_side": True},
    )
    path = Path(T.__file__).parents[1] / "demo" / "session-en-sam.vtt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="vtt")
    ruled = detect(transcript, mode="fast", therapist="rules").moves
    assert any(m.repair is not RepairStrategy.NONE for m in ruled)  # the rules saw repairs
    moves = detect(transcript, mode="fast", therapist=model).moves
    assert moves and all(m.contribution is not Contribution.NONE for m in moves)
    assert all(m.repair is RepairStrategy.NONE for m in moves)


def test_a_label_a_head_overturns_leaves_no_rules_sentence_behind() -> None:
    """A turn shown as arguing must not also read « Réparation indirecte possible… » (a blind
    review found the rules' reason kept under the head's opposite label)."""
    from pathlib import Path

    from raccord.detect.moves import move_pack
    from raccord.io import parse
    from raccord.model import Evidence

    nothing = heads_at(1.01)  # heads that overturn every label the rules gave
    demo = Path(T.__file__).parents[1] / "demo"
    seen = 0
    for path in sorted(demo.glob("*.vtt")):
        (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="vtt")
        said = move_pack(transcript.language).labels
        ruled = detect(transcript, mode="fast", therapist="shipped")
        decided = detect(transcript, mode="fast", therapist=nothing)

        def reasons(evidence: tuple[Evidence, ...], said: Mapping[str, str] = said) -> list[str]:
            """The rules' label sentences, recognised by their template's fixed opening (read
            here from the pack, independently of how the heads recognise them)."""
            labels = {m.value for m in (*Contribution, *RepairStrategy)} - {"none"}
            openings = [
                said[k].split("{", 1)[0]
                for k in (*labels, "confront_argue_context")
                if said.get(k, "").split("{", 1)[0]
            ]
            return [e.detail for e in evidence if any(e.detail.startswith(o) for o in openings)]

        seen += sum(len(reasons(m.evidence)) for m in ruled.moves)
        for move in decided.moves:
            assert move.contribution is Contribution.NONE and move.repair is RepairStrategy.NONE
            assert reasons(move.evidence) == []
    assert seen > 0  # the rules did give reasons the heads then overturned


def test_when_both_heads_label_a_turn_one_label_and_its_own_reasons_stay() -> None:
    from pathlib import Path

    from raccord.detect.signals import pack
    from raccord.io import parse

    both = heads_at(0.0)  # both heads label every turn
    path = Path(T.__file__).parents[1] / "demo" / "session-en-sam.vtt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="vtt")
    templates = pack("en").signal_templates
    kinds = set()
    for move in detect(transcript, mode="fast", therapist=both).moves:
        contribution = move.contribution is not Contribution.NONE
        repair = move.repair is not RepairStrategy.NONE
        assert contribution != repair  # every turn labelled, once
        loser = "repair" if contribution else "contribution"
        # the losing head's own sentence (``learned_<head>`` of the evidence pack) is gone
        opening = templates[f"learned_{loser}"].split("{", 1)[0]
        assert not any(e.source == "model" and e.detail.startswith(opening) for e in move.evidence)
        kinds.add(contribution)
    assert kinds == {True, False}  # the surer head won, not always the same one


def test_a_repair_head_does_not_praise_a_move_the_rules_call_a_contribution() -> None:
    """Blind reviews found the task that set off an episode called « explique la démarche » and
    a warning called "invites discussion" by the repair head: where only the repair head is
    used, a contribution the rules found stays, and every other turn takes the head's repair."""
    import dataclasses
    from pathlib import Path

    from raccord.io import parse

    repair_only = heads_at(0.0)  # the repair head labels every turn a repair
    repair_only = dataclasses.replace(
        repair_only, meta={**repair_only.meta, "use_contribution": False}
    )
    path = Path(T.__file__).parents[1] / "demo" / "session-en-sam.vtt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="vtt")
    shipped = detect(transcript, mode="fast", therapist="shipped")
    ruled = shipped.moves
    first = min(m.turn for m in shipped.markers)
    decided = detect(transcript, mode="fast", therapist=repair_only).moves
    faults = [k for k, m in enumerate(ruled) if m.contribution is not Contribution.NONE]
    assert faults  # the demo session has contributions the rules found
    for k, (rule, move) in enumerate(zip(ruled, decided, strict=True)):
        if move.turn <= first:
            # no repair before the first marker (test_no_repair_is_labelled_before_…)
            assert move.repair is RepairStrategy.NONE
        elif k in faults and rule.repair is RepairStrategy.NONE:
            assert move.contribution is rule.contribution
            assert move.repair is RepairStrategy.NONE
        elif move.move in T.PRESSING and rule.repair is RepairStrategy.NONE:
            # advice with no marker near is no contribution, and still no repair
            assert move.contribution is Contribution.NONE
            assert move.repair is RepairStrategy.NONE
        else:
            assert move.contribution is Contribution.NONE
            assert move.repair is not RepairStrategy.NONE


def test_a_repair_head_never_calls_a_lecture_or_an_imposed_reading_a_repair() -> None:
    """Three blind reviews found a change of subject called « explique la démarche » and a
    lecture called validation: even where the contribution head clears the rules' label, a turn
    the rules read as a warning, advice nobody asked for or an interpretation given as fact gets
    no repair from the head."""
    import dataclasses
    from pathlib import Path

    from raccord.io import parse

    model = heads_at(0.0)  # the repair head labels every turn a repair…
    model = dataclasses.replace(model, thresholds={"contribution": 1.01, "repair": 0.0})
    path = Path(T.__file__).parents[1] / "demo" / "session-en-sam.vtt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="vtt")
    shipped = detect(transcript, mode="fast", therapist="shipped")
    ruled = shipped.moves
    first = min(m.turn for m in shipped.markers)
    decided = detect(transcript, mode="fast", therapist=model).moves
    pressing = [k for k, m in enumerate(ruled) if m.move in T.PRESSING]
    assert pressing  # the demo's therapist lectures and advises
    for k, (rule, move) in enumerate(zip(ruled, decided, strict=True)):
        assert move.contribution is Contribution.NONE  # …and the contribution head clears all
        if (k in pressing and rule.repair is RepairStrategy.NONE) or move.turn <= first:
            assert move.repair is RepairStrategy.NONE
        else:
            assert move.repair is not RepairStrategy.NONE


def test_without_the_heads_the_rules_alone_label_the_therapist_turns() -> None:
    """A cross-validation fold scored without heads must not fall back on the shipped heads:
    they were fitted on the fold's own sessions (the gap analysis once scored repairs that way)."""
    from raccord.detect import signals as sig
    from raccord.detect.markers import find
    from raccord.detect.move_labels import label_moves
    from raccord.io import parse

    text = (
        "T: How was the week?\n"
        "P: Fine. I don't really want to talk about the drinking again.\n"
        "T: You have to face it, you know. It's dangerous.\n"
        "P: Whatever.\n"
        "T: I hear that you're fed up with me bringing it up. We can leave it for today.\n"
        "P: Thanks. It's been a hard week at work.\n"
    )
    (transcript,) = parse(text, fmt="text", language="en")
    ready = prepare(transcript, mode="fast")
    markers = find(sig.pack("en"), ready, mode="fast", context="session")
    rules = label_moves(transcript, markers, mode="fast")
    found = detect(transcript, mode="fast", prepared=ready, therapist="rules")
    assert found.markers == markers
    assert found.moves == rules


def test_the_repair_head_names_owning_a_part_only_of_a_move_that_can_do_it() -> None:
    """fresh56 (read as its therapist): « Vous avez tout à fait le droit d'être en colère » (a
    validation) was labelled by the head as owning a part, and the report said « vous avez
    reconnu votre part ». The next likeliest label a validation can carry is taken instead."""
    import numpy as np

    from raccord.model import TherapistMove
    from raccord.taxonomy import TherapistMoveType as M

    classes = ("acknowledge_contribution", "disclose_experience", "validate", "none")
    p = np.asarray([0.6, 0.25, 0.1, 0.05])
    validation = TherapistMove(9, M.VALIDATION)
    meta = TherapistMove(9, M.META_COMMUNICATION)
    assert T._label_for(validation, True, classes, p) == "validate"
    assert T._label_for(meta, True, classes, p) == "acknowledge_contribution"
    # nor of a move that says nothing of what the therapist did
    assert T._label_for(meta, False, classes, p) == "disclose_experience"
    # a reflection may own a part ("I told you what you were feeling instead of asking you"),
    # not say how the therapist lived the exchange
    reflection = TherapistMove(9, M.COMPLEX_REFLECTION)
    assert T._label_for(reflection, True, classes, p[[1, 0, 2, 3]]) == "acknowledge_contribution"
    # on a whole session, with a head that calls every turn a repair
    import dataclasses
    from pathlib import Path

    from raccord.io import parse

    model = heads_at(0.0)
    model = dataclasses.replace(model, thresholds={"contribution": 1.01, "repair": 0.0})
    path = Path(T.__file__).parents[1] / "demo" / "seance-fr-lea.txt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="text")
    for move in detect(transcript, mode="fast", therapist=model).moves:
        allowed = T.SAID_BY.get(move.repair)
        named = any(e.source == "wording" for e in move.evidence)
        assert allowed is None or named or move.move in allowed, move


@pytest.mark.parametrize(
    ("code", "text", "owning"),
    [
        (
            "fr",
            "Si, c'est normal. Vous avez tout à fait le droit d'être en colère, ce n'est pas ça "
            "que je questionne.",
            False,
        ),
        (
            "en",
            "It is normal. You have every right to be angry, that's not what I'm questioning.",
            False,
        ),
        (
            "fr",
            "Je crois que c'est moi qui vous ai dit ce que vous ressentiez au lieu de vous le "
            "demander.",
            True,
        ),
        (
            "en",
            "I think that part's on me. I told you what you were feeling instead of asking you.",
            True,
        ),
    ],
)
def test_owning_a_part_is_said_only_of_a_turn_that_speaks_of_what_the_therapist_did(
    code: str, text: str, owning: bool
) -> None:
    """fresh56 (read as its therapist): « Au tour 9, vous avez reconnu votre part » said of a turn
    that validates her anger and owns nothing. The detection checks the therapist's words once
    (``move_labels.owns_doing``); the understanding takes its reading as it is."""
    from raccord.detect.move_labels import owns_doing

    assert owns_doing(text, code) is owning


def test_no_repair_is_labelled_before_the_first_marker() -> None:
    """A repair answers a rupture (ANNOTATION.md): coders label none before a session's first
    marker (0 of 1,560), and a blind review found "✚ validates … repairs" in a session with no
    rupture (fresh58). Even a head that calls every turn a repair leaves those turns alone."""
    import dataclasses
    from pathlib import Path

    from raccord.io import parse
    from raccord.taxonomy import RepairStrategy

    model = dataclasses.replace(heads_at(0.0), thresholds={"contribution": 1.01, "repair": 0.0})
    path = Path(T.__file__).parents[1] / "demo" / "seance-fr-lea.txt"
    (transcript,) = parse(path.read_text(encoding="utf-8"), fmt="text")
    found = detect(transcript, mode="fast", therapist=model)
    first = min(m.turn for m in found.markers)
    repaired = [m.turn for m in found.moves if m.repair is not RepairStrategy.NONE]
    assert repaired and min(repaired) > first
    # a calm exchange: no marker, so no repair
    (calm,) = parse(
        "T: Comment s'est passée votre semaine ?\nP: Plutôt bien, j'ai revu ma sœur.\n"
        "T: Vous avez revu votre sœur.\nP: Oui, on a ri comme avant.\n",
        fmt="text",
        language="fr",
    )
    quiet = detect(calm, mode="fast", therapist=model)
    assert not quiet.markers
    assert all(m.repair is RepairStrategy.NONE for m in quiet.moves)


def test_a_run_of_closed_questions_is_said_only_of_a_turn_that_asks() -> None:
    """fresh60 (read as its therapist): « Maintenant posez-la sur vos genoux », an instruction,
    was shown as « série de questions fermées ». The next likeliest contribution is taken."""
    import numpy as np

    classes = ("closed_interrogation", "confront_argue", "ignores_concern")
    p = np.asarray([0.6, 0.3, 0.1])
    assert T._contribution_for(True, classes, p) == "closed_interrogation"
    assert T._contribution_for(False, classes, p) == "confront_argue"
