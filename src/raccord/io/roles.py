"""Who is the therapist: decided from labels, from ``--therapist``, or guessed, never silently.

Every speaker gets a ``RoleAssignment`` whose ``basis`` is a sentence the clinician can check
("guessed: Marie asked 14 questions in 30 turns vs 3 in 29 for Paul"). Labels are language-pack
data (``io.toml``, section ``roles``); the guess uses only what any session shows: the therapist
asks more of the questions and usually speaks first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from raccord.errors import InputError
from raccord.io.vocab import vocabulary
from raccord.model import RoleAssignment, Transcript
from raccord.taxonomy import Role


@dataclass(slots=True)
class SpeakerStats:
    name: str
    first: int
    turns: int = 0
    words: int = 0
    questions: int = 0


def stats(turns: Sequence[tuple[str, str]]) -> dict[str, SpeakerStats]:
    """Per speaker, in order of first appearance: turns, words and turns holding a question."""
    table: dict[str, SpeakerStats] = {}
    for position, (speaker, text) in enumerate(turns):
        entry = table.setdefault(speaker, SpeakerStats(speaker, position))
        entry.turns += 1
        entry.words += len(text.split())
        entry.questions += "?" in text
    return table


def label_role(label: str) -> Role | None:
    """The role a speaker label states ("Thérapeute", "Patient(e)", "Dr Martin", "Co-thérapeute",
    "Interprète", "Client 2"), if any. A role word followed by words that are not a name ("I said")
    states nothing."""
    vocab = vocabulary()
    clean = re.sub(r"\s+", " ", label.strip()).rstrip(" :.-")
    name = clean.lower()
    words = clean.split(" ")
    named = len(words) > 1 and all(
        w.lstrip("(")[:1].isupper() or w[:1].isdigit() for w in words[1:]
    )
    first = name.split(" ")[0] if name and (named or len(words) == 1) else ""
    trimmed = re.sub(r"(?:\s*\d+|\s[a-z])$", "", name)
    inside = re.search(r"\(([^()]+)\)$", name)
    aside = inside.group(1).strip() if inside else ""
    for candidate in (name, trimmed, first, aside):
        if not candidate:
            continue
        if candidate in vocab.therapist_labels:
            return Role.THERAPIST
        if candidate in vocab.patient_labels:
            return Role.PATIENT
        if candidate in vocab.other_labels:
            return Role.OTHER
    if first in vocab.therapist_titles and name != first:
        return Role.THERAPIST
    return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


#: Speakers named by the user: one name, several, or none.
Names = str | Sequence[str] | None

#: A speaker not labelled, beside the main one, is another patient (couple, family) when they
#: have at least this share of the main one's turns (and two turns); else they are "other".
_SECOND_PATIENT_SHARE = 0.25


def names(given: Names) -> tuple[str, ...]:
    """``--therapist``/``--patient`` values as a tuple (one name or several)."""
    if given is None:
        return ()
    if isinstance(given, str):
        return (given,)
    return tuple(given)


def assign(
    table: dict[str, SpeakerStats],
    *,
    therapist: Names = None,
    patient: Names = None,
    source: str | None = None,
    no_speakers: str | None = None,
) -> tuple[RoleAssignment, ...]:
    """One ``RoleAssignment`` per speaker, in order of first appearance.

    ``therapist``/``patient`` are speakers named by the user (``--therapist``, ``--patient``): they
    decide first. With ``--therapist`` alone, every other speaker is a patient unless their label
    says they are someone else (an interpreter, a parent). Then labels decide; what remains is
    decided by elimination (several patients when several speakers speak often: a couple or a
    family), or guessed from the questions asked, and the basis says so.
    """
    speakers = list(table)
    decided: dict[str, RoleAssignment] = {}
    given_t = [_match_speaker(n, speakers, source, "--therapist") for n in names(therapist)]
    given_p = [_match_speaker(n, speakers, source, "--patient") for n in names(patient)]
    for name in given_t:
        decided[name] = RoleAssignment(name, Role.THERAPIST, "option", "given by --therapist")
    for name in given_p:
        if name in decided:
            raise InputError(f"{name!r} is given both as --therapist and as --patient", path=source)
        decided[name] = RoleAssignment(name, Role.PATIENT, "option", "given by --patient")
    for name in speakers:
        if name in decided:
            continue
        role = label_role(name)
        if given_t and not given_p and role is not Role.OTHER:
            decided[name] = RoleAssignment(
                name, Role.PATIENT, "option", "not the therapist given by --therapist"
            )
        elif role is not None:
            meaning = (
                "other: present, neither therapist nor patient"
                if role is Role.OTHER
                else role.value
            )
            decided[name] = RoleAssignment(
                name, role, "label", f"the speaker label {name!r} means {meaning}"
            )
    if len(speakers) == 1 and not decided:
        only = speakers[0]
        basis = no_speakers or (
            "only one speaker in the transcript: neither therapist nor patient can be told apart"
        )
        return (RoleAssignment(only, Role.OTHER, "default", basis),)
    undecided = [name for name in speakers if name not in decided]
    roles_taken = {a.role for a in decided.values()}
    if undecided and Role.THERAPIST not in roles_taken and Role.PATIENT not in roles_taken:
        decided.update(_guess(undecided, table))
    elif undecided:
        decided.update(_eliminate(undecided, decided, roles_taken, table))
    return tuple(decided[name] for name in speakers)


def _eliminate(
    undecided: list[str],
    decided: dict[str, RoleAssignment],
    roles_taken: set[Role],
    table: dict[str, SpeakerStats],
) -> dict[str, RoleAssignment]:
    """Roles of unlabelled speakers when the labels or options already gave one side."""
    missing = Role.PATIENT if Role.THERAPIST in roles_taken else Role.THERAPIST
    if missing in roles_taken:
        missing = Role.OTHER
    main = max(undecided, key=lambda n: (table[n].words, -table[n].first))
    how = {"label": "by its label", "option": "given by the option"}
    known = ", ".join(
        f"{a.speaker!r} is the {a.role.value} ({how.get(a.method, a.method)})"
        for a in decided.values()
        if a.role is not Role.OTHER
    )
    basis = (
        f"no role in its label, and {known}"
        if missing is Role.OTHER
        else f"by elimination: {known}"
    )
    result = {main: RoleAssignment(main, missing, "default", basis)}
    for name in undecided:
        if name == main:
            continue
        if missing is Role.PATIENT and _speaks_often(table[name], table[main]):
            result[name] = RoleAssignment(
                name,
                Role.PATIENT,
                "default",
                f"by elimination: {known}; speaks often ({_plural(table[name].turns, 'turn')})"
                f" beside {main!r}: another patient (couple or family session?)",
            )
        else:
            result[name] = RoleAssignment(
                name, Role.OTHER, "default", f"not labelled; {main!r} taken as the {missing.value}"
            )
    return result


def _speaks_often(speaker: SpeakerStats, main: SpeakerStats) -> bool:
    return speaker.turns >= 2 and speaker.turns >= _SECOND_PATIENT_SHARE * main.turns


def _match_speaker(wanted: str, speakers: list[str], source: str | None, option: str) -> str:
    for name in speakers:
        if name == wanted:
            return name
    for name in speakers:
        if name.casefold() == wanted.strip().casefold():
            return name
    raise InputError(
        f"{option} {wanted!r} is not a speaker of this transcript",
        path=source,
        expected="one of: " + ", ".join(repr(s) for s in speakers),
    )


def require_parties(transcript: Transcript) -> None:
    """Refuse a session without a therapist or without a patient: there is no alliance to read.

    The message says who was found, why, and how to say who is who (``--therapist``/``--patient``).
    """
    present = {turn.role for turn in transcript.turns}
    missing = [r.value for r in (Role.THERAPIST, Role.PATIENT) if r not in present]
    if not missing:
        return
    found = "; ".join(f"{a.speaker!r} {a.role.value}: {a.basis}" for a in transcript.roles)
    raise InputError(
        f"no {' and no '.join(missing)} among the speakers, so there is no alliance to analyse"
        + (f" ({found})" if found else ""),
        path=transcript.metadata.source,
        expected="a session with a therapist and a patient; say who is who with --therapist NAME"
        " or --patient NAME",
    )


def _guess(undecided: list[str], table: dict[str, SpeakerStats]) -> dict[str, RoleAssignment]:
    """The two speakers who talk most: the one asking more questions (per turn) is the therapist."""
    main = sorted(undecided, key=lambda n: (-table[n].turns, table[n].first))[:2]
    result: dict[str, RoleAssignment] = {}
    if len(main) == 2:
        a, b = (table[n] for n in main)
        rate_a = a.questions / max(a.turns, 1)
        rate_b = b.questions / max(b.turns, 1)
        weak = abs(rate_a - rate_b) < 0.05
        if weak:
            therapist, patient = (a, b) if a.first < b.first else (b, a)
        else:
            therapist, patient = (a, b) if rate_a > rate_b else (b, a)
        facts = (
            f"{therapist.name} asked {_plural(therapist.questions, 'question')} in"
            f" {_plural(therapist.turns, 'turn')} vs {patient.questions} in {patient.turns}"
            f" for {patient.name}"
        )
        if weak:
            basis = f"guessed, weakly: {facts}; {therapist.name} speaks first"
        else:
            basis = f"guessed: {facts}"
        basis += " (use --therapist NAME to set it)"
        result[therapist.name] = RoleAssignment(therapist.name, Role.THERAPIST, "heuristic", basis)
        result[patient.name] = RoleAssignment(patient.name, Role.PATIENT, "heuristic", basis)
    second = next((n for n, a in result.items() if a.role is Role.PATIENT), None)
    for name in undecided:
        if name in result:
            continue
        if second is not None and _speaks_often(table[name], table[second]):
            result[name] = RoleAssignment(
                name,
                Role.PATIENT,
                "heuristic",
                f"guessed: speaks often ({_plural(table[name].turns, 'turn')}) beside {second!r}:"
                " another patient (couple or family session?; use --therapist NAME to set it)",
            )
        else:
            result[name] = RoleAssignment(
                name, Role.OTHER, "heuristic", "speaks less than the two main speakers"
            )
    return result
