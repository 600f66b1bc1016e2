"""The patient's grammatical gender, read once from the speaker label, and the words agreeing with it.

A French clinician writes « la patiente est revenue… vérifier avec elle » or « le patient est
revenu… vérifier avec lui »; « la personne » reads impersonal and translated. The transcript says
which when the patient's speaker label does (« Patiente », « Mme Roux »; « Patient », « M. Roux »);
a first name, « P » or « SPEAKER_01 » says nothing, and then the reports keep « la personne »
(feminine: « revenue », « avec elle »). The gender is a session fact (``SessionFacts.patient_gender``),
decided here once; every sentence is then filled with ``patient_words``. The label forms and the
words are pack data (``understand.toml [patient]``): a language without them (English, where the
templates say "the patient" and "they") has no gender to decide and no words to fill.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from raccord import lang
from raccord.lang import pack_code
from raccord.model import Transcript
from raccord.taxonomy import Role


class Gender(StrEnum):
    """The grammatical gender the reports give the patient: ``unknown`` when the label says
    nothing, or when several patients speak (a couple, a family)."""

    FEMININE = "feminine"
    MASCULINE = "masculine"
    UNKNOWN = "unknown"

    @classmethod
    def read(cls, value: object) -> Gender:
        """The gender a record stored (``"feminine"``), ``unknown`` for anything else (a record
        written before the fact existed)."""
        try:
            return cls(str(value))
        except ValueError:
            return cls.UNKNOWN


@cache
def _label_forms(code: str) -> tuple[tuple[Gender, tuple[re.Pattern[str], ...]], ...]:
    table = lang.section(code, "understand").get("patient", {}).get("labels", {})
    return tuple(
        (gender, tuple(re.compile(str(p), re.IGNORECASE) for p in table.get(gender.value, ())))
        for gender in (Gender.FEMININE, Gender.MASCULINE)
    )


def label_gender(label: str, code: str) -> Gender:
    """The gender a speaker label states in the language ``code`` (« Patiente » → feminine,
    « M. Roux » → masculine, « Léa » → unknown)."""
    clean = re.sub(r"\s+", " ", label.strip()).rstrip(" :-")
    for gender, patterns in _label_forms(pack_code(code)):
        if any(p.search(clean) for p in patterns):
            return gender
    return Gender.UNKNOWN


@cache
def _agreements(code: str) -> tuple[tuple[Role, Gender, re.Pattern[str], int], ...]:
    """For each side (the patient of themself, the therapist to them) and each gender, the pack's
    pattern of an agreement that says it (``understand.toml [patient.agreements]``), with what
    one hit counts: 1 for an agreement, ``AGREEMENTS_NEEDED`` for the therapist's greeting that
    names the patient (``address_<gender>``: « Bonjour, Madame Lebrun », fresh64's florist was
    « le patient » all through), which decides alone unless the other gender is heard too."""
    table = lang.section(code, "understand").get("patient", {}).get("agreements", {})
    out: list[tuple[Role, Gender, re.Pattern[str], int]] = []
    for role, key in ((Role.PATIENT, "patient"), (Role.THERAPIST, "therapist")):
        shape = table.get(key)
        if not shape:
            continue
        for gender in (Gender.FEMININE, Gender.MASCULINE):
            forms = "|".join(re.escape(str(f)) for f in table.get(gender.value, ()))
            if forms:
                out.append((role, gender, re.compile(str(shape).format(forms=forms), re.I), 1))
    for gender in (Gender.FEMININE, Gender.MASCULINE):
        address = table.get(f"address_{gender.value}")
        if address:
            out.append((Role.THERAPIST, gender, re.compile(str(address), re.I), AGREEMENTS_NEEDED))
    return tuple(out)


#: Agreements of one gender, with none of the other, that decide it from the text.
AGREEMENTS_NEEDED = 2


def heard_gender(transcript: Transcript, code: str) -> Gender:
    """The gender the session's own words give the patient: the patient's agreements of
    themself (« je suis allée »), the therapist's to them (« vous êtes restée ») and greeting
    (« Bonjour, Madame Lebrun »), when one
    gender comes ``AGREEMENTS_NEEDED`` times and the other never; else ``unknown``."""
    patterns = _agreements(pack_code(code))
    if not patterns:
        return Gender.UNKNOWN
    counts = {Gender.FEMININE: 0, Gender.MASCULINE: 0}
    for turn in transcript.turns:
        for role, gender, pattern, weight in patterns:
            if turn.role is role:
                counts[gender] += weight * len(pattern.findall(turn.text.replace("’", "'")))
    f, m = counts[Gender.FEMININE], counts[Gender.MASCULINE]
    if f >= AGREEMENTS_NEEDED and m == 0:
        return Gender.FEMININE
    if m >= AGREEMENTS_NEEDED and f == 0:
        return Gender.MASCULINE
    return Gender.UNKNOWN


@cache
def _generic_forms(code: str) -> tuple[re.Pattern[str], ...]:
    table = lang.section(code, "understand").get("patient", {}).get("labels", {})
    return tuple(re.compile(str(p), re.IGNORECASE) for p in table.get("generic", ()))


def _generic(label: str, code: str) -> bool:
    """Whether the label is the role word alone (« Patient », a CSV's « client »): a role, not a
    gender."""
    clean = re.sub(r"\s+", " ", label.strip()).rstrip(" :-")
    return any(p.search(clean) for p in _generic_forms(pack_code(code)))


def patient_gender(transcript: Transcript, code: str) -> Gender:
    """The patient's gender, ``unknown`` unless exactly one patient speaks: the one their speaker
    label states (« Patiente », « M. Roux »); for the role word alone (« Patient », a CSV's
    « client ») or a label that says nothing (« Léa », « P »), the one the session's agreements
    give (``heard_gender``), else the label's (« Patient »: masculine) or ``unknown``."""
    patients = transcript.speakers_with(Role.PATIENT)
    if len(patients) != 1:
        return Gender.UNKNOWN
    said = label_gender(patients[0], code)
    if said is not Gender.UNKNOWN and not _generic(patients[0], code):
        return said
    heard = heard_gender(transcript, code)
    return heard if heard is not Gender.UNKNOWN else said


@cache
def patient_words(code: str, gender: Gender = Gender.UNKNOWN) -> Mapping[str, str]:
    """The words a template names the patient with (``{le_patient}``, ``{du_patient}``,
    ``{il}``, ``{lui}``, the agreement ``{e}``…), each also capitalised (``{Le_patient}``), for
    ``gender`` in the language ``code``; empty for a language whose templates need none."""
    table = lang.section(pack_code(code), "understand").get("patient", {}).get("words", {})
    forms = {str(k): str(v) for k, v in table.get(gender.value, {}).items()}
    capitals = {k[:1].upper() + k[1:]: v[:1].upper() + v[1:] for k, v in forms.items()}
    return MappingProxyType({**capitals, **forms})
