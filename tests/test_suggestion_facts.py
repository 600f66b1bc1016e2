"""Every fact a repair suggestion states about the demo sessions is true of the session.

A clinician stops trusting the tool the first time it says « quand j'ai abordé les exercices de
respiration » when the patient did, or « vos réponses devenaient plus courtes » when they had
not. Here each fact-bearing sentence of the suggestions (the patient's words quoted, who raised
the topic, the answers getting shorter, the moment referred to, a repair already made and
reflected back) is checked against the typed facts the suggestions were written from
(``formulation.facts``), and those facts against the transcript itself.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import cache

import pytest

from raccord import prose
from raccord.cli.analysis import demo_files
from raccord.io import load
from raccord.model import SessionAnalysis, Suggestion
from raccord.pipeline import analyze
from raccord.repair.suggest import suggest
from raccord.taxonomy import MarkerSubtype as S
from raccord.taxonomy import Role, Timing
from raccord.understand.formulate import formulate
from raccord.understand.session_facts import SessionFacts
from raccord.understand.text import section, word_count, words
from test_understand_support import detection, episode, marker, session

DEMOS = [p.name for p in demo_files()]
_QUOTE = re.compile(r"«\s*([^»]+?)\s*»|“([^”]+)”")
_TURN = {"fr": re.compile(r"\btour (\d+)\b"), "en": re.compile(r"\bturn (\d+)\b")}


@cache
def _analysis(name: str) -> SessionAnalysis:
    (transcript,) = load(next(p for p in demo_files() if p.name == name))
    return analyze(transcript, mode="fast")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").lower())
    return " ".join(
        re.findall(r"[\w']+", "".join(c for c in decomposed if not unicodedata.combining(c)))
    )


def _facts(a: SessionAnalysis) -> SessionFacts:
    assert a.formulation is not None and a.formulation.facts is not None
    return a.formulation.facts


def _said(a: SessionAnalysis) -> list[Suggestion]:
    return [s for s in a.suggestions if s.done_at is None and s.episode is not None]


def _moment_prefixes(code: str) -> tuple[str, ...]:
    when = section(code, "repair")["when"]
    return tuple(_plain(str(when[k]).split("{")[0]) for k in ("said", "asked", "you_said"))


@pytest.mark.parametrize("name", DEMOS)
def test_the_patients_words_quoted_are_the_patients_in_that_episode(name: str) -> None:
    a = _analysis(name)
    turns = a.transcript.turns
    for s in _said(a):
        ep = a.detection.episodes[s.episode or 0]
        spoken = [_plain(t.text) for t in turns[ep.start : ep.end + 1] if t.role is Role.PATIENT]
        for m in _QUOTE.finditer(s.text):
            if _plain(s.text[: m.start()]).endswith(_moment_prefixes(a.transcript.language)):
                continue  # the words of the moment named: tests/test_statement_facts.py
            quoted = _plain((m.group(1) or m.group(2)).rstrip("…"))
            assert any(quoted in p for p in spoken), (s.text, quoted)


@pytest.mark.parametrize("name", DEMOS)
def test_a_topic_is_attributed_to_whoever_raised_it(name: str) -> None:
    a = _analysis(name)
    turns = a.transcript.turns
    for f in _facts(a).episodes:
        if f.topic is None:
            continue
        stem = f.topic.head[:5]
        assert f.topic_turn is not None and f.topic_by is turns[f.topic_turn].role
        assert any(w.startswith(stem) for w in words(turns[f.topic_turn].text))
        if f.topic_by is Role.THERAPIST:
            before = [t for t in turns[: f.topic_turn] if t.role is Role.PATIENT][-1:]
            assert not any(w.startswith(stem) for t in before for w in words(t.text)), (
                "the patient had named it just before: the therapist only took it up"
            )
    # a suggestion names the moment by the words spoken, never « quand j'ai abordé X »
    for s in _said(a):
        assert not re.search(r"j'ai abordé|vous avez évoqué|I brought up|you brought up", s.text)


@pytest.mark.parametrize("name", DEMOS)
def test_the_answers_became_shorter_only_when_they_did(name: str) -> None:
    a = _analysis(name)
    code = a.transcript.language
    shorter = str(section(code, "repair")["observe"]["minimal_response"])
    claim = _plain(shorter.split("{when},")[-1])
    turns = a.transcript.turns
    for s in _said(a):
        if claim not in _plain(s.text):
            continue
        f = _facts(a).episode(s.episode or 0)
        assert f is not None and f.shorter, s.text
        marker = max(f.markers, key=lambda m: (m.salience, m.turn)).turn
        before = [t for t in turns[:marker] if t.role is Role.PATIENT][-1]
        assert word_count(turns[marker].text) < word_count(before.text)


@pytest.mark.parametrize("name", DEMOS)
def test_the_moment_referred_to_matches_when_it_will_be_said(name: str) -> None:
    a = _analysis(name)
    moment = section(a.transcript.language, "repair")["moment"]
    for s in _said(a):
        text = _plain(s.text)
        if s.timing is Timing.NEXT_SESSION:
            assert _plain(str(moment["now"])) not in text, s.text
        else:
            assert _plain(str(moment["next_session"])) not in text, s.text


@pytest.mark.parametrize("name", DEMOS)
def test_a_repair_reflected_back_was_made_by_the_therapist_and_the_patient_came_back(
    name: str,
) -> None:
    a = _analysis(name)
    code = a.transcript.language
    turns = a.transcript.turns
    done = [s for s in a.suggestions if s.done_at is not None]
    for s in done:
        t = s.done_at
        assert t is not None and turns[t].role is Role.THERAPIST
        uids = [int(n) for n in _TURN[code].findall(s.text)]
        assert uids[0] == turns[t].uid
        patient = next(x for x in turns[t + 1 :] if x.role is not Role.OTHER)
        assert patient.role is Role.PATIENT and uids[1] == patient.uid
        ep = a.detection.episodes[s.episode or 0]
        assert ep.start <= t <= ep.end + 1
        # reflected back instead of being suggested again for now
        again = [
            x
            for x in _said(a)
            if x.episode == s.episode and x.strategy is s.strategy and x.timing is Timing.NOW
        ]
        assert not again, again


def test_the_demo_sessions_exercise_every_check_above() -> None:
    said = [s for name in DEMOS for s in _said(_analysis(name))]
    assert any(s.done_at is not None for name in DEMOS for s in _analysis(name).suggestions)
    assert said, "the demo sessions get suggestions to check"
    # "the answers became shorter", a quote of the words said at the moment named ("when I
    # said: “…”") are checked whenever a suggestion says them (tests above); which demo episode
    # says them depends on the learned detector, so they are not required here: fixed detections
    # show the moment by its words in both languages (tests/test_statement_facts.py).


@pytest.mark.parametrize("name", DEMOS)
def test_every_turn_number_in_a_suggestion_exists(name: str) -> None:
    a = _analysis(name)
    uids = {t.uid for t in a.transcript.turns}
    for s in a.suggestions:
        for n in _TURN[a.transcript.language].findall(s.text + " " + s.why + " " + s.context):
            assert int(n) in uids, (n, s.text)


# --------------------------------------------------------------------------- the formulation's prose

_RANGE = re.compile(r"\b(?:tours|turns) (\d+)–(\d+)")
_WORKED = re.compile(
    r"\((?:tour|turn) (\d+)\).*?\((?:tour|turn) (\d+)"
    r"(?:, (?:après un marqueur au tour|after a marker at turn) (\d+))?\)"
)
_PAIR = re.compile(r"(\d+)→(\d+)")
_LIST = re.compile(r"\((?:tours|turns) ([\d, etand]+)\)")


def _prose(a: SessionAnalysis) -> prose.FormulationProse:
    """The formulation's sentences, as every report writes them."""
    text = prose.of(a)
    assert text is not None
    return text


def _by_uid(a: SessionAnalysis) -> dict[int, int]:
    return {t.uid: t.index for t in a.transcript.turns}


@pytest.mark.parametrize("name", DEMOS)
def test_the_summary_names_the_episodes_at_their_turns(name: str) -> None:
    a = _analysis(name)
    assert a.formulation is not None
    turns = a.transcript.turns
    stated = {(int(x), int(y)) for line in _prose(a).summary for x, y in _RANGE.findall(line)}
    actual = {(turns[e.start].uid, turns[e.end].uid) for e in a.detection.episodes}
    assert stated == actual


@pytest.mark.parametrize("name", DEMOS)
def test_what_worked_is_a_therapist_turn_and_the_patients_answer_right_after(name: str) -> None:
    a = _analysis(name)
    assert a.formulation is not None
    turns, uid = a.transcript.turns, _by_uid(a)
    marked = {m.turn for m in a.detection.markers}
    seen = 0
    for line in _prose(a).what_works:
        for t, p, m in _WORKED.findall(line):
            seen += 1
            ti, pi = uid[int(t)], uid[int(p)]
            assert turns[ti].role is Role.THERAPIST and turns[pi].role is Role.PATIENT
            assert all(x.role is not Role.THERAPIST for x in turns[ti + 1 : pi])
            if m:
                assert uid[int(m)] in marked and uid[int(m)] < ti
    assert seen == len(_facts(a).works)


@pytest.mark.parametrize("name", DEMOS)
def test_circles_and_prohibitions_name_the_turns_of_their_facts(name: str) -> None:
    a = _analysis(name)
    assert a.formulation is not None
    turns, uid = a.transcript.turns, _by_uid(a)
    marked = {m.turn for m in a.detection.markers}
    facts = _facts(a)
    stated_pairs = {
        (uid[int(t)], uid[int(p)]) for line in _prose(a).cycles for t, p in _PAIR.findall(line)
    }
    circle_pairs = {(x.therapist, x.patient) for _, members in facts.circles for x in members}
    assert stated_pairs == circle_pairs
    for t, p in stated_pairs:
        assert turns[t].role is Role.THERAPIST and p in marked and t < p
    for line, fact in zip(_prose(a).prohibitions, facts.prohibitions, strict=True):
        found = _LIST.search(line)
        assert found is not None, line
        listed = [int(n) for n in re.findall(r"\d+", found.group(1))]
        assert listed == [turns[i].uid for i in fact.markers]
        assert all(i in marked for i in fact.markers)
        if fact.by == "topic":
            for th in fact.therapist:
                assert turns[th].role is Role.THERAPIST


@pytest.mark.parametrize(
    ("code", "lines", "brief"),
    [
        (
            "fr",
            [
                "T: Comment ça s'est passé depuis la dernière fois ?",
                "P: Difficile. Jeudi, ça faisait un an que ma mère est partie, et je n'arrivais "
                "plus à rien faire de la journée, même pas à sortir le chien.",
                "T: Un an déjà.",
            ],
            False,
        ),
        (
            "en",
            [
                "T: How have you been since we last met?",
                "P: Okay I guess. The funeral was on Thursday and my aunt came over and we talked "
                "for a long time about my dad and the old house.",
                "T: That sounds like a lot.",
            ],
            False,
        ),
        ("fr", ["T: Et votre travail, ça se passe comment ?", "P: Bof.", "T: D'accord."], True),
        ("en", ["T: And how are things at work?", "P: Fine.", "T: Okay."], True),
    ],
)
def test_few_words_is_said_only_of_a_brief_reply(code: str, lines: list[str], brief: bool) -> None:
    """A reviewer's session: a 25-word reply the model called a minimal response drew « I noticed
    that you answered in few words ». Neither shorter nor brief, the suggestion only wonders."""
    t = session(lines, code)
    m = marker(1, S.MINIMAL_RESPONSE)
    d = detection([m], episodes=[episode([m], 2)])
    f = formulate(t, d, mode="fast")
    facts = f.facts.episode(0) if f.facts is not None else None
    assert facts is not None and facts.brief is brief and not facts.shorter
    observe = section(code, "repair")["observe"]
    few = _plain(str(observe["minimal_response_brief"]).split("{when},")[-1])
    wonder = _plain(str(observe["unsure"]).split("{when},")[-1])
    said = " ".join(_plain(s.text) for s in suggest(t, d, f))
    assert (few in said) is brief and (wonder in said) is not brief, said


@pytest.mark.parametrize(
    ("code", "lines", "said_yes"),
    [
        (
            "fr",
            [
                "T: Je pense que ce serait bien de revoir votre père avant Noël.",
                "P: [silence 4s] Bon. Si vous le dites.",
                "T: Très bien.",
            ],
            "oui tres vite",
        ),
        (
            "en",
            [
                "T: I think it would help to see your father before Christmas.",
                "P: [silence 4s] Okay. If you say so.",
                "T: Good.",
            ],
            "agreed rather quickly",
        ),
    ],
)
def test_a_yes_after_a_silence_is_never_said_to_be_quick(
    code: str, lines: list[str], said_yes: str
) -> None:
    """fresh44's review: « j'ai remarqué que vous m'avez dit oui très vite » was said of « Bon. Si
    vous le dites. » after four seconds of silence. The silence is named instead, and only when
    the reply came after one."""
    t = session(lines, code)
    m = marker(1, S.DEFERENTIAL_APPEASING)
    for silence, quick in ((4.0, False), (None, True)):
        signals = ({"turn": 1, "role": str(Role.PATIENT), "silence": silence, "words": 4},)
        d = dataclasses.replace(detection([m], episodes=[episode([m], 2)]), signals=signals)
        f = formulate(t, d, mode="fast")
        facts = f.facts.episode(0) if f.facts is not None else None
        assert facts is not None and facts.paused is not quick
        said = " ".join(_plain(s.text) for s in suggest(t, d, f))
        assert (said_yes in said) is quick, said
        paused = _plain(str(section(code, "repair")["observe"]["deferential_appeasing_paused"]))
        assert (paused.split("when ")[-1] in said) is not quick, said
