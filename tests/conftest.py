"""Shared fixtures: where the public data lives, and small builders for vignettes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RACCORD_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = Path(__file__).parent / "fixtures"
DEMO = REPO / "src" / "raccord" / "demo"


@pytest.fixture
def shared_data() -> Path:
    """The public data folder (AnnoMI, our labels); tests that need it skip cleanly without it."""
    if not (SHARED_DATA / "annomi" / "AnnoMI-simple.csv").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
