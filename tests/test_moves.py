"""Therapist moves read like a supervisor would code them: what the turn does, and whether it
pushes against the client or repairs after a marker."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from raccord import lang as packs
from raccord.detect.move_labels import label_moves
from raccord.detect.moves import move_type, normalize
from raccord.io import parse
from raccord.lang import cues
from raccord.model import Marker, TherapistMove, Transcript, Turn
from raccord.taxonomy import (
    Contribution,
    MarkerSubtype,
    RepairStrategy,
    Role,
    TherapistMoveType,
)
from raccord.taxonomy import TherapistMoveType as T


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Mm-hmm.", "en", T.BACKCHANNEL),
        ("D'accord.", "fr", T.BACKCHANNEL),
        ("Hm-hm. Oui.", "fr", T.BACKCHANNEL),
        ("What brings you in today?", "en", T.OPEN_QUESTION),
        ("Qu'est-ce qui vous amène aujourd'hui ?", "fr", T.OPEN_QUESTION),
        ("Comment vous vous sentez depuis la dernière fois ?", "fr", T.OPEN_QUESTION),
        ("Do you smoke every day?", "en", T.CLOSED_QUESTION),
        ("Vous fumez depuis combien de temps ?", "fr", T.CLOSED_QUESTION),
        ("Est-ce que vous buvez le soir ?", "fr", T.CLOSED_QUESTION),
        ("You should really stop drinking.", "en", T.ADVICE_WITHOUT_PERMISSION),
        ("Il faudrait que vous réduisiez un peu le soir.", "fr", T.ADVICE_WITHOUT_PERMISSION),
        ("Is it okay if I share some information about that?", "en", T.ADVICE_WITH_PERMISSION),
        ("Est-ce que je peux vous proposer une idée ?", "fr", T.ADVICE_WITH_PERMISSION),
        (
            "Vous devriez vraiment arrêter de fumer, c'est dangereux pour votre santé.",
            "fr",
            T.CONFRONTING,
        ),
        ("If you keep drinking like this, you'll lose your license.", "en", T.CONFRONTING),
        (
            "I notice that when I brought up your work, you went quiet.",
            "en",
            T.META_COMMUNICATION,
        ),
        (
            "J'ai l'impression que ce que je viens de dire ne vous a pas convenu, on peut en parler ?",
            "fr",
            T.META_COMMUNICATION,
        ),
        (
            "It sounds like part of you wants to stop and part of you doesn't.",
            "en",
            T.COMPLEX_REFLECTION,
        ),
        (
            "Vous vous sentez coincé entre votre travail et votre famille.",
            "fr",
            T.COMPLEX_REFLECTION,
        ),
        ("Ça a tout à fait du sens, vu ce que vous vivez.", "fr", T.VALIDATION),
        ("That took a lot of courage.", "en", T.AFFIRMATION),
        ("Quand j'étais étudiant, moi aussi je fumais.", "fr", T.SELF_DISCLOSURE),
        # asking what the therapist's own move did is meta-communication; the same words about
        # someone else's act are an open question
        (
            "Mais avant, j'aimerais revenir sur ce qui vient de se passer entre nous. Depuis que "
            "je vous ai parlé du bain, j'ai l'impression que vous vous êtes éloigné. Qu'est-ce "
            "que ça vous a fait, ma proposition ?",
            "fr",
            T.META_COMMUNICATION,
        ),
        (
            "Can I stop us for a second? What was it like for you when I suggested that?",
            "en",
            T.META_COMMUNICATION,
        ),
        ("I noticed you went quiet when I brought up your sister.", "en", T.META_COMMUNICATION),
        ("I think I've been pushing you towards the beach.", "en", T.META_COMMUNICATION),
        ("Qu'est-ce que ça vous a fait, quand votre père est parti ?", "fr", T.OPEN_QUESTION),
        ("What was it like when your dad left?", "en", T.OPEN_QUESTION),
    ],
)
def test_a_supervisor_would_code_the_turn_the_same_way(text: str, lang: str, expected: T) -> None:
    move, evidence = move_type(text, lang)
    assert move is expected
    assert evidence and evidence[0].detail


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # making room for grief or a silence is not telling the patient what to do
        ("Prenez votre temps. Il n'y a rien à excuser.", "fr", T.VALIDATION),
        ("Prenez tout votre temps.", "fr", T.VALIDATION),
        ("Ne vous excusez pas.", "fr", T.VALIDATION),
        ("Take your time. There's nothing to apologize for.", "en", T.VALIDATION),
        ("No rush. It's okay to cry.", "en", T.VALIDATION),
        ("Prenez vos médicaments le soir.", "fr", T.ADVICE_WITHOUT_PERMISSION),
        # a conditional warning sounds like validation ("it's hard") but presses
        ("If you don't do the homework, it's hard to make progress.", "en", T.CONFRONTING),
        ("Si vous ne faites pas les exercices, c'est difficile d'avancer.", "fr", T.CONFRONTING),
        ("C'est difficile de progresser si vous ne faites pas les exercices.", "fr", T.CONFRONTING),
        ("Si vous ne voulez pas en parler, c'est votre droit.", "fr", T.SIMPLE_REFLECTION),
        ("If you don't want to talk about it, that's fine.", "en", T.SIMPLE_REFLECTION),
        # lending the patient a feeling they have not voiced is an interpretation
        (
            "Je crois que vous lui en voulez beaucoup plus que vous ne vous l'autorisez.",
            "fr",
            T.INTERPRETATION,
        ),
        ("You're angrier with her than you let yourself feel.", "en", T.INTERPRETATION),
        # hearing the objection, then arguing it away, is a counter-argument ("yes, but")
        (
            "Je comprends, mais les exercices sont justement faits pour vous aider à affronter ça.",
            "fr",
            T.CONFRONTING,
        ),
        (
            "I hear you, but the exercises are exactly what will help you face it.",
            "en",
            T.CONFRONTING,
        ),
        # a double-sided reflection is not a "yes, but" (a comma between « d'accord » and « mais »)
        (
            "D'accord, donc si vous aviez un travail, vous seriez assez confiant, mais si vous "
            "n'en trouvez pas, ça vous inquiète.",
            "fr",
            T.COMPLEX_REFLECTION,
        ),
        ("On ne va pas beaucoup avancer si vous ne faites pas les exercices.", "fr", T.CONFRONTING),
        ("We won't get very far if you don't practise between sessions.", "en", T.CONFRONTING),
        ("Je comprends. Et en même temps, vous êtes là.", "fr", T.VALIDATION),
        ("I hear you, and it makes sense that you'd be tired of it.", "en", T.VALIDATION),
        # reflecting what the patient hoped for and the pain still there
        (
            "Vous vous attendiez à avoir moins mal, et la douleur est encore là, très vive.",
            "fr",
            T.COMPLEX_REFLECTION,
        ),
        ("You expected it to hurt less by now, and it's still so raw.", "en", T.COMPLEX_REFLECTION),
        # the week's task prescribed in the present tense (a never-seen session: read as a
        # reflection, then as validation and meta-communication by the repair labels)
        (
            "Parfait, alors mardi vous y allez. Vous arrivez en avance, et vous restez jusqu'au "
            "bout même si l'angoisse monte.",
            "fr",
            T.ADVICE_WITHOUT_PERMISSION,
        ),
        (
            "Et si la pensée « je vais mal traduire » arrive, vous la notez et vous continuez.",
            "fr",
            T.ADVICE_WITHOUT_PERMISSION,
        ),
        (
            "Good, so Tuesday you go. You stay until the end even if it rises.",
            "en",
            T.ADVICE_WITHOUT_PERMISSION,
        ),
        (
            "And if the thought comes, you write it down and you keep going.",
            "en",
            T.ADVICE_WITHOUT_PERMISSION,
        ),
        # reopening what the patient has just played down is meta-communication
        (
            "Je ne suis pas sûr que ce soit si peu grave, et j'aimerais qu'on puisse en parler, "
            "si vous le voulez bien.",
            "fr",
            T.META_COMMUNICATION,
        ),
        (
            "I'm not sure it's nothing, and I'd like us to be able to talk about it, if you're "
            "willing.",
            "en",
            T.META_COMMUNICATION,
        ),
        # an unvoiced feeling lent as the cause, a leading tag, a return to one's reading "though"
        (
            "Je pense qu'une part de vous est soulagée de tenir enfin la barre seule. Et que "
            "c'est peut-être ça, au fond, qui rend la vente si difficile.",
            "fr",
            T.INTERPRETATION,
        ),
        ("Il y avait bien un peu de fierté, non ?", "fr", T.INTERPRETATION),
        (
            "Je reviens un instant à ce que je disais sur la barre. Est-ce que ça vous parle un "
            "peu, quand même ?",
            "fr",
            T.INTERPRETATION,
        ),
        ("I think part of you is relieved to finally hold the helm alone.", "en", T.INTERPRETATION),
        ("There was a bit of pride in there, wasn't there?", "en", T.INTERPRETATION),
        (
            "I don't need to have been up a tower to know how panic works, Callum.",
            "en",
            T.CONFRONTING,
        ),
        (
            "Je n'ai pas besoin d'avoir fait du bateau pour savoir comment marche la panique.",
            "fr",
            T.CONFRONTING,
        ),
        # fresh27, scored blind: permission asked, then a reading given as the cause
        (
            "Can I share something I've been noticing? I think this is less about Ryan and more "
            "about your mum. That's why you feel so flat, rather than just sad.",
            "en",
            T.INTERPRETATION,
        ),
        ("I really think it fits with a lot of what you've told me.", "en", T.INTERPRETATION),
        (
            "Je comprends que vous hésitiez, mais regardez les faits : l'enquête a conclu à une "
            "chute de pierres naturelle.",
            "fr",
            T.CONFRONTING,
        ),
        (
            "Je veux seulement dire que les faits sont de votre côté.",
            "fr",
            T.CONFRONTING,
        ),
        (
            "J'ai réfléchi à quelque chose. On pourrait construire un retour par étapes : d'abord "
            "monter seul au refuge, ensuite une course facile.",
            "fr",
            T.ADVICE_WITHOUT_PERMISSION,
        ),
        # fresh48's review: a disclosure that owns a part, a validation, a request for feedback
        (
            "Je vais vous dire quelque chose de moi, juste un mot. Quand mon père est mort, il y "
            "avait des gens qui m'expliquaient comment je devais le vivre. Et je me souviens que ça "
            "m'éloignait d'eux plus qu'autre chose.",
            "fr",
            T.SELF_DISCLOSURE,
        ),
        (
            "Let me tell you something about me, just briefly. When my father died, people kept "
            "telling me how I should grieve.",
            "en",
            T.SELF_DISCLOSURE,
        ),
        (
            "Ça n'excuse pas le bruit. De la musique à minuit, c'est un vrai problème, et votre "
            "colère a du sens.",
            "fr",
            T.VALIDATION,
        ),
        (
            "The honest answer is I haven't had health anxiety the way you have. So I need you to "
            "tell me when what I'm suggesting doesn't fit.",
            "en",
            T.META_COMMUNICATION,
        ),
        ("Autre chose ?", "fr", T.CLOSED_QUESTION),
        (
            "Autre chose : je ne déplacerai plus une séance sans vous prévenir.",
            "fr",
            T.TOPIC_CHANGE,
        ),
        ("I really need you to tell me you'll stop.", "en", T.CONFRONTING),
    ],
)
def test_what_a_clinicians_review_found_mislabelled(text: str, lang: str, expected: T) -> None:
    """From a clinician's review of sessions nobody tuned on: grief met with « Prenez votre
    temps » was counted as unsolicited advice, a warning and an interpretation as validation."""
    assert move_type(text, lang)[0] is expected


def test_the_evidence_quotes_the_deciding_sentence_in_the_session_language() -> None:
    move, evidence = move_type(
        "Bon. Fumer, c'est vraiment très mauvais pour la santé, vous savez.", "fr"
    )
    assert move is T.CONFRONTING
    assert "mauvais pour la santé" in (evidence[0].words or "")
    assert "Confrontation" in evidence[0].detail


def test_move_type_is_pure_and_repeatable() -> None:
    first = move_type("So you're not ready to quit right now?", "en")
    assert move_type("So you're not ready to quit right now?", "en") == first


# --------------------------------------------------------------------------- label_moves


def session(lang: str, *lines: tuple[str, str]) -> Transcript:
    """A session from ("T"|"P", text) lines."""
    turns = tuple(
        Turn(
            index=k,
            speaker=who,
            role=Role.THERAPIST if who == "T" else Role.PATIENT,
            text=text,
        )
        for k, (who, text) in enumerate(lines)
    )
    return Transcript(turns=turns, language=lang)


def marker_at(turn: int, subtype: MarkerSubtype, salience: int = 3) -> Marker:
    return Marker(turn=turn, kind=subtype.kind, subtype=subtype, salience=salience, confidence=1.0)


def last_move(transcript: Transcript, markers: tuple[Marker, ...] = ()) -> TherapistMove:
    return label_moves(transcript, markers, mode="fast")[-1]


def answer_to_marker(
    lang: str, said: str, answer: str, subtype: MarkerSubtype, opening: tuple[str, str]
) -> TherapistMove:
    """How the therapist's ``answer`` is labelled right after the patient's ``said`` holds a
    marker of ``subtype``; ``opening`` is the therapist's first turn, French then English."""
    s = session(lang, ("T", opening[0] if lang == "fr" else opening[1]), ("P", said), ("T", answer))
    return last_move(s, (marker_at(1, subtype),))


def test_warning_a_smoker_who_said_he_does_not_want_to_quit_is_confronting() -> None:
    s = session(
        "fr",
        ("T", "Qu'est-ce qui vous amène ?"),
        ("P", "Le boulot passe en zéro tabac. Mais bon, j'ai pas vraiment envie d'arrêter."),
        ("T", "Vous devriez vraiment arrêter de fumer, c'est dangereux pour votre santé."),
    )
    move = last_move(s)
    assert move.contribution in {Contribution.CONFRONT_ARGUE, Contribution.ADVICE_UNSOLICITED}
    assert move.repair is RepairStrategy.NONE
    assert any("Contribution possible" in e.detail for e in move.evidence)


def test_pushing_against_the_stated_position_needs_the_clients_words_before() -> None:
    said_no = session(
        "en",
        ("P", "I don't want to quit. I like smoking, it's not a big deal."),
        ("T", "You should stop smoking as soon as possible."),
    )
    no_stance = session(
        "en",
        ("P", "I've been coughing a lot lately."),
        ("T", "You should stop smoking as soon as possible."),
    )
    assert last_move(said_no).contribution is Contribution.CONFRONT_ARGUE
    assert any(e.source == "context" for e in last_move(said_no).evidence)
    # without a stated position it is advice, a contribution when a marker is near
    assert last_move(no_stance).move is T.ADVICE_WITHOUT_PERMISSION
    assert last_move(no_stance).contribution is Contribution.NONE
    coughing = session(
        "en",
        ("P", "I've been coughing a lot lately."),
        ("T", "You should stop smoking as soon as possible."),
        ("P", "Yeah, everyone keeps telling me."),
    )
    near = (marker_at(2, MarkerSubtype.GIVING_UP),)
    (advice,) = [m for m in label_moves(coughing, near, mode="fast") if m.turn == 1]
    assert advice.contribution is Contribution.ADVICE_UNSOLICITED


def test_asking_permission_before_an_idea_is_not_a_contribution() -> None:
    s = session(
        "fr",
        ("P", "Je sais pas trop comment m'y prendre pour réduire."),
        ("T", "Est-ce que je peux vous proposer une idée ?"),
    )
    move = last_move(s)
    assert move.move is TherapistMoveType.ADVICE_WITH_PERMISSION
    assert move.contribution is Contribution.NONE


def test_advice_the_client_asked_for_is_not_unsolicited() -> None:
    s = session(
        "en",
        ("P", "I want to cut down but I don't know how. What should I do?"),
        ("T", "You could try keeping a drink diary for a week."),
    )
    assert last_move(s).contribution is Contribution.NONE


def test_naming_what_just_happened_after_a_rejection_invites_discussion() -> None:
    s = session(
        "fr",
        ("T", "Il faudrait que vous fassiez ces exercices tous les soirs."),
        ("P", "Non, franchement, ça sert à rien, ces trucs."),
        (
            "T",
            "J'ai l'impression que ce que je viens de dire ne vous a pas convenu, "
            "on peut en parler ?",
        ),
    )
    markers = (marker_at(1, MarkerSubtype.REJECTS_INTERVENTION),)
    move = last_move(s, markers)
    assert move.repair is RepairStrategy.INVITE_DISCUSSION
    assert move.contribution is Contribution.NONE
    assert any("Réparation directe possible" in e.detail for e in move.evidence)


def test_owning_ones_part_after_a_complaint_is_acknowledge_contribution() -> None:
    s = session(
        "fr",
        ("T", "Et votre père, dans tout ça ?"),
        ("P", "Vous allez trop vite, là. Vous m'écoutez pas."),
        ("T", "Vous avez raison, je suis allé trop vite."),
    )
    markers = (marker_at(1, MarkerSubtype.COMPLAINT_THERAPIST, 4),)
    assert last_move(s, markers).repair is RepairStrategy.ACKNOWLEDGE_CONTRIBUTION


def test_leaving_a_subject_for_later_is_defer() -> None:
    s = session(
        "fr",
        ("T", "Et au travail, comment ça se passe ?"),
        ("P", "Je préfère pas en parler."),
        (
            "T",
            "On peut laisser ça de côté pour l'instant et y revenir plus tard si vous voulez.",
        ),
    )
    markers = (marker_at(1, MarkerSubtype.DENIAL),)
    assert last_move(s, markers).repair is RepairStrategy.DEFER


def test_a_reflection_right_after_a_marker_is_an_indirect_repair_and_not_before() -> None:
    lines = (
        ("T", "How did the week go with the exercises?"),
        ("P", "Honestly, these exercises are pointless. Nothing changes."),
        ("T", "It sounds like you feel you've put a lot in and it hasn't paid off yet."),
    )
    with_marker = last_move(
        session("en", *lines), (marker_at(1, MarkerSubtype.COMPLAINT_ACTIVITIES),)
    )
    without = last_move(session("en", *lines))
    assert with_marker.repair is RepairStrategy.VALIDATE
    assert without.repair is RepairStrategy.NONE
    assert without.contribution is Contribution.NONE


def test_carrying_on_with_information_past_a_client_giving_up_ignores_the_concern() -> None:
    s = session(
        "en",
        ("T", "There are patches, gum and lozenges."),
        ("P", "I'm probably not gonna buy anything today. I don't think anything will work."),
        ("T", "Typically the patch is used for eight to twelve weeks, at 21 mg per day."),
    )
    markers = (marker_at(1, MarkerSubtype.GIVING_UP),)
    assert last_move(s, markers).contribution is Contribution.IGNORES_CONCERN


def test_one_move_per_therapist_turn_in_order() -> None:
    s = session(
        "en",
        ("T", "Hi, what brings you in?"),
        ("P", "My wife sent me."),
        ("T", "Mm-hmm."),
        ("P", "She thinks I drink too much."),
        ("T", "And what do you think?"),
    )
    moves = label_moves(s, (), mode="fast")
    assert [m.turn for m in moves] == [0, 2, 4]
    assert moves[1].move is TherapistMoveType.BACKCHANNEL


def test_full_mode_keeps_one_move_per_turn_and_the_cue_decisions() -> None:
    s = session(
        "en",
        ("P", "I don't want to quit."),
        ("T", "You have to realize that smoking is killing you."),
        ("P", "Whatever."),
        ("T", "So it feels like everyone is on your back about this."),
    )
    fast = label_moves(s, (), mode="fast")
    full = label_moves(s, (), mode="full")
    assert [m.turn for m in full] == [m.turn for m in fast]
    assert full[0].contribution is Contribution.CONFRONT_ARGUE


# --------------------------------------------------------------------------- the cue engine

_PHRASES = (
    "you should really stop smoking it's dangerous i notice that when i we vous devriez "
    "vraiment arrêter de fumer c'est dangereux j'ai l'impression que ce que je viens de dire "
    "qu'on n'aime pas voir is it okay if i share some information would you like me to "
    "sounds like part of you feel so um well but no i'm sorry that's not what i meant "
    "on peut y revenir plus tard si vous voulez il faut que vous arrêtiez pour de bon , ? ."
)
_VOCAB = _PHRASES.split()


@functools.cache
def _cue_pairs(lang: str) -> list[tuple[cues.CueSet, re.Pattern[str]]]:
    """Each cue list of the pack, gated and as one plain alternation, compiled once per language
    (compiling them for every example made this test take minutes)."""
    data = packs.section(lang, "moves")
    index = cues.Index()
    pairs = []
    for family in ("cues", "context", "repair"):
        for patterns in data[family].values():
            plain = re.compile(
                "(?<!\\w)(?:"
                + "|".join(f"(?:{cues.fold_pattern(p)})" for p in patterns)
                + ")(?!(?<=\\w)\\w)"
            )
            pairs.append((cues.CueSet(family, patterns, index), plain))
    return pairs


@given(st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=30), st.sampled_from(["en", "fr"]))
@settings(max_examples=150, deadline=None)
def test_gated_cue_lists_find_what_one_big_alternation_finds(words: list[str], lang: str) -> None:
    """The speed-up (trying only cues whose words occur) never changes what is found."""
    text = normalize(" ".join(words))
    for gated, plain in _cue_pairs(lang):
        a, b = gated.search(text), plain.search(text)
        assert (a is None) == (b is None)
        assert a is None or b is None or a.start() == b.start()


def test_a_run_of_closed_questions_with_one_word_answers_is_closed_interrogation() -> None:
    s = session(
        "fr",
        ("T", "Et l'entretien avec votre chef, il a eu lieu ?"),
        ("P", "Oui, mardi."),
        ("T", "Il vous a fait des remarques ?"),
        ("P", "Un peu."),
        ("T", "Sur le retard du dossier ?"),
        ("P", "Voilà, oui, entre autres, il a parlé du retard et du reste, de tout en fait."),
        ("T", "Qu'est-ce que ça vous a fait, de l'entendre ?"),
    )
    closing = Marker(3, MarkerSubtype.MINIMAL_RESPONSE.kind, MarkerSubtype.MINIMAL_RESPONSE, 2, 0.6)
    moves = label_moves(s, (closing,), mode="fast")
    assert [m.contribution for m in moves[:3]] == [Contribution.CLOSED_INTERROGATION] * 3
    assert moves[3].contribution is Contribution.NONE
    assert any("questions fermées" in e.detail for e in moves[0].evidence)
    # before markers are known (the context the marker detector reads) the run is pressure
    context = label_moves(s, (), mode="fast", runs_need_a_marker=False)
    assert [m.contribution for m in context[:3]] == [Contribution.CLOSED_INTERROGATION] * 3


def test_an_intake_run_of_closed_questions_without_any_rupture_is_not_a_contribution() -> None:
    s = session(
        "en",
        ("T", "Do you smoke at all?"),
        ("P", "No."),
        ("T", "Do you drink alcohol?"),
        ("P", "Sometimes, wine."),
        ("T", "Any street drugs?"),
        ("P", "No, never."),
        ("T", "Okay, thank you. What would you like to talk about today?"),
    )
    assert all(m.contribution is Contribution.NONE for m in label_moves(s, (), mode="fast"))


def test_closed_questions_answered_at_length_leave_room() -> None:
    s = session(
        "en",
        ("T", "Did you go to the meeting?"),
        ("P", "I did, and honestly it went better than I expected, people were kind to me."),
        ("T", "Was your sponsor there?"),
        ("P", "She was, and we talked for a long time afterwards about how the week had gone."),
        ("T", "Are you planning to go again?"),
    )
    assert all(m.contribution is Contribution.NONE for m in label_moves(s, (), mode="fast"))


def test_short_questions_of_fact_make_a_run_whatever_their_form() -> None:
    # "Which days?" reads as an open question, the questionnaire item has no question mark: in a
    # run answered in a few words, up to the patient's protest, they are interrogation all the same
    s = session(
        "en",
        ("T", "And the diary, did you fill it in?"),
        ("P", "Fine. Some days."),
        ("T", "Which days?"),
        ("P", "Monday. Tuesday, maybe."),
        ("T", "trouble falling or staying asleep"),
        ("P", "I literally just told you that."),
    )
    protest = marker_at(5, MarkerSubtype.COMPLAINT_THERAPIST)
    moves = label_moves(s, (protest,), mode="fast")
    assert [m.contribution for m in moves] == [Contribution.CLOSED_INTERROGATION] * 3


def test_a_question_about_what_was_lived_is_never_part_of_an_interrogation() -> None:
    s = session(
        "fr",
        ("T", "Vous y êtes allée samedi ?"),
        ("P", "Oui."),
        ("T", "Qu'est-ce que ça vous a fait ?"),
        ("P", "Bof."),
        ("T", "Vous êtes restée les dix minutes ?"),
        ("P", "Je sais pas. Laissez tomber."),
    )
    moves = label_moves(s, (marker_at(5, MarkerSubtype.MINIMAL_RESPONSE),), mode="fast")
    assert all(m.contribution is Contribution.NONE for m in moves)


def test_asking_whether_the_plan_suits_the_patient_is_no_interrogation() -> None:
    # a blind session's therapist fixed the slot and the agenda with her patient, then asked a
    # few quick questions on sleep: the checks hand her the choice, they start no run
    s = session(
        "fr",
        ("T", "Le mardi à 18h, c'est libre à partir de la semaine prochaine. Ça vous convient ?"),
        ("P", "Super, oui, merci beaucoup."),
        ("T", "Donc le sommeil, puis le travail. Ça vous va, dans cet ordre-là ?"),
        ("P", "Oui, c'est parfait."),
        ("T", "Vous vous endormez facilement en ce moment ?"),
        ("P", "Ça va mieux."),
        ("T", "Et vous vous réveillez la nuit ?"),
        ("P", "Une fois, vers quatre heures."),
    )
    moves = label_moves(s, (marker_at(3, MarkerSubtype.DEFERENTIAL_APPEASING),), mode="fast")
    assert all(m.contribution is not Contribution.CLOSED_INTERROGATION for m in moves)


def test_an_answer_at_length_ends_the_run_it_interrupts() -> None:
    # the first two questions were answered at length; the three after that are a run of their own
    s = session(
        "en",
        ("T", "Did you go to the meeting?"),
        ("P", "I did, and honestly it went better than I expected, people were kind to me there."),
        ("T", "Did you speak up?"),
        ("P", "No."),
        ("T", "Did you take the notes in?"),
        ("P", "Yeah."),
        ("T", "And the prediction sheet?"),
        ("P", "Look, can we not do the homework inquest every single week?"),
    )
    moves = label_moves(s, (marker_at(7, MarkerSubtype.COMPLAINT_ACTIVITIES),), mode="fast")
    labels = [m.contribution for m in moves]
    assert labels == [Contribution.NONE] + [Contribution.CLOSED_INTERROGATION] * 3


def test_answering_the_patients_question_after_a_marker_is_not_moving_past_it() -> None:
    s = session(
        "en",
        ("T", "So what we'll do today is go through the questionnaire."),
        ("P", "No offence, but you're not even a doctor. You can't change my prescription."),
        (
            "T",
            "That's a fair question, and nobody explained it properly. I'm a psychologist, so no, "
            "I can't prescribe. Every Tuesday I go through my list with Dr Amin.",
        ),
    )
    move = last_move(s, (marker_at(1, MarkerSubtype.COMPLAINT_THERAPIST),))
    assert move.contribution is Contribution.NONE


# --------------------------------------------------------------------------- dev labels


def _tune_contribution_f1(data: Path, lang: str) -> float:
    """Contribution-presence F1 on the tune sessions, with the coders' own markers as input."""
    from raccord.eval.corpus import load_dev
    from raccord.eval.metrics import prf
    from raccord.eval.splits import TUNE

    dev = load_dev(data, lang)
    gold: list[bool] = []
    pred: list[bool] = []
    for tid in TUNE:
        transcript, labels = dev.transcripts[tid], dev.labels[tid]
        markers = tuple(
            Marker(t.index, lab.marker, lab.subtype, lab.salience, 1.0)
            for t in transcript.turns
            if (lab := labels.client_label(t.uid)).present and lab.subtype is not None
        )
        for move in label_moves(transcript, markers, mode="fast"):
            uid = transcript.turns[move.turn].uid
            gold.append(labels.therapist_label(uid).contribution is not Contribution.NONE)
            pred.append(move.contribution is not Contribution.NONE)
    return prf(gold, pred).f1


@pytest.mark.shared_data
def test_contributions_on_the_tune_sessions_french_as_well_as_english(shared_data: Path) -> None:
    """Regression guard on the sessions the cues were written against (not a generalisation
    figure: the held-out ones are in the benchmark)."""
    en = _tune_contribution_f1(shared_data, "en")
    fr = _tune_contribution_f1(shared_data, "fr")
    assert en >= 0.70
    assert fr >= 0.70
    assert abs(fr - en) <= 0.05


# Lectures, warnings and moralising as they sound in low-quality MI sessions (AnnoMI, outside the
# labelled dev set), each with a French counterpart; and what an MI-adherent counsellor says
# about the same subjects, which must stay out.
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Your drinking and your tobacco use are red flags for me and they need to stop immediately.",
            "en",
        ),
        (
            "Vos consommations d'alcool et de tabac, pour moi, ce sont des signaux d'alarme, et ça doit cesser immédiatement.",
            "fr",
        ),
        ("There's really no such thing as not drinking too much when you're underage.", "en"),
        ("Ça n'existe pas, boire raisonnablement, à votre âge.", "fr"),
        ("Tommy, I'm just so concerned, you know, can't you think of anything better to do?", "en"),
        ("Thomas, franchement, vous ne trouvez pas mieux à faire le samedi soir ?", "fr"),
        ("Do you wanna wait for a dramatic experience?", "en"),
        ("Vous voulez attendre qu'il vous arrive quelque chose de grave ?", "fr"),
        ("So a stroke or heart attack is much worse, so pick up your medicine today.", "en"),
        ("Un AVC ou un infarctus, ce serait bien pire, croyez-moi.", "fr"),
        ("No, wait a minute. That has everything to do with what we're talking about.", "en"),
        ("Non, attendez une minute. Ça a tout à voir avec ce dont on parle.", "fr"),
        ("That's definitely more than what we would recommend.", "en"),
        ("C'est nettement au-dessus des seuils recommandés.", "fr"),
        # a warning about the work itself, with "we" as well as "you"
        ("If we don't look at it, nothing's going to change.", "en"),
        ("Si on ne regarde pas ça en face, rien ne va changer.", "fr"),
    ],
)
def test_lecturing_warning_and_moralising_are_confronting(text: str, lang: str) -> None:
    move, evidence = move_type(text, lang)
    assert move is T.CONFRONTING
    assert evidence and evidence[0].words


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "When you've had a few drinks and you get into trouble, how would you like that to be different?",
            "en",
        ),
        (
            "Quand vous avez bu quelques verres et que vous avez des ennuis, qu'est-ce que vous aimeriez qui change ?",
            "fr",
        ),
        ("I hear you're worried about the side effects. What have you heard about them?", "en"),
        ("Vous êtes inquiet pour les effets secondaires. Qu'est-ce que vous en savez ?", "fr"),
    ],
)
def test_exploring_consequences_with_curiosity_is_not_confronting(text: str, lang: str) -> None:
    move, _ = move_type(text, lang)
    assert move is not T.CONFRONTING


# --------------------------------------------------------------------------- clinician's review

_APOLOGIES = [
    ("en", "Sorry, I went too fast."),
    ("fr", "Je suis désolé, j'ai été trop vite."),
]
_PREVENTIVE_META = [
    ("en", "If at any point something I say doesn't sit right with you, I'd like you to tell me."),
    ("en", "Before we start, I want you to know you can tell me if anything I say bothers you."),
    (
        "fr",
        "Si à un moment quelque chose que je dis ne vous convient pas, j'aimerais que vous "
        "me le disiez.",
    ),
    ("fr", "N'hésitez pas à me dire si quelque chose vous dérange dans ma façon de faire."),
]


@pytest.mark.parametrize(("lang", "text"), _APOLOGIES + _PREVENTIVE_META)
def test_an_apology_or_a_preventive_meta_communication_is_not_advice(lang: str, text: str) -> None:
    assert move_type(text, lang)[0] is T.META_COMMUNICATION
    s = session(
        lang,
        ("T", text),
        ("P", "Okay." if lang == "en" else "D'accord."),
    )
    (move,) = label_moves(s, (), mode="fast")
    assert move.contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Je pense que vous évitez le sujet parce que ça vous fait peur."),
        ("en", "I think you're avoiding the subject because it scares you."),
        # a verdict on the patient's pattern
        ("en", "You become your father. The shed is your whisky."),
        ("fr", "Là, vous devenez votre père."),
        ("en", "You're intellectualising again."),
        ("fr", "Vous intellectualisez, là."),
        # what is "really" going on, told to the patient
        ("en", "I think what's happening is that you can't let yourself be sad about your father."),
        ("fr", "Je crois que ce qui se passe, c'est que vous avez pris la place de votre père."),
        ("en", "My guess is you're probably involved in that."),
        ("en", "The stories about Gareth are a way of not looking at the car."),
        ("fr", "Ça vous a blessé bien plus que vous ne voulez le reconnaître."),
        (
            "fr",
            "Quelque chose se rejoue ici : vous vous éloignez de moi avant que je vous déçoive.",
        ),
        ("en", "It isn't really about the dishes at all, it's about feeling unseen."),
        ("fr", "Je crois que ce qui se passe, en fait, c'est que vous vous sentez coupable."),
        # fresh39 (FR, scored blind, then read): three interpretations stated as facts after the
        # patient told a painful memory, read as a topic change and as reflections before
        (
            "fr",
            "Je me demande si ce n'est pas ça, au fond, qui vous réveille. Vous êtes encore ce "
            "jeune homme de vingt-trois ans qui attend que son père le reconnaisse.",
        ),
        (
            "fr",
            "Je crois que c'est important. Ce n'est pas la cote que vous vérifiez, c'est le "
            "jugement de votre père.",
        ),
        (
            "fr",
            "Tout le monde, peut-être. Et je pense que tant que vous n'aurez pas dit à votre père "
            "ce que vous avez vécu, ça continuera de vous réveiller la nuit.",
        ),
        (
            "en",
            "I wonder if that's what wakes you. You're still that twenty-three-year-old waiting for "
            "his father to recognise him.",
        ),
        (
            "en",
            "I think it matters. It's not the figures you're checking, it's your father's "
            "judgement.",
        ),
        (
            "en",
            "Everyone, maybe. And I think until you tell your father what happened, it'll keep "
            "waking you up at night.",
        ),
        # fresh40 (EN) and fresh41 (FR): a hidden cause or feeling lent as the bottom of things
        (
            "en",
            "I wonder if there's guilt underneath it as well. That the insomnia is a kind of "
            "penance.",
        ),
        (
            "fr",
            "Je me demande s'il n'y a pas de la culpabilité là-dessous. Que l'insomnie est une "
            "sorte de pénitence.",
        ),
        (
            "fr",
            "Je vais vous dire ce que je me dis en vous entendant. Je crois qu'au fond, ce qui est "
            "le plus dur pour vous, c'est la honte. Vous avez honte de lui.",
        ),
        # fresh42 (EN): what the patient's way of talking is "for", told as a fact
        (
            "en",
            "I think the figures are doing a job for you. As long as it stays a statistic, you "
            "don't have to feel any of it.",
        ),
        ("en", "I'd say what you've just done with the numbers is the same move again."),
        # fresh43: the withdrawal and the home read as a fact, in both languages
        (
            "en",
            "Honestly, I think part of you pulls back just as we get close to something "
            "important. You're the boy in the front room again.",
        ),
        (
            "fr",
            "Ce que j'entends, moi, c'est qu'il vous humilie devant les autres. Je pense que ça "
            "rejoue quelque chose de très ancien avec votre père.",
        ),
    ],
)
def test_an_interpretation_stated_as_a_fact_is_imposed(lang: str, text: str) -> None:
    assert move_type(text, lang)[0] is T.INTERPRETATION
    s = session(lang, ("P", "Je ne sais pas." if lang == "fr" else "I don't know."), ("T", text))
    (move,) = label_moves(s, (), mode="fast")
    assert move.contribution is Contribution.INTERPRETATION_IMPOSED


def test_the_position_pushed_against_is_quoted_as_just_before_only_when_it_was() -> None:
    """A review found « Juste avant : « Pas terrible. » » on a lecture seven turns later."""
    just_before = session(
        "fr",
        ("T", "Qu'est-ce qui vous amène ?"),
        ("P", "J'ai pas vraiment envie d'arrêter de fumer, c'est pas si grave."),
        ("T", "Vous devriez vraiment arrêter de fumer, c'est dangereux pour votre santé."),
    )
    earlier = session(
        "fr",
        ("T", "Qu'est-ce qui vous amène ?"),
        ("P", "J'ai pas vraiment envie d'arrêter de fumer, c'est pas si grave."),
        ("T", "D'accord. Et à la maison, comment ça se passe ?"),
        ("P", "Ça va, on fait avec, les enfants sont grands maintenant."),
        ("T", "Vous devriez vraiment arrêter de fumer, c'est dangereux pour votre santé."),
    )
    assert any(e.detail.startswith("Juste avant") for e in last_move(just_before).evidence)
    assert not any(e.detail.startswith("Juste avant") for e in last_move(earlier).evidence)


@pytest.mark.parametrize(
    ("lang", "complaint", "answer"),
    [
        (
            "en",
            "A hundred and forty bucks for a session I didn't come to? My kid was sick.",
            "I hear you, but the policy's twenty-four hours. It's in the agreement you signed.",
        ),
        (
            "en",
            "Eight months of this and I don't feel any different.",
            "I understand. Change takes longer than that in this work, though.",
        ),
        (
            "fr",
            "Trois mois qu'on me pose les mêmes questions, je vois pas à quoi ça sert.",
            "Je comprends, mais trois mois pour une dépression comme la vôtre, c'est pas long.",
        ),
        (
            "fr",
            "Donc c'est moi le méchant. Super.",
            "Je dis pas que vous êtes le méchant. Mais il va bien falloir regarder ça en face.",
        ),
        (
            "en",
            "Wow. So you agree with her.",
            "That's not what I said. I said it comes across that way.",
        ),
    ],
)
def test_hearing_a_complaint_out_only_to_argue_back_is_arguing_not_validation(
    lang: str, complaint: str, answer: str
) -> None:
    """« Je comprends, mais… » after a complaint: the review found it counted as a repair."""
    s = session(
        lang,
        ("T", "Comment ça va ?" if lang == "fr" else "How are you?"),
        ("P", complaint),
        ("T", answer),
    )
    move = last_move(s, (marker_at(1, MarkerSubtype.COMPLAINT_PARAMETERS),))
    assert move.contribution is Contribution.CONFRONT_ARGUE
    assert move.repair is RepairStrategy.NONE
    # one reading of the turn: the move is arguing too, with no "validation" left in its evidence,
    # and the quote runs from the turn's start (not "I hear you" alone)
    assert move.move is T.CONFRONTING
    assert (
        answer.startswith(move.evidence[0].words.rstrip("…")) and len(move.evidence[0].words) > 20
    )
    assert not any(e.supports is None and e.source == "cue" for e in move.evidence)


def test_i_hear_you_with_nothing_to_argue_stays_a_validation() -> None:
    s = session(
        "en",
        ("T", "How are you?"),
        ("P", "A hundred and forty bucks for a session I didn't come to? My kid was sick."),
        ("T", "I hear you. Paying for a morning you spent in the emergency room feels unfair."),
    )
    move = last_move(s, (marker_at(1, MarkerSubtype.COMPLAINT_PARAMETERS),))
    assert move.contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("lang", "yes", "answer"),
    [
        (
            "en",
            "Yeah, no, you're right. Totally. I'll look into it.",
            "Great. So, maybe we could pick up what came up last week with your sister?",
        ),
        (
            "fr",
            "Bien sûr. Oui, oui. Pas de souci.",
            "Bien. Alors on reprend l'exercice de la dernière fois, sur les valeurs ?",
        ),
    ],
)
def test_a_compliant_yes_taken_at_face_value_and_left_behind_ignores_the_concern(
    lang: str, yes: str, answer: str
) -> None:
    s = session(
        lang,
        ("T", "Vous pourriez essayer ça." if lang == "fr" else "You could try that."),
        ("P", yes),
        ("T", answer),
    )
    appeasing = (marker_at(1, MarkerSubtype.DEFERENTIAL_APPEASING, 2),)
    assert last_move(s, appeasing).contribution is Contribution.IGNORES_CONCERN
    assert last_move(s).contribution is Contribution.NONE


def test_an_interpretation_of_the_patients_objection_is_imposed_even_offered_tentatively() -> None:
    s = session(
        "en",
        ("T", "I wonder if this goes back to your dad."),
        ("P", "No. I don't think that's it. My dad's got nothing to do with work."),
        ("T", "Perhaps that has to do with how hard it is to look at him."),
    )
    rejected = (marker_at(1, MarkerSubtype.REJECTS_INTERVENTION),)
    assert last_move(s, rejected).contribution is Contribution.INTERPRETATION_IMPOSED
    assert label_moves(s, (), mode="fast")[0].contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("lang", "ask", "yes"),
    [
        (
            "fr",
            "Et la prochaine fois, est-ce qu'on pourrait parler du contrôle ? J'ai peur de pleurer.",
            "Oui, on le met en premier la prochaine fois.",
        ),
        ("en", "Can we not do food today?", "Sure. What would you like to start with?"),
        # the yes the plans read (``agrees_next_time``), to a plan the plans read (``asks_next_time``)
        (
            "fr",
            "Et j'aimerais bien qu'on en reparle la prochaine fois, de comment je lui dis.",
            "On le met en premier la prochaine fois, d'accord. Il nous reste quelques minutes.",
        ),
        (
            "en",
            "I'd like us to look at what I'd say to her next time.",
            "That sounds like a plan. We've got a few minutes left.",
        ),
    ],
)
def test_saying_yes_to_what_the_patient_asked_to_talk_about_is_no_fault(
    lang: str, ask: str, yes: str
) -> None:
    """A review found « Oui, on le met en premier » called a move past the patient's concern."""
    s = session(lang, ("T", "Voilà." if lang == "fr" else "There."), ("P", ask), ("T", yes))
    marked = last_move(s, (marker_at(1, MarkerSubtype.GIVING_UP, 2),))
    assert marked.contribution is Contribution.NONE
    assert last_move(s).contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fr",
            "Je me demande si tout à l'heure, quand je vous ai parlé de culpabilité, c'était un "
            "peu ça aussi : un regard de plus posé sur vous, le mien.",
        ),
        (
            "en",
            "I wonder if earlier, when I warned you about Sunday, it felt like one more lecture.",
        ),
    ],
)
def test_coming_back_with_curiosity_on_ones_own_words_is_meta_communication(
    lang: str, text: str
) -> None:
    """A review found this turn called "moves on past a concern" (0.95)."""
    assert move_type(text, lang)[0] is T.META_COMMUNICATION


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "[silence 3s] Can I stop us for a moment? I think I've just been rather like a "
            'headteacher myself: rules, "this has to stop", the research says. I wonder how the '
            "last few minutes felt from your side.",
        ),
        ("en", "I wonder how what I just said landed."),
        (
            "fr",
            "Je crois que je viens de faire un peu le prof moi-même : des règles, « il faut que "
            "ça cesse ». Je me demande comment vous avez vécu ces dernières minutes.",
        ),
        ("fr", "J'ai l'impression que j'ai été un peu directif, là."),
        (
            "en",
            "Can I pause us for a moment? I've just realised I've been doing most of the talking "
            "today. And I notice that each time we get close to the meeting, we end up somewhere "
            "else. I'm wondering if I've been rushing you. What's it been like for you, today?",
        ),
        ("fr", "Je me demande si je ne vous ai pas bousculée, tout à l'heure, avec la pesée."),
    ],
)
def test_owning_ones_stance_or_asking_how_the_last_minutes_felt_is_meta_communication(
    lang: str, text: str
) -> None:
    """A never-seen session's textbook repair was called arguing: the therapist quotes his own
    lecture, and neither shape was read."""
    assert move_type(text, lang)[0] is T.META_COMMUNICATION


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I think you have been rather like your father with her."),
        ("fr", "Je pense que vous avez été un peu comme votre père avec elle."),
        ("en", "I wonder how the weekend felt."),
    ],
)
def test_the_patients_stance_or_a_weekend_is_not_meta_communication(lang: str, text: str) -> None:
    assert move_type(text, lang)[0] is not T.META_COMMUNICATION


@pytest.mark.parametrize(
    ("lang", "said", "answer"),
    [
        (
            "en",
            "I drove past the school once and didn't look at the photo.",
            "Ruth, that's a big deal.",
        ),
        (
            "fr",
            "Je me retiens de pleurer devant les enfants. J'attends qu'ils soient couchés.",
            "Prenez votre temps. C'est pas rien, ce que vous me racontez.",
        ),
        (
            "fr",
            "Tom me demande si je vais mourir aussi.",
            "Et quand Tom vous demande si vous allez mourir aussi, ça vous fait quoi ?",
        ),
    ],
)
def test_weighing_what_the_patient_told_is_no_warning(lang: str, said: str, answer: str) -> None:
    """A blind review found these called "argues, warns" in sessions without a rupture."""
    s = session(
        lang, ("T", "Et alors ?" if lang == "fr" else "And then?"), ("P", said), ("T", answer)
    )
    assert last_move(s).contribution is Contribution.NONE


def test_disputing_the_patients_minimising_is_still_arguing() -> None:
    s = session(
        "en",
        ("T", "How much are you drinking these days?"),
        ("P", "A bottle a night, maybe. It's not a big deal, everyone does it."),
        ("T", "Well, a bottle a night, that's a big deal."),
    )
    assert last_move(s).contribution is Contribution.CONFRONT_ARGUE


@pytest.mark.parametrize(
    ("lang", "marker_words", "repair_words"),
    [
        (
            "fr",
            "C'est bon, c'est rien. On peut passer aux carnets.",
            "On peut, oui. Mais avant, je voudrais vous dire un truc. Vous m'avez dit que la pesée "
            "vous pourrissait la journée, et moi je vous ai répondu avec le programme. Je crois "
            "que je ne vous ai pas écoutée, à ce moment-là. Ça, c'est de mon côté.",
        ),
        (
            "en",
            "It's fine. Whatever.",
            "I jumped straight to 'that's brilliant'. I don't think I listened to you. I ran "
            "ahead of you.",
        ),
    ],
)
def test_owning_not_having_listened_is_a_repair_not_a_move_past_the_concern(
    lang: str, marker_words: str, repair_words: str
) -> None:
    """A blind review found « Je crois que je ne vous ai pas écoutée… Ça, c'est de mon côté »
    called « préoccupation laissée de côté » (0.95) on the strength of « On peut, oui »."""
    opening = ("Comment ça va ?", "How are you?")
    move = answer_to_marker(lang, marker_words, repair_words, MarkerSubtype.DENIAL, opening)
    assert move.contribution is Contribution.NONE
    assert move.repair is RepairStrategy.ACKNOWLEDGE_CONTRIBUTION


@pytest.mark.parametrize(
    ("lang", "marker_words", "repair_words"),
    [
        (
            "fr",
            "Je la lâche pas, moi. Je fais ce qu'il faut, c'est tout.",
            "Ce que j'aurais voulu dire, et je l'ai mal dit, c'est que vous avez le droit de "
            "souffler aussi. Pas que vous devriez la laisser tomber.",
        ),
        (
            "fr",
            "Bon. Si vous le dites.",
            "Je me suis mal exprimée tout à l'heure. Je ne dis pas que vous devriez arrêter "
            "de l'aider.",
        ),
        (
            "en",
            "I'm not letting go of her. I do what needs doing.",
            "What I wanted to get across, and I said it badly, is that you're allowed to rest "
            "too. Not that you should give up on her.",
        ),
        (
            "en",
            "Okay. If you say so.",
            "That came out wrong earlier. I'm not saying you should stop helping him.",
        ),
    ],
)
def test_clarifying_ones_clumsy_words_is_a_repair_not_advice(
    lang: str, marker_words: str, repair_words: str
) -> None:
    """A never-seen session's clarification (« ce que j'aurais voulu dire, et je l'ai mal dit…
    pas que vous devriez… ») was read as advice passing the patient's concern by: « vous
    devriez » there is negated and reported, not a recommendation."""
    s = session(
        lang,
        ("T", "Et pour votre mère ?" if lang == "fr" else "And your mother?"),
        ("P", marker_words),
        ("T", repair_words),
    )
    move = last_move(s, (marker_at(1, MarkerSubtype.DEFENDS_SELF),))
    assert move.contribution is Contribution.NONE
    assert move.repair is RepairStrategy.CLARIFY_MISUNDERSTANDING


@pytest.mark.parametrize(
    ("lang", "words", "repair"),
    [
        (
            "en",
            "We don't have to go there today. It can wait until you want to, if you ever do.",
            RepairStrategy.DEFER,
        ),
        ("fr", "Ça peut attendre. On y viendra si vous le souhaitez.", RepairStrategy.DEFER),
        (
            "fr",
            "Si ça vous a agacée, ou si vous vous êtes sentie jugée, j'aimerais autant le savoir. "
            "Vous ne me vexerez pas.",
            RepairStrategy.INVITE_DISCUSSION,
        ),
        (
            "en",
            "If that annoyed you, or felt like being marked, I'd rather know. You won't offend me.",
            RepairStrategy.INVITE_DISCUSSION,
        ),
        (
            "fr",
            "Comme au travail. La fiche est devenue un deuxième patron, qui compte ce qui manque.",
            RepairStrategy.LINK_PATTERN,
        ),
    ],
)
def test_deferring_inviting_the_annoyance_and_linking_are_repairs(
    lang: str, words: str, repair: RepairStrategy
) -> None:
    """A blind review found these called a move past the patient's concern."""
    s = session(
        lang,
        ("T", "Et votre père ?" if lang == "fr" else "And your dad?"),
        ("P", "Bof. C'est du passé." if lang == "fr" else "Okay. [silence 6s] It's fine."),
        ("T", words),
    )
    move = last_move(s, (marker_at(1, MarkerSubtype.DENIAL),))
    assert move.contribution is Contribution.NONE
    assert move.repair is repair


@pytest.mark.parametrize(
    ("lang", "words", "imposed"),
    [
        ("en", "You're really angry with him.", False),
        ("en", "You're actually angry with her, I think.", True),
        (
            "en",
            "I think it matters a lot more than you're letting it. You brush off whatever hurts.",
            True,
        ),
        ("fr", "Je crois que c'est lui qu'on entend là, au fond, cette voix qui dit non.", True),
        ("fr", "Vous balayez tout ce qui fait mal.", True),
    ],
)
def test_a_verdict_on_how_the_patient_handles_feelings_is_an_interpretation_a_plain_reflection_is_not(
    lang: str, words: str, imposed: bool
) -> None:
    s = session(
        lang,
        ("T", "Et ensuite ?" if lang == "fr" else "And then?"),
        ("P", "Il a rien dit. Comme d'habitude." if lang == "fr" else "He said nothing, as usual."),
        ("T", words),
    )
    move = last_move(s)
    assert (move.move is T.INTERPRETATION) is imposed, move


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a lecture pressed home (blind reviews found these read as reflections, then validation)
        ("Mm. I do have to say, though, stopping at twenty seconds is not the exercise.", "en"),
        ("Can I be honest with you? Avoidance is the thing that keeps the anxiety going.", "en"),
        ("That's the thing, though. That's exactly what the breathing is for.", "en"),
        ("And yet here we are, three weeks later.", "en"),
        ("C'est pourtant la fiche qui vous a permis de voir le lien avec le sommeil.", "fr"),
        ("Vous voyez bien que c'est exactement ce qui vous met en difficulté.", "fr"),
        ("La fiche, c'est pas une option dans ce programme.", "fr"),
        ("Si les exercices ne sont pas faits, honnêtement, on va tourner en rond.", "fr"),
        ("Je vais redire pourquoi c'est important : l'évitement entretient la peur.", "fr"),
        # a push asked as a question after a no
        ("So what would get in the way of trying the walk anyway?", "en"),
        ("Qu'est-ce qui vous empêcherait de l'appeler ce soir quand même ?", "fr"),
        # the method vouched for against the patient's no (a review found it called « explique
        # la démarche » by the repair head)
        ("Je vous assure que l'exposition progressive, ça marche.", "fr"),
        ("Trust me, exposure works.", "en"),
    ],
)
def test_a_lecture_pressed_home_is_confronting(text: str, lang: str) -> None:
    assert move_type(text, lang)[0] is T.CONFRONTING


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Right now you're doing with me what you've described doing with your father.", "en"),
        ("I think the arguing with your father was the same thing: a way of being close.", "en"),
        ("It's no coincidence that you forgot the session the week of his birthday.", "en"),
        ("Ce qui m'intéresse, c'est que vous ayez besoin de le justifier aussi longuement.", "fr"),
        ("Je me demande si vous ne rejouez pas au bureau quelque chose qui vient de loin.", "fr"),
        ("Ce n'est pas un hasard si vous avez oublié la séance cette semaine-là.", "fr"),
        # a function lent to the symptom, even as a question (a never-seen session's « je me
        # demande si… » was read as information, then called « explique la démarche »)
        (
            "Je me demande si cet espoir de tout retrouver ne vous sert pas aussi à ne pas faire "
            "le deuil de votre métier.",
            "fr",
        ),
        ("I wonder if the hope isn't also a way of not grieving the job.", "en"),
        ("Maybe staying this busy keeps you from having to feel it.", "en"),
        # the grief read as "really about" an older loss, pressed with a tag question (a never-seen
        # session's therapist turn was read as validation)
        ("Losing her is reopening that first loss. That's what the grief is really about.", "en"),
        ("It would make sense, wouldn't it? You were nine, and nobody helped you grieve.", "en"),
        ("Je me demande si c'est vraiment de Mali qu'il s'agit. Sa mort rouvre cette perte.", "fr"),
        ("Ça se tiendrait, non ? Vous aviez neuf ans.", "fr"),
    ],
)
def test_a_pattern_pressed_on_the_patient_is_an_interpretation(text: str, lang: str) -> None:
    assert move_type(text, lang)[0] is T.INTERPRETATION


@pytest.mark.parametrize(
    ("lang", "said", "answer"),
    [
        ("en", "I don't know. I guess.", "Okay. And the diary, how did that go?"),
        ("en", "Whatever. It's fine.", "Great. So let's set it up again. When's the next one?"),
        ("fr", "Je sais pas. Bof.", "Bon. Regardons le tableau du premier jour, alors."),
        ("fr", "Vous avez déjà vu ça, vous ? Non.", "D'accord. Revenons au sommeil, alors."),
        # the question to the therapist brushed off (fresh58)
        (
            "en",
            "Have you got kids yourself?",
            "We're here to focus on you, Gary. Eyes closed again, and just notice the stream.",
        ),
        ("fr", "Vous avez des enfants, vous ?", "On est là pour parler de vous. On reprend."),
    ],
)
def test_turning_to_the_next_item_right_after_a_marker_passes_it_by(
    lang: str, said: str, answer: str
) -> None:
    s = session(
        lang,
        ("T", "Et cette semaine ?" if lang == "fr" else "And this week?"),
        ("P", said),
        ("T", answer),
    )
    marked = (marker_at(1, MarkerSubtype.MINIMAL_RESPONSE),)
    assert last_move(s, marked).contribution is Contribution.IGNORES_CONCERN
    # the same turn in a calm exchange is the agenda, not a fault
    assert last_move(s).contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("lang", "answer"),
    [
        ("en", "Okay. And the diary, how did that feel for you?"),
        ("en", "Let's go back to the diary, does that work for you?"),
        ("fr", "On reprend la fiche, ça vous va ?"),
    ],
)
def test_turning_to_the_task_while_asking_what_was_lived_or_whether_it_suits_is_no_fault(
    lang: str, answer: str
) -> None:
    s = session(
        lang,
        ("T", "Et cette semaine ?" if lang == "fr" else "And this week?"),
        ("P", "Bof." if lang == "fr" else "Meh."),
        ("T", answer),
    )
    marked = (marker_at(1, MarkerSubtype.MINIMAL_RESPONSE),)
    assert last_move(s, marked).contribution is not Contribution.IGNORES_CONCERN


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # owning one's stance is meta-communication, though it reports "what you ought to do"
        (
            "Dennis, can I stop us for a moment? I've just noticed I've been doing a lot of the "
            "talking, telling you what you ought to do. I wonder whether I've steamrollered you.",
            "en",
            T.META_COMMUNICATION,
        ),
        # a reassurance is no warning
        (
            "The idea is to make the out-breath longer, which tells your body it's not in danger.",
            "en",
            T.INFORMATION,
        ),
        (
            "I'm going to be straight with you: when we're low, we wait to feel like it.",
            "en",
            T.CONFRONTING,
        ),
        (
            "I am listening. I'm just saying that the things we push away matter.",
            "en",
            T.CONFRONTING,
        ),
        (
            "I understand. The policy is that it's charged, it's in the agreement you signed.",
            "en",
            T.CONFRONTING,
        ),
        ("Je comprends. C'est dans le contrat que vous avez signé au début.", "fr", T.CONFRONTING),
        (
            "And I notice that whenever we get close to your mom, you move to everybody else.",
            "en",
            T.INTERPRETATION,
        ),
        (
            "Vous voyez, là, vous passez au général. Dès qu'on touche à vous, vous parlez des autres.",
            "fr",
            T.INTERPRETATION,
        ),
        (
            "Mais ce qui m'interroge, c'est que ce soit toujours vous qui restiez après l'heure.",
            "fr",
            T.INTERPRETATION,
        ),
    ],
)
def test_what_a_blind_set_showed_misread(text: str, lang: str, expected: T) -> None:
    assert move_type(text, lang)[0] is expected


@pytest.mark.parametrize(
    ("lang", "answer"),
    [
        ("fr", "Revenons à samedi, alors, mais cette fois c'est vous qui décidez."),
        ("en", "Let's go back to Saturday, then, but this time you decide."),
    ],
)
def test_coming_back_to_the_task_with_the_patient_in_charge_does_not_pass_them_by(
    lang: str, answer: str
) -> None:
    s = session(
        lang,
        ("T", "Et samedi ?" if lang == "fr" else "And Saturday?"),
        ("P", "Bof." if lang == "fr" else "Meh."),
        ("T", answer),
    )
    marked = (marker_at(1, MarkerSubtype.MINIMAL_RESPONSE),)
    assert last_move(s, marked).contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("language", "lines", "expected"),
    [
        (
            "fr",
            [
                "T: Vous m'avez dit que c'était Gérard qui décidait de tout.",
                "P: Oui.",
                "T: Je me demande quelque chose. Je pense qu'une part de vous est soulagée de "
                "tenir enfin la barre seule.",
                "P: [silence 7s] Je sais pas.",
                "T: Il y avait bien un peu de fierté, non ?",
                "P: Fallait bien le ramener.",
            ],
            {2: Contribution.INTERPRETATION_IMPOSED, 4: Contribution.INTERPRETATION_IMPOSED},
        ),
        (
            "en",
            [
                "T: You told me Gerard decided everything.",
                "P: Yes.",
                "T: I wonder about something. I think part of you is relieved to finally hold "
                "the helm alone.",
                "P: [silence 7s] I don't know.",
                "T: There was a bit of pride in there, wasn't there?",
                "P: Had to bring it back.",
            ],
            {2: Contribution.INTERPRETATION_IMPOSED, 4: Contribution.INTERPRETATION_IMPOSED},
        ),
    ],
)
def test_an_interpretation_stated_as_fact_after_a_wondering_is_imposed(
    language: str, lines: list[str], expected: dict[int, Contribution]
) -> None:
    """A never-seen session: « Je me demande quelque chose. » opened a turn whose next sentence
    stated a feeling as the cause; the whole turn was read as tentative (and as information),
    and the report said none of the therapist's moves stood out before the withdrawal. A
    leading tag (« non ? », "wasn't there?") presses; it offers nothing."""
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language=language)
    moves = {m.turn: m.contribution for m in label_moves(transcript, (), mode="fast")}
    assert {t: moves[t] for t in expected} == expected
    # the same reading offered as a question stays an offer
    offered = [
        *lines[:2],
        lines[2]
        .replace("Je pense qu'une", "Est-ce qu'une")
        .replace("I think part", "Could it be that part")
        .replace("seule.", "seule ?")
        .replace("alone.", "alone?"),
    ]
    (transcript,) = parse("\n".join(offered) + "\n", fmt="text", language=language)
    moves = {m.turn: m.contribution for m in label_moves(transcript, (), mode="fast")}
    assert moves[2] is not Contribution.INTERPRETATION_IMPOSED


def test_a_volley_of_closed_questions_in_one_turn_is_closed_interrogation() -> None:
    """fresh27, scored blind: three closed questions fired in one turn after two minimal
    answers; the patient changes the subject."""
    s = session(
        "en",
        ("T", "What do you make of it?"),
        ("P", "I don't know."),
        (
            "T",
            "Did she ever ask you if you wanted to keep going? Did you ever tell her you wanted "
            "to stop? Did you feel you could?",
        ),
        ("P", "She did her best. Oh, I meant to tell you, they want forty costumes for the show."),
    )
    shift = Marker(3, MarkerSubtype.TOPIC_SHIFT.kind, MarkerSubtype.TOPIC_SHIFT, 3, 0.8)
    moves = label_moves(s, (shift,), mode="fast")
    assert moves[1].contribution is Contribution.CLOSED_INTERROGATION
    # one closed question is no interrogation
    single = session(
        "en",
        ("T", "What do you make of it?"),
        ("P", "I don't know."),
        ("T", "Did she ever ask you if you wanted to keep going?"),
        ("P", "She did her best. Oh, I meant to tell you, they want forty costumes for the show."),
    )
    assert label_moves(single, (shift,), mode="fast")[1].contribution is Contribution.NONE


def test_a_volley_whose_openings_say_neither_counts_each_question() -> None:
    """fresh28, scored blind: « Ça marche, vraiment ? Il sait que… ? Il vous a déjà fait une
    remarque ? Vous êtes en CDI ? » — four closed questions, none opening on « est-ce que »; the
    evidence counts the questions, not the turns."""
    s = session(
        "fr",
        ("T", "Qu'est-ce que vous craignez qu'il fasse ?"),
        ("P", "Rien. Ça marche très bien comme ça."),
        (
            "T",
            "Ça marche, vraiment ? Il sait que vous avez eu le Covid ? Il vous a déjà fait une "
            "remarque ? Vous êtes en CDI ?",
        ),
        ("P", "Vous avez sans doute raison. Je vais lui dire, voilà."),
    )
    appeasing = marker_at(3, MarkerSubtype.DEFERENTIAL_APPEASING)
    move = label_moves(s, (appeasing,), mode="fast")[1]
    assert move.contribution is Contribution.CLOSED_INTERROGATION
    assert "4 questions fermées" in move.evidence[0].detail


@pytest.mark.parametrize(
    ("lang", "advice"),
    [
        ("en", "You could try writing it down each evening before bed."),
        ("fr", "Vous pourriez essayer de le noter chaque soir avant de dormir."),
    ],
)
def test_advice_nobody_asked_for_is_a_contribution_only_near_a_marker(
    lang: str, advice: str
) -> None:
    """Out of every labelled session's unsolicited advice with no client marker around it, the
    coders coded 16 of 95 as a contribution: the move stays advice, the label needs a rupture."""
    calm = "Oui, j'y ai pensé." if lang == "fr" else "Yes, I've thought about that."
    s = session(
        lang,
        ("T", "Et le sommeil ?" if lang == "fr" else "And your sleep?"),
        ("P", "Je dors mal depuis un mois." if lang == "fr" else "I've slept badly for a month."),
        ("T", advice),
        ("P", calm),
    )
    (move,) = [m for m in label_moves(s, (), mode="fast") if m.turn == 2]
    assert move.move is T.ADVICE_WITHOUT_PERMISSION
    assert move.contribution is Contribution.NONE
    after = (marker_at(3, MarkerSubtype.REJECTS_INTERVENTION),)
    (move,) = [m for m in label_moves(s, after, mode="fast") if m.turn == 2]
    assert move.contribution is Contribution.ADVICE_UNSOLICITED


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # arguing back, and the argument by analogy pressed with a tag (fresh28, fresh29)
        (
            "Je ne dis pas que ce serait facile. Je dis simplement que ça a un coût aussi.",
            "fr",
            T.CONFRONTING,
        ),
        (
            "I'm not saying it will be easy. I'm just saying the secret has a cost too.",
            "en",
            T.CONFRONTING,
        ),
        (
            "You'd tell a piano pupil to practise their scales even if they hated them, wouldn't you?",
            "en",
            T.CONFRONTING,
        ),
        # a hidden motive given as the cause
        (
            "Je crois que vous cachez ça au chef parce qu'au fond vous êtes convaincue qu'on ne "
            "vous garde que si vous êtes parfaite.",
            "fr",
            T.INTERPRETATION,
        ),
        (
            "I think you hide it from him because deep down you're convinced nobody keeps you unless you're perfect.",
            "en",
            T.INTERPRETATION,
        ),
        # stopping to look at the exchange, and asking to be told, are not questions or advice
        (
            "Can I pause us for a moment? I've noticed you went quiet when I said that.",
            "en",
            T.META_COMMUNICATION,
        ),
        # neutral: "do you know how…" and « vous savez que… » are no lecture
        ("Do you know how you're supposed to take this medication?", "en", T.CLOSED_QUESTION),
        # fresh52: the choice left in so many words is no unsolicited advice
        (
            "Not me telling you what to say, but thinking together about what something other "
            "than laughing might sound like, and you can try it or not.",
            "en",
            T.ADVICE_WITH_PERMISSION,
        ),
        (
            "On peut y réfléchir ensemble, et vous pouvez l'essayer ou pas.",
            "fr",
            T.ADVICE_WITH_PERMISSION,
        ),
        # fresh56: neutrality defended against the reproach of siding
        (
            "Je ne suis du côté de personne, c'est justement le principe de ce travail : regarder "
            "la place de chacun.",
            "fr",
            T.CONFRONTING,
        ),
        ("I'm on nobody's side. That's the whole point of this work.", "en", T.CONFRONTING),
    ],
)
def test_what_fresh28_and_fresh29_showed(text: str, lang: str, expected: T) -> None:
    assert move_type(text, lang)[0] is expected


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "And if I get ahead of you again, I'd like you to tell me."),
        ("fr", "Et si je repars trop vite, j'aimerais que vous me le disiez."),
        ("fr", "Vous savez que vous pouvez m'appeler si besoin."),
    ],
)
def test_asking_to_be_told_or_a_plain_you_know_is_neither_advice_nor_a_lecture(
    lang: str, text: str
) -> None:
    assert move_type(text, lang)[0] not in (T.ADVICE_WITHOUT_PERMISSION, T.CONFRONTING)


@pytest.mark.parametrize(
    ("lang", "said", "answer"),
    [
        (
            "fr",
            "Je sais pas. Il a gelé cette nuit, hein.",
            "Oui, il fait froid. Mais restons sur le chef. Qu'est-ce que vous craignez ?",
        ),
        (
            "en",
            "Oh, speaking of flatmates, Chloe made biryani on Sunday.",
            "That's very sweet of her but coming back to the library, what happened?",
        ),
    ],
)
def test_bringing_the_subject_back_past_a_topic_shift_passes_it_by(
    lang: str, said: str, answer: str
) -> None:
    opening = ("Et le chef ?", "And the library?")
    move = answer_to_marker(lang, said, answer, MarkerSubtype.TOPIC_SHIFT, opening)
    assert move.contribution is Contribution.IGNORES_CONCERN


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # the trigger of a withdrawal, a motive lent (fresh30, read after scoring)
        (
            "Moi, ce que j'entends, c'est que vous vous sentez abandonnée par elle, et que ne rien "
            "lui dire, c'est une façon de la punir un peu.",
            "fr",
            T.INTERPRETATION,
        ),
        ("Not telling her is a way of punishing her a little.", "en", T.INTERPRETATION),
        # defending one's intention, and the patient's past words set against them
        (
            "I'm not making decisions about you, Graham. I'm trying to give you something "
            "practical. Last week you said you wanted tools.",
            "en",
            T.CONFRONTING,
        ),
        (
            "Pourtant, la dernière fois, quand vous parliez des appels du dimanche, vous aviez "
            "l'air triste.",
            "fr",
            T.CONFRONTING,
        ),
        # stopping to look at what is happening, and the debrief before the end
        (
            "Quatorze nuances de jaune... Est-ce que je peux vous arrêter un instant ? Vous me "
            "répondez plus court.",
            "fr",
            T.META_COMMUNICATION,
        ),
        (
            "Can I ask what it was like for you, those last few minutes, when I started on the "
            "phone and the sheet?",
            "en",
            T.META_COMMUNICATION,
        ),
        (
            "Before we stop, can I check something with you? Earlier you told me straight out "
            "that I wasn't listening.",
            "en",
            T.META_COMMUNICATION,
        ),
        # a question that hands the word back is no interpretation
        ("Donc ce n'est pas de la colère. C'est quoi, plutôt ?", "fr", T.OPEN_QUESTION),
    ],
)
def test_what_fresh30_showed(text: str, lang: str, expected: T) -> None:
    assert move_type(text, lang)[0] is expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ça ne me paraît pas bête. C'est une façon de le garder près de vous.", "fr"),
        ("Lots of people keep talking to them. It's a way of keeping the bond.", "en"),
        ("Last week you said you wanted to talk about your sister. Shall we start there?", "en"),
    ],
)
def test_a_reassuring_function_or_the_patients_own_agenda_is_no_fault(text: str, lang: str) -> None:
    assert move_type(text, lang)[0] not in (T.INTERPRETATION, T.CONFRONTING)


@pytest.mark.parametrize(
    ("lang", "objection", "answer"),
    [
        # fresh31 (read after scoring): the verdict held against the objection, in a turn whose
        # opening validates, was called a repair
        (
            "fr",
            "Pardon ? Vous êtes en train de me dire de lâcher mon métier ?",
            "Je vous dis que ce n'est pas raisonnable de continuer comme ça. Vous vous exposez "
            "tous les jours à ce qui vous a blessé. À un moment, il faut être réaliste.",
        ),
        (
            "fr",
            "Vous savez combien on est, de thanatos, dans le département ? Sept.",
            "Je ne prétends pas connaître votre métier. Mais je vois bien les effets qu'il a sur "
            "vous, et je ne peux pas faire comme si je ne les voyais pas.",
        ),
        (
            "en",
            "Sorry? You're telling me to give up flying?",
            "I'm not claiming to know your job. But I can see what it's doing to you, and I "
            "can't pretend I don't see it.",
        ),
        (
            "en",
            "Sorry? You're telling me to give up flying?",
            "It's not sustainable to keep going like this. At some point you have to be realistic.",
        ),
    ],
)
def test_a_verdict_held_against_the_objection_argues_and_repairs_nothing(
    lang: str, objection: str, answer: str
) -> None:
    opening = ("Et au travail ?", "And at work?")
    move = answer_to_marker(lang, objection, answer, MarkerSubtype.COMPLAINT_THERAPIST, opening)
    assert move.contribution is Contribution.CONFRONT_ARGUE
    assert move.repair is RepairStrategy.NONE


@pytest.mark.parametrize(
    ("lang", "said", "answer"),
    [
        # fresh31: holding one's own thread past the topic shift, whatever the question after it
        (
            "en",
            "Dunno. Not really his thing. Anyway. The envelope's back from repair, by the way.",
            "Let's stay with your dad for a moment, because I think it's important. When he said "
            "that, how old did you feel?",
        ),
        (
            "fr",
            "Je sais pas. Bref. L'enveloppe est revenue de réparation, au fait.",
            "Restons sur votre père un instant, parce que je pense que c'est important. Quand il a "
            "dit ça, vous vous êtes senti comment ?",
        ),
    ],
)
def test_holding_ones_own_thread_past_a_topic_shift_passes_it_by(
    lang: str, said: str, answer: str
) -> None:
    opening = ("Et votre père ?", "And your dad?")
    move = answer_to_marker(lang, said, answer, MarkerSubtype.TOPIC_SHIFT, opening)
    assert move.contribution is Contribution.IGNORES_CONCERN


@pytest.mark.parametrize(
    ("lang", "answer", "expected"),
    [
        # fresh31: leaving the subject for the patient to bring back is deferring it
        (
            "en",
            "Yes, we can absolutely leave it. It'll keep, and you decide when.",
            RepairStrategy.DEFER,
        ),
        (
            "fr",
            "Oui, on peut tout à fait laisser ça de côté. C'est vous qui direz quand.",
            RepairStrategy.DEFER,
        ),
        # fresh32: owning the run of questions, after a stop
        (
            "en",
            "Can I stop us for a moment, though? I've just been firing questions at you about "
            "the yard, one after another.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "fr",
            "Est-ce que je peux nous arrêter un instant ? Je viens de vous poser question sur "
            "question à propos du chantier.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
    ],
)
def test_what_fresh31_and_fresh32_said_in_repair(
    lang: str, answer: str, expected: RepairStrategy
) -> None:
    said = "Bon. Rien." if lang == "fr" else "Nothing. It's fine."
    opening = ("Et votre père ?", "And your dad?")
    assert answer_to_marker(lang, said, answer, MarkerSubtype.DENIAL, opening).repair is expected


def test_asking_what_it_was_like_when_i_kept_on_is_meta_communication() -> None:
    text = "But I'd still like to know what it was like for you when I kept on about going down to the yard."
    assert move_type(text, "en")[0] is T.META_COMMUNICATION


@pytest.mark.parametrize(
    ("lang", "answer", "expected"),
    [
        # fresh33 (read after scoring): owning one's part, clearing up, changing the task, the link
        (
            "fr",
            "Comme un suspect. Et c'est moi qui vous ai remis dans ce bureau, avec mes questions "
            "en rafale. Je le regrette.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "fr",
            "Je m'arrête un instant. Vos réponses sont plus courtes. Et je crois que j'y suis pour "
            "quelque chose.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "fr",
            "Je n'ai rien tranché. Je ne sais pas ce qui s'est passé avec cet ancrage.",
            RepairStrategy.CLARIFY_MISUNDERSTANDING,
        ),
        (
            "en",
            "That's a fair question. Can I ask you something different? In the chamber, what kept "
            "you steady?",
            RepairStrategy.CHANGE_TASK,
        ),
        (
            "en",
            "That's fair. And it sounds like in here you got the same thing you got from the "
            "company.",
            RepairStrategy.LINK_PATTERN,
        ),
    ],
)
def test_what_fresh33_said_in_repair(lang: str, answer: str, expected: RepairStrategy) -> None:
    said = "Bon. Rien." if lang == "fr" else "Like talking to the superintendent."
    marker = MarkerSubtype.DENIAL if lang == "fr" else MarkerSubtype.COMPLAINT_THERAPIST
    opening = ("Et l'ancrage ?", "And the diary?")
    assert answer_to_marker(lang, said, answer, marker, opening).repair is expected


@pytest.mark.parametrize(
    ("lang", "said", "answer"),
    [
        # fresh33: the diary sheet taken out right after "it's worksheets and diaries", and the
        # subject held against the patient's turn to the rain
        (
            "en",
            "Six sessions now, and it's worksheets and breathing and diaries, and I'm not sleeping.",
            "Let's have a look at the diary sheet together, then. If we start with last night?",
        ),
        (
            "fr",
            "Oui. Il pleut encore. Ma sœur disait qu'ils annoncent de la pluie toute la semaine.",
            "On parlera de la pluie tout à l'heure. Là, c'est important de rester sur l'ancrage.",
        ),
    ],
)
def test_the_next_item_or_ones_own_subject_right_after_a_marker_passes_it_by(
    lang: str, said: str, answer: str
) -> None:
    marker = MarkerSubtype.TOPIC_SHIFT if lang == "fr" else MarkerSubtype.COMPLAINT_PROGRESS
    opening = ("Et l'ancrage ?", "And the diary?")
    move = answer_to_marker(lang, said, answer, marker, opening)
    assert move.contribution is Contribution.IGNORES_CONCERN


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Et si je vais trop vite, comme tout à l'heure, vous me le dites, même d'un mot ?"),
        ("en", "And if I'm pushing too hard, will you tell me?"),
    ],
)
def test_asking_to_be_told_if_one_goes_too_fast_owns_nothing(lang: str, text: str) -> None:
    said = "Non, c'est rien." if lang == "fr" else "It's nothing."
    move = answer_to_marker(lang, said, text, MarkerSubtype.DENIAL, ("Bon.", "Right."))
    assert move.repair is not RepairStrategy.ACKNOWLEDGE_CONTRIBUTION


FRAME_COMPLAINT = (
    "Ah, alors c'est ça. Vous êtes là pour faire votre rapport au médecin. Vous cochez vos cases.",
    "Oh, so that's it. You're here to write your report for the doctor. Ticking your boxes.",
)


@pytest.mark.parametrize(
    ("lang", "answer", "strategy"),
    [
        (
            "fr",
            "Et je veux être clair sur un point, parce que ma phrase a pu laisser croire autre "
            "chose : je n'envoie rien au médecin du travail sur ce qu'on se dit ici.",
            RepairStrategy.CLARIFY_MISUNDERSTANDING,
        ),
        (
            "en",
            "And I want to be clear about one thing, because what I said may have suggested "
            "otherwise: nothing of what we say here goes to the occupational doctor.",
            RepairStrategy.CLARIFY_MISUNDERSTANDING,
        ),
        (
            "fr",
            "Alors peut-être que tout à l'heure, quand j'ai pressé, ça a ressemblé un peu à ça : "
            "quelqu'un qui veut savoir avant vous.",
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "en",
            "So maybe earlier, when I pushed, it felt a bit like that: someone who wants to know "
            "before you do.",
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "fr",
            "Alors quand je vous dis « il faut passer le cap », vous entendez votre chef qui vous "
            "dit « t'es une solide, tu reprends lundi » ?",
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "en",
            "So when I say 'you need to get past it', you hear your boss telling you 'you're a "
            "tough one, back on Monday'?",
            RepairStrategy.LINK_PATTERN,
        ),
        # fresh36 (read after scoring): the fuller answer about the report, read as sharing
        # one's experience; owning one's part read as a rationale
        (
            "fr",
            "Et pour le docteur Benali, je vous ai répondu un peu vite, alors je reprends. Elle "
            "reçoit seulement une attestation de présence.",
            RepairStrategy.CLARIFY_MISUNDERSTANDING,
        ),
        (
            "en",
            "And about Dr Benali, I answered you too quickly, so let me go back over it. She only "
            "gets a certificate of attendance.",
            RepairStrategy.CLARIFY_MISUNDERSTANDING,
        ),
        (
            "en",
            "I am, and part of my job is noticing when I've got something wrong. I think I charged "
            "ahead with my own idea of what you need, and I never asked what the boat means to you.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        # fresh37 (read at the very end): an apology read as moving past the concern
        (
            "en",
            "We were doing the sheet, and I think I'm the one who took us there. I went straight "
            "past it to homework. That was my hurry, not yours, and I'm sorry. I'd like to go back "
            "to it, if you're willing.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "fr",
            "On remplissait la fiche, et je crois que c'est moi qui nous ai emmenés là. C'était ma "
            "hâte, pas la vôtre, et je suis désolé.",
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "en",
            "Go along with it, and go a bit further off while you do. Is that what happened here "
            "just now?",
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "fr",
            "Pour Saint-Brieuc, c'est vous qui fixez le rythme. Vous pouvez me dire stop.",
            RepairStrategy.FOLLOW_CLIENT,
        ),
        (
            "en",
            "For the yard, you set the pace. You can tell me to stop.",
            RepairStrategy.FOLLOW_CLIENT,
        ),
    ],
)
def test_a_clarification_a_link_and_handing_over_the_pace_are_named_in_words(
    lang: str, answer: str, strategy: RepairStrategy
) -> None:
    """fresh35 (read after scoring): the clarification of the frame was read as a topic change
    praised as "inviting discussion", the link to the mother as a closed question."""
    said = FRAME_COMPLAINT[0 if lang == "fr" else 1]
    opening = ("Qu'est-ce qui vous vient ?", "What comes to mind?")
    move = answer_to_marker(lang, said, answer, MarkerSubtype.COMPLAINT_THERAPIST, opening)
    assert move.repair is strategy
    assert any(e.source == "wording" and e.supports == strategy.value for e in move.evidence)


@pytest.mark.parametrize(
    ("lang", "text", "move"),
    [
        (
            "fr",
            "Prise en photo sans votre accord. Est-ce que c'est déjà arrivé, ici, que vous vous "
            "sentiez comme ça avec moi ?",
            T.META_COMMUNICATION,
        ),
        (
            "en",
            "Photographed without your consent. Has it happened in here, that you've felt like "
            "that with me?",
            T.META_COMMUNICATION,
        ),
        (
            "fr",
            "Je me demande si vous n'avez pas pensé à votre fille, à ce moment-là. Elle doit avoir "
            "à peu près l'âge de cette petite, non ?",
            T.INTERPRETATION,
        ),
        (
            "en",
            "I wonder if you weren't thinking of your daughter, at that moment. She must be about "
            "that little girl's age, no?",
            T.INTERPRETATION,
        ),
        # fresh36 (EN): an avoidance lent to the patient, praised as meta-communication
        (
            "en",
            "And I wonder whether going out on the boat is partly a way of not having to feel what "
            "happened. If you keep busy enough, it can't catch up with you.",
            T.INTERPRETATION,
        ),
        (
            "fr",
            "Et je me demande si sortir en mer, ce n'est pas aussi une façon de ne pas avoir à "
            "ressentir ce qui s'est passé.",
            T.INTERPRETATION,
        ),
    ],
)
def test_the_relationship_here_and_a_link_the_patient_did_not_make(
    lang: str, text: str, move: T
) -> None:
    """fresh35: the imposed link to the patient's daughter, the trigger of the rupture, was
    praised as meta-communication; asking whether she had felt that way with the therapist was a
    closed question."""
    assert move_type(text, lang)[0] is move


NOBODY = {
    "fr": "Et personne a rien dit, hein. Personne. Même pas Claire.",
    "en": "And nobody said a thing. Nobody. Not even Claire.",
}
EXERCISES = {
    "fr": "Vos exercices, là, le cahier, le récit à voix haute… ça me fait tout revivre. Je vois "
    "pas l'intérêt.",
    "en": "Your exercises, the workbook, the story out loud… it makes me relive all of it. I don't "
    "see the point.",
}


@pytest.mark.parametrize(
    ("lang", "said", "answer", "contribution"),
    [
        # fresh34 (FR): the third push, put as a question, was praised as validation
        (
            "fr",
            EXERCISES,
            "On pourrait au moins essayer deux minutes ? Fermez les yeux, et dites-moi juste où le "
            "fourgon est garé.",
            Contribution.IGNORES_CONCERN,
        ),
        (
            "en",
            EXERCISES,
            "Could we at least try for two minutes? Close your eyes and just tell me where the van "
            "is parked.",
            Contribution.IGNORES_CONCERN,
        ),
        # fresh36 (FR, read after scoring): the move to the worksheet past « personne a rien
        # dit » was praised as meta-communication, and the lecture on homework was not flagged
        (
            "fr",
            NOBODY,
            "Oui… On pourra y revenir. Mais avant, on avait dit qu'on commencerait par la fiche des "
            "pensées automatiques. Vous l'avez apportée ?",
            Contribution.IGNORES_CONCERN,
        ),
        (
            "en",
            NOBODY,
            "Yes… We can come back to that. But first, we said we'd start with the thought record. "
            "Did you bring it?",
            Contribution.IGNORES_CONCERN,
        ),
        (
            "fr",
            NOBODY,
            "D'accord… C'est la deuxième semaine, quand même. Je vous le redis parce que c'est "
            "important : si on ne travaille pas entre les séances, on ne va pas beaucoup avancer.",
            Contribution.CONFRONT_ARGUE,
        ),
        (
            "en",
            NOBODY,
            "Okay… It's the second week, though. I'll say it again because it's important: if we "
            "don't work between sessions, we won't get very far.",
            Contribution.CONFRONT_ARGUE,
        ),
    ],
)
def test_pushing_the_exercise_or_the_agenda_past_the_patient_is_no_repair(
    lang: str, said: dict[str, str], answer: str, contribution: Contribution
) -> None:
    opening = ("Et la semaine ?", "And the week?")
    move = answer_to_marker(lang, said[lang], answer, MarkerSubtype.COMPLAINT_ACTIVITIES, opening)
    assert move.contribution is contribution
    assert move.repair is RepairStrategy.NONE


SHEETS = {
    "fr": "J'ai rempli toutes les fiches que vous m'avez données. Toutes les semaines. Et je sais "
    "pas ce qu'on fait là.",
    "en": "I've filled in every sheet you've given me. Every single week. I honestly don't know "
    "what we're doing here.",
}


@pytest.mark.parametrize(
    ("lang", "answer", "contribution", "repair"),
    [
        # fresh38 (EN, scored blind, then read): the lecture and the clock as reasons to go on,
        # the apology, the link to the manager, the sheets put aside and a decision left open
        (
            "en",
            "It's not meant to change your situation. And if we keep skipping the homework, we "
            "won't get anywhere.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "Ce n'est pas fait pour changer la situation. Et si on continue à sauter les fiches, on "
            "ne va pas avancer.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "You're right. 'Skipping' wasn't fair, you've done a lot of them. I moved us on too "
            "fast.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "fr",
            "Vous avez raison. Ce n'était pas juste, vous en avez fait beaucoup. Je vous ai fait "
            "passer trop vite.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "en",
            "Maybe. Though I notice that's close to what you said to your manager: fine, of course.",
            Contribution.NONE,
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "fr",
            "Peut-être. Mais je remarque que c'est très proche de ce que vous avez dit à votre "
            "cheffe : ça va, bien sûr.",
            Contribution.NONE,
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "en",
            "Then let's do that. We'll put the sheets to one side.",
            Contribution.NONE,
            RepairStrategy.CHANGE_TASK,
        ),
        (
            "fr",
            "Alors faisons ça. On met les fiches de côté.",
            Contribution.NONE,
            RepairStrategy.CHANGE_TASK,
        ),
        # fresh38 (FR): stopping to name what is happening, arguing back, deferring
        (
            "fr",
            "Monsieur Berthier, je vais m'arrêter un instant. J'ai l'impression que depuis tout à "
            "l'heure, vous êtes en colère contre moi.",
            Contribution.NONE,
            RepairStrategy.INVITE_DISCUSSION,
        ),
        (
            "fr",
            "Je l'ai relue, bien sûr. Mais attendez, c'est vous qui m'avez demandé d'indiquer le "
            "motif du suivi.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "I did read it, of course. But hang on, you were the one who asked me to put the reason "
            "down.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "D'accord. On ne va pas forcément le régler ce soir, mais je ne veux pas non plus qu'on "
            "l'enterre.",
            Contribution.NONE,
            RepairStrategy.DEFER,
        ),
        (
            "en",
            "Okay. We won't necessarily settle it tonight, but I don't want to bury it either.",
            Contribution.NONE,
            RepairStrategy.DEFER,
        ),
        (
            "en",
            "That was quite a sigh. Let's not decide it now.",
            Contribution.NONE,
            RepairStrategy.DEFER,
        ),
        (
            "fr",
            "C'était un sacré soupir. On n'est pas obligés de décider maintenant.",
            Contribution.NONE,
            RepairStrategy.DEFER,
        ),
    ],
)
def test_fresh38_the_lecture_is_arguing_and_the_repairs_are_named(
    lang: str, answer: str, contribution: Contribution, repair: RepairStrategy
) -> None:
    opening = ("Et les fiches ?", "And the sheets?")
    move = answer_to_marker(lang, SHEETS[lang], answer, MarkerSubtype.COMPLAINT_PROGRESS, opening)
    assert (move.contribution, move.repair) == (contribution, repair)


NOTARY = {
    "fr": "Il a dit : « Mon fils apprend encore, vous l'excuserez. » Devant tout le monde. J'avais "
    "vingt-trois ans. [pleure] Et je lui en ai jamais reparlé.",
    "en": "He said: 'My son is still learning, you'll excuse him.' In front of everyone. I was "
    "twenty-three. [cries] And I never spoke to him about it again.",
}


@pytest.mark.parametrize(
    ("lang", "answer", "move_type"),
    [
        # the same reading offered as a wondering and nothing more stays an offer
        ("fr", "Je me demande si ce n'est pas le jugement de votre père que vous vérifiez ?", None),
        (
            "fr",
            "Mais ça m'intéresse de savoir comment ça a été pour vous, de votre côté, quand j'ai "
            "dit tout ça.",
            T.META_COMMUNICATION,
        ),
        (
            "en",
            "But I'm interested in how it was for you, on your side, when I said all that.",
            T.META_COMMUNICATION,
        ),
    ],
)
def test_fresh39_wondering_and_asking_how_it_was_are_no_contribution(
    lang: str, answer: str, move_type: T | None
) -> None:
    s = session(
        lang,
        ("T", "Et votre père ?" if lang == "fr" else "And your father?"),
        ("P", NOTARY[lang]),
        ("T", answer),
    )
    move = last_move(s)
    assert move.contribution is Contribution.NONE
    if move_type is not None:
        assert move.move is move_type


@pytest.mark.parametrize(
    ("lang", "answer"),
    [
        # fresh39 and fresh38: the therapist owning their part in words of their own
        (
            "fr",
            "Je crois que j'ai voulu aller vite. Vous veniez de me raconter quelque chose de "
            "douloureux, et moi je vous ai tout de suite servi une explication.",
        ),
        (
            "en",
            "I think I wanted to go fast. You'd just told me something painful and I handed you an "
            "explanation straight away.",
        ),
        (
            "fr",
            "Et en même temps, je repense à ma réponse. Je crois que je me suis surtout défendue.",
        ),
        (
            "en",
            "And at the same time, I think about my answer. I think I was mostly defending myself.",
        ),
        ("fr", "Jamais. Et cette phrase, c'est moi qui l'ai écrite."),
        ("en", "Never. And that sentence, I'm the one who wrote it."),
    ],
)
def test_fresh39_owning_ones_part_is_acknowledged(lang: str, answer: str) -> None:
    opening = ("Et la lettre ?", "And the letter?")
    said = {
        "fr": "Bon. C'est pas grave. C'est votre boulot, vous avez vos règles.",
        "en": "Well. It doesn't matter. It's your job, you have your rules.",
    }
    move = answer_to_marker(lang, said[lang], answer, MarkerSubtype.DEFERENTIAL_APPEASING, opening)
    assert (move.contribution, move.repair) == (
        Contribution.NONE,
        RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
    )


#: The patient's turn a therapist turn answers, with its marker, French then English (fresh40, 41).
MARKED = {
    "progress": (
        MarkerSubtype.COMPLAINT_PROGRESS,
        "Ça fait six semaines, quand même. Et l'agenda dit que ça va dans le mauvais sens.",
        "It's six weeks, though. And the diary says it's going the wrong way.",
    ),
    "news": (
        MarkerSubtype.TOPIC_SHIFT,
        "On a eu le chantier de la rue du Moulin, au fait. Quatre-vingt-quatorze portes.",
        "We got the Mill Road job, by the way. Ninety-four doors, all on one master key.",
    ),
    "irony": (MarkerSubtype.DENIAL, "Bon. Si c'est pas long.", "Well. If it's not long."),
}


@pytest.mark.parametrize(
    ("lang", "marked", "answer", "contribution", "repair"),
    [
        # fresh40 (EN, scored blind, then read): the programme defended against the patient's
        # objection was read as the therapist owning their part, the plan kept "same rules" as
        # nothing, the rationale as an acknowledgement
        (
            "en",
            "progress",
            "I'd be careful about reading too much into one fortnight. The programme only works if "
            "it's followed quite strictly. The research on this is very solid.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "I'm not criticising you. I'm saying that if we want the numbers to move, it has to be "
            "consistent.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "Quite a few. It's the core of what I do in this clinic.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Je ne vous critique pas. Je dis que si on veut que les chiffres bougent, il faut que ce "
            "soit régulier.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Le programme ne marche que si on le suit strictement. La recherche là-dessus est très "
            "solide.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "Yes. That's very standard at this stage. So for the next fortnight, same rules: out of "
            "bed after twenty minutes, no naps.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "I do understand it's hard. The tiredness in these weeks is actually part of how it "
            "works.",
            Contribution.NONE,
            RepairStrategy.GIVE_RATIONALE,
        ),
        (
            "fr",
            "progress",
            "Je comprends que ce soit dur. La fatigue de ces semaines fait partie de la façon dont ça "
            "marche.",
            Contribution.NONE,
            RepairStrategy.GIVE_RATIONALE,
        ),
        # fresh41 (scored blind, then read by a clinician helper): the patient's remembered doubt
        # overruled, the concession that sets up the counter, the news put off to hold the
        # therapist's question, the length defended, the imposed word owned
        (
            "en",
            "news",
            "I know last week you said the location part felt like too much, but if we only do it "
            "by halves, the anxiety learns that checking is still what keeps her safe.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "irony",
            "Je sais que la semaine dernière vous avez dit que c'était trop, mais si on fait les "
            "choses à moitié, l'anxiété apprend que vérifier la protège.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "news",
            "Some checking is normal, sure. The question is what it's costing you.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "irony",
            "Oui, mais l'objectif, c'était votre sommeil. Et quatre mois, pour ce genre de "
            "situation, honnêtement, ce n'est pas long.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "news",
            "That's great news, we can come back to it. For now, though, what will you do instead "
            "of ringing?",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "irony",
            "Très bien. Le mot « honte », je l'ai posé un peu vite, comme une évidence. C'était mon "
            "idée à moi, pas forcément la vôtre.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "en",
            "news",
            "Right. The word shame, I put it down a bit fast, as if it were obvious. That was my "
            "idea, not necessarily yours.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        # fresh42: holding one's ground in clarifying words is arguing, not a clarification
        (
            "en",
            "progress",
            "The evening before, both times. I'm not saying the reasons weren't real. I'm saying "
            "it's a pattern, and we ought to look at it.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Je ne dis pas que vos raisons n'étaient pas réelles. Je dis juste que c'est une "
            "répétition, et qu'il faut qu'on la regarde.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        # fresh42: the missed sessions raised as the work's condition
        (
            "en",
            "progress",
            "It's very hard to do this work if, every time we get close to your father, you're "
            "not here.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        # fresh43 (scored blind, then read): the method and the frame defended against the
        # complaint, a lecture owned, a pattern linked to what happened here, a subject kept for
        # later
        (
            "en",
            "progress",
            "I understand the wish for something like that. But I'd be doing you a disservice if "
            "I handed you a breathing trick. I'd really ask you to give it a few more weeks "
            "before you judge it.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Oui. C'est ce qu'on avait convenu dès le premier rendez-vous. C'est la règle du "
            "cabinet, c'est la même pour tout le monde.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Quand j'ai changé mes horaires en septembre, je vous ai demandé si dix-huit heures "
            "trente vous convenait, et vous m'avez dit oui.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "news",
            "Can I stop us for a moment? When you asked me how long this takes, I gave you a "
            "lecture. And then I told you what to do, which you hadn't asked me for.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "en",
            "news",
            "A bit like sitting through the slides, nodding. I wonder if I turned into that for a "
            "few minutes, and you did what you've learned to do.",
            Contribution.NONE,
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "fr",
            "news",
            "Vous vous fermez, vous attendez que ça passe. Et ici, c'est un peu ce qui s'est joué : "
            "je vous ai convoqué, vous avez attendu que ça passe.",
            Contribution.NONE,
            RepairStrategy.LINK_PATTERN,
        ),
        (
            "en",
            "irony",
            "Okay. We don't need to open it up today. I'd just like to keep it on the list, if "
            "you'll let me.",
            Contribution.NONE,
            RepairStrategy.DEFER,
        ),
        # fresh44 (scored blind, then read): one's own thread held past the concern, the
        # reassurance that closes it, the exercise defended, a question not asked owned
        (
            "en",
            "news",
            "Let's stay with your dad for now. You said you couldn't start the engine.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "Both of those were unavoidable, unfortunately. But I don't want you to worry about it. "
            "I'm not going anywhere.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "news",
            "Ah, ça fait beaucoup. On pourra en parler, mais je voudrais qu'on reste encore un peu "
            "sur l'exercice.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Mais il faut être honnête : si l'exercice passe toujours après tout le reste, on "
            "n'avancera pas.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "news",
            "Je comprends mieux, oui. Et je regrette de ne pas vous avoir posé la question avant de "
            "vous mettre la paille dans les mains.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        (
            "en",
            "news",
            "That matters. It sounds like I took up some of the space that was yours.",
            Contribution.NONE,
            RepairStrategy.ACKNOWLEDGE_CONTRIBUTION,
        ),
        # fresh45 (FR, scored blind): neutrality and the frame defended against the reproach
        (
            "fr",
            "progress",
            "Non, là, je ne suis pas d'accord. Je ne prends le parti de personne. Ce qui m'intéresse, "
            "c'est ce que vous, vous vivez.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Pour jeudi dernier, c'est ce dont nous avions convenu ensemble au départ. Ce cadre-là "
            "fait partie du travail, lui aussi.",
            Contribution.CONFRONT_ARGUE,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Bien. Revenons à samedi, si vous voulez bien. Après que Théo a claqué la porte, "
            "qu'est-ce qui s'est passé pour vous ?",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        # fresh51 (FR, read after its blind score): the dig at the therapist's lateness passed
        # over twice, then read by the repair head as linking a pattern and following the patient
        (
            "fr",
            "progress",
            "Ce que j'aimerais qu'on regarde, c'est justement ce qui se passe en vous juste avant "
            "de partir dans le récit.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "fr",
            "progress",
            "Oui, j'avais eu un imprévu juste avant. Mais je ne voudrais pas qu'on perde le fil, on "
            "parlait de Léa.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        (
            "en",
            "progress",
            "What I'd like us to look at is what happens in you just before you go off into the "
            "story.",
            Contribution.IGNORES_CONCERN,
            RepairStrategy.NONE,
        ),
        # even wondered, the patient's objection read as about his father explains it away
        (
            "en",
            "progress",
            "I wonder if there's something else in this. Maybe the ending you want to pin down is "
            "really about your dad.",
            Contribution.INTERPRETATION_IMPOSED,
            RepairStrategy.NONE,
        ),
    ],
)
def test_fresh40_to_44_defending_the_plan_argues_and_owning_ones_part_is_named(
    lang: str, marked: str, answer: str, contribution: Contribution, repair: RepairStrategy
) -> None:
    subtype, fr, en = MARKED[marked]
    opening = ("Et la semaine ?", "And the week?")
    move = answer_to_marker(lang, fr if lang == "fr" else en, answer, subtype, opening)
    assert (move.contribution, move.repair) == (contribution, repair)


@pytest.mark.parametrize(
    ("text", "reproach"),
    [
        # fresh43-b: the CBT question about the thought of the moment, read as a reproach
        ("Qu'est-ce qui vous est passé par la tête, au moment où vous avez raccroché ?", False),
        ("Et à quoi vous pensiez, à ce moment-là ?", False),
        # annomi fr-32, coded arguing: the reproach itself
        (
            "Qu'est-ce qui vous est passé par la tête quand vous avez pris le volant après six "
            "bières ? Vous auriez pu provoquer un accident.",
            True,
        ),
    ],
)
def test_asking_for_the_thought_of_the_moment_is_no_reproach(text: str, reproach: bool) -> None:
    assert (move_type(text, "fr")[0] is T.CONFRONTING) is reproach


@pytest.mark.parametrize(
    ("lang", "patient", "therapist"),
    [
        # fresh43-b (FR): the patient's correction taken and said back was called imposed
        (
            "fr",
            "Non, je crois pas. C'est pas de la culpabilité. Je suis en colère contre moi de l'avoir "
            "laissé faire.",
            "D'accord. Merci de me corriger, c'est important. Donc ce n'est pas de la culpabilité, "
            "c'est de la colère, contre vous. On la note comme ça ?",
        ),
        # en-45 24, coded neither
        (
            "en",
            "No, it's not fear. It's more like disgust, like part of me takes his side.",
            "Okay. So it's not fear, it's disgust. Thank you for correcting me, that's really "
            "useful.",
        ),
    ],
)
def test_a_reading_the_patient_corrected_said_back_is_not_imposed(
    lang: str, patient: str, therapist: str
) -> None:
    s = session(lang, ("P", patient), ("T", therapist))
    (move,) = label_moves(s, (), mode="fast")
    assert move.contribution is Contribution.NONE
    assert move.move is not T.INTERPRETATION


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # fresh44's review: an idea offered with leave to say no was counted as advice given
        # without permission, and as arguing
        (
            "en",
            "Now, one idea for this week. I'd suggest practising the calm place each morning. But "
            "tell me honestly if that doesn't fit how your days go.",
        ),
        (
            "fr",
            "Une idée pour la semaine : je vous suggère de pratiquer le lieu sûr chaque matin. Mais "
            "dites-moi franchement si ça ne colle pas avec vos journées.",
        ),
    ],
)
def test_an_idea_offered_with_leave_to_say_no_asks_permission(lang: str, text: str) -> None:
    assert move_type(text, lang)[0] is T.ADVICE_WITH_PERMISSION


@pytest.mark.parametrize(
    ("lang", "agrees", "argues"),
    [
        (
            "fr",
            "Non, ça ne change rien au prix, c'est vrai. Et cette question-là est légitime.",
            "Non, ça ne change rien au prix. C'est le même pour tout le monde.",
        ),
        (
            "en",
            "No, it doesn't change the fee, that's true. And it's a fair question.",
            "No, it doesn't change the fee. It's the same for everyone.",
        ),
    ],
)
def test_the_no_that_agrees_is_not_arguing_back(lang: str, agrees: str, argues: str) -> None:
    """fr48-a's review: « Non, ça ne change rien au prix, c'est vrai » — the therapist agreeing,
    then taking the fee question seriously — was flagged as arguing back."""
    from raccord.detect.move_labels import _therapist_facts

    assert not _therapist_facts(agrees, lang).counter
    assert _therapist_facts(argues, lang).counter


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            "Can I stop you there? I notice we've gone from your mother forgetting your birthday "
            "to a tortoise in a shoebox in about a minute. I think the laughing does a job for "
            "you. If you laugh first, nobody gets to see that you needed her to remember.",
        ),
        # fresh53: the complaint about the frame sent back to a trait, read as validation
        ("fr", "Mon silence vient toucher votre besoin de tout contrôler."),
        ("fr", "Vous voyez, même là, il faut que ce soit vous qui ayez le dernier mot."),
        ("en", "You see, even now it has to be you who has the last word."),
        # fresh58: the link to the past given as the fact of the matter, and the objection read
        # as proof, both read as reflections and counted as validation
        (
            "fr",
            "Je vais vous dire ce que je crois qu'il se passe. Ce que vous vivez avec Mathis, "
            "c'est la répétition de ce que vous avez vécu avec votre mère.",
        ),
        (
            "fr",
            "Si ça vous fait réagir aussi fort, c'est peut-être justement que ça touche quelque "
            "chose de vrai.",
        ),
        (
            "en",
            "I'll tell you what I think is going on. What you're living with Mathis is a "
            "repetition of what you lived with your mother.",
        ),
        (
            "en",
            "If it makes you react so strongly, maybe that's precisely because it touches "
            "something true.",
        ),
        (
            "fr",
            "Je vous arrête un instant. Je remarque qu'on est passés de votre mère à une tortue en "
            "une minute. Je crois que le rire vous sert. Si vous riez la première, personne ne "
            "voit que vous aviez besoin d'elle.",
        ),
    ],
)
def test_what_happens_in_the_room_then_read_as_a_fact_is_an_interpretation(
    lang: str, text: str
) -> None:
    """fresh52's review: the laughter read as a defence after "I notice we've gone from…" was
    called meta-communication, and praised as what worked."""
    assert move_type(text, lang)[0] is T.INTERPRETATION


@pytest.mark.parametrize(
    ("language", "lines", "expected"),
    [
        # fr53-a: a question to the therapist, then a reproach, met with 25 s of nothing
        (
            "fr",
            [
                "Thérapeute : Et dans ce bus, qu'est-ce qui se passait pour vous ?",
                "Patiente : Ça fait huit séances que je viens. Et vous, vous faites « mm ». "
                "Des fois je me demande si ça vous intéresse, même.",
                "Thérapeute : [silence 25s]",
            ],
            Contribution.IGNORES_CONCERN,
        ),
        # en52-a: a withdrawal after an interpretation, left to itself for 15 s
        (
            "en",
            [
                "Therapist: I wonder if the laughing keeps the hurt at a distance.",
                "Patient: Maybe.",
                "Therapist: [silence 15s]",
            ],
            Contribution.OTHER,
        ),
    ],
)
def test_a_long_silence_right_after_a_marker_is_named_as_the_therapists_part(
    language: str, lines: list[str], expected: Contribution
) -> None:
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language=language)
    subtype = (
        MarkerSubtype.COMPLAINT_THERAPIST
        if expected is Contribution.IGNORES_CONCERN
        else MarkerSubtype.MINIMAL_RESPONSE
    )
    move = last_move(transcript, (marker_at(1, subtype),))
    assert move.contribution is expected
    (reason,) = move.evidence
    assert "s de silence" in reason.detail or "s of silence" in reason.detail
    assert reason.words == lines[-1].split(": ", 1)[1]
    # a short silence, a silence with words, or one after no marker is no contribution
    for last in ("[silence 4s]", "[silence 20s] Mm. Go on."):
        shorter = [*lines[:-1], lines[-1].split(":")[0] + ": " + last]
        (t,) = parse("\n".join(shorter) + "\n", fmt="text", language=language)
        assert last_move(t, (marker_at(1, subtype),)).contribution is Contribution.NONE
    assert last_move(transcript).contribution is Contribution.NONE


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        # fresh54: the reason for the chair exercise, asked for outright
        (
            "en",
            [
                "Therapist: Would you be willing to try talking to him in the chair?",
                "Patient: Right. So what is it for, then? The chair thing. Honestly.",
                "Therapist: Fair question. The way I work, I pay a lot of attention to feelings, "
                "because often what keeps people stuck isn't that they don't know the facts.",
            ],
        ),
        (
            "fr",
            [
                "Thérapeute : Je vous propose de remplir le carnet d'exposition cette semaine.",
                "Patiente : Mais ça sert à quoi, ce carnet ?",
                "Thérapeute : C'est pour ça que je vous le propose : ce qui entretient la peur, "
                "c'est l'évitement, et le carnet permet de voir ce qui se passe vraiment.",
            ],
        ),
    ],
)
def test_the_reason_the_patient_asked_for_is_no_lecture(language: str, lines: list[str]) -> None:
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language=language)
    assert last_move(transcript).contribution is Contribution.NONE
    # after a marker, explaining the task is the indirect repair of giving its rationale
    marked = last_move(transcript, (marker_at(1, MarkerSubtype.COMPLAINT_ACTIVITIES),))
    assert marked.contribution is Contribution.NONE
    assert marked.repair is RepairStrategy.GIVE_RATIONALE
    if language == "en":
        # the same words unasked, after the same marker, stay a lecture
        unasked = [lines[0], "Patient: I don't know. It's a bit silly.", lines[2]]
        (t,) = parse("\n".join(unasked) + "\n", fmt="text", language=language)
        lecture = last_move(t, (marker_at(1, MarkerSubtype.COMPLAINT_ACTIVITIES),))
        assert lecture.contribution is Contribution.CONFRONT_ARGUE


def test_no_that_answers_a_question_about_the_therapist_is_no_argument() -> None:
    """fresh55: "Have you ever looked after a parent?" … "You still haven't answered." — "No, I
    haven't. I haven't cared for a parent like that. … I reach for the model, and I did that just
    now." was called arguing, the turn that repaired the rupture."""
    lines = [
        "Therapist: That sounds like your subjugation schema again.",
        "Patient: Have you ever looked after a parent? You still haven't answered.",
        "Therapist: No, I haven't. I haven't cared for a parent like that. And since we're being "
        "straight with each other: I reach for the model when it gets uncomfortable in here.",
    ]
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language="en")
    move = last_move(transcript, (marker_at(1, MarkerSubtype.COMPLAINT_THERAPIST),))
    assert move.contribution is not Contribution.CONFRONT_ARGUE


@pytest.mark.parametrize(
    ("language", "asked", "answer"),
    [
        (
            "en",
            "I could take it at quarter to, before we come alongside. Is that all right, quarter "
            "to, medically?",
            "That's a good one for the pharmacist, I'm not the right person to say. And you "
            "should ask them what to do if you are late.",
        ),
        (
            "fr",
            "Je pourrais le prendre à moins le quart, avant l'accostage. C'est pas grave, moins "
            "le quart, médicalement ?",
            "Ça, c'est une question pour le pharmacien, je ne suis pas la bonne personne. Et vous "
            "devriez lui demander quoi faire si vous êtes en retard.",
        ),
    ],
)
def test_advice_the_patient_asked_for_in_a_question_is_no_contribution(
    language: str, asked: str, answer: str
) -> None:
    """fresh56: a referral to the pharmacist, answering "Is that all right, medically?", was
    called arguing in a session without rupture."""
    s = session(
        language,
        ("T", "Et l'heure ?" if language == "fr" else "And the time?"),
        ("P", asked),
        ("T", answer),
    )
    assert last_move(s).contribution is Contribution.NONE
