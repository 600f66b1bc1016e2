"""The meta-communication checker: a draft repair statement against the article's conditions.

The article (« Intervention directe ») asks the therapist to speak in « je » about what they
observed rather than label the person, to rest on a concrete, recent fact, to explore with
curiosity rather than impose an interpretation, to invite rather than corner (no closed or
accusing « pourquoi » question), to avoid generalisations, jargon, reproach and wounded ego, and
to present the repair as shared work. Each of these is one rule here, and each failing rule
names the words concerned. Leaving the door open (« si ce n'est pas le bon moment… ») is
*advice* for a patient who may not be receptive, never a failure on its own.

A rule reads what a sentence does, not single keywords: the same words are fine inside the
patient's quoted words, after a hedge of the same sentence (« je me demande si… »), or in an
allowed phrase (« vous pouvez toujours m'arrêter »); questions are judged open or closed by
raccord's one question engine (``detect.moves.move_type``), a proposal (« peut-être
pourrions-nous… ? ») and a wondering aloud (« je me demande si je n'ai pas été trop vite… ? »)
are not closed questions; an observation about the person needs an anchor (a moment, a
trigger, their words), a statement about « nous » or about oneself does not.

Which rules apply depends on the approach: a *direct* repair is meta-communication (all rules);
an *indirect* repair (validation, safer ground, deferring) does not talk about the relationship,
so only the rules about what must not be said apply. The patterns, the rule kinds and which rule
applies to which approach are data in ``lang/<code>/checker.toml``; the labelled drafts of
``tests/fixtures/checker`` and ``benchmarks/checker.py`` measure them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from raccord.detect.moves import move_type
from raccord.lang import pack_code
from raccord.repair.language import detect_language
from raccord.taxonomy import RepairApproach, TherapistMoveType
from raccord.understand.patient import Gender, patient_words
from raccord.understand.text import section, typeset

#: The rules a draft can fail, in report order.
FAILING_RULES = (
    "accusation",
    "generalisation",
    "interpretation",
    "closed_question",
    "jargon",
    "blame",
    "observation",
    "collaboration",
)
#: Every rule reported; the open door is advice, never a failure on its own.
RULES = (*FAILING_RULES, "open_door")

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule: met or missed, the words concerned, and what to do about it.

    ``advisory`` rules (the door left open) are advice: they never make the statement fail.
    """

    rule: str
    ok: bool
    evidence: tuple[str, ...] = ()
    advice: str = ""
    title: str = ""
    advisory: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one statement: ``ok`` when every applicable (non-advisory) rule is met."""

    text: str
    lang: str
    approach: RepairApproach
    ok: bool
    rules: tuple[RuleResult, ...]
    rewrite: str | None = None

    @property
    def missed(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.ok and not r.advisory)

    @property
    def advice(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.ok and r.advisory)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` shape: ok, rules (rule, ok, advisory, evidence, advice), rewrite."""
        return {
            "ok": self.ok,
            "lang": self.lang,
            "approach": self.approach.value,
            "rules": [
                {
                    "rule": r.rule,
                    "ok": r.ok,
                    "advisory": r.advisory,
                    "evidence": list(r.evidence),
                    "advice": r.advice,
                }
                for r in self.rules
            ],
            "rewrite": self.rewrite,
        }


Patterns = tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    kind: str
    title: str
    applies: frozenset[str]
    advice: str
    forbid: Patterns = ()
    #: Forbidden even after a hedge: « je me demande si je vous rappelle votre père » is still an
    #: interpretation imposed on the relationship, only politely worded.
    strict: Patterns = ()
    allow: Patterns = ()
    hedged_ok: bool = False
    why: Patterns = ()
    proposal: Patterns = ()
    observe: Patterns = ()
    anchors: Patterns = ()
    invite: Patterns = ()
    pressure: Patterns = ()
    door: Patterns = ()


@dataclass(frozen=True, slots=True)
class _Pack:
    code: str
    rules: tuple[_Rule, ...]
    hedges: Patterns
    replace: tuple[tuple[str, re.Pattern[str], str], ...]
    rewrite: dict[str, Any]
    first_person: Patterns


def _compile(items: Any, traits: Sequence[str] = ()) -> Patterns:
    alternatives = "|".join(str(t) for t in traits)
    return tuple(
        re.compile(str(p).replace("{traits}", alternatives), re.IGNORECASE) for p in (items or ())
    )


@cache
def _pack(code: str) -> _Pack:
    data = section(code, "checker")
    rules = []
    for name in RULES:
        raw = data.get("rules", {}).get(name)
        if raw is None:
            continue
        traits = [str(t) for t in raw.get("traits", ())]
        rules.append(
            _Rule(
                name=name,
                kind=str(raw.get("kind", "forbid")),
                title=str(raw.get("title", name)),
                applies=frozenset(raw.get("applies", ("direct",))),
                advice=str(raw.get("advice", "")),
                forbid=_compile(raw.get("forbid"), traits),
                strict=_compile(raw.get("strict"), traits),
                allow=_compile(raw.get("allow")),
                hedged_ok=bool(raw.get("hedged_ok", False)),
                why=_compile(raw.get("why")),
                proposal=_compile(raw.get("proposal")),
                observe=_compile(raw.get("observe")),
                anchors=_compile(raw.get("anchors")),
                invite=_compile(raw.get("invite")),
                pressure=_compile(raw.get("pressure")),
                door=_compile(raw.get("door")),
            )
        )
    spec: dict[str, Any] = dict(data.get("rewrite", {}))
    replace = tuple(
        (str(item["rule"]), re.compile(str(item["pattern"]), re.IGNORECASE), str(item["with"]))
        for item in spec.pop("replace", ())
    )
    return _Pack(
        code=code,
        rules=tuple(rules),
        hedges=_compile(data.get("hedges")),
        replace=replace,
        rewrite=spec,
        first_person=_compile(spec.get("first_person")),
    )


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")


def _sentences(text: str) -> list[str]:
    """Sentences of ``text``; a full stop inside the patient's quoted words does not end one."""
    quotes: list[str] = []

    def hide(m: re.Match[str]) -> str:
        quotes.append(m.group(0))
        return f"\x00{len(quotes) - 1}\x00"

    hidden = _QUOTED.sub(hide, text)
    out = []
    for s in _SENTENCE.findall(hidden):
        if s.strip():
            out.append(_PLACEHOLDER.sub(lambda m: quotes[int(m.group(1))], s).strip())
    return out


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def _first(patterns: Patterns, text: str) -> re.Match[str] | None:
    for p in patterns:
        m = p.search(text)
        if m:
            return m
    return None


# --------------------------------------------------------------------------- one rule each kind


def _forbidden(rule: _Rule, sentence: str, hedges: Patterns) -> list[str]:
    """Forbidden words of one sentence: not in an allowed phrase, not after a hedge (if allowed)."""
    plain = _unquoted(sentence)
    allowed = [m.span() for p in rule.allow for m in p.finditer(plain)]
    found: list[str] = []
    for pattern in rule.forbid:
        for hit in pattern.finditer(plain):
            if any(a <= hit.start() < b for a, b in allowed):
                continue
            if rule.hedged_ok and any(h.search(plain[: hit.start()]) for h in hedges):
                continue
            found.append(hit.group(0).strip(" ,"))
    for pattern in rule.strict:
        found.extend(
            hit.group(0).strip(" ,")
            for hit in pattern.finditer(plain)
            if not any(a <= hit.start() < b for a, b in allowed)
        )
    return found


def _closed(rule: _Rule, sentence: str, code: str) -> list[str]:
    """The question of ``sentence`` if it is a why aimed at the person or a closed question."""
    plain = _unquoted(sentence).strip()
    if not plain.endswith("?"):
        return []
    if _first(rule.why, plain):
        return [sentence.strip()]
    if _first(rule.proposal, plain):
        return []
    kind, _ = move_type(sentence, code)
    return [sentence.strip()] if kind is TherapistMoveType.CLOSED_QUESTION else []


def _pressure(rule: _Rule, sentence: str) -> list[str]:
    plain = _unquoted(sentence)
    return [m.group(0) for p in rule.pressure for m in p.finditer(plain)]


def _sentence_faults(rule: _Rule, sentence: str, pack: _Pack) -> list[str]:
    """What one sentence does wrong under ``rule`` (rules that can be judged sentence by sentence)."""
    if rule.kind == "forbid":
        return _forbidden(rule, sentence, pack.hedges)
    if rule.kind == "question":
        return _closed(rule, sentence, pack.code)
    if rule.kind == "invite":
        return _pressure(rule, sentence)
    return []


def _evaluate(rule: _Rule, sentences: list[str], pack: _Pack) -> RuleResult:
    def result(ok: bool, evidence: Sequence[str], advisory: bool = False) -> RuleResult:
        words = tuple(dict.fromkeys(evidence))
        advice = "" if ok else rule.advice
        return RuleResult(rule.name, ok, words, advice, rule.title, advisory)

    whole = " ".join(sentences)
    if rule.kind in ("forbid", "question"):
        faults = [w for s in sentences for w in _sentence_faults(rule, s, pack)]
        return result(not faults, faults)
    if rule.kind == "anchored":
        anchored = _first(rule.anchors, whole) is not None
        seen = [m.group(0) for s in sentences if (m := _first(rule.observe, _unquoted(s)))]
        return result(anchored or not seen, [] if anchored else seen)
    if rule.kind == "invite":
        pushed = [w for s in sentences for w in _pressure(rule, s)]
        if pushed:
            return result(False, pushed)
        invited = _first(rule.invite, _unquoted(whole))
        if invited:
            return result(True, [invited.group(0)])
        return result(False, sentences[-1:])
    door = _first(rule.door, whole)
    return result(door is not None, [door.group(0)] if door else [], advisory=True)


def _applicable(pack: _Pack, approach: RepairApproach) -> tuple[_Rule, ...]:
    return tuple(r for r in pack.rules if approach.value in r.applies)


def _verdict(text: str, pack: _Pack, approach: RepairApproach) -> tuple[RuleResult, ...]:
    sentences = _sentences(text)
    return tuple(_evaluate(r, sentences, pack) for r in _applicable(pack, approach))


def check(
    text: str,
    lang: str | None = None,
    *,
    approach: RepairApproach = RepairApproach.DIRECT,
    gender: Gender = Gender.UNKNOWN,
) -> CheckResult:
    """Check one draft statement; ``lang`` is detected (French or English) when not given. The
    advice names the patient as their ``gender`` has it (« la personne » when unknown: a draft
    checked on its own comes with no session)."""
    code = pack_code(lang or detect_language(text))
    pack = _pack(code)
    normalised = _normalise(text).strip()
    results = _verdict(normalised, pack, approach)
    ok = all(r.ok for r in results if not r.advisory)
    rewrite = None if ok else _rewrite(normalised, pack, approach, results)
    forms = patient_words(code, gender)
    advised = tuple(replace(r, advice=r.advice.format(**forms)) for r in results)
    return CheckResult(
        text=text, lang=code, approach=approach, ok=ok, rules=advised, rewrite=rewrite
    )


# --------------------------------------------------------------------------- the rewrite


def _passes(text: str, pack: _Pack, approach: RepairApproach) -> bool:
    return all(r.ok for r in _verdict(text, pack, approach) if not r.advisory)


def _repair_sentence(
    sentence: str, pack: _Pack, rules: tuple[_Rule, ...], missed: set[str]
) -> str | None:
    """The sentence with its faults mended by the pack's safe replacements, or None to drop it."""
    for rule in rules:
        if rule.name not in missed or not _sentence_faults(rule, sentence, pack):
            continue
        for name, pattern, repl in pack.replace:
            if name == rule.name and pattern.search(sentence):
                sentence = pattern.sub(repl, sentence.strip(), count=1)
                break
    if any(_sentence_faults(r, sentence, pack) for r in rules):
        return None
    return sentence


def _rewrite(
    text: str, pack: _Pack, approach: RepairApproach, results: tuple[RuleResult, ...]
) -> str:
    """A wording that keeps what was right, mends what can be mended safely, drops the rest and
    adds what is missing (an anchor, the first person, an invitation). It passes the checker."""
    rules = _applicable(pack, approach)
    missed = {r.rule for r in results if not r.ok and not r.advisory}
    kept: list[str] = []
    for sentence in _sentences(text):
        mended = _repair_sentence(sentence, pack, rules, missed)
        if mended and _tidy(mended) not in kept:
            kept.append(_tidy(mended))
    spec = pack.rewrite
    out = " ".join(kept)
    if approach is RepairApproach.DIRECT:
        after = {r.rule: r for r in _verdict(out, pack, approach) if not r.ok}
        if "observation" in after:
            words = after["observation"].evidence[0]
            at = next(i for i, s in enumerate(kept) if words in s)
            kept[at] = re.sub(r"\s*([.!?…]*)$", rf"{spec.get('anchor', '')}\1", kept[at], count=1)
        opened = not kept or not _first(pack.first_person, _unquoted(" ".join(kept)))
        if opened:
            kept.insert(0, str(spec.get("opening", "")))
        out = " ".join(kept)
        uninvited = "collaboration" in {r.rule for r in _verdict(out, pack, approach) if not r.ok}
        if uninvited or (opened and "?" not in out):
            out = f"{out} {spec.get('invitation', '')}"
    out = _tidy(out)
    if not out or not _passes(out, pack, approach):
        out = _tidy(f"{spec.get('opening', '')} {spec.get('invitation', '')}")
    return typeset(pack.code, out)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"([.!?]\s+)([a-zàâçéèêëîïôûù])", lambda m: m.group(1) + m.group(2).upper(), text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.?!…»”"':
        text += "."
    return text
