"""Repair-stage coverage on the labelled dev sessions (English AnnoMI and its French rendering).

    python benchmarks/repair_coverage.py [--shared-data PATH] [--out benchmarks/repair_results.json]
                                         [--attachment unknown] [--no-predicted]

Two questions, each answered with the **gold** detection (markers, therapist moves and episodes
built from ``annomi-rupture-dev.jsonl``: the repair stage measured on its own, whatever the
detector does) and, when the detect stage is installed, with the **predicted** detection:

1. *coverage*: does every episode get at least one direct and one indirect suggestion that passes
   the meta-communication checker?
2. *agreement with the therapists*: among the gold episodes the labels say were repaired (a
   therapist utterance inside the episode carries a repair label), in what fraction did the
   therapist use a strategy the system also suggests for that episode? With predicted detection,
   the suggestions of the predicted episodes overlapping the gold one are pooled.

Writes the figures (with per-strategy counts) to ``--out`` and prints a short table. Figures are
counts and fractions over episodes; with 25 sessions they are indicative, not precise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from raccord.eval import corpus
from raccord.eval.labels import Annotation
from raccord.model import (
    Detection,
    Episode,
    Marker,
    SessionScores,
    Suggestion,
    TherapistMove,
    Transcript,
)
from raccord.repair import check, suggest
from raccord.taxonomy import (
    AttachmentStyle,
    EpisodeKind,
    RepairApproach,
    RepairStrategy,
    Role,
    TherapistMoveType,
)
from raccord.understand import formulate

ROOT = Path(__file__).resolve().parents[1]
MoveTyper = Callable[[str, str], TherapistMoveType]


def _move_typer() -> MoveTyper:
    """The detect stage's move classifier when installed (it gives the move type behind a label)."""
    try:
        from raccord.detect.moves import move_type
    except ImportError:
        return lambda text, lang: TherapistMoveType.OTHER

    def typed(text: str, lang: str) -> TherapistMoveType:
        return move_type(text, lang)[0]

    return typed


def gold_detection(transcript: Transcript, labels: Annotation, typer: MoveTyper) -> Detection:
    """A ``Detection`` from the reference labels: the repair stage's input as a coder saw it."""
    index = {turn.uid: turn.index for turn in transcript.turns}
    markers = tuple(
        Marker(index[uid], label.marker, label.subtype, label.salience, 1.0)
        for uid, label in sorted(labels.client.items())
        if label.present and label.subtype is not None and uid in index
    )
    moves = tuple(
        TherapistMove(
            turn.index,
            typer(turn.text, transcript.language),
            labels.therapist_label(turn.uid).contribution,
            labels.therapist_label(turn.uid).repair,
            1.0,
        )
        for turn in transcript.turns
        if turn.role is Role.THERAPIST
    )
    episodes = []
    for ep in labels.episodes:
        start, end = index[ep.start], index[ep.end]
        inside = tuple(m.turn for m in markers if start <= m.turn <= end)
        trigger = next(
            (i for i in range(start - 1, -1, -1) if transcript.turns[i].role is Role.THERAPIST),
            None,
        )
        repairs = tuple(
            m.turn for m in moves if start <= m.turn <= end and m.repair is not RepairStrategy.NONE
        )
        episodes.append(
            Episode(
                start, end, EpisodeKind(ep.kind), ep.severity, ep.resolved, inside, trigger, repairs
            )
        )
    return Detection(markers, moves, tuple(episodes), SessionScores(0.0, 0.0))


def _used_strategies(
    transcript: Transcript, labels: Annotation, start: int, end: int
) -> set[RepairStrategy]:
    uids = {transcript.turns[i].uid for i in range(start, end + 1)}
    return {
        label.repair
        for uid, label in labels.therapist.items()
        if uid in uids and label.repair is not RepairStrategy.NONE
    }


def _passes(s: Suggestion, lang: str) -> bool:
    return check(s.text, lang, approach=s.approach).ok


def measure(
    dev: corpus.DevSet,
    make_detection: Callable[[Transcript, Annotation], Detection],
    attachment: AttachmentStyle,
) -> dict[str, Any]:
    episodes = covered = suggestions_n = failing = 0
    repaired = matched = 0
    used_counts: Counter[str] = Counter()
    matched_counts: Counter[str] = Counter()
    suggested_counts: Counter[str] = Counter()
    uncovered: list[str] = []
    for tid, transcript in sorted(dev.transcripts.items(), key=lambda p: str(p[0])):
        labels = dev.labels[tid]
        detection = make_detection(transcript, labels)
        formulation = formulate(transcript, detection)
        out = suggest(transcript, detection, formulation, attachment=attachment)
        suggestions_n += len(out)
        ok_by_episode: dict[int, set[RepairApproach]] = {}
        strategies_by_episode: dict[int, set[RepairStrategy]] = {}
        for s in out:
            suggested_counts[s.strategy.value] += 1
            passed = _passes(s, dev.language if dev.language != "mixed" else transcript.language)
            failing += not passed
            if passed and s.episode is not None:
                ok_by_episode.setdefault(s.episode, set()).add(s.approach)
            if s.episode is not None:
                strategies_by_episode.setdefault(s.episode, set()).add(s.strategy)
        for k, _ep in enumerate(detection.episodes):
            episodes += 1
            if ok_by_episode.get(k, set()) >= {RepairApproach.DIRECT, RepairApproach.INDIRECT}:
                covered += 1
            else:
                uncovered.append(f"{tid}#{k}")
        index = {turn.uid: turn.index for turn in transcript.turns}
        for gold in labels.episodes:
            start, end = index[gold.start], index[gold.end]
            used = _used_strategies(transcript, labels, start, end)
            if not used:
                continue
            repaired += 1
            offered: set[RepairStrategy] = set()
            for k, ep in enumerate(detection.episodes):
                if ep.start <= end and start <= ep.end:
                    offered |= strategies_by_episode.get(k, set())
            for strategy in used:
                used_counts[strategy.value] += 1
                if strategy in offered:
                    matched_counts[strategy.value] += 1
            matched += bool(used & offered)
    return {
        "sessions": len(dev.transcripts),
        "episodes": episodes,
        "episodes_with_direct_and_indirect_passing": covered,
        "coverage": covered / episodes if episodes else None,
        "uncovered": uncovered,
        "suggestions": suggestions_n,
        "suggestions_failing_checker": failing,
        "repaired_gold_episodes": repaired,
        "repaired_with_a_suggested_strategy": matched,
        "agreement": matched / repaired if repaired else None,
        "used_strategies": dict(sorted(used_counts.items())),
        "used_and_suggested": dict(sorted(matched_counts.items())),
        "suggested_strategies": dict(sorted(suggested_counts.items())),
    }


def _predicted(
    detect: Callable[[Transcript], Detection],
) -> Callable[[Transcript, Annotation], Detection]:
    def make(transcript: Transcript, _labels: Annotation) -> Detection:
        return detect(transcript)

    return make


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared-data", default=None)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "repair_results.json"))
    parser.add_argument(
        "--attachment", default="unknown", choices=[a.value for a in AttachmentStyle]
    )
    parser.add_argument("--no-predicted", action="store_true", help="skip the predicted detection")
    args = parser.parse_args(argv)

    data = corpus.shared_data_dir(args.shared_data)
    if data is None:
        print("repair_coverage: shared data not found; skipped", file=sys.stderr)
        return 0
    attachment = AttachmentStyle(args.attachment)
    typer = _move_typer()
    detect: Callable[[Transcript], Detection] | None = None
    if not args.no_predicted:
        try:
            from raccord.detect import detect as detect_fn

            detect = detect_fn
        except ImportError:
            print(
                "repair_coverage: detect stage not installed; predicted part skipped",
                file=sys.stderr,
            )

    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "attachment": attachment.value,
        "gold": {},
        "predicted": {},
    }
    for language in ("en", "fr"):
        dev = corpus.load_dev(data, language)
        results["gold"][language] = measure(
            dev, lambda t, labels: gold_detection(t, labels, typer), attachment
        )
        if detect is not None:
            results["predicted"][language] = measure(dev, _predicted(detect), attachment)

    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(
        f"{'detection':10} {'lang':4} {'episodes':>8} {'coverage':>9} {'failing':>8} {'repaired':>8} {'agreement':>9}"
    )
    for source in ("gold", "predicted"):
        for language, fig in results[source].items():
            cov = "n/a" if fig["coverage"] is None else f"{fig['coverage']:.3f}"
            agr = "n/a" if fig["agreement"] is None else f"{fig['agreement']:.3f}"
            print(
                f"{source:10} {language:4} {fig['episodes']:>8} {cov:>9} "
                f"{fig['suggestions_failing_checker']:>8} {fig['repaired_gold_episodes']:>8} {agr:>9}"
            )
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
