"""Time one detection tier on one file, in a fresh process, and print the figures as JSON.

Run by ``benchmarks/run.py`` in a subprocess so that each tier starts cold (its imports and model
loading are its own), peak memory belongs to that tier alone, and thread counts can be pinned
through the environment before numpy starts. Not meant to be run by hand, but it can be:

    python benchmarks/speed_worker.py --file a.txt --file b.txt … --mode fast --repeat 7

The first file is analysed once, cold (imports done, models not yet loaded): the start-up cost.
Each timed repeat then reads and analyses *another* file, so no per-text cache of an earlier call
can help: the figures are those of a session the process has not seen. With a single file every
repeat reuses it (and says so).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def _clock(fn: Callable[[], Any], into: dict[str, list[float]]) -> None:
    """Time one call, after a garbage collection: wall-clock and CPU seconds of this process.

    On a shared machine the wall clock also counts other people's work; with one compute thread
    the CPU time is the process's own cost, so both are kept.
    """
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    into["wall"].append(time.perf_counter() - wall)
    into["cpu"].append(time.process_time() - cpu)


def _peak_rss_kb() -> int:
    """This program's peak resident memory in KiB.

    Linux's ``ru_maxrss`` survives ``exec`` and so includes the parent's memory at fork time (a
    worker started by a benchmark that had loaded the sentence encoder would report it);
    ``VmHWM`` belongs to this program's own address space, so it is preferred when available.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _medians(times: dict[str, list[float]]) -> dict[str, float | None]:
    return {k: statistics.median(v) if v else None for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", action="append", required=True)
    parser.add_argument("--mode", choices=["fast", "full"], required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--one-core", action="store_true")
    args = parser.parse_args()

    if args.one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    start = time.perf_counter()
    from raccord.detect import detect  # type: ignore[attr-defined,unused-ignore]
    from raccord.io import load  # type: ignore[attr-defined,unused-ignore]

    import_s = time.perf_counter() - start
    analyze: Callable[..., Any] | None
    try:
        from raccord.pipeline import analyze
    except ImportError:
        analyze = None

    files = list(args.file)
    transcript = load(files[0])[0]
    start = time.perf_counter()
    detect(transcript, mode=args.mode)
    cold_s = time.perf_counter() - start
    cold_rss_kb = _peak_rss_kb()
    # A slow tier gets fewer repeats (at least 3): the median of 3 is enough to read 20 s.
    repeat = args.repeat if cold_s < 2.0 else min(args.repeat, 3)
    unseen = files[1:] or files[:1]

    # Parse and analysis are timed in alternation, so that load from other processes on a
    # shared machine falls on both sides of the ratio alike. Detection and analysis each get a
    # file they have not seen (analysis the next one in the list).
    parse: dict[str, list[float]] = {"wall": [], "cpu": []}
    detection: dict[str, list[float]] = {"wall": [], "cpu": []}
    analysis: dict[str, list[float]] = {"wall": [], "cpu": []}
    for k in range(repeat):
        path = unseen[(2 * k) % len(unseen)]
        other = load(unseen[(2 * k + 1) % len(unseen)])[0]
        _clock(lambda p=path: load(p), parse)  # type: ignore[misc]
        transcript = load(path)[0]
        _clock(lambda t=transcript: detect(t, mode=args.mode), detection)  # type: ignore[misc]
        if analyze is not None:
            _clock(lambda t=other: analyze(t, mode=args.mode), analysis)  # type: ignore[misc]

    # Peak resident memory of the whole run so far (imports, models, all repeats), read before
    # tracemalloc, whose own bookkeeping would inflate it.
    maxrss_kb = _peak_rss_kb()

    # Peak Python-side allocation of one detection (numpy buffers included); traced
    # separately because tracing slows everything down.
    gc.collect()
    tracemalloc.start()
    detect(transcript, mode=args.mode)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    out = {
        "mode": args.mode,
        "n_turns": len(transcript.turns),
        "language": transcript.language,
        "threads_env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
        "cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "import_s": import_s,
        "detect_cold_s": cold_s,
        "cold_maxrss_mb": cold_rss_kb / 1024,
        "distinct_files": len(set(unseen)),
        "unseen_text": len(files) > 1 and len(set(unseen)) >= 2 * repeat,
        "repeat": repeat,
        "parse_s": parse,
        "detect_s": detection,
        "analyze_s": analysis,
        "parse_median_s": _medians(parse),
        "detect_median_s": _medians(detection),
        "analyze_median_s": _medians(analysis),
        "tracemalloc_peak_mb": peak / 2**20,
        "maxrss_mb": maxrss_kb / 1024,
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
