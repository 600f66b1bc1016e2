"""Every sentence of the formulation that states a fact is checked against the session.

The formulation is typed facts (``understand``); its sentences are written at the edge
(``raccord.prose``) for the text report, the JSON export and the HTML report. Here each kind of
sentence is read back — the turn numbers it names, the words it quotes — and checked against the
transcript and the detection, not against the code that wrote it:

- turn numbers are the ones the therapist reads (``Turn.uid``: from 1 in a plain-text or
  subtitle session), and every one exists;
- the patient's part names the episode's marked turns of that kind, and only those;
- the therapist's part names therapist turns, quotes their own words, and states a move as done
  only where the detection has a move of that type (else « À vérifier »);
- a single sequence goes from the therapist's turn that preceded the episode to its first marker;
- open items: a deferral is at a therapist turn that deferred, an episode still open is one the
  detection left unresolved, a withdrawal « revenue d'elle-même » had no repair;
- the therapist's notes sit at the turn they were written for, the markers said to be near are
  within two turns, and a note is flagged as alone only when no marker is near;
- a need's evidence is a marked turn or a therapist turn of the episode;
- the JSON export carries the same sentences as the text report, with the facts.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from raccord import prose
from raccord.cli.analysis import demo_files
from raccord.export import to_json
from raccord.io import load
from raccord.model import SessionAnalysis, TherapistNote, Transcript
from raccord.pipeline import analyze
from raccord.taxonomy import MarkerKind, MarkerSubtype, RepairStrategy, Role
from raccord.understand.formulate import formulate
from raccord.understand.text import label, typeset
from test_understand_support import detection, episode, marker, session

DEMOS = [p.name for p in demo_files()]
_NUMBERS = re.compile(r"\b(?:tours?|turns?|Tour|Turn) ((?:\d+(?:, | et | and |–)?)+)")
_LAST_PAREN = re.compile(r"\(([^()]*)\)\.?$")

NOTES = (
    TherapistNote("agacée quand il a parlé du match", turn=30, feeling="irritated"),
    TherapistNote("ennuyée, je décroche", turn=50, feeling="bored"),
    TherapistNote("je me sens perdue", seconds=9000.0, feeling="helpless"),
)


@cache
def _analysis(name: str) -> SessionAnalysis:
    (transcript,) = load(next(p for p in demo_files() if p.name == name))
    notes = NOTES if name == "seance-fr-marc.vtt" else ()
    return analyze(transcript, mode="fast", notes=notes)


def _text(a: SessionAnalysis) -> prose.FormulationProse:
    text = prose.of(a)
    assert text is not None
    return text


def _numbers(fragment: str) -> list[int]:
    """The turn numbers a fragment names (« tours 4, 6 et 8 », « tours 16–28 », "turn 5")."""
    out: list[int] = []
    fragment = re.sub(r"\d+\s(?:mots|words)", "", fragment)  # « (tour 30, 88 mots) »
    for group in _NUMBERS.findall(fragment):
        out += [int(n) for n in re.findall(r"\d+", group)]
    return out


def _bare(text: str) -> str:
    """Lower case without any kind of space (typography adds narrow no-break spaces)."""
    return re.sub(r"\s", "", text.lower())


def _index(transcript: Transcript) -> dict[int, int]:
    return {t.uid: t.index for t in transcript.turns}


def _every_sentence(text: prose.FormulationProse) -> list[str]:
    out = [*text.summary, *text.cycles, *text.what_works, *text.open_items]
    out += [*text.prohibitions, *text.timeline]
    for ep in text.episodes:
        out += [*ep.patient_part, *ep.therapist_part, *ep.interaction]
        out += [e.detail for n in ep.needs for e in n.evidence]
    return out


@pytest.mark.parametrize("name", DEMOS)
def test_every_turn_named_is_a_turn_as_the_therapist_numbers_it(name: str) -> None:
    a = _analysis(name)
    uids = set(_index(a.transcript))
    assert min(uids) == 1, "a plain-text or subtitle session is numbered from 1"
    named = [n for line in _every_sentence(_text(a)) for n in _numbers(line)]
    assert named, "the formulation names turns"
    assert set(named) <= uids


@pytest.mark.parametrize("name", DEMOS)
def test_the_patients_part_names_the_marked_turns_of_the_episode(name: str) -> None:
    a = _analysis(name)
    code, at = a.transcript.language, _index(a.transcript)
    det = a.detection
    for ep in _text(a).episodes:
        episode = det.episodes[ep.episode]
        inside = [m for m in det.markers if m.turn in episode.markers]
        for kind in MarkerKind:
            word = label(code, "kind", kind.value)
            lines = [x for x in ep.patient_part if re.search(rf"\b{re.escape(word)}\b", x)]
            marked = {m.turn for m in inside if m.kind is kind}
            if not marked:
                continue
            found = _LAST_PAREN.search(lines[0])
            assert found is not None, lines[0]
            named = {at[n] for n in _numbers(found.group(1))}
            assert named == marked, (lines[0], sorted(marked))
            assert all(a.transcript.turns[i].role is Role.PATIENT for i in named)


@pytest.mark.parametrize("name", DEMOS)
def test_the_therapists_part_names_therapist_turns_and_their_own_words(name: str) -> None:
    a = _analysis(name)
    at, turns = _index(a.transcript), a.transcript.turns
    unsure = ("À vérifier", "To check")
    moves = {m.turn for m in a.detection.moves}
    checked = 0
    for ep in _text(a).episodes:
        for line in ep.therapist_part:
            found = _LAST_PAREN.search(line)
            if found is None or not _numbers(found.group(1)):
                continue  # « Aucune de vos interventions ne ressort… »: no fact stated
            named = [at[n] for n in _numbers(found.group(1))]
            spoken = list(named)
            if label(a.transcript.language, "signal", "missed_emotion") in line:
                # the patient's emotion, then the therapist's turn that went past it
                assert turns[named[0]].role is Role.PATIENT, line
                assert any(turns[i].role is Role.THERAPIST for i in named[1:]), line
                named = [i for i in named if turns[i].role is Role.THERAPIST]
            assert named and all(turns[i].role is Role.THERAPIST for i in named), line
            quoted = re.search(r"«\s*([^»]+?)\s*»|“([^”]+)”", line)
            if quoted:
                words = _bare((quoted.group(1) or quoted.group(2)).rstrip("…"))
                assert any(words in _bare(turns[i].text) for i in spoken), (words, line)
            if not line.startswith(unsure):
                # stated as done: a move of the therapist's is in the detection there (or the
                # talk-ratio count, which names the turns it was counted on)
                assert any(i in moves for i in named) or "parlé" in line or "talked" in line
            checked += 1
    assert checked


@pytest.mark.parametrize("name", DEMOS)
def test_a_single_sequence_runs_from_the_trigger_to_the_first_marker(name: str) -> None:
    a = _analysis(name)
    at, turns = _index(a.transcript), a.transcript.turns
    for ep in _text(a).episodes:
        episode = a.detection.episodes[ep.episode]
        for line in ep.interaction:
            if "→" not in line or "(" not in line.split("→")[0]:
                continue
            if line.startswith(("Séquence", "Sequence")):
                t, p = (at[n] for n in _numbers(line))
                assert turns[t].role is Role.THERAPIST and turns[p].role is Role.PATIENT
                assert t < p and p in episode.markers


#: How the open items that carry the session's own plans and tasks begin (``understand.toml``).
PLAN_OPENINGS = (
    "Demandé",
    "Proposé",
    "Tâche",
    "Ce que la personne",
    "Asked",
    "Proposed",
    "Task",
    "What the patient",
    "Rendez-vous",
    "Appointment",
    "Prochain rendez-vous",
    "Next appointment",
)


@pytest.mark.parametrize("name", DEMOS)
def test_open_items_are_deferrals_and_episodes_left_open(name: str) -> None:
    a = _analysis(name)
    at, det = _index(a.transcript), a.detection
    defers = {m.turn for m in det.moves if m.repair is RepairStrategy.DEFER}
    spans = {
        (a.transcript.turns[e.start].uid, a.transcript.turns[e.end].uid): e for e in det.episodes
    }
    for item in _text(a).open_items:
        numbers = _numbers(item)
        if item.startswith(("Report", "Deferred")):
            assert at[numbers[0]] in defers, item
            continue
        if item.startswith(("Sujet mis de côté", "Subject set aside")):
            assert any(e.set_aside == at[numbers[0]] for e in det.episodes), item
            continue
        if item.startswith(PLAN_OPENINGS):  # the session's own plan or a task for the week
            assert a.formulation is not None and a.formulation.facts is not None
            plans = {p.turn: p for p in a.formulation.facts.plans}
            plan = plans[at[numbers[0]]]
            # as typeset in the report (« prochain ? » takes a narrow space before « ? »)
            assert typeset(a.transcript.language, plan.words) in item, item
            continue
        episode = spans[(numbers[0], numbers[1])]
        if "d'elle-même" in item or "on their own" in item:
            assert episode.kind.value == "withdrawal" and not episode.repairs
        else:
            assert episode.resolved.value != "yes", item


def test_each_note_sits_at_its_turn_next_to_the_markers_within_two_turns() -> None:
    a = _analysis("seance-fr-marc.vtt")
    at = _index(a.transcript)
    marked = {m.turn for m in a.detection.markers if m.kind is not MarkerKind.NONE}
    text = _text(a)
    assert len(text.timeline) == len(NOTES)
    for line in text.timeline:
        if line.startswith("Tour introuvable") or "hors de la séance" in line:
            assert "9000" not in line  # the time is shown as a clock
            continue
        numbers = _numbers(line)
        note = at[numbers[0]]
        near = [at[n] for n in numbers[1:]]
        assert all(i in marked and abs(i - note) <= 2 for i in near), line
        if "Aucun marqueur" in line:
            assert not [i for i in marked if abs(i - note) <= 2]
        else:
            assert near
    # the note written for turn 30 is the one shown at « Tour 30 »
    assert any(x.startswith("Tour 30 —") and "match" in x for x in text.timeline)


@pytest.mark.parametrize("name", DEMOS)
def test_a_needs_evidence_is_a_turn_of_its_episode(name: str) -> None:
    a = _analysis(name)
    at, turns = _index(a.transcript), a.transcript.turns
    for ep in _text(a).episodes:
        episode = a.detection.episodes[ep.episode]
        for need in ep.needs:
            assert need.question.endswith("?")
            for e in need.evidence:
                (n,) = _numbers(e.detail)
                i = at[n]
                if e.detail.startswith(label(a.transcript.language, "signal", "missed_emotion")):
                    # the emotion the patient expressed, just before the episode
                    assert turns[i].role is Role.PATIENT and i < episode.start
                elif turns[i].role is Role.PATIENT:
                    assert i in episode.markers, e.detail
                else:
                    assert turns[i].role is Role.THERAPIST and i <= episode.end


@pytest.mark.parametrize("name", DEMOS)
def test_the_json_export_carries_the_same_sentences_and_the_facts(name: str) -> None:
    a = _analysis(name)
    text = _text(a)
    form = to_json(a)["formulation"]
    assert form["summary"] == list(text.summary)
    assert form["open_items"] == list(text.open_items)
    assert [e["patient_part"] for e in form["episodes"]] == [
        list(e.patient_part) for e in text.episodes
    ]
    facts = form["facts"]
    assert len(facts["episodes"]) == len(a.detection.episodes)
    assert [n["episode"] for n in facts["needs"]] == [e.episode for e in text.episodes]
    assert {"pairs", "circles", "prohibitions", "works", "repaired"} <= set(facts)


def _one_episode(lines: list[str], code: str, subtype: MarkerSubtype):  # type: ignore[no-untyped-def]
    """The session, its detection, formulation and episode facts: one marker at turn 3, the
    therapist's turn 2 its trigger, the episode ending at turn 4."""
    t = session(lines, code)
    m = marker(3, subtype)
    d = detection([m], episodes=[episode([m], 4, trigger=2)])
    f = formulate(t, d, mode="fast")
    facts = f.facts.episode(0) if f.facts is not None else None
    assert facts is not None
    return t, d, f, facts


def test_the_topic_is_dated_at_the_turn_that_said_it() -> None:
    """« Sujet abordé au moment de la rupture : votre sac (tour 5) » named the therapist's
    question: the patient had said it first, at turn 4. (A noun said once in passing is no
    topic, ``facts._recurs``: here the therapist takes the bag up.)"""
    t, d, f, facts = _one_episode(
        [
            "T: Et les crises d'angoisse, elles sont revenues ?",
            "P: Une fois. Dimanche soir, en préparant mon sac pour le lundi.",
            "T: Qu'est-ce qui s'est passé, avec ce sac, dimanche soir ?",
            "P: Rien. Laissez tomber, ça sert à rien d'en parler.",
            "T: D'accord.",
        ],
        "fr",
        MarkerSubtype.REJECTS_INTERVENTION,
    )
    assert facts.topic is not None and facts.topic_turn == 1
    lines = prose.formulation_prose(t, d, f).episodes[0].patient_part
    said = [line for line in lines if facts.topic.phrase in line]
    assert said and all("tour 2" in line for line in said), lines


@pytest.mark.parametrize(
    ("salience", "confidence", "watched"), [(2, 0.9, True), (3, 0.9, False), (3, 0.8, True)]
)
def test_a_mild_tension_left_open_is_watched_not_brought_back(
    salience: int, confidence: float, watched: bool
) -> None:
    """A reviewer found « à reprendre à froid » for a possible, mild episode in a session without
    rupture: only a clear marker (salience 3 or more), and a sure one (``taxonomy.clear``), is
    something to bring back."""
    from raccord.taxonomy import Resolution

    transcript = session(
        [
            "T: Et cette semaine, avec votre sœur ?",
            "P: Bof.",
            "T: Bof ?",
            "P: Oui, enfin, c'est compliqué, elle a encore annulé dimanche au dernier moment.",
        ],
        "fr",
    )
    m = marker(1, MarkerSubtype.MINIMAL_RESPONSE, salience=salience, confidence=confidence)
    det = detection([m], episodes=[episode([m], 3, resolved=Resolution.PARTLY)])
    items = prose.formulation_prose(transcript, det, formulate(transcript, det)).open_items
    assert len(items) == 1
    assert ("à garder en tête" in items[0]) is watched, items
    assert ("à reprendre à froid" in items[0]) is not watched, items


def test_an_emotion_passed_over_names_the_turn_it_was_said_and_the_turn_after() -> None:
    """A reviewer read « Mots relevés : « peur » (tours 14 et 15) » as if both turns held the
    word; turn 15 was the therapist's « Et il en a trouvé ? »."""
    transcript = session(
        [
            "T: Comment ça s'est passé, l'examen ?",
            "P: J'avais tellement peur que j'en ai pas dormi.",
            "T: Et il a duré combien de temps ?",
            "P: Une heure.",
            "T: Et le résultat, vous l'avez eu ?",
            "P: Bof. On verra bien.",
        ],
        "fr",
    )
    m = marker(5, MarkerSubtype.DENIAL)
    det = detection([m], episodes=[episode([m], 5)])
    text = prose.formulation_prose(transcript, det, formulate(transcript, det))
    lines = [line for ep in text.episodes for line in ep.therapist_part if "reprise" in line]
    assert lines, [ep.therapist_part for ep in text.episodes]
    plain = lines[0].replace("\xa0", " ").replace("\u202f", " ")
    assert "dite au tour 2 (« peur ») n'a pas été reprise au tour 3" in plain, lines


def test_the_therapists_part_never_quotes_the_patients_words_as_the_therapists() -> None:
    """fresh60: a head's label carried no words of its own, and the formulation quoted the
    context sentence's excerpt — the patient's "You're the expert. Whatever you think." — as
    the therapist's "interpretation offered as fact"."""
    from raccord.model import Evidence, TherapistMove
    from raccord.taxonomy import Contribution, TherapistMoveType
    from raccord.understand.facts import _own_words

    turn = "Great. Close your eyes if you're comfortable with that. Take a breath."
    move = TherapistMove(
        33,
        TherapistMoveType.OTHER,
        contribution=Contribution.INTERPRETATION_IMPOSED,
        evidence=(
            Evidence(source="model", detail="Read in context…"),
            Evidence(
                source="context",
                detail="Follows a possible withdrawal marker: “You're the expert.”",
                words="You're the expert. Whatever you think.",
            ),
        ),
    )
    assert _own_words(move, turn) is None
    clipped = Evidence(source="cue", detail="…", words="Great. Close your eyes if you're…")
    assert _own_words(TherapistMove(33, TherapistMoveType.OTHER, evidence=(clipped,)), turn) == (
        clipped.words
    )


def test_a_noun_said_once_in_passing_or_where_a_feeling_sits_is_no_topic() -> None:
    """fresh62's "your chips" (from "Over our chips"), fresh64's « la poitrine » (« ça a chauffé,
    là, dans la poitrine »): reviews found them named as what the rupture was about, and a script
    offering « de parler de la poitrine »."""
    from raccord.understand.text import topic_of

    *_, facts = _one_episode(
        [
            "T: How was Ellie's visit?",
            "P: Harder. She mentioned Rob. Over our chips. Just dropped it in.",
            "T: What was that like?",
            "P: Dunno. Nothing really. It's her life.",
            "T: Okay.",
        ],
        "en",
        MarkerSubtype.DENIAL,
    )
    assert facts.topic is None
    found = topic_of("fr", "Sur le coup ? Rien. Ça a chauffé, là, dans la poitrine.", min_score=3.0)
    assert found is None or found.head != "poitrine"
