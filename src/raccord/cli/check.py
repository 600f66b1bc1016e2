"""``raccord check``: review a draft repair statement against the meta-communication rules.

Works like a linter: exit status 0 when the statement passes, 1 when a rule is missed, so a trainer
can run it over a file of trainees' wordings. ``--indirect`` checks an indirect repair (validation,
return to safer ground…), for which only the no-label, no-generalisation, curiosity, no-jargon and no-blame
rules apply.
"""

from __future__ import annotations

import json
import sys

import click

from raccord import lang
from raccord.errors import RaccordError
from raccord.repair.checker import CheckResult
from raccord.repair.checker import check as check_text
from raccord.taxonomy import RepairApproach
from raccord.understand.text import typeset


def render(result: CheckResult) -> str:
    """The text report: one line per rule, then the suggested wording when it fails."""
    report = lang.section(result.lang, "checker").get("report", {})
    lines: list[str] = []
    width = max((len(r.title) for r in result.rules), default=0)
    for r in result.rules:
        mark = "✓" if r.ok else ("•" if r.advisory else "✗")
        status = report.get("ok", "ok") if r.ok else report.get("missed", "missed")
        if r.advisory and not r.ok:
            status = report.get("advice", "advice")
        line = f"{mark} {r.title.ljust(width)}  {status}"
        if r.evidence and not r.ok:
            quote = str(report.get("quote", "“{}”"))
            line += f" — {report.get('evidence', 'words')}: " + ", ".join(
                quote.format(e) for e in r.evidence
            )
        lines.append(typeset(result.lang, line))
        if not r.ok and r.advice:
            lines.append(f"    {typeset(result.lang, r.advice)}")
    if result.approach is RepairApproach.INDIRECT and report.get("indirect_note"):
        lines.append(typeset(result.lang, str(report["indirect_note"])))
    if result.ok:
        lines.append(typeset(result.lang, str(report.get("passes", "ok"))))
    else:
        n = len(result.missed)
        fails = report.get(lang.counted(report, "fails", n), "{n}")
        lines.append(typeset(result.lang, str(fails).format(n=n)))
        if result.rewrite:
            lines.append(
                typeset(result.lang, f"{report.get('rewrite', 'Suggested wording:')} ")
                + result.rewrite
            )
    return "\n".join(lines)


@click.command()
@click.argument("text")
@click.option(
    "--lang",
    "language",
    type=click.Choice(sorted(lang.available())),
    default=None,
    help="Language of the statement (detected when not given).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Report as text or as JSON {ok, rules, rewrite}.",
)
@click.option(
    "--indirect",
    is_flag=True,
    help="Check an indirect repair (only no-label, no-generalisation, curiosity, no-jargon, no-blame apply).",
)
def check(text: str, language: str | None, fmt: str, indirect: bool) -> None:
    """Check a draft repair statement TEXT ('-' reads it from standard input).

    Exit status 0 when it follows the rules, 1 when it does not.
    """
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise RaccordError(
            "the statement to check is empty",
            expected='a draft repair statement, e.g. raccord check "J\'ai remarqué que…"',
        )
    approach = RepairApproach.INDIRECT if indirect else RepairApproach.DIRECT
    result = check_text(text, language, approach=approach)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render(result))
    if not result.ok:
        raise click.exceptions.Exit(1)
