"""``raccord analyze``, ``raccord batch`` and ``raccord demo``: thin layers over ``raccord.pipeline``."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from raccord.errors import RaccordError
from raccord.io.encoding import DEFAULT_MAX_BYTES
from raccord.model import SessionAnalysis, TherapistNote, Transcript
from raccord.taxonomy import AttachmentStyle

if TYPE_CHECKING:
    from raccord.io import Unreadable

DEMO_SUFFIXES = (".txt", ".vtt", ".srt", ".json", ".eaf", ".csv")
#: Above this many turns, ``analyze`` shows that it is working (on a terminal).
_LONG_SESSION = 2_000


def _load(
    path: str,
    fmt: str | None,
    language: str | None,
    therapist: Sequence[str] = (),
    patient: Sequence[str] = (),
    max_size: float | None = None,
    skipped: list[Unreadable] | None = None,
) -> list[Transcript]:
    from raccord.io import load

    return load(
        path,
        fmt=fmt,
        language=language,
        therapist=therapist,
        patient=patient,
        max_bytes=None if max_size is None else int(max_size * 1_048_576),
        skipped=skipped,
    )


def _analyze(
    transcript: Transcript,
    mode: str,
    attachment: AttachmentStyle = AttachmentStyle.UNKNOWN,
    notes: Sequence[TherapistNote] = (),
    context: str = "session",
) -> SessionAnalysis:
    from raccord.pipeline import analyze

    return analyze(transcript, mode=mode, context=context, attachment=attachment, notes=notes)


_common = [
    click.option(
        "--lang",
        "language",
        type=click.Choice(["fr", "en"]),
        help="Force the language instead of detecting it.",
    ),
    click.option(
        "--therapist",
        metavar="NAME",
        multiple=True,
        help="Speaker label of a therapist, repeatable; the other speakers are then patients unless"
        " labelled as someone else (else roles come from labels or are guessed, and reported).",
    ),
    click.option(
        "--patient",
        metavar="NAME",
        multiple=True,
        help="Speaker label of a patient, repeatable (several in a couple or family session).",
    ),
    click.option(
        "--input-format",
        "-f",
        "fmt",
        metavar="FMT",
        help="Force the input format (text, vtt, srt, whisper, csv, annomi, eaf).",
    ),
    click.option(
        "--max-size",
        type=click.FloatRange(min=0.001),
        default=DEFAULT_MAX_BYTES / 1_048_576,
        show_default=True,
        metavar="MB",
        help="Refuse input files larger than this.",
    ),
    click.option(
        "--mode",
        type=click.Choice(["full", "fast"]),
        default="full",
        show_default=True,
        help="fast: lexical cues and timing only; full: adds the multilingual sentence encoder.",
    ),
]


def common_options(func: Any) -> Any:
    for option in reversed(_common):
        func = option(func)
    return func


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@common_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "annotation"]),
    default="text",
    show_default=True,
)
@click.option(
    "--attachment",
    type=click.Choice([a.value for a in AttachmentStyle]),
    default="unknown",
    help="The patient's attachment style as you assess it; it tailors the repair wording.",
)
@click.option(
    "--notes",
    "notes_path",
    type=click.Path(dir_okay=False),
    help="Your own reactions during the session, one per line ('12: agacée', '00:14:30 bored').",
)
@click.option(
    "--id",
    "transcript_id",
    help="For a file holding several sessions (AnnoMI CSV): analyse only this one.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Text view: show every turn, not only those around a cue (implies --details).",
)
@click.option(
    "--details",
    is_flag=True,
    help="Text view: after the one-minute summary, the timeline with every marker and its "
    "evidence, the formulation and every repair option.",
)
@click.option(
    "--live",
    is_flag=True,
    help="Decide each marker from the turns up to it only (as during a session); by default a "
    "marker is read with the turns that follow it, as a coder reads a session afterwards.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of the terminal.",
)
def analyze(
    file: str,
    language: str | None,
    therapist: tuple[str, ...],
    patient: tuple[str, ...],
    fmt: str | None,
    max_size: float,
    mode: str,
    output_format: str,
    attachment: str,
    notes_path: str | None,
    transcript_id: str | None,
    show_all: bool,
    details: bool,
    live: bool,
    output: str | None,
) -> None:
    """Analyse one session: markers, rupture episodes, formulation and repair options.

    A session without a therapist or without a patient is refused (exit status 2) unless
    --therapist / --patient say who is who.
    """
    from raccord.batch import check_output_file, transcript_name, write_atomic
    from raccord.io.roles import require_parties

    target = check_output_file(output) if output else None
    skipped: list[Unreadable] = []
    transcripts = _load(file, fmt, language, therapist, patient, max_size, skipped)
    if transcript_id is not None:
        transcripts = [t for t in transcripts if transcript_name(t) == transcript_id]
        failed = [s for s in skipped if s.name == transcript_id]
        skipped = []
        if failed:
            raise RaccordError(f"session {transcript_id}: {failed[0].reason}", path=file)
        if not transcripts:
            raise RaccordError(f"no session with id {transcript_id!r}", path=file)
    for item in skipped:
        click.echo(_skip_line(item), err=True)
    for transcript in transcripts:
        require_parties(transcript)
    notes: tuple[TherapistNote, ...] = ()
    if notes_path is not None:
        from raccord.understand.notes import read_notes

        notes = read_notes(notes_path)
    context = "live" if live else "session"
    style = AttachmentStyle(attachment)
    analyses = [_with_status(t, mode, style, notes, context) for t in transcripts]
    if output_format == "text":
        from raccord.render import print_report

        if target is None:
            console = Console(highlight=False)
            for a in analyses:
                print_report(a, console, show_all=show_all, details=details)
            _exit_if_skipped(skipped)
            return
        buffer = io.StringIO()
        console = Console(file=buffer, highlight=False, width=110, no_color=True)
        for a in analyses:
            print_report(a, console, show_all=show_all, details=details)
        write_atomic(target, buffer.getvalue())
        _exit_if_skipped(skipped)
        return
    from raccord.batch import render

    payload: Any = [render(a, output_format) for a in analyses]
    if len(payload) == 1:
        payload = payload[0]
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if target is not None:
        write_atomic(target, text)
    else:
        click.echo(text, nl=False)
    _exit_if_skipped(skipped)


def _exit_if_skipped(skipped: Sequence[Unreadable]) -> None:
    """Exit status 1 when some sessions of a corpus file were skipped (reported on stderr)."""
    if skipped:
        raise click.exceptions.Exit(1)


def _with_status(
    transcript: Transcript,
    mode: str,
    attachment: AttachmentStyle,
    notes: Sequence[TherapistNote],
    context: str,
) -> SessionAnalysis:
    """The analysis, saying on the terminal that a long session is being analysed."""
    err = Console(stderr=True)
    if len(transcript.turns) < _LONG_SESSION or not err.is_terminal:
        return _analyze(transcript, mode, attachment, notes, context)
    with err.status(f"analysing {len(transcript.turns)} turns…"):
        return _analyze(transcript, mode, attachment, notes, context)


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the results (created if needed; checked before any analysis).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["annotation", "json"]),
    default="annotation",
    show_default=True,
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes, each with one math thread.",
)
@common_options
def batch(
    inputs: tuple[str, ...],
    out_dir: str,
    output_format: str,
    jobs: int,
    language: str | None,
    therapist: tuple[str, ...],
    patient: tuple[str, ...],
    fmt: str | None,
    max_size: float,
    mode: str,
) -> None:
    """Analyse many sessions (files, or folders of transcripts) into OUT.

    Writes OUT/transcript_<id>.json per session and OUT/sessions.csv. A file or a session that
    cannot be read or analysed (no therapist or no patient, unreadable text…) is reported on
    standard error and in OUT/skipped.csv (id, source, reason); the others are analysed.

    Exit status: 0 when every session was analysed, 1 when some were skipped, 2 when none could
    be analysed (or on a usage error).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from raccord import batch as runner

    if jobs > 1:  # before anything loads a math library in this process
        runner.one_math_thread()

    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("analysing", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = runner.run(
            inputs,
            out_dir,
            mode=mode,
            output_format=output_format,
            jobs=jobs,
            fmt=fmt,
            language=language,
            therapist=therapist,
            patient=patient,
            max_bytes=int(max_size * 1_048_576),
            on_skip=lambda item: progress.console.print(
                _skip_line(item), markup=False, highlight=False, soft_wrap=True
            ),
            on_progress=advance,
        )
    sessions = "session" if len(result.rows) == 1 else "sessions"
    click.echo(f"{len(result.rows)} {sessions} analysed → {result.out}/sessions.csv")
    if result.skipped:
        click.echo(f"{len(result.skipped)} skipped (reasons in {result.out}/skipped.csv)", err=True)
    if result.exit_status:
        raise click.exceptions.Exit(result.exit_status)


def _skip_line(item: Unreadable) -> str:
    """One stderr line per skipped session: where (file, session id) and why."""
    return f"raccord: skipped: {item.describe()}"


def demo_files() -> list[Path]:
    """The demo sessions bundled with raccord (their label files excluded)."""
    root = resources.files("raccord.demo")
    return sorted(
        Path(str(p))
        for p in root.iterdir()
        if p.name.endswith(DEMO_SUFFIXES)
        and ".labels." not in p.name
        and not p.name.startswith("_")
    )


@click.command()
@click.option("--mode", type=click.Choice(["full", "fast"]), default="full", show_default=True)
@click.option(
    "--all", "show_all", is_flag=True, help="Show every turn, not only those around a cue."
)
@click.option(
    "--details", is_flag=True, help="The timeline, formulation and every repair option too."
)
def demo(mode: str, show_all: bool, details: bool) -> None:
    """Analyse the bundled demo sessions (French and English) and print their reports."""
    from raccord.batch import session_row
    from raccord.render import print_report

    console = Console(highlight=False)
    summary: list[dict[str, Any]] = []
    for path in demo_files():
        for transcript in _load(str(path), None, None):
            analysis = _analyze(transcript, mode)
            print_report(analysis, console, show_all=show_all, details=details)
            console.print()
            summary.append(session_row(analysis))
    console.rule("demo")
    for row in summary:
        console.print(
            f"{row['transcript_id']:<24} {row['language']}  {_count(row['turns'], 'turn', 3)}  "
            f"{_count(row['markers'], 'marker', 2)}  {_count(row['episodes'], 'episode')}  "
            f"patient {row['patient_rupture_score']:.2f}  therapist {row['therapist_contribution_score']:.2f}"
        )


def _count(n: int, word: str, width: int = 0) -> str:
    """``"1 episode "`` / ``"3 episodes"``: aligned in a column, and never "1 episodes"."""
    return f"{n:>{width}} {word}" + ("s" if n != 1 else " ")
