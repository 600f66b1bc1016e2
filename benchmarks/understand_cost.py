"""How the cost of understanding and repair grows with the length of a session.

Formulation and repair suggestions used to grow as turns^1.5–1.65 (issue 8: the safer-ground
search re-read every earlier patient turn for each episode, and each therapist move was found by
scanning the session). This script builds longer and longer sessions by repeating the French
demo session (turn ids renumbered, times dropped), detects once (not timed), then times
``formulate`` and ``suggest`` (CPU time, best of three) and fits the growth exponent on a
log-log scale. It writes ``benchmarks/understand_cost.json``; the target is an exponent ≤ 1.1.

Usage: ``python benchmarks/understand_cost.py``.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from raccord.detect import detect
from raccord.io import load
from raccord.model import Transcript
from raccord.repair import suggest
from raccord.understand import formulate

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "understand_cost.json"
REPEATS = (8, 16, 32, 64, 128)


def _longer(base: Transcript, times: int) -> Transcript:
    turns = []
    for _ in range(times):
        for turn in base.turns:
            i = len(turns)
            turns.append(replace(turn, index=i, id=i + 1, start=None, end=None))
    return replace(base, turns=tuple(turns))


def _slope(xs: list[float], ys: list[float]) -> float:
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
        (a - mx) ** 2 for a in lx
    )


def main() -> None:
    (base,) = load(ROOT / "src" / "raccord" / "demo" / "seance-fr-lea.txt")
    rows = []
    for times in REPEATS:
        transcript = _longer(base, times)
        detection = detect(transcript, mode="fast")
        best_f = best_s = math.inf
        for _ in range(3):
            t0 = time.process_time()
            formulation = formulate(transcript, detection, mode="fast")
            t1 = time.process_time()
            suggest(transcript, detection, formulation)
            t2 = time.process_time()
            best_f, best_s = min(best_f, t1 - t0), min(best_s, t2 - t1)
        rows.append(
            {
                "turns": len(transcript.turns),
                "episodes": len(detection.episodes),
                "formulate_s": round(best_f, 4),
                "suggest_s": round(best_s, 4),
            }
        )
        print(rows[-1])
    xs = [float(r["turns"]) for r in rows]
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "session": "seance-fr-lea repeated",
        "rows": rows,
        "exponent_formulate": round(_slope(xs, [float(r["formulate_s"]) for r in rows]), 2),
        "exponent_suggest": round(_slope(xs, [float(r["suggest_s"]) for r in rows]), 2),
        "exponent_both": round(
            _slope(xs, [float(r["formulate_s"]) + float(r["suggest_s"]) for r in rows]), 2
        ),
        "target_exponent": 1.1,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"growth exponent: formulate {result['exponent_formulate']}, "
        f"suggest {result['exponent_suggest']}, both {result['exponent_both']} (target ≤ 1.1)"
    )


if __name__ == "__main__":
    main()
