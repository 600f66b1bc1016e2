"""Fit the patient rupture score's calibration and measure it out of fold.

    python scripts/calibrate_rupture.py [--shared-data PATH] [--runs fast/session,full/session,...]

Reads (or computes, minutes each) the out-of-fold detections of every labelled session in each
mode and context (``raccord.learn.outoffold``), builds the session aggregates the score reads
(``raccord.detect.scores.aggregates``) against the coders' session truth, measures the calibrated
score by grouped cross-validation (``raccord.learn.calibrate``), fits it on everything and writes
``src/raccord/data/rupture-score.json`` and the figures to ``benchmarks/rupture_score.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from raccord.eval.provenance import git
from raccord.learn import calibrate as C
from raccord.learn import data as labelled
from raccord.learn import fit, outoffold

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "src" / "raccord" / "data" / "rupture-score.json"
FIGURES = ROOT / "benchmarks" / "rupture_score.json"
RUNS = ("fast/session", "fast/live", "full/session", "full/live")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="calibrate the patient rupture score")
    outoffold.add_arguments(ap)
    ap.add_argument("--runs", default=",".join(RUNS))
    ap.add_argument("--cached-only", action="store_true", help="skip runs not in the cache")
    args = ap.parse_args(argv)
    _, sessions, code = outoffold.from_arguments(args)
    table: list[C.Row] = []
    used = []
    for run in args.runs.split(","):
        mode, context = run.split("/")
        ready = {s.key: fit.prepared(s, mode, code=code) for s in sessions}
        if args.cached_only and not outoffold.path(sessions, mode, context, code, 1.0, 0).is_file():
            print(f"  {run}: not cached, left out", flush=True)
            continue
        found, _ = outoffold.detections(sessions, ready, mode, context, code=code)
        table.extend(C.rows(sessions, ready, found, run))
        used.append(run)
        print(f"  {run}: {len(sessions)} sessions", flush=True)
    prob = C.out_of_fold(table)
    clear_prob = C.out_of_fold(table, "clear")
    old = np.asarray([r.saturating for r in table])
    figures: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": git("rev-parse", "HEAD"),
        "meaning": C.MEANING,
        "runs": used,
        "design": f"out-of-fold detections (5-fold session-grouped CV of the detector), then a "
        f"{C.OUTER}-fold grouped CV of the calibration (features and C chosen by inner "
        f"{C.INNER}-fold CV); a session, its translation and its detections in every run share "
        "a fold",
        "calibrated": {"all": C.figures(table, prob), "severity": C.severity(table, prob)},
        "before_calibration": {"all": C.figures(table, old), "severity": C.severity(table, old)},
        "clear_rupture_model": {
            "meaning": "same, for a marker of salience 3 or more (not shipped; for comparison)",
            "all": C.figures(table, clear_prob, "clear"),
        },
    }
    parts: dict[str, list[int]] = {}
    for n, r in enumerate(table):
        for name in (r.run, f"{r.source}/{r.language}", f"{r.run} {r.source}"):
            parts.setdefault(name, []).append(n)
    for name, idx in sorted(parts.items()):
        sub = [table[n] for n in idx]
        figures["calibrated"][name] = C.figures(sub, prob[idx])
        figures["before_calibration"][name] = C.figures(sub, old[idx])
    calm = [n for n, r in enumerate(table) if r.source == "psychotherapy" and not r.rupture]
    figures["psychotherapy_sessions_without_rupture"] = {
        "n": len(calm),
        "calibrated_mean": round(float(prob[calm].mean()), 3) if calm else None,
        "calibrated_max": round(float(prob[calm].max()), 3) if calm else None,
        "before_mean": round(float(old[calm].mean()), 3) if calm else None,
        "before_max": round(float(old[calm].max()), 3) if calm else None,
    }
    model = C.choose(table)
    shipped = {
        "meaning": C.MEANING,
        "fitted_on": f"{len(table)} out-of-fold session detections ({', '.join(used)}) of "
        f"{len(sessions)} labelled sessions (data hash {labelled.data_hash(sessions)}, "
        f"detector code {code})",
        "out_of_fold": {
            "auc": figures["calibrated"]["all"]["auc"],
            "brier": figures["calibrated"]["all"]["brier"],
        },
        **model,
    }
    SHIPPED.write_text(json.dumps(shipped, indent=1) + "\n", encoding="utf-8")
    figures["shipped"] = shipped
    FIGURES.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    a, b = figures["calibrated"]["all"], figures["before_calibration"]["all"]
    print(
        f"calibrated: AUC {a['auc']}, Brier {a['brier']} (base rate {a['brier_of_the_base_rate']});"
        f" before: AUC {b['auc']}, Brier {b['brier']}"
    )
    for name in sorted(parts):
        x, y = figures["calibrated"][name], figures["before_calibration"][name]
        print(f"  {name:32} AUC {x['auc']} (before {y['auc']}), Brier {x['brier']} ({y['brier']})")
    print(
        f"  psychotherapy sessions without rupture: {figures['psychotherapy_sessions_without_rupture']}"
    )
    print(
        f"  severity: {figures['calibrated']['severity']} (before {figures['before_calibration']['severity']})"
    )
    print(f"  shipped: {model['features']} C={model['C']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
