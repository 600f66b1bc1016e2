"""``raccord report``: a session as a one-page report (HTML, PDF or Markdown), from a transcript
file or from a session stored in the records."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from raccord.errors import RaccordError
from raccord.model import TherapistNote


@click.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--patient", default=None, help="A patient of your records (with --session).")
@click.option("--session", "number", type=int, default=None, help="The stored session's number.")
@click.option(
    "--supervision",
    is_flag=True,
    help="With --patient: the supervision report over all the patient's sessions.",
)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "md"]), default="html")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Output file (default: FILE's name with the format's extension).",
)
@click.option("--keep-names", is_flag=True, help="Keep person names (pseudonymised by default).")
@click.option("--mode", type=click.Choice(["full", "fast"]), default="full")
@click.option("--lang", "language", default=None, help="Force the transcript's language (fr, en).")
@click.option("--therapist", default=None, help="The therapist's speaker label.")
@click.option(
    "--notes",
    "notes_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Your own reactions (as for `raccord analyze --notes`).",
)
@click.option("--db", "db_url", default=None, metavar="URL", help="Database URL of the records.")
def report(
    file: str | None,
    patient: str | None,
    number: int | None,
    supervision: bool,
    fmt: str,
    output: str | None,
    keep_names: bool,
    mode: str,
    language: str | None,
    therapist: str | None,
    notes_path: str | None,
    db_url: str | None,
) -> None:
    """Write the report of one session: FILE (a transcript), or --patient NAME --session N."""
    from raccord.report import document, view

    if file and patient:
        raise RaccordError("give a FILE or --patient/--session, not both")
    if file:
        from raccord.export import to_json
        from raccord.io import load
        from raccord.pipeline import analyze
        from raccord.store.records import transcript_rows

        transcripts = load(file, language=language, therapist=therapist)
        if len(transcripts) != 1:
            raise RaccordError(
                f"{len(transcripts)} sessions in one file",
                path=file,
                expected="one session per file",
            )
        notes: tuple[TherapistNote, ...] = ()
        if notes_path:
            from raccord.understand import read_notes

            notes = tuple(read_notes(notes_path))
        transcript = transcripts[0]
        analysis = analyze(transcript, mode=mode, notes=notes)
        built = view.build(to_json(analysis), transcript_rows(transcript), keep_names=keep_names)
        default = Path(file).with_suffix(f".{fmt}").name
    elif patient and supervision:
        from raccord.history import build
        from raccord.report import supervision as supervising
        from raccord.store.records import Records

        records = Records(db_url)
        record = records.record(patient)
        analyses = {s.number: records.session(patient, s.number).analysis for s in record.sessions}
        sup = supervising.build(build(record, mode=mode), analyses, keep_names=keep_names)
        data = supervising.write(sup, fmt)
        _emit(data, output or f"supervision.{fmt}")
        return
    elif patient and number is not None:
        from raccord.store.records import Records

        stored = Records(db_url).session(patient, number)
        built = view.build(
            stored.analysis,
            stored.transcript,
            patient=patient,
            number=number,
            date=stored.date,
            journal=stored.journal,
            keep_names=keep_names,
        )
        default = f"session-{number}.{fmt}"
    else:
        raise RaccordError(
            "nothing to report",
            expected="a transcript FILE, --patient NAME --session N, or --patient NAME --supervision",
        )
    _emit(document.write(built, fmt), output or default)


def _emit(data: bytes, target: str) -> None:
    if target == "-":
        sys.stdout.buffer.write(data)
        return
    Path(target).write_bytes(data)
    click.echo(target)
