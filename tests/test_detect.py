"""detect(): one pure call from a transcript to markers, moves, episodes and scores."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from raccord.detect import MODES, detect
from raccord.errors import RaccordError
from raccord.io import parse
from raccord.model import Transcript
from raccord.taxonomy import MarkerKind, RepairStrategy, Role

ROUGH_SESSION = (
    "T: Emily, why did you get your lip pierced? You do not need a piercing.\n"
    "P: Well, I mean, nobody needs a piercing, I wanted one.\n"
    "T: Do you know what those piercings can do to your teeth? It's really bad for you.\n"
    "P: It's my lip that's pierced, not my teeth. It hasn't caused me any problems so far.\n"
    "T: You need to take it out. I really need you to promise me, okay?\n"
    "P: Okay, whatever. Okay.\n"
    "T: We'll continue with the exam, but you know where I stand on this.\n"
    "P: Yeah."
)
CALM_SESSION = (
    "T: How have things been since we last met?\n"
    "P: Better, actually. I went for a walk every morning like I wanted to, and I slept well.\n"
    "T: That sounds like a real change. What helped you keep it up?\n"
    "P: My neighbour came with me twice, and it felt good to talk on the way."
)


def session(text: str, language: str = "en") -> Transcript:
    (transcript,) = parse(text, fmt="text", language=language)
    return transcript


def test_unknown_mode_is_a_clear_error() -> None:
    with pytest.raises(RaccordError, match="mode"):
        detect(session(CALM_SESSION), mode="quick")


@pytest.mark.parametrize("mode", MODES)
def test_detection_covers_every_turn_and_stays_in_range(mode: str) -> None:
    transcript = session(ROUGH_SESSION)
    detection = detect(transcript, mode=mode)
    n = len(transcript.turns)
    assert len(detection.signals) == n
    assert len(detection.scores.engagement) == n
    assert all(0.0 <= v <= 1.0 for v in detection.scores.engagement)
    assert 0.0 <= detection.scores.patient_rupture <= 1.0
    assert 0.0 <= detection.scores.therapist_contribution <= 1.0
    assert {m.turn for m in detection.moves} == {
        t.index for t in transcript.turns if t.role is Role.THERAPIST
    }
    for marker in detection.markers:
        assert transcript.turns[marker.turn].role is Role.PATIENT
        assert marker.evidence
    json.dumps(list(detection.signals))  # plain data, ready for export


def test_a_session_that_ends_in_a_rupture_scores_higher_than_a_calm_one() -> None:
    rough = detect(session(ROUGH_SESSION), mode="fast")
    calm = detect(session(CALM_SESSION), mode="fast")
    assert calm.markers == () and calm.episodes == ()
    # a probability that a coder would mark a rupture: low, not nil, when nothing was found
    assert calm.scores.patient_rupture < 0.5 < rough.scores.patient_rupture
    assert rough.episodes and rough.episodes[-1].end == len(rough.signals) - 1
    assert min(rough.scores.engagement) < min(calm.scores.engagement)


def test_detect_is_pure() -> None:
    transcript = session(ROUGH_SESSION)
    before = replace(transcript)
    first = detect(transcript, mode="fast")
    second = detect(transcript, mode="fast")
    assert first == second
    assert transcript == before


@pytest.mark.parametrize("mode", MODES)
def test_markers_can_be_raised_live_from_the_past_alone(mode: str) -> None:
    """Streaming use (``context="live"``): the markers on the first k turns do not change once
    later turns arrive."""
    lines = ROUGH_SESSION.split("\n")
    whole = detect(session(ROUGH_SESSION), mode=mode, context="live").markers
    full = {(m.turn, m.subtype, m.salience) for m in whole}
    for k in range(2, len(lines) + 1):
        prefix = detect(session("\n".join(lines[:k])), mode=mode, context="live").markers
        assert {(m.turn, m.subtype, m.salience) for m in prefix} == {x for x in full if x[0] < k}


def test_full_mode_keeps_the_clear_cues_of_fast_mode() -> None:
    transcript = session(
        "T: Peut-être qu'il est fatigué lui aussi ?\n"
        "P: Non mais vous ne comprenez pas ce que je dis.\n"
        "T: Je suis allée trop vite. Racontez-moi.\n"
        "P: Depuis la naissance de notre fille, j'ai l'impression d'être transparente.",
        "fr",
    )
    for mode in MODES:
        found = {(m.turn, m.kind) for m in detect(transcript, mode=mode).markers}
        assert (1, MarkerKind.CONFRONTATION) in found, mode


def test_an_empty_or_one_sided_session_gives_an_empty_detection() -> None:
    empty = Transcript(turns=(), language="fr")
    detection = detect(empty, mode="fast")
    assert detection.markers == () and detection.episodes == () and detection.moves == ()
    monologue = session("T: Aujourd'hui je vais vous présenter le programme des séances.", "fr")
    assert detect(monologue, mode="full").markers == ()


@pytest.mark.slow
def test_ten_thousand_turns() -> None:
    base = session(ROUGH_SESSION).turns
    turns = tuple(replace(base[i % len(base)], index=i) for i in range(10_000))
    transcript = Transcript(turns=turns, language="en")
    started = time.perf_counter()
    detection = detect(transcript, mode="fast")
    assert time.perf_counter() - started < 60
    assert len(detection.signals) == 10_000
    assert detection.markers and detection.episodes


@pytest.mark.shared_data
def test_markers_concentrate_in_the_low_quality_annomi_sessions(shared_data: Path) -> None:
    """Construct check on the tune split: sessions AnnoMI rates as poor MI practice (where the
    counsellor argues and lectures) carry more client markers per turn than the good ones."""
    from raccord.eval import corpus
    from raccord.eval.splits import TUNE

    dev = corpus.load_dev(shared_data, "en")
    quality = {}
    summary = (shared_data / corpus.SUMMARY).read_text("utf-8").splitlines()
    header = summary[0].split(",")
    for line in summary[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        quality[int(row["transcript_id"])] = row["mi_quality"]
    rate: dict[str, list[float]] = {"low": [], "high": []}
    for tid in TUNE:
        transcript = dev.transcripts[tid]
        detection = detect(transcript, mode="fast")
        patients = sum(1 for t in transcript.turns if t.role is Role.PATIENT)
        rate[quality[tid]].append(len(detection.markers) / max(1, patients))
    assert sum(rate["low"]) / len(rate["low"]) > 2 * sum(rate["high"]) / len(rate["high"])


# fresh33 (read after scoring): a review found an apology for tears, after the account the
# therapist had invited, flagged as a minimal response; and the patient's first account of what
# he had felt, in answer to the therapist owning their part, flagged as a reproach
TEARS_FR = (
    "T: Est-ce que vous seriez d'accord pour me raconter ce moment-là ?\n"
    "P: Il était allongé sur les enrochements, au pied de la pile. Il bougeait pas. Moi j'étais "
    "encore suspendu à vingt mètres, sur ma corde, et je descendais le plus vite possible.\n"
    "T: [silence 3s] Quarante secondes à le croire mort, accroché là-haut. C'est terrible, ce "
    "que vous avez vécu.\n"
    "P: [se mouche] Pardon.\n"
    "T: Vous n'avez pas à vous excuser. Prenez le temps qu'il vous faut."
)
OWNED_FR = (
    "T: Qu'est-ce que ça vous a fait, tout à l'heure, quand j'ai dit que vous vous sentiez "
    "responsable ?\n"
    "P: C'était comme dans le bureau de l'inspecteur. Les mêmes questions, dans le même ordre.\n"
    "T: Comme un suspect. Et c'est moi qui vous ai remis dans ce bureau, avec mes questions en "
    "rafale. Je le regrette.\n"
    "P: Vous pouviez pas savoir. Et quand vous avez dit « c'est ça qui vous bloque », j'ai cru "
    "que vous aviez déjà tranché. Que vous pensiez comme eux, en fait.\n"
    "T: Je n'ai rien tranché. Je ne sais pas ce qui s'est passé avec cet ancrage."
)


# fresh35 (read after scoring): tears and shame named, after the account the therapist invited,
# flagged as a minimisation because « C'est ridicule » is a cue
SHAME_FR = (
    "T: Vous vous retrouvez assise dans l'escalier. Qu'est-ce que vous ressentez, là, "
    "maintenant, en le racontant ?\n"
    "P: [pleure] J'ai honte. C'est ridicule, on est formés pour ça, on a des débriefings, tout.\n"
    "T: Ce n'est pas ridicule. Prenez le temps qu'il vous faut."
)
SHAME_EN = (
    "T: You find yourself sitting on the stairs. What are you feeling, right now, as you tell "
    "me?\n"
    "P: [crying] I'm ashamed. It's ridiculous, we're trained for this, we have debriefs, "
    "everything.\n"
    "T: It's not ridiculous. Take all the time you need."
)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("text", "language"), [(SHAME_FR, "fr"), (SHAME_EN, "en")])
def test_tears_with_the_feeling_named_are_no_marker_whatever_cue_they_carry(
    mode: str, text: str, language: str
) -> None:
    transcript = session(text, language)
    assert 1 not in {m.turn for m in detect(transcript, mode=mode).markers}
    # the same words without tears are left to the model and the rules
    from raccord.detect import prepare
    from raccord.detect.markers import _feeling_shown

    shown = prepare(transcript, mode="fast").signals[1]
    assert _feeling_shown(shown)
    dry = session(text.replace("[pleure] ", "").replace("[crying] ", ""), language)
    assert not _feeling_shown(prepare(dry, mode="fast").signals[1])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("text", "turn"), [(TEARS_FR, 3), (OWNED_FR, 3)])
def test_tears_and_an_account_after_the_therapist_owns_their_part_are_no_markers(
    mode: str, text: str, turn: int
) -> None:
    transcript = session(text, "fr")
    assert turn not in {m.turn for m in detect(transcript, mode=mode).markers}


# fresh40 (read after scoring): the go-ahead to an idea the therapist asked leave to offer,
# flagged as a minimal response
GO_AHEAD = {
    "fr": (
        "T: Je voudrais vous proposer une idée, et je vous le dis tout de suite : elle peut être "
        "complètement à côté. Vous me direz franchement ce que vous en pensez.\n"
        "P: [silence 2s] Allez-y.\n"
        "T: Je me demande si votre sœur n'a pas un peu repris la place de votre mère."
    ),
    "en": (
        "T: I'd like to offer you an idea, and I'll say straight away it may be completely off. "
        "Tell me honestly what you make of it.\n"
        "P: [silence 2s] Go on.\n"
        "T: I wonder whether your sister has stepped a little into your mother's place."
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_go_ahead_to_what_the_therapist_proposes_is_no_marker(mode: str, language: str) -> None:
    from raccord.detect import prepare
    from raccord.detect.markers import _consents

    transcript = session(GO_AHEAD[language], language)
    assert 1 not in {m.turn for m in detect(transcript, mode=mode).markers}
    assert _consents(prepare(transcript, mode="fast").signals[1])
    # a curt "Fine." is not a go-ahead: it is left to the model and the rules
    curt = session(
        GO_AHEAD[language].replace("Allez-y.", "Bon.").replace("Go on.", "Fine."), language
    )
    assert not _consents(prepare(curt, mode="fast").signals[1])


def test_owning_ones_part_is_read_before_any_marker_and_a_conditional_is_not_owning() -> None:
    from raccord.detect.move_labels import opening_turns

    transcript = session(
        OWNED_FR + "\nP: D'accord.\nT: Et si je vais trop vite, comme tout à l'heure, vous me le "
        "dites ?",
        "fr",
    )
    assert opening_turns(transcript)[0] == frozenset({2, 4})


@pytest.mark.parametrize("mode", MODES)
def test_a_repair_the_therapist_names_in_words_keeps_its_name_whatever_the_head_says(
    mode: str,
) -> None:
    """fresh35: « je veux être clair sur un point, parce que ma phrase a pu laisser croire autre
    chose » was called an invitation to discuss by the learned repair head."""
    transcript = session(
        "T: Qu'est-ce qui vous vient, là ?\n"
        "P: Ah, alors c'est ça. Vous êtes là pour faire votre rapport au médecin. Vous cochez vos "
        "cases. C'est pire qu'une audition, franchement.\n"
        "T: Vous avez raison de me le dire. J'ai insisté, je suis allé trop vite.\n"
        "P: [silence 6s] Oui. Bon.\n"
        "T: Et je veux être clair sur un point, parce que ma phrase a pu laisser croire autre "
        "chose : je n'envoie rien au médecin du travail sur ce qu'on se dit ici.\n"
        "P: Ah. Je l'avais oublié, ça. Je crois que ce qui m'a braquée, c'est quand vous avez "
        "parlé de ma fille.",
        "fr",
    )
    moves = {m.turn: m for m in detect(transcript, mode=mode).moves}
    assert moves[4].repair is RepairStrategy.CLARIFY_MISUNDERSTANDING


# fresh49 (read after scoring): the disagreement the therapist asked for, flagged as defending
# herself (EN) and as giving up (FR) in sessions without rupture
INVITED = {
    "fr": (
        "T: Qu'est-ce qui vous met le plus en colère, dans tout ça ?\n"
        "P: Qu'elle décide. Pour maman, et pour moi. Je suis sa fille aussi.\n"
        "T: Je vais vous proposer une façon de l'entendre, et vous me direz franchement si ça ne "
        "colle pas, d'accord ? Je me demande si, derrière la colère contre votre sœur, il n'y a "
        "pas aussi la peur de voir votre mère partir.\n"
        "P: Hmm. Non. Là, franchement, je suis pas d'accord. Maman, je sais qu'elle s'en va "
        "doucement, j'en ai parlé avec mon mari, j'ai pleuré ce que j'avais à pleurer l'automne "
        "dernier. Non, c'est vraiment ma sœur. Depuis qu'on est gamines, c'est elle qui décide."
    ),
    "en": (
        "T: On the dream nights, what do you do once you're awake?\n"
        "P: Lie there and go through it all. Then I look at my phone and I give up and get up.\n"
        'T: Here\'s my guess. The thought was something like "I should have done more", so '
        "guilt, basically. How does that sit with you?\n"
        "P: [silence 4s] Honestly, the guilt bit doesn't fit. I know it wasn't anything I did. "
        "She had died before her mum even came in, the post-mortem will probably say the same. "
        "I'm not going over it because I think it's my fault."
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_disagreement_the_therapist_asked_for_is_no_marker(mode: str, language: str) -> None:
    from raccord.detect import prepare
    from raccord.detect.markers import _answers_invitation

    transcript = session(INVITED[language], language)
    found = {m.turn for m in detect(transcript, mode=mode).markers}
    assert 3 not in found
    if language == "en":
        # nor "I give up and get up": the night, not the therapy
        assert 1 not in found
    signals = prepare(transcript, mode="fast").signals
    assert _answers_invitation(signals[3])
    # the same words without the invitation are left to the model and the rules
    bare = session(
        INVITED[language]
        .replace(", et vous me direz franchement si ça ne colle pas, d'accord ?", ".")
        .replace(" How does that sit with you?", ""),
        language,
    )
    assert not _answers_invitation(prepare(bare, mode="fast").signals[3])


@pytest.mark.parametrize(
    ("language", "said"),
    [("en", "Yes, that works."), ("en", "Yes, go for it."), ("fr", "Oui, ça me va.")],
)
def test_the_yes_to_the_order_proposed_is_a_go_ahead(language: str, said: str) -> None:
    """fresh49: "Yes, that works." to "Does that order work for you?" and "Yes, go for it." to
    "Is that OK?" were flagged as a minimal response and as appeasing."""
    from raccord.detect import prepare
    from raccord.detect.markers import _consents

    asked = (
        "T: Tuesday first, then sleep, then the draft. Does that order work for you?"
        if language == "en"
        else "T: Mardi d'abord, puis le sommeil, puis le schéma. Ça vous va, dans cet ordre-là ?"
    )
    transcript = session(f"{asked}\nP: {said}", language)
    assert _consents(prepare(transcript, mode="fast").signals[1])
    # "It's fine." after an apology is coded denial: no yes-word, no go-ahead
    fine = session(f"{asked}\nP: " + ("It's fine." if language == "en" else "Ça va."), language)
    assert not _consents(prepare(fine, mode="fast").signals[1])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "T: Now: \"I'm having the thought that I'm finished.\"\n"
            "P: I'm having the thought that I'm finished.\n"
            "T: What happens when you say it like that?\n"
            "P: Yeah.",
        ),
        (
            "fr",
            "T: Maintenant : « J'ai la pensée que je suis fini. »\n"
            "P: J'ai la pensée que je suis fini.\n"
            "T: Qu'est-ce qui se passe quand vous le dites comme ça ?\n"
            "P: Ouais.",
        ),
    ],
)
def test_the_line_the_therapist_gave_said_back_is_no_marker(language: str, text: str) -> None:
    """fresh49: a defusion script said back word for word was flagged as rejecting the
    intervention; a lone "Yeah." after a quote is not a line said back."""
    from raccord.detect import prepare

    transcript = session(text, language)
    signals = prepare(transcript, mode="fast").signals
    assert signals[1].recites and not signals[3].recites
    for mode in MODES:
        assert 1 not in {m.turn for m in detect(transcript, mode=mode).markers}


def test_the_pressure_cue_is_an_arrest_not_a_pause() -> None:
    """fr47-a: « qu'on s'y arrête une minute » and « Je vous arrête un instant » were quoted as
    pressure (« arrêté », accents folded)."""
    from raccord.detect import prepare

    text = (
        "T: Moi, je crois que ça vaut la peine qu'on s'y arrête une minute, si vous voulez bien.\n"
        "P: Si vous voulez.\n"
        "T: Votre fils s'est fait arrêter, m'avez-vous dit, et il a été arrêté deux fois.\n"
        "P: Oui."
    )
    signals = prepare(session(text, "fr"), mode="fast").signals
    assert signals[1].pressure == 0 and signals[3].pressure > 0
