"""Print the checker corpus shuffled, text only (no labels), for a blind second labelling pass.

Usage: python scripts/checker_blind_listing.py [SEED] [PART ...] > listing.txt
(parts: dev heldout by default; ``review`` for the drafts added after the clinician's review)
"""

from __future__ import annotations

import random
import sys
import tomllib
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "checker"


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    drafts = []
    parts = sys.argv[2:] or ["dev", "heldout"]
    for part in parts:
        data = tomllib.loads((FIXTURES / f"{part}.toml").read_text(encoding="utf-8"))
        drafts += [(d["id"], d["text"]) for d in data["draft"]]
    random.Random(seed).shuffle(drafts)
    for draft_id, text in drafts:
        print(f"{draft_id}\t{text}")


if __name__ == "__main__":
    main()
