"""Print the checker corpus shuffled, text only (no labels), for a blind second labelling pass.

Usage: python scripts/checker_blind_listing.py [SEED] > listing.txt
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
    for part in ("dev", "heldout"):
        data = tomllib.loads((FIXTURES / f"{part}.toml").read_text(encoding="utf-8"))
        drafts += [(d["id"], d["text"]) for d in data["draft"]]
    random.Random(seed).shuffle(drafts)
    for draft_id, text in drafts:
        print(f"{draft_id}\t{text}")


if __name__ == "__main__":
    main()
