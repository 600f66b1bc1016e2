"""Where the detector and our labels disagree, utterance by utterance — tune sessions only.

    python benchmarks/quality_report.py [--mode full|fast] [--lang en|fr] [--session ID ...]
                                        [--kind marker|contribution|repair|all] [--shared-data PATH]

For detector authors while tuning: per-session figures, then each false positive (FP), false
negative (FN) and confused family / subtype / label with a short excerpt of the utterance. Only the
17 tune sessions can be shown: the 8 check sessions stay unread so that their figures remain an
honest estimate (``src/raccord/eval/splits.py``).
"""

from __future__ import annotations

import argparse
import sys

from raccord.errors import RaccordError
from raccord.eval import compare, disagreements, roles_of
from raccord.eval.compare import as_annotation
from raccord.eval.corpus import load_dev, shared_data_dir
from raccord.eval.harness import detector_predictor, find_detector
from raccord.eval.labels import EpisodeLabel
from raccord.eval.splits import CHECK, TUNE


def _spans(episodes: tuple[EpisodeLabel, ...]) -> str:
    return ", ".join(f"{e.start}-{e.end} {e.kind.value}" for e in episodes) or "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", default="full", choices=["fast", "full"])
    parser.add_argument("--lang", default="en", choices=["en", "fr"])
    parser.add_argument("--session", type=int, action="append", help="tune session id(s)")
    parser.add_argument(
        "--kind", default="all", choices=["marker", "contribution", "repair", "all"]
    )
    parser.add_argument("--shared-data")
    args = parser.parse_args(argv)

    held_out = sorted(set(args.session or ()) & set(CHECK))
    if held_out:
        print(f"sessions {held_out} are in the held-out check split; not shown.", file=sys.stderr)
        return 2
    try:
        data = shared_data_dir(args.shared_data)
    except RaccordError as exc:
        print(f"quality_report.py: error: {exc}", file=sys.stderr)
        return 2
    if data is None:
        print("shared data not found: nothing to report.", file=sys.stderr)
        return 0
    detect = find_detector()
    if detect is None:
        print("raccord.detect.detect is not available yet.", file=sys.stderr)
        return 0
    dev = load_dev(data, args.lang)
    predict = detector_predictor(detect, args.mode)
    for tid in args.session or list(TUNE):
        if tid not in dev.labels:
            print(f"session {tid} is not a labelled dev session", file=sys.stderr)
            continue
        transcript = dev.transcripts[tid]
        pred = predict(transcript)
        gold = dev.labels[tid]
        f = compare(pred, gold, roles=roles_of(transcript))
        cm, ep = f["client_marker"], f["episodes"]
        print(
            f"\n## session {tid} ({args.lang}, {args.mode}): markers tp {cm['tp']} fp {cm['fp']} "
            f"fn {cm['fn']} F1 {cm['f1']} | contribution F1 {f['contribution']['f1']} | "
            f"repair F1 {f['repair']['f1']} | episodes {ep['matched_pred']}/{ep['n_pred']} pred, "
            f"{ep['matched_gold']}/{ep['n_gold']} gold"
        )
        for row in disagreements(pred, gold, transcript):
            if args.kind != "all" and not row["issue"].startswith(
                args.kind if args.kind != "marker" else ("marker", "kind", "subtype")
            ):
                continue
            print(
                f"  {row['utterance_id']:>4} {row['role']:9} {row['issue']:17} "
                f"gold {row['gold']:38} pred {row['pred']:38} | {row['text']}"
            )
        print(f"  episodes gold: {_spans(gold.episodes)}")
        print(f"  episodes pred: {_spans(as_annotation(pred).episodes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
