"""Every generated suggestion passes the meta-communication checker.

The sweep covers every marker subtype (so every kind) × severity × resolution × attachment style
× language; the therapist's possible part (none, advice, closed questions, an imposed
interpretation, arguing, a concern passed over), the script (with a topic and a safer ground, or
responsibility questions and no topic) and a recurring marker (vicious circle, implicit
prohibition) rotate across those combinations so that each subtype meets each of them. Direct suggestions must meet all eight rules;
indirect ones the four that apply to them.
"""

from __future__ import annotations

import itertools

import pytest

from raccord.model import Detection, Transcript
from raccord.repair import check
from raccord.repair.suggest import _links, episode_suggestions
from raccord.taxonomy import (
    AttachmentStyle,
    Contribution,
    MarkerSubtype,
    RepairApproach,
    Resolution,
    Severity,
    TherapistMoveType,
)
from raccord.understand.session_facts import session_facts
from test_understand_support import detection, episode, marker, move, session

TURNS = {
    "fr": {
        "topic": [
            "T: Vous m'avez parlé de votre semaine.",
            "P: Oui, j'ai beaucoup marché avec ma sœur au bord du lac, on a parlé de nos projets "
            "et ça m'a vraiment fait du bien.",
            "T: Et votre consommation d'alcool, où en êtes-vous ?",
            "P: C'est pas le sujet, arrêtez de me parler de ça.",
            "T: Hm.",
            "P: Bon.",
        ],
        "responsibility": [
            "T: Bonjour.",
            "P: Bonjour.",
            "T: Qu'est-ce que vous pourriez faire pour que ça change ?",
            "P: Je sais pas, de toute façon ça sert à rien.",
            "T: Et qu'est-ce que vous pourriez faire, concrètement ?",
            "P: Rien.",
        ],
    },
    "en": {
        "topic": [
            "T: You told me about your week.",
            "P: Yes, I walked a lot with my sister by the lake, we talked about our plans and it "
            "really did me good.",
            "T: And your drinking, where are you with it?",
            "P: That's not the point, stop going on about that.",
            "T: Hm.",
            "P: Well.",
        ],
        "responsibility": [
            "T: Hello.",
            "P: Hello.",
            "T: What could you do to change that?",
            "P: Dunno, it's no use anyway.",
            "T: And what could you do, concretely?",
            "P: Nothing.",
        ],
    },
}

PARTS: dict[str, tuple[TherapistMoveType, Contribution]] = {
    "none": (TherapistMoveType.OPEN_QUESTION, Contribution.NONE),
    "advice": (TherapistMoveType.ADVICE_WITHOUT_PERMISSION, Contribution.ADVICE_UNSOLICITED),
    "closed": (TherapistMoveType.CLOSED_QUESTION, Contribution.CLOSED_INTERROGATION),
    "interpretation": (TherapistMoveType.INTERPRETATION, Contribution.INTERPRETATION_IMPOSED),
    "argue": (TherapistMoveType.CONFRONTING, Contribution.CONFRONT_ARGUE),
    "ignores": (TherapistMoveType.OTHER, Contribution.IGNORES_CONCERN),
}


def _scenario(
    lang: str,
    script: str,
    subtype: MarkerSubtype,
    severity: Severity,
    resolved: Resolution,
    part: str,
    twice: bool,
) -> tuple[Transcript, Detection]:
    t = session(TURNS[lang][script], lang)
    ms = [marker(3, subtype, 4 if severity is Severity.MACRO else 3)]
    if twice:
        ms.append(marker(5, subtype, 3))
    kind, contribution = PARTS[part]
    moves = [move(2, kind, contribution), move(4, kind, contribution)]
    return t, detection(ms, moves, [episode(ms, 5, severity=severity, resolved=resolved)])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_generated_suggestion_passes_the_checker(lang: str) -> None:
    failures: list[tuple[str, str, list[str]]] = []
    seen = 0
    parts = list(PARTS)
    for i, (subtype, severity, resolved) in enumerate(
        itertools.product(MarkerSubtype, Severity, Resolution)
    ):
        # the therapist's part, the script and the recurrence rotate so each meets every subtype
        part = parts[i % len(parts)]
        script = ("topic", "responsibility")[i % 2]
        twice = (i // 2) % 2 == 1
        t, d = _scenario(lang, script, subtype, severity, resolved, part, twice)
        known = session_facts(t, d, lang)
        facts = known.episodes
        links = _links(known)
        for attachment in AttachmentStyle:
            suggestions = episode_suggestions(lang, t, facts[0], attachment, links.get(0))
            approaches = {s.approach for s in suggestions}
            assert approaches == {RepairApproach.DIRECT, RepairApproach.INDIRECT}
            for s in suggestions:
                seen += 1
                result = check(s.text, lang, approach=s.approach)
                if not result.ok:
                    failures.append((s.strategy.value, s.text, [r.rule for r in result.missed]))
                assert "{" not in s.text and "  " not in s.text, s.text
    assert seen > 1000
    assert not failures, failures[:5]
