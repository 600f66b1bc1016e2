"""A history as JSON data (stable keys) or as text for the therapist, in the patient's language."""

from __future__ import annotations

from typing import Any

from raccord import lang
from raccord.export import plain
from raccord.history import wording
from raccord.history.build import History
from raccord.history.data import OpenItemRecord
from raccord.history.prohibitions import WINDOW, Prohibition
from raccord.lang import pack_code
from raccord.understand.text import label, with_de

EXCERPT_WORDS = 20


def _text(code: str, table: str, key: str, **values: object) -> str:
    return str(wording.section(code, table)[key]).format(**values)


def _excerpt(text: str) -> str:
    tokens = text.split()
    return " ".join(tokens[:EXCERPT_WORDS]) + ("…" if len(tokens) > EXCERPT_WORDS else "")


def alert_reason(code: str, kind: str, values: dict[str, object]) -> str:
    shown = dict(values)
    if kind == "journal":
        shown["feeling"] = label(code, "feeling", str(values["feeling"]))
    if kind == "checkin_falling":
        shown = {k: lang.decimal(code, float(str(v)), 1) for k, v in values.items()}
    return _text(code, "alert", kind, **shown)


def suggestion(code: str, topic: str) -> str:
    return _text(code, "text", "suggestion", topic=topic, topic_de=with_de(code, topic))


def to_json(history: History) -> dict[str, Any]:
    code = pack_code(history.record.language)
    return {
        "patient": history.record.pseudonym,
        "sessions": [s.number for s in history.record.sessions],
        "prohibitions": [
            {
                "topic": p.topic,
                "words": list(p.words),
                "mentions": len(p.occasions),
                "sessions": list(p.sessions),
                "marked_sessions": list(p.marked_sessions),
                "raised_by": p.raised_by,
                "replies": p.replies,
                "marked_replies": p.marked,
                "rate": round(p.rate, 3),
                "baseline_rate": round(p.baseline_rate, 3),
                "baseline_replies": p.baseline_replies,
                "test": {
                    "name": "fisher_exact_one_sided_bonferroni",
                    "p_value": p.p_value,
                    "subjects_tested": p.tested,
                    "window_turns": WINDOW,
                },
                "examples": [plain(e) for e in p.examples],
                "suggestion": suggestion(code, p.topic),
            }
            for p in history.prohibitions
        ],
        "alerts": [
            {
                "kind": a.kind,
                "reason": alert_reason(code, a.kind, a.values),
                "sessions": list(a.sessions),
                **{k: v for k, v in a.values.items()},
            }
            for a in history.alerts
        ],
        "trends": {"sessions": [plain(t) for t in history.trends], "course": history.course},
        "open_items": [plain(i) for i in history.open_items],
    }


def _p_value(code: str, value: float) -> str:
    """``7.6e-05`` with the language's decimal mark (``7,6e-05``)."""
    mark = lang.decimal(code, 0.5, 1)[1]
    return f"{value:.2g}".replace(".", mark)


def _raised(code: str, p: Prohibition) -> str:
    roles = wording.section(code, "roles")
    parts = sorted(p.raised_by.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{roles.get(r, r)} ({n})" for r, n in parts)


def _percent(code: str, value: float) -> str:
    return _text(code, "text", "percent", value=lang.decimal(code, 100 * value, 0))


def open_item_line(code: str, item: OpenItemRecord) -> str:
    return _text(
        code,
        "text",
        "open_item",
        id=item.id,
        session=item.session,
        start=item.start,
        end=item.end,
        kind=label(code, "kind", item.kind),
        severity=label(code, "severity", item.severity),
        resolved=label(code, "resolved", item.resolved),
        deferred=_text(code, "text", "deferred") if item.deferred else "",
    )


def to_text(history: History) -> str:
    code = pack_code(history.record.language)
    n = len(history.record.sessions)
    key = "title_one" if n == 1 else "title"
    lines = [_text(code, "text", key, patient=history.record.pseudonym, n=n), ""]
    lines.append(_text(code, "text", "prohibitions"))
    if not history.prohibitions:
        lines.append("  " + _text(code, "text", "no_prohibition"))
    for p in history.prohibitions:
        lines.append(
            "- "
            + _text(
                code,
                "text",
                "prohibition",
                topic=p.topic,
                words=", ".join(w for w in p.words[1:6]) or p.topic,
                mentions=len(p.occasions),
                sessions=", ".join(map(str, p.sessions)),
                raised=_raised(code, p),
                marked=p.marked,
                replies=p.replies,
                window=WINDOW,
                rate=_percent(code, p.rate),
                baseline=_percent(code, p.baseline_rate),
                test=_text(code, "text", "test", p=_p_value(code, p.p_value), tested=p.tested),
            )
        )
        roles = wording.section(code, "roles")
        for e in p.examples:
            lines.append(
                "    "
                + _text(
                    code,
                    "text",
                    "example",
                    session=e.session,
                    turn=e.turn,
                    who=roles.get(e.role, e.role),
                    text=_excerpt(e.text),
                    reply_turn=e.reply_turn,
                    reply=_excerpt(e.reply),
                )
            )
        lines.append("    " + suggestion(code, p.topic))
    lines += ["", _text(code, "text", "alerts")]
    if not history.alerts:
        lines.append("  " + _text(code, "text", "no_alert"))
    for a in history.alerts:
        lines.append("- " + alert_reason(code, a.kind, a.values))
    lines += ["", _text(code, "text", "open_items")]
    if not history.open_items:
        lines.append("  " + _text(code, "text", "no_open_item"))
    for item in history.open_items:
        lines.append("- " + open_item_line(code, item))
    lines += ["", _text(code, "text", "trends"), _text(code, "text", "trend_head")]
    none = _text(code, "text", "no_value")
    for t in history.trends:
        lines.append(
            f"{t.session} | {t.date or none} | {t.withdrawal} | {t.confrontation} | "
            f"{t.episodes} ({t.resolved}) | {lang.decimal(code, t.patient_rupture, 2)} | "
            f"{lang.decimal(code, t.therapist_contribution, 2)} | "
            f"{none if t.checkin is None else lang.decimal(code, t.checkin, 1)}"
        )

    def slope(name: str) -> str:
        value = history.course.get(name)
        return none if value is None else ("+" if value > 0 else "") + lang.decimal(code, value, 3)

    lines.append(
        _text(
            code,
            "text",
            "course",
            rupture=slope("patient_rupture"),
            contribution=slope("therapist_contribution"),
            checkin=slope("checkin"),
        )
    )
    return "\n".join(lines) + "\n"
