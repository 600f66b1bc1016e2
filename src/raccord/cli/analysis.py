"""``raccord analyze``, ``raccord batch`` and ``raccord demo``: thin layers over ``raccord.pipeline``."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from raccord.errors import RaccordError
from raccord.model import SessionAnalysis, TherapistNote, Transcript
from raccord.taxonomy import AttachmentStyle, Resolution, Severity

SESSION_COLUMNS = (
    "transcript_id",
    "language",
    "turns",
    "patient_rupture_score",
    "therapist_contribution_score",
    "episodes",
    "markers",
    "macro_episodes",
    "unresolved_episodes",
    "source",
)
DEMO_SUFFIXES = (".txt", ".vtt", ".srt", ".json", ".eaf", ".csv")


def _load(
    path: str, fmt: str | None, language: str | None, therapist: str | None
) -> list[Transcript]:
    from raccord.io import load

    return load(path, fmt=fmt, language=language, therapist=therapist)


def _analyze(
    transcript: Transcript,
    mode: str,
    attachment: AttachmentStyle = AttachmentStyle.UNKNOWN,
    notes: Sequence[TherapistNote] = (),
    context: str = "session",
) -> SessionAnalysis:
    from raccord.pipeline import analyze

    return analyze(transcript, mode=mode, context=context, attachment=attachment, notes=notes)


def _render(analysis: SessionAnalysis, output_format: str) -> Any:
    from raccord import export

    if output_format == "annotation":
        return export.to_annotation(analysis)
    return export.to_json(analysis)


def transcript_name(transcript: Transcript) -> str:
    """The id a session is filed under: its own id, else its file's stem."""
    if transcript.metadata.transcript_id is not None:
        return str(transcript.metadata.transcript_id)
    source = transcript.metadata.source or "session"
    return Path(source).stem


def write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a crash never leaves half an output behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def session_row(analysis: SessionAnalysis) -> dict[str, Any]:
    det = analysis.detection
    return {
        "transcript_id": transcript_name(analysis.transcript),
        "language": analysis.transcript.language,
        "turns": len(analysis.transcript.turns),
        "patient_rupture_score": round(det.scores.patient_rupture, 4),
        "therapist_contribution_score": round(det.scores.therapist_contribution, 4),
        "episodes": len(det.episodes),
        "markers": len(det.markers),
        "macro_episodes": sum(e.severity is Severity.MACRO for e in det.episodes),
        "unresolved_episodes": sum(e.resolved is Resolution.NO for e in det.episodes),
        "source": analysis.transcript.metadata.source or "",
    }


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
        help="Speaker label of the therapist (else taken from labels or guessed, and reported).",
    ),
    click.option(
        "--input-format",
        "fmt",
        metavar="FMT",
        help="Force the input format (text, vtt, srt, whisper, csv, annomi, eaf).",
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
    therapist: str | None,
    fmt: str | None,
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
    """Analyse one session: markers, rupture episodes, formulation and repair options."""
    transcripts = _load(file, fmt, language, therapist)
    if transcript_id is not None:
        transcripts = [t for t in transcripts if transcript_name(t) == transcript_id]
        if not transcripts:
            raise RaccordError(f"no session with id {transcript_id!r}", path=file)
    notes: tuple[TherapistNote, ...] = ()
    if notes_path is not None:
        from raccord.understand.notes import read_notes

        notes = read_notes(notes_path)
    context = "live" if live else "session"
    analyses = [_analyze(t, mode, AttachmentStyle(attachment), notes, context) for t in transcripts]
    if output_format == "text":
        from raccord.render import print_report

        if output:
            with open(output, "w", encoding="utf-8") as handle:
                console = Console(file=handle, highlight=False, width=110, no_color=True)
                for a in analyses:
                    print_report(a, console, show_all=show_all, details=details)
        else:
            console = Console(highlight=False)
            for a in analyses:
                print_report(a, console, show_all=show_all, details=details)
        return
    payload: Any = [_render(a, output_format) for a in analyses]
    if len(payload) == 1:
        payload = payload[0]
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    if output:
        write_atomic(Path(output), text)
    else:
        click.echo(text, nl=False)


def _batch_job(transcript: Transcript, mode: str, output_format: str) -> tuple[dict[str, Any], Any]:
    analysis = _analyze(transcript, mode)
    return session_row(analysis), _render(analysis, output_format)


def _iter_inputs(
    inputs: Iterable[str],
    fmt: str | None,
    language: str | None,
    therapist: str | None,
    errors: list[str],
) -> Iterator[Transcript]:
    for path in inputs:
        try:
            yield from _load(path, fmt, language, therapist)
        except RaccordError as exc:
            errors.append(str(exc))


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the results.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["annotation", "json"]),
    default="annotation",
    show_default=True,
)
@click.option(
    "--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="all cores"
)
@common_options
def batch(
    inputs: tuple[str, ...],
    out_dir: str,
    output_format: str,
    jobs: int,
    language: str | None,
    therapist: str | None,
    fmt: str | None,
    mode: str,
) -> None:
    """Analyse many sessions: writes OUT/transcript_<id>.json and OUT/sessions.csv.

    A file that cannot be read is reported and skipped; the others are analysed. Each output file
    is written whole or not at all. Exit status 1 when any input failed.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    errors: list[str] = []
    transcripts = list(_iter_inputs(inputs, fmt, language, therapist, errors))
    names = [transcript_name(t) for t in transcripts]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RaccordError(
            f"several sessions share the id(s) {', '.join(sorted(duplicates))}; rename the files"
        )
    out = Path(out_dir)
    rows: list[dict[str, Any]] = []
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("analysing", total=len(transcripts))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {
                pool.submit(_batch_job, t, mode, output_format): n
                for t, n in zip(transcripts, names, strict=True)
            }
            for future in as_completed(futures):
                name = futures[future]
                try:
                    row, payload = future.result()
                except RaccordError as exc:
                    errors.append(f"{name}: {exc}")
                else:
                    write_atomic(
                        out / f"transcript_{name}.json",
                        json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                    )
                    rows.append(row)
                progress.advance(task)
    rows.sort(key=lambda r: (len(str(r["transcript_id"])), str(r["transcript_id"])))
    write_atomic(out / "sessions.csv", _csv_text(rows))
    click.echo(f"{len(rows)} session(s) analysed → {out}/sessions.csv")
    if errors:
        for message in errors:
            click.echo(f"raccord: error: {message}", err=True)
        raise click.exceptions.Exit(1)


def _csv_text(rows: list[dict[str, Any]]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SESSION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


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
    from raccord.render import print_report

    console = Console(highlight=False)
    summary: list[dict[str, Any]] = []
    for path in demo_files():
        for transcript in _load(str(path), None, None, None):
            analysis = _analyze(transcript, mode)
            print_report(analysis, console, show_all=show_all, details=details)
            console.print()
            summary.append(session_row(analysis))
    console.rule("demo")
    for row in summary:
        console.print(
            f"{row['transcript_id']:<24} {row['language']}  {row['turns']:>3} turns  "
            f"{row['markers']:>2} markers  {row['episodes']} episodes  "
            f"patient {row['patient_rupture_score']:.2f}  therapist {row['therapist_contribution_score']:.2f}"
        )
