"""Immutable data that flows through the pipeline.

``readers -> Transcript -> signals -> markers -> episodes -> formulation -> repair -> SessionAnalysis``

Every stage takes these frozen dataclasses in and returns new ones; nothing here does I/O.
Turn positions (``Turn.index``, ``Marker.turn`` …) are 0-based positions in ``Transcript.turns``;
``Turn.id`` is the identifier the source file gave the turn (AnnoMI's ``utterance_id``), used
when writing labels back in ``ANNOTATION.md`` format. What a therapist reads is ``Turn.uid``: that
id, or for a source without ids (plain text, subtitles) the turn's rank counted from 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from raccord.understand.needs import EpisodeNeeds
    from raccord.understand.session_facts import SessionFacts

from raccord.taxonomy import (
    AttachmentStyle,
    Contribution,
    EpisodeKind,
    MarkerKind,
    MarkerSubtype,
    RepairApproach,
    RepairStrategy,
    Resolution,
    Role,
    Severity,
    TherapistMoveType,
    Timing,
)

# --------------------------------------------------------------------------- transcript


def is_word(token: str) -> bool:
    """Whether a whitespace-separated token counts as a word where an annotation's place is
    recorded (``NonVerbal.at``): punctuation left on its own does not."""
    return any(c.isalnum() for c in token)


@dataclass(frozen=True, slots=True)
class NonVerbal:
    """A non-verbal annotation found in the text (``[silence 8s]``, ``(soupir)``, ``[laughs]``).

    ``kind`` is a normalised family: ``silence``, ``laughter``, ``sigh``, ``crying``, ``gaze``
    (looks away, baisse les yeux), ``posture`` (croise les bras), ``tone`` (irritated, sarcastic),
    ``inaudible``, ``other``. ``raw`` is the annotation as written, ``seconds`` its duration when
    given (``[silence 8s]``). ``at`` is how many words of the turn's text came before it (0: it
    opened the turn), when known.
    """

    kind: str
    raw: str
    seconds: float | None = None
    at: int | None = None


def as_said(text: str, annotations: Sequence[NonVerbal], mark: str = "[{}]") -> str:
    """``text`` with each annotation back where it stood (``mark`` formats its raw text):
    « [silence 6s] Peut-être. », not « Peut-être. [silence 6s] ». Annotations whose place is
    unknown come last."""
    if not annotations:
        return text
    tokens = text.split()
    before: dict[int, list[str]] = {}
    for a in annotations:
        before.setdefault(len(tokens) if a.at is None else a.at, []).append(mark.format(a.raw))
    out: list[str] = []
    words = 0
    for token in tokens:
        # after the first word, an annotation goes before a word, never between a word and the
        # punctuation or closing quote that follows it (« d'accord ». [rit], not « d'accord [rit] »)
        if words == 0 or is_word(token):
            out.extend(before.pop(words, ()))
        out.append(token)
        words += is_word(token)
    for rest in before.values():
        out.extend(rest)
    return " ".join(out)


def numbered(uids: Sequence[int]) -> int:
    """How many turns ``uids`` (turn numbers in order) span: last minus first plus one when
    they rise (the source numbered its lines), else how many there are."""
    if not uids:
        return 0
    span = uids[-1] - uids[0] + 1
    return span if span >= len(uids) else len(uids)


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaking turn: consecutive words of one speaker."""

    index: int
    speaker: str
    role: Role
    text: str
    start: float | None = None
    end: float | None = None
    annotations: tuple[NonVerbal, ...] = ()
    source_line: int | None = None
    id: int | None = None

    @property
    def uid(self) -> int:
        """The turn's number as the therapist reads it: its identifier in the source, else its rank
        from 1 (the first turn of a plain-text session is « tour 1 », not « tour 0 »)."""
        return self.index + 1 if self.id is None else self.id

    def as_said(self, mark: str = "[{}]") -> str:
        """The words with each non-verbal annotation back where it stood (``as_said``)."""
        return as_said(self.text, self.annotations, mark)

    @property
    def silence(self) -> float | None:
        """The longest silence annotated in the turn, in seconds (0 for ``[silence]`` with no
        duration); ``None`` when no silence is annotated."""
        return max(
            (a.seconds or 0.0 for a in self.annotations if a.kind == "silence"), default=None
        )


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """How one speaker's role was decided, so a guess is never silent.

    ``method`` is ``label`` (the speaker label says so: "Thérapeute", "Client"), ``option``
    (``--therapist NAME``), ``heuristic`` (guessed, e.g. who asks more questions) or ``default``.
    """

    speaker: str
    role: Role
    method: str
    basis: str


@dataclass(frozen=True, slots=True)
class Metadata:
    source: str | None = None
    format: str | None = None
    transcript_id: str | None = None
    session_date: str | None = None
    session_number: int | None = None
    patient: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Transcript:
    """A session: its turns in order, its language, and how speakers' roles were decided.

    ``warnings`` holds what the reader tolerated but the user should know (overlapping or
    slightly backwards timestamps, lines skipped before the first speaker label, one speaker only).
    """

    turns: tuple[Turn, ...]
    language: str
    metadata: Metadata = field(default_factory=Metadata)
    roles: tuple[RoleAssignment, ...] = ()
    language_basis: str = ""
    warnings: tuple[str, ...] = ()

    def role_of(self, speaker: str) -> Role:
        for assignment in self.roles:
            if assignment.speaker == speaker:
                return assignment.role
        return Role.OTHER

    def speakers_with(self, role: Role) -> tuple[str, ...]:
        """The speakers who hold ``role``, in order of first appearance (from the turns)."""
        return tuple(dict.fromkeys(t.speaker for t in self.turns if t.role is role))

    @property
    def multi_party(self) -> bool:
        """More than one therapist or patient, or someone else speaking (a parent, an interpreter)."""
        return (
            len(self.speakers_with(Role.THERAPIST)) > 1
            or len(self.speakers_with(Role.PATIENT)) > 1
            or bool(self.speakers_with(Role.OTHER))
        )

    @property
    def numbered(self) -> int:
        """How many turns the transcript numbers, first to last as the report cites them: more
        than ``len(turns)`` where consecutive lines of one speaker were read as one turn (a
        header said "66 turns" of a session whose report cited turn 67, fresh51)."""
        return numbered([t.uid for t in self.turns])

    @property
    def duration(self) -> float | None:
        """Seconds from the first timestamp to the last, when the transcript has any."""
        starts = [t.start for t in self.turns if t.start is not None]
        ends = [t.end if t.end is not None else t.start for t in self.turns if t.start is not None]
        if not starts:
            return None
        return max(e for e in ends if e is not None) - min(starts)


# --------------------------------------------------------------------------- detection


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why something fired, in words a clinician reads.

    ``source``: ``cue`` (a phrase of the language pack), ``signal`` (a measure against the
    speaker's baseline), ``context`` (the turn before or after), ``nonverbal``, ``model``,
    ``wording`` (the therapist's own words name the repair: « je veux être clair sur un point »).
    ``words`` is the excerpt concerned, ``detail`` the sentence that explains it. ``supports``:
    the ``ANNOTATION.md`` label (a contribution or repair value) the sentence is a reason for,
    when it is one, so that it goes with the label if the label is overturned.
    """

    source: str
    detail: str
    words: str | None = None
    supports: str | None = None


@dataclass(frozen=True, slots=True)
class Marker:
    """A possible rupture marker on a patient turn: a hypothesis with its evidence."""

    turn: int
    kind: MarkerKind
    subtype: MarkerSubtype
    salience: int
    confidence: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class TherapistMove:
    """What a therapist turn does, and its ``ANNOTATION.md`` labels (contribution or repair)."""

    turn: int
    move: TherapistMoveType
    contribution: Contribution = Contribution.NONE
    repair: RepairStrategy = RepairStrategy.NONE
    confidence: float = 0.5
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode:
    """A rupture episode: from the first marker to the turn where the patient is engaged again."""

    start: int
    end: int
    kind: EpisodeKind
    severity: Severity
    resolved: Resolution
    markers: tuple[int, ...] = ()
    trigger: int | None = None
    repairs: tuple[int, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    #: The patient turn that set the episode's subject aside for now ("But not today"): the
    #: episode is then at most partly resolved, and the subject stays the patient's to bring back.
    set_aside: int | None = None
    #: The patient turn where they said they had thought of not coming back (« je me suis dit
    #: que je reviendrais pas »), in the episode, just after it, or later in the session when no
    #: episode began in between: the episode is then macro.
    dropout: int | None = None


@dataclass(frozen=True, slots=True)
class SessionScores:
    """Session-level figures: patient rupture score and therapist contribution score in [0, 1],
    and an engagement value per turn (patient turns measured, others carried forward)."""

    patient_rupture: float
    therapist_contribution: float
    engagement: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Detection:
    """Everything the detect stage found in one session."""

    markers: tuple[Marker, ...]
    moves: tuple[TherapistMove, ...]
    episodes: tuple[Episode, ...]
    scores: SessionScores
    signals: tuple[Mapping[str, Any], ...] = ()


# --------------------------------------------------------------------------- understand / repair


@dataclass(frozen=True, slots=True)
class TherapistNote:
    """The therapist's own reaction (irritated, bored, anxious…) at a turn or a time."""

    text: str
    turn: int | None = None
    seconds: float | None = None
    feeling: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A repair the therapist may use: its approach, strategy, wording and the reason for it."""

    approach: RepairApproach
    strategy: RepairStrategy
    text: str
    #: the reason for this strategy and timing
    why: str
    timing: Timing = Timing.NOW
    episode: int | None = None
    #: what in the episode the suggestion answers (its markers, the move that may have fed it),
    #: the same for every suggestion of an episode: the reports say it once, above them (a
    #: review read it repeated four times in a row)
    context: str = ""
    #: the therapist's own turn where this repair was already made and the patient re-engaged:
    #: ``text`` then reflects it back (« à garder ») instead of suggesting it again
    done_at: int | None = None


@dataclass(frozen=True, slots=True)
class Formulation:
    """The post-session worksheet as typed values: the session's facts (``understand.session_facts``:
    episodes, who raised which topic at which turn, each side's possible part, circles,
    prohibitions, what worked, repairs that took), the needs each episode may protect, and the
    therapist's notes placed on the turns. Repair and the reports read these values; the sentences
    are written from them at the edge (``raccord.prose``), never stored here."""

    facts: SessionFacts | None = None
    needs: tuple[EpisodeNeeds, ...] = ()
    #: the therapist's own reactions, ``turn`` set to the 0-based position they are about
    therapist_notes: tuple[TherapistNote, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionAnalysis:
    """The whole result for one session: the pipeline's final value."""

    transcript: Transcript
    detection: Detection
    formulation: Formulation | None = None
    suggestions: tuple[Suggestion, ...] = ()
    attachment: AttachmentStyle = AttachmentStyle.UNKNOWN
