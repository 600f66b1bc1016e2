"""Episodes run from the first client marker to the turn where the client is engaged again."""

from __future__ import annotations

import pytest

from raccord.detect import detect, episodes, prepare
from raccord.detect import signals as sig
from raccord.io import parse
from raccord.model import Marker, TherapistMove, Transcript
from raccord.taxonomy import (
    Contribution,
    EpisodeKind,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Severity,
    TherapistMoveType,
)


def session(text: str, language: str) -> Transcript:
    (transcript,) = parse(text, fmt="text", language=language)
    return transcript


def marker(turn: int, subtype: MarkerSubtype, salience: int = 2) -> Marker:
    return Marker(turn, subtype.kind, subtype, salience, 0.6)


LECTURE = (
    "T: Emily, why did you get your lip pierced?\n"  # 0
    "P: I don't know, I wanted a change.\n"  # 1
    "T: You do not need a piercing. It will damage your teeth.\n"  # 2
    "P: It's my lip, not my teeth.\n"  # 3
    "T: It's rubbing against your gums, we don't like to see that.\n"  # 4
    "P: Yeah.\n"  # 5
    "T: I'd reconsider it.\n"  # 6
    "P: I'm not gonna take it out.\n"  # 7
    "T: Okay. Let's look at your brushing then, how do you usually do it?\n"  # 8
    "P: Twice a day, in the morning and at night, with the electric one my mum gave me.\n"  # 9
    "T: Great."  # 10
)


def _lecture_episodes(*args):  # type: ignore[no-untyped-def]
    """The episodes ``episodes.build`` makes of LECTURE's fast-mode signals with these markers
    (and therapist moves)."""
    signals = prepare(session(LECTURE, "en"), mode="fast").signals
    return episodes.build(sig.pack("en"), signals, *args)


def test_close_markers_form_one_episode_ending_when_the_patient_engages_again() -> None:
    found = _lecture_episodes(
        [
            marker(1, MarkerSubtype.DEFENDS_SELF),
            marker(3, MarkerSubtype.REJECTS_INTERVENTION, 3),
            marker(7, MarkerSubtype.REJECTS_INTERVENTION, 3),
        ],
    )
    assert len(found) == 1
    (episode,) = found
    assert (episode.start, episode.end) == (1, 9), "a bare 'Yeah.' is not re-engagement"
    assert episode.kind is EpisodeKind.CONFRONTATION
    assert episode.trigger == 0
    assert episode.markers == (1, 3, 7)
    assert episode.resolved is Resolution.PARTLY, "re-engaged, but without a repair"
    assert episode.evidence and "1" in episode.evidence[0].detail


def test_an_episode_still_open_at_the_end_is_unresolved_and_macro() -> None:
    transcript = session(LECTURE.rsplit("\nP: Twice", 1)[0], "en")
    signals = prepare(transcript, mode="fast").signals
    (episode,) = episodes.build(
        sig.pack("en"),
        signals,
        [marker(3, MarkerSubtype.REJECTS_INTERVENTION), marker(7, MarkerSubtype.DEFENDS_SELF)],
    )
    assert episode.end == len(transcript.turns) - 1
    assert episode.resolved is Resolution.NO
    assert episode.severity is Severity.MACRO


def test_an_episode_the_therapist_was_repairing_when_the_session_ended_is_not_macro() -> None:
    """A blind review found a disagreement being negotiated at the very end called a
    macro-rupture "with a risk of dropping out": the session ended inside it, not badly."""
    transcript = session(LECTURE.rsplit("\nP: Twice", 1)[0], "en")
    signals = prepare(transcript, mode="fast").signals
    markers = [marker(3, MarkerSubtype.REJECTS_INTERVENTION), marker(7, MarkerSubtype.DEFENDS_SELF)]
    validation = TherapistMove(
        4, TherapistMoveType.VALIDATION, repair=RepairStrategy.VALIDATE, confidence=0.6
    )
    (episode,) = episodes.build(sig.pack("en"), signals, markers, (validation,))
    assert episode.resolved is Resolution.NO
    assert episode.repairs == (4,)
    assert episode.severity is Severity.MICRO


def test_withdrawal_then_confrontation_is_a_mixed_episode() -> None:
    transcript = session(LECTURE, "en")
    signals = prepare(transcript, mode="fast").signals
    (episode,) = episodes.build(
        sig.pack("en"),
        signals,
        [marker(5, MarkerSubtype.MINIMAL_RESPONSE), marker(7, MarkerSubtype.REJECTS_INTERVENTION)],
    )
    assert episode.kind is EpisodeKind.MIXED
    assert episode.severity is Severity.MICRO


def test_engagement_between_markers_splits_episodes() -> None:
    found = _lecture_episodes(
        [marker(1, MarkerSubtype.DEFENDS_SELF), marker(9, MarkerSubtype.DEFERENTIAL_APPEASING)],
    )
    # turn 3 ("It's my lip, not my teeth.") is a substantive turn of the patient's own
    assert [(e.start, e.end) for e in found] == [(1, 3), (9, 10)]


def test_the_articles_repair_resolves_the_episode() -> None:
    text = (
        "T: Peut-être qu'il est fatigué lui aussi, et qu'il a besoin de souffler ?\n"
        "P: Non mais vous ne comprenez pas ce que je dis. Ça fait des années que c'est comme ça.\n"
        "T: Vous avez raison, je suis allée trop vite en me mettant à sa place. Racontez-moi.\n"
        "P: Depuis la naissance de notre fille. J'ai l'impression d'être devenue transparente."
    )
    detection = detect(session(text, "fr"), mode="fast")
    (episode,) = detection.episodes
    assert (episode.start, episode.end) == (1, 3)
    assert episode.kind is EpisodeKind.CONFRONTATION
    assert episode.repairs == (2,)
    assert episode.resolved is Resolution.YES
    assert episode.trigger == 0


def test_no_marker_no_episode() -> None:
    transcript = session("T: Bonjour, comment allez-vous ?\nP: Bien, merci, et vous ?", "fr")
    signals = prepare(transcript, mode="fast").signals
    assert episodes.build(sig.pack("fr"), signals, []) == ()


def test_a_lone_uncertain_mild_marker_stays_on_the_timeline_without_opening_an_episode() -> None:
    transcript = session(LECTURE, "en")
    signals = prepare(transcript, mode="fast").signals
    pack = sig.pack("en")
    unsure = Marker(
        7, MarkerSubtype.REJECTS_INTERVENTION.kind, MarkerSubtype.REJECTS_INTERVENTION, 2, 0.3
    )
    assert episodes.build(pack, signals, [unsure]) == ()
    clear = Marker(
        7, MarkerSubtype.REJECTS_INTERVENTION.kind, MarkerSubtype.REJECTS_INTERVENTION, 3, 0.3
    )
    confident = Marker(
        7, MarkerSubtype.REJECTS_INTERVENTION.kind, MarkerSubtype.REJECTS_INTERVENTION, 2, 0.7
    )
    assert len(episodes.build(pack, signals, [clear])) == 1
    assert len(episodes.build(pack, signals, [confident])) == 1
    # two uncertain mild markers close together are a pattern: they do open one
    pair = [
        Marker(
            5, MarkerSubtype.DEFERENTIAL_APPEASING.kind, MarkerSubtype.DEFERENTIAL_APPEASING, 2, 0.3
        ),
        unsure,
    ]
    assert len(episodes.build(pack, signals, pair)) == 1


def _resolution(therapist_move: TherapistMoveType) -> Resolution:
    transcript = session(
        "T: And work, how is it going at the moment?\n"  # 0
        "P: Meh.\n"  # 1
        "T: Anything else?\n"  # 2
        "P: I had a long talk with my sister on Sunday, it really helped me see things.\n",  # 3
        "en",
    )
    signals = prepare(transcript, mode="fast").signals
    moves = [TherapistMove(2, therapist_move)]
    (episode,) = episodes.build(
        sig.pack("en"), signals, [marker(1, MarkerSubtype.MINIMAL_RESPONSE, 3)], moves
    )
    assert episode.end == 3
    return episode.resolved


def test_re_engaging_after_the_therapist_attended_is_resolved_after_a_new_question_partly() -> None:
    """A clinician reads « on peut parler d'autre chose ? » followed by a new question as the
    topic avoided, not a rupture repaired; after a reflection or a validation, it is."""
    assert _resolution(TherapistMoveType.VALIDATION) is Resolution.YES
    assert _resolution(TherapistMoveType.SIMPLE_REFLECTION) is Resolution.YES
    assert _resolution(TherapistMoveType.META_COMMUNICATION) is Resolution.YES
    assert _resolution(TherapistMoveType.OPEN_QUESTION) is Resolution.PARTLY
    assert _resolution(TherapistMoveType.ADVICE_WITHOUT_PERMISSION) is Resolution.PARTLY


def test_a_clear_complaint_repaired_at_once_is_a_micro_rupture() -> None:
    """A salience-3 complaint about the therapist is not by itself a macro-rupture (the coders
    called 12–17 % of episodes macro; the old rule called 27–43 % so): only a strong marker
    (salience 4+) or a session ending inside the episode is."""
    transcript = session(LECTURE, "en")
    signals = prepare(transcript, mode="fast").signals
    (episode,) = episodes.build(
        sig.pack("en"), signals, [marker(3, MarkerSubtype.COMPLAINT_THERAPIST, 3)]
    )
    assert episode.severity is Severity.MICRO
    (episode,) = episodes.build(
        sig.pack("en"), signals, [marker(3, MarkerSubtype.COMPLAINT_THERAPIST, 4)]
    )
    assert episode.severity is Severity.MACRO


DROPOUT = (
    "T: La semaine dernière, on avait parlé des repas chez votre mère.\n"  # 0
    "P: Oui. Bon. Ça va, ça.\n"  # 1
    "T: Il va falloir lui dire non, à un moment.\n"  # 2
    "P: Si vous le dites.\n"  # 3
    "T: Je crois que je suis allée trop vite, là. Qu'est-ce qui s'est passé pour vous ?\n"  # 4
    "P: Ben, je me suis sentie jugée, comme avec elle. Je me suis dit que je reviendrais pas "
    "la semaine prochaine, en fait.\n"  # 5
    "T: Merci de me le dire. On peut en parler.\n"  # 6
    "P: Oui. Je crois que c'est ça qui se passe avec elle aussi, je me tais et je boude.\n"  # 7
    "T: D'accord."  # 8
)


def test_a_thought_of_not_coming_back_makes_the_episode_macro() -> None:
    """A blind session's patient said, once the rupture was talked about, « je me suis dit que je
    reviendrais pas la semaine prochaine »: a coder calls that episode macro (dropout risk)."""
    transcript = session(DROPOUT, "fr")
    signals = prepare(transcript, mode="fast").signals
    assert signals[5].dropout > 0 and signals[7].dropout == 0
    markers = [marker(1, MarkerSubtype.DENIAL), marker(3, MarkerSubtype.DEFERENTIAL_APPEASING)]
    (episode,) = episodes.build(sig.pack("fr"), signals, markers)
    assert episode.severity is Severity.MACRO
    # without the sentence, the same episode repaired at once is micro
    calm = session(
        DROPOUT.replace(
            "Je me suis dit que je reviendrais pas la semaine prochaine, en fait.", "Voilà."
        ),
        "fr",
    )
    (episode,) = episodes.build(sig.pack("fr"), prepare(calm, mode="fast").signals, markers)
    assert episode.severity is Severity.MICRO


SET_ASIDE = (
    "T: You went quiet when I asked about your graduation.\n"  # 0
    "P: It's fine. Dads were like that back then.\n"  # 1
    "T: I pushed there. I'm sorry, we don't have to go there today.\n"  # 2
    "P: Thanks. Probably my dad, too, at the bottom of it. But not today.\n"  # 3
    "T: Okay. What would you like to use the time for?\n"  # 4
)


def test_a_subject_the_patient_sets_aside_leaves_the_episode_partly_resolved() -> None:
    """A blind session's patient, once the therapist owned their push, said "Probably my dad,
    too… But not today": what was worked on is repaired, the subject is left open on purpose."""
    transcript = session(SET_ASIDE, "en")
    signals = prepare(transcript, mode="fast").signals
    assert signals[3].defers > 0 and signals[1].defers == 0
    moves = [TherapistMove(2, TherapistMoveType.META_COMMUNICATION)]
    (episode,) = episodes.build(
        sig.pack("en"), signals, [marker(1, MarkerSubtype.DENIAL, 3)], moves
    )
    assert episode.end == 3 and episode.resolved is Resolution.PARTLY
    calm = session(SET_ASIDE.replace(" But not today.", " Thank you."), "en")
    (episode,) = episodes.build(
        sig.pack("en"),
        prepare(calm, mode="fast").signals,
        [marker(1, MarkerSubtype.DENIAL, 3)],
        moves,
    )
    assert episode.resolved is Resolution.YES


@pytest.mark.parametrize(
    ("family", "language", "said", "ordinary"),
    [
        (
            "dropout",
            "en",
            [
                "Honestly I almost cancelled today.",
                "I thought about not coming back after last week.",
                "I told myself I wasn't going to come back.",
            ],
            ["I almost missed the bus.", "I came back from work late.", "I thought about it."],
        ),
        (
            "defers",
            "fr",
            [
                "Mon père aussi, sûrement. Mais pas aujourd'hui.",
                "Je suis pas prête à en parler.",
                "On verra plus tard, peut-être.",
                # the patient's own limit, kept by the therapist
                "Ça va. Bon, on ne reparle pas de la colère, hein.",
            ],
            ["Je suis pas allée au travail aujourd'hui.", "Plus tard, j'ai appelé ma sœur."],
        ),
        ("defers", "en", ["Fine. Let's not talk about that, okay?"], ["Let's talk about that."]),
        (
            "residue",
            "fr",
            ["Bon, tout n'est pas réglé, hein, on est d'accord.", "Je suis pas encore convaincue."],
            ["C'est réglé, la facture.", "Je suis convaincue que ma sœur a raison."],
        ),
        (
            "residue",
            "en",
            ["I'm still a bit sore about it, mind.", "It's not all sorted. Not sold yet."],
            ["The bill's sorted now.", "I'm sold on the new van."],
        ),
        # fresh54: doubt about the work, said at the end after the repair
        (
            "residue",
            "fr",
            [
                "On peut, ouais. Après, pour le reste… les séances, le tarif, tout ça, je vais "
                "réfléchir.",
                "Je sais toujours pas si ça va servir à quelque chose.",
            ],
            ["Je vais réfléchir à ce que je lui dis.", "Je sais pas si ça va marcher, le vélo."],
        ),
        (
            "residue",
            "en",
            [
                "Still not sure I'm doing the chair again.",
                "I still don't really know if this is going to do anything.",
            ],
            ["I'm not sure I'm doing the school run.", "I don't know if the bus is coming."],
        ),
        (
            "dropout",
            "fr",
            [
                "Je vous dis pas que je reviens pas. Je vous dis que je vais voir.",
                "Normalement, je serais pas revenue. Ou je serais revenue parler d'autre chose.",
            ],
            ["Je lui ai dit que je reviens samedi.", "Elle serait revenue plus tôt, sinon."],
        ),
        (
            "dropout",
            "en",
            [
                "I'm not saying I won't come back. I'll see.",
                "Normally I wouldn't. I'd just not come back, probably.",
            ],
            [
                "I don't know if I'll come back early from the depot.",
                "I'd come back early if the shift allowed it.",
            ],
        ),
    ],
)
def test_the_dropout_and_deferral_cues_leave_ordinary_talk_alone(
    family: str, language: str, said: list[str], ordinary: list[str]
) -> None:
    go_on = "Allez-y." if language == "fr" else "Go on."
    text = "\n".join(f"T: {go_on}\nP: {line}" for line in [*said, *ordinary])
    signals = prepare(session(text, language), mode="fast").signals
    patient = [getattr(s, family) > 0 for s in signals if s.role.value == "patient"]
    assert patient == [True] * len(said) + [False] * len(ordinary)


def test_a_subject_set_aside_is_shown_as_the_patients_and_not_reopened_for_them() -> None:
    """The open items name the patient's words; no sentence is prepared to reopen it next time."""
    from dataclasses import replace

    from raccord.detect.move_labels import label_moves
    from raccord.prose import open_items
    from raccord.repair import suggest
    from raccord.taxonomy import Timing
    from raccord.understand import formulate

    transcript = session(SET_ASIDE, "en")
    markers = (marker(1, MarkerSubtype.DENIAL, 3),)
    moves = label_moves(transcript, markers, mode="fast")
    signals = prepare(transcript, mode="fast").signals
    found = episodes.build(sig.pack("en"), signals, markers, moves)
    detection = replace(
        detect(transcript, mode="fast"), markers=markers, moves=moves, episodes=found
    )
    formulation = formulate(transcript, detection, mode="fast")
    assert formulation.facts is not None
    items = open_items("en", transcript, formulation.facts)
    assert any(
        "set aside by the patient (turn 4)" in item and "But not today" in item for item in items
    )
    chosen = suggest(transcript, detection, formulation)
    reopening = [s for s in chosen if s.timing is Timing.NEXT_SESSION and s.done_at is None]
    assert not [s for s in reopening if s.episode == 0]


LEFT_OPEN = (
    "T: Vous êtes restée silencieuse quand j'ai parlé du tarif.\n"  # 0
    "P: C'est pas grave, ça arrive à tout le monde.\n"  # 1
    "T: Vous avez raison de le dire, je me suis justifié au lieu de vous entendre.\n"  # 2
    "P: Le tarif, c'est que ça chiffre, avec une retraite de commerçante, vous comprenez.\n"  # 3
    "T: On en parle au début de la prochaine séance, si vous voulez bien.\n"  # 4
    "P: Plus légère qu'en arrivant. Bon, tout n'est pas réglé, hein, on est d'accord.\n"  # 5
)


def test_what_the_patient_says_is_still_open_leaves_the_repaired_episode_partly_resolved() -> None:
    """fr48-a, read as its therapist: the episode was called resolved where the patient ends
    « Bon, tout n'est pas réglé, hein »; the coders coded it partly resolved."""
    moves = (TherapistMove(2, TherapistMoveType.VALIDATION, repair=RepairStrategy.VALIDATE),)
    found = [marker(1, MarkerSubtype.DENIAL, 3)]
    signals = prepare(session(LEFT_OPEN, "fr"), mode="fast").signals
    (episode,) = episodes.build(sig.pack("fr"), signals, found, moves)
    assert episode.resolved is Resolution.PARTLY
    assert any("tout n'est pas réglé" in (e.words or "") for e in episode.evidence)
    # without those words, the same repair resolves it
    lighter = LEFT_OPEN.replace(" Bon, tout n'est pas réglé, hein, on est d'accord.", "")
    signals = prepare(session(lighter, "fr"), mode="fast").signals
    (whole,) = episodes.build(sig.pack("fr"), signals, found, moves)
    assert whole.resolved is Resolution.YES


@pytest.mark.parametrize(
    ("between", "spans"),
    [
        # the therapist pressed on ("It's rubbing against your gums…"): one rupture
        (TherapistMove(4, TherapistMoveType.CONFRONTING, Contribution.CONFRONT_ARGUE), [(1, 7)]),
        # the therapist repaired in between: the patient's return ended the first episode
        (
            TherapistMove(4, TherapistMoveType.VALIDATION, repair=RepairStrategy.VALIDATE),
            [(1, 3), (5, 7)],
        ),
        # nothing pressed, nothing repaired: the return ended it too
        (TherapistMove(4, TherapistMoveType.INFORMATION), [(1, 3), (5, 7)]),
    ],
)
def test_a_brief_return_while_the_therapist_presses_on_does_not_split_the_rupture(
    between: TherapistMove, spans: list[tuple[int, int]]
) -> None:
    """fresh62: "Dunno. Nothing really. It's her life." … "I've said. It's her life." … "You've
    already decided what I felt", the therapist's closed questions in between, coded as one
    macro-rupture and detected as two episodes, the first called a tension on slight evidence."""
    found = _lecture_episodes(
        [marker(1, MarkerSubtype.DEFENDS_SELF), marker(5, MarkerSubtype.MINIMAL_RESPONSE)],
        [between],
    )
    assert [(e.start, e.end) for e in found] == spans


def test_a_thought_of_not_coming_back_said_at_the_door_belongs_to_the_last_episode() -> None:
    """fresh62 (review): « Je vous avoue que tout à l'heure, je me suis dit que je reviendrais
    pas » at the session's end, a dozen turns after the rupture was worked through, was nowhere
    in the report: the episode is macro, the words are its evidence, and the turn is on record."""
    filler = "".join(
        f"T: Et au travail, cette semaine {k} ?\nP: Ça allait, on a eu pas mal de monde, "
        f"j'ai tenu la caisse le matin {k}.\n"
        for k in range(8)
    )
    text = DROPOUT.replace(
        "Je me suis dit que je reviendrais pas la semaine prochaine, en fait.", "Voilà."
    ) + (
        "\n" + filler + "T: On arrive à la fin.\nP: D'accord. Merci. Je vous avoue que tout à "
        "l'heure, je me suis dit que je reviendrais pas. Et là, non, ça va.\n"
    )
    transcript = session(text, "fr")
    signals = prepare(transcript, mode="fast").signals
    last = len(transcript.turns) - 1
    assert signals[last].dropout > 0
    markers = [marker(1, MarkerSubtype.DENIAL), marker(3, MarkerSubtype.DEFERENTIAL_APPEASING)]
    (episode,) = episodes.build(sig.pack("fr"), signals, markers)
    assert episode.end < last - 10
    assert (episode.severity, episode.dropout) == (Severity.MACRO, last)
    assert any(
        e.supports == "dropout" and "reviendrais pas" in (e.words or "") for e in episode.evidence
    )
    assert "macro" in episode.evidence[0].detail
