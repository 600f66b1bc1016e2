"""Several sessions of one patient for supervision: trends, alerts, subjects that keep hurting,
what worked, open items, and questions to bring, each raised by one finding of the history.

A pure function of the history (``history.build``) and the stored analyses; the wording is
``[supervision]`` of ``lang/<code>/workspace.toml`` and the history's own sentences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from raccord.history.build import History
from raccord.history.render import open_item_line, to_json
from raccord.report.wording import Words, words

WORKED_PER_SESSION = 2


@dataclass(frozen=True, slots=True)
class SupervisionView:
    language: str
    title: str
    subtitle: str
    made: str
    numbers: tuple[int, ...]
    series: dict[str, tuple[float | None, ...]]
    alerts: tuple[str, ...]
    prohibitions: tuple[tuple[str, str], ...]
    what_worked: tuple[str, ...]
    open_items: tuple[str, ...]
    questions: tuple[str, ...]

    @property
    def words(self) -> Words:
        return words(self.language)


def build(
    history: History,
    analyses: Mapping[int, Mapping[str, Any]],
    *,
    keep_names: bool = False,
    today: dt.date | None = None,
) -> SupervisionView:
    record = history.record
    w = words(record.language)
    data = to_json(history)
    code = w.code
    patient = record.pseudonym if keep_names else w.label("role_names", "patient")
    patient = patient[:1].upper() + patient[1:]
    numbers = tuple(s.number for s in record.sessions)
    if len(numbers) == 1:
        subtitle = w.t("supervision", "of_one", patient=patient, first=numbers[0])
    else:
        subtitle = w.t(
            "supervision",
            "of",
            patient=patient,
            first=numbers[0] if numbers else "",
            last=numbers[-1] if numbers else "",
            n=len(numbers),
        )
    subtitle += " · " + w.t("report", "named" if keep_names else "pseudonymised")
    worked = []
    for number in numbers:
        items = (analyses.get(number, {}).get("formulation") or {}).get("what_works", ())
        for item in list(items)[:WORKED_PER_SESSION]:
            worked.append(f"{w.t('supervision', 'session', number=number)} — {item}")
    questions: list[str] = []
    feelings = w.choices("web", "feelings")
    for alert in history.alerts:
        values: dict[str, object] = {"session": alert.sessions[0] if alert.sessions else ""}
        values.update(alert.values)
        if "feeling" in values:
            values["feeling"] = feelings.get(str(values["feeling"]), values["feeling"])
        question = w.t("supervision", f"q_{alert.kind}", **values)
        if question not in questions:
            questions.append(question)
    if not questions:
        questions.append(w.t("supervision", "q_none"))
    trends = history.trends
    return SupervisionView(
        language=code,
        title=w.t("supervision", "title"),
        subtitle=subtitle,
        made=w.t("report", "made", date=(today or dt.date.today()).isoformat()),
        numbers=tuple(t.session for t in trends),
        series={
            w.label("headings", "patient_score").rstrip(" :\xa0\u202f"): tuple(
                t.patient_rupture for t in trends
            ),
            w.label("headings", "therapist_score").rstrip(" :\xa0\u202f"): tuple(
                t.therapist_contribution for t in trends
            ),
            "check-in": tuple(None if t.checkin is None else t.checkin / 10 for t in trends),
        },
        alerts=tuple(str(a["reason"]) for a in data["alerts"]),
        prohibitions=tuple((str(p["topic"]), str(p["suggestion"])) for p in data["prohibitions"]),
        what_worked=tuple(worked),
        open_items=tuple(open_item_line(code, i) for i in history.open_items),
        questions=tuple(questions),
    )


def markdown(v: SupervisionView) -> str:
    w = v.words
    out = [f"# {v.title}", "", f"{v.subtitle}  ", f"*{v.made}*", ""]
    sections: Sequence[tuple[str, Sequence[str]]] = (
        ("questions", v.questions),
        ("alerts", v.alerts),
        ("prohibitions", [f"{w.quote(t)} — {s}" for t, s in v.prohibitions]),
        ("what_worked", v.what_worked),
        ("open_items", v.open_items),
    )
    for key, items in sections:
        out += [f"## {w.t('supervision', key)}", ""]
        out += [f"- {i}" for i in items] or ["—"]
        out += [""]
    out += [f"## {w.t('supervision', 'trend')}", ""]
    names = list(v.series)
    out += ["| # | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for i, n in enumerate(v.numbers):
        cells = [
            ("—" if v.series[k][i] is None else w.number(float(v.series[k][i] or 0))) for k in names
        ]
        out += [f"| {n} | " + " | ".join(cells) + " |"]
    return "\n".join(out).rstrip() + "\n"


def html(v: SupervisionView) -> str:
    from markupsafe import Markup

    from raccord.report import document, plot

    figure = plot.trend(list(v.numbers), {k: list(vals) for k, vals in v.series.items()})
    template = document.environment().get_template("supervision.html.j2")
    return str(
        template.render(
            v=v,
            w=v.words,
            css=Markup(document.css()),
            plotly_js=Markup(plot.plotly_js().replace("</script", "<\\/script")),
            figure=figure,
        )
    )


def write(v: SupervisionView, fmt: str) -> bytes:
    from raccord.report import document

    if fmt == "md":
        return markdown(v).encode("utf-8")
    if fmt == "html":
        return html(v).encode("utf-8")
    return document.pdf_from_html(html(v))
