"""The session's facts as typed data, established once and read by every later stage.

The formulation's prose, the repair suggestions and the one-minute report all speak about the
same facts: each episode's facts (markers, who raised which topic at which turn, the therapist's
possible part), the pairs and vicious circles, the implicit prohibitions, what worked, which
repairs took, what the session agreed to take up next time, and the patient's grammatical gender
as their speaker label gives it. They are computed here once from the transcript and the
detection; later stages read these values and never re-derive them from the raw text, so what the
text report, the JSON and the suggestions say agrees, and a test can check each stated fact
against them.
"""

from __future__ import annotations

from dataclasses import dataclass

from raccord.model import Detection, Transcript
from raccord.taxonomy import Contribution, MarkerKind, MarkerSubtype
from raccord.understand import cycles, invitations, plans, prohibitions, works
from raccord.understand.cycles import Pair
from raccord.understand.facts import EpisodeFacts, episode_facts
from raccord.understand.invitations import Invited
from raccord.understand.patient import Gender, patient_gender
from raccord.understand.plans import Plan
from raccord.understand.prohibitions import Prohibition
from raccord.understand.works import Working

#: Therapist moves that argue against what the patient just said (their plan is then the conflict).
_ARGUING = frozenset({Contribution.CONFRONT_ARGUE, Contribution.ADVICE_UNSOLICITED})


@dataclass(frozen=True, slots=True)
class Repaired:
    """A repair that took inside an episode: the therapist's turn right after a marker, and the
    patient's engaged answer (``words`` long) that followed."""

    episode: int
    therapist: int
    patient: int
    words: int
    after_marker: int
    #: "apology" or "meta_communication" when the therapist repaired by owning a part.
    own: str | None = None
    #: The patient named it later in the session, not right after it (``works.Working.later``).
    later: bool = False


@dataclass(frozen=True, slots=True)
class SessionFacts:
    episodes: tuple[EpisodeFacts, ...]
    pairs: tuple[Pair, ...]
    circles: tuple[tuple[str, tuple[Pair, ...]], ...]
    prohibitions: tuple[Prohibition, ...]
    works: tuple[Working, ...]
    repaired: tuple[Repaired, ...]
    #: what the patient asked to take up next session, and whether the therapist agreed
    plans: tuple[Plan, ...] = ()
    #: markers said in answer to the therapist's invitation to talk about the relationship
    invited: tuple[Invited, ...] = ()
    #: « la patiente » / « le patient » in the reports; unknown (« la personne ») when the
    #: speaker label does not say (``understand.patient``)
    patient_gender: Gender = Gender.UNKNOWN

    def episode(self, index: int) -> EpisodeFacts | None:
        return next((f for f in self.episodes if f.index == index), None)

    def repairs_of(self, index: int) -> tuple[Repaired, ...]:
        return tuple(r for r in self.repaired if r.episode == index)


def session_facts(
    transcript: Transcript, detection: Detection, code: str, *, mode: str = "full"
) -> SessionFacts:
    """Every fact of the session, once (``mode``: the detection's; ``"full"`` groups the topics
    of implicit prohibitions by meaning with the sentence encoder, ``"fast"`` by word)."""
    facts = tuple(sorted(episode_facts(transcript, detection, code), key=lambda f: f.index))
    all_pairs = cycles.pairs(transcript, detection, code)
    working = works.find(transcript, detection, code) or works.kept(transcript, detection, code)
    repaired = tuple(
        Repaired(f.index, w.therapist, w.patient, w.words, w.after_marker, w.own, w.later)
        for f in facts
        for w in working
        if w.after_marker is not None
        and f.episode.start <= w.after_marker <= f.episode.end
        and w.therapist <= f.episode.end + 1
    )
    return SessionFacts(
        episodes=facts,
        pairs=all_pairs,
        circles=tuple(cycles.circles(all_pairs).items()),
        prohibitions=prohibitions.find(transcript, detection, code, mode=mode),
        works=working,
        repaired=repaired,
        plans=plans.find(
            transcript,
            code,
            frozenset(m.turn for m in detection.markers if m.kind is MarkerKind.CONFRONTATION),
            frozenset(m.turn - 1 for m in detection.moves if m.contribution in _ARGUING),
            frozenset(
                m.turn
                for m in detection.markers
                if m.subtype is MarkerSubtype.DEFERENTIAL_APPEASING
            ),
        ),
        invited=invitations.answered(transcript, detection, code),
        patient_gender=patient_gender(transcript, code),
    )
