"""A therapist's patient records: every read and write of the store, scoped to that therapist.

``Records`` is the one place that touches the tables. Every method starts from the therapist's own
patients, so a query can never reach another therapist's patient; content columns are encrypted
on the way in and decrypted on the way out (``store.crypto``); each import, entry, erasure and key
rotation is one transaction, so nothing is ever stored half-way.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raccord.config import home
from raccord.errors import NotFoundError, RaccordError
from raccord.history.data import (
    FORMULATION_FIELDS,
    CheckInRecord,
    FormulationRecord,
    JournalRecord,
    OpenItemRecord,
    PatientRecord,
    SessionRecord,
)
from raccord.history.open_items import (
    episodes_from_analysis,
    markers_from_analysis,
    to_open,
    turns_from_transcript,
)
from raccord.store import crypto, db

USER_ENV = "RACCORD_USER"
FEELINGS = ("irritated", "bored", "anxious", "helpless", "other")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class PatientSummary:
    pseudonym: str
    attachment: str
    sessions: int
    open_items: int
    last_date: dt.date | None


@dataclass(frozen=True, slots=True)
class StoredSession:
    """What an import left in the records: the session's number, and whether it was new."""

    number: int
    new: bool
    open_items: tuple[OpenItemRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ShareRecord:
    """One sharing: ``session`` None means every session of the patient, present and future."""

    id: int
    therapist: str
    patient: str
    session: int | None
    supervisor: str
    sessions: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionData:
    """One stored session read back whole: what the report and the dashboard show."""

    number: int
    date: dt.date | None
    language: str
    source: str
    transcript: list[dict[str, Any]]
    analysis: dict[str, Any]
    journal: tuple[JournalRecord, ...] = ()
    checkins: tuple[CheckInRecord, ...] = ()
    formulations: tuple[FormulationRecord, ...] = ()

    def position(self, number: int | None) -> int | None:
        """The 0-based position of the turn the therapist reads as ``number`` (« tour 8 »), or
        ``None`` when the session has no such turn: journal entries are stored by position."""
        if number is None:
            return None
        return next(
            (int(r["index"]) for r in self.transcript if int(r.get("id", -1)) == number), None
        )


class Records:
    """The records of one therapist (``RACCORD_USER``, else the login name).

    ``engine`` shares an already opened (and migrated) database, as the web server does for
    every request instead of opening it again.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        therapist: str | None = None,
        home_dir: Path | None = None,
        engine: Any | None = None,
    ) -> None:
        from sqlalchemy.orm import sessionmaker

        self.home = home_dir or home()
        self.url = db.resolve_url(url)
        self.engine = engine if engine is not None else db.engine(self.url)
        self.cipher = crypto.load(self.home)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.therapist_name = therapist or os.environ.get(USER_ENV) or getpass.getuser()
        self.therapist_id = self._therapist_id()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        """One transaction: committed whole, or rolled back whole."""
        with self._sessions.begin() as session:
            yield session

    def _therapist_id(self) -> int:
        from sqlalchemy import select
        from sqlalchemy.exc import IntegrityError

        from raccord.store.schema import Therapist

        for _ in range(2):
            try:
                with self._tx() as s:
                    found = s.scalar(select(Therapist).where(Therapist.name == self.therapist_name))
                    if found is None:
                        found = Therapist(name=self.therapist_name, created_at=_now())
                        s.add(found)
                        s.flush()
                    return int(found.id)
            except IntegrityError:  # created by a concurrent process: read it again
                continue
        raise RaccordError("cannot register the therapist", path=db.display_url(self.url))

    def _audit(
        self,
        s: Any,
        action: str,
        patient: int | None = None,
        session: int | None = None,
        detail: str = "",
    ) -> None:
        from raccord.store.schema import AuditEntry

        s.add(
            AuditEntry(
                at=_now(),
                therapist_id=self.therapist_id,
                action=action,
                patient_id=patient,
                session_id=session,
                detail=detail,
            )
        )

    def log(self, action: str, detail: str = "") -> None:
        """An audit line about this therapist alone (a login, a logout), outside any record."""
        with self._tx() as s:
            self._audit(s, action, detail=detail)

    def _patient(self, s: Any, pseudonym: str) -> Any:
        from sqlalchemy import select

        from raccord.store.schema import Patient

        found = s.scalar(
            select(Patient).where(
                Patient.therapist_id == self.therapist_id, Patient.pseudonym == pseudonym
            )
        )
        if found is None:
            raise NotFoundError(
                "no such patient in your records",
                expected="a pseudonym from `raccord patient list`",
            )
        return found

    def _session_rows(self, s: Any, patient_id: int) -> list[Any]:
        from sqlalchemy import select

        from raccord.store.schema import Session

        return list(
            s.scalars(
                select(Session).where(Session.patient_id == patient_id).order_by(Session.number)
            )
        )

    def _journal(self, s: Any, session_id: int) -> tuple[JournalRecord, ...]:
        """The therapist's own reactions recorded on one session, in the order written."""
        from sqlalchemy import select

        from raccord.store.schema import JournalEntry

        return tuple(
            JournalRecord(
                feeling=j.feeling,
                turn=j.turn,
                seconds=j.seconds,
                intensity=j.intensity,
                comment=self.cipher.decrypt(j.comment_enc),
            )
            for j in s.scalars(
                select(JournalEntry)
                .where(JournalEntry.session_id == session_id)
                .order_by(JournalEntry.id)
            )
        )

    def _session_row(self, s: Any, patient_id: int, number: int) -> Any:
        for row in self._session_rows(s, patient_id):
            if row.number == number:
                return row
        raise NotFoundError(
            f"no session {number} for this patient",
            expected="a session number from `raccord patient show`",
        )

    # ------------------------------------------------------------------ patients

    def add_patient(self, pseudonym: str, attachment: str = "unknown") -> None:
        from sqlalchemy import select

        from raccord.store.schema import Patient

        name = pseudonym.strip()
        if not name:
            raise RaccordError("empty pseudonym", expected="a pseudonym such as 'Camille'")
        with self._tx() as s:
            exists = s.scalar(
                select(Patient.id).where(
                    Patient.therapist_id == self.therapist_id, Patient.pseudonym == name
                )
            )
            if exists is not None:
                raise RaccordError("a patient with this pseudonym is already in your records")
            row = Patient(
                therapist_id=self.therapist_id,
                pseudonym=name,
                attachment=attachment,
                created_at=_now(),
            )
            s.add(row)
            s.flush()
            self._audit(s, "patient.add", patient=row.id)

    def patients(self) -> list[PatientSummary]:
        from sqlalchemy import select

        from raccord.store.schema import Patient

        out = []
        with self._tx() as s:
            rows = s.scalars(
                select(Patient)
                .where(Patient.therapist_id == self.therapist_id)
                .order_by(Patient.pseudonym)
            )
            for p in rows:
                sessions = self._session_rows(s, p.id)
                items = self._open_item_rows(s, p.id)
                out.append(
                    PatientSummary(
                        pseudonym=p.pseudonym,
                        attachment=p.attachment,
                        sessions=len(sessions),
                        open_items=sum(1 for i in items if i.revisited_session_id is None),
                        last_date=max((r.date for r in sessions if r.date), default=None),
                    )
                )
        return out

    def attachment(self, pseudonym: str) -> str:
        with self._tx() as s:
            return str(self._patient(s, pseudonym).attachment)

    # ------------------------------------------------------------------ sessions

    def find_by_hash(self, digest: str) -> tuple[str, int] | None:
        """(pseudonym, session number) of an already imported file with this hash, if any."""
        from sqlalchemy import select

        from raccord.store.schema import Patient, Session

        with self._tx() as s:
            row = s.execute(
                select(Patient.pseudonym, Session.number)
                .join(Session, Session.patient_id == Patient.id)
                .where(Patient.therapist_id == self.therapist_id, Session.source_hash == digest)
            ).first()
        return None if row is None else (str(row[0]), int(row[1]))

    def next_number(self, pseudonym: str) -> int:
        with self._tx() as s:
            rows = self._session_rows(s, self._patient(s, pseudonym).id)
        return max((r.number for r in rows), default=0) + 1

    def add_session(
        self,
        pseudonym: str,
        *,
        source_name: str,
        source_hash: str,
        transcript: Sequence[dict[str, Any]],
        analysis: dict[str, Any],
        language: str,
        mode: str,
        date: dt.date | None = None,
        number: int | None = None,
    ) -> StoredSession:
        """Store one analysed session and its open items in one transaction.

        The same file (by SHA-256 of its bytes) is never stored twice: the session it was stored
        as is returned with ``new=False``.
        """
        from raccord.store.schema import OpenItem, Session

        known = self.find_by_hash(source_hash)
        if known is not None:
            if known[0] != pseudonym:
                raise RaccordError(
                    "this file was already imported for another patient",
                    path=source_name,
                    expected="a session file not yet in your records",
                )
            return StoredSession(number=known[1], new=False)
        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            rows = self._session_rows(s, patient.id)
            taken = {r.number for r in rows}
            chosen = number if number is not None else max(taken, default=0) + 1
            if chosen in taken:
                raise RaccordError(
                    f"session {chosen} is already stored for this patient",
                    path=source_name,
                    expected="another --number, or none to take the next one",
                )
            row = Session(
                patient_id=patient.id,
                number=chosen,
                date=date,
                language=language,
                mode=mode,
                source_hash=source_hash,
                source_name_enc=self.cipher.encrypt(source_name),
                transcript_enc=self.cipher.encrypt(
                    json.dumps(list(transcript), ensure_ascii=False)
                ),
                analysis_enc=self.cipher.encrypt(json.dumps(analysis, ensure_ascii=False)),
                created_at=_now(),
            )
            s.add(row)
            s.flush()
            items = []
            for e in to_open(episodes_from_analysis(analysis), markers_from_analysis(analysis)):
                item = OpenItem(
                    session_id=row.id,
                    episode=e.index,
                    kind=e.kind,
                    severity=e.severity,
                    resolved=e.resolved,
                    start_turn=e.start,
                    end_turn=e.end,
                    deferred=e.deferred,
                )
                s.add(item)
                items.append(item)
            s.flush()
            self._audit(s, "session.add", patient=patient.id, session=row.id)
            opened = tuple(self._item_record(i, {row.id: chosen}) for i in items)
        return StoredSession(number=chosen, new=True, open_items=opened)

    # ------------------------------------------------------------------ journal, check-in, items

    def add_journal(self, pseudonym: str, number: int, entries: Sequence[JournalRecord]) -> None:
        from raccord.store.schema import JournalEntry

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            session = self._session_row(s, patient.id, number)
            for e in entries:
                if e.feeling not in FEELINGS:
                    raise RaccordError(
                        f"unknown reaction {e.feeling!r}", expected=", ".join(FEELINGS)
                    )
                s.add(
                    JournalEntry(
                        session_id=session.id,
                        turn=e.turn,
                        seconds=e.seconds,
                        feeling=e.feeling,
                        intensity=e.intensity,
                        comment_enc=self.cipher.encrypt(e.comment),
                        created_at=_now(),
                    )
                )
            self._audit(
                s,
                "journal.add",
                patient=patient.id,
                session=session.id,
                detail=f"{len(entries)} entries",
            )

    def add_checkin(self, pseudonym: str, number: int, checkin: CheckInRecord) -> None:
        from raccord.store.schema import CheckIn

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            session = self._session_row(s, patient.id, number)
            s.add(
                CheckIn(
                    session_id=session.id,
                    relationship=checkin.relationship,
                    goals=checkin.goals,
                    approach=checkin.approach,
                    overall=checkin.overall,
                    tension=checkin.tension,
                    tension_resolved=checkin.tension_resolved,
                    instrument=checkin.instrument,
                    instrument_total=checkin.instrument_total,
                    comment_enc=self.cipher.encrypt(checkin.comment),
                    created_at=_now(),
                )
            )
            self._audit(s, "checkin.add", patient=patient.id, session=session.id)

    def save_formulation(self, pseudonym: str, number: int, formulation: FormulationRecord) -> None:
        """Store (or replace) the therapist's own formulation of one episode of a session."""
        from sqlalchemy import select

        from raccord.store.schema import Formulation

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            session = self._session_row(s, patient.id, number)
            analysis = json.loads(self.cipher.decrypt(session.analysis_enc) or "{}")
            if formulation.episode not in {int(e["index"]) for e in analysis.get("episodes", ())}:
                raise NotFoundError(
                    f"no episode {formulation.episode + 1} in session {number}",
                    expected="an episode of this session",
                )
            body = json.dumps(
                {k: getattr(formulation, k) for k in FORMULATION_FIELDS}, ensure_ascii=False
            )
            row = s.scalar(
                select(Formulation).where(
                    Formulation.session_id == session.id,
                    Formulation.episode == formulation.episode,
                )
            )
            if row is None:
                row = Formulation(session_id=session.id, episode=formulation.episode)
                s.add(row)
            row.fields_enc = self.cipher.encrypt(body)
            row.updated_at = _now()
            self._audit(
                s,
                "formulation.save",
                patient=patient.id,
                session=session.id,
                detail=f"episode {formulation.episode}",
            )

    def _formulations(self, s: Any, session_id: int) -> tuple[FormulationRecord, ...]:
        from sqlalchemy import select

        from raccord.store.schema import Formulation

        out = []
        for row in s.scalars(
            select(Formulation)
            .where(Formulation.session_id == session_id)
            .order_by(Formulation.episode)
        ):
            fields = json.loads(self.cipher.decrypt(row.fields_enc) or "{}")
            out.append(
                FormulationRecord(
                    episode=int(row.episode),
                    **{k: fields.get(k) or None for k in FORMULATION_FIELDS},
                )
            )
        return tuple(out)

    def _open_item_rows(self, s: Any, patient_id: int) -> list[Any]:
        from sqlalchemy import select

        from raccord.store.schema import OpenItem, Session

        return list(
            s.scalars(
                select(OpenItem)
                .join(Session, OpenItem.session_id == Session.id)
                .where(Session.patient_id == patient_id)
                .order_by(Session.number, OpenItem.episode)
            )
        )

    @staticmethod
    def _item_record(row: Any, numbers: dict[int, int]) -> OpenItemRecord:
        return OpenItemRecord(
            id=int(row.id),
            session=numbers[row.session_id],
            episode=int(row.episode),
            kind=row.kind,
            severity=row.severity,
            resolved=row.resolved,
            start=int(row.start_turn),
            end=int(row.end_turn),
            deferred=bool(row.deferred),
            revisited_in=numbers.get(row.revisited_session_id)
            if row.revisited_session_id is not None
            else None,
        )

    def revisit(self, pseudonym: str, item_id: int, number: int | None = None) -> None:
        """Mark an open item revisited (at session ``number``, else the latest session)."""
        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            rows = self._session_rows(s, patient.id)
            items = {i.id: i for i in self._open_item_rows(s, patient.id)}
            if item_id not in items:
                raise NotFoundError(
                    f"no open item {item_id} for this patient",
                    expected="an item id from `raccord history`",
                )
            session = self._session_row(s, patient.id, number) if number else rows[-1]
            items[item_id].revisited_session_id = session.id
            items[item_id].revisited_at = _now()
            self._audit(
                s, "item.revisit", patient=patient.id, session=session.id, detail=f"item {item_id}"
            )

    # ------------------------------------------------------------------ reading back

    def record(self, pseudonym: str) -> PatientRecord:
        """Everything history needs about one patient, decrypted."""
        from sqlalchemy import select

        from raccord.store.schema import CheckIn

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            rows = self._session_rows(s, patient.id)
            numbers = {r.id: r.number for r in rows}
            sessions = []
            for r in rows:
                analysis = json.loads(self.cipher.decrypt(r.analysis_enc) or "{}")
                turns = json.loads(self.cipher.decrypt(r.transcript_enc) or "[]")
                checkins = tuple(
                    CheckInRecord(
                        relationship=c.relationship,
                        goals=c.goals,
                        approach=c.approach,
                        overall=c.overall,
                        tension=c.tension,
                        tension_resolved=c.tension_resolved,
                        instrument=c.instrument,
                        instrument_total=c.instrument_total,
                        comment=self.cipher.decrypt(c.comment_enc),
                    )
                    for c in s.scalars(
                        select(CheckIn).where(CheckIn.session_id == r.id).order_by(CheckIn.id)
                    )
                )
                journal = self._journal(s, r.id)
                scores = analysis.get("scores", {})
                sessions.append(
                    SessionRecord(
                        number=r.number,
                        date=r.date,
                        language=r.language,
                        turns=turns_from_transcript(turns),
                        markers=markers_from_analysis(analysis),
                        episodes=episodes_from_analysis(analysis),
                        patient_rupture=float(scores.get("patient_rupture", 0.0)),
                        therapist_contribution=float(scores.get("therapist_contribution", 0.0)),
                        checkins=checkins,
                        journal=journal,
                    )
                )
            items = tuple(
                self._item_record(i, numbers) for i in self._open_item_rows(s, patient.id)
            )
            self._audit(s, "patient.read", patient=patient.id)
            return PatientRecord(
                pseudonym=patient.pseudonym,
                attachment=patient.attachment,
                sessions=tuple(sessions),
                open_items=items,
            )

    def session(self, pseudonym: str, number: int) -> SessionData:
        """One session of one patient, decrypted, with its journal and check-ins."""
        record = self.record(pseudonym)
        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            row = self._session_row(s, patient.id, number)
            self._audit(s, "session.read", patient=patient.id, session=row.id)
            data = SessionData(
                number=row.number,
                date=row.date,
                language=row.language,
                source=self.cipher.decrypt(row.source_name_enc) or "",
                transcript=json.loads(self.cipher.decrypt(row.transcript_enc) or "[]"),
                analysis=json.loads(self.cipher.decrypt(row.analysis_enc) or "{}"),
                formulations=self._formulations(s, row.id),
            )
        stored = next(x for x in record.sessions if x.number == number)
        return SessionData(
            number=data.number,
            date=data.date,
            language=data.language,
            source=data.source,
            transcript=data.transcript,
            analysis=data.analysis,
            journal=stored.journal,
            checkins=stored.checkins,
            formulations=data.formulations,
        )

    def export(self, pseudonym: str) -> dict[str, Any]:
        """Everything stored about one patient, as JSON data (the patient's right of access)."""
        from sqlalchemy import select

        from raccord.export import plain
        from raccord.store.schema import AuditEntry

        record = self.record(pseudonym)
        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            rows = self._session_rows(s, patient.id)
            analyses = {
                r.number: {
                    "source": self.cipher.decrypt(r.source_name_enc),
                    "source_sha256": r.source_hash,
                    "transcript": json.loads(self.cipher.decrypt(r.transcript_enc) or "[]"),
                    "analysis": json.loads(self.cipher.decrypt(r.analysis_enc) or "{}"),
                    "formulations": plain(self._formulations(s, r.id)),
                }
                for r in rows
            }
            audit = [
                {
                    "at": a.at.isoformat(),
                    "action": a.action,
                    "session_id": a.session_id,
                    "detail": a.detail,
                }
                for a in s.scalars(
                    select(AuditEntry)
                    .where(
                        AuditEntry.therapist_id == self.therapist_id,
                        AuditEntry.patient_id == patient.id,
                    )
                    .order_by(AuditEntry.id)
                )
            ]
            self._audit(s, "patient.export", patient=patient.id)
        sessions = []
        for session in record.sessions:
            sessions.append(
                {
                    "number": session.number,
                    "date": session.date.isoformat() if session.date else None,
                    "language": session.language,
                    **analyses[session.number],
                    "checkins": plain(session.checkins),
                    "journal": plain(session.journal),
                }
            )
        return {
            "patient": {"pseudonym": record.pseudonym, "attachment": record.attachment},
            "sessions": sessions,
            "open_items": plain(record.open_items),
            "audit": audit,
        }

    def erase(self, pseudonym: str) -> int:
        """Erase one patient completely: sessions, journal, check-ins, open items, and the audit
        entries about them; one audit line without any reference to the patient remains."""
        from sqlalchemy import delete

        from raccord.store.schema import (
            AuditEntry,
            CheckIn,
            Formulation,
            JournalEntry,
            OpenItem,
            Patient,
            Session,
            Share,
        )

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            ids = [r.id for r in self._session_rows(s, patient.id)]
            s.execute(delete(Share).where(Share.patient_id == patient.id))
            if ids:
                for table in (OpenItem, CheckIn, JournalEntry, Formulation):
                    s.execute(delete(table).where(table.session_id.in_(ids)))
                s.execute(delete(Session).where(Session.id.in_(ids)))
            s.execute(delete(AuditEntry).where(AuditEntry.patient_id == patient.id))
            s.execute(delete(Patient).where(Patient.id == patient.id))
            self._audit(s, "patient.erase", detail=f"{len(ids)} sessions erased")
        return len(ids)

    # ------------------------------------------------------------------ sharing with a supervisor

    def _supervisor_id(self, s: Any, name: str) -> int:
        from sqlalchemy import select

        from raccord.store.schema import Account, Therapist

        found = s.scalar(
            select(Therapist.id)
            .join(Account, Account.therapist_id == Therapist.id)
            .where(Therapist.name == name.strip(), Account.role == "supervisor")
        )
        if found is None:
            raise RaccordError(
                f"no supervisor account named {name.strip()!r}",
                expected="the login of an account made with `raccord user add NAME --role supervisor`",
            )
        return int(found)

    def share(self, pseudonym: str, supervisor: str, number: int | None = None) -> None:
        """Show one session (``number``), or every session of the patient, to ``supervisor``."""
        from sqlalchemy import select

        from raccord.store.schema import Share

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            session_id = self._session_row(s, patient.id, number).id if number else None
            supervisor_id = self._supervisor_id(s, supervisor)
            exists = s.scalar(
                select(Share.id).where(
                    Share.patient_id == patient.id,
                    Share.supervisor_id == supervisor_id,
                    Share.session_id.is_(None)
                    if session_id is None
                    else Share.session_id == session_id,
                )
            )
            if exists is not None:
                return
            s.add(
                Share(
                    patient_id=patient.id,
                    session_id=session_id,
                    supervisor_id=supervisor_id,
                    created_at=_now(),
                )
            )
            self._audit(
                s,
                "share.add",
                patient=patient.id,
                session=session_id,
                detail=f"supervisor {supervisor_id}",
            )

    def unshare(self, pseudonym: str, share_id: int) -> None:
        """End one sharing of this therapist's patient."""
        from sqlalchemy import delete, select

        from raccord.store.schema import Share

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            row = s.scalar(
                select(Share).where(Share.id == share_id, Share.patient_id == patient.id)
            )
            if row is None:
                raise NotFoundError("no such sharing for this patient")
            self._audit(
                s,
                "share.remove",
                patient=patient.id,
                session=row.session_id,
                detail=f"supervisor {row.supervisor_id}",
            )
            s.execute(delete(Share).where(Share.id == row.id))

    def shares(self, pseudonym: str) -> list[ShareRecord]:
        """The sharings of one of this therapist's patients."""
        from sqlalchemy import select

        from raccord.store.schema import Session, Share, Therapist

        with self._tx() as s:
            patient = self._patient(s, pseudonym)
            rows = s.execute(
                select(Share.id, Session.number, Therapist.name)
                .join(Therapist, Therapist.id == Share.supervisor_id)
                .outerjoin(Session, Session.id == Share.session_id)
                .where(Share.patient_id == patient.id)
                .order_by(Therapist.name, Session.number)
            ).all()
        return [
            ShareRecord(
                id=int(i),
                therapist=self.therapist_name,
                patient=pseudonym,
                session=None if n is None else int(n),
                supervisor=str(name),
            )
            for i, n, name in rows
        ]

    def shared_with_me(self) -> list[ShareRecord]:
        """What other therapists shared with this (supervisor's) account, with the session
        numbers each sharing covers today."""
        from sqlalchemy import select

        from raccord.store.schema import Patient, Share, Therapist

        out = []
        with self._tx() as s:
            rows = s.execute(
                select(Share.id, Share.session_id, Patient.id, Patient.pseudonym, Therapist.name)
                .join(Patient, Patient.id == Share.patient_id)
                .join(Therapist, Therapist.id == Patient.therapist_id)
                .where(Share.supervisor_id == self.therapist_id)
                .order_by(Therapist.name, Patient.pseudonym, Share.id)
            ).all()
            for share_id, session_id, patient_id, pseudonym, owner in rows:
                numbers = tuple(
                    r.number
                    for r in self._session_rows(s, patient_id)
                    if session_id is None or r.id == session_id
                )
                out.append(
                    ShareRecord(
                        id=int(share_id),
                        therapist=str(owner),
                        patient=str(pseudonym),
                        session=numbers[0] if session_id is not None and numbers else None,
                        supervisor=self.therapist_name,
                        sessions=numbers,
                    )
                )
        return out

    def shared_session(self, share_id: int, number: int) -> SessionData:
        """A session shared with this (supervisor's) account, read only; anything not shared
        is a ``NotFoundError``. The read goes to the audit log under the supervisor's name."""
        from sqlalchemy import select

        from raccord.store.schema import Share

        with self._tx() as s:
            share = s.scalar(
                select(Share).where(Share.id == share_id, Share.supervisor_id == self.therapist_id)
            )
            if share is None:
                raise NotFoundError("nothing shared with you here")
            row = self._session_row(s, share.patient_id, number)
            if share.session_id is not None and share.session_id != row.id:
                raise NotFoundError("nothing shared with you here")
            journal = self._journal(s, row.id)
            cipher = self.cipher  # the workspace server's key (one RACCORD_HOME, one key)
            self._audit(
                s,
                "shared.read",
                patient=share.patient_id,
                session=row.id,
                detail=f"share {share.id}",
            )
            return SessionData(
                number=row.number,
                date=row.date,
                language=row.language,
                source=cipher.decrypt(row.source_name_enc) or "",
                transcript=json.loads(cipher.decrypt(row.transcript_enc) or "[]"),
                analysis=json.loads(cipher.decrypt(row.analysis_enc) or "{}"),
                journal=journal,
                formulations=self._formulations(s, row.id),
            )

    # ------------------------------------------------------------------ key rotation

    def rotate_key(self) -> int:
        """Re-encrypt every encrypted column of this therapist's records under a new key, in one
        transaction (in a shared database each therapist keeps their own key). The key file first holds the new key and the old one (either can read),
        then only the new one once the transaction has committed: no crash leaves data unreadable.
        """
        from sqlalchemy import select

        from raccord.store.schema import CheckIn, Formulation, JournalEntry, Patient, Session

        if self.cipher.source == crypto.KEY_ENV:
            raise RaccordError(
                "the key comes from RACCORD_KEY: rotate it where it is kept",
                expected="RACCORD_KEY unset (the key file under RACCORD_HOME) for `key rotate`",
            )
        path = crypto.key_path(self.home)
        new = crypto.new_key()
        crypto.write_keys(path, [new, *self.cipher.keys])
        rotating = crypto.Cipher([new, *self.cipher.keys], str(path))
        count = 0
        with self._tx() as s:
            mine = select(Patient.id).where(Patient.therapist_id == self.therapist_id)
            own = select(Session.id).where(Session.patient_id.in_(mine))
            for row in s.scalars(select(Session).where(Session.id.in_(own))):
                row.source_name_enc = rotating.rotate(row.source_name_enc)
                row.transcript_enc = rotating.rotate(row.transcript_enc)
                row.analysis_enc = rotating.rotate(row.analysis_enc)
                count += 1
            for table in (CheckIn, JournalEntry):
                for entry in s.scalars(select(table).where(table.session_id.in_(own))):
                    entry.comment_enc = rotating.rotate(entry.comment_enc)
                    count += 1
            for formulation in s.scalars(
                select(Formulation).where(Formulation.session_id.in_(own))
            ):
                formulation.fields_enc = rotating.rotate(formulation.fields_enc)
                count += 1
            self._audit(s, "key.rotate", detail=f"{count} rows re-encrypted")
        crypto.write_keys(path, [new])
        self.cipher = crypto.Cipher([new], str(path))
        return count


def transcript_rows(transcript: Any) -> list[dict[str, Any]]:
    """A ``Transcript``'s turns as the plain rows stored (encrypted) with the session."""
    return [
        {
            "index": t.index,
            "id": t.uid,
            "speaker": t.speaker,
            "role": t.role.value,
            "text": t.text,
            "start": t.start,
            "end": t.end,
            # what was not said, and where: nothing of the transcript is lost in the store
            "annotations": [
                {"kind": a.kind, "raw": a.raw, "seconds": a.seconds, "at": a.at}
                for a in t.annotations
            ],
        }
        for t in transcript.turns
    ]
