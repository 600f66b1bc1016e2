"""Many sessions at once: the library twin of ``raccord batch``.

``run(inputs, out)`` reads every input (files, or folders of transcripts), analyses each session
on ``jobs`` worker processes and writes ``OUT/transcript_<id>.json`` for each, ``OUT/sessions.csv``
(one row per analysed session, ``SESSION_COLUMNS``) and, when any session could not be read or
analysed, ``OUT/skipped.csv`` (``SKIPPED_COLUMNS``: id, source, reason). A corpus never fails
whole: one bad transcript is reported and the others are analysed. Every output file is written
whole or not at all, and the output folder is checked before any analysis starts.

Each worker runs one math thread (``OMP_NUM_THREADS`` and the like are set before the workers
start, and limited again in each worker when ``threadpoolctl`` is installed): several processes
each running a multi-threaded math library on the same cores are slower than one. The first
session of each language is analysed in the main process before the workers are forked, so the
language packs and the sentence encoder are loaded once and shared, not loaded again by each
worker (on systems without ``fork`` the workers are spawned and load them themselves).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raccord.errors import RaccordError
from raccord.io import Unreadable, load_each
from raccord.io.roles import Names
from raccord.io.sniff import EXTENSIONS
from raccord.model import SessionAnalysis, Transcript
from raccord.taxonomy import Resolution, Severity

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
SKIPPED_COLUMNS = ("transcript_id", "source", "reason")
OUTPUT_FORMATS = ("annotation", "json")
#: Math libraries read these when they load: one thread each in a worker process.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch run did: the rows of ``sessions.csv`` and each session it skipped."""

    out: Path
    rows: tuple[dict[str, Any], ...]
    skipped: tuple[Unreadable, ...]

    @property
    def exit_status(self) -> int:
        """0: every session analysed; 1: some skipped, the others analysed; 2: none analysed."""
        if not self.skipped:
            return 0
        return 1 if self.rows else 2


def transcript_name(transcript: Transcript) -> str:
    """The id a session is filed under: its own id, else its file's stem."""
    if transcript.metadata.transcript_id is not None:
        return str(transcript.metadata.transcript_id)
    source = transcript.metadata.source or "session"
    return Path(source).stem


def session_row(analysis: SessionAnalysis) -> dict[str, Any]:
    """One row of ``sessions.csv`` (``SESSION_COLUMNS``)."""
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


def render(analysis: SessionAnalysis, output_format: str) -> Any:
    """The JSON value written for one session: the whole analysis, or the ANNOTATION.md object."""
    from raccord import export

    if output_format == "annotation":
        return export.to_annotation(analysis)
    return export.to_json(analysis)


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


def check_output_dir(path: str | Path) -> Path:
    """The output folder, created if needed and proved writable, before any analysis starts."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise RaccordError("exists and is not a folder", path=str(out), expected="a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".raccord-probe-")
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise RaccordError(
            f"cannot write in this folder: {exc.strerror}",
            path=str(out),
            expected="a writable folder",
        ) from None
    return out


def check_output_file(path: str | Path) -> Path:
    """An output file's place, checked before the analysis: its folder exists and is writable."""
    target = Path(path)
    if target.is_dir():
        raise RaccordError("is a folder", path=str(target), expected="a file name")
    folder = target.parent
    if not folder.is_dir():
        raise RaccordError(
            "the folder does not exist", path=str(target), expected="an existing folder"
        )
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".raccord-probe-")
        os.close(fd)
        Path(probe).unlink()
    except OSError as exc:
        raise RaccordError(f"cannot write here: {exc.strerror}", path=str(target)) from None
    if target.exists() and not os.access(target, os.W_OK):
        raise RaccordError("cannot write here: the file is read-only", path=str(target))
    return target


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the transcripts in it (by extension, sorted)."""
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in EXTENSIONS and not p.name.startswith(".")
            )
            if not found:
                raise RaccordError(
                    "no transcript in this folder",
                    path=str(path),
                    expected="files ending in " + ", ".join(sorted(EXTENSIONS)),
                )
            files.extend(found)
        else:
            files.append(path)
    return files


def one_math_thread() -> None:
    """Set the math libraries to one thread each (unless the user chose), before workers start."""
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")


def _one_thread_in_worker() -> None:
    """Worker initializer: one math thread, even if the library was loaded before the fork."""
    one_math_thread()
    try:
        from threadpoolctl import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
            threadpool_limits,
        )
    except ImportError:  # optional: the environment variables already did it for fresh imports
        return
    threadpool_limits(1)


def _job(transcript: Transcript, mode: str, output_format: str) -> tuple[dict[str, Any], Any]:
    from raccord.pipeline import analyze

    analysis = analyze(transcript, mode=mode)
    return session_row(analysis), render(analysis, output_format)


def _csv(columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _order(name: str) -> tuple[int, str]:
    return len(name), name


def run(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    mode: str = "full",
    output_format: str = "annotation",
    jobs: int = 1,
    fmt: str | None = None,
    language: str | None = None,
    therapist: Names = None,
    patient: Names = None,
    max_bytes: int | None = None,
    on_skip: Callable[[Unreadable], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Analyse every session of ``inputs`` into ``out`` (see the module docstring).

    ``on_skip`` is told of each skipped session as it happens, ``on_progress(done, total)`` of
    each finished one.
    """
    if output_format not in OUTPUT_FORMATS:
        raise RaccordError(
            f"unknown output format {output_format!r}", expected=" or ".join(OUTPUT_FORMATS)
        )
    folder = check_output_dir(out)
    if jobs > 1:
        one_math_thread()
    skipped: list[Unreadable] = []

    def skip(item: Unreadable) -> None:
        skipped.append(item)
        if on_skip is not None:
            on_skip(item)

    transcripts: list[Transcript] = []
    for path in expand_inputs(inputs):
        read, failed = load_each(
            path,
            fmt=fmt,
            language=language,
            therapist=therapist,
            patient=patient,
            max_bytes=max_bytes,
        )
        transcripts.extend(read)
        for item in failed:
            skip(item)
    names = [transcript_name(t) for t in transcripts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RaccordError(
            f"several sessions share the id(s) {', '.join(duplicates)}; rename the files"
        )
    rows: list[dict[str, Any]] = []

    def finish(transcript: Transcript, name: str, result: tuple[dict[str, Any], Any]) -> None:
        row, payload = result
        write_atomic(
            folder / f"transcript_{name}.json",
            json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
        )
        rows.append(row)

    def fail(transcript: Transcript, exc: RaccordError) -> None:
        source = transcript.metadata.source or ""
        skip(Unreadable(source, transcript.metadata.transcript_id, exc.reason))

    total = len(transcripts)
    done = 0
    pairs = list(zip(transcripts, names, strict=True))
    forking = "fork" in multiprocessing.get_all_start_methods()
    if jobs == 1 or total <= 1:
        here, there = pairs, []
    elif forking:  # warm up here: the first session of each language, then fork the workers
        first = {t.language: i for i, (t, _) in reversed(list(enumerate(pairs)))}
        here = [pairs[i] for i in sorted(first.values())]
        there = [p for i, p in enumerate(pairs) if i not in set(first.values())]
    else:
        here, there = [], pairs
    for transcript, name in here:
        try:
            finish(transcript, name, _job(transcript, mode, output_format))
        except RaccordError as exc:
            fail(transcript, exc)
        done += 1
        if on_progress is not None:
            on_progress(done, total)
    if there:
        context = multiprocessing.get_context("fork" if forking else "spawn")
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(there)),
            mp_context=context,
            initializer=_one_thread_in_worker,
        ) as pool:
            futures = {pool.submit(_job, t, mode, output_format): (t, n) for t, n in there}
            for future in as_completed(futures):
                transcript, name = futures[future]
                try:
                    finish(transcript, name, future.result())
                except RaccordError as exc:
                    fail(transcript, exc)
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
    rows.sort(key=lambda r: _order(str(r["transcript_id"])))
    write_atomic(folder / "sessions.csv", _csv(SESSION_COLUMNS, rows))
    report = folder / "skipped.csv"
    if skipped:
        ordered = sorted(skipped, key=lambda s: (s.source, _order(s.name)))
        write_atomic(
            report,
            _csv(
                SKIPPED_COLUMNS,
                (
                    {"transcript_id": s.name, "source": s.source, "reason": s.reason}
                    for s in ordered
                ),
            ),
        )
        skipped = ordered
    else:
        report.unlink(missing_ok=True)
    return BatchResult(folder, tuple(rows), tuple(skipped))
