"""How well the meta-communication checker agrees with labelled drafts.

Reads ``tests/fixtures/checker/{dev,heldout,review}.toml`` (drafts labelled twice, adjudicated ``gold``)
and writes ``benchmarks/checker_results.json``:

- ``verdict_accuracy``: share of drafts where the checker's pass/fail equals gold's
  (gold passes a draft when it has no label);
- ``rule_f1`` (micro over the eight rules), with precision, recall and per-rule F1: each
  (draft, rule) pair is a decision, a rule the checker misses on a draft is a positive;
- ``exact``: share of drafts whose set of missed rules equals gold's;
- ``rewrite_passes``: share of failing drafts whose proposed rewrite passes the checker;
- ``agreement``: the two labellings against each other (verdict kappa, rule-level kappa, exact).

``dev`` is the part the rules were written on; ``heldout`` was written at the same time and
not read while tuning, so its figures are the ones to trust. ``review`` holds the drafts of a
clinician's review of unseen sessions and drafts written for each error it found: the rules were
changed with them in view, so it is a regression set, reported apart and never pooled. Usage: ``python benchmarks/checker.py``.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from raccord.eval.provenance import git
from raccord.repair import check
from raccord.repair.checker import FAILING_RULES

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "checker"
OUT = Path(__file__).resolve().parent / "checker_results.json"
RULES = FAILING_RULES


def drafts(part: str) -> list[dict[str, Any]]:
    data = tomllib.loads((FIXTURES / f"{part}.toml").read_text(encoding="utf-8"))
    return list(data["draft"])


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def score(items: list[dict[str, Any]]) -> dict[str, Any]:
    verdict = exact = rewrites = failing = 0
    counts = {r: [0, 0, 0] for r in RULES}
    errors = []
    for d in items:
        result = check(d["text"], d["lang"])
        got = {r.rule for r in result.missed}
        gold = set(d["gold"])
        verdict += result.ok == (not gold)
        exact += got == gold
        if not result.ok:
            failing += 1
            rewrites += bool(result.rewrite) and check(result.rewrite, d["lang"]).ok
        for rule in RULES:
            c = counts[rule]
            c[0] += rule in got and rule in gold
            c[1] += rule in got and rule not in gold
            c[2] += rule not in got and rule in gold
        if got != gold:
            errors.append({"id": d["id"], "gold": sorted(gold), "checker": sorted(got)})
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = _f1(tp, fp, fn)
    per_rule = {rule: round(_f1(*c)[2], 3) for rule, c in counts.items() if c[0] + c[1] + c[2]}
    n = len(items)
    return {
        "drafts": n,
        "good_drafts": sum(not d["gold"] for d in items),
        "verdict_accuracy": round(verdict / n, 3),
        "rule_f1": round(f, 3),
        "rule_precision": round(p, 3),
        "rule_recall": round(r, 3),
        "exact": round(exact / n, 3),
        "rewrite_passes": round(rewrites / failing, 3) if failing else 1.0,
        "per_rule_f1": per_rule,
        "errors": errors,
    }


def agreement(items: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = [(not d["a"], not d["b"]) for d in items]
    rules = [(rule in d["a"], rule in d["b"]) for d in items for rule in RULES]
    return {
        "drafts": len(items),
        "verdict_agreement": round(sum(a == b for a, b in verdicts) / len(items), 3),
        "verdict_kappa": round(_kappa(verdicts), 3),
        "rule_kappa": round(_kappa(rules), 3),
        "exact": round(sum(set(d["a"]) == set(d["b"]) for d in items) / len(items), 3),
        "note": "both passes by the same author; b from a shuffled text-only listing",
    }


def main() -> None:
    parts = {part: drafts(part) for part in ("dev", "heldout", "review")}
    everything = parts["dev"] + parts["heldout"] + parts["review"]
    commit = git("rev-parse", "--short=10", "HEAD") or ""
    results: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "targets": {"verdict_accuracy": 0.90, "rule_f1": 0.85},
    }
    for part, items in parts.items():
        results[part] = score(items)
        for code in ("fr", "en"):
            results[f"{part}/{code}"] = score([d for d in items if d["lang"] == code])
    results["agreement"] = agreement(everything)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key in ("dev", "heldout", "review"):
        r = results[key]
        print(
            f"{key}: {r['drafts']} drafts, verdict accuracy {r['verdict_accuracy']:.2f}, "
            f"rule F1 {r['rule_f1']:.2f} (P {r['rule_precision']:.2f} R {r['rule_recall']:.2f}), "
            f"exact {r['exact']:.2f}, rewrites passing {r['rewrite_passes']:.2f}"
        )
    a = results["agreement"]
    print(
        f"labellings a vs b: verdict kappa {a['verdict_kappa']:.2f}, "
        f"rule kappa {a['rule_kappa']:.2f}, exact {a['exact']:.2f}"
    )


if __name__ == "__main__":
    main()
