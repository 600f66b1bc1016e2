"""Fit the learned marker scorer on every labelled session and write the shipped weights.

    .venv/bin/python scripts/train_markers.py [--shared-data PATH] [--modes fast,full]
                                              [--contexts session,live]

Reads the 107 labelled AnnoMI sessions (dev and silver) in English and in their French rendering,
and the project's psychotherapy set (``corpus/psychotherapy``), never a held-out id; fits the four
heads of ``raccord.detect.learned.TurnModel`` for each mode and context (``raccord.learn.fit``:
regularisation and threshold by inner session-grouped CV), and writes
``src/raccord/data/markers-<mode>-<context>.npz``. Each file records the hash of the detector's
code and packs and of the training data, so ``tests/test_weights.py`` fails when they are stale.
Then fits the therapist heads (``raccord.detect.therapist``: contribution and repair of each
therapist turn) on markers found out of fold by refits of that model (``raccord.learn.therapist``)
and writes ``src/raccord/data/therapist-<mode>-<context>.npz``. ``--therapist-only`` keeps the
shipped marker models and refits the therapist heads alone.
Deterministic: the same data and code give the same weights. Needs the ``train`` extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from raccord.detect import learned, therapist
from raccord.eval.corpus import shared_data_dir
from raccord.learn import data, fit
from raccord.learn import therapist as learn_therapist

OUT = Path(__file__).resolve().parents[1] / "src" / "raccord" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared-data")
    parser.add_argument("--modes", default="fast,full")
    parser.add_argument("--contexts", default="session,live")
    parser.add_argument("--therapist-only", action="store_true")
    args = parser.parse_args()
    folder = shared_data_dir(args.shared_data)
    if folder is None:
        sys.exit("shared data folder not found (use --shared-data or RACCORD_SHARED_DATA)")
    sessions = data.everything(folder)
    code = fit.code_hash()
    digest = data.data_hash(sessions)
    print(f"{len(sessions)} labelled sessions (data {digest}, code {code})", flush=True)
    for mode in args.modes.split(","):
        ready = {s.key: fit.prepared(s, mode, code=code) for s in sessions}
        for context in args.contexts.split(","):
            design = {s.key: fit.rows(s, ready[s.key], mode, context) for s in sessions}
            meta = {"code_hash": code, "data_hash": digest}
            path = OUT / learned.file_name(mode, context)
            if args.therapist_only:
                with path.open("rb") as handle:
                    model = learned.load_file(handle)
            else:
                model = fit.fit(list(design.values()), mode, context, meta=meta, log=print)
                learned.save(model, path)
                print(
                    f"{mode}/{context}: C={model.meta['C']}, threshold {model.threshold:.2f}, "
                    f"inner-CV F1 {model.meta['inner_cv_f1']:.3f} -> {path.name}",
                    flush=True,
                )
            chunks = learn_therapist.out_of_fold(sessions, design, ready, model, k=5)
            heads = learn_therapist.fit_heads(chunks, mode, context, log=print)
            heads.meta.update(meta)
            path = OUT / therapist.file_name(mode, context)
            therapist.save(heads, path)
            print(f"{mode}/{context}: therapist heads -> {path.name}", flush=True)


if __name__ == "__main__":
    main()
