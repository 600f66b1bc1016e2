"""A ``SessionView`` written out: one self-contained HTML file, a PDF, or Markdown.

The HTML carries its styles, Plotly's JavaScript and the figure inside (it opens offline). The PDF
is that HTML printed by headless Chromium (Debian's ``chromium``), in a fresh profile with network
features off, from a private temporary folder removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from raccord.errors import MissingExtraError, RaccordError
from raccord.report import plot
from raccord.report.view import SessionView

FORMATS = ("html", "pdf", "md")
CHROMIUM_ENV = "RACCORD_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PRINT_TIMEOUT = 120


@cache
def environment() -> Any:
    """The Jinja2 environment over the report's templates (autoescaped)."""
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - installed with the 'web' extra
        raise MissingExtraError(
            "reports need the 'web' extra", expected="pip install 'raccord[web]'"
        ) from exc
    folder = resources.files("raccord.report").joinpath("templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def css() -> str:
    return resources.files("raccord.report").joinpath("templates", "report.css").read_text("utf-8")


def html(view: SessionView) -> str:
    """The report as one HTML document with everything inside."""
    from markupsafe import Markup

    template = environment().get_template("report.html.j2")
    return str(
        template.render(
            v=view,
            w=view.words,
            css=Markup(css()),
            plotly_js=Markup(plot.plotly_js().replace("</script", "<\\/script")),
            figure=plot.timeline(view),
        )
    )


def markdown(view: SessionView) -> str:
    """The report as Markdown: the first page's sections, then the details, without the picture."""
    w = view.words
    out = [f"# {view.title}", "", f"{view.subtitle}  ", f"{view.scores}  ", f"*{view.made}*", ""]
    out += [f"## {w.t('report', 'key_moments')}", ""]
    for m in view.moments:
        out += [f"**{m.heading}**", "", f"> {w.quote(m.words)}", ""]
    if not view.moments:
        out += [w.t("report", "no_key_moment"), ""]
    out += [f"## {w.t('report', 'next_time')}", ""]
    if view.next_time:
        s = view.next_time
        out += [f"> {w.quote(s.text)}", ""]
        out += [
            w.t(
                "report",
                "when_to_say",
                timing=w.label("timing", s.timing),
                approach=w.label("approach", s.approach),
                strategy=w.label("repair", s.strategy),
            ),
            "",
        ]
    else:
        out += [w.t("report", "next_time_none"), ""]
    out += [f"## {w.t('report', 'what_worked')}", ""]
    out += [f"- {i}" for i in view.what_worked] or [w.t("report", "nothing_worked")]
    out += ["", f"## {w.t('report', 'open_items')}", ""]
    out += [f"- {i}" for i in view.open_items] or [w.t("report", "no_open_item")]
    out += ["", f"## {w.t('report', 'details')}", ""]
    out += [f"- {s}" for s in view.summary]
    for ep in view.episodes:
        out += ["", f"### {ep.title}", ""]
        if ep.topic:
            out += [w.t("report", "topic", topic=ep.topic), ""]
        for key, items in (
            ("patient_part", ep.patient_part),
            ("therapist_part", ep.therapist_part),
            ("interaction", ep.interaction),
            ("needs", ep.needs),
        ):
            if items:
                out += [f"**{w.t('report', key)}**", ""] + [f"- {i}" for i in items] + [""]
        if ep.own:
            out += [f"**{w.t('report', 'own_formulation')}**", ""]
            out += [f"- *{label}* {text}" for label, text in ep.own] + [""]
        if ep.suggestions:
            out += [f"**{w.t('report', 'suggestions')}**", ""]
            for s in ep.suggestions:
                out += [
                    f"- *{w.label('approach', s.approach)} · {w.label('repair', s.strategy)} · "
                    f"{w.label('timing', s.timing)}* — {w.quote(s.text)}"
                ]
            out += [""]
    if view.notes:
        out += [f"### {w.t('report', 'notes')}", ""]
        out += [
            "- " + (w.t("report", "note", turn=n.uid, text=n.text) if n.uid is not None else n.text)
            for n in view.notes
        ]
        out += [""]
    out += [f"### {w.t('report', 'transcript')}", ""]
    for t in view.turns:
        if not (t.markers or t.move):
            continue
        out += [
            f"- **#{t.uid} {t.clock} {t.speaker}** : {t.text}"
            if view.language == "fr"
            else f"- **#{t.uid} {t.clock} {t.speaker}**: {t.text}"
        ]
        out += [f"  - *{m.label}* ({m.measure})" for m in t.markers]
        if t.move:
            out += [f"  - *{t.move.label}*"]
    return "\n".join(out).rstrip() + "\n"


def chromium() -> str:
    """The system Chromium (``RACCORD_CHROMIUM`` overrides the search)."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RaccordError(
        "PDF needs a Chromium browser and none was found",
        expected="Debian's chromium (apt-get install chromium) or RACCORD_CHROMIUM=/path/to/it",
    )


def pdf_from_html(document: str) -> bytes:
    """Print an HTML document to PDF with headless Chromium (offline, throwaway profile)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="raccord-print-") as folder:
        os.chmod(folder, 0o700)
        page = Path(folder) / "report.html"
        out = Path(folder) / "report.pdf"
        page.write_text(document, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            "--virtual-time-budget=8000",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RaccordError("Chromium did not finish printing the report", path=browser) from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RaccordError(f"Chromium could not print the report: {tail[0]}", path=browser)
        return out.read_bytes()


def write(view: SessionView, fmt: str) -> bytes:
    """The report in ``fmt`` (html, pdf, md) as bytes."""
    if fmt == "html":
        return html(view).encode("utf-8")
    if fmt == "md":
        return markdown(view).encode("utf-8")
    if fmt == "pdf":
        return pdf_from_html(html(view))
    raise RaccordError(f"unknown report format {fmt!r}", expected=", ".join(FORMATS))
