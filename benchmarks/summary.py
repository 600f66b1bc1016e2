"""The headline figures of ``results.json`` as a Markdown block, to paste into the README.

    python benchmarks/summary.py [benchmarks/results.json]

Only figures actually measured are shown; a skipped part says so. Nothing is recomputed here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _f(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ci(block: Any) -> str:
    ci = _get(block, "ci95")
    if not ci or ci[0] is None:
        return ""
    return f" [{_f(ci[0])}–{_f(ci[1])}]"


def quality(q: dict[str, Any]) -> list[str]:
    if "skipped" in q or not q:
        return [f"*Quality: skipped ({q.get('skipped', 'not run')}).*"]
    runs = [r for r in ("fast/session", "full/session", "full/live") if r in q]
    parts = ("annomi/en", "annomi/fr", "psychotherapy/en", "psychotherapy/fr")
    n = q.get("sessions", {})
    lines = [
        "| figure (out of fold) | target | "
        + " | ".join(
            f"{r} {p.replace('annomi', 'AnnoMI').replace('psychotherapy', 'psy')}"
            for r in runs
            for p in parts
            if p in q[r]
        )
        + " |",
        "|---|---|" + "---|" * sum(1 for r in runs for p in parts if p in q[r]),
    ]
    rows = [
        ("client-marker F1", ("client_marker", "f1"), "≥ 0.70"),
        ("client-marker precision", ("client_marker", "precision"), ""),
        ("client-marker recall", ("client_marker", "recall"), ""),
        (
            "kind kappa (none / withdrawal / confrontation)",
            ("kind_kappa_3class", "value"),
            "≥ 0.75",
        ),
        ("kind kappa (withdrawal vs confrontation, both mark)", ("kind_kappa", "value"), ""),
        ("subtype accuracy (both mark)", ("subtype_accuracy", "value"), ""),
        ("contribution F1", ("contribution", "f1"), "≥ 0.75"),
        (
            "contribution F1, the rules alone (same markers)",
            ("therapist_rules_only", "contribution", "f1"),
            "",
        ),
        ("repair F1", ("repair", "f1"), ""),
        ("repair F1, the rules alone (same markers)", ("therapist_rules_only", "repair", "f1"), ""),
        ("episode overlap F1", ("episodes", "f1"), "≥ 0.75"),
        ("episode severity agreement (matched episodes)", ("episodes", "severity_accuracy"), ""),
        ("episode resolution agreement (matched episodes)", ("episodes", "resolved_accuracy"), ""),
    ]
    for label, path, target in rows:
        cells = [_f(_get(q, r, p, *path)) for r in runs for p in parts if p in q[r]]
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")

    def calm(run: str, part: str) -> str:
        counts = list((_get(q, run, part, "no_rupture_sessions") or {}).values())
        return f"{sum(counts) / len(counts):.1f} (max {max(counts)})" if counts else "–"

    lines.append(
        "| markers in a session coded without rupture: mean (max) | max ≤ 1 (psy) | "
        + " | ".join(calm(r, p) for r in runs for p in parts if p in q[r])
        + " |"
    )
    for r in runs:
        for p in parts:
            ci = _get(q, r, p, "client_marker", "f1_ci")
            if ci:
                lines.append(
                    f"- [{r}] {p} ({n.get(p, '?')} sessions): client-marker F1 "
                    f"{_f(_get(q, r, p, 'client_marker', 'f1'))}{_ci(ci)}"
                )
    lines.extend(spoken(q, runs, calm))
    lines.extend(blind_rounds(q, runs, calm))
    return lines


def blind_rounds(q: dict[str, Any], runs: Sequence[str], calm: Any) -> list[str]:
    """The psychotherapy sessions of the blind rounds (written independently, each scored
    blind once, then read), apart: the least like the sessions the packs were tuned on."""
    n = q.get("sessions", {})
    lines = []
    for r in runs:
        cells = []
        for language in ("en", "fr"):
            part = f"psychotherapy-blind/{language}"
            m = _get(q, r, part, "client_marker")
            if not m:
                continue
            cells.append(
                f"{language.upper()} P {_f(m.get('precision'))} R {_f(m.get('recall'))} "
                f"F1 {_f(m.get('f1'))}{_ci(m.get('f1_ci'))}, markers per session without rupture "
                f"{calm(r, part)}"
            )
        if cells:
            count = sum(v for k, v in n.items() if k.startswith("psychotherapy-blind/"))
            lines.append(
                f"- [{r}] of which the {count or '?'} sessions of the blind rounds (batches k–q, "
                "each written independently; out of fold, but the packs were mended after reading "
                "them): " + "; ".join(cells) + "."
            )
    return lines


def spoken(q: dict[str, Any], runs: Sequence[str], calm: Any) -> list[str]:
    """The psychotherapy set as unpunctuated speech-to-text renders it, beside the set as
    written: what a transcript without punctuation costs, out of fold."""
    lines = []
    for r in runs:
        cells = []
        for language in ("en", "fr"):
            written, plain = f"psychotherapy/{language}", f"psychotherapy-spoken/{language}"
            if plain not in q[r]:
                continue

            def prf(part: str, r: str = r) -> str:
                m = _get(q, r, part, "client_marker") or {}
                return "P {} R {} F1 {}".format(
                    *(_f(m.get(k)) for k in ("precision", "recall", "f1"))
                )

            cells.append(
                f"{language.upper()} {prf(plain)} (as written {prf(written)}), markers per "
                f"session without rupture {calm(r, plain)} (as written {calm(r, written)})"
            )
        if cells:
            lines.append(
                f"- [{r}] psychotherapy set as unpunctuated speech-to-text (lower case, no "
                f"punctuation, no annotations, French without accents): " + "; ".join(cells) + "."
            )
    return lines


def external(e: dict[str, Any]) -> list[str]:
    lines = []
    ref = _get(e, "reference_features", "therapist_share_reflection")
    if ref:
        lines.append(
            f"- Reference: the human-coded share of therapist reflections alone separates low from "
            f"high MI quality with AUC {_f(ref['value'])}{_ci(ref)} (AnnoMI sessions)."
        )
    for mode in ("fast", "full"):
        auc = _get(e, mode, "quality_auc")
        sus = _get(e, mode, "sustain")
        if auc:
            lines.append(
                f"- [{mode}] therapist-contribution score, low vs high MI quality: AUC "
                f"{_f(auc['value'])}{_ci(auc)} (target ≥ 0.95)."
            )
        if sus:
            lines.append(
                f"- [{mode}] client markers vs AnnoMI sustain talk (a different construct): "
                f"P {_f(sus['precision'])}, R {_f(sus['recall'])}, F1 {_f(sus['f1'])}"
                f"{_ci(sus['f1_ci'])}."
            )
    if e.get("caveats"):
        lines.append(f"- *{e['caveats'][0]}*")
    if "skipped" in e:
        lines.append(f"- *{e['skipped']}*")
    return lines


def speed(s: dict[str, Any]) -> list[str]:
    if "skipped" in s or not s:
        return [f"*Speed: skipped ({s.get('skipped', 'not run')}).*"]
    lines = [
        "| tier | CPU ms per 600 turns | × parse floor | full pipeline ms | peak RSS MB "
        "| cold start ms (MB after it) | target |",
        "|---|---|---|---|---|---|---|",
    ]
    targets = {"fast": "≤ 5× parse, ≤ 500 MB", "full": "≤ 3 s, ≤ 500 MB"}
    for mode in ("fast", "full"):
        f = s.get(mode)
        if f:
            lines.append(
                f"| {mode} | {_f(f['detect_ms_per_600'], 0)} | {_f(f['detect_over_parse'], 1)} | "
                f"{_f(f['analyze_ms_per_600'], 0)} | {_f(f['maxrss_mb'], 0)} | "
                f"{_f(f.get('detect_cold_ms'), 0)} ({_f(f.get('cold_maxrss_mb'), 0)}) | "
                f"{targets[mode]} |"
            )
    unseen = all(s.get(m, {}).get("unseen_text") for m in ("fast", "full") if m in s)
    lines.append(
        f"- *{s.get('session', '')}; each timed call on a session the process had not seen.*"
        if unseen
        else f"- *{s.get('session', '')}: the text repeats, so per-text caches help.*"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else ROOT / "benchmarks" / "results.json"
    if not path.exists():
        print(f"{path} not found: run benchmarks/run.py first", file=sys.stderr)
        return 2
    results = json.loads(path.read_text(encoding="utf-8"))
    meta = results.get("generated", {})
    out = [
        f"<!-- benchmarks/summary.py from {path.name}: {meta.get('date')} "
        f"commit {str(meta.get('git_commit'))[:10]} -->",
        *quality(results.get("quality", {})),
        "",
        *external(results.get("external", {})),
        "",
        *speed(results.get("speed", {})),
    ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
