"""Agreement between the two independent codings of the psychotherapy set, and of each with the
adjudicated labels; written to ``corpus/psychotherapy/agreement.json``.

    .venv/bin/python scripts/psy_agreement.py
"""

from __future__ import annotations

import json
from pathlib import Path

from raccord.eval.compare import Aligned, align_annotations, figures, roles_of
from raccord.eval.corpus import load_transcripts
from raccord.eval.labels import read_labels

FOLDER = Path(__file__).resolve().parents[1] / "corpus" / "psychotherapy"


def _pooled(stems: list[str], first: str, second: str) -> dict[str, object]:
    pooled: Aligned | None = None
    for stem in stems:
        transcripts = load_transcripts(FOLDER / f"{stem}.csv", stem.split("-")[0])
        a = read_labels(FOLDER / f"{stem}.{first}.jsonl")
        b = read_labels(FOLDER / f"{stem}.{second}.jsonl")
        for tid, transcript in transcripts.items():
            x = align_annotations(a[tid], b[tid], roles=roles_of(transcript))
            pooled = x if pooled is None else pooled + x
    assert pooled is not None
    fig = figures(pooled)
    return {
        "client_marker_f1": fig["client_marker"]["f1"],
        "client_marker_kappa": fig["client_marker"]["kappa"],
        "kind_kappa_3class": fig["kind_kappa_3class"]["value"],
        "subtype_accuracy": fig["subtype_accuracy"]["value"],
        "contribution_f1": fig["contribution"]["f1"],
        "repair_f1": fig["repair"]["f1"],
        "episode_f1": fig["episodes"]["f1"],
        "n_client_utterances": fig["n_client_utterances"],
    }


def main() -> None:
    stems = sorted(p.name[: -len(".csv")] for p in FOLDER.glob("*.csv"))
    out: dict[str, object] = {}
    for language in ("en", "fr"):
        mine = [s for s in stems if s.startswith(language)]
        pairs = {"coding_a_vs_coding_b": _pooled(mine, "coding-a", "coding-b")}
        if all((FOLDER / f"{s}.labels.jsonl").is_file() for s in mine):
            pairs["coding_a_vs_adjudicated"] = _pooled(mine, "coding-a", "labels")
            pairs["coding_b_vs_adjudicated"] = _pooled(mine, "coding-b", "labels")
        out[language] = pairs
    # each batch apart (written and coded at different times, by different helpers)
    out["by_batch_coding_a_vs_coding_b"] = {
        stem: {
            k: v
            for k, v in _pooled([stem], "coding-a", "coding-b").items()
            if k != "subtype_accuracy"
        }
        for stem in stems
    }
    path = FOLDER / "agreement.json"
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
