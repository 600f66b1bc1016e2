"""Who a patient speaks to, in a session with several participants (couple, family, a parent).

Rupture markers concern the relation with the therapists. In couple or family therapy a partner's
« tu ne comprends pas ce que je dis » said to the other partner is conflict between them — the
material of the work — not a complaint about the therapist. A coder tells the two apart by who is
addressed; so does this module, from what the transcript shows:

- a vocative: the turn opens with another participant's name (« Marc, tu… », "Julie, you…");
- in a language that has one, the familiar "you" (« tu », « te », « toi »…) without the formal
  one (« vous ») in a session where patients say « vous » to the therapists;
- a second-person turn that answers another participant directly (their turn just before it)
  and names no therapist.

The language-specific forms are pack data (``[address]`` of ``lang/<code>/markers.toml``).
Nothing here applies to a session with one therapist and one patient.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from raccord import lang as lang_packs
from raccord.model import Marker, Transcript
from raccord.taxonomy import Role


@cache
def _forms(
    code: str,
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]:
    data = lang_packs.section(code, "markers").get("address", {})

    def compile_(key: str) -> re.Pattern[str] | None:
        pattern = str(data.get(key, ""))
        return re.compile(pattern, re.IGNORECASE) if pattern else None

    return compile_("familiar_you"), compile_("formal_you"), compile_("second_person")


def _opens_with(text: str, name: str) -> bool:
    return re.match(rf"\s*{re.escape(name)}\s*[,:!]", text, re.IGNORECASE) is not None


def _formal_with_therapists(
    transcript: Transcript, speaker: str, familiar: re.Pattern[str], formal: re.Pattern[str]
) -> bool:
    """Whether ``speaker`` answers a therapist with the formal "you" somewhere in the session."""
    turns = transcript.turns
    return any(
        t.speaker == speaker
        and turns[k - 1].role is Role.THERAPIST
        and formal.search(t.text) is not None
        and familiar.search(t.text) is None
        for k, t in enumerate(turns)
        if k > 0
    )


def addressee(transcript: Transcript, index: int) -> str | None:
    """The other participant (not a therapist) a patient turn speaks to, or ``None`` when it
    speaks to the therapists or nothing shows whom it addresses."""
    turn = transcript.turns[index]
    if turn.role is not Role.PATIENT or not transcript.multi_party:
        return None
    therapists = set(transcript.speakers_with(Role.THERAPIST))
    others = [
        s
        for s in (*transcript.speakers_with(Role.PATIENT), *transcript.speakers_with(Role.OTHER))
        if s != turn.speaker
    ]
    for name in others:
        if _opens_with(turn.text, name):
            return name
    if any(_opens_with(turn.text, name) for name in therapists):
        return None
    before = transcript.turns[index - 1] if index > 0 else None
    previous = before.speaker if before is not None and before.speaker in others else None
    familiar, formal, you = _forms(transcript.language or lang_packs.DEFAULT)
    familiar_only = (
        familiar is not None
        and familiar.search(turn.text) is not None
        and (formal is None or formal.search(turn.text) is None)
    )
    if familiar_only:
        assert familiar is not None
        if previous is not None:
            return previous
        # a familiar "you" after a therapist's turn is for the one other participant only when
        # this patient says the formal "you" to the therapists elsewhere (a teenager may say
        # « tu » to the therapist)
        if (
            len(others) == 1
            and formal is not None
            and _formal_with_therapists(transcript, turn.speaker, familiar, formal)
        ):
            return others[0]
        return None
    if previous is not None and you is not None and you.search(turn.text):
        return previous
    return None


def about_the_alliance(transcript: Transcript, markers: Sequence[Marker]) -> tuple[Marker, ...]:
    """The markers that concern the therapists: in a multi-party session, those of turns
    addressed to another participant are left out (they are the partners' conflict)."""
    if not transcript.multi_party:
        return tuple(markers)
    return tuple(m for m in markers if addressee(transcript, m.turn) is None)
