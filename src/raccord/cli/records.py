"""Patient records on the command line: ``patient``, ``session``, ``journal``, ``checkin``,
``history`` and ``key``. Thin layers over ``raccord.store`` and ``raccord.history``.

Pseudonyms are shown to the therapist on the terminal only; nothing here writes a log.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from raccord.errors import RaccordError
from raccord.taxonomy import AttachmentStyle

DB_OPTION = click.option(
    "--db",
    "db_url",
    default=None,
    metavar="URL",
    help="Database URL (default: RACCORD_DATABASE_URL, else an SQLite file under RACCORD_HOME).",
)
ATTACHMENTS = [a.value for a in AttachmentStyle]


def _records(db_url: str | None) -> Any:
    from raccord.store.records import Records

    return Records(db_url)


def _code(language: str | None) -> str:
    from raccord.lang import pack_code

    return pack_code(language)


def _say(code: str, key: str, **values: object) -> str:
    from raccord.history import wording

    return str(wording.section(code, "text")[key]).format(**values)


# ---------------------------------------------------------------------------- patient


@click.group()
def patient() -> None:
    """Your patients (by pseudonym): add, list, show, export, erase."""


@patient.command("add")
@click.argument("name")
@click.option("--attachment", type=click.Choice(ATTACHMENTS), default="unknown")
@DB_OPTION
def patient_add(name: str, attachment: str, db_url: str | None) -> None:
    """Add a patient under a pseudonym (never a real name)."""
    _records(db_url).add_patient(name, attachment)
    click.echo(f"{name}: added.")


@patient.command("list")
@DB_OPTION
def patient_list(db_url: str | None) -> None:
    """Your patients, their number of sessions and open items."""
    for p in _records(db_url).patients():
        last = p.last_date.isoformat() if p.last_date else "-"
        click.echo(
            f"{p.pseudonym}\tsessions={p.sessions}\topen_items={p.open_items}\t"
            f"attachment={p.attachment}\tlast={last}"
        )


@patient.command("show")
@click.argument("name")
@DB_OPTION
def patient_show(name: str, db_url: str | None) -> None:
    """One patient's sessions and open items."""
    from raccord.history.render import open_item_line

    record = _records(db_url).record(name)
    code = _code(record.language)
    click.echo(f"{record.pseudonym} (attachment: {record.attachment})")
    for s in record.sessions:
        date = s.date.isoformat() if s.date else "-"
        click.echo(
            f"  session {s.number}\t{date}\t{s.language}\tturns={len(s.turns)}\t"
            f"markers={len(s.markers)}\tepisodes={len(s.episodes)}\t"
            f"checkins={len(s.checkins)}\tjournal={len(s.journal)}"
        )
    for item in record.open_items:
        if item.open:
            click.echo("  " + open_item_line(code, item))


@patient.command("export")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
@DB_OPTION
def patient_export(name: str, output: str | None, db_url: str | None) -> None:
    """Everything stored about one patient, as JSON (transcripts included, decrypted)."""
    data = json.dumps(_records(db_url).export(name), ensure_ascii=False, indent=2, default=str)
    if output:
        from raccord.batch import write_atomic

        write_atomic(Path(output), data + "\n")
    else:
        click.echo(data)


@patient.command("erase")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@DB_OPTION
def patient_erase(name: str, yes: bool, db_url: str | None) -> None:
    """Erase one patient completely (sessions, journal, check-ins, items, audit entries)."""
    if not yes:
        click.confirm(f"Erase {name} and all their sessions for good?", abort=True)
    count = _records(db_url).erase(name)
    click.echo(f"{name}: erased ({count} sessions).")


# ---------------------------------------------------------------------------- session


@click.group()
def session() -> None:
    """Store analysed sessions; mark open items revisited."""


@session.command("add")
@click.argument("name")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--date", "date_", default=None, help="Session date, YYYY-MM-DD (one file).")
@click.option("--number", type=int, default=None, help="Session number (one file).")
@click.option("--mode", type=click.Choice(["full", "fast"]), default="full")
@click.option("--lang", "language", default=None, help="Force the language (fr, en).")
@click.option("--therapist", default=None, help="The therapist's speaker label.")
@DB_OPTION
def session_add(
    name: str,
    files: tuple[str, ...],
    date_: str | None,
    number: int | None,
    mode: str,
    language: str | None,
    therapist: str | None,
    db_url: str | None,
) -> None:
    """Read, analyse and store one or more sessions of a patient, each in its own transaction;
    print each summary with the open items of earlier sessions."""
    from raccord.export import to_json
    from raccord.history.render import open_item_line
    from raccord.io import load
    from raccord.pipeline import analyze
    from raccord.store.records import file_hash, transcript_rows

    if len(files) > 1 and (date_ or number):
        raise RaccordError("--date and --number apply to one file", expected="a single FILE")
    when = None
    if date_:
        try:
            when = dt.date.fromisoformat(date_)
        except ValueError as exc:
            raise RaccordError(f"bad date {date_!r}", expected="YYYY-MM-DD") from exc
    records = _records(db_url)
    attachment = AttachmentStyle(records.attachment(name))
    for path in files:
        digest = file_hash(Path(path).read_bytes())
        known = records.find_by_hash(digest)
        if known is not None and known[0] == name:
            click.echo(_say(_code(language), "session_known", path=path, number=known[1]))
            continue
        transcripts = load(path, language=language, therapist=therapist)
        if len(transcripts) != 1:
            raise RaccordError(
                f"{len(transcripts)} sessions in one file",
                path=path,
                expected="one session per file for `session add`",
            )
        transcript = transcripts[0]
        analysis = analyze(transcript, mode=mode, attachment=attachment)
        data = to_json(analysis)
        stored = records.add_session(
            name,
            source_name=Path(path).name,
            source_hash=digest,
            transcript=transcript_rows(transcript),
            analysis=data,
            language=transcript.language,
            mode=mode,
            date=when,
            number=number,
        )
        code = _code(transcript.language)
        click.echo(
            _say(
                code,
                "session_added",
                number=stored.number,
                markers=len(data["markers"]),
                episodes=len(data["episodes"]),
            )
        )
        for line in (data.get("formulation") or {}).get("summary", ()):
            click.echo("  " + line)
        earlier = [
            i for i in records.record(name).open_items if i.open and i.session < stored.number
        ]
        if earlier:
            click.echo(_say(code, "earlier_items"))
            for item in earlier:
                click.echo("  - " + open_item_line(code, item))
        if stored.open_items:
            click.echo(_say(code, "new_items"))
            for item in stored.open_items:
                click.echo("  - " + open_item_line(code, item))


@session.command("revisit")
@click.argument("name")
@click.argument("item", type=int)
@click.option(
    "--at",
    "at_session",
    type=int,
    default=None,
    help="The session where it was revisited (default: the latest).",
)
@DB_OPTION
def session_revisit(name: str, item: int, at_session: int | None, db_url: str | None) -> None:
    """Mark an open item revisited: it leaves the list of items to come back to."""
    _records(db_url).revisit(name, item, at_session)
    click.echo(f"item {item}: revisited.")


# ---------------------------------------------------------------------------- journal, check-in


@click.command()
@click.argument("name")
@click.argument("session_number", type=int)
@click.argument("notes", nargs=-1, required=True)
@click.option("--intensity", type=click.IntRange(0, 10), default=None)
@DB_OPTION
def journal(
    name: str,
    session_number: int,
    notes: tuple[str, ...],
    intensity: int | None,
    db_url: str | None,
) -> None:
    """Your own reactions at moments of a session: "12: agacée", "00:14:30 bored"."""
    from raccord.history.data import JournalRecord
    from raccord.store.records import FEELINGS
    from raccord.understand.notes import parse_notes

    parsed = parse_notes(notes, path="<journal>")
    records = _records(db_url)
    stored = records.session(name, session_number)
    lost = [n.turn for n in parsed if n.turn is not None and stored.position(n.turn) is None]
    if lost:
        raise click.BadParameter(
            f"session {session_number} has no turn {lost[0]} "
            f"(turns {stored.transcript[0]['id']}–{stored.transcript[-1]['id']})"
            if stored.transcript
            else f"session {session_number} has no turns"
        )
    entries = [
        JournalRecord(
            feeling=n.feeling if n.feeling in FEELINGS else "other",
            turn=stored.position(n.turn),
            seconds=n.seconds,
            intensity=intensity,
            comment=n.text,
        )
        for n in parsed
    ]
    records.add_journal(name, session_number, entries)
    click.echo(f"{len(entries)} journal entries stored.")


@click.group(name="journal")
def journal_group() -> None:
    """The therapist's journal of their own reactions."""


journal_group.add_command(journal, "add")


@click.group()
def checkin() -> None:
    """The patient's end-of-session check-in."""


def _yes_no(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() in ("yes", "oui", "y", "o", "1", "true")


@checkin.command("add")
@click.argument("name")
@click.argument("session_number", type=int)
@click.option("--relationship", type=click.IntRange(0, 10), default=None)
@click.option("--goals", type=click.IntRange(0, 10), default=None)
@click.option("--approach", type=click.IntRange(0, 10), default=None)
@click.option("--overall", type=click.IntRange(0, 10), default=None)
@click.option("--tension", type=click.Choice(["yes", "no", "oui", "non"]), default=None)
@click.option("--resolved", type=click.Choice(["yes", "no", "oui", "non"]), default=None)
@click.option("--instrument", default=None, help="A licensed instrument's name (SRS, WAI-SR).")
@click.option("--total", type=float, default=None, help="That instrument's total score.")
@click.option("--comment", default=None)
@DB_OPTION
def checkin_add(
    name: str,
    session_number: int,
    relationship: int | None,
    goals: int | None,
    approach: int | None,
    overall: int | None,
    tension: str | None,
    resolved: str | None,
    instrument: str | None,
    total: float | None,
    comment: str | None,
    db_url: str | None,
) -> None:
    """Record the check-in: raccord's questions scored 0–10, and/or an instrument's total."""
    from raccord.history.data import CheckInRecord

    if total is not None and not instrument:
        raise RaccordError("--total needs --instrument", expected="--instrument SRS --total 34")
    record = CheckInRecord(
        relationship=relationship,
        goals=goals,
        approach=approach,
        overall=overall,
        tension=_yes_no(tension),
        tension_resolved=_yes_no(resolved),
        instrument=instrument,
        instrument_total=total,
        comment=comment,
    )
    if record.mean is None and total is None and record.tension is None:
        raise RaccordError("empty check-in", expected="at least one score, --tension or --total")
    _records(db_url).add_checkin(name, session_number, record)
    click.echo("check-in stored.")


@checkin.command("questions")
@click.option("--lang", "language", default="fr")
def checkin_questions(language: str) -> None:
    """raccord's own end-of-session questions, to hand to the patient."""
    from raccord.history import wording

    for key, text in wording.section(_code(language), "checkin").items():
        click.echo(f"{key}: {text}")


# ---------------------------------------------------------------------------- history, key


@click.command()
@click.argument("name")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--mode",
    type=click.Choice(["full", "fast"]),
    default="full",
    help="full groups subjects by meaning (sentence encoder); fast by identical words.",
)
@DB_OPTION
def history(name: str, output_format: str, mode: str, db_url: str | None) -> None:
    """A patient's course: implicit prohibitions, alerts, trends and open items."""
    from raccord.history import build
    from raccord.history.render import to_json, to_text

    built = build(_records(db_url).record(name), mode=mode)
    if output_format == "json":
        click.echo(json.dumps(to_json(built), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(to_text(built), nl=False)


@click.group()
def key() -> None:
    """The encryption key of your records."""


@key.command("rotate")
@DB_OPTION
def key_rotate(db_url: str | None) -> None:
    """Re-encrypt all your records under a new key, in one transaction."""
    count = _records(db_url).rotate_key()
    click.echo(f"{count} records re-encrypted under a new key.")
