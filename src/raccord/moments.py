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

An episode is a moment only on enough evidence: two markers or more, or one the scorer is sure of
(``SURE``); an episode of one less sure marker comes after the others, and one under ``FLOOR`` is
left to the timeline. Measured out of fold (the twelfth session's full/session detections, the
representative marker of each chosen moment against the coders' labels): an episode of one marker
is a coded marker 25 % of the time on AnnoMI, 33–40 % on the psychotherapy set, against 73–91 %
for two markers or more, and a representative under 0.8 confidence 9–43 %. With this rule the
moments shown are coded markers 74 % / 77 % of the time on the psychotherapy set (odd / even
sessions; 58 % / 62 % before) and 58 % on AnnoMI (39 %), for 3 / 2 fewer coded markers shown;
moments in the sessions coded without rupture fall 16 → 10 and 10 → 5 (AnnoMI 45 → 18). The
blind reads had found the first moments of the summary to be engagement — a hope told with a
laugh, grief, anger at a ministry — each a one-marker episode.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from raccord.taxonomy import clear

#: How many moments the first screen shows.
MOMENTS = 3
#: A lone marker the scorer gives this confidence stands as a moment like an episode of two.
SURE = 0.9
#: Under this confidence, a lone marker is left to the timeline.
FLOOR = 0.8

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
    taken = {t for span in spans for t in span.markers}
    # (episode index or None, its markers, macro, resolution)
    groups: list[tuple[int | None, list[Spot], bool, str]] = [
        (index, [by_turn[t] for t in span.markers if t in by_turn], span.macro, span.resolved)
        for index, span in enumerate(spans)
    ]
    groups += [(None, [s], False, "") for s in spots if s.turn not in taken]

    def supported(inside: Sequence[Spot]) -> bool:
        return len(inside) >= 2 or max(s.confidence for s in inside) >= SURE

    def need(group: tuple[int | None, list[Spot], bool, str]) -> tuple[bool, int, int, int, int]:
        index, inside, macro, resolved = group
        lone = index is None
        top = max(s.salience for s in inside)
        return (
            not supported(inside),
            # markers outside any episode fill in after the episodes, clearest first
            3 if lone else _NEED.get(resolved, 2),
            0 if macro else 1,
            -top,
            inside[0].turn,
        )

    def representative(inside: Sequence[Spot]) -> Spot:
        return max(
            inside,
            key=lambda s: (
                s.turn not in invited,
                clear(s.salience, s.confidence),
                s.salience,
                s.confidence,
                -s.turn,
            ),
        )

    kept = [
        g for g in groups if g[1] and (supported(g[1]) or max(s.confidence for s in g[1]) >= FLOOR)
    ]
    out = [(representative(g[1]), g[0]) for g in sorted(kept, key=need)[:limit]]
    return sorted(out, key=lambda pair: pair[0].turn)
