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


@pytest.fixture(params=["sqlite", "postgresql"])
def records_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh, empty records database (SQLite file, then PostgreSQL when reachable), with
    ``RACCORD_HOME`` (where the key lives) in the test's own folder."""
    from store_support import postgres_database, sqlite_url

    monkeypatch.setenv("RACCORD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RACCORD_KEY", raising=False)
    monkeypatch.delenv("RACCORD_DATABASE_URL", raising=False)
    monkeypatch.setenv("RACCORD_USER", "dr-martin")
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        yield from postgres_database()


_MISSES = Path(__file__).with_name("learned_misses.txt")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the vignettes the learned scorer is known to miss (``learned_misses.txt``) as
    strict expected failures; every other vignette is a plain test."""
    known = {
        line.strip()
        for line in _MISSES.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    reason = (
        "issue 12: the learned scorer (cross-validated on 294 sessions) misses or over-flags this "
        "article vignette; listed in tests/learned_misses.txt, see notes/STATUS.md"
    )
    for item in items:
        if item.nodeid in known:
            item.add_marker(pytest.mark.xfail(strict=True, reason=reason))


def require_nlp(code: str) -> None:
    """Skip a test that needs the language model of ``code`` (the ``nlp`` extra) where it is not
    installed; in CI (``CI`` set), where ``make test`` installs it, fail instead: a missing model
    must not turn the test into a silent skip."""
    from raccord import nlp

    if nlp.available(code):
        return
    message = f"the 'nlp' extra (spaCy and the {code!r} model) is not installed"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def coded_analysis(transcript, coded):  # type: ignore[no-untyped-def]
    """A session analysed over coded labels (``ANNOTATION.md``'s JSON): the coders' markers and
    episodes (each holding the markers within it) and their therapist labels over the moves the
    detector classified, so a test reads understanding and repair on a known reading, whatever
    the shipped weights find."""
    import dataclasses

    from raccord.detect import detect
    from raccord.eval.harness import detection_from_annotation
    from raccord.eval.labels import parse_annotation
    from raccord.model import SessionAnalysis
    from raccord.repair import suggest
    from raccord.understand import formulate

    gold = detection_from_annotation(parse_annotation(coded), transcript)
    found = detect(transcript, mode="fast")
    labels = {m.turn: m for m in gold.moves}
    moves = tuple(
        dataclasses.replace(
            m,
            contribution=labels[m.turn].contribution if m.turn in labels else m.contribution,
            repair=labels[m.turn].repair if m.turn in labels else m.repair,
        )
        for m in found.moves
    )
    episodes = tuple(
        dataclasses.replace(
            e, markers=tuple(m.turn for m in gold.markers if e.start <= m.turn <= e.end)
        )
        for e in gold.episodes
    )
    detection = dataclasses.replace(found, markers=gold.markers, episodes=episodes, moves=moves)
    formulation = formulate(transcript, detection, mode="fast")
    return SessionAnalysis(
        transcript, detection, formulation, suggest(transcript, detection, formulation)
    )
