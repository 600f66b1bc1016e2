"""What the session agreed to take up next time comes before any sentence prepared to reopen an
episode (a blind review found the prepared sentence reopening a two-turn tension when the patient
had asked to spend next week on what she would say to her daughter, and the therapist had said
yes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from raccord.brief import brief
from raccord.io import parse
from raccord.pipeline import analyze
from raccord.prose import of
from raccord.understand import plans


def _session(lines: list[str], language: str):  # type: ignore[no-untyped-def]
    (transcript,) = parse("\n".join(lines) + "\n", fmt="text", language=language)
    return transcript


EN = [
    "T: How have things been since last week?",
    "P: Up and down. Claire came round on Sunday and it went badly again.",
    "T: What happened?",
    "P: She started on about the money and I just shut down. I always do.",
    "T: That sounds hard.",
    "P: [silence 3s] Could we spend some of next week on what I'd actually say to her? "
    "The next time she comes to me like that?",
    "T: Yes, let's do that. We'll start there next week.",
    "P: Okay. Good. See you next week.",
]
FR = [
    "T: Comment s'est passée votre semaine ?",
    "P: Bof. Ma sœur est venue dimanche, et ça s'est encore mal passé.",
    "T: Qu'est-ce qui s'est passé ?",
    "P: Elle a parlé de l'héritage et je me suis fermée, comme d'habitude.",
    "T: Ça a l'air d'avoir été difficile.",
    "P: Oui. Est-ce qu'on pourrait travailler sur ce que je pourrais lui dire, la prochaine fois ?",
    "T: D'accord, on commencera par là la semaine prochaine.",
    "P: Merci. À la semaine prochaine.",
]


@pytest.mark.parametrize(("lines", "language"), [(EN, "en"), (FR, "fr")])
def test_a_request_for_next_session_and_the_therapists_yes_are_found(
    lines: list[str], language: str
) -> None:
    (plan,) = plans.find(_session(lines, language), language)
    assert (plan.turn, plan.agreed_at) == (5, 6)
    # quoted as the patient said it, whole
    assert plan.words.startswith(("Could we spend some of next week", "Est-ce qu'on pourrait"))
    assert plan.words.endswith("?") and "…" not in plan.words


def test_a_request_without_a_yes_is_kept_as_asked() -> None:
    lines = [*EN[:6], "T: Mm. What would you want to say to her?", "P: I don't know yet."]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert plan.agreed_at is None


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Next week I'm going to my mum's, so I might be late."),
        ("en", "We could do that, I suppose."),
        ("fr", "La semaine prochaine je pars chez ma mère."),
        ("fr", "On pourrait dire que ça va mieux."),
    ],
)
def test_talk_about_next_week_is_not_a_request(language: str, text: str) -> None:
    lines = ["T: Comment ça va ?" if language == "fr" else "T: How are you?", f"P: {text}"]
    assert plans.find(_session(lines, language), language) == ()


@pytest.mark.parametrize(("lines", "language"), [(EN, "en"), (FR, "fr")])
def test_the_plan_is_the_first_thing_carried_to_next_session(
    lines: list[str], language: str
) -> None:
    analysis = analyze(_session(lines, language), mode="fast")
    text = of(analysis)
    assert text is not None and text.open_items
    first = text.open_items[0]
    assert ("turn 6" in first and "turn 7" in first) or ("tour 6" in first and "tour 7" in first)
    assert brief(analysis, text).planned


def test_the_brief_shows_the_plan_before_any_prepared_sentence(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from raccord.cli import cli

    path = tmp_path / "s.txt"
    path.write_text("\n".join(EN) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", str(path), "--mode", "fast"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    plan = flat.index("Asked for by the patient for next session")
    assert "Could we spend some of next week on what I'd actually say to her?" in flat
    for later in ("Then, if the moment allows", "Next session, for instance"):
        if later in flat:
            assert flat.index(later) > plan
    assert "Next session, for instance" not in flat  # with a plan, the sentence comes "then"


def test_the_html_report_shows_the_plan_in_the_next_time_box() -> None:
    pytest.importorskip("jinja2")
    pytest.importorskip("plotly")
    from raccord.export import to_json
    from raccord.report import document, view
    from raccord.store.records import transcript_rows

    transcript = _session(EN, "en")
    v = view.build(to_json(analyze(transcript, mode="fast")), transcript_rows(transcript))
    assert v.plan is not None and v.plan == v.open_items[0]
    page = document.html(v)
    box = page.index("The sentence to prepare")
    assert page.index("what I&#39;d actually say to her", box) < page.index("Open items", box)


def test_the_answer_to_the_therapists_question_about_next_session_is_the_plan() -> None:
    lines = [
        "T: We've got about five minutes. For the joint session next week, is there anything "
        "from today you'd want to bring in, or keep here?",
        "P: The money thing. I want to tell her about that myself. Not the dad stuff, not yet.",
        "T: That sounds right. You decide what goes in.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at) == (1, 2)
    assert plan.words == (
        "The money thing. I want to tell her about that myself. Not the dad stuff, not yet."
    )


def test_a_short_clause_after_the_request_is_quoted_with_it() -> None:
    lines = [
        "T: Il nous reste peu de temps.",
        "P: Est-ce qu'on pourrait reprendre ça la prochaine fois ? Les deux ans.",
        "T: Bien sûr. On le garde pour mardi prochain.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    # the fact keeps the words as said, spacing included (the prose typesets the quote)
    assert plan.words == "Est-ce qu'on pourrait reprendre ça la prochaine fois ? Les deux ans."
    assert plan.agreed_at == 2


@pytest.mark.parametrize(
    ("language", "question"),
    [
        (
            "fr",
            "Et si la prochaine fois il refait une remarque comme ça en réunion, qu'est-ce que "
            "vous aimeriez pouvoir faire ?",
        ),
        ("en", "And next time she says that, what would you want to do?"),
    ],
)
def test_a_question_about_the_next_time_something_happens_asks_for_no_plan(
    language: str, question: str
) -> None:
    answer = "Lui dire d'arrêter, je crois." if language == "fr" else "Tell her to stop, I think."
    assert plans.find(_session([f"T: {question}", f"P: {answer}"], language), language) == ()


@pytest.mark.parametrize(
    ("language", "yes"),
    [
        ("fr", "Oui, on le met en premier la prochaine fois."),
        ("en", "Yes, we'll put it first next week."),
    ],
)
def test_putting_the_request_first_is_a_yes(language: str, yes: str) -> None:
    ask = (
        "P: Est-ce qu'on pourrait parler du contrôle la prochaine fois ?"
        if language == "fr"
        else "P: Could we talk about the check-up next time?"
    )
    start = "T: Il nous reste peu de temps." if language == "fr" else "T: We're nearly out of time."
    (plan,) = plans.find(_session([start, ask, f"T: {yes}"], language), language)
    assert plan.agreed_at == 2


def test_the_answer_to_what_to_look_at_next_time_and_a_start_by_it_is_the_plan() -> None:
    """A blind reading (/work/fresh10) found this plan missing from the brief."""
    lines = [
        "T: On arrive à la fin. Pour la prochaine fois, qu'est-ce que vous aimeriez qu'on regarde ?",
        "P: Je voudrais parler du village. Comment je fais pour retourner chercher mon pain.",
        "T: D'accord. Alors on commence par le village la prochaine fois. Ça vous va ?",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert (plan.turn, plan.agreed_at) == (1, 2)
    assert plan.words.startswith("Je voudrais parler du village")


def test_a_request_to_work_on_it_before_sunday_agreed_once_a_slot_is_found() -> None:
    lines = [
        "T: Would it help to work on that moment together, what you'd want to say?",
        "P: Yeah. Can we do it before Sunday though? Could I come Thursday instead?",
        "T: Let me look. [pause] I've got Thursday at four.",
        "P: Four's good. I'll come straight from the job.",
        "T: Okay. So Thursday we start with your dad and Sunday.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at) == (1, 4)
    assert "before Sunday" in plan.words


def test_a_second_request_is_quoted_in_the_patients_own_words() -> None:
    """Rejoining the clauses a quote keeps once dropped the patient's « Et » (« … me regarde.
    Après, savoir si… »): the quote is the span of the turn as said."""
    lines = [
        "T: Pour la prochaine fois, qu'est-ce que vous voudriez qu'on regarde ?",
        "P: Je voudrais parler du village. Comment je fais pour retourner chercher mon pain. "
        "Et après, savoir si je rachète des bêtes ou pas.",
        "T: D'accord, on commencera par le village.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert plan.words == (
        "Je voudrais parler du village. Comment je fais pour retourner chercher mon pain. "
        "Et après, savoir si je rachète des bêtes ou pas."
    )


def test_the_therapists_yes_is_quoted_when_it_says_what_the_session_will_do() -> None:
    """A request may only point at the plan ("Can we do it before Sunday?"): the yes that names
    it is kept, as said; a bare yes (« On le met en premier la prochaine fois, d'accord ») not."""
    lines = [
        "T: Would it help to work on that moment together, what you'd want to say or do?",
        "P: Yeah. Can we do it before Sunday though? Could I come Thursday instead?",
        "T: Let me look. I've got Thursday at four.",
        "P: Four's good. I'll come straight from the job.",
        "T: Okay. So Thursday we start with your dad and Sunday, and if there's time, Claire. "
        "Before we stop, one thing.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert plan.agreed_at == 4
    assert (
        plan.summary == "So Thursday we start with your dad and Sunday, and if there's time, Claire"
    )
    text = of(analyze(_session(lines, "en"), mode="fast")).open_items[0]
    assert "you summed it up as “So Thursday we start with your dad" in text
    bare = [
        "T: Voilà.",
        "P: J'aimerais bien qu'on en reparle la prochaine fois, de comment je lui dis.",
        "T: On le met en premier la prochaine fois, d'accord. Il nous reste quelques minutes.",
    ]
    (plan,) = plans.find(_session(bare, "fr"), "fr")
    assert plan.agreed_at == 2 and plan.summary is None


def test_a_proposal_for_next_session_the_patient_says_yes_to_is_a_plan() -> None:
    """A blind review found the patient's wish to rehearse before the mediation dropped: the
    therapist had proposed it for next week and he had said yes."""
    lines = [
        "T: What would it be like to say that on the 14th?",
        "P: Terrifying. I don't know. I'd want to practise it first.",
        "T: We could do that next week, if you'd like: rehearse a couple of sentences together.",
        "P: Yes. I'd like that.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at, plan.proposed) == (2, 3, True)
    assert plan.words.startswith("We could do that next week")
    text = of(analyze(_session(lines, "en"), mode="fast")).open_items[0]
    assert text.startswith("Proposed by you for next session (turn 3) and accepted by the patient")


@pytest.mark.parametrize(
    ("language", "offer", "answer"),
    [
        ("fr", "Alors on peut la décaler à cinq heures et quart le jeudi.", "D'accord."),
        ("en", "We could do that next week.", "I'm not sure, to be honest."),
    ],
)
def test_a_habit_on_a_weekday_or_a_proposal_not_taken_is_no_plan(
    language: str, offer: str, answer: str
) -> None:
    opening = "T: Et la collation ?" if language == "fr" else "T: And the homework?"
    lines = [opening, "P: …", f"T: {offer}", f"P: {answer}"]
    assert plans.find(_session(lines, language), language) == ()


TASKS = {
    "fr": [
        "T: Comment s'est passée la semaine ?",
        "P: Pas trop mal. J'ai encore évité la boulangerie, par contre.",
        "T: D'ici la semaine prochaine, est-ce que vous pourriez noter chaque soir un moment "
        "où vous avez eu envie d'éviter ?",
        "P: Oui, je peux essayer.",
        "T: Et qu'est-ce que vous pourriez faire cette semaine pour votre sœur ?",
        "P: Je sais pas. Cette semaine, je vais l'appeler, je pense.",
        "T: Je vous propose aussi de relire la fiche entre deux séances.",
        "P: [silence 4s] Mm.",
    ],
    "en": [
        "T: How has the week been?",
        "P: Not too bad. I still avoided the bakery, though.",
        "T: Between now and next week, could you jot down each evening one moment you wanted "
        "to avoid something?",
        "P: Yeah, I can try that.",
        "T: And what could you do this week about your sister?",
        "P: Don't know. This week I'm going to call her, I think.",
        "T: Maybe you could also reread the handout before next time.",
        "P: [silence 4s] Mm.",
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_tasks_for_the_week_are_read_with_the_patients_answer(language: str) -> None:
    """A therapist expects the week's agreements in the brief: a task accepted, a task with no
    clear yes (check it suited before asking for its account), and what the patient said they
    would do; a question asking what they could do is not a task proposed."""
    found = plans.find(_session(TASKS[language], language), language)
    assert [(p.turn, p.agreed_at, p.proposed, p.between) for p in found] == [
        (2, 3, True, True),
        (5, None, False, True),
        (6, None, True, True),
    ]
    assert found[0].words.startswith(("D'ici la semaine prochaine", "Between now and next week"))
    assert "appeler" in found[1].words or "call her" in found[1].words


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_weeks_tasks_come_after_the_plan_for_next_session(language: str) -> None:
    lines = {"fr": FR, "en": EN}[language]
    transcript = _session([*lines[:6], *TASKS[language][2:4], *lines[6:]], language)
    analysis = analyze(transcript)
    items = of(analysis).open_items
    plan = items[0]
    assert "prochaine séance" in plan or "next session" in plan
    task = next(i for i in items if "semaine" in i.split(":")[0] or "week" in i.split(":")[0])
    assert items.index(task) == 1
    assert ("(tour 7) et acceptée (tour 8)" in task) or ("(turn 7) and accepted (turn 8)" in task)


def test_one_turn_gives_the_weeks_task_and_the_next_sessions_subject() -> None:
    """A blind review found neither read: « Je vous propose pour la semaine : … Et la prochaine
    fois, on regarde… » — « Ça me va. »"""
    lines = [
        "T: On arrive à la fin. Je vous propose pour la semaine : noter chaque soir une chose "
        "faite, sans la juger. Et la prochaine fois, on regarde ensemble ce qui vous a freiné.",
        "P: Ça me va. Je commence ce soir.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    assert [(p.between, p.proposed, p.agreed_at) for p in found] == [
        (False, True, 1),
        (True, True, 1),
    ]
    assert found[0].words.startswith("Et la prochaine fois, on regarde")
    assert found[1].words.startswith("Je vous propose pour la semaine")


def test_the_patients_answer_to_what_their_first_step_would_be_is_their_task() -> None:
    lines = [
        "P: Could we make some kind of plan for the report? A small one.",
        "T: Sure. What would be the smallest first step?",
        "P: Write the two easy paragraphs tomorrow morning. Half an hour, phone off.",
        "T: Good. And next Monday at ten we look at how it went. Your call on the rest.",
        "P: Deal. Monday at ten.",
    ]
    found = plans.find(_session(lines, "en"), "en")
    assert [(p.turn, p.between, p.proposed, p.agreed_at) for p in found] == [
        (3, False, True, 4),
        (2, True, False, None),
    ]
    assert found[1].words.startswith("Write the two easy paragraphs")


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "P: Could we maybe do next week a bit earlier? Like Monday instead of Friday?",
                "T: Let me look. Monday at nine works.",
            ],
        ),
        (
            "fr",
            [
                "P: Est-ce qu'on pourrait se voir dans une semaine plutôt que dans quinze jours ?",
                "T: Oui, bien sûr. Mardi prochain, même heure ?",
            ],
        ),
    ],
)
def test_moving_the_appointment_is_no_subject_for_next_session_but_a_date(
    language: str, lines: list[str]
) -> None:
    """A blind review found "Could we do next week a bit earlier?" left open as a request to
    keep in mind, though the slot had been granted at once; the next one wanted the new date."""
    (plan,) = plans.find(_session(["T: Bon.", *lines], language), language)
    assert plan.moved and (plan.turn, plan.agreed_at) == (1, 2)
    assert plan.summary == lines[1][3:]
    told = _told(language, plan)
    assert lines[1][3:] in told and "{" not in told


def test_a_short_yes_is_quoted_with_the_sentence_that_says_what_the_session_will_do() -> None:
    lines = [
        "T: Et pour votre sœur, vous voulez qu'on en reparle la prochaine fois ?",
        "P: Oui, mais pas tout de suite. D'abord voir comment ça se passe avec mon père.",
        "T: Ça me semble juste. On commence par votre père, et votre sœur viendra après.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert (plan.turn, plan.agreed_at) == (1, 2)
    assert plan.summary == (
        "Ça me semble juste. On commence par votre père, et votre sœur viendra après"
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_answer_to_the_therapists_question_is_not_called_a_request(language: str) -> None:
    """A blind review's session: « Et pour votre frère, vous voulez qu'on en reparle la prochaine
    fois ? » — « Oui, mais pas tout de suite… » was told as « Demandé par la personne »."""
    lines = {
        "fr": [
            "T: Et pour votre sœur, vous voulez qu'on en reparle la prochaine fois ?",
            "P: Oui, mais pas tout de suite. D'abord voir comment ça se passe avec mon père.",
            "T: Ça me semble juste. On commence par votre père, et votre sœur viendra après.",
        ],
        "en": [
            "T: And your sister, do you want to come back to her next time?",
            "P: Yes, but not straight away. First I want to see how it goes with my dad.",
            "T: That sounds right. We'll start with your dad, and your sister can come later.",
        ],
    }[language]
    transcript = _session(lines, language)
    (plan,) = plans.find(transcript, language)
    assert plan.answered and plan.agreed_at == 2
    items = of(analyze(transcript, mode="fast")).open_items
    assert items[0].startswith(
        ("Proposé par la personne, à votre demande,", "Proposed by the patient, when you asked,")
    )
    assert items[0].count("«") == items[0].count("»")


def test_a_task_with_a_quote_inside_is_quoted_to_the_end_of_its_sentence() -> None:
    """« … quand vous entendez le « c'est tout ? », vous le notez » had been cut at the « ? »
    inside the quote, leaving a quotation mark open in the report."""
    lines = [
        "T: Je vous propose pour la semaine : le carnet, et quand vous entendez le « c'est tout "
        "? », vous le notez à côté. Et c'est tout.",
        "P: D'accord.",
    ]
    (task,) = plans.find(_session(lines, "fr"), "fr")
    assert task.between and task.agreed_at == 1
    assert task.words.endswith("vous le notez à côté")
    assert task.words.count("«") == task.words.count("»")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_task_taken_back_is_no_task_and_the_patients_own_steps_are(language: str) -> None:
    """The English demo: "For this week, how about you keep a log…?" — "Another worksheet?
    Honestly, those never do anything for me." — "Fair enough… Let's drop the log. What would feel
    useful to you this week, if anything?" — two turns of the patient's own steps."""
    lines = {
        "en": [
            "T: For this week, how about you keep a log of her calls and how you felt?",
            "P: Another worksheet? Honestly, those never do anything for me.",
            "T: Fair enough. Let's drop the log. What would feel useful to you this week, if "
            "anything?",
            "P: Maybe texting my brother something real, not just a thumbs up.",
            "P: And next time she calls like that, waiting ten minutes before I drive over.",
            "T: Those really come from you.",
        ],
        "fr": [
            "T: Cette semaine, vous pourriez noter ses appels et ce que vous ressentez ?",
            "P: Encore une fiche ? Franchement, ça ne m'a jamais rien apporté.",
            "T: D'accord. On laisse tomber la fiche. Qu'est-ce qui vous serait utile cette "
            "semaine ?",
            "P: Peut-être écrire à mon frère un vrai message, pas juste un pouce levé.",
            "P: Et la prochaine fois qu'elle appelle comme ça, attendre dix minutes avant de partir.",
            "T: Ça vient vraiment de vous.",
        ],
    }[language]
    transcript = _session(lines, language)
    found = plans.find(transcript, language)
    assert [(p.between, p.proposed) for p in found] == [(True, False)] * len(found)
    said = " ".join(p.words for p in found)
    assert ("brother" in said or "frère" in said) and (
        "ten minutes" in said or "dix minutes" in said
    )
    assert not any("log" in p.words or "fiche" in p.words for p in found)


def test_a_prediction_is_no_commitment_and_a_yes_may_follow_a_question_about_the_task() -> None:
    """A never-seen session: « plus je me dis que demain je vais être une loque au boulot » was
    listed as what the patient would do; the sleep window given as a list (« Alors : coucher à…,
    tous les jours ») was missed, its « D'accord » coming after « Même le dimanche ? »."""
    lines = [
        "P: Je regarde le réveil, et je me dis que demain je vais être une loque au boulot.",
        "T: Alors : coucher à minuit, lever à six heures, tous les jours, week-end compris.",
        "P: Même le dimanche ?",
        "T: Même le dimanche. Ce n'est pas un examen.",
        "P: D'accord. Comme ça, ça me paraît faisable.",
        "T: Et la prochaine fois, on commence par l'agenda, si vous êtes d'accord.",
        "P: Dix-sept heures, c'est mieux, oui. Et l'agenda, d'accord.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    assert [(p.turn, p.between, p.agreed_at) for p in found] == [(5, False, 6), (1, True, 4)]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_yes_said_as_what_one_can_do_and_next_weeks_opening_in_the_therapists_wish(
    language: str,
) -> None:
    """A never-seen session: "Could you try it once a day…?" — "Once a day I can do." was not
    read as a yes, nor "next week I'd like to start by hearing how it went" as next time's
    opening."""
    lines = {
        "en": [
            "T: Could you try it once a day this week, when you catch yourself reworking?",
            "P: Once a day I can do. Maybe not on Thursday.",
            "T: Before we stop: next week I'd like to start by hearing how it went.",
            "P: Yes. That's good.",
        ],
        "fr": [
            "T: Est-ce que vous pourriez l'essayer une fois par jour cette semaine ?",
            "P: Une fois par jour, je peux. Peut-être pas jeudi.",
            "T: Avant de se quitter : la semaine prochaine, j'aimerais commencer par voir comment ça "
            "s'est passé.",
            "P: Oui. C'est bien.",
        ],
    }[language]
    found = plans.find(_session(lines, language), language)
    assert [(p.turn, p.between, p.agreed_at) for p in found] == [(2, False, 3), (0, True, 1)]


def _kind(p: plans.Plan) -> str:
    """What an agreement is, in the words the tests expect."""
    if p.relation:
        return "relation"
    if p.aside:
        return "set aside"
    if p.between:
        return "task" if p.proposed else "own task"
    return "next session"


def _told(language: str, plan: plans.Plan) -> str:
    """The open item's sentence for ``plan``, as the report writes it."""
    from raccord.prose import _plan_key
    from raccord.understand.text import phrase

    return phrase(
        language,
        _plan_key(plan),
        turn="2",
        agreed="3",
        refused="3",
        words=plan.words,
        summary=plan.summary or "",
        own=plan.own or "",
        idea="1",
        reshaped="2",
        who="",
    )


def test_what_the_patient_will_do_is_no_plan_when_the_therapist_argues_against_it() -> None:
    lines = [
        "T: How did the weighing feel?",
        "P: Honestly? So I was thinking I'll just do a couple of extra runs this week to even it out.",
        "T: Your resting heart rate was forty-eight on Monday.",
    ]
    session = _session(lines, "en")
    assert any(p.between for p in plans.find(session, "en"))
    assert not any(p.between for p in plans.find(session, "en", disputed=frozenset({1})))
    # the therapist objecting in words is enough, whatever the move labels say
    objecting = [*lines[:2], "T: Maya, I have to be straight with you, that really worries me."]
    assert not any(p.between for p in plans.find(_session(objecting, "en"), "en"))
    french = [
        "T: Comment s'est passée la pesée ?",
        "P: Cette semaine, je vais faire deux footings de plus pour compenser.",
        "T: Je vais être franche avec vous : ça m'inquiète.",
    ]
    assert not any(p.between for p in plans.find(_session(french, "fr"), "fr"))


TAKEN_UP = {
    "fr": [
        "T: Et le docteur Vidal, il est au courant que vous avez arrêté le comprimé ?",
        "P: Non.",
        "T: D'accord. Qu'est-ce que vous diriez d'aller lui en parler ? Mais c'est vous qui voyez.",
        "P: [soupir] Oui, je peux l'appeler. Il me connaît depuis trente ans. "
        "J'irai la semaine prochaine.",
        "T: Très bien.",
    ],
    "en": [
        "T: Does your GP know you stopped the tablets?",
        "P: No.",
        "T: Okay. What would you think about ringing her? It's your call.",
        "P: [sighs] Yeah, I can call her. She's known me for years. I'll do it on Monday.",
        "T: Good.",
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_step_the_patient_takes_up_in_their_own_words_is_the_weeks_task(language: str) -> None:
    """« Qu'est-ce que vous diriez d'aller lui en parler ? » — « Oui, je peux l'appeler… J'irai la
    semaine prochaine » is agreed, though no yes-word answers it: a blind review found it missed."""
    (plan,) = plans.find(_session(TAKEN_UP[language], language), language)
    assert (plan.turn, plan.agreed_at, plan.between, plan.proposed) == (2, 3, True, True)
    assert plan.own is not None
    said = {
        "fr": ("Je peux l'appeler", "J'irai la semaine prochaine"),
        "en": ("I can call her", "I'll do it on Monday"),
    }[language]
    assert plan.own.startswith(said[0]) and plan.own.endswith(said[1])
    assert "trente ans" not in plan.own and "for years" not in plan.own
    (item,) = [
        i
        for i in of(analyze(_session(TAKEN_UP[language], language), mode="fast")).open_items
        if said[0] in i
    ]
    assert said[1] in item


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        ("en", ["T: Could you tell me more about that?", "P: Yes, I can tell you. It was Monday."]),
        ("en", ["T: What would you think about that idea?", "P: I'll think about it, maybe."]),
        ("fr", ["T: Qu'est-ce que vous diriez d'en parler ici ?", "P: Oui, je peux en parler."]),
    ],
)
def test_a_yes_to_something_other_than_a_step_is_no_task(language: str, lines: list[str]) -> None:
    assert not [p for p in plans.find(_session(lines, language), language) if p.own]


@pytest.mark.parametrize(
    ("language", "lines", "said"),
    [
        (
            "fr",
            [
                "T: Alors on se dit : vous appelez le docteur Vidal. Dans deux semaines, même heure ?",
                "P: Même heure. Le jeudi, c'est bien.",
                "T: À dans deux semaines.",
            ],
            "Dans deux semaines, même heure ?",
        ),
        (
            "en",
            [
                "T: So you'll call your GP. Same time in two weeks?",
                "P: Same time, yes. Thursdays are good.",
                "T: See you then.",
            ],
            "Same time in two weeks?",
        ),
        # the goodbye that names the day (fresh35: « À mardi » was missing from what was agreed)
        (
            "fr",
            ["T: Ça nous a servi à tous les deux. À mardi, madame Ferrand.", "P: À mardi."],
            "À mardi, madame Ferrand",
        ),
        ("en", ["T: Good work today. See you Tuesday.", "P: See you Tuesday."], "See you Tuesday"),
    ],
)
def test_the_next_appointment_set_at_the_end_and_confirmed_is_on_record(
    language: str, lines: list[str], said: str
) -> None:
    """A blind review found « Dans deux semaines, même heure ? » — « Même heure. » missed."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = [p for p in plans.find(_session(hello + lines, language), language) if p.appointment]
    assert (plan.turn, plan.agreed_at, plan.words) == (2, 3, said)
    # the same question early in a session is not the next appointment
    more = ["T: Mm.", "P: Oui."] if language == "fr" else ["T: Mm.", "P: Yes."]
    early = _session(lines[:2] + more * 5, language)
    assert not [p for p in plans.find(early, language) if p.appointment]


@pytest.mark.parametrize(
    ("language", "lines", "said"),
    [
        (
            "en",
            ["P: It was. Thank you. Same time next week?", "T: Same time. Give Dennis my regards."],
            "Same time next week?",
        ),
        ("fr", ["P: Merci. Même heure la semaine prochaine ?", "T: Même heure, oui."], None),
    ],
)
def test_the_next_appointment_the_patient_asks_for_and_the_therapist_confirms_is_on_record(
    language: str, lines: list[str], said: str | None
) -> None:
    """fresh45's review: "Same time next week?" asked by the patient and confirmed ("Same time.")
    was not recorded, while the same question from the therapist was."""
    hello = (
        ["T: Bonjour.", "P: Bonjour.", "T: Bien."]
        if language == "fr"
        else ["T: Hi.", "P: Hi.", "T: Good."]
    )
    (plan,) = [p for p in plans.find(_session(hello + lines, language), language) if p.appointment]
    assert (plan.turn, plan.agreed_at) == (3, 4)
    assert plan.words == (said or lines[0][3:].split(". ")[-1])


FIVE_AM = [
    "T: I'd like you to try something different at five this week. A walk up the lane.",
    "P: [silence 6s] Maybe.",
    "T: Habits can be changed. Could you commit to three mornings?",
    "P: Did I tell you the valuer's figure came through?",
    "T: We can come back to the money. What would get in the way of trying the walk?",
    "P: With respect, you've never had to get up at five for forty years.",
    "T: You're right. I jumped in with a fix before I'd asked what that hour is for you.",
    "P: It's the only time I'm with them.",
    "T: So, for this week: you keep your mornings in the parlour, just as they are. "
    "Does that sound right?",
    "P: That sounds right. I'll do it.",
]


def test_a_task_turned_down_a_few_turns_later_is_not_one_to_ask_about() -> None:
    """A review found the task that set off the rupture ("try something different at five"),
    refused three exchanges later, listed as a task to check with the patient."""
    first, kept = plans.find(_session(FIVE_AM, "en"), "en", refusals=frozenset({5}))
    assert (first.turn, first.refused, first.agreed_at) == (0, 5, None)
    assert (kept.turn, kept.agreed_at, kept.refused) == (8, 9, None)


def test_a_refusal_after_the_patients_answer_is_not_a_refusal_of_the_task() -> None:
    """fresh57's review: « Tâche proposée par vous (tour 19) et refusée (tour 24) » — the patient
    had answered « Je vais essayer » at 20 (heard as appeasing); what he turned down at 24 was
    the record sheets, not the coffee break."""
    lines = [
        "T: Et en attendant, cette semaine, vous pourriez prendre la parole au moins une fois à "
        "la pause café, avec vos collègues ?",
        "P: Je vais essayer.",
        "T: Bien. Et au repas, vous êtes resté jusqu'au bout ?",
        "P: Jusqu'au café, oui. Un peu avec Sandrine, de l'atelier.",
        "T: Vous l'avez noté sur la fiche, ça ?",
        "P: Non. Franchement, les fiches... je les remplis, hein, mais ça sert à rien.",
    ]
    (task,) = plans.find(
        _session(lines, "fr"), "fr", refusals=frozenset({5}), appeased=frozenset({1})
    )
    assert (task.turn, task.refused, task.agreed_at) == (0, None, None)


def test_a_task_left_without_a_yes_and_replaced_later_is_dropped() -> None:
    (kept,) = plans.find(_session(FIVE_AM, "en"), "en")  # no marker found on the refusal
    assert kept.turn == 8 and kept.agreed_at == 9


def test_a_subject_offered_for_next_week_is_not_the_next_appointment() -> None:
    lines = [
        "T: Hello.",
        "P: Hi.",
        "T: We could look at what you'd say to your mum next week, if you like?",
        "P: Yes. I'd like that.",
        "T: Good. See you then.",
    ]
    found = plans.find(_session(lines, "en"), "en")
    assert [p.proposed for p in found] == [True] and not any(p.appointment for p in found)


@pytest.mark.parametrize(
    ("language", "yes"),
    [
        (
            "en",
            "P: That sounds right. I'll do it Saturday. And I'll bring the herd book next time.",
        ),
        ("fr", "P: Ça me va. Je le ferai samedi. Et je vous apporterai l'album la prochaine fois."),
    ],
)
def test_what_the_patient_will_bring_next_time_is_kept_beside_their_yes(
    language: str, yes: str
) -> None:
    """A review found the herd book the patient would bring missed: his yes to the week's task
    hid it."""
    offer = (
        "T: So, for this week: you keep your mornings as they are. Does that sound right?"
        if language == "en"
        else "T: Alors, pour cette semaine : vous gardez vos matins comme ils sont. Ça vous va ?"
    )
    task, own = plans.find(_session([offer, yes], language), language)
    assert (task.turn, task.agreed_at) == (0, 1)
    assert own.turn == 1 and not own.proposed
    assert own.words.endswith(("next time", "la prochaine fois"))


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "T: Alors je vous propose quelque chose, et vous me dites si ça vous va : le matin, "
                "vous gardez votre quart d'heure. Et un soir dans la semaine, si vous en avez "
                "envie, vous ouvrez un carnet, un seul.",
                "P: [silence 3s] Un seul. Le premier, celui de 1998.",
                "T: Vous ne lâchez rien, et je ne vous le demande pas.",
                "P: D'accord, ça me va.",
            ],
        ),
        (
            "en",
            [
                "T: Here's an idea, tell me honestly if it suits you: keep your mornings as they "
                "are. And one evening this week, if you feel like it, you open one notebook.",
                "P: [silence 3s] Just one. The first one, from 1998.",
                "T: Just one.",
                "P: Okay, that works for me.",
            ],
        ),
    ],
)
def test_a_task_said_in_its_own_sentence_after_the_proposal_is_the_weeks_task(
    language: str, lines: list[str]
) -> None:
    """A never-seen session's report listed nothing to take up: the week's task was said in the
    sentence after « je vous propose quelque chose », and accepted two turns later."""
    (plan,) = plans.find(_session(lines, language), language)
    assert (plan.turn, plan.agreed_at, plan.between, plan.proposed) == (0, 3, True, True)
    assert plan.words.startswith(("Et un soir dans la semaine", "And one evening this week"))


@pytest.mark.parametrize(
    ("language", "lines", "asked", "answered"),
    [
        (
            "en",
            [
                "T: I'd really like that. And if I start driving too fast again, will you tell me?",
                "P: [laughs] I'll tell you. Same as I did today.",
            ],
            "And if I start driving too fast again, will you tell me?",
            "I'll tell you. Same as I did today.",
        ),
        (
            "fr",
            [
                "T: Et si je repars trop vite, vous me le direz ?",
                "P: Je vous le dirai. Comme tout à l'heure.",
            ],
            "Et si je repars trop vite, vous me le direz ?",
            "Je vous le dirai. Comme tout à l'heure.",
        ),
        (
            "fr",
            [
                "T: Et si je repars trop vite à un moment, j'aimerais que vous me le disiez.",
                "P: D'accord. Je vais essayer.",
            ],
            "Et si je repars trop vite à un moment, j'aimerais que vous me le disiez",
            "D'accord. Je vais essayer.",
        ),
        # in the therapist's plain words (never-seen sessions: « vous me direz si… » without
        # « le », « est-ce que vous pourriez me le signaler ? », "you tell me")
        (
            "fr",
            [
                "T: Et vous me direz si j'accélère de nouveau sans m'en rendre compte.",
                "P: Je vous le dirai. [sourit] Promis.",
            ],
            "Et vous me direz si j'accélère de nouveau sans m'en rendre compte",
            "Je vous le dirai. Promis.",
        ),
        (
            "fr",
            [
                "T: Si je vais encore trop vite à un moment, est-ce que vous pourriez me le "
                "signaler, même d'un mot ?",
                "P: Je dirai « trop vite ».",
            ],
            "Si je vais encore trop vite à un moment, est-ce que vous pourriez me le signaler, "
            "même d'un mot ?",
            "Je dirai « trop vite ».",
        ),
        (
            "en",
            [
                "T: Next week we look at it together. And if I start lecturing you again, you "
                "tell me.",
                "P: [laughs] Oh, I will.",
            ],
            "And if I start lecturing you again, you tell me",
            "Oh, I will.",
        ),
        (
            "en",
            [
                "T: If I start doing what I did earlier, rushing you to what you should do, will "
                "you tell me?",
                "P: [laughs] Yeah, I can say that.",
            ],
            "If I start doing what I did earlier, rushing you to what you should do, will you "
            "tell me?",
            "Yeah, I can say that.",
        ),
        (
            "fr",
            [
                "T: Et si vous sentez que je repars à vous pousser vers la reprise, vous me le "
                "dites, comme aujourd'hui.",
                "P: Je vous le dirai. Peut-être un peu moins fort.",
            ],
            "Et si vous sentez que je repars à vous pousser vers la reprise, vous me le dites, "
            "comme aujourd'hui",
            "Je vous le dirai. Peut-être un peu moins fort.",
        ),
        (
            "en",
            [
                "T: Your mum can wait. And if I get ahead of you again, I'd like you to tell me, "
                'even if it\'s just "too fast."',
                "P: Okay. I can do that.",
            ],
            "And if I get ahead of you again, I'd like you to tell me, even if it's just "
            '"too fast."',
            "Okay. I can do that.",
        ),
    ],
)
def test_an_agreement_about_the_relationship_is_on_record_and_is_no_plan_for_next_session(
    language: str, lines: list[str], asked: str, answered: str
) -> None:
    """A clinician reviewing a never-seen session: "will you tell me?" — "I'll tell you" is what
    the session agreed about the relationship, and the report had lost it."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    transcript = _session(hello + lines, language)
    (plan,) = plans.find(transcript, language)
    assert (plan.relation, plan.turn, plan.agreed_at, plan.words, plan.own) == (
        True,
        2,
        3,
        asked,
        answered,
    )
    assert answered in _told(language, plan)
    analysis = analyze(transcript, mode="fast")
    b = brief(analysis)
    assert not b.planned
    spaced = [item.replace("\xa0", " ").replace("\u202f", " ") for item in b.open_items]
    assert any(asked in item for item in spaced)
    # "tell me if I'm wrong" about what was just said is no agreement for the time ahead
    wrong = (
        ["T: Dites-moi si je me trompe : vous lui en voulez ?", "P: Oui."]
        if language == "fr"
        else ["T: Tell me if I'm wrong, but you're angry with her?", "P: Yes."]
    )
    assert not plans.find(_session(hello + wrong, language), language)


@pytest.mark.parametrize(
    ("language", "lines", "quoted"),
    [
        (
            "en",
            [
                "T: So, for this week: you keep your mornings in the parlour, just as they are. "
                "And one afternoon you take the dog out with Anne. No need to decide anything. "
                "Does that sound right?",
                "P: That sounds right. I'll do it Saturday.",
            ],
            "So, for this week: you keep your mornings in the parlour, just as they are. "
            "And one afternoon you take the dog out with Anne",
        ),
        (
            "fr",
            [
                "T: Alors pour cette semaine : vous gardez vos matinées à l'étable, comme elles sont. "
                "Et un après-midi, vous sortez le chien avec Anne. Est-ce que ça vous va ?",
                "P: Oui, ça me va. Je le ferai samedi.",
            ],
            "Alors pour cette semaine : vous gardez vos matinées à l'étable, comme elles sont. "
            "Et un après-midi, vous sortez le chien avec Anne",
        ),
    ],
)
def test_the_weeks_task_is_quoted_with_the_sentence_that_carries_it_on(
    language: str, lines: list[str], quoted: str
) -> None:
    """A clinician found the week's task quoted up to its first half: the walk with Anne, the
    part the patient had found himself, was cut."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert (plan.between, plan.agreed_at, plan.words) == (True, 3, quoted)


@pytest.mark.parametrize(
    ("language", "lines", "idea"),
    [
        (
            "fr",
            [
                "P: C'est peut-être par lui qu'il faudrait commencer. Plutôt que par la salle.",
                "T: C'est votre idée, et elle me paraît plus juste que la mienne.",
                "P: Répondre à son message, déjà. Peut-être lui proposer un café.",
                "T: Donc pour cette semaine : vous répondez à Marc, vous lui proposez un café.",
                "P: Entendu.",
            ],
            1,
        ),
        (
            "en",
            [
                "P: Maybe answer his message first. Maybe suggest a coffee somewhere.",
                "T: Mm.",
                "P: Not at the tower.",
                "T: So for this week: you answer Marc's message and suggest a coffee. Okay?",
                "P: Okay.",
            ],
            1,
        ),
    ],
)
def test_a_task_put_together_from_the_patients_own_idea_says_so(
    language: str, lines: list[str], idea: int
) -> None:
    """A never-seen session: the patient found the step (« C'est peut-être par lui qu'il faudrait
    commencer »), the therapist said « C'est votre idée » and summed it up; the report said
    "proposed by you"."""
    hello = ["T: Bonjour."] if language == "fr" else ["T: Hello."]
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert (plan.between, plan.idea, plan.agreed_at) == (True, idea, 5)
    told = _told(language, plan)
    assert ("idée de la personne" if language == "fr" else "patient's own idea") in told


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: Would you be willing to write that down this week? A letter to her, whatever "
                "comes. Only if it feels right.",
                "P: Yeah. I think I could do that.",
            ],
        ),
        (
            "fr",
            [
                "T: Et un soir dans la semaine, si vous en avez envie, vous ouvrez un carnet et "
                "vous notez une odeur.",
                "P: D'accord, je peux essayer.",
            ],
        ),
    ],
)
def test_a_task_left_to_the_patients_choice_is_followed_up_without_checking_it_off(
    language: str, lines: list[str]
) -> None:
    """A clinician's review: "ask how it went: what got done, what got in the way" for a grief
    letter offered "only if it feels right" would be the pressure the patient had just named."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert plan.optional and plan.agreed_at == 3
    told = _told(language, plan)
    assert ("sans en faire un contrôle" if language == "fr" else "without checking it off") in told


@pytest.mark.parametrize(
    ("language", "lines", "words"),
    [
        (
            "en",
            [
                "P: I think I'll tell Kerry about today. Some of it.",
                "T: Only if it feels right.",
            ],
            "I think I'll tell Kerry about today",
        ),
        (
            "fr",
            [
                "P: Je crois que je vais en parler à Karine. Un peu.",
                "T: Seulement si ça vous dit.",
            ],
            "Je crois que je vais en parler à Karine",
        ),
    ],
)
def test_the_patients_own_step_left_to_them_is_on_record_without_a_day_said(
    language: str, lines: list[str], words: str
) -> None:
    """A blind read (fresh36) found the patient's own step missing from what was agreed: no day
    was said, and the therapist's answer left it to them."""
    hello = (
        ["T: Bonjour.", "P: Bonjour.", "T: Autre chose, avant qu'on s'arrête ?"]
        if language == "fr"
        else ["T: Hello.", "P: Hi.", "T: Anything else before we stop?"]
    )
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert (plan.turn, plan.agreed_at, plan.between, plan.proposed, plan.optional) == (
        3,
        4,
        True,
        False,
        True,
    )
    assert plan.words.startswith(words)
    told = _told(language, plan)
    assert ("sans en faire un contrôle" if language == "fr" else "without checking it off") in told


def test_a_step_said_without_the_therapist_leaving_it_to_them_is_no_task() -> None:
    """Without the therapist's answer leaving it to them, "I'll tell my boss" is only said."""
    lines = ["T: Hello.", "P: Hi. I'll tell my boss he's wrong.", "T: What would he say?"]
    assert plans.find(_session(lines, "en"), "en") == ()


@pytest.mark.parametrize(
    ("language", "lines", "quoted"),
    [
        (
            "fr",
            [
                "T: D'accord. Donc jeudi la demi-heure au fond de la salle, l'appel au greffe, "
                "et la carte.",
                "P: D'accord.",
            ],
            "Donc jeudi la demi-heure au fond de la salle, l'appel au greffe, et la carte",
        ),
        (
            "en",
            [
                "T: Okay. So Thursday the half hour at the back of the courtroom, the call to "
                "the clerk, and the card.",
                "P: Okay. Yes.",
            ],
            "So Thursday the half hour at the back of the courtroom, the call to the clerk, "
            "and the card",
        ),
    ],
)
def test_a_recap_of_the_weeks_steps_is_the_weeks_task(
    language: str, lines: list[str], quoted: str
) -> None:
    """A never-seen session ended on the therapist's recap of the week's three steps (« Donc
    jeudi la demi-heure…, l'appel au greffe, et la carte ») and the report had no task at all."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert (plan.between, plan.proposed, plan.agreed_at, plan.words) == (True, True, 3, quoted)
    # a day said to set the appointment is no recap of a task
    date = (
        ["T: Donc jeudi prochain, même heure ?", "P: Même heure."]
        if language == "fr"
        else ["T: So Thursday, same time?", "P: Same time."]
    )
    assert not any(p.between for p in plans.find(_session(hello + date, language), language))


def test_a_yes_to_a_subject_then_the_summary_of_next_session_is_one_agreement() -> None:
    """fresh27, read after scoring: « On peut en reparler. » to the therapist's question, then
    at once « Si je résume : la semaine prochaine, on parle de… » accepted — both were listed
    to take up, then the summary alone, credited to the therapist."""
    transcript = _session(
        [
            "T: Bonjour.",
            "P: Bonjour.",
            "T: Vous voudriez qu'on en reparle la semaine prochaine, ou vous préférez le garder "
            "pour vous ?",
            "P: On peut en reparler.",
            "T: Si je résume : la semaine prochaine, on parle de Julien, et de samedi si vous en "
            "avez envie. Ça vous va ?",
            "P: Ça me va.",
        ],
        "fr",
    )
    (plan,) = plans.find(transcript, "fr")
    # the patient's yes, summed up by the therapist: not « Proposé par vous »
    assert (plan.turn, plan.agreed_at, plan.proposed, plan.answered) == (3, 4, False, True)
    assert plan.summary is not None and plan.summary.startswith("Si je résume")


@pytest.mark.parametrize(
    ("language", "lines", "said"),
    [
        (
            "en",
            [
                "T: Do you want to try it, or would it feel like homework?",
                "P: I want to try it. Not as homework. I'll go on Thursday, and if the knee says "
                "no, I'll just have the tea.",
                "T: Okay. So Thursday, foxtrot or tea, and next week you tell me how it felt.",
                "P: Okay.",
            ],
            "without checking it off",
        ),
        (
            "fr",
            [
                "T: Vous voulez essayer, ou ça ressemblerait à un devoir ?",
                "P: Je vais monter au refuge samedi de toute façon. Mais seul. Pas comme un "
                "exercice.",
                "T: D'accord. Donc samedi, le refuge, et vous me direz comment ça a été.",
                "P: D'accord.",
            ],
            "sans en faire un contrôle",
        ),
    ],
)
def test_a_step_the_patient_takes_not_as_homework_is_not_checked_off(
    language: str, lines: list[str], said: str
) -> None:
    """fresh27, a clinician's review: "I want to try it. Not as homework." was turned into a
    "Task for the week" to ask about — "what got done, what got in the way"."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    transcript = _session(hello + lines, language)
    (plan,) = [p for p in plans.find(transcript, language) if p.between]
    assert plan.not_homework
    items = brief(analyze(transcript, mode="fast")).open_items
    text = " ".join(items).replace("\xa0", " ").replace("\u202f", " ")
    assert said in text
    assert "what got in the way" not in text and "ce qui a fait obstacle" not in text


@pytest.mark.parametrize(
    ("language", "lines", "offered", "welcomed"),
    [
        (
            "en",
            [
                "P: Once a week I can do. But I'll tell you now, if it starts feeling like being "
                "marked again, I'll say so.",
                "T: Please do. I'd much rather hear it in here.",
            ],
            "But I'll tell you now, if it starts feeling like being marked again, I'll say so",
            "Please do. I'd much rather hear it in here.",
        ),
        (
            "fr",
            [
                "P: Une fois par semaine, ça je peux. Mais si ça recommence à ressembler à une "
                "note, je vous le dirai.",
                "T: Oui, dites-le-moi. Je préfère mille fois l'entendre ici.",
            ],
            "Mais si ça recommence à ressembler à une note, je vous le dirai",
            "Oui, dites-le-moi. Je préfère mille fois l'entendre ici.",
        ),
    ],
)
def test_the_patients_own_word_about_the_relationship_is_on_record(
    language: str, lines: list[str], offered: str, welcomed: str
) -> None:
    """fresh29, read after scoring: "if it starts feeling like being marked again, I'll say so"
    — "Please do" was missing from what the session agreed."""
    ask = "T: Ça vous irait ?" if language == "fr" else "T: Would that work?"
    transcript = _session([ask, *lines], language)
    found = [p for p in plans.find(transcript, language) if p.relation]
    assert [(p.turn, p.agreed_at, p.words, p.own, p.proposed) for p in found] == [
        (1, 2, offered, welcomed, False)
    ]
    told = _told(language, found[0])
    assert welcomed in told
    assert ("Dit par la personne" if language == "fr" else "Said by the patient") in told
    # the same offer the therapist does not take up is no agreement
    silent = _session([ask, lines[0], "T: Mm."], language)
    assert not [p for p in plans.find(silent, language) if p.relation]


@pytest.mark.parametrize(
    ("language", "lines", "expected"),
    [
        (
            "en",
            [
                "T: Wary's allowed, and I'd rather know. If I start sounding like the man on the "
                "sofa again, will you tell me?",
                "P: I'll give you the finger. [laughs] The umpire's finger, I mean. Out.",
                "T: [laughs] That seems fair. So what are we agreeing for this week?",
                "P: Phone stays downstairs at night. If I need to watch it, I go down, six times, "
                "then it goes in the drawer.",
                "T: And would you jot down a line about what you noticed? Not one of my sheets, "
                "just wherever you like.",
                "P: Yeah. That sounds right. A line on the back of a scorecard, maybe.",
            ],
            [(2, "relation"), (5, "own task"), (6, "task")],
        ),
        (
            "fr",
            [
                "T: Alors, qu'est-ce qu'on retient pour cette semaine ?",
                "P: J'appelle Camille dimanche, c'est le bon jour. Je lui parle de mes yeux.",
                "T: Et si l'appel se passe autrement que prévu, on en parle la prochaine fois. Je "
                "vous propose aussi qu'on commence à réfléchir ensemble à ce que vous voulez "
                "garder du métier. Ça vous va ?",
                "P: D'accord. Oui. Ça, j'aimerais bien.",
            ],
            [(3, "own task"), (4, "next session")],
        ),
    ],
)
def test_what_a_session_agreed_at_its_end_is_all_on_record(
    language: str, lines: list[str], expected: list[tuple[int, str]]
) -> None:
    """fresh30's clinician review: the patient's answer to "what are we agreeing for this
    week?", a line to jot down, "I'll give you the finger" to "will you tell me?" and the theme
    proposed for next session were left out of what the session agreed."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    assert sorted((p.turn, _kind(p)) for p in found) == expected


@pytest.mark.parametrize(
    ("language", "asked", "yes"),
    [
        (
            "en",
            "P: Could we leave the dad stuff for another time? I think I'd have to come at it "
            "slowly. Today I'd rather stick with the basket.",
            "T: Yes, we can absolutely leave it. It'll keep, and you decide when.",
        ),
        (
            "fr",
            "P: Est-ce qu'on pourrait garder mon père pour une autre fois ? Pas aujourd'hui.",
            "T: Oui, bien sûr. C'est vous qui direz quand.",
        ),
        # fresh35: a maybe, and the therapist leaves it in her hands
        (
            "fr",
            "P: On monte au chalet, avec mon mari et ma fille. [silence 4s] Elle a huit ans. On en "
            "parlera peut-être la prochaine fois. Peut-être.",
            "T: Quand vous le voudrez, vous.",
        ),
        (
            "en",
            "P: We're going up to the cabin, with my husband and my daughter. She's eight. Maybe "
            "we'll talk about her next time. Maybe.",
            "T: Whenever you want to.",
        ),
    ],
)
def test_a_subject_the_patient_puts_off_is_theirs_to_bring_back_not_to_open_with(
    language: str, asked: str, yes: str
) -> None:
    """fresh31's clinician review: "Could we leave the dad stuff for another time?" was filed as
    a request for next session, "open with it" — which would replay the rupture."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    transcript = _session(
        [*hello, "T: Et votre père ?" if language == "fr" else "T: And your dad?", asked, yes],
        language,
    )
    (plan,) = plans.find(transcript, language)
    assert plan.aside and not plan.subject
    told = _told(language, plan)
    assert ("c'est à " if language == "fr" else "theirs to ") in told
    assert ("ouvrir en premier" if language == "fr" else "open with it") not in told
    b = brief(analyze(transcript, mode="fast"))
    assert not b.planned


def test_something_set_for_the_week_is_a_task_and_the_date_after_a_yes_is_on_record() -> None:
    """fresh31's review: « se fixer quelque chose pour la semaine prochaine ? Je vous propose
    deux choses… » was read as a subject for next session, and the appointment asked in the
    same turn as the yes to the patient's plan (« C'est vous qui décidez… Mardi prochain, même
    heure ? ») was lost."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Est-ce qu'on pourrait se fixer quelque chose pour la semaine prochaine ? Je vous "
        "propose deux choses : noter les nuits où vous vous réveillez ; et, si vous le sentez, "
        "aller seul au cimetière.",
        "P: Le carnet, oui, je peux. Le cimetière, je vais essayer samedi matin.",
        "T: Ça me va très bien. C'est vous qui décidez. Mardi prochain, même heure ?",
        "P: Mardi, dix-huit heures.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    assert [(p.turn, p.between, p.appointment) for p in found] == [
        (2, True, False),
        (4, False, True),
    ]
    assert found[0].words.startswith("Je vous propose deux choses")


@pytest.mark.parametrize(
    ("language", "line", "said"),
    [
        (
            "fr",
            "T: Je vous propose deux choses. De mon côté, je m'engage à vous demander avant de "
            "vous donner un avis.",
            "De mon côté, je m'engage à vous demander avant de vous donner un avis",
        ),
        (
            "en",
            "T: Please do. And I'll try to ask before I decide what's good for you.",
            "And I'll try to ask before I decide what's good for you",
        ),
        # fresh41's review: the promise made to a patient who had just complained about the fee
        (
            "en",
            "T: Not sure is allowed in here. Friday at six for the 14th, and I'll sort out the "
            "March charge.",
            "Friday at six for the 14th, and I'll sort out the March charge",
        ),
        (
            "fr",
            "T: Vous avez raison de le dire. Je m'occupe de la facture de la séance annulée.",
            "Je m'occupe de la facture de la séance annulée",
        ),
    ],
)
def test_the_therapists_own_commitment_about_the_relationship_is_on_record(
    language: str, line: str, said: str
) -> None:
    """fresh31's review: « je m'engage à vous demander avant de vous donner un avis », the core
    of the repair, was missing from what the session agreed."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = [
        p for p in plans.find(_session([*hello, line, "P: Ok."], language), language) if p.relation
    ]
    assert [(p.turn, p.words, p.proposed, p.agreed_at) for p in found] == [(2, said, True, None)]
    told = _told(language, found[0])
    assert ("Votre propre engagement" if language == "fr" else "Your own commitment") in told


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: What would be a step you could actually take this week? Not the one I was "
                "pushing for, one that feels like yours.",
                "P: I could text him back. Not about going down. Just ask how the tracery's "
                "coming on.",
                "T: That sounds like the one who knows. Would it be alright if we came back to "
                "the yard another time, if and when you want to?",
                "P: Yeah. Not next week, maybe. But yeah.",
                "T: So let me check I've got it: you'll text Dev about the tracery. Next week you "
                "tell me how that went, and we leave the yard alone unless you bring it up.",
                "P: Deal.",
            ],
        ),
        (
            "fr",
            [
                "T: Quel serait un pas que vous pourriez vraiment faire cette semaine ? Pas celui "
                "que je poussais, un qui soit le vôtre.",
                "P: Je pourrais répondre à Dev. Pas pour descendre au chantier. Juste lui demander "
                "où en est le remplage.",
                "T: Ça me paraît juste. Est-ce qu'on pourrait revenir au chantier une autre fois, "
                "si et quand vous le voudrez ?",
                "P: Oui. Pas la semaine prochaine, peut-être. Mais oui.",
            ],
        ),
    ],
)
def test_the_patients_own_step_and_the_subject_left_to_them_are_on_record(
    language: str, lines: list[str]
) -> None:
    """fresh32 (read after scoring): the week's task quoted the therapist's question, the subject
    set aside at the therapist's suggestion was missing, and the recap listed the step twice."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    task, aside = found
    assert task.between and task.words.startswith(
        ("I could text him back", "So let me check", "Je pourrais")
    )
    assert "?" not in task.words
    assert aside.aside and aside.proposed and aside.turn == 4 and aside.agreed_at == 5
    said = of(analyze(_session(hello + lines, language), mode="fast")).open_items
    assert any(
        ("mis de côté à votre proposition" in s.lower()) or ("at your suggestion" in s)
        for s in said
    )


def test_what_fresh33_agreed_is_all_on_record_in_english() -> None:
    """fresh33 (read after scoring): the promise about the report, the pact "will you tell me?" —
    "Oh, you'll know about it." and the week's task past its first sentence were missing."""
    lines = [
        "T: Hello.",
        "P: Hi.",
        "T: That's completely reasonable. We'll write it together in our last session, and "
        "you'll read every word before I send it. Does that work?",
        "P: Aye. That works.",
        "T: So, for this week: no breathing exercise. If you wake at three, you do your valve "
        "check around the room, out loud. Does that sound doable?",
        "P: One line I can do.",
        "T: Okay. And Neil, if I start sliding back towards the sheets, will you tell me?",
        "P: [laughs] Oh, you'll know about it.",
    ]
    found = plans.find(_session(lines, "en"), "en")
    words = [p.words for p in found]
    assert any("you do your valve check" in w for w in words), words
    assert any(
        w.startswith("We'll write it together") and p.relation
        for p, w in zip(found, words, strict=True)
    )
    told = next(p for p in found if p.relation and p.agreed_at == 7)
    assert told.own == "Oh, you'll know about it."


def test_what_fresh33_agreed_is_all_on_record_in_french() -> None:
    """fresh33: the patient's own step, said unasked (« J'ai pensé envoyer un message à sa femme
    cette semaine »), and the signal he offered (« Je peux dire « stop » ? ») were missing."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Et j'aimerais qu'on se mette d'accord sur une chose : si je vais trop vite, comme tout "
        "à l'heure, vous me le dites, même d'un mot. Ça vous irait ?",
        "P: [rit] D'un mot ? Je peux dire « stop », comme sur le chantier ?",
        "T: Exactement. Vous dites « stop », et on s'arrête. Et pour Loïc ?",
        "P: J'ai pensé envoyer un message à sa femme cette semaine. Juste pour demander comment "
        "il va.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    assert any(p.between and p.words.startswith("J'ai pensé envoyer un message") for p in found)
    assert any(p.relation and p.agreed_at == 3 for p in found)


def test_a_task_agreed_in_an_appeasing_yes_and_replaced_by_the_patients_own_step_is_not_followed_up() -> (
    None
):
    """fresh34 (read after scoring): "Yes. Yes, I can do that." — flagged as appeasing, the
    homework taken back later — was listed as a task accepted, to ask about; "Would you like to
    make that something for this week?" — "I'll ring her" was called "no clear yes"; the puzzle
    to bring was missing."""
    lines = [
        "T: Hello.",
        "P: Hi.",
        "T: Good. Then maybe this week you could start small. One box to the charity shop.",
        "P: Yes. Yes, I can do that.",
        "T: Would you like to make that something for this week, or is it too soon?",
        "P: I'll ring her. I'm not promising to run the thing. Just ring her.",
        "T: Just ring her. And would you bring one of the drawer puzzles next week?",
        "P: You'll get rook, at least. I'll bring the bird one.",
    ]
    found = plans.find(_session(lines, "en"), "en", appeased=frozenset({3}))
    said = [(p.turn, p.proposed, p.agreed_at) for p in found]
    assert said == [(5, False, None), (6, True, 7)], said


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "P: And Owen would have loved it. I'll tell him on Sunday.",
                "T: You'll tell him on Sunday.",
                "P: Except not on the Sunday call for the telling. I'll take him for a coffee "
                "before he goes. Face to face.",
                "T: Face to face, before he goes. Yes, that sounds better.",
            ],
        ),
        (
            "fr",
            [
                "P: Et Owen aurait adoré. Je l'appellerai dimanche.",
                "T: Vous l'appellerez dimanche.",
                "P: Sauf que pas dimanche, pour lui dire ça. Je vais l'emmener prendre un café "
                "avant qu'il parte. En face.",
                "T: En face, avant qu'il parte. Oui, ça me paraît mieux.",
            ],
        ),
    ],
)
def test_a_step_whose_day_the_patient_takes_back_is_not_followed_up(
    language: str, lines: list[str]
) -> None:
    """fresh51's review: "I'll tell him on Sunday", an aside, was listed to ask about although
    she later moved it ("not on the Sunday call… Face to face"): only the later step stands."""
    found = plans.find(_session(lines, language), language)
    assert [(p.turn, p.words.split()[0]) for p in found] == [
        (2, "I'll" if language == "en" else "Je")
    ]


def test_a_yes_heard_as_appeasing_is_no_reshaped_task() -> None:
    """ "Yeah, I can try that.", flagged as appeasing, then the therapist's "Yes, let's do that"
    about something else: the brief said "Task as the patient reshaped it: “Yeah, I can try
    that.”". A yes changes nothing: the task is the therapist's, with no clear yes."""
    lines = [
        "T: Hello.",
        "P: Hi.",
        "T: Between now and next week, could you jot down each evening one moment you wanted "
        "to avoid something?",
        "P: Yeah, I can try that.",
        "T: Yes, let's do that. We'll start there next week.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en", appeased=frozenset({3}))
    assert (plan.turn, plan.proposed, plan.agreed_at, plan.reshaped) == (2, True, None, None)


def test_the_week_asked_for_the_signal_offered_and_the_subject_kept_for_tuesday_in_french() -> None:
    """fresh34: « qu'est-ce qu'on se fixe ? » read as the therapist's task without a yes, the
    signal « Stop, Momo » missing, « on la garde pour mardi prochain ? » read as the appointment."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Est-ce qu'on peut convenir d'un signal, pour les fois où je vais trop vite ? Un mot ?",
        "P: « Stop, Momo. » C'est ce que je lui dis quand il prend les ronds-points trop vite.",
        "T: Parfait. Et pour la semaine, qu'est-ce qu'on se fixe, vous et moi ?",
        "P: Je relis les trois lignes. Et j'écris le café. Pas plus loin.",
        "T: Et la porte, à trois heures du matin, on la garde pour mardi prochain ?",
        "P: Oui. Mardi.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    kinds = {(p.turn, p.between, p.relation, p.proposed, p.appointment) for p in found}
    assert (2, False, True, True, False) in kinds  # the signal, agreed
    assert (5, True, False, False, False) in kinds  # her own step
    assert (6, False, False, True, False) in kinds  # the subject for Tuesday, not the date


def test_a_recap_that_starts_with_the_patient_is_the_weeks_task_in_french() -> None:
    """fresh35 (read after blind scoring): « Alors si je résume : vous écrivez votre rapport, les
    faits d'abord, vous me l'apportez mardi prochain » — « C'est ça. » was missing from what was
    agreed (the English "let me check I've got it: you'll…" was already read)."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Qu'est-ce qui vous aiderait à y aller à votre façon ?",
        "P: Peut-être que je l'écrive. Chez moi. Comme un rapport de constatation. Et que je vous "
        "l'apporte.",
        "T: Alors si je résume : vous écrivez votre rapport, les faits d'abord, vous me l'apportez "
        "mardi prochain. C'est bien ça ?",
        "P: C'est ça.",
    ]
    found = plans.find(_session(lines, "fr"), "fr")
    task = next(p for p in found if p.between and p.proposed)
    assert task.agreed_at == 5 and task.words.startswith("Alors si je résume : vous écrivez")


@pytest.mark.parametrize(
    ("language", "lines", "expected"),
    [
        (
            "fr",
            [
                "T: Autre chose : je ne déplacerai plus une séance sans vous prévenir au moins "
                "quarante-huit heures avant. Le mardi à dix-huit heures, ça vous convient "
                "toujours ?",
                "P: Oui, mardi dix-huit heures, c'est bien.",
                "T: Est-ce que vous voulez qu'on prenne un moment la prochaine fois pour parler de "
                "la suite, si vous souhaitez continuer et à quelles conditions ?",
                "P: Oui, faudra en parler. Faut que je voie.",
                "T: Alors je récapitule : le constat d'état des nuits, quand ça vient ; "
                "l'attestation, que je vous montre mardi ; et on parle de la suite. On est "
                "d'accord ?",
                "P: On est d'accord.",
            ],
            # the yes to the therapist's question is told as the question, which names the
            # subject (fresh48: « Oui, je crois. » quoted without the plates it agreed to)
            {(2, "relation"), (2, "appointment"), (4, "next session"), (6, "task")},
        ),
        (
            "en",
            [
                "T: And if at any point I'm pushing too hard, like I did earlier, I'd really like "
                "you to tell me. Would that work?",
                "P: Yeah, I can do that.",
                "T: So: next week we go through the night of the shout, together, as slowly as you "
                "need, and the pager stays your call.",
                "P: Okay.",
            ],
            {(2, "relation"), (4, "relation")},
        ),
    ],
)
def test_what_a_repaired_session_agreed_is_on_record(
    language: str, lines: list[str], expected: set[tuple[int, str]]
) -> None:
    """fresh36's review: the French report listed no agreement at all (the therapist's promise of
    48 hours' notice, Tuesday at six, talking about fees next time, the recap), the English one
    only the appointment (not "tell me if I push too hard", not "the pager stays your call")."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    assert {(p.turn, "appointment" if p.appointment else _kind(p)) for p in found} == expected


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: For the week, would you be willing to try one thought record, just the one?",
                "P: [sighs] Sure.",
                "T: That was quite a sigh. Let's not decide it now. Next week you tell me what you "
                "want to do with the sheets.",
            ],
        ),
        (
            "fr",
            [
                "T: Pour la semaine, vous seriez d'accord pour essayer une fiche, une seule ?",
                "P: [soupire] Si vous voulez.",
                "T: C'était un sacré soupir. Ne décidons pas maintenant. La semaine prochaine, vous "
                "me direz ce que vous voulez faire des fiches.",
            ],
        ),
    ],
)
def test_a_task_the_therapist_leaves_undecided_after_a_sigh_is_no_task_to_check(
    language: str, lines: list[str]
) -> None:
    """fresh38's review: the report listed the thought record as accepted, to ask about next
    session, after the therapist had heard the sigh and left it undecided — asking about it would
    repeat what set off the rupture."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    assert not any(p.between and p.proposed for p in found), found


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: That sounds like a sensible pace. Is there anything you'd like to try this "
                "week?",
                "P: Sarah's been asking me over for Sunday dinner for weeks and I keep saying no. "
                "I think I'll go.",
            ],
        ),
        (
            "fr",
            [
                "T: Ça me paraît un bon rythme. Est-ce qu'il y a quelque chose que vous aimeriez "
                "essayer cette semaine ?",
                "P: Ma fille me demande de venir déjeuner le dimanche depuis des semaines, et je "
                "dis toujours non. Je crois que je vais y aller.",
            ],
        ),
    ],
)
def test_the_patients_answer_to_anything_youd_like_to_try_is_their_task(
    language: str, lines: list[str]
) -> None:
    """fresh38's review: "Is there anything you'd like to try this week?" — the Sunday dinner the
    patient chose was missing from what was agreed."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session(hello + lines, language), language)
    assert (plan.turn, plan.between, plan.proposed) == (3, True, False)


RESHAPED = {
    "en": [
        "T: So for this week, there's the email to your manager, if and when you choose.",
        "P: I'd rather not promise the email this week. Could I draft it this week and decide "
        "about sending it next session?",
        "T: That sounds wise to me. Draft it, and we'll look at it together next time. You know "
        "your load better than I do.",
        "P: Thank you.",
    ],
    "fr": [
        "T: Pour cette semaine, je vous propose l'exercice du matin, trois semaines d'affilée.",
        "P: Deux matins. Lundi et mardi, comme cette semaine. Ça, je sais que je peux. Trois "
        "semaines d'affilée, non.",
        "T: Deux matins, c'est très bien. C'est vous qui savez ce que vous pouvez tenir.",
        "P: Je vous envoie un texto dès que j'ai mon planning.",
    ],
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_task_the_patient_reshaped_and_the_therapist_endorsed_is_the_one_to_ask_about(
    language: str,
) -> None:
    """fresh41's review: "Could I draft it this week and decide about sending it next session?" —
    "That sounds wise to me… You know your load better than I do" was reported as a task with "no
    clear yes", quoting the email the patient had just set aside (« Deux matins… » — « C'est vous
    qui savez ce que vous pouvez tenir » the same): next week the therapist would have asked
    about the version she turned down."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session(hello + RESHAPED[language], language), language)
    assert (plan.turn, plan.reshaped, plan.agreed_at) == (2, 3, 4)
    told = _told(language, plan)
    said = RESHAPED[language][1][3:]
    assert said in told, told
    assert ("no clear yes" if language == "en" else "sans accord clair") not in told


def test_a_doubt_the_therapist_only_hears_reshapes_no_task() -> None:
    """An answer that proposes nothing ("Dunno.") reshapes no task, even when the therapist's next
    words sound like an endorsement: the task stays one with no clear yes."""
    lines = [
        "T: Hello.",
        "P: Hi.",
        "T: So for this week, could you write down one thought a day?",
        "P: Dunno.",
        "T: That sounds fair enough to me.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert plan.reshaped is None and plan.agreed_at is None


def test_the_step_chosen_together_replaces_the_task_set_aside_and_a_recap_is_agreed() -> None:
    """fresh44's review: the report told the therapist to check on the straw exercise, set aside
    later in the session, and missed the stairs the patient chose when asked what would feel
    doable and how often; in the other session « On fait comme ça, alors : … » — « On fait comme
    ça. » was missing entirely."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Alors pour cette semaine, ce que je vous propose : la paille deux fois par jour, matin "
        "et soir, et vous notez l'intensité. D'accord ?",
        "P: Oui oui. Pas de souci.",
        "T: Qu'est-ce qui vous paraîtrait faisable, à vous, et pas trop collé à ce souvenir ?",
        "P: Les escaliers, peut-être. Au siège on est au quatrième, je prends toujours l'ascenseur.",
        "T: Combien de fois par jour, ce serait réaliste ?",
        "P: Une fois le matin en arrivant. Peut-être le midi aussi. Deux, allez.",
    ]
    found = plans.find(_session(lines, "fr"), "fr", appeased=frozenset({3}))
    assert [(p.turn, p.proposed) for p in found if p.between] == [(5, False), (7, False)], found
    recap = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: On fait comme ça, alors : les quatre marches, le carnet d'audience, et le rendez-vous "
        "de jeudi.",
        "P: On fait comme ça. Ça me va vraiment, ça.",
    ]
    (plan,) = plans.find(_session(recap, "fr"), "fr")
    assert (plan.turn, plan.between, plan.agreed_at) == (2, True, 3)


@pytest.mark.parametrize(
    ("language", "line", "said"),
    [
        (
            "en",
            "T: Thursdays at three, and I won't move or cancel from my side before Christmas "
            "unless I'm ill.",
            "I won't move or cancel from my side before Christmas unless I'm ill",
        ),
        (
            "en",
            "T: I'll always tell you before we go near it, and we'll agree together when.",
            "I'll always tell you before we go near it",
        ),
    ],
)
def test_the_therapists_promise_about_the_frame_is_on_record(
    language: str, line: str, said: str
) -> None:
    """fresh44's review: after the complaint about lateness and cancellations, the therapist's
    promise was missing from what the session agreed."""
    found = [
        p
        for p in plans.find(_session(["T: Hello.", "P: Hi.", line, "P: Okay."], language), language)
        if p.relation
    ]
    (plan,) = found
    assert said in plan.words


def test_a_subject_proposed_for_next_session_and_met_with_an_appeasing_yes_is_to_check() -> None:
    """fresh44's review: « Je vous propose qu'on en fasse le sujet de la prochaine : on prépare le
    trajet ensemble » — « Bon. Si vous le dites. » was missing from what the session agreed; it
    is on record, with no clear yes."""
    lines = [
        "T: Bonjour.",
        "P: Bonjour.",
        "T: Il nous reste trois séances. Je vous propose qu'on en fasse le sujet de la prochaine : "
        "on prépare le trajet ensemble, étape par étape.",
        "P: [silence 4s] Bon. Si vous le dites.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr", appeased=frozenset({3}))
    assert (plan.turn, plan.proposed, plan.agreed_at, plan.between) == (2, True, None, False)
    assert "sans accord clair" in _told("fr", plan)


@pytest.mark.parametrize(
    ("language", "recap", "yes"),
    [
        (
            "fr",
            "T: Je récapitule ce qu'on a décidé ensemble : deux heures de lever selon le planning, "
            "une sieste de vingt minutes les jours de matinée, et vous continuez l'agenda. Vous "
            "voulez changer quelque chose ?",
            "P: Non, ça me va.",
        ),
        (
            "en",
            "T: Let me recap what we've decided together: two wake-up times, a twenty-minute nap "
            "on early shifts, and you keep the diary. Anything you'd change?",
            "P: No, that works for me.",
        ),
    ],
)
def test_a_recap_of_what_was_decided_together_is_the_weeks_task(
    language: str, recap: str, yes: str
) -> None:
    """fresh45's review: « Je récapitule ce qu'on a décidé ensemble : … » — « Non, ça me va. » was
    missing from what the session agreed."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    (plan,) = plans.find(_session([*hello, recap, yes], language), language)
    assert (plan.turn, plan.between, plan.agreed_at) == (2, True, 3)


def test_a_check_in_question_about_the_week_is_no_task() -> None:
    """fresh45's review: "Where would you put your mood this week, out of ten?" — "About a four."
    was listed as a task for the week with no clear yes."""
    lines = [
        "T: Come in, have a seat. So, as usual, let's start with the quick check-in. Where would "
        "you put your mood this week, out of ten?",
        "P: About a four.",
    ]
    assert not [p for p in plans.find(_session(lines, "en"), "en") if p.between]


def test_a_task_summed_up_for_the_week_credits_the_patients_idea_from_further_back() -> None:
    """fresh45's review: "So, for this week: voice notes instead of the worksheet, …" was called
    proposed by the therapist; voice notes were the patient's own idea, seven turns earlier. A
    task given as a summing-up of the week looks as far back as a recap does."""
    lines = [
        "T: How did the worksheet go?",
        "P: I tried voice notes on my phone instead, on my break. Just talking. That was easier.",
        "T: Tell me more about that.",
        "P: It was quicker, and I could say it while it was fresh.",
        "T: And the house?",
        "P: I want to write down what I'd say to my sister first.",
        "T: What would you say?",
        "P: That I'm not against selling, I'm against not being asked.",
        "T: That's clear.",
        "P: It is. It's what I want.",
        "T: So, for this week: voice notes instead of the worksheet, and finish what you'd say to "
        "your sister.",
        "P: Yes, that's right.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at, plan.idea) == (10, 11, 1)


def test_a_plan_summed_up_after_so_colon_and_owned_by_the_patient_is_the_weeks_task() -> None:
    """fresh48: "So: ring your sister about the cake, talk to Ellie…, and take the pendulum in.
    Does that feel like your plan, or does any of it feel like mine?" — "No, it's mine. It really
    is." was missing from what was agreed; the steps were the patient's own, a few turns before."""
    lines = [
        "T: What would putting some of it down look like, if it were up to you?",
        "P: The cake, for a start. I'm going to ring my sister and tell her I'm not making it.",
        "T: That sounds like a relief already. What else?",
        "P: I'd like Ellie to talk to her dad about the seating herself. Not me.",
        "T: So: ring your sister about the cake, and talk to Ellie about her dad and the seating. "
        "Does that feel like your plan, or does any of it feel like mine?",
        "P: No, it's mine. It really is.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at) == (4, 5) and plan.idea in (1, 3)  # either step is hers
    assert plan.words.startswith("So: ring your sister")


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: I've got something that might help between sessions: a feelings log. "
                "Would you be willing to give it a go?",
                "P: Of course. I'll fill it in every night.",
                "T: Good.",
                "P: I was cross the whole way here, actually.",
                "T: So how would you like to use the time we've got left?",
                "P: Honestly? I don't want to do the sheet. I said yes because it's easier.",
                "T: Then that's what we'll do.",
            ],
        ),
        (
            "fr",
            [
                "T: Je vous propose, pour cette semaine, de remplir un carnet des émotions chaque "
                "soir. Ça vous va ?",
                "P: Oui, bien sûr. Je le remplirai tous les soirs.",
                "T: Bien.",
                "P: J'étais en colère tout le trajet, en fait.",
                "T: Comment vous voulez utiliser le temps qui reste ?",
                "P: Franchement ? Je n'ai pas envie de remplir le carnet. J'ai dit oui parce que "
                "c'est plus simple.",
                "T: Alors c'est ce qu'on va faire autrement.",
            ],
        ),
    ],
)
def test_a_written_task_the_patient_turns_down_later_is_not_one_to_ask_about(
    language: str, lines: list[str]
) -> None:
    """fresh47's review: the feelings log the patient said yes to at once, then turned down
    ("I don't want to do the sheet. I said yes because it's easier to say yes." — "Then that's
    what we'll do."), was still listed to ask about next session. Without the therapist's yes to
    dropping it, it stays."""
    found = plans.find(_session(lines, language), language)
    assert not [p for p in found if p.between]
    kept = plans.find(_session(lines[:-1], language), language)
    assert [p for p in kept if p.between]


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "T: Et cette question-là, le tarif, le rythme, elle est légitime. Ce que je vous "
                "propose, c'est qu'on la prenne au début de la prochaine séance, à tête reposée.",
                "P: [silence 3s] Si vous voulez.",
                "T: Et les assiettes, le soir, est-ce que c'est quelque chose dont vous aimeriez "
                "qu'on reparle, une autre fois ?",
                "P: Oui, je crois. Pas forcément pour que ça s'arrête, hein.",
                "T: On arrive bientôt à la fin. Comment vous repartez, aujourd'hui ?",
                "P: Plus légère. Bon, tout n'est pas réglé. Mais on en parle la prochaine fois, "
                "comme vous avez dit.",
                "T: On commence par ça la prochaine fois. Et d'ici là, je vais noter les prénoms, "
                "tout simplement.",
            ],
        ),
        (
            "en",
            [
                "T: And that question, the fee, how often we meet, is a fair one. What I'd suggest "
                "is that we take it at the start of next session, with a clear head.",
                "P: [silence 3s] If you like.",
                "T: And the plates in the evening, is that something you'd like to come back to "
                "another time?",
                "P: Yes, I think so. Not so that it stops, mind.",
                "T: We're nearly at the end. How are you leaving today?",
                "P: Lighter. Well, it's not all sorted. But we talk about it next time, like you "
                "said.",
                "T: We'll start with that next time. And before then, I'll write down their names.",
            ],
        ),
    ],
)
def test_a_proposal_taken_up_later_and_a_yes_to_the_therapists_question(
    language: str, lines: list[str]
) -> None:
    """fr48-a, read as its therapist: the fee deferred to next session (accepted only at « on en
    parle la prochaine fois, comme vous avez dit »), the plates for another time (the brief quoted
    « Oui, je crois… » without them) and the promise to note the names were missing or wrong."""
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    by_turn = {p.turn: p for p in found}
    # the proposal, agreed when the patient takes it up "as you said": one plan, not two
    fee = by_turn[2]
    assert fee.proposed and fee.agreed_at == 7 and fee.subject
    assert 7 not in by_turn
    # the yes to the therapist's question: the question names the subject
    plates = by_turn[4]
    assert plates.proposed and plates.agreed_at == 5
    assert ("assiettes" if language == "fr" else "plates") in plates.words
    # the therapist's promise about what the patient reproached
    promise = by_turn[8]
    assert promise.relation and ("prénoms" in promise.words or "names" in promise.words)


@pytest.mark.parametrize(
    ("language", "lines", "expected"),
    [
        # fresh49: the next session's subject offered after a comma, taken with « …, oui. »; the
        # patient's own step welcomed with « Très bonne idée. »
        (
            "fr",
            [
                "T: On pourrait, à la prochaine séance, faire ensemble le génogramme de votre "
                "famille.",
                "P: Le génogramme, oui. Ça, ça me parle vraiment.",
                "T: Alors on commence par le génogramme. Ça vous va ?",
                "P: Oui. Je vais demander à maman les vieilles photos.",
                "T: Très bonne idée. On s'arrête là pour aujourd'hui.",
            ],
            {(2, "next session"), (5, "own task")},
        ),
        # fresh50: "Does that feel like yours?" — "It does. That feels doable."; the call with
        # its day said
        (
            "en",
            [
                "T: So: the recording and the breathing at four, and the kettle on properly. "
                "Does that feel like yours?",
                "P: It does. That feels doable.",
                "T: Good. Anything else?",
                "P: I'll ring Nadine on Sunday, before I go back out.",
                "T: Good idea.",
            ],
            {(2, "task"), (5, "own task")},
        ),
        # fresh50 (review): the patient's own idea, to write the speech and read it next time,
        # welcomed with « Ça me va tout à fait »
        (
            "fr",
            [
                "T: Je me disais qu'on pourrait continuer à faire une place à Didier ici. "
                "Qu'est-ce que vous en pensez ?",
                "P: Oui. Je me disais que je pourrais l'écrire, ce discours. Et vous le lire, "
                "peut-être, si ça vous va.",
                "T: Ça me va tout à fait. Écrit comme il viendra, ce n'est pas une rédaction.",
            ],
            {(3, "own task")},
        ),
        (
            "en",
            [
                "T: I wondered if we could keep making some room for Didier here.",
                "P: Yes. I was thinking I could write it, the speech. And read it to you, if "
                "that's all right.",
                "T: That works for me. However it comes out, it's not an essay.",
            ],
            {(3, "own task")},
        ),
        # fresh51 (review): the week's tasks said after « On récapitule les tâches »; the
        # therapist's promise to come back to the invoice at the start of next session
        (
            "fr",
            [
                "T: On récapitule les tâches, et vous me dites ce que vous en pensez. Le mardi, "
                "Karima ferme et vous allez voir votre mère à cinq heures.",
                "P: Oui, ça me va vraiment.",
                "T: Pour la facture, je vais y réfléchir sérieusement, et on en reparle en début "
                "de séance la semaine prochaine. Ça vous va ?",
                "P: Oui. Ça me va. Au moins c'est posé.",
            ],
            {(2, "task"), (4, "next session")},
        ),
        # fresh51 (review): the recap "as I've understood it"; the homework written together
        (
            "en",
            [
                "T: So, as I've understood it: keeping the Sunday calls, moved to after Rosie's "
                "nap, and asking the Chapter about leave in May. Is that the plan as you see it?",
                "P: No, that's right. That feels right.",
                "T: So, for the homework, let's write it together this time. What do you want it "
                "to be?",
                "P: One note a block. Three things. And if I don't do it, we talk about why.",
            ],
            {(2, "task"), (5, "own task")},
        ),
        # fresh56 (review): the plan checked back with the patient, then confirmed
        (
            "en",
            [
                "T: So let me see if I've got the plan, and you correct me. Two tablets in the "
                "zip pocket on boat weeks, and the watch set to buzz at quarter to eight.",
                "P: Yeah, that's right. I'll cut the strip tonight.",
            ],
            {(2, "task")},
        ),
        (
            "fr",
            [
                "T: Voyons si j'ai bien noté le plan, et vous me corrigez. Deux comprimés dans la "
                "poche du gilet, et la montre qui vibre à huit heures moins le quart.",
                "P: Oui, c'est ça. Je découpe la plaquette ce soir.",
            ],
            {(2, "task")},
        ),
        # fresh57 (review): the plan written down together
        (
            "en",
            [
                "T: Shall we write the plan down? Midnight to six every day, weekends included. "
                "Reading or the Sunday list from ten.",
                "P: Yes. Can we put down that we'll look at it again in two weeks?",
            ],
            {(2, "task")},
        ),
        (
            "fr",
            [
                "T: On écrit le plan ? Minuit-six tous les jours, week-end compris. La lecture ou "
                "la liste du dimanche à partir de dix heures.",
                "P: Oui. On peut noter qu'on le revoit dans quinze jours ?",
            ],
            {(2, "task")},
        ),
        # fresh52 (review): "So the plan is: …" confirmed; a proposal left to the patient
        # (« J'ai une proposition, mais c'est vous qui voyez : … cette semaine »)
        (
            "en",
            [
                "T: Okay. So the plan is: after each gig, load out, lock the van once, no photos, "
                "no going back. Does that sound right?",
                "P: Yeah, that's right. I'll put it on the sheet.",
            ],
            {(2, "task")},
        ),
        (
            "fr",
            [
                "T: J'ai une proposition, mais c'est vous qui voyez : appeler Catherine cette "
                "semaine pour lui parler de ce partage.",
                "P: Oui. Ça, oui, vraiment. Je l'appelle dimanche soir, après la visite.",
            ],
            {(2, "task")},
        ),
        # fresh49 (review): the invitation of the sister kept for when the patient is ready
        (
            "fr",
            [
                "T: Alors on commence par le génogramme, et on garde l'idée de Sandrine pour "
                "quand vous serez prête. Ça vous va ?",
                "P: Oui. Ça me va bien. Vraiment.",
            ],
            {(2, "set aside")},
        ),
        (
            "en",
            [
                "T: So we start with the family tree, and we keep the idea of inviting Sandrine "
                "for when you're ready. Does that work?",
                "P: Yes. That suits me. Really.",
            ],
            {(2, "set aside")},
        ),
    ],
)
def test_agreements_the_blind_reads_found_missing(
    language: str, lines: list[str], expected: set[tuple[int, str]]
) -> None:
    hello = ["T: Bonjour.", "P: Bonjour."] if language == "fr" else ["T: Hello.", "P: Hi."]
    found = plans.find(_session(hello + lines, language), language)
    assert {(p.turn, _kind(p)) for p in found} == expected
    assert all(p.agreed_at is not None for p in found if p.proposed)


def test_a_question_about_sunday_is_no_recap_and_the_starting_point_for_next_week_is_one() -> None:
    """fresh52's review: "So, Sunday, the phone call. What might you say…?" (worked on in the
    session) was listed as a task for the week; "Would it make sense to keep that as our starting
    point next week?" was missing."""
    lines = [
        "T: I'd like to come back to what you said, about wanting her to remember without being "
        "reminded. Would it make sense to keep that as our starting point next week?",
        "P: Sure, it makes sense.",
        "T: Good. So, Sunday, the phone call. What might you say, if you weren't going to say "
        "don't be daft?",
        "P: Maybe, 'It did hurt, Mum.' I don't know if I could get it out.",
    ]
    found = plans.find(_session(lines, "en"), "en")
    assert [(p.turn, _kind(p), p.agreed_at) for p in found] == [(0, "next session", 1)]


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "T: Si vous le souhaitez, on peut en parler la prochaine fois, du rythme, de la "
                "fréquence, de ce qui serait tenable pour vous.",
                "P: Ouais. On verra dimanche, déjà. Bon, j'y vais.",
            ],
        ),
        (
            "en",
            [
                "T: If you like, we can talk next time about how often we meet.",
                "P: Yeah. We'll see after Sunday, first. Right, I'd better go.",
            ],
        ),
    ],
)
def test_a_yes_the_turn_takes_back_is_no_clear_yes(language: str, lines: list[str]) -> None:
    """fresh54 (read after scoring): « Ouais. On verra dimanche, déjà. » was listed as the patient
    accepting to talk about the frequency next time, to open the session with. The proposal stays
    on record, without a yes, to check before opening with it."""
    (plan,) = plans.find(_session(lines, language), language)
    assert plan.proposed and plan.agreed_at is None
    # a plain yes is still one
    yes = [lines[0], lines[1].split(".")[0] + "."]
    (plan,) = plans.find(_session(yes, language), language)
    assert plan.agreed_at == 1


def test_a_recap_asked_as_a_question_is_quoted_whole() -> None:
    """fresh57 (review): "Shall we write the plan down? Midnight to six…" — one item of five was
    quoted, and not the first."""
    lines = [
        "T: Shall we write the plan down? Midnight to six every day, weekends included. Reading "
        "or the Sunday list from ten. And keep the diary. Does that sound right?",
        "P: Yes. Can we put down that we'll look at it again in two weeks?",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert plan.words.startswith("Midnight to six every day") and "keep the diary" in plan.words
    assert "sound right" not in plan.words


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "T: Et pour l'exposition de cette semaine, qu'est-ce qui vous paraîtrait "
                "faisable, à vous ?",
                "P: Oui, oui, la pause café, ça ira, sûrement.",
            ],
        ),
        (
            "en",
            [
                "T: And for this week's exposure, what would feel doable to you?",
                "P: Yeah, yeah, the coffee break, that'll be fine, probably.",
            ],
        ),
    ],
)
def test_a_hedged_step_is_no_task_for_the_week(language: str, lines: list[str]) -> None:
    """fresh57 (review): « Oui, oui, la pause café, ça ira, sûrement. » — a yes to please, named
    as such by the therapist and taken back — was listed as what the patient said they would do."""
    assert plans.find(_session(lines, language), language) == ()
    plain = [lines[0], lines[1].rsplit(",", 1)[0] + "."]
    assert [p.turn for p in plans.find(_session(plain, language), language)] == [1]


@pytest.mark.parametrize(
    ("language", "lines", "words", "own"),
    [
        (
            "en",
            [
                "T: Part of it might be the time as well. You said Thursday mornings are the worst.",
                "P: Tuesdays I'm off. A Tuesday afternoon would be better.",
                "T: I can do Tuesday at two. And no sheet.",
                "P: I'll maybe come Tuesday. I'm not promising anything past that.",
                "T: That's okay. Tuesday at two, and we'll see where we are then.",
                "P: Aye. Cheers.",
            ],
            "I can do Tuesday at two. And no sheet.",
            "I'll maybe come Tuesday. I'm not promising anything past that.",
        ),
        (
            "fr",
            [
                "T: On peut regarder l'horaire aussi. Le jeudi vous oblige à annuler des visites.",
                "P: Le lundi, c'était mieux. Ou tôt le matin.",
                "T: Je peux vous proposer le mardi à huit heures, à partir du mois prochain.",
                "P: Le mardi à huit heures, ce serait bien.",
                "T: Alors on fait comme ça.",
                "P: Merci.",
            ],
            "Je peux vous proposer le mardi à huit heures, à partir du mois prochain.",
            "Le mardi à huit heures, ce serait bien.",
        ),
    ],
)
def test_a_slot_the_therapist_offers_and_the_patient_takes_up_moves_the_appointment(
    language: str, lines: list[str], words: str, own: str
) -> None:
    """Two blind reviews (fresh57, fresh58): after a complaint about the slot, the therapist
    offered another day, the patient took it up, and the report said nothing of it."""
    (plan,) = [p for p in plans.find(_session(lines, language), language) if p.moved]
    assert (plan.turn, plan.agreed_at, plan.proposed) == (2, 3, True)
    # the day was the patient's (« Le lundi, c'était mieux » names another: the therapist's)
    assert plan.idea == (1 if language == "en" else None)
    assert (plan.words, plan.own) == (words, own)


def test_a_slot_offered_for_another_day_than_the_patient_names_is_not_taken_up() -> None:
    lines = [
        "T: I can do Tuesday at two.",
        "P: Wednesday would be better, to be honest.",
        "T: Let me look.",
    ]
    assert not [p for p in plans.find(_session(lines, "en"), "en") if p.moved]


def test_a_step_the_patient_says_and_the_therapist_says_back_is_on_record() -> None:
    """fresh57 (read as its therapist): the week's agreement, the patient's own words said back by
    the therapist and confirmed, was missing from what was agreed."""
    lines = [
        "T: D'accord. Et dimanche, à l'EHPAD ?",
        "P: J'irai quand même. Et si elle me redemande pour la maison... je crois que je vais lui "
        "parler de la maison, plutôt. Des souvenirs de la maison.",
        "T: Lui parler de la maison plutôt que lui promettre d'y retourner.",
        "P: Oui. Elle aime bien quand je lui raconte le jardin. Ça, je peux le faire sans mentir.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert (plan.turn, plan.agreed_at, plan.between) == (1, 2, True)
    assert plan.words == "je crois que je vais lui parler de la maison, plutôt"


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "en",
            [
                "T: Anything you'd like to add before we finish?",
                "P: Only thank you. It was good. I'll see you in two weeks with the diary.",
                "T: I'll look forward to it. Take care on Sunday.",
            ],
        ),
        (
            "fr",
            [
                "T: Vous voulez ajouter quelque chose avant qu'on s'arrête ?",
                "P: Juste merci. On se revoit dans quinze jours avec le carnet.",
                "T: Avec plaisir. Prenez soin de vous dimanche.",
            ],
        ),
    ],
)
def test_the_next_appointment_the_patient_says_and_the_therapist_welcomes_is_on_record(
    language: str, lines: list[str]
) -> None:
    """fresh57: "I'll see you in two weeks with the diary." — "I'll look forward to it." was not
    recorded."""
    (plan,) = [p for p in plans.find(_session(lines, language), language) if p.appointment]
    assert (plan.turn, plan.agreed_at) == (1, 2)


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "T: Très bien. Alors pour la semaine, qu'est-ce que vous vous sentez de faire, vous, "
                "à la maison ?",
                "P: Le soir, dans le bureau, après les informations. Vingt secondes, deux fois. Et "
                "je note dans le carnet, avec les chiffres, comme vous faites.",
                "T: Ça me paraît très bien.",
            ],
        ),
        (
            "en",
            [
                "T: Great. So for the week, what do you feel up to doing at home?",
                "P: In the evening, in the office, after the news. Twenty seconds, twice. And I "
                "write it in the notebook, with the numbers, like you do.",
                "T: That sounds very good to me.",
            ],
        ),
        # fresh62: « Qu'est-ce que vous voulez faire de tout ça cette semaine ? »
        (
            "fr",
            [
                "T: On arrive bientôt à la fin. Qu'est-ce que vous voulez faire de tout ça cette "
                "semaine ?",
                "P: Vendredi on ferme ensemble. Je vais lui proposer qu'on aille boire un café "
                "après, au bistrot de la place. Et je lui dis les deux choses.",
                "T: Ça me paraît juste.",
            ],
        ),
    ],
)
def test_the_step_the_patient_designs_when_asked_is_theirs(language: str, lines: list[str]) -> None:
    """fresh58 (a clinician's review): the week's task the patient built himself was reported as
    « proposée par vous (tour 55) », quoting the therapist's question."""
    (plan,) = plans.find(_session(lines, language), language)
    assert (plan.turn, plan.between, plan.proposed) == (1, True, False)


@pytest.mark.parametrize(
    ("language", "lines", "subject"),
    [
        (
            "fr",
            [
                "T: On n'est pas obligées d'aller vers votre mère aujourd'hui. Cette fois je ne "
                "vais pas vous y pousser. On pourra y revenir quand vous le voudrez.",
                "P: D'accord. Ce n'est pas que je ne veux pas.",
            ],
            "votre mère",
        ),
        (
            "en",
            [
                "T: We don't have to go to your mother today. This time I won't push you there. "
                "We can come back to it whenever you want.",
                "P: Okay. It's not that I don't want to.",
            ],
            "your mother",
        ),
    ],
)
def test_a_subject_the_therapist_leaves_until_the_patient_wants_it_says_what_it_is(
    language: str, lines: list[str], subject: str
) -> None:
    """fresh58 (a clinician's review): the subject set aside was missing from what was agreed;
    its sentence (« On pourra y revenir… ») says what only with the one before it."""
    (plan,) = plans.find(_session(lines, language), language)
    assert (plan.turn, plan.agreed_at, plan.aside, plan.proposed) == (0, 1, True, True)
    assert subject in plan.words


def test_the_welcome_of_the_patients_step_may_go_on_with_the_weeks_task() -> None:
    """fresh58 (a clinician's review): « Ça vaut mieux, oui. Et si une crise arrive d'ici là, on
    garde ce qu'on avait dit : … » welcomed his step (telling his wife) and recalled the task for
    an attack; the task was missing from what was agreed."""
    lines = [
        "T: Ça me paraît très bien. Est-ce que vous voulez que votre femme soit au courant ?",
        "P: Oui, je vais lui dire. Sinon elle va croire que je fais un malaise dans le bureau.",
        "T: Ça vaut mieux, oui. Et si une crise arrive d'ici là, on garde ce qu'on avait dit : "
        "vous notez ce que vous pensez, sur cent, et vous restez là où vous êtes.",
        "P: D'accord. Ça, je crois que je peux.",
    ]
    own, task = plans.find(_session(lines, "fr"), "fr")
    assert (own.turn, own.agreed_at, own.proposed) == (1, 2, False)
    assert (task.turn, task.agreed_at, task.proposed, task.between) == (2, 3, True, True)


@pytest.mark.parametrize(
    ("language", "lines"),
    [
        (
            "fr",
            [
                "P: Le jeudi, avec le service du soir, c'est devenu compliqué.",
                "T: Pour la suite, je vous propose de passer au lundi à dix-huit heures, puisque "
                "le jeudi vous pose problème avec le service.",
                "P: Lundi dix-huit heures, oui, ça me va mieux.",
                "T: Très bien. À lundi alors.",
            ],
        ),
        (
            "en",
            [
                "P: Thursdays are getting hard with the late shifts.",
                "T: I suggest we move to Mondays at six, since Thursdays clash with your shifts.",
                "P: Mondays at six. Yes, that suits me better.",
                "T: Good. See you Monday, then.",
            ],
        ),
    ],
)
def test_a_new_weekly_slot_the_therapist_proposes_and_the_patient_takes_is_on_record(
    language: str, lines: list[str]
) -> None:
    """fresh61 (review): the sessions moved to Monday at six, said as a proposal to move (« je
    vous propose de passer au lundi… ») and taken up, was missing from what was agreed."""
    (plan,) = [p for p in plans.find(_session(lines, language), language) if p.moved]
    assert (plan.turn, plan.agreed_at, plan.proposed) == (1, 2, True)


def test_a_slot_offered_with_its_hour_first_and_taken_up_without_a_day_is_on_record() -> None:
    """fresh62: "I could do four o'clock next Thursday instead of ten. Would that work for
    you?" — "Four's perfect. Cheers." was missing from what the session agreed."""
    lines = [
        "P: Next Thursday, is there any chance we could do later in the day?",
        "T: Let me have a look. I could do four o'clock next Thursday instead of ten. Would that "
        "work for you?",
        "P: Four's perfect. Cheers.",
    ]
    (plan,) = [p for p in plans.find(_session(lines, "en"), "en") if p.moved]
    assert (plan.turn, plan.agreed_at) == (1, 2)


def test_the_therapist_asking_to_be_told_next_time_with_an_aside_is_on_record() -> None:
    """fresh62: "And if I do it again — decide what's going on in you before you've had a chance
    to work it out — I'd like you to tell me." — "I can do that." was missing."""
    lines = [
        "P: You said sorry. That was odd. Good odd.",
        "T: And if I do it again — decide what's going on in you before you've had a chance to "
        "work it out — I'd like you to tell me. Even just, 'you're doing it again.'",
        "P: 'You're doing it again.' I can do that.",
    ]
    (plan,) = plans.find(_session(lines, "en"), "en")
    assert (plan.turn, plan.agreed_at, plan.relation) == (1, 2, True)


def test_a_recap_of_steps_agreed_along_the_way_is_agreed_and_the_date_after_it_is_on_record() -> (
    None
):
    """fresh62 (review): "So, to recap: no Googling, checking twice a day… and the smear booked.
    Same time next week?" — "Same time." was reported as a task with no clear yes (every step had
    its yes), the date was lost, and "So on Wednesday you were flat out from start to finish"
    (a question about that day) was reported as a task."""
    lines = [
        "T: So on Wednesday you were flat out from start to finish. How was your neck that day?",
        "P: Do you know, I didn't give it a thought. Not once.",
        "T: Shall we put booking the smear on this week's list too?",
        "P: Yes. Tomorrow. Before I go in to work.",
        "T: Great. So, to recap: no Googling, checking twice a day, urges written in the diary, "
        "and the smear booked. Same time next week?",
        "P: Same time. Thank you. I feel a bit lighter, actually.",
    ]
    found = plans.find(_session(lines, "en"), "en")
    assert [(p.turn, p.agreed_at, p.appointment) for p in found if p.turn == 4] == [
        (4, 3, False),
        (4, 5, True),
    ]
    assert not [p for p in found if p.turn == 0]


def test_a_request_to_be_told_in_session_is_an_agreement_about_the_relationship() -> None:
    """fresh62 (review): « si… vous vous sentez de nouveau coincée…, est-ce que vous seriez
    d'accord pour me le dire sur le moment ? » — « Oui. Ça, je peux essayer. » was given as
    homework to ask about next time."""
    lines = [
        "P: Merci de le dire.",
        "T: Et une dernière chose : si, ici, vous vous sentez de nouveau coincée comme tout à "
        "l'heure, est-ce que vous seriez d'accord pour me le dire sur le moment ?",
        "P: Oui. Ça, je peux essayer.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert (plan.turn, plan.agreed_at, plan.relation, plan.between) == (1, 2, True, False)


def test_the_next_appointment_said_with_its_date_and_hour_is_on_record() -> None:
    """fresh63 (blind): « Alors on se revoit le jeudi 14, à dix-huit heures. » — « Jeudi 14,
    dix-huit heures. Merci. » was missing from what the session agreed."""
    lines = [
        "P: Fatigante. Mais utile.",
        "T: Alors on se revoit le jeudi 14, à dix-huit heures.",
        "P: Jeudi 14, dix-huit heures. Merci. Vraiment.",
        "T: Merci à vous. Au revoir, Madame Ferrand.",
    ]
    (plan,) = plans.find(_session(lines, "fr"), "fr")
    assert (plan.turn, plan.agreed_at, plan.appointment) == (1, 2, True)
    assert plan.words == "Alors on se revoit le jeudi 14, à dix-huit heures"


def test_a_slot_said_free_after_the_patient_asked_to_move_is_on_record() -> None:
    """fresh63 (read as its therapist): "Could we move to a later slot for those? Like half
    four?" — "Half four on Thursdays is free, so yes, I can move you for those three weeks." —
    "Brilliant. Cheers, that helps." was missing from what was agreed."""
    lines = [
        "P: Just one practical thing. I'm going onto nights from the twentieth, for three weeks. "
        "Could we move to a later slot for those? Like half four?",
        "T: Half four on Thursdays is free, so yes, I can move you for those three weeks.",
        "P: Brilliant. Cheers, that helps.",
    ]
    (plan,) = [p for p in plans.find(_session(lines, "en"), "en") if p.moved]
    assert (plan.turn, plan.agreed_at) == (0, 1)
    assert plan.summary is not None and plan.summary.startswith("Half four on Thursdays is free")
    # asked without a question mark, the therapist's offer carries it, the patient's turn its idea
    lines[0] = lines[0].replace(
        "Could we move to a later slot for those? Like half four?",
        "I'd need to move to a later slot for those.",
    )
    (plan,) = [p for p in plans.find(_session(lines, "en"), "en") if p.moved]
    assert (plan.turn, plan.agreed_at, plan.idea) == (1, 2, 0)


@pytest.mark.parametrize(
    ("language", "lines", "words"),
    [
        (
            "en",
            [
                "P: Yeah, that fits better.",
                "T: And the map: I'll type up what we've got and bring it next week, and you can "
                "cross out anything that's mine and not yours.",
                "P: Yeah, go on then.",
            ],
            "I'll type up what we've got",
        ),
        (
            "fr",
            [
                "P: Et il me faudrait une facture pour la mutuelle, pour les trois dernières séances.",
                "T: Bien sûr. Et je vous prépare la facture des trois séances avant que vous partiez.",
                "P: Merci.",
            ],
            "je vous prépare la facture",
        ),
    ],
)
def test_what_the_therapist_will_bring_is_their_own_commitment(
    language: str, lines: list[str], words: str
) -> None:
    """fresh63 / fresh62: the therapist's promise to type up the map, or to prepare the invoice
    the patient asked for, was missing from what was agreed."""
    (plan,) = [p for p in plans.find(_session(lines, language), language) if p.relation]
    assert plan.turn == 1 and plan.proposed and words in plan.words


@pytest.mark.parametrize(
    ("language", "said", "yes"),
    [
        (
            "fr",
            "Oui. Ça, je peux essayer. [silence 2s] Et la prochaine fois, on parle de ma mère. "
            "J'en ai besoin, je crois.",
            "T: C'est noté : la prochaine fois, on commence par votre mère.",
        ),
        (
            "fr",
            "Oui. Ça, je peux essayer. [silence 2s] Et la prochaine fois, on parle de ma mère.",
            "T: Très bien. La prochaine fois, on commence par votre mère.",
        ),
        (
            "en",
            "Yes. I can try that. [pause] And next time we talk about my mum. I need to.",
            "T: Noted. Next time we start with your mum.",
        ),
    ],
)
def test_the_patients_request_for_next_time_after_a_pause_is_theirs(
    language: str, said: str, yes: str
) -> None:
    """fresh62 (review): « Et la prochaine fois, on parle de ma mère », said after a yes and a
    silence, was reported as the therapist's proposal (the therapist noted it next): a cue
    meant for a sentence start only matched at the turn's start."""
    lines = ["T: Est-ce que ça vous irait ?" if language == "fr" else "T: Would that be okay?"]
    (plan,) = plans.find(_session([*lines, f"P: {said}", yes], language), language)
    assert (plan.turn, plan.agreed_at, plan.proposed) == (1, 2, False)


def test_a_proposal_taken_up_in_the_present_and_a_date_said_back_are_on_record() -> None:
    """fresh62 (review): the invitation to bring Martine (« j'ajouterais une proposition… » —
    « Après dimanche, dans la voiture… je lui demande. ») and the next session (« On se revoit
    dans trois semaines, le mardi 4, à la même heure ? » — « Le mardi 4, d'accord. ») were
    missing from what was agreed."""
    lines = [
        "T: Et j'ajouterais une proposition, que vous êtes libre de lui transmettre ou non : "
        "est-ce que Martine aimerait venir à une séance avec vous ?",
        "P: Non, ça, je crois pas qu'elle voudra. [silence 3s] Enfin... je sais pas. Après "
        "dimanche, dans la voiture... je lui demande. Si elle dit non, c'est non.",
        "T: C'est parfait comme ça. On se revoit dans trois semaines, le mardi 4, à la même "
        "heure ?",
        "P: Le mardi 4, d'accord. Je finis ma tournée à neuf heures, c'est bon.",
    ]
    task, date = plans.find(_session(lines, "fr"), "fr")
    assert (task.turn, task.agreed_at, task.between, task.own) == (0, 1, True, "Je lui demande")
    assert (date.turn, date.agreed_at, date.appointment) == (2, 3, True)
