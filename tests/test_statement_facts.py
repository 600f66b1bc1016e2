"""Every statement a suggestion makes about the session is checked against the session's facts.

A clinician reviewing raccord on four sessions nobody had tuned on found suggestions saying
"when I brought up lying" (the patient had said "lying there" in bed), « quand j'ai abordé la
question des deux », "I'd like to hear a bit more about three", "what I was suggesting" or « je
vous propose cet exercice » when nothing had been suggested, and "four times today, when I gave
you some advice, our conversation got tense" when that had not happened. Here, for new vignettes
written after that review (French and English, each the shape of one of those errors) and for
the demo sessions, each kind of statement is checked against the typed facts
(``formulation.facts``) and the transcript:

- a quote after « quand je vous ai dit / demandé » is the therapist's words at the moment named,
  « demandé » only where the detection has a question; after « vous avez dit », the patient's;
  any other quote is the patient's own words in that episode;
- "I gave you some advice", "I asked you what you could do", "what I was suggesting", « je vous
  propose cet exercice »: only where a therapist move of that type is in the facts;
- "twice / four times today": the number of recurring sequences in the facts, and "got tense"
  or "closed down" only when those markers were confrontations or withdrawals;
- a topic named is a noun phrase announced by a determiner, never a number or a bare verb.

The vignettes' detections are written by hand, the way a detector could get them (an apology
labelled as advice, a story told about others left unmarked), so these tests measure the
understanding and the wording, not the detector.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

import pytest

from raccord.cli.analysis import demo_files
from raccord.io import load
from raccord.model import Detection, Formulation, Suggestion, Transcript
from raccord.pipeline import analyze
from raccord.prose import formulation_prose
from raccord.repair import suggest
from raccord.repair.suggest import _links
from raccord.taxonomy import (
    Contribution,
    MarkerSubtype,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    Timing,
)
from raccord.taxonomy import TherapistMoveType as M
from raccord.understand import formulate
from raccord.understand.facts import EpisodeFacts
from raccord.understand.session_facts import SessionFacts
from raccord.understand.text import section
from test_understand_support import detection, episode, marker, move, session

S = MarkerSubtype
R = RepairStrategy
_QUOTE = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”")
_QUESTIONS = {M.OPEN_QUESTION, M.CLOSED_QUESTION}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return " ".join(
        re.findall(r"[\w']+", "".join(c for c in decomposed if not unicodedata.combining(c)))
    )


def _text(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _fixed(template: str) -> str:
    """The words of a template up to its first field: what a sentence says for sure."""
    return _plain(template.split("{")[0])


def _tail(template: str) -> str:
    """The words of a template after its last field (« ce que je vous proposais… »)."""
    return _plain(template.split("}")[-1])


def problems(
    transcript: Transcript, det: Detection, formulation: Formulation, out: tuple[Suggestion, ...]
) -> list[str]:
    """Every statement of the suggestions that the facts do not support, as a readable list."""
    assert formulation.facts is not None
    facts: SessionFacts = formulation.facts
    code = transcript.language
    pack = section(code, "repair")
    when, observe, own = pack["when"], pack["observe"], pack["own_part"]
    turns = transcript.turns
    links = _links(facts)
    moves = {m.turn: m for m in det.moves}
    said, asked, you_said = (
        _fixed(t) for k in ("said", "asked", "you_said") for t in _text(when[k])
    )
    found: list[str] = []
    for s in out:
        if s.done_at is not None or s.episode is None:
            continue
        f = facts.episode(s.episode)
        assert f is not None
        text = _plain(s.text)

        # quotes: whose words, at which moment
        for m in _QUOTE.finditer(s.text):
            quoted = _plain((m.group(1) or m.group(2)).rstrip("…?"))
            before = _plain(s.text[: m.start()])
            if before.endswith((said, asked)):
                ok = (
                    f.moment is not None
                    and f.moment.by is Role.THERAPIST
                    and quoted in _plain(turns[f.moment.turn].text)
                )
                if ok and before.endswith(asked):
                    mv = moves.get(f.moment.turn) if f.moment else None
                    ok = mv is not None and mv.move in _QUESTIONS
                if not ok:
                    found.append(f"not the therapist's words at the moment: {quoted!r}")
            elif before.endswith(you_said):
                if f.moment is None or quoted not in _plain(turns[f.moment.turn].text):
                    found.append(f"not the patient's words at the moment: {quoted!r}")
            else:
                ep = f.episode
                spoken = [
                    _plain(t.text) for t in turns[ep.start : ep.end + 1] if t.role is Role.PATIENT
                ]
                if not any(quoted in p for p in spoken):
                    found.append(f"not the patient's words in the episode: {quoted!r}")

        # the therapist's moves named (a circle's own wording is backed by the circle's pairs)
        link = links.get(f.index)
        if s.strategy is R.LINK_PATTERN and link is not None and link.signal in when:
            circle = dict(facts.circles).get(str(link.signal).removeprefix("cycle_"))
            if circle is not None:
                assert {p.patient for p in circle} & {m.turn for m in f.markers}
                for phrase in _text(when[link.signal]):
                    text = text.replace(_plain(phrase), " ")
        for kind in (
            "advice_unsolicited",
            "responsibility_question",
            "closed_interrogation",
            "confront_argue",
            "interpretation_imposed",
        ):
            for phrase in _text(when[kind]):
                if _plain(phrase) in text and f.backed(kind) is None:
                    found.append(f"says {phrase!r} with no {kind} move in the facts")
            for phrase in _text(own.get(kind, [])):
                if _plain(phrase) in text and f.backed(kind) is None:
                    found.append(f"owns {kind!r} with no such move in the facts")
        suggested = f.advice_given or f.backed("advice_unsolicited") is not None
        for key in ("rejects_intervention", "complaint_activities"):
            for phrase in _text(observe[key]):
                if _tail(phrase) in text and not suggested:
                    found.append(f"says {_tail(phrase)!r} with no advice move before")
        rationale = pack["indirect"]["give_rationale"]
        for phrase in _text(rationale["activities"]):
            if _plain(phrase)[:30] in text and not suggested:
                found.append("proposes an exercise that was never proposed")
        for phrase in _text(rationale["questions"]):
            if _plain(phrase)[:30] in text and not (
                f.backed("closed_interrogation", "responsibility_question")
            ):
                found.append("explains questions that were not asked as such")

        # counts
        for number, word in pack["count_words"].items():
            for w in _text(word):
                template = _text(pack["direct"]["link_pattern"])[0]
                claim = _plain(template.split("{count}")[0]) + " " + _plain(w)
                if claim.strip() not in text:
                    continue
                if link is None or (number != "many" and int(number) != link.count):
                    found.append(f"counts {w!r}: the facts give {link.count if link else 0}")
                elif _plain(_text(pack["pattern_effect"][_effect(facts, f)])[0]) not in text:
                    found.append("names the recurring markers as other than they were")
        # topics named
        for value in (f.topic, f.patient_topic, f.safe_topic):
            if value is not None and _plain(value.phrase) in text and not value.determined:
                found.append(f"names {value.phrase!r}, which is not a noun phrase")
    return found


def _effect(facts: SessionFacts, f: EpisodeFacts) -> str:
    """What the recurring markers of this episode's sequence were, from the facts alone."""
    mine = {m.turn for m in f.markers}
    kind_at = {m.turn: m.kind for e in facts.episodes for m in e.markers}
    turns: set[int] = set()
    for p in facts.prohibitions:
        if mine & set(p.markers):
            turns = set(p.markers)
            break
    else:
        for _, members in facts.circles:
            if mine & {x.patient for x in members}:
                turns = {x.patient for x in members}
                break
    kinds = {kind_at.get(t) for t in turns}
    if len(kinds) == 1 and None not in kinds:
        return str(next(iter(kinds)).value)  # type: ignore[union-attr]
    return "mixed"


def _run(
    lines: list[str], lang: str, det: Detection
) -> tuple[Transcript, Formulation, tuple[Suggestion, ...], list[str]]:
    transcript = session(lines, lang)
    formulation = formulate(transcript, det)
    out = suggest(transcript, det, formulation)
    return transcript, formulation, out, problems(transcript, det, formulation, out)


def _facts(formulation: Formulation) -> SessionFacts:
    assert formulation.facts is not None
    return formulation.facts


def _first(formulation: Formulation) -> EpisodeFacts:
    return _facts(formulation).episodes[0]


# --------------------------------------------------------------------------- new vignettes

# "lying there" in bed is not a topic; "those three" is not one either; the therapist explained,
# did not advise (no advice move), so no "what I was asking you to do".
LYING_EN = [
    "T: How has the week been with your sleep?",
    "P: I tried those three things from the leaflet. None of them worked.",
    "T: Which of those three felt closest to helping?",
    "P: Maybe the reading one. A bit.",
    "T: The idea behind it is that the bed is for sleeping, not for lying there planning tomorrow.",
    "P: I've been lying there for hours anyway. So that's pointless, isn't it.",
    "T: It sounds really frustrating, lying awake like that.",
    "P: It is. I just want one night.",
]


def _lying_detection() -> Detection:
    """The complaint at turn 5 after the therapist's rationale at 4 (``LYING_EN``, ``LYING_FR``)."""
    return detection(
        [marker(5, S.COMPLAINT_ACTIVITIES, 4)],
        [move(4, M.INFORMATION), move(2, M.OPEN_QUESTION), move(6, M.COMPLEX_REFLECTION)],
        [episode([marker(5, S.COMPLAINT_ACTIVITIES, 4)], 7, resolved=Resolution.PARTLY)],
    )


def test_lying_there_is_quoted_with_its_speaker_never_named_as_a_topic() -> None:
    _transcript, formulation, out, found = _run(LYING_EN, "en", _lying_detection())
    assert found == []
    said = " ".join(s.text for s in out if s.done_at is None)
    assert "brought up lying" not in said and "about three" not in said
    assert "what I was asking you to do" not in said
    assert "I'm suggesting this exercise" not in said
    f = _first(formulation)
    assert f.moment is not None and f.moment.by is Role.THERAPIST and f.moment.turn == 4
    assert "when I said: “" in said  # the moment, by the therapist's own words


LYING_FR = [
    "T: Comment s'est passée la semaine, côté sommeil ?",
    "P: J'ai essayé les trois trucs de la brochure. Aucun n'a marché.",
    "T: Lequel des trois vous a semblé le plus proche d'aider ?",
    "P: Peut-être la lecture. Un peu.",
    "T: L'idée, c'est que le lit sert à dormir, pas à rester allongé à planifier le lendemain.",
    "P: De toute façon je reste allongé des heures. Donc ça sert à rien, hein.",
    "T: Ça a l'air vraiment pénible, de rester éveillé comme ça.",
    "P: Ça l'est. Je veux juste une nuit.",
]


def test_the_moment_is_named_by_the_therapists_own_words_in_french_too() -> None:
    """The demo sessions used to show this form; which demo episode does depends on the learned
    detector, so a fixed detection shows it here (English: the test above)."""
    _transcript, _formulation, out, found = _run(LYING_FR, "fr", _lying_detection())
    assert found == []
    said = " ".join(s.text for s in out if s.done_at is None)
    assert "quand je vous ai dit\xa0: “L'idée, c'est que" in said  # French spacing


# « sans prévenir » and « les deux séances » are not topics; nothing was proposed.
FACTURE_FR = [
    "P: Avant de commencer : j'ai reçu votre facture. Vous m'avez compté les deux séances.",
    "T: Oui. Ce sont les deux séances que vous avez manquées sans prévenir, comme convenu.",
    "P: Sans prévenir… J'étais malade ! Je trouve ça franchement abusé.",
    "T: Le cadre protège aussi le travail qu'on fait ici.",
    "P: Le cadre, le cadre… Ça ne me parle pas du tout, votre histoire de cadre.",
    "T: Vous avez le sentiment que je pense d'abord à l'argent.",
    "P: Ben oui. Je ne vois pas ce que ça change.",
]


def test_a_fee_complaint_is_not_named_as_prevenir_or_des_deux_and_nothing_was_proposed() -> None:
    marks = [marker(2, S.COMPLAINT_PARAMETERS, 4), marker(4, S.REJECTS_INTERVENTION, 4)]
    det = detection(
        marks,
        [move(1, M.INFORMATION), move(3, M.INFORMATION), move(5, M.COMPLEX_REFLECTION)],
        [episode(marks, 6, severity=Severity.MACRO, resolved=Resolution.NO)],
    )
    _transcript, _formulation, out, found = _run(FACTURE_FR, "fr", det)
    assert found == []
    said = " ".join(s.text for s in out if s.done_at is None)
    for wrong in ("prévenir", "des deux", "ce que je vous proposais", "Je vous propose cet"):
        assert wrong not in said, wrong


# An apology the detector labelled as advice: credited as a repair that took, not counted as
# advice, not suggested again; and no "twice, when I gave you some advice".
LECTURE_EN = [
    "P: I need something that works for my sleep. Just tell me what to do.",
    "T: You need to look at the underlying patterns first, the way you avoid your feelings.",
    "P: So I'm avoiding my feelings now. Great.",
    "T: You're right. I just gave you a lecture, didn't I? I'm sorry about that.",
    "P: Okay. Well. Thanks for saying it.",
    "T: What would help most this week?",
    "P: Honestly, just getting four hours in a row. I'd take that, I think I could manage it.",
]


def test_an_apology_is_credited_and_not_counted_as_advice_nor_suggested_again() -> None:
    marks = [marker(2, S.COMPLAINT_THERAPIST, 4), marker(4, S.DEFERENTIAL_APPEASING, 2)]
    det = detection(
        marks,
        [
            move(1, M.ADVICE_WITHOUT_PERMISSION),
            move(3, M.ADVICE_WITHOUT_PERMISSION),  # the apology, mislabelled
            move(5, M.OPEN_QUESTION),
        ],
        [episode(marks, 6)],
    )
    _transcript, formulation, out, found = _run(LECTURE_EN, "en", det)
    assert found == []
    facts = _facts(formulation)
    assert [w.therapist for w in facts.works if w.own == "apology"] == [3]
    assert not facts.prohibitions  # the apology is not a second piece of advice
    reflected = [s for s in out if s.done_at == 3]
    assert reflected and reflected[0].strategy is R.ACKNOWLEDGE_CONTRIBUTION
    again = [s for s in out if s.done_at is None and s.strategy is R.ACKNOWLEDGE_CONTRIBUTION]
    assert not again, [s.text for s in again]
    assert "twice" not in " ".join(s.text for s in out)


# A story about others and a « oui, mais » back to the complaint are not re-engagement.
MARIAGE_FR = [
    "T: Qu'est-ce qui s'est passé avant la réunion ?",
    "P: Bof. Au fait, je vous ai dit que ma sœur se marie en juin ? C'est la folie.",
    "T: Ça a l'air de prendre beaucoup de place.",
    "P: Oui, elle veut tout faire elle-même, les faire-part, la déco. Ma mère est sur les nerfs,"
    " elles se sont encore disputées pour le traiteur, mon beau-frère ne dit rien.",
    "T: Vous me dites que la facture vous a mis en colère, et c'est important.",
    "P: Ouais. C'est vrai. Mais ça règle pas la question de la facture, franchement.",
]


def test_a_story_about_others_and_a_yes_but_are_not_what_worked() -> None:
    marks = [marker(1, S.TOPIC_SHIFT, 3)]
    det = detection(
        marks,
        [move(0, M.OPEN_QUESTION), move(2, M.SIMPLE_REFLECTION), move(4, M.VALIDATION)],
        [episode(marks, 5, resolved=Resolution.NO)],
    )
    _transcript, formulation, out, found = _run(MARIAGE_FR, "fr", det)
    assert found == []
    assert _facts(formulation).works == ()
    assert not [s for s in out if s.done_at is not None]


def test_a_story_told_in_the_first_person_after_a_reflection_is_what_worked() -> None:
    lines = [
        *MARIAGE_FR[:3],
        "P: Oui… En fait je crois que je me raconte ça pour ne pas repenser à la réunion, j'avais"
        " les mains qui tremblaient avant d'entrer.",
    ]
    marks = [marker(1, S.TOPIC_SHIFT, 3)]
    det = detection(
        marks,
        [move(0, M.OPEN_QUESTION), move(2, M.SIMPLE_REFLECTION)],
        [episode(marks, 3)],
    )
    _transcript, formulation, _out, found = _run(lines, "fr", det)
    assert found == []
    assert [w.therapist for w in _facts(formulation).works] == [2]


# A recurring sequence is counted from the facts, and its effect named from its markers.
PRESSING_EN = [
    "T: You should try keeping a sleep diary this week.",
    "P: Fine.",
    "T: You need to cut the coffee after noon, too.",
    "P: Sure. Whatever you say.",
    "T: And you should get up if you're awake after twenty minutes.",
    "P: Right.",
]


def test_three_pieces_of_advice_each_followed_by_a_withdrawal_are_counted_three_times() -> None:
    marks = [marker(i, S.DEFERENTIAL_APPEASING, 3) for i in (1, 3, 5)]
    det = detection(
        marks,
        [move(i, M.ADVICE_WITHOUT_PERMISSION) for i in (0, 2, 4)],
        [episode(marks, 5, resolved=Resolution.NO)],
    )
    _transcript, _formulation, out, found = _run(PRESSING_EN, "en", det)
    assert found == []
    linked = [s for s in out if s.strategy is R.LINK_PATTERN]
    assert linked and all("three times" in s.text for s in linked)
    assert all("closed down" in s.text and "tense" not in s.text for s in linked)


def test_every_suggestion_of_the_new_vignettes_passes_the_checker() -> None:
    from raccord.repair import check

    cases = [
        (LYING_EN, "en", [marker(5, S.COMPLAINT_ACTIVITIES, 4)], [move(4, M.INFORMATION)]),
        (FACTURE_FR, "fr", [marker(2, S.COMPLAINT_PARAMETERS, 4)], [move(1, M.INFORMATION)]),
        (MARIAGE_FR, "fr", [marker(1, S.TOPIC_SHIFT, 3)], [move(0, M.OPEN_QUESTION)]),
    ]
    for lines, lang, marks, moves in cases:
        det = detection(marks, moves, [episode(marks, len(lines) - 1, resolved=Resolution.NO)])
        _, _, out, found = _run(lines, lang, det)
        assert found == []
        for s in out:
            if s.done_at is None:
                assert check(s.text, lang, approach=s.approach).ok, s.text


# --------------------------------------------------------------------------- the demo sessions

DEMOS = [p.name for p in demo_files()]


@cache
def _demo(name: str) -> tuple[Transcript, Detection, Formulation, tuple[Suggestion, ...]]:
    (transcript,) = load(next(p for p in demo_files() if p.name == name))
    a = analyze(transcript, mode="fast")
    assert a.formulation is not None
    return a.transcript, a.detection, a.formulation, a.suggestions


@pytest.mark.parametrize("name", DEMOS)
def test_every_statement_of_the_demo_suggestions_is_in_the_facts(name: str) -> None:
    transcript, det, formulation, out = _demo(name)
    assert problems(transcript, det, formulation, out) == []


def test_no_suggestion_says_now_what_was_already_done_in_the_episode() -> None:
    for name in DEMOS:
        _transcript, _det, formulation, out = _demo(name)
        for f in _facts(formulation).episodes:
            done = {r.kind for r in f.own_repairs}
            if "apology" in done and f.episode.resolved is Resolution.YES:
                assert not [
                    s
                    for s in out
                    if s.episode == f.index
                    and s.done_at is None
                    and s.strategy is R.ACKNOWLEDGE_CONTRIBUTION
                    and s.timing is Timing.NOW
                ]


# Advice words inside an explanation (the move is information): the formulation lists them as a
# lead to check and no suggestion says « mon conseil ». (« à votre place » there is no advice at
# all: only « à votre place, je… » is.)
TABLEAU_FR = [
    "T: Vous avez pu remplir le tableau cette semaine ?",
    "P: Pas vraiment.",
    "T: Le tableau sert à ça, le mieux serait de le remplir le soir : sinon l'anxiété va "
    "continuer à décider à votre place.",
    "P: Oui, oui, je sais. Vous avez raison.",
    "T: Qu'est-ce qui a rendu ça compliqué ?",
    "P: Je ne sais pas, j'avais la tête ailleurs toute la semaine, avec le travail.",
]


def test_advice_read_from_words_alone_is_a_lead_to_check_never_a_stated_fact() -> None:
    marks = [marker(3, S.DEFERENTIAL_APPEASING, 3)]
    det = detection(
        marks,
        [move(0, M.CLOSED_QUESTION), move(2, M.INFORMATION), move(4, M.OPEN_QUESTION)],
        [episode(marks, 5)],
    )
    transcript, formulation, out, found = _run(TABLEAU_FR, "fr", det)
    assert found == []
    f = _first(formulation)
    advice = f.signal("advice_unsolicited")
    assert advice is not None and not advice.backed
    therapist = " ".join(formulation_prose(transcript, det, formulation).episodes[0].therapist_part)
    assert "À vérifier\u00a0: conseil" in therapist
    said = " ".join(s.text + " " + s.why + " " + s.context for s in out)
    assert "conseil" not in said


# The therapist's own meta-communication just before a marker: not suggested again; and neither
# « la deuxième » nor « la payer » (a pronoun and a verb) is a subject to ask more about.
DEUXIEME_FR = [
    "T: Avant de finir, j'aimerais vérifier quelque chose : tout à l'heure, je suis allée trop"
    " vite, et vous me l'avez dit. Si je recommence, dites-le-moi.",
    "P: La deuxième, je trouve normal de la payer. Mais la première, non, j'étais malade.",
    "T: D'accord. On en reparle la prochaine fois, si vous voulez bien.",
    "P: Oui.",
]


def test_a_repair_made_just_before_is_not_suggested_again_nor_a_pronoun_taken_for_a_topic() -> None:
    marks = [marker(1, S.CONTROLS_PRESSURES, 3)]
    det = detection(
        marks,
        [move(0, M.META_COMMUNICATION), move(2, M.OTHER, repair=R.DEFER)],
        [episode(marks, 3, resolved=Resolution.PARTLY)],
    )
    _, formulation, out, found = _run(DEUXIEME_FR, "fr", det)
    assert found == []
    f = _first(formulation)
    assert [r.turn for r in f.own_repairs] == [0]
    assert f.patient_topic is None
    said = [s for s in out if s.done_at is None]
    assert not [s for s in said if s.strategy is R.ACKNOWLEDGE_CONTRIBUTION]
    assert not any("deuxième" in s.text or "la payer" in s.text for s in said)


# A long, fluent answer away from any marker is not "what worked": the patient may be
# intellectualising or complying at length (a clinician's review: "Open question (turn 0):
# re-engagement right after" on a session-long appeasement the detector missed).
APPEASE_EN = [
    "T: How have things been since Mark moved out?",
    "P: Oh, things have been fine since Mark moved out, really. I think it was the rational"
    " outcome for both of us, attachment theory would say we were an anxious-avoidant pairing.",
    "T: And how was it for you, watching him pack?",
    "P: Fine.",
    "T: Mm.",
    "P: Yes.",
]


def test_a_long_answer_away_from_any_marker_is_not_what_worked() -> None:
    det = detection([], [move(0, M.OPEN_QUESTION), move(2, M.OPEN_QUESTION)], [])
    transcript, formulation, _out, _found = _run(APPEASE_EN, "en", det)
    assert _facts(formulation).works == ()
    assert formulation_prose(transcript, det, formulation).what_works == ()


@pytest.mark.parametrize(
    ("answer", "missed"),
    [
        ("T: What's the worry, exactly?", False),  # "worry" picks up "worried"
        ("T: Let's look at your homework for this week.", True),
    ],
)
def test_an_emotion_picked_up_in_another_form_of_the_word_is_not_missed(
    answer: str, missed: bool
) -> None:
    from raccord.understand.facts import window_signals

    lines = [
        "T: How did the week go?",
        "P: I was worried the whole time about the interview on Friday.",
        answer,
        "P: Whatever.",
    ]
    transcript = session(lines, "en")
    det = detection([marker(3, S.REJECTS_INTERVENTION)], [move(0, M.OPEN_QUESTION)], [])
    found = window_signals(transcript, det, 3, 3, "en")
    assert any(s.kind == "missed_emotion" for s in found) is missed


def _safe_ground(lines: list[str]):  # type: ignore[no-untyped-def]
    """The safer ground of an episode of two markers on the session's last two patient turns."""
    import dataclasses

    from raccord.detect import detect

    transcript = session(lines, "fr")
    found = detect(transcript, mode="fast")
    last = len(lines) - 1
    markers = (
        marker(last - 2, MarkerSubtype.MINIMAL_RESPONSE),
        marker(last, MarkerSubtype.DENIAL),
    )
    det = dataclasses.replace(
        found, markers=markers, episodes=(episode(markers, last, resolved=Resolution.NO),)
    )
    return _first(formulate(transcript, det)).safe_topic


_AFTER = [
    "T: Et au travail, avec votre responsable ?",
    "P: Bof.",
    "T: Il s'est passé quelque chose ?",
    "P: Non, rien.",
]


def test_safer_ground_is_not_the_loss_the_patient_cried_over() -> None:
    """A reviewer found « revenons… à votre grand-mère » offered as safer ground: the longest
    turn before the episode was the one where the patient cried over her. The signals say so."""
    safe = _safe_ground(
        [
            "T: Comment s'est passée votre semaine ?",
            "P: [pleure] Dimanche, on a vidé la maison de ma grand-mère. Toutes ses affaires, ses "
            "photos, son tablier encore accroché dans la cuisine. Je ne pensais pas que ce serait "
            "si dur.",
            "T: Ça a été une journée très lourde.",
            "P: Très.",
            "T: Et le reste de la semaine ?",
            "P: Mardi je suis retournée au jardin partagé, j'ai planté les tomates avec "
            "les voisins, ça m'a fait du bien de voir du monde.",
            *_AFTER,
        ]
    )
    assert safe is not None and safe.head in ("jardin", "tomate"), safe  # the garden turn


def test_safer_ground_is_not_the_scene_told_through_long_pauses() -> None:
    """A reviewer found « revenons… à ce que vous me disiez sur le palier » offered to a
    firefighter: the landing was the hot spot of his trauma narrative, told with long pauses."""
    safe = _safe_ground(
        [
            "T: On reprend le récit là où on s'était arrêtés ?",
            "P: On arrive sur le palier. La porte de l'appartement est chaude, je le sens à "
            "travers le gant. [silence 6s] On ouvre, et là ça part d'un coup. Je sais plus où est "
            "mon collègue.",
            "T: Vous êtes sur le palier. Où vous en êtes, de 0 à 100 ?",
            "P: Quatre-vingts.",
            "T: Et la semaine, à la caserne ?",
            "P: Le lundi, on a repeint le local avec les gars, ça faisait du bien de voir du monde.",
            *_AFTER,
        ]
    )
    assert safe is None or safe.head not in ("palier", "porte", "appartement"), safe


def test_safer_ground_is_not_the_turn_that_goes_on_with_a_story_told_in_tears() -> None:
    """fresh44's review: « la pétanque » was offered as safer ground; it was named once, in the
    turn after the patient told his father's heart attack in tears, as the story went on."""
    safe = _safe_ground(
        [
            "T: Qu'est-ce qui vous revient, quand le cœur s'emballe ?",
            "P: Mon père a fait son infarctus devant moi. [pleure] Pardon.",
            "T: Prenez votre temps.",
            "P: Il s'en est sorti, hein, trois pontages, il joue à la pétanque tous les jours "
            "maintenant. Mais la sirène, les pompiers dans le couloir, ma mère qui criait.",
            "T: Et cette semaine, au travail ?",
            "P: Le chantier de la médiathèque avance bien, on a fini la charpente avec les gars.",
            *_AFTER,
        ]
    )
    assert safe is None or safe.head not in ("pétanque", "pontage", "sirène"), safe


@pytest.mark.parametrize(
    ("said", "missed"),
    [
        (
            "P: I think everyone's anxious in meetings, honestly. It's a whole cultural thing.",
            False,
        ),
        ("P: I get anxious in meetings, honestly. My hands shake.", True),
    ],
)
def test_an_emotion_said_of_people_in_general_is_not_the_patients(said: str, missed: bool) -> None:
    """A review found "an emotion said at turn 12 ('anxious') not picked up?" for abstract talk
    about everyone: the suggestion would have taught the therapist to follow the abstraction."""
    from raccord.understand.facts import window_signals

    lines = [
        "T: So if you were going to speak, what do you predict would happen?",
        said,
        "T: What would your mind tell you on Monday morning?",
        "P: Oh, did I tell you my sister's getting engaged?",
    ]
    transcript = session(lines, "en")
    det = detection([marker(3, S.TOPIC_SHIFT)], [move(0, M.OPEN_QUESTION)], [])
    found = window_signals(transcript, det, 3, 3, "en")
    assert any(s.kind == "missed_emotion" for s in found) is missed


@pytest.mark.parametrize(
    ("said", "followed"),
    [
        ("P: Je me rends compte que depuis l'agression, même chez moi, je reste en alerte.", False),
        (
            "P: Je me rends compte que depuis le déménagement, même chez moi, je reste en alerte.",
            True,
        ),
    ],
)
def test_a_painful_subject_is_not_one_to_follow(said: str, followed: bool) -> None:
    """A review found « Pouvez-vous m'en dire un peu plus sur l'agression ? » offered as
    following the patient's lead, in the stabilisation phase of EMDR."""
    import dataclasses

    from raccord.detect import detect

    lines = ["T: Comment c'était, la cuisine de votre grand-mère ?", said, "T: Mm."]
    transcript = session(lines, "fr")
    signals = detect(transcript, mode="fast").signals
    det = dataclasses.replace(
        detection([m := marker(1, S.TOPIC_SHIFT)], [], [episode([m], 2)]), signals=signals
    )
    (facts,) = _facts(formulate(transcript, det)).episodes
    assert (facts.patient_topic is not None) is followed


def test_nothing_just_before_still_names_the_part_flagged_further_into_the_episode() -> None:
    """fresh58's review: "None of your moves stands out just before" read as a verdict on the
    whole episode, while the timeline flagged the therapist's arguing and brushing-off later in
    it."""
    lines = [
        "T: And the handover on Sunday night, how was that?",
        "P: Same as usual.",
        "T: What's usual?",
        "P: I drive over, the girls get their bags. That's it.",
        "T: Is Stephen around when you drop them off?",
        "P: He's there, aye. I'm not angry about it, if that's what you're getting at.",
        "T: Okay. I'd like us to try the exercise I mentioned last week.",
        "P: If you want.",
        "T: If you only do what feels comfortable, you'll stay stuck where you are.",
        "P: Honestly, it's a bit daft.",
    ]
    ms = [
        marker(1, MarkerSubtype.MINIMAL_RESPONSE),
        marker(9, MarkerSubtype.COMPLAINT_ACTIVITIES),
    ]
    moves = [
        move(0, M.OPEN_QUESTION),
        move(2, M.OPEN_QUESTION),
        move(4, M.CLOSED_QUESTION),
        move(6, M.STRUCTURING),
        move(8, M.CONFRONTING, contribution=Contribution.CONFRONT_ARGUE),
    ]
    det = detection(ms, moves, [episode(ms, 9)])
    transcript, formulation, _out, _found = _run(lines, "en", det)
    part = " ".join(formulation_prose(transcript, det, formulation).episodes[0].therapist_part)
    assert "None of your moves stands out just before the first marker" in part
    assert "flags turn 9 as possibly feeding the rupture" in part
