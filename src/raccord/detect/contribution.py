"""The session's therapist-side contribution score: how much the therapist's way of talking is
likely to trigger or maintain ruptures, in [0, 1].

It is built from the clinical construct, not fitted to an outcome. Two components, each a share
of the therapist's substantive turns (backchannels left out) mapped onto [0, 1] with a fixed
anchor, averaged with equal weights:

- **contributing moves**: turns labelled as a contribution (argues, warns, unsolicited advice,
  passes by a marker, closed-question runs, imposed interpretation). A third of the turns or more
  is the top of the scale.
- **directive talk**: advice without permission, confronting, information giving and
  interpretation, the "expert" stance motivational interviewing warns against (the righting
  reflex). Four turns in ten or more is the top of the scale.

Until the twenty-fifth session a third component counted missing reflections (MITI's benchmark of
as many reflections as questions). It is an MI proficiency norm, not a rupture construct: sound
CBT, DBT skills work or EMDR preparation reflect less and scored as high as sessions with a
macro-rupture (blind reviews of fresh46–54: 0.28 for a model EMDR session and for a rupture).
Without it the index separates the psychotherapy sessions with a coded contribution from those
without better (AUC 0.84 → 0.93, fast mode, the labelled set — in-sample for the markers) and
AnnoMI's low-quality sessions from its high-quality ones no worse (0.915 → 0.93, lexical moves,
no markers). The number of reflections stays in the profile.

``profile`` gives the two components with the counts behind them, so a clinician can see why
the score is what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from raccord.model import TherapistMove, Transcript
from raccord.taxonomy import Contribution, TherapistMoveType

__all__ = ["ContributionProfile", "profile", "score"]

_T = TherapistMoveType
_DIRECTIVE = frozenset(
    {_T.ADVICE_WITHOUT_PERMISSION, _T.CONFRONTING, _T.INFORMATION, _T.INTERPRETATION}
)
_REFLECTIONS = frozenset({_T.SIMPLE_REFLECTION, _T.COMPLEX_REFLECTION})
#: Share at which each component reaches the top of its scale.
CONTRIBUTING_ANCHOR = 0.30
DIRECTIVE_ANCHOR = 0.40


@dataclass(frozen=True, slots=True)
class ContributionProfile:
    """The components of the score and the counts they come from."""

    substantive_turns: int
    contributing: int
    directive: int
    reflections: int
    contributing_part: float
    directive_part: float

    @property
    def score(self) -> float:
        if self.substantive_turns == 0:
            return 0.0
        return (self.contributing_part + self.directive_part) / 2.0


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def profile(transcript: Transcript, moves: Sequence[TherapistMove]) -> ContributionProfile:
    """The two components of the contribution score for one session, and the counts behind
    them (the reflections too, shown but not scored)."""
    del transcript  # the moves carry what is needed; kept for the stage's uniform signature
    substantive = [m for m in moves if m.move is not _T.BACKCHANNEL]
    n = len(substantive)
    contributing = sum(m.contribution is not Contribution.NONE for m in substantive)
    directive = sum(m.move in _DIRECTIVE for m in substantive)
    reflections = sum(m.move in _REFLECTIONS for m in substantive)
    if n == 0:
        return ContributionProfile(0, 0, 0, 0, 0.0, 0.0)
    return ContributionProfile(
        substantive_turns=n,
        contributing=contributing,
        directive=directive,
        reflections=reflections,
        contributing_part=_clip(contributing / n / CONTRIBUTING_ANCHOR),
        directive_part=_clip(directive / n / DIRECTIVE_ANCHOR),
    )


def score(transcript: Transcript, moves: Sequence[TherapistMove]) -> float:
    """The session's therapist contribution score in [0, 1] (0 when the therapist never speaks)."""
    return profile(transcript, moves).score
