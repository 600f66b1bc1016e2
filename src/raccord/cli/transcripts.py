"""``raccord read`` and ``raccord convert``: look at a transcript as raccord understood it.

``read`` is the first thing to run on a new file: it shows who was taken as therapist and why,
the language, the non-verbal annotations found and anything the reader tolerated, before any
analysis is trusted. ``convert`` writes the normalised form (JSON, CSV, annotation skeleton).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from raccord import io as rio
from raccord import lang
from raccord.errors import RaccordError
from raccord.io import writers
from raccord.io.sniff import ALIASES, FORMATS
from raccord.io.timecode import format_clock
from raccord.model import Transcript
from raccord.taxonomy import Role

#: Above this many transcripts, ``read`` prints one line per transcript unless ``--full``.
COMPACT_ABOVE = 3
_EXTENSIONS = {"json": ".json", "csv": ".csv", "annotation": ".annotation.json"}


def _columns(pairs: Sequence[str]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise RaccordError(
                f"bad --column {pair!r}", expected="ROLE=HEADER, e.g. --column speaker=Locuteur"
            )
        mapping[key.strip().lower()] = value.strip()
    return mapping or None


def reader_options(func: click.decorators.FC) -> click.decorators.FC:
    """Options shared by ``read`` and ``convert``: how to read the input file."""
    options = [
        click.option(
            "--input-format",
            "-f",
            "fmt",
            type=click.Choice(sorted([*FORMATS, *ALIASES]), case_sensitive=False),
            help="Force the input format (default: from the content and the extension).",
        ),
        click.option(
            "--lang",
            "language",
            type=click.Choice(list(lang.available())),
            help="Force the language (default: detected on the whole transcript).",
        ),
        click.option(
            "--therapist",
            metavar="NAME",
            multiple=True,
            help="A therapist's speaker label, repeatable; the other speakers are then patients"
            " unless labelled as someone else (default: from labels, else guessed and said so).",
        ),
        click.option(
            "--patient",
            metavar="NAME",
            multiple=True,
            help="A patient's speaker label, repeatable (couple or family sessions).",
        ),
        click.option(
            "--column",
            "column",
            multiple=True,
            metavar="ROLE=HEADER",
            help="CSV column mapping, repeatable: speaker, text, start, end, id, transcript "
            "(e.g. --column speaker=Locuteur --column text=Verbatim).",
        ),
        click.option(
            "--max-size",
            type=click.FloatRange(min=0.001),
            default=rio.DEFAULT_MAX_BYTES / 1_048_576,
            show_default=True,
            metavar="MB",
            help="Refuse input files larger than this.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load(
    file: str,
    fmt: str | None,
    language: str | None,
    therapist: Sequence[str],
    patient: Sequence[str],
    column: Sequence[str],
    max_size: float,
    skipped: list[rio.Unreadable] | None = None,
) -> list[Transcript]:
    return rio.load(
        file,
        fmt=fmt,
        language=language,
        therapist=therapist,
        patient=patient,
        columns=_columns(column),
        max_bytes=int(max_size * 1_048_576),
        skipped=skipped,
    )


def _report_skipped(skipped: Sequence[rio.Unreadable]) -> None:
    """Sessions of a corpus file that could not be read: one stderr line each, exit status 1."""
    for item in skipped:
        click.echo(f"raccord: skipped: {item.describe()}", err=True)
    if skipped:
        raise click.exceptions.Exit(1)


# --------------------------------------------------------------------------- read


def _nonverbal(transcript: Transcript) -> tuple[Counter[str], float | None]:
    kinds: Counter[str] = Counter()
    longest: float | None = None
    for turn in transcript.turns:
        for note in turn.annotations:
            kinds[note.kind] += 1
            if note.kind == "silence" and note.seconds is not None:
                longest = max(longest or 0.0, note.seconds)
    return kinds, longest


def _nonverbal_text(transcript: Transcript) -> str:
    kinds, longest = _nonverbal(transcript)
    if not kinds:
        return "none"
    parts = [f"{kind} ×{count}" for kind, count in kinds.most_common()]
    if longest is not None:
        parts.append(f"longest silence {longest:g} s")
    return ", ".join(parts)


def _title(transcript: Transcript, position: int) -> str:
    meta = transcript.metadata
    name = f"transcript {meta.transcript_id}" if meta.transcript_id else f"transcript {position}"
    facts = []
    if meta.session_number is not None:
        facts.append(f"session {meta.session_number}")
    if meta.session_date:
        facts.append(meta.session_date)
    if meta.patient:
        facts.append(f"patient {meta.patient}")
    return name + (f" ({', '.join(facts)})" if facts else "")


def _count(n: int, word: str, width: int = 0) -> str:
    """``"1 turn "`` / ``"12 turns"``: aligned in a column, and never "1 turns"."""
    return f"{n:>{width}} {word}" + ("s" if n != 1 else " ")


def _details(transcript: Transcript, position: int) -> list[str]:
    words: Counter[str] = Counter()
    turns: Counter[str] = Counter()
    for turn in transcript.turns:
        turns[turn.speaker] += 1
        words[turn.speaker] += len(turn.text.split())
    duration = transcript.duration
    lines = [
        f"{_title(transcript, position)} — {transcript.metadata.format},"
        f" {_count(len(transcript.turns), 'turn').rstrip()}"
        + (f", {format_clock(duration)}" if duration is not None else ", no timestamps"),
        f"  language: {transcript.language} ({transcript.language_basis})",
        "  speakers:",
    ]
    width = max(len(a.speaker) for a in transcript.roles)
    for a in transcript.roles:
        lines.append(
            f"    {a.speaker:<{width}}  {a.role.value:<9}  {_count(turns[a.speaker], 'turn', 4)}"
            f" {_count(words[a.speaker], 'word', 6)}  [{a.method}] {a.basis}"
        )
    lines.append(f"  non-verbal: {_nonverbal_text(transcript)}")
    if transcript.metadata.extra:
        shown = ", ".join(f"{k}={v}" for k, v in list(transcript.metadata.extra.items())[:4])
        lines.append(f"  metadata: {shown[:160]}")
    lines.extend(f"  warning: {w}" for w in transcript.warnings)
    return lines


def _compact(transcripts: list[Transcript]) -> list[str]:
    lines = [f"{'id':>8}  lang  turns  ther/pat  duration  non-verbal"]
    total_turns = 0
    total_duration = 0.0
    languages: Counter[str] = Counter()
    warned = 0
    for position, t in enumerate(transcripts, start=1):
        roles = Counter(turn.role for turn in t.turns)
        duration = t.duration
        total_turns += len(t.turns)
        total_duration += duration or 0.0
        languages[t.language] += 1
        warned += bool(t.warnings)
        kinds, _ = _nonverbal(t)
        nonverbal = " ".join(f"{k}:{n}" for k, n in kinds.most_common(3)) or "-"
        flag = f"  ({len(t.warnings)} warning(s))" if t.warnings else ""
        lines.append(
            f"{t.metadata.transcript_id or position:>8}  {t.language:<4}  {len(t.turns):>5}"
            f"  {roles[Role.THERAPIST]:>4}/{roles[Role.PATIENT]:<4} {format_clock(duration) or '-':>8}"
            f"  {nonverbal}{flag}"
        )
    methods = Counter(a.method for t in transcripts for a in t.roles)
    lines.append(
        f"total: {len(transcripts)} transcripts, {total_turns} turns,"
        f" {format_clock(total_duration)} timed; languages "
        + ", ".join(f"{code} {n}" for code, n in languages.most_common())
        + "; roles by "
        + ", ".join(f"{m} {n}" for m, n in methods.most_common())
    )
    if warned:
        lines.append(f"{warned} transcript(s) with warnings; first ones:")
        shown = [
            f"  {t.metadata.transcript_id or i}: {w}"
            for i, t in enumerate(transcripts, start=1)
            for w in t.warnings
        ]
        lines.extend(shown[:5])
        if len(shown) > 5:
            lines.append(f"  … {len(shown) - 5} more (see --full)")
    return lines


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@reader_options
@click.option("--full", is_flag=True, help="Details for every transcript, even in a large corpus.")
def read(
    file: str,
    fmt: str | None,
    language: str | None,
    therapist: tuple[str, ...],
    patient: tuple[str, ...],
    column: tuple[str, ...],
    max_size: float,
    full: bool,
) -> None:
    """Show how raccord reads FILE: speakers and roles (and why), language, timing, non-verbal.

    Formats: plain text with speaker labels (T:/P:, Thérapeute :, Client:…), WebVTT (Zoom,
    Teams), SRT, Whisper/WhisperX JSON, CSV/TSV (AnnoMI read as is), ELAN .eaf. A file holding many
    transcripts (a corpus CSV) gets one line per transcript and totals, unless --full.
    """
    skipped: list[rio.Unreadable] = []
    transcripts = _load(file, fmt, language, therapist, patient, column, max_size, skipped)
    click.echo(f"{file}: {len(transcripts)} transcript(s)")
    if len(transcripts) > COMPACT_ABOVE and not full:
        for line in _compact(transcripts):
            click.echo(line)
        _report_skipped(skipped)
        return
    for position, transcript in enumerate(transcripts, start=1):
        for line in _details(transcript, position):
            click.echo(line)
        _warn_parties(transcript, file)
    _report_skipped(skipped)


def _warn_parties(transcript: Transcript, file: str) -> None:
    """``read`` and ``convert`` show such a session; ``analyze`` and ``batch`` refuse it."""
    present = {a.role for a in transcript.roles}
    missing = [r.value for r in (Role.THERAPIST, Role.PATIENT) if r not in present]
    if missing:
        click.echo(
            f"warning: {file}: no {' and no '.join(missing)} among the speakers; analyze and batch"
            " will refuse it unless --therapist/--patient say who is who",
            err=True,
        )


# --------------------------------------------------------------------------- convert


def _render(transcript: Transcript, to: str) -> str:
    if to == "csv":
        return writers.turns_csv(transcript)
    data = (
        writers.annotation_dict(transcript)
        if to == "annotation"
        else writers.transcript_to_dict(transcript)
    )
    return json.dumps(data, ensure_ascii=False, indent=None if to == "annotation" else 2) + "\n"


def _write(transcript: Transcript, to: str, path: Path) -> None:
    {"json": writers.write_json, "csv": writers.write_csv, "annotation": writers.write_annotation}[
        to
    ](transcript, path)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "--format",
    "to",
    type=click.Choice(["json", "csv", "annotation"]),
    required=True,
    help="json: the normalised transcript; csv: one row per turn (turn, speaker, role, start,"
    " end, text, annotations, id); annotation: an empty ANNOTATION.md object to fill in.",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    help="Where to write. One transcript: a file (or a directory for FILE's name); no -o prints"
    " it. Several transcripts (a corpus CSV): a directory, created if needed, with one file per"
    " transcript named STEM-ID.EXT; or, for json/annotation, a .jsonl file with one line each.",
)
@reader_options
def convert(
    file: str,
    to: str,
    output: str | None,
    fmt: str | None,
    language: str | None,
    therapist: tuple[str, ...],
    patient: tuple[str, ...],
    column: tuple[str, ...],
    max_size: float,
) -> None:
    """Write FILE's transcripts in raccord's normalised form (see --to and -o)."""
    skipped: list[rio.Unreadable] = []
    transcripts = _load(file, fmt, language, therapist, patient, column, max_size, skipped)
    for transcript in transcripts if len(transcripts) <= COMPACT_ABOVE else ():
        _warn_parties(transcript, file)
    _write_all(transcripts, file, to, output)
    _report_skipped(skipped)


def _write_all(transcripts: list[Transcript], file: str, to: str, output: str | None) -> None:
    """Write the normalised transcripts as ``convert`` says (see its -o help)."""
    stem = Path(file).name.split(".")[0] or "transcript"
    extension = _EXTENSIONS[to]
    if len(transcripts) == 1 and output is None:
        click.echo(_render(transcripts[0], to), nl=False)
        return
    if output is None:
        raise RaccordError(
            f"{len(transcripts)} transcripts in this file: say where to write them",
            path=file,
            expected="-o DIRECTORY (one file per transcript) or -o FILE.jsonl",
        )
    target = Path(output)
    if len(transcripts) == 1 and not target.is_dir():
        _write(transcripts[0], to, target)
        click.echo(f"wrote {target}", err=True)
        return
    if target.suffix == ".jsonl":
        if to == "csv":
            raise RaccordError("a .jsonl output holds json or annotation, not csv", path=output)
        lines = [
            json.dumps(
                writers.annotation_dict(t) if to == "annotation" else writers.transcript_to_dict(t),
                ensure_ascii=False,
            )
            for t in transcripts
        ]
        writers.write_text(target, "\n".join(lines) + "\n")
        click.echo(f"wrote {len(transcripts)} transcripts to {target}", err=True)
        return
    if target.exists() and not target.is_dir():
        raise RaccordError(
            "exists and is not a directory", path=output, expected="a directory for several files"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RaccordError(f"cannot create the directory: {exc.strerror}", path=output) from None
    for position, transcript in enumerate(transcripts, start=1):
        suffix = transcript.metadata.transcript_id or str(position)
        name = stem if len(transcripts) == 1 else f"{stem}-{suffix}"
        _write(transcript, to, target / f"{name}{extension}")
    click.echo(f"wrote {len(transcripts)} file(s) to {target}", err=True)
