"""Patient records: encryption at rest, one transaction per import, the same file recognised,
each therapist seeing only their own patients, the patient's rights (export, erase), key rotation.
Every test runs on a real SQLite file and on a real PostgreSQL database (``.ci/run``)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES
from raccord.cli import main
from raccord.errors import RaccordError
from raccord.history.open_items import to_open

pytest.importorskip("sqlalchemy", reason="the 'store' extra is not installed")

CAMILLE = FIXTURES / "history" / "fr-camille"
SENTENCES = (
    "On a ressorti les vieilles photos de vacances en Bretagne",
    "Et le travail, ça se passe comment en ce moment ?",
    "On peut parler d'autre chose",
    "agacée quand elle a changé de sujet",
)


def run(*args: str) -> None:
    main(list(args))


def _raw_sqlite(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _raw_postgres(url: str) -> bytes:
    import psycopg

    plain_url = url.replace("postgresql+psycopg://", "postgresql://")
    out = b""
    with psycopg.connect(plain_url) as conn:
        for table in ("sessions", "journal", "checkins", "audit", "open_items", "patients"):
            for row in conn.execute(f"SELECT * FROM {table}"):
                out += repr(row).encode("utf-8")
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        out += bytes(value)
    return out


def raw(url: str) -> bytes:
    return _raw_sqlite(url) if url.startswith("sqlite") else _raw_postgres(url)


def test_no_sentence_of_the_transcript_is_readable_in_the_database(records_url: str) -> None:
    run("patient", "add", "Camille", "--db", records_url)
    run(
        "session",
        "add",
        "Camille",
        str(CAMILLE / "seance-1.txt"),
        "--mode",
        "fast",
        "--db",
        records_url,
    )
    run(
        "journal",
        "add",
        "Camille",
        "1",
        "5: agacée quand elle a changé de sujet",
        "--db",
        records_url,
    )
    data = raw(records_url)
    assert b"sessions" in data or data  # the tables were read
    for sentence in SENTENCES:
        assert sentence.encode("utf-8") not in data, sentence
    assert b"seance-1.txt" not in data  # the source file's name is encrypted too
    key = Path(os.environ["RACCORD_HOME"]) / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_the_same_file_twice_is_recognised_by_its_hash(
    records_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from raccord.store.records import Records

    run("patient", "add", "Camille", "--db", records_url)
    copy = Path(os.environ["RACCORD_HOME"]).parent / "renamed-copy.txt"
    copy.write_bytes((CAMILLE / "seance-1.txt").read_bytes())
    run(
        "session",
        "add",
        "Camille",
        str(CAMILLE / "seance-1.txt"),
        "--mode",
        "fast",
        "--db",
        records_url,
    )
    run("session", "add", "Camille", str(copy), "--mode", "fast", "--db", records_url)
    assert "not imported again" in capsys.readouterr().out
    assert len(Records(records_url).record("Camille").sessions) == 1


def test_a_therapist_never_sees_another_therapists_patient(
    records_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from raccord.store.records import Records

    Records(records_url, therapist="dr-martin").add_patient("Camille")
    other = Records(records_url, therapist="dr-durand")
    assert other.patients() == []
    with pytest.raises(RaccordError, match="no such patient"):
        other.record("Camille")
    with pytest.raises(RaccordError, match="no such patient"):
        other.erase("Camille")
    other.add_patient("Camille")  # the same pseudonym in another practice's list is another person
    assert [p.pseudonym for p in Records(records_url, therapist="dr-martin").patients()] == [
        "Camille"
    ]


def test_export_gives_everything_and_erase_leaves_nothing(
    records_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from raccord.store.records import Records

    run("patient", "add", "Camille", "--db", records_url)
    run(
        "session",
        "add",
        "Camille",
        str(CAMILLE / "seance-1.txt"),
        "--mode",
        "fast",
        "--db",
        records_url,
    )
    run(
        "checkin",
        "add",
        "Camille",
        "1",
        "--relationship",
        "8",
        "--overall",
        "7",
        "--comment",
        "un peu tendu au début",
        "--db",
        records_url,
    )
    out = tmp_path / "camille.json"
    run("patient", "export", "Camille", "-o", str(out), "--db", records_url)
    exported = json.loads(out.read_text("utf-8"))
    session = exported["sessions"][0]
    assert session["source"] == "seance-1.txt"
    assert session["transcript"][4]["text"] == SENTENCES[1]
    assert session["checkins"][0]["comment"] == "un peu tendu au début"
    assert {a["action"] for a in exported["audit"]} >= {"patient.add", "session.add"}

    run("patient", "erase", "Camille", "--yes", "--db", records_url)
    records = Records(records_url)
    assert records.patients() == []
    from sqlalchemy import func, select

    from raccord.store.schema import AuditEntry, CheckIn, OpenItem, Session

    with records.engine.connect() as conn:
        for table in (Session, CheckIn, OpenItem):
            assert conn.scalar(select(func.count()).select_from(table)) == 0
        actions = list(conn.execute(select(AuditEntry.action, AuditEntry.patient_id)))
    assert actions == [("patient.erase", None)]


def test_key_rotation_reencrypts_everything_and_the_old_key_reads_nothing(
    records_url: str,
) -> None:
    from cryptography.fernet import Fernet, InvalidToken
    from sqlalchemy import select

    from raccord.store.records import Records
    from raccord.store.schema import Session

    run("patient", "add", "Camille", "--db", records_url)
    run(
        "session",
        "add",
        "Camille",
        str(CAMILLE / "seance-2.txt"),
        "--mode",
        "fast",
        "--db",
        records_url,
    )
    key_file = Path(os.environ["RACCORD_HOME"]) / "key"
    old = key_file.read_text().strip()
    run("key", "rotate", "--db", records_url)
    new = key_file.read_text().strip()
    assert new != old and "\n" not in new
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    records = Records(records_url)
    with records.engine.connect() as conn:
        token = conn.scalar(select(Session.transcript_enc))
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(bytes(token))
    assert records.record("Camille").sessions[0].turns[4].text.startswith("Et au boulot")


def test_a_batch_killed_midway_leaves_whole_sessions_only(records_url: str, tmp_path: Path) -> None:
    """SIGKILL while a batch is being imported: the sessions already committed are complete
    (transcript, analysis and open items), nothing of the interrupted one is visible, and the
    same command run again finishes the batch without storing anything twice."""
    from sqlalchemy import func, select

    from raccord.store.records import Records
    from raccord.store.schema import OpenItem, Session

    Records(records_url).add_patient("Camille")
    files = []
    for n in range(1, 7):  # 12 distinct files: the six sessions, and each with a note appended
        for variant in ("", "\nT: À la semaine prochaine.\nP: Oui, à mardi.\n"):
            path = tmp_path / f"s{n}{'b' if variant else ''}.txt"
            path.write_text((CAMILLE / f"seance-{n}.txt").read_text("utf-8") + variant, "utf-8")
            files.append(str(path))
    command = [
        sys.executable,
        "-c",
        "from raccord.cli import main; main()",
        "session",
        "add",
        "Camille",
        *files,
        "--mode",
        "fast",
        "--db",
        records_url,
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    records = Records(records_url)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            with records.engine.connect() as conn:
                stored = conn.scalar(select(func.count()).select_from(Session))
            if stored >= 2 or proc.poll() is not None:
                break
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    record = records.record("Camille")
    assert 1 <= len(record.sessions) < len(files), "the kill came before the batch ended"
    for session in record.sessions:  # each committed session is whole and readable
        assert len(session.turns) >= 18
        assert session.markers or session.episodes is not None
    with records.engine.connect() as conn:
        orphans = conn.scalar(
            select(func.count())
            .select_from(OpenItem)
            .where(OpenItem.session_id.not_in(select(Session.id)))
        )
    assert orphans == 0
    # an open item for every episode left open: deferred, or unresolved on a sure marker
    per_session = {
        s.number: {e.index for e in to_open(s.episodes, s.markers)} for s in record.sessions
    }
    items = {}
    for item in record.open_items:
        items.setdefault(item.session, set()).add(item.episode)
    assert {n: v for n, v in per_session.items() if v} == items

    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "not imported again" in finished.stdout
    assert len(Records(records_url).record("Camille").sessions) == len(files)


def test_a_bad_file_stores_nothing(records_url: str, tmp_path: Path) -> None:
    from raccord.store.records import Records

    run("patient", "add", "Camille", "--db", records_url)
    empty = tmp_path / "vide.txt"
    empty.write_text("", "utf-8")
    with pytest.raises(SystemExit):
        run("session", "add", "Camille", str(empty), "--db", records_url)
    assert Records(records_url).record("Camille").sessions == ()


def test_the_own_formulation_and_the_sharings_follow_the_patient_through_rotation_export_and_erasure(
    records_url: str,
) -> None:
    """Camille's therapist writes her own formulation of an episode and shares the sessions with
    a supervisor: the formulation is still readable after a key rotation, is part of the
    patient's export, and both go when the patient is erased."""
    from sqlalchemy import func, select

    from raccord.history.data import FormulationRecord
    from raccord.store.records import Records
    from raccord.store.schema import Formulation, Share

    pytest.importorskip("argon2")
    from raccord.web import accounts

    run("patient", "add", "Camille", "--db", records_url)
    run(
        "session",
        "add",
        "Camille",
        str(CAMILLE / "seance-2.txt"),
        "--mode",
        "fast",
        "--db",
        records_url,
    )
    records = Records(records_url)
    episodes = records.session("Camille", 1).analysis["episodes"]
    assert episodes, "the fixture session has a rupture episode"
    first = int(episodes[0]["index"])
    records.save_formulation(
        "Camille", 1, FormulationRecord(first, need="Être reconnue dans sa fatigue.")
    )
    accounts.add(records.engine, "dr-blanc", "a long passphrase for tests", role="supervisor")
    records.share("Camille", "dr-blanc")
    with pytest.raises(RaccordError):
        records.share("Camille", "nobody-here")
    run("key", "rotate", "--db", records_url)
    records = Records(records_url)
    assert records.session("Camille", 1).formulations == (
        FormulationRecord(first, need="Être reconnue dans sa fatigue."),
    )
    exported = records.export("Camille")
    assert exported["sessions"][0]["formulations"][0]["need"] == "Être reconnue dans sa fatigue."
    supervisor = Records(records_url, therapist="dr-blanc")
    share = supervisor.shared_with_me()[0]
    assert (share.patient, share.therapist, share.sessions) == (
        "Camille",
        records.therapist_name,
        (1,),
    )
    assert supervisor.shared_session(share.id, 1).formulations[0].need.startswith("Être")
    records.erase("Camille")
    with records.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Formulation)) == 0
        assert conn.scalar(select(func.count()).select_from(Share)) == 0
    assert supervisor.shared_with_me() == []
