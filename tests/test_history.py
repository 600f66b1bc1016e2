"""A patient's memory across sessions, as a clinician would check it.

Camille (6 French sessions) answers « Bof. » and « Non. On peut parler d'autre chose ? » each time
the therapist brings up work — « le travail », « le boulot », « le bureau », « votre responsable »;
Sam is the same vignette in English; Louise talks about her work as freely as about the rest.
These tests depend on the learned detector marking those replies (it marks most of them: the
fixtures make the withdrawal unmistakable), and on the sentence encoder grouping the wordings.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FIXTURES
from raccord.cli import main
from raccord.history.data import (
    CheckInRecord,
    EpisodeRecord,
    JournalRecord,
    OpenItemRecord,
    PatientRecord,
    SessionRecord,
)
from raccord.history.prohibitions import fisher_greater

pytest.importorskip("sqlalchemy", reason="the 'store' extra is not installed")

HISTORY = FIXTURES / "history"
WORK_FR = {"le travail", "le boulot", "le bureau", "votre responsable"}
AVOIDANT_REPLIES = {"Bof.", "Non. On peut parler d'autre chose ?"}


def _history(name: str, folder: Path, url: str, capsys: pytest.CaptureFixture[str]) -> dict:
    main(["patient", "add", name, "--db", url])
    files = sorted(str(p) for p in folder.glob("*.txt"))
    main(["session", "add", name, *files, "--db", url])
    capsys.readouterr()
    main(["history", name, "--format", "json", "--db", url])
    return json.loads(capsys.readouterr().out)


def test_work_in_four_wordings_is_an_implicit_prohibition_across_six_sessions(
    records_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    history = _history("Camille", HISTORY / "fr-camille", records_url, capsys)
    assert len(history["prohibitions"]) == 1
    work = history["prohibitions"][0]
    assert set(work["words"]) >= WORK_FR
    assert work["mentions"] >= 10 and work["sessions"] == [1, 2, 3, 4, 5, 6]
    assert work["raised_by"] == {"therapist": work["mentions"]}
    assert work["rate"] > 0.4 > 0.1 > work["baseline_rate"]
    assert work["test"]["p_value"] < 0.001
    first = work["examples"][0]
    assert (first["session"], first["turn"], first["role"]) == (1, 5, "therapist")  # 5th turn
    assert first["text"] == "Et le travail, ça se passe comment en ce moment ?"
    # the first of Camille's avoidant replies the detector marked (which one depends on the
    # shipped weights; the history's logic does not)
    assert first["reply"] in AVOIDANT_REPLIES
    assert (
        "troisième voie" in work["suggestion"] and "Comment le vivez-vous ?" in work["suggestion"]
    )
    topic = [a for a in history["alerts"] if a["kind"] == "topic"]
    assert len(topic) == 1 and len(topic[0]["sessions"]) >= 5
    assert "suivi de marqueurs" in topic[0]["reason"]
    assert set(history) >= {"prohibitions", "alerts", "trends", "open_items"}
    assert set(work) >= {
        "topic",
        "words",
        "mentions",
        "sessions",
        "rate",
        "baseline_rate",
        "examples",
    }

    main(["history", "Camille", "--db", records_url])
    text = capsys.readouterr().out
    assert "Interdits implicites possibles" in text and "test exact de Fisher" in text
    assert any(
        f"« Et le travail, ça se passe comment en ce moment ? » → tour {first['reply_turn']} : "
        f"« {reply} »" in text
        for reply in AVOIDANT_REPLIES
    )


def test_the_same_vignette_in_english(records_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    history = _history("Sam", HISTORY / "en-sam", records_url, capsys)
    assert len(history["prohibitions"]) == 1
    work = history["prohibitions"][0]
    assert {"work", "your job", "the office", "your boss"} <= set(work["words"])
    assert work["rate"] > 2 * work["baseline_rate"]
    # The example is one of Sam's closing replies (which ones the detector marks may vary).
    assert work["examples"][0]["reply"] in {"Meh.", "No. Can we talk about something else?"}
    assert "third way" in work["suggestion"]
    assert any(a["kind"] == "topic" for a in history["alerts"])


def test_a_patient_who_talks_freely_about_work_shows_no_prohibition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RACCORD_HOME", str(tmp_path))
    history = _history("Louise", HISTORY / "fr-louise", f"sqlite:///{tmp_path}/r.sqlite", capsys)
    assert history["prohibitions"] == []
    assert not [a for a in history["alerts"] if a["kind"] == "topic"]


def test_fisher_exact_one_sided_matches_the_lady_tasting_tea() -> None:
    assert fisher_greater(3, 1, 1, 3) == pytest.approx(0.2429, abs=1e-4)
    assert fisher_greater(0, 5, 5, 0) == pytest.approx(1.0)


def _session(
    n: int, *, unresolved: bool = False, checkin: int | None = None, journal: tuple[str, ...] = ()
) -> SessionRecord:
    return SessionRecord(
        number=n,
        date=None,
        language="fr",
        turns=(),
        markers=(),
        episodes=(EpisodeRecord(0, 3, 5, "withdrawal", "micro", "no"),) if unresolved else (),
        patient_rupture=0.2,
        therapist_contribution=0.1,
        checkins=(CheckInRecord(relationship=checkin, overall=checkin),) if checkin else (),
        journal=tuple(JournalRecord(feeling=f, turn=4) for f in journal),
    )


def test_alerts_say_why_and_on_which_sessions() -> None:
    from raccord.history import build
    from raccord.history.render import to_json

    record = PatientRecord(
        pseudonym="Marc",
        attachment="avoidant",
        sessions=(
            _session(1, checkin=9, journal=("irritated",)),
            _session(2, unresolved=True, checkin=8, journal=("irritated",)),
            replace(
                _session(3, unresolved=True, checkin=6, journal=("irritated", "bored")),
                checkins=(
                    CheckInRecord(relationship=6, overall=6, tension=True, tension_resolved=False),
                ),
            ),
            _session(4, unresolved=True, checkin=4),
        ),
        open_items=(
            OpenItemRecord(1, 2, 0, "withdrawal", "micro", "no", 3, 5),
            OpenItemRecord(2, 3, 0, "confrontation", "macro", "no", 3, 5),
            OpenItemRecord(3, 1, 0, "withdrawal", "micro", "partly", 3, 5, revisited_in=2),
        ),
    )
    listed = to_json(build(record, mode="fast"))["alerts"]
    alerts = {a["kind"]: a for a in listed}
    assert (
        alerts["open_item"]["sessions"] == [2]
        and "ne pas enterrer" in alerts["open_item"]["reason"]
    )
    assert alerts["macro_unresolved"]["sessions"] == [3]
    assert alerts["repeated_unresolved"]["sessions"] == [2, 3, 4]
    assert alerts["checkin_falling"]["sessions"] == [2, 3, 4]
    assert "8,0 → 4,0" in alerts["checkin_falling"]["reason"]
    assert alerts["checkin_tension"]["sessions"] == [3]
    assert alerts["journal"]["sessions"] == [1, 2, 3]
    assert (
        "agacement" in alerts["journal"]["reason"] and "supervision" in alerts["journal"]["reason"]
    )
    journal = [a for a in listed if a["kind"] == "journal"]
    assert [a["feeling"] for a in journal] == ["irritated"]  # bored in one session only


def test_an_open_item_is_shown_at_the_next_session_until_revisited(
    records_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["patient", "add", "Camille", "--db", records_url])
    main(
        [
            "session",
            "add",
            "Camille",
            str(HISTORY / "fr-camille" / "seance-2.txt"),
            "--mode",
            "fast",
            "--date",
            "2026-11-09",
            "--db",
            records_url,
        ]
    )
    capsys.readouterr()
    main(
        [
            "session",
            "add",
            "Camille",
            str(HISTORY / "fr-camille" / "seance-3.txt"),
            "--mode",
            "fast",
            "--db",
            records_url,
        ]
    )
    shown = capsys.readouterr().out
    # the record's session 1 is seance-2.txt: its unresolved episode stands on a sure marker
    # (seance-1.txt's only on possible ones, which are not carried: ``taxonomy.clear``)
    assert "Points ouverts des séances précédentes" in shown and "séance 1, tours " in shown
    main(["history", "Camille", "--format", "json", "--db", records_url])
    items = json.loads(capsys.readouterr().out)["open_items"]
    first = next(i for i in items if i["session"] == 1)
    main(["session", "revisit", "Camille", str(first["id"]), "--db", records_url])
    assert capsys.readouterr().out == f"item {first['id']}: revisited.\n"
    main(["history", "Camille", "--format", "json", "--db", records_url])
    assert first["id"] not in {i["id"] for i in json.loads(capsys.readouterr().out)["open_items"]}


def test_the_french_and_english_packs_word_every_history_sentence() -> None:
    from raccord.history.wording import section

    for table in ("text", "alert", "roles", "checkin"):
        assert set(section("fr", table)) == set(section("en", table)), table
    kinds = {
        "macro_unresolved",
        "open_item",
        "repeated_unresolved",
        "checkin_falling",
        "checkin_tension",
        "topic",
        "journal",
    }
    assert set(section("fr", "alert")) == kinds


@pytest.mark.parametrize(
    ("code", "topic", "quote"),
    [("fr", "le boulot", r"« (.+) »"), ("en", "the office", r"“(.+)”")],
)
def test_the_prohibitions_meta_communication_passes_the_checker(
    code: str, topic: str, quote: str
) -> None:
    import re

    from raccord.history.render import suggestion
    from raccord.repair.checker import check

    words = re.search(quote, suggestion(code, topic))
    assert words is not None and topic in words.group(1)
    verdict = check(words.group(1), code)
    assert verdict.ok, [r for r in verdict.rules if not r.ok]


def test_a_journal_entry_takes_the_turn_number_the_therapist_reads(
    records_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """« 6: agacée » is about the sixth turn, « Bof. », shown as « Tour 6 » everywhere."""
    from raccord.store.records import Records

    main(["patient", "add", "Camille", "--db", records_url])
    session = str(HISTORY / "fr-camille" / "seance-1.txt")
    main(["session", "add", "Camille", session, "--mode", "fast", "--db", records_url])
    main(["journal", "add", "Camille", "1", "6: agacée", "--db", records_url])
    stored = Records(records_url).session("Camille", 1)
    (entry,) = stored.journal
    assert entry.turn is not None and stored.transcript[entry.turn]["text"] == "Bof."
    assert stored.transcript[entry.turn]["id"] == 6
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["journal", "add", "Camille", "1", "0: agacée", "--db", records_url])
    assert "has no turn 0" in capsys.readouterr().err


def test_only_a_clear_unresolved_episode_or_a_deferral_stays_open_across_sessions() -> None:
    """A possible, mild tension left partly resolved is not carried to the next sessions; a
    clear one is, and so is anything the therapist deferred (« différer, oui, mais ne pas
    enterrer »)."""
    from raccord.history.data import EpisodeRecord, MarkerRecord
    from raccord.history.open_items import to_open

    mild = EpisodeRecord(0, 3, 5, "withdrawal", "micro", "partly", False)
    clear = EpisodeRecord(1, 10, 12, "confrontation", "micro", "no", False)
    deferred = EpisodeRecord(2, 20, 22, "withdrawal", "micro", "yes", True)
    markers = (
        MarkerRecord(3, "withdrawal", "minimal_response", 2),
        MarkerRecord(10, "confrontation", "complaint_therapist", 3),
        MarkerRecord(20, "withdrawal", "denial", 2),
    )
    assert to_open((mild, clear, deferred), markers) == (clear, deferred)
    assert to_open((mild, clear, deferred)) == (mild, clear, deferred)
