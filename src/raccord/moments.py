"""Which moments of a session matter: the marker that stands for each episode, at most three.

One choice for every report (the text brief and the HTML/PDF report read the same moments; they
had drifted apart, one weighing the model's confidence, the other the invited answers). Episodes
come by need: unresolved first, then macro-ruptures, then the most salient; each is shown by its
strongest marker — one the patient did not say in answer to the therapist's own invitation (that
may be the repair under way), then a clear and sure one (``taxonomy.clear``: a never-seen session
showed the patient accepting the therapist's repair, salience 4 at confidence 0.67, in place of
her « Vous avez sûrement raison » at 0.95), then the most salient, then the surest, then the
earliest. A patient's request for next session is never a moment (it is the session's plan,
shown first among the open items; a never-seen session showed it as "avoidant storytelling").
When fewer episodes than moments, the clearest markers outside any episode fill in. Shown in the
session's order.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from raccord.taxonomy import clear

#: How many moments the first screen shows.
MOMENTS = 3

_NEED = {"no": 0, "partly": 1, "yes": 2}


@dataclass(frozen=True, slots=True)
class Spot:
    """A marker as the choice reads it."""

    turn: int
    salience: int
    confidence: float


@dataclass(frozen=True, slots=True)
class Span:
    """An episode as the choice reads it: its markers' turns, severity and resolution."""

    markers: tuple[int, ...]
    macro: bool
    resolved: str  # "no", "partly" or "yes"


def choose(
    spans: Sequence[Span],
    spots: Sequence[Spot],
    invited: Collection[int] = (),
    limit: int = MOMENTS,
    planned: Collection[int] = (),
) -> list[tuple[Spot, int | None]]:
    """The moments, each a marker with the index of its episode (``None`` outside one);
    ``planned`` are the turns where the patient asked for something next session."""
    spots = [s for s in spots if s.turn not in planned]
    by_turn = {s.turn: s for s in spots}

    def need(index: int) -> tuple[int, int, int, int]:
        span = spans[index]
        top = max((by_turn[t].salience for t in span.markers if t in by_turn), default=0)
        return (_NEED.get(span.resolved, 2), 0 if span.macro else 1, -top, index)

    out: list[tuple[Spot, int | None]] = []
    for index in sorted(range(len(spans)), key=need)[:limit]:
        inside = [by_turn[t] for t in spans[index].markers if t in by_turn]
        if inside:
            best = max(
                inside,
                key=lambda s: (
                    s.turn not in invited,
                    clear(s.salience, s.confidence),
                    s.salience,
                    s.confidence,
                    -s.turn,
                ),
            )
            out.append((best, index))
    if len(out) < limit:
        taken = {t for span in spans for t in span.markers}
        lone = sorted(
            (s for s in spots if s.turn not in taken),
            key=lambda s: (not clear(s.salience, s.confidence), -s.salience, -s.confidence, s.turn),
        )
        out += [(s, None) for s in lone[: limit - len(out)]]
    return sorted(out, key=lambda pair: pair[0].turn)
