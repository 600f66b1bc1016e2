"""One cue engine, one pattern dialect: speech-to-text French without accents reads as accented
French, for the client signals and for the therapist moves alike, and evidence quotes the words
as written."""

from __future__ import annotations

import pytest

from raccord.detect import questions
from raccord.detect import signals as sig
from raccord.detect.move_labels import label_moves
from raccord.detect.moves import move_type
from raccord.io import parse
from raccord.lang import cues
from raccord.model import Marker, Transcript
from raccord.taxonomy import MarkerSubtype, Role


def session(text: str, language: str = "fr") -> Transcript:
    (transcript,) = parse(text, fmt="text", language=language)
    return transcript


def unaccented(text: str) -> str:
    """What a speech-to-text service without French accents writes (straight apostrophes)."""
    return cues.strip_accents(text).replace("’", "'")


# --------------------------------------------------------------------------- the engine


def test_text_and_patterns_fold_alike() -> None:
    assert cues.fold("Ça VA pas, l’Été") == "ca va pas, l'ete"
    assert cues.fold_pattern("(?:ça|Été) va\\W") == "(?:ca|ete) va\\W"
    # a character folding into punctuation is escaped: « … » stays one literal ellipsis
    assert cues.fold_pattern("[,.…]|…") == "[,.\\.\\.\\.]|\\.\\.\\."


def test_the_sentence_view_maps_each_position_back_to_the_words_as_written() -> None:
    written = "Ça  va\n« très » bien…"
    folded = cues.fold_sentences(written)
    assert folded.text == "ca va tres bien..."
    start = folded.text.index("tres")
    assert folded.raw(start, start + len("tres bien")) == "très » bien"
    assert folded.raw(0, 5) == "Ça  va"


def test_a_cue_starts_at_a_word_start_and_may_follow_an_elision() -> None:
    cue_set = cues.CueSet("t", ["il faut", "été"])
    assert cue_set.search("qu'il faut partir") is not None
    assert cue_set.search("profil faut") is None
    hit = cue_set.search("c'est l'ete")
    assert hit is not None and hit.group() == "ete"


def test_a_cue_ending_on_a_space_asks_for_a_following_word() -> None:
    cue_set = cues.CueSet("t", ["essayez "])
    assert cue_set.search("essayez de dormir") is not None
    assert cue_set.search("essayez") is None


# --------------------------------------------------------------------------- questions

_FRENCH_QUESTIONS = [
    ("Ça vous fait quoi, de l’entendre ?", questions.OPEN),
    ("Vous pensez à quoi ?", questions.OPEN),
    ("Où en êtes-vous avec ça ?", questions.OPEN),
    ("Et ça s'est passé comment ?", questions.OPEN),
    ("Vous êtes d’accord ?", questions.CLOSED),
    ("Ça va mieux depuis la dernière fois ?", questions.CLOSED),
    ("Ou bien vous préférez qu’on arrête là ?", questions.CLOSED),
    ("Vous avez quel âge ?", questions.CLOSED),
    ("Je vous écoute.", questions.NONE),
]


@pytest.mark.parametrize(("text", "expected"), _FRENCH_QUESTIONS)
def test_a_question_without_accents_is_classified_as_with_them(text: str, expected: str) -> None:
    assert questions.kind(text, "fr") == expected
    assert questions.kind(unaccented(text), "fr") == expected
    assert questions.kind(unaccented(text).lower(), "fr") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What was that like for you?", questions.OPEN),
        ("So how long ago was that?", questions.CLOSED),
        ("If you had caught it, which skill might have helped?", questions.OPEN),
        ("Do you still smoke?", questions.CLOSED),
    ],
)
def test_english_questions(text: str, expected: str) -> None:
    assert questions.kind(text, "en") == expected


def test_the_signals_and_the_moves_ask_the_same_question_classifier() -> None:
    lines = [text for text, _ in _FRENCH_QUESTIONS if "?" in text]
    for text in lines + [unaccented(t) for t in lines]:
        transcript = session(f"T: {text}\nP: Oui.")
        signal = sig.compute(transcript)[0]
        move, _ = move_type(text, "fr")
        assert signal.question == questions.kind(text, "fr")
        assert move.value == f"{signal.question}_question", text


# ------------------------------------------------------ unpunctuated speech-to-text sessions

_SPOKEN_FR = """T: bonjour asseyez-vous je vous ecoute
P: oui bonjour ben ca va a peu pres
T: d'accord et comment ca s'est passe avec votre mere cette semaine
P: on s'est vues dimanche elle a encore parle du travail
T: alors est-ce que vous lui avez dit ce que vous ressentiez
P: non pas vraiment
T: vous y etes allee seule ou pas
P: seule
T: je vous entends c'etait une semaine chargee"""

_SPOKEN_EN = """T: hi come in have a seat
P: hi yeah thanks it's been a long week
T: okay so how did it go with your mother on sunday
P: she talked about my job again the whole time
T: and did you tell her what you felt
P: no not really
T: you went on your own right
P: yeah on my own
T: it sounds like it was a heavy week for you"""


_WRITTEN = {
    "fr": """T: Bonjour, asseyez-vous. Je vous écoute.
P: Oui, bonjour. Ben, ça va, à peu près.
T: D'accord. Et comment ça s'est passé avec votre mère, cette semaine ?
P: On s'est vues dimanche. Elle a encore parlé du travail.
T: Alors, est-ce que vous lui avez dit ce que vous ressentiez ?
P: Non. Pas vraiment.
T: Vous y êtes allée seule, ou pas ?
P: Seule.
T: Je vous entends : c'était une semaine chargée.""",
    "en": """T: Hi, come in, have a seat.
P: Hi. Yeah, thanks. It's been a long week.
T: Okay. So how did it go with your mother on Sunday?
P: She talked about my job again. The whole time.
T: And did you tell her what you felt?
P: No. Not really.
T: You went on your own, right?
P: Yeah. On my own.
T: It sounds like it was a heavy week for you.""",
}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (_SPOKEN_FR, "fr", ["none", "open", "closed", "closed", "none"]),
        (_SPOKEN_EN, "en", ["none", "open", "closed", "closed", "none"]),
    ],
)
def test_an_unpunctuated_session_is_read_for_its_questions_by_their_words(
    text: str, language: str, expected: list[str]
) -> None:
    """Plain speech-to-text writes no question mark: every therapist turn read as a statement,
    and the patient's short answers to closed questions as withdrawal."""
    transcript = session(text, language)
    assert questions.unpunctuated(t.text for t in transcript.turns)
    therapist = [s for s in sig.compute(transcript) if s.role is Role.THERAPIST]
    assert [s.question for s in therapist] == expected
    # the moves are those of the same session written with its punctuation
    written = session(_WRITTEN[language], language)
    assert [m.move for m in label_moves(transcript, (), mode="fast")] == [
        m.move for m in label_moves(written, (), mode="fast")
    ]


def test_a_punctuated_session_without_a_question_is_not_read_as_speech_to_text() -> None:
    written = session("T: Je vous écoute.\nP: Ça va.\nT: Vous avez l'air fatigué.\nP: Un peu, oui.")
    assert not questions.unpunctuated(t.text for t in written.turns)
    assert [s.question for s in sig.compute(written) if s.role is Role.THERAPIST] == ["none"] * 2
    # a statement of an unpunctuated session stays a statement
    assert questions.kind("et ce que vous avez dit etait important", "fr", spoken=True) == "none"
    assert questions.kind("that's right", "en", spoken=True) == "none"
    assert questions.kind("and what you said was important", "en", spoken=True) == "none"


def test_the_question_of_a_spoken_turn_is_cut_where_it_opens() -> None:
    turn = "i hear you that sounds hard so what happened next"
    spans = questions.sentences(turn, "en", spoken=True)
    assert [(turn[a:b].strip(), q) for a, b, q in spans] == [
        ("i hear you that sounds hard", False),
        ("so what happened next", True),
    ]
    assert questions.asks(turn, "en", spoken=True)
    assert not questions.asks(turn, "en")


# --------------------------------------------------------------------------- therapist moves

_FRENCH_MOVES = [
    "J'ai l'impression que ce que je viens de dire vous a blessé.",
    "Vous devriez vraiment arrêter de fumer, c'est très mauvais pour votre santé.",
    "Il faudrait que vous réduisiez dès cette semaine.",
    "Je suis désolé, je suis allé trop vite.",
    "C’est très bien, ce que vous avez fait là.",
    "Ça vous fait quoi, de l’entendre ?",
    "Où en êtes-vous avec ça ?",
    "Vous êtes d’accord ?",
]


@pytest.mark.parametrize("text", _FRENCH_MOVES)
def test_a_therapist_turn_without_accents_gets_the_same_move(text: str) -> None:
    accented, evidence = move_type(text, "fr")
    plain, plain_evidence = move_type(unaccented(text), "fr")
    assert plain is accented
    # the evidence quotes each version as it was written
    assert evidence[0].words.rstrip("…") in text
    assert plain_evidence[0].words.rstrip("…") in unaccented(text)


def test_an_apology_reads_as_meta_communication_with_or_without_accents() -> None:
    for text in (
        "Je suis désolé, je suis allé trop vite.",
        "je suis desole, je suis alle trop vite",
    ):
        assert move_type(text, "fr")[0].value == "meta_communication"


def test_a_session_without_accents_gets_the_same_labels() -> None:
    text = (
        "T: Vous devriez arrêter de fumer, c'est très dangereux.\n"
        "P: Ça va pas, j'ai pas envie d'en parler.\n"
        "T: Je suis désolé, je suis allé trop vite. Ça vous fait quoi, ce que je viens de dire ?\n"
        "P: Bof. Vous êtes comme mon médecin.\n"
    )
    accented, plain = session(text), session(unaccented(text))
    marker = Marker(
        1, MarkerSubtype.REJECTS_INTERVENTION.kind, MarkerSubtype.REJECTS_INTERVENTION, 2, 0.7
    )

    def labels(t: Transcript) -> list[tuple[str, str, str]]:
        return [
            (m.move.value, m.contribution.value, m.repair.value)
            for m in label_moves(t, (marker,), mode="fast")
        ]

    assert labels(plain) == labels(accented)
    assert labels(accented)[0][1] != "none"  # the warning against the client's stance


# --------------------------------------------------------------------------- client signals


def test_a_patient_turn_without_accents_fires_the_same_cues() -> None:
    text = (
        "T: Et cette semaine, comment ça s'est passé avec votre mère ?\n"
        "P: Ça va pas. J'ai pas envie d'en parler, ça sert à rien.\n"
        "T: Vous êtes d'accord pour qu'on en reparle plus tard ?\n"
        "P: Non. Vous êtes comme les autres, vous comprenez rien.\n"
    )
    accented = sig.compute(session(text))
    plain = sig.compute(session(unaccented(text)))
    fired = 0
    for a, b in zip(accented, plain, strict=True):
        assert a.question == b.question
        assert [(h.family, h.weight) for h in a.cues] == [(h.family, h.weight) for h in b.cues]
        assert [name for name, _ in a.words_of] == [name for name, _ in b.words_of]
        fired += len(a.cues)
        if a.role is Role.PATIENT:
            # evidence quotes the patient's own words: accents where they wrote them
            for hit in a.cues:
                assert hit.words in session(text).turns[a.index].text
    assert fired >= 2


def test_an_objection_the_patient_denies_making_fires_no_rejection_cue() -> None:
    """« C'est pas que c'est faux » grants the point; « c'est faux » disputes it."""
    text = (
        "T: Et si on regardait ce qui se passe quand vous rentrez le soir ?\n"
        "P: C'est pas que c'est faux, en fait. Je sais juste pas par où commencer.\n"
        "T: Vous dites que vous buvez pour vous détendre.\n"
        "P: Non, c'est faux.\n"
    )
    turns = sig.compute(session(text))
    assert not [h for h in turns[1].cues if h.family == "rejects_intervention"]
    assert [h for h in turns[3].cues if h.family == "rejects_intervention"]


def test_evidence_quotes_words_with_curly_apostrophes_as_written() -> None:
    """The cue matched « je m'excuse » on folded text; the evidence keeps « m’excuse »."""
    assert cues.as_written("Bon. Je m’excuse, vraiment.", "je m'excuse") == "Je m’excuse"
    assert cues.as_written("Ça va pas.", "ca va pas") == "Ça va pas"


def _fired(text: str, turn: int) -> set[str]:
    language = "fr" if any(w in text for w in (" vous ", " je ", "Je ", " ça ")) else "en"
    return {h.family for h in sig.compute(session(text, language))[turn].cues}


@pytest.mark.parametrize(
    ("therapist", "patient", "family"),
    [
        (
            "How did it feel to talk about him?",
            "I don't see what talking about it is going to do.",
            "complaint_progress",
        ),
        (
            "What comes up for you?",
            "You always want to talk about feelings.",
            "complaint_activities",
        ),
        (
            "Can you say more?",
            "I don't think you really get what it's like.",
            "complaint_therapist",
        ),
        ("What would your friends say?", "Come on. You're not seventeen.", "complaint_therapist"),
        (
            "Vous en pensez quoi ?",
            "Je me demande si ça sert à quelque chose, de venir ici.",
            "complaint_progress",
        ),
        ("On reprend le carnet ?", "On fait ça depuis deux mois.", "complaint_progress"),
        (
            "Qu'est-ce qui vous vient ?",
            "Vous voulez toujours que je parle de mes émotions.",
            "complaint_activities",
        ),
        (
            "Vous pouvez m'en dire plus ?",
            "Je crois pas que vous puissiez comprendre.",
            "complaint_therapist",
        ),
        ("Et vous, vous en dites quoi ?", "Vous avez quel âge, au juste ?", "complaint_therapist"),
    ],
)
def test_doubts_about_the_therapist_the_work_and_its_use_fire_their_cue(
    therapist: str, patient: str, family: str
) -> None:
    assert family in _fired(f"T: {therapist}\nP: {patient}\n", 1)


@pytest.mark.parametrize(
    "patient",
    [
        "Difficile. Jeudi, ça faisait un an que ma mère est partie.",
        "Ça fait deux mois que je dors mal, depuis l'accident.",
        "I've been feeling this way for months, since the divorce.",
        "My daughter is seventeen now.",
    ],
)
def test_time_and_age_in_the_patients_life_fire_no_complaint(patient: str) -> None:
    fired = _fired(f"T: Comment allez-vous ?\nP: {patient}\n", 1)
    assert not fired & {"complaint_progress", "complaint_therapist", "complaint_activities"}


@pytest.mark.parametrize(
    ("language", "therapist", "patient", "irritated"),
    [
        # the same word again closes the therapist off; two different ones comply
        ("fr", "Il faudrait vraiment arrêter.", "Oui, oui, je sais, je sais.", True),
        ("en", "You really need to cut down.", "Okay, okay. I know, I know.", True),
        (
            "fr",
            "Je vous propose de le faire tous les soirs.",
            "[silence 3s] D'accord. Oui, si vous pensez que c'est ce qu'il faut faire.",
            False,
        ),
        ("en", "Let's try it every evening.", "Okay. Sure. If you think that's best.", False),
    ],
)
def test_a_repeated_yes_is_irritation_two_different_ones_are_compliance(
    language: str, therapist: str, patient: str, irritated: bool
) -> None:
    turn = sig.compute(session(f"T: {therapist}\nP: {patient}\n", language))[1]
    assert (turn.irritation > 0) is irritated
    assert turn.compliance > 0
    if not irritated:
        assert "deferential_appeasing" in {h.family for h in turn.cues}


def _groups(pattern: str) -> list[tuple[str, list[str], str]]:
    """Each group of a pattern: the character before it, its top-level branches, the character
    after it (lookarounds and escaped brackets skipped)."""
    out = []
    for start, c in enumerate(pattern):
        if c != "(" or (start and pattern[start - 1] == "\\"):
            continue
        if pattern.startswith(("(?=", "(?!", "(?<"), start):
            continue
        k = start + 1 + (2 if pattern.startswith("?:", start + 1) else 0)
        depth, branches, current = 1, [], ""
        while k < len(pattern):
            c = pattern[k]
            if c == "\\":
                current += pattern[k : k + 2]
                k += 2
                continue
            depth += c == "("
            depth -= c == ")"
            if depth == 0:
                break
            if c == "|" and depth == 1:
                branches.append(current)
                current = ""
            else:
                current += c
            k += 1
        after = pattern[k + 1 : k + 2]
        if after == "?":  # an optional group: what follows it is what counts
            after = pattern[k + 2 : k + 3]
        out.append((pattern[start - 1 : start], [*branches, current], after))
    return out


def _pack_patterns() -> list[tuple[str, str]]:
    import tomllib
    from pathlib import Path

    import raccord.lang

    found: list[tuple[str, str]] = []

    def walk(x: object, where: str) -> None:
        if isinstance(x, str):
            found.append((where, x))
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(v, f"{where}.{k}")
        elif isinstance(x, list):
            for v in x:
                walk(v, where)

    for path in sorted(Path(raccord.lang.__file__).parent.glob("*/*.toml")):
        walk(tomllib.loads(path.read_text(encoding="utf-8")), f"{path.parent.name}/{path.name}")
    return found


def test_no_pattern_puts_a_space_before_an_elision() -> None:
    """« i (was|'ve been) » never matches "i've been": the space before the group kept every
    branch that starts with an apostrophe dead (eighteen patterns, among them meta-communication,
    "you've no idea", "I'd like to"); « (je|j') (ai) » the same for « j'ai »."""
    dead = [
        (where, pattern)
        for where, pattern in _pack_patterns()
        for before, branches, after in _groups(pattern)
        if (before == " " and any(b.startswith("'") for b in branches))
        or (after == " " and any(b.endswith("'") for b in branches))
    ]
    assert dead == []


def test_no_pattern_starts_a_match_on_the_punctuation_before_a_sentence() -> None:
    """A cue starts at a word start (``CueSet``), so « (?:^|[.!?] )c'est noté » matched only at
    the turn's start: the punctuation it consumed starts no word (« Oui. Ça, je peux essayer.
    [silence 2s] Et la prochaine fois, on parle de ma mère » was no request of the patient's,
    fresh62). The sentence start is a look-behind: ``(?:^|(?<=[.!?] ))``."""
    import re

    dead = [
        (where, pattern)
        for where, pattern in _pack_patterns()
        if re.search(r"\(\?:\^\|\[[^\]]*\][ +]*\)", pattern.replace("\\]", ""))
        and "(?:^|(?<=" not in pattern
    ]
    assert dead == []


@pytest.mark.parametrize(
    ("language", "therapist", "patient"),
    [
        # anger at a brother who writes "every week" is not a complaint about the frame
        (
            "en",
            "He sent you another one?",
            "Every week! He thinks he's helping. He never listens.",
        ),
        ("fr", "Il vous a rappelée ?", "Toutes les semaines ! Elle croit qu'elle m'aide."),
    ],
)
def test_every_week_said_of_someone_else_is_no_complaint_about_the_frame(
    language: str, therapist: str, patient: str
) -> None:
    assert "complaint_parameters" not in _fired(f"T: {therapist}\nP: {patient}\n", 1)


def test_coming_every_week_is_still_the_frame() -> None:
    fired = _fired("T: How are things?\nP: Coming here every week is a lot, honestly.\n", 1)
    assert "complaint_parameters" in fired


def test_whatever_works_for_you_is_compliance_not_irritation() -> None:
    """A blind review found "Sure, no problem. Friday's fine. Whatever works for you." quoted as
    an irritation cue ("fine. Whatever") spliced across two sentences."""
    text = "T: I need to move Friday.\nP: Oh. Sure, no problem. Friday's fine. Whatever works for you.\n"
    turn = sig.compute(session(text, "en"))[1]
    assert turn.irritation == 0
    assert turn.compliance > 0


@pytest.mark.parametrize(
    ("language", "patient"),
    [
        # emphatic agreement with what the therapist just said
        ("fr", "Voilà. C'est exactement ça. Chaque case vide, c'est un reproche."),
        ("en", "Yes. That's exactly it. Every empty box is a telling-off."),
        # tears with an apology for them: a blind set's sessions without rupture had them marked
        ("fr", "Toute seule à cette table, avec... Excusez-moi. C'est ridicule."),
        ("fr", "(pleure) Pardon, je sais pas d'où ça vient."),
        ("en", "[crying] Sorry. I don't know where that's come from."),
        ("en", "Sorry, this is so embarrassing."),
        # relief at having said it
        ("fr", "Ça fait du bien de le dire, en fait. Je l'ai dit à personne."),
        ("en", "It feels good to say it, actually."),
        # correcting one's own earlier "fine" opens up what was held back
        ("fr", "Tout à l'heure j'ai dit que ça allait, c'est pas vrai. Je dors plus."),
        ("en", "Earlier I said it was fine. That's not true. I'm not sleeping."),
    ],
)
def test_engagement_that_looks_like_a_marker_reads_as_genuine(language: str, patient: str) -> None:
    turn = sig.compute(session(f"T: Et là ?\nP: {patient}\n", language))[1]
    assert turn.genuine > 0


@pytest.mark.parametrize(
    ("patient", "irritated"),
    [
        # British "get back off (to sleep)" is about sleep, not a patient telling anyone to back off
        ("Lie there. Try and get back off. Don't usually.", False),
        ("I just drift back off after a while.", False),
        ("Honestly, just back off a bit, will you?", True),
    ],
)
def test_back_off_is_irritation_only_when_said_to_someone(patient: str, irritated: bool) -> None:
    turn = sig.compute(session(f"T: And then what happens?\nP: {patient}\n", "en"))[1]
    assert (turn.irritation > 0) is irritated


@pytest.mark.parametrize(
    ("language", "patient"),
    [
        ("fr", "Oh, d'ailleurs, je vous ai pas dit ! On a pris un chaton. Il s'appelle Biscotte."),
        ("en", "Oh, guess what? We got a kitten. She's called Biscuit."),
        ("en", "Oh, by the way, we got a kitten."),
    ],
)
def test_news_brought_in_after_a_question_about_oneself_is_a_topic_shift_cue(
    language: str, patient: str
) -> None:
    question = (
        "Et vous, samedi, en arrivant là-bas, qu'est-ce qui s'est passé pour vous ?"
        if language == "fr"
        else "And for you, on Saturday, when you got there, what happened?"
    )
    turn = sig.compute(session(f"T: {question}\nP: {patient}\n", language))[1]
    assert "topic_shift" in {h.family for h in turn.cues}


@pytest.mark.parametrize(
    ("language", "therapist", "patient", "measure"),
    [
        # tears owned in the session move towards the therapist, not away
        (
            "en",
            "And that day?",
            "Sorry. I told myself in the car I wasn't going to start.",
            "genuine",
        ),
        (
            "en",
            "And that day?",
            "Yes. Sorry. Sorry, I'm going to get through your whole box.",
            "genuine",
        ),
        ("en", "And that day?", "I don't know why I'm crying about something so old.", "genuine"),
        ("fr", "Et ce jour-là ?", "Pardon. Excusez-moi, je vous fais ça à chaque fois.", "genuine"),
        (
            "fr",
            "Et ce jour-là ?",
            "Je sais pas pourquoi je pleure pour des trucs d'avant.",
            "genuine",
        ),
        (
            "fr",
            "Et ce jour-là ?",
            "Je m'étais dit dans la voiture que j'allais pas pleurer.",
            "genuine",
        ),
        # deferring to the therapist's knowledge is compliance
        (
            "en",
            "It would make sense, wouldn't it?",
            "Sure. You'd know better than me.",
            "compliance",
        ),
        ("fr", "Ça se tiendrait, non ?", "Sûrement. Vous savez mieux que moi.", "compliance"),
        # keeping the pace of a subject is a deferral
        ("en", "And your mom?", "I'd just like to get there myself, when I'm ready.", "defers"),
        ("fr", "Et votre mère ?", "J'y viendrai moi-même, quand je serai prête.", "defers"),
    ],
)
def test_what_the_patient_owns_or_keeps_reads_in_its_own_measure(
    language: str, therapist: str, patient: str, measure: str
) -> None:
    turn = sig.compute(session(f"T: {therapist}\nP: {patient}\n", language))[1]
    assert getattr(turn, measure) > 0
