"""How the cost of one analysis grows with the session's length (fast and full mode).

A long session is made from the project's own psychotherapy transcripts (``corpus/psychotherapy``,
French and English, cycled in order and re-timed at 7 s a turn; past the corpus's length each turn
gets another turn's first sentence appended, so that no text repeats and no cache flatters), written as a plain-text
transcript and analysed through the whole path a user takes (``raccord.io.load`` then
``raccord.pipeline.analyze``), each size in a fresh process. The growth exponent is the slope of
log(CPU seconds) against log(turns) between consecutive sizes; 1.0 is linear. The cost of a
50-turn session (loading packs and models, paid once per process) is measured too, and the
exponents of the cost above it are given beside (they show the growth itself).

    python benchmarks/growth.py [--sizes 2000,4000,8000] [--modes fast] [--lang fr]
                                [--profile 8000] [--out benchmarks/growth.json]

``--profile N`` prints the functions where the time of an N-turn fast analysis goes (cProfile,
cumulative and own time) instead of measuring growth. ``--batch N`` measures ``raccord batch``
instead: N sessions of 600 turns (``--batch-turns``) analysed with one worker and with two (wall seconds, each run in
a fresh process), per mode. Results go under ``growth`` (and ``batch_speed``) in the output file,
other parts kept.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "psychotherapy"
LABELS = {"fr": ("Thérapeute", "Patient"), "en": ("Therapist", "Client")}


def session_text(turns: int, lang: str, offset: int = 0) -> str:
    """A plain-text session of ``turns`` turns, from the corpus sessions of ``lang``, re-timed
    (``offset``: the corpus turn it starts from, so that several sessions differ)."""
    rows: list[tuple[str, str]] = []
    for path in sorted(CORPUS.glob(f"{lang}-*.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append((row["interlocutor"], " ".join(row["utterance_text"].split())))
    therapist, patient = LABELS[lang]
    lines = []
    for i in range(turns):
        who, text = rows[(i + offset) % len(rows)]
        cycle = (i + offset) // len(rows)
        if cycle:  # past the corpus: join another turn's first sentence, so no text repeats
            other = rows[(i + offset + cycle * 131) % len(rows)][1]
            text = f"{text} {other.split('. ')[0].rstrip('.')}."
        label = therapist if who == "therapist" else patient
        if lines and lines[-1].split("] ", 1)[1].startswith(label + " :"):
            label = patient if label == therapist else therapist  # alternate across joins
        seconds = i * 7
        stamp = f"[{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}]"
        lines.append(f"{stamp} {label} : {text}")
    return "\n".join(lines) + "\n"


def _measure(path: str, mode: str) -> dict[str, float]:
    """Run in a child: CPU and wall seconds of load + analyze, and peak memory."""
    from raccord import io
    from raccord.pipeline import analyze

    if mode == "full":  # the encoder's one-off loading is not a cost of the session's length
        from raccord.detect import semantic

        semantic.encode(["warm up"])
    cpu, wall = time.process_time(), time.perf_counter()
    (transcript,) = io.load(path)
    analyze(transcript, mode=mode)
    return {
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(path: str, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", path, "--modes", mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def _batch_child(folder: str, mode: str, jobs: int) -> dict[str, float]:
    """Run in a child: wall seconds of ``raccord.batch.run`` over ``folder``."""
    from raccord import batch

    wall = time.perf_counter()
    result = batch.run([folder], Path(folder) / "out", mode=mode, jobs=jobs)
    assert not result.skipped, result.skipped
    cpu = sum(
        resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": cpu,
        "sessions": float(len(result.rows)),
    }


def batch_speed(sessions: int, turns: int, modes: list[str], lang: str) -> dict[str, object]:
    """Wall seconds of ``batch`` with one worker and with two, and the speed-up, per mode."""
    out: dict[str, object] = {"sessions": sessions, "turns_each": turns}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(sessions):
            text = session_text(turns, lang, offset=k * 97)
            (Path(tmp) / f"session-{k:02d}.txt").write_text(text, encoding="utf-8")
        for mode in modes:
            walls: dict[int, float] = {}
            cpus: dict[int, float] = {}
            for jobs in (1, 2):
                run = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--batch-child",
                        tmp,
                        "--modes",
                        mode,
                        "--jobs",
                        str(jobs),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                measured = json.loads(run.stdout)
                walls[jobs], cpus[jobs] = float(measured["wall_s"]), float(measured["cpu_s"])
                print(mode, jobs, measured, flush=True)
            out[mode] = {
                "wall_s_1_worker": round(walls[1], 2),
                "wall_s_2_workers": round(walls[2], 2),
                "speed_up": round(walls[1] / walls[2], 2),
                "cpu_s_1_worker": round(cpus[1], 2),
                "cpu_s_2_workers": round(cpus[2], 2),
                "load_average_before": round(os.getloadavg()[0], 2),
            }
    return out


def exponents(points: list[tuple[int, float]]) -> list[float]:
    """Slopes of log(cost) over log(turns) between consecutive sizes."""
    return [
        round(math.log(c2 / c1) / math.log(n2 / n1), 2)
        for (n1, c1), (n2, c2) in itertools.pairwise(points)
    ]


def profile(turns: int, lang: str, mode: str) -> None:
    import cProfile
    import pstats

    from raccord import io
    from raccord.pipeline import analyze

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(session_text(turns, lang), encoding="utf-8")
        (transcript,) = io.load(path)
        profiler = cProfile.Profile()
        profiler.enable()
        analyze(transcript, mode=mode)
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,4000,8000")
    parser.add_argument("--modes", default="fast")
    parser.add_argument("--lang", default="fr", choices=sorted(LABELS))
    parser.add_argument("--profile", type=int)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "growth.json"))
    parser.add_argument("--child")
    parser.add_argument("--batch", type=int)
    parser.add_argument("--batch-child")
    parser.add_argument("--batch-turns", type=int, default=600)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child, args.modes)))
        return
    if args.batch_child:
        print(json.dumps(_batch_child(args.batch_child, args.modes, args.jobs)))
        return
    output = Path(args.out)
    if args.batch:
        speed = batch_speed(args.batch, args.batch_turns, args.modes.split(","), args.lang)
        data = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
        data["batch_speed"] = {**speed, "measured": datetime.now(UTC).isoformat(timespec="seconds")}
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(json.dumps(speed))
        return
    if args.profile:
        profile(args.profile, args.lang, args.modes.split(",")[0])
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes.split(","):
            rows = []
            small = Path(tmp) / "session-50.txt"
            small.write_text(session_text(50, args.lang), encoding="utf-8")
            baseline = _child(str(small), mode)["cpu_s"]  # packs, models: paid once per process
            for n in sizes:
                path = Path(tmp) / f"session-{n}.txt"
                path.write_text(session_text(n, args.lang), encoding="utf-8")
                row = {"turns": n, **_child(str(path), mode)}
                print(mode, row, flush=True)
                rows.append(row)
            points = [(int(r["turns"]), float(r["cpu_s"])) for r in rows]
            marginal = [(n, max(c - baseline, 1e-3)) for n, c in points]
            result[mode] = {
                "sizes": rows,
                "baseline_cpu_s_50_turns": round(baseline, 3),
                "exponents": exponents(points),
                "exponents_above_baseline": exponents(marginal),
            }
    data = json.loads(output.read_text(encoding="utf-8")) if output.exists() else {}
    data["growth"] = {
        **data.get("growth", {}),
        **result,
        "lang": args.lang,
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
