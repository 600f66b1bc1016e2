"""All raccord benchmarks in one command: quality vs our labels, external labels, speed.

    python benchmarks/run.py [--shared-data PATH] [--only quality|external|speed]
                             [--modes fast,full] [--out benchmarks/results.json] [--sanity]

Prints a readable table and writes the figures (with date, git commit and machine) to ``--out``.
With ``--only`` the other parts already in ``--out`` are kept. A part whose data or stage is
missing is skipped with a message, never faked. ``--sanity`` scores the gold labels against
themselves (every figure must be 1): a check of the harness, not of a detector.
See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from raccord import __version__
from raccord.errors import RaccordError
from raccord.eval import corpus
from raccord.eval.harness import (
    feature_aucs,
    find_detector,
    quality_auc,
    run_all,
    sustain_agreement,
)
from raccord.eval.labels import read_labels
from raccord.eval.provenance import git
from raccord.export import to_annotation
from raccord.model import Detection, SessionAnalysis, Transcript, Turn
from raccord.taxonomy import Role

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("quality", "external", "speed")
SPEED_TURNS = 600

#: (figure path in the quality block, target, label)
QUALITY_TARGETS: tuple[tuple[tuple[str, ...], float, str], ...] = (
    (("client_marker", "f1"), 0.70, "client-marker F1"),
    (("kind_kappa_3class", "value"), 0.75, "kind kappa (none/withdrawal/confrontation)"),
    (("episodes", "f1"), 0.75, "episode F1"),
    (("contribution", "f1"), 0.75, "contribution F1"),
)
FR_TOLERANCE = 0.05


# --------------------------------------------------------------------------- helpers


def provenance() -> dict[str, Any]:
    """When, from which commit and on which machine a part was measured."""
    import numpy

    mem_kb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "raccord_version": __version__,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "memory_gb": round(mem_kb / 2**20, 1) if mem_kb else None,
            "python": platform.python_version(),
            "numpy": numpy.__version__,
        },
    }


def _get(d: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _target(
    name: str, value: float | None, target: float, *, at_most: bool = False
) -> dict[str, Any]:
    met = None if value is None else (value <= target if at_most else value >= target)
    return {
        "figure": name,
        "value": value,
        "target": target,
        "direction": "<=" if at_most else ">=",
        "met": met,
    }


# --------------------------------------------------------------------------- quality


def run_quality(data: Path, modes: Sequence[str], sanity: bool) -> dict[str, Any]:
    """Session-grouped cross-validation of the detector over every labelled session.

    Each fold's model is fitted on the other folds (both languages together) and the fold's
    sessions, in English and French, go through the whole pipeline with it (``raccord.learn``).
    ``full`` is also run past-only (``context="live"``) to show what live use costs."""
    from raccord.learn import crossval, fit
    from raccord.learn import data as labelled

    sessions = labelled.everything(data)
    if sanity:
        return {"skipped": "--sanity checks the harness on the dev labels (tests/test_eval.py)"}
    code = fit.code_hash()
    out: dict[str, Any] = {
        "design": f"{crossval.K}-fold cross-validation grouped by session (a session and its "
        "translation in the same fold); C and threshold chosen by inner 3-fold CV on the "
        "training folds; figures pooled over utterances, 95% CI by bootstrap over sessions",
        "sessions": dict(
            Counter(f"{s.source}/{s.language}" for s in sessions)
            + Counter(f"{s.source}-blind/{s.language}" for s in sessions if s.blind_round)
        ),
        "data_hash": labelled.data_hash(sessions),
    }
    runs = [(m, "session") for m in modes] + [(m, "live") for m in modes if m == "full"]
    for mode in dict.fromkeys(m for m, _ in runs):
        ready = {s.key: fit.prepared(s, mode, code=code) for s in sessions}
        for m, context in runs:
            if m != mode:
                continue
            start = time.perf_counter()
            by_rules: dict[str, Detection] = {}
            detections = crossval.run(sessions, ready, mode, context, rules=by_rules)
            block = crossval.report(sessions, detections)
            # the therapist heads against the rules on the same out-of-fold markers
            paired = crossval.report(sessions, by_rules)
            for where, figures in paired.items():
                if isinstance(figures, dict) and "contribution" in figures:
                    block[where]["therapist_rules_only"] = {
                        task: {k: figures[task][k] for k in ("precision", "recall", "f1")}
                        for task in ("contribution", "repair")
                    }
            block["seconds"] = round(time.perf_counter() - start, 1)
            out[f"{mode}/{context}"] = block
            print(f"  cross-validated {mode}/{context} in {block['seconds']} s", flush=True)
    targets = []
    for m, context in runs:
        if context != "session":
            continue
        run = out[f"{m}/{context}"]
        for path, goal, label in QUALITY_TARGETS:
            for language in ("en", "fr"):
                value = _get(run, [f"annomi/{language}", *path])
                targets.append(_target(f"{label} [annomi {language} {m}]", value, goal))
            diff = _diff(_get(run, ["annomi/fr", *path]), _get(run, ["annomi/en", *path]))
            targets.append(
                _target(
                    f"|fr - en| {label} [annomi {m}]",
                    None if diff is None else abs(diff),
                    FR_TOLERANCE,
                    at_most=True,
                )
            )
        for language in ("en", "fr"):
            psy = run.get(f"psychotherapy/{language}")
            if not psy:
                continue
            targets.append(
                _target(
                    f"recall [psychotherapy {language} {m}]",
                    _get(psy, ["client_marker", "recall"]),
                    0.70,
                )
            )
            targets.append(
                _target(
                    f"precision [psychotherapy {language} {m}]",
                    _get(psy, ["client_marker", "precision"]),
                    0.75,
                )
            )
            worst = max(psy["no_rupture_sessions"].values(), default=None)
            targets.append(
                _target(
                    f"most markers in a no-rupture session [psychotherapy {language} {m}]",
                    worst,
                    1,
                    at_most=True,
                )
            )
    out["targets"] = targets
    return out


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 4)


_QUALITY_ROWS = (
    ("client marker P", ("client_marker", "precision")),
    ("client marker R", ("client_marker", "recall")),
    ("client marker F1", ("client_marker", "f1")),
    ("kind kappa 3-class", ("kind_kappa_3class", "value")),
    ("kind kappa (both mark)", ("kind_kappa", "value")),
    ("subtype accuracy", ("subtype_accuracy", "value")),
    ("salience w-kappa", ("salience_weighted_kappa",)),
    ("contribution F1", ("contribution", "f1")),
    ("repair F1", ("repair", "f1")),
    ("episode F1", ("episodes", "f1")),
    ("episode severity agreement", ("episodes", "severity_accuracy")),
    ("episode resolution agreement", ("episodes", "resolved_accuracy")),
)


def print_quality(q: dict[str, Any]) -> None:
    print("\n== Quality: session-grouped cross-validation over the labelled sessions ==")
    if "skipped" in q:
        print(f"  skipped: {q['skipped']}")
        return
    print(f"  sessions: {q.get('sessions')}")
    for run, block in q.items():
        if "/" not in run or not isinstance(block, dict):
            continue
        parts = [p for p in block if "/" in p]
        print(f"  [{run}] {'figure':24}" + "".join(f"{p:>25}" for p in parts))
        for label, path in _QUALITY_ROWS:
            row = "".join(f"{_fmt(_get(block, [p, *path])):>25}" for p in parts)
            print(f"  {'':{len(run) + 3}}{label:24}{row}")
        for p in parts:
            ci = _get(block, [p, "client_marker", "f1_ci", "ci95"])
            if ci:
                print(f"  {'':{len(run) + 3}}{p} marker F1 95% CI: {_fmt(ci[0])}–{_fmt(ci[1])}")


# --------------------------------------------------------------------------- external


def run_external(data: Path, modes: Sequence[str], n_boot: int) -> dict[str, Any]:
    """AnnoMI's own labels: session quality (133 sessions) and client sustain talk."""
    quality = corpus.session_quality(data)
    features = corpus.session_features(data)
    out: dict[str, Any] = {
        "reference_features": feature_aucs(features, quality, n_boot=n_boot),
    }
    ref = out["reference_features"]
    out["reference"] = {
        "therapist_share_reflection": ref.get("therapist_share_reflection"),
        "best_feature": next(iter(ref), None),
        "note": "AUC of one human-coded AnnoMI feature for low vs high MI quality; "
        "'direction' says whether low-quality sessions have more or less of it",
    }
    detect = find_detector()
    if detect is None:
        out["skipped"] = "raccord.detect.detect is not available yet (reference figures only)"
        return out
    transcripts = corpus.load_transcripts(data / corpus.ANNOMI, "en")
    talk = corpus.client_talk_types(data)
    labelled = set(read_labels(data / corpus.LABELS))
    from raccord.learn.data import heldout_ids

    heldout = heldout_ids(data)
    out["caveats"] = [
        "The 26 held-out sessions of heldout-ids.txt are left out: 107 sessions. The marker "
        "scorer was fitted on our rupture labels of these same 107 sessions and the therapist-"
        "move classifier on AnnoMI's therapist codes of them, so these figures are in-sample: "
        "read them as an upper bound.",
    ]
    ids = sorted(int(t) for t in transcripts if int(t) not in heldout)
    sessions = [(tid, transcripts[tid]) for tid in ids]
    for mode in modes:
        start = time.perf_counter()
        detections = run_all(sessions, detect, mode)
        seconds = time.perf_counter() - start
        preds = {
            tid: to_annotation(SessionAnalysis(transcripts[tid], detections[tid])) for tid in ids
        }
        dev_ids = [tid for tid in ids if tid in labelled]
        out[mode] = {
            "quality_auc": quality_auc(detections, quality, n_boot=n_boot),
            "sustain": sustain_agreement(
                preds, {t: transcripts[t] for t in ids}, talk, n_boot=n_boot
            ),
            "sustain_dev25": sustain_agreement(
                {t: preds[t] for t in dev_ids},
                {t: transcripts[t] for t in dev_ids},
                talk,
                n_boot=n_boot,
            ),
            "seconds": round(seconds, 2),
        }
    out["targets"] = [
        _target(
            f"therapist-contribution AUC, low vs high MI quality [{mode}]",
            _get(out, [mode, "quality_auc", "value"]),
            0.95,
        )
        for mode in modes
    ]
    return out


def print_external(e: dict[str, Any]) -> None:
    print("\n== External labels (AnnoMI, 107 sessions outside the held-out ids) ==")
    ref = e.get("reference_features", {})
    for name in ("therapist_share_reflection", "therapist_share_input"):
        fig = ref.get(name)
        if fig:
            print(
                f"  reference AUC {name:30} {_fmt(fig['value'])} "
                f"[{_fmt(fig['ci95'][0])}–{_fmt(fig['ci95'][1])}] ({fig['direction']} in low)"
            )
    if "skipped" in e:
        print(f"  skipped: {e['skipped']}")
    for caveat in e.get("caveats", []):
        print(f"  caveat: {caveat}")
    for mode in ("fast", "full"):
        block = e.get(mode)
        if not block:
            continue
        auc = block["quality_auc"]
        print(
            f"  [{mode}] therapist-contribution AUC (low MI quality) {_fmt(auc['value'])} "
            f"[{_fmt(auc['ci95'][0])}–{_fmt(auc['ci95'][1])}]  n={auc['n_sessions']}"
        )
        for key, where in (("sustain", "107 sessions"), ("sustain_dev25", "25 dev sessions")):
            sus = block.get(key)
            if sus:
                print(
                    f"  [{mode}] client markers vs 'sustain' talk ({where}): "
                    f"P {_fmt(sus['precision'])} R {_fmt(sus['recall'])} F1 {_fmt(sus['f1'])} "
                    f"[{_fmt(sus['f1_ci']['ci95'][0])}–{_fmt(sus['f1_ci']['ci95'][1])}]"
                )


# --------------------------------------------------------------------------- speed


def speed_sessions(folder: Path, data: Path | None, count: int) -> tuple[list[Path], str]:
    """``count`` sessions of 600 turns each, every one of distinct text, as plain ``T:``/``P:``
    files (one line per turn, text as read), so that the parse floor is the plain-text reader on
    the very same file and no per-text cache of an earlier call can help.

    They are AnnoMI sessions (the held-out ids left out), concatenated until 600 turns. Without
    the shared data, the demo sessions are cycled into a single file and the figures say the text
    repeats.
    """
    from raccord.io import load  # type: ignore[attr-defined,unused-ignore]
    from raccord.learn.data import heldout_ids

    sessions: list[Transcript] = []
    if data is not None and (data / corpus.ANNOMI).exists():
        heldout = heldout_ids(data)
        for name, language in (
            (corpus.ANNOMI, "en"),
            (corpus.FRENCH, "fr"),
            ("annomi-fr-silver.csv", "fr"),
        ):
            if (data / name).exists():
                sessions.extend(
                    t
                    for tid, t in corpus.load_transcripts(data / name, language).items()
                    if int(tid) not in heldout
                )
        origin = (
            "files of distinct AnnoMI sessions, English then their French rendering "
            "(held-out ids left out)"
        )
    if not sessions:
        demo = resources.files("raccord.demo")
        for p in sorted(demo.iterdir()):
            if p.name.endswith((".txt", ".vtt", ".srt")) and not p.name.startswith("_"):
                sessions.extend(load(str(p)))
        origin = "demo sessions cycled into one file (repeated text: per-text caches help)"
        count = 1
    if not sessions:
        raise RaccordError("no session to build the 600-turn benchmark from")
    paths: list[Path] = []
    sessions.sort(key=lambda t: t.language != "en")  # English first, then French
    pool = iter(sessions * (1 if count > 1 else SPEED_TURNS))
    for n in range(count):
        lines: list[str] = []
        offset = 0.0
        while len(lines) < SPEED_TURNS:
            transcript = next(pool, None)
            if transcript is None:
                break
            last = offset
            for turn in transcript.turns:
                if turn.role is Role.OTHER or len(lines) >= SPEED_TURNS:
                    continue
                lines.append(_render(turn, offset))
                last = max(last, offset + (turn.end or turn.start or 0.0))
            offset = last + 5.0
        if len(lines) < SPEED_TURNS:  # the distinct text ran out: the files made so far
            break
        path = folder / f"speed-{n:02d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    if count > 1 and len(paths) < 3:
        raise RaccordError("not enough distinct text for three 600-turn speed sessions")
    return paths, f"{len(paths)} {origin}"


def _render(turn: Turn, offset: float) -> str:
    """One turn as a plain-text line, with its clock time and non-verbal notes as written."""
    label = "T" if turn.role is Role.THERAPIST else "P"
    notes = "".join(f"[{a.raw}] " for a in turn.annotations)
    stamp = ""
    if turn.start is not None:
        seconds = int(offset + turn.start)
        stamp = f"[{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}] "
    return f"{stamp}{label}: {notes}{' '.join(turn.text.split())}"


def _worker(paths: Sequence[Path], mode: str, repeat: int, one_core: bool) -> dict[str, Any]:
    env = dict(os.environ)
    for var in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    ):
        env[var] = "1"
    cmd = [
        sys.executable,
        str(ROOT / "benchmarks" / "speed_worker.py"),
        *(arg for p in paths for arg in ("--file", str(p))),
        "--mode",
        mode,
        "--repeat",
        str(repeat),
    ]
    if one_core:
        cmd.append("--one-core")
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise RaccordError(f"speed worker failed for mode {mode}: {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _speed_figures(raw: dict[str, Any]) -> dict[str, Any]:
    """Worker output scaled to 600 turns. Headline times are CPU time of the (single-threaded)
    process, robust to other people's load on a shared machine; wall-clock is kept beside."""
    per = SPEED_TURNS / raw["n_turns"]

    def ms(block: str, clock: str) -> float | None:
        value = raw[block][clock]
        return None if value is None else round(value * per * 1000, 2)

    def ratio(block: str, clock: str) -> float | None:
        value, floor = raw[block][clock], raw["parse_median_s"][clock]
        return None if value is None or not floor else round(value / floor, 2)

    return {
        "n_turns": raw["n_turns"],
        "language": raw["language"],
        "parse_ms_per_600": ms("parse_median_s", "cpu"),
        "detect_ms_per_600": ms("detect_median_s", "cpu"),
        "analyze_ms_per_600": ms("analyze_median_s", "cpu"),
        "detect_over_parse": ratio("detect_median_s", "cpu"),
        "analyze_over_parse": ratio("analyze_median_s", "cpu"),
        "wall": {
            "parse_ms_per_600": ms("parse_median_s", "wall"),
            "detect_ms_per_600": ms("detect_median_s", "wall"),
            "analyze_ms_per_600": ms("analyze_median_s", "wall"),
            "detect_over_parse": ratio("detect_median_s", "wall"),
        },
        "detect_cold_ms": round(raw["detect_cold_s"] * 1000, 1),
        "cold_maxrss_mb": round(raw["cold_maxrss_mb"], 1),
        "unseen_text": raw["unseen_text"],
        "import_ms": round(raw["import_s"] * 1000, 1),
        "tracemalloc_peak_mb": round(raw["tracemalloc_peak_mb"], 1),
        "maxrss_mb": round(raw["maxrss_mb"], 1),
        "threads": raw["threads_env"],
        "cpus": raw["cpus"],
        "median_of": raw["repeat"],
        "detect_cpu_ms_all": [round(t * per * 1000, 2) for t in raw["detect_s"]["cpu"]],
    }


def run_speed(
    data: Path | None, modes: Sequence[str], repeat: int, pin: bool = False
) -> dict[str, Any]:
    """Per-600-turn time of each tier against the parse-only floor of the same file."""
    if find_detector() is None:
        return {"skipped": "raccord.detect.detect is not available yet"}
    out: dict[str, Any] = {"repeat": repeat, "pinned_to_one_cpu": pin}
    targets = []
    with tempfile.TemporaryDirectory(prefix="raccord-bench-") as tmp:
        paths, origin = speed_sessions(Path(tmp), data, 2 * repeat + 1)
        out["session"] = origin
        if len(paths) > 1:  # each timed call on a file of its own (detect, then analyze)
            repeat = max(1, min(repeat, (len(paths) - 1) // 2))
            out["repeat"] = repeat
        for mode in modes:
            raw = _worker(paths, mode, repeat, one_core=pin)
            fig = _speed_figures(raw)
            out[mode] = fig
            if mode == "fast":
                targets.append(
                    _target(
                        "fast: detect / parse floor (CPU, unseen text)",
                        fig["detect_over_parse"],
                        5.0,
                        at_most=True,
                    )
                )
            else:
                targets.append(
                    _target(
                        "full: detect CPU s per 600 turns (unseen text)",
                        fig["detect_ms_per_600"] / 1000,
                        3.0,
                        at_most=True,
                    )
                )
            targets.append(
                _target(f"{mode}: peak memory MB (max RSS)", fig["maxrss_mb"], 500.0, at_most=True)
            )
    out["targets"] = targets
    return out


def print_speed(s: dict[str, Any]) -> None:
    print("\n== Speed (600-turn session, 1 thread, CPU ms, median of repeats) ==")
    if "skipped" in s:
        print(f"  skipped: {s['skipped']}")
        return
    print(f"  sessions: {s['session']}")
    print(
        "  detect/analyze: median over sessions the process had not seen; cold: the first call"
        " (models loaded), with the memory it leaves"
    )
    print(
        f"  {'tier':6}{'parse ms':>10}{'detect ms':>11}{'x parse':>9}{'analyze ms':>12}"
        f"{'cold ms':>10}{'cold MB':>9}{'peak MB':>9}{'maxrss MB':>11}{'wall ms':>10}"
    )
    for mode in ("fast", "full"):
        f = s.get(mode)
        if f:
            print(
                f"  {mode:6}{_fmt(f['parse_ms_per_600'], 1):>10}{_fmt(f['detect_ms_per_600'], 1):>11}"
                f"{_fmt(f['detect_over_parse'], 1):>9}{_fmt(f['analyze_ms_per_600'], 1):>12}"
                f"{_fmt(f['detect_cold_ms'], 0):>10}{_fmt(f.get('cold_maxrss_mb'), 0):>9}"
                f"{_fmt(f['tracemalloc_peak_mb'], 1):>9}"
                f"{_fmt(f['maxrss_mb'], 0):>11}{_fmt(_get(f, ['wall', 'detect_ms_per_600']), 1):>10}"
            )


# --------------------------------------------------------------------------- main


def print_targets(results: dict[str, Any]) -> None:
    rows = [t for part in PARTS for t in _get(results, [part, "targets"]) or []]
    if not rows:
        return
    print("\n== Targets ==")
    for t in rows:
        mark = "n/a" if t["met"] is None else ("met" if t["met"] else "MISSED")
        print(
            f"  {mark:7}{t['figure']:58} {_fmt(t['value'])} (target {t['direction']} {t['target']})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared-data",
        help="folder of the shared data (default: "
        "$RACCORD_SHARED_DATA, else ../shared/data next to the checkout)",
    )
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only this part (repeatable)"
    )
    parser.add_argument("--modes", default="fast,full", help="detection tiers (default fast,full)")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--repeat", type=int, default=7, help="speed repeats (median taken)")
    parser.add_argument(
        "--pin", action="store_true", help="speed: also bind each tier to one CPU (affinity)"
    )
    parser.add_argument("--boot", type=int, default=2000, help="bootstrap resamples")
    parser.add_argument(
        "--sanity",
        action="store_true",
        help="score the gold labels against themselves (harness check)",
    )
    args = parser.parse_args(argv)

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    parts = args.only or list(PARTS)
    if args.sanity:
        parts = ["quality"]
    try:
        data = corpus.shared_data_dir(args.shared_data)
    except RaccordError as exc:
        print(f"run.py: error: {exc}", file=sys.stderr)
        return 2
    out_path = Path(args.out)
    previous: dict[str, Any] = {}
    if out_path.exists() and not args.sanity:
        previous = json.loads(out_path.read_text(encoding="utf-8"))
    results: dict[str, Any] = dict(previous) if args.only else {}
    results["generated"] = provenance()

    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "quality": lambda: run_quality(data, modes, args.sanity) if data else {},
        "external": lambda: run_external(data, modes, args.boot) if data else {},
        "speed": lambda: run_speed(data, modes, args.repeat, args.pin),
    }
    printers = {"quality": print_quality, "external": print_external, "speed": print_speed}
    for part in parts:
        if part in ("quality", "external") and data is None:
            block: dict[str, Any] = {
                "skipped": "shared data not found (../shared/data, "
                "$RACCORD_SHARED_DATA or --shared-data)"
            }
        else:
            start = time.perf_counter()
            try:
                block = runners[part]()
            except RaccordError as exc:
                block = {"skipped": f"failed: {exc}"}
            block["measured"] = {**provenance(), "seconds": round(time.perf_counter() - start, 1)}
        printers[part](block)
        kept = previous.get(part)
        if "skipped" in block and isinstance(kept, dict) and "skipped" not in kept:
            # a machine without the data or a stage must not erase figures measured elsewhere
            print(
                f"  (kept the {part} figures already in {out_path.name}, "
                f"measured {_get(kept, ['measured', 'date'])})"
            )
            block = kept
        results[part] = block
    print_targets(results)
    if not args.sanity:
        out_path.write_text(
            json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"\nwrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
