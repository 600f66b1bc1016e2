"""Open items: « différer, oui, mais ne pas enterrer ».

An episode the patient did not come back from (resolved "no" or "partly"), or one the therapist
chose to defer, becomes an open item of its session; it is shown at every later session's
analysis and in the history until the therapist marks it revisited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from raccord.history.data import EpisodeRecord, MarkerRecord, TurnRecord
from raccord.taxonomy import clear_within


def episodes_from_analysis(analysis: Mapping[str, Any]) -> tuple[EpisodeRecord, ...]:
    """The episodes of an analysis (``export.to_json``), each with whether the therapist deferred
    it (a repair move of strategy ``defer`` among its repairs)."""
    deferring = {m["turn"] for m in analysis.get("moves", ()) if m.get("repair") == "defer"}
    out = []
    for e in analysis.get("episodes", ()):
        out.append(
            EpisodeRecord(
                index=int(e["index"]),
                start=int(e["start"]),
                end=int(e["end"]),
                kind=str(e["kind"]),
                severity=str(e["severity"]),
                resolved=str(e["resolved"]),
                deferred=any(t in deferring for t in e.get("repairs", ())),
            )
        )
    return tuple(out)


def markers_from_analysis(analysis: Mapping[str, Any]) -> tuple[MarkerRecord, ...]:
    return tuple(
        MarkerRecord(
            int(m["turn"]),
            str(m["kind"]),
            str(m["subtype"]),
            int(m["salience"]),
            float(m.get("confidence", 1.0)),
        )
        for m in analysis.get("markers", ())
        if m.get("kind") != "none"
    )


def turns_from_transcript(turns: Sequence[Mapping[str, Any]]) -> tuple[TurnRecord, ...]:
    return tuple(
        TurnRecord(
            int(t["index"]),
            str(t["role"]),
            str(t["text"]),
            int(t["id"]) if t.get("id") is not None else None,
        )
        for t in turns
    )


def to_open(
    episodes: Sequence[EpisodeRecord], markers: Sequence[MarkerRecord] | None = None
) -> tuple[EpisodeRecord, ...]:
    """The episodes that stay open after their session: deferred, or not fully resolved with a
    clear, sure marker in them (``taxonomy.clear_within``; a possible or mild tension is not
    carried from session to session). Without ``markers``, every unresolved episode."""

    marked = None if markers is None else [(m.turn, m.salience, m.confidence) for m in markers]

    def clear(e: EpisodeRecord) -> bool:
        return marked is None or clear_within(e.start, e.end, marked)

    return tuple(e for e in episodes if e.deferred or (e.resolved != "yes" and clear(e)))
