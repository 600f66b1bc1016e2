"""The meta-communication checker: a draft repair statement against the article's rules.

Seven rules, each met or missed with the words concerned and advice:

- ``accusation``: no attacking "vous êtes… / tu es… / you are…" (an impression in "je" is fine);
- ``generalisation``: no "toujours", "jamais", "always", "every time";
- ``interpretation``: curiosity, not an interpretation stated as fact ("c'est parce que vous…");
- ``blame``: no reproach, no bruised ego ("je suis vexé", "after all I've done");
- ``i_statement``: the therapist speaks in the first person;
- ``observation``: a concrete, recent fact (an observation verb and a moment, trigger or quote);
- ``invitation``: an invitation to explore together (a question, "essayons de comprendre ensemble");
- ``open_door``: the door left open, and no pressure ("il faut que vous", "tell me why").

Which rules apply depends on the approach. A *direct* repair is meta-communication: all of them.
An *indirect* repair (empathic reflection, validation, returning to safer ground, deferring) does
not talk about the relationship, so it need not be an I-statement, name an observation, invite or
open a door; it must still not accuse, generalise, impose an interpretation or blame. Which rule
applies to which approach is data (``applies`` in ``lang/<code>/checker.toml``).

The patient's words quoted in the statement (« … », “…”, "…") are removed before the forbidding
rules are applied (they are not the therapist's generalisation) and count as a concrete fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from raccord.repair.language import detect_language
from raccord.taxonomy import RepairApproach
from raccord.understand.text import pack_code, section, typeset

RULES = (
    "accusation",
    "generalisation",
    "interpretation",
    "blame",
    "i_statement",
    "observation",
    "invitation",
    "open_door",
)

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule: met or missed, the words concerned, and what to do about it."""

    rule: str
    ok: bool
    evidence: tuple[str, ...] = ()
    advice: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one statement: ``ok`` when every applicable rule is met."""

    text: str
    lang: str
    approach: RepairApproach
    ok: bool
    rules: tuple[RuleResult, ...]
    rewrite: str | None = None

    @property
    def missed(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.ok)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` shape: ok, rules (rule, ok, evidence, advice), rewrite."""
        return {
            "ok": self.ok,
            "lang": self.lang,
            "approach": self.approach.value,
            "rules": [
                {"rule": r.rule, "ok": r.ok, "evidence": list(r.evidence), "advice": r.advice}
                for r in self.rules
            ],
            "rewrite": self.rewrite,
        }


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    title: str
    applies: frozenset[str]
    forbid: tuple[re.Pattern[str], ...]
    require: tuple[re.Pattern[str], ...]
    anchors: tuple[re.Pattern[str], ...]
    pressure: tuple[re.Pattern[str], ...]
    hedged_ok: bool
    advice: str


def _compile(items: Any) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(str(p), re.IGNORECASE) for p in (items or ()))


@cache
def _config(code: str) -> tuple[tuple[_Rule, ...], tuple[re.Pattern[str], ...], dict[str, Any]]:
    data = section(code, "checker")
    rules = []
    for name in RULES:
        raw = data.get("rules", {}).get(name)
        if raw is None:
            continue
        rules.append(
            _Rule(
                name=name,
                title=str(raw.get("title", name)),
                applies=frozenset(raw.get("applies", ("direct",))),
                forbid=_compile(raw.get("forbid")),
                require=_compile(raw.get("require")),
                anchors=_compile(raw.get("anchors")),
                pressure=_compile(raw.get("pressure")),
                hedged_ok=bool(raw.get("hedged_ok", False)),
                advice=str(raw.get("advice", "")),
            )
        )
    return tuple(rules), _compile(data.get("hedges")), data


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _forbidden(rule: _Rule, text: str, hedges: tuple[re.Pattern[str], ...]) -> list[str]:
    """Words matching a forbidden pattern, unless a hedge comes earlier in the same sentence."""
    found: list[str] = []
    unquoted = _QUOTED.sub(" ", text)
    for sentence in _sentences(unquoted):
        for pattern in rule.forbid:
            for hit in pattern.finditer(sentence):
                if rule.hedged_ok and any(h.search(sentence[: hit.start()]) for h in hedges):
                    continue
                found.append(hit.group(0).strip())
    return list(dict.fromkeys(found))


def _evaluate(rule: _Rule, text: str, hedges: tuple[re.Pattern[str], ...]) -> RuleResult:
    if rule.forbid:
        hits = _forbidden(rule, text, hedges)
        return RuleResult(
            rule.name, not hits, tuple(hits), "" if not hits else rule.advice, rule.title
        )
    unquoted = _QUOTED.sub(" ", text)
    required = [m.group(0) for p in rule.require for m in [p.search(unquoted)] if m]
    ok = bool(required)
    evidence: list[str] = required[:1]
    if ok and rule.anchors:
        anchors = [m.group(0) for p in rule.anchors for m in [p.search(text)] if m]
        ok = bool(anchors)
        evidence += anchors[:1]
    if rule.pressure:
        pushed = [m.group(0) for p in rule.pressure for m in [p.search(unquoted)] if m]
        if pushed:
            ok = False
            evidence = pushed
    return RuleResult(
        rule.name,
        ok,
        tuple(evidence) if ok or rule.pressure else (),
        "" if ok else rule.advice,
        rule.title,
    )


def _applicable(code: str, approach: RepairApproach) -> tuple[_Rule, ...]:
    rules, _, _ = _config(code)
    return tuple(r for r in rules if approach.value in r.applies)


def _verdict(text: str, code: str, approach: RepairApproach) -> tuple[RuleResult, ...]:
    _, hedges, _ = _config(code)
    return tuple(_evaluate(r, text, hedges) for r in _applicable(code, approach))


def check(
    text: str,
    lang: str | None = None,
    *,
    approach: RepairApproach = RepairApproach.DIRECT,
) -> CheckResult:
    """Check one draft statement; ``lang`` is detected (French or English) when not given."""
    code = pack_code(lang or detect_language(text))
    normalised = _normalise(text).strip()
    results = _verdict(normalised, code, approach)
    ok = all(r.ok for r in results)
    rewrite = None if ok else _rewrite(normalised, code, approach, results)
    return CheckResult(
        text=text, lang=code, approach=approach, ok=ok, rules=results, rewrite=rewrite
    )


def _rewrite(
    text: str, code: str, approach: RepairApproach, results: tuple[RuleResult, ...]
) -> str:
    """A better wording: the pack's replacements, offending sentences dropped, missing parts added."""
    _, _, data = _config(code)
    spec: dict[str, Any] = data.get("rewrite", {})
    rules = {r.name: r for r in _config(code)[0]}
    _, hedges, _ = _config(code)
    forbidding = [r for r in rules.values() if r.forbid]
    pressing = [p for r in rules.values() for p in r.pressure]
    sentences = []
    for sentence in _sentences(text):
        if any(_forbidden(r, sentence, hedges) for r in forbidding) or any(
            p.search(_QUOTED.sub(" ", sentence)) for p in pressing
        ):
            for item in spec.get("replace", ()):
                sentence = re.sub(
                    str(item["pattern"]), str(item["with"]), sentence, flags=re.IGNORECASE
                )
        if sentence.strip() not in sentences:  # two accusations can become the same sentence
            sentences.append(sentence.strip())
    out = " ".join(sentences)
    for name in spec.get("drop_rules", ()):
        rule = rules.get(str(name))
        if rule is None:
            continue
        kept = [s for s in _sentences(out) if not _forbidden(rule, s, hedges)]
        out = " ".join(s.strip() for s in kept)
    out = _tidy(out)
    missing = {r.rule for r in _verdict(out, code, approach) if not r.ok}
    parts = [out] if out else []
    if missing & {"i_statement", "observation"}:
        parts.insert(0, str(spec.get("prefix", "")))
    if "invitation" in missing:
        parts.append(str(spec.get("invitation", "")))
    if "open_door" in missing:
        parts.append(str(spec.get("open_door", "")))
    return typeset(code, _tidy(" ".join(p for p in parts if p)))


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"([.!?]\s+)([a-zàâçéèêëîïôûù])", lambda m: m.group(1) + m.group(2).upper(), text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.?!…»”"':
        text += "."
    return text
