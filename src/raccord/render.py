"""The terminal view of an analysis, read in one minute, with the whole timeline on demand.

Written for a clinician reading in a terminal after the session. The default view is the brief
(``raccord.brief``): the moments that matter with the patient's words, what worked, one
statement for next session, open items, the scores with their scale and meaning, one line per
episode and the therapist's notes next to the moments they match; it fits in 80 lines.
``details=True`` (``--details``) adds the timeline with markers, episodes and evidence (turns
without any cue folded away unless ``show_all``), the formulation and every repair option.
Every heading and label comes from the language pack (``lang/<code>/report.toml``), so the
report is in the session's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.text import Text

from raccord import lang, prose
from raccord.brief import Brief, brief
from raccord.detect import contribution
from raccord.lang.cues import strip_accents
from raccord.model import (
    Episode,
    Marker,
    SessionAnalysis,
    Suggestion,
    TherapistMove,
    Transcript,
    Turn,
)
from raccord.quote import clip
from raccord.taxonomy import Contribution, RepairStrategy, Role
from raccord.understand.invitations import Invited, note_key
from raccord.understand.patient import Gender, patient_words
from raccord.understand.text import after_colon, typeset

CONTEXT_BEFORE = 2
TEXT_WIDTH = 400
WORDS_WIDTH = 40
EPISODES_SHOWN = 12
OPEN_ITEMS_SHOWN = 2


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "        "
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


@dataclass(frozen=True)
class _Words:
    """The report's wording for one language, finished by its typography."""

    pack: dict[str, Any]
    code: str = "en"
    #: the patient's grammatical gender, a fact of the session (``SessionFacts.patient_gender``)
    gender: Gender = Gender.UNKNOWN

    def __call__(self, table: str, key: str) -> str:
        return self.typeset(str(self.pack.get(table, {}).get(key, key.replace("_", " "))))

    def typeset(self, text: str) -> str:
        return typeset(self.code, text)

    def number(self, value: float) -> str:
        """``0.56`` in the language's way of writing decimals (``0,56`` in French)."""
        return lang.decimal(self.code, value)

    def quote(self, words: str) -> str:
        """``words`` between the language's quotation marks (``[numbers] quote`` of the pack)."""
        return str(self.pack.get("numbers", {}).get("quote", "“{}”")).format(words)

    def brief(self, key: str, /, **values: object) -> str:
        """The ``[brief]`` sentence ``key`` filled with ``values``, the patient named as their
        gender has it (``patient_words``), typeset."""
        template = str(self.pack.get("brief", {}).get(key, key))
        return self.typeset(template.format(**patient_words(self.code, self.gender), **values))

    def count(self, n: int, key: str) -> str:
        """``n`` and the heading ``key``, singular (``<key>_one``) when n is 1 and the pack has it."""
        return f"{n} {self('headings', lang.counted(self.pack.get('headings', {}), key, n))}"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"


def _turns_to_show(analysis: SessionAnalysis, show_all: bool) -> list[int]:
    n = len(analysis.transcript.turns)
    if show_all:
        return list(range(n))
    det = analysis.detection
    keep: set[int] = set()
    for m in det.markers:
        keep.update(range(max(0, m.turn - CONTEXT_BEFORE), m.turn + 1))
    for e in det.episodes:
        keep.update(range(max(0, e.start - CONTEXT_BEFORE), min(n, e.end + 1)))
    for mv in det.moves:
        if mv.contribution is not Contribution.NONE or mv.repair is not RepairStrategy.NONE:
            keep.add(mv.turn)
    return sorted(k for k in keep if 0 <= k < n)


def _turn_line(turn: Turn, w: _Words, style: str = "") -> Text:
    line = Text()
    line.append(_clock(turn.start) + " ", style="dim")
    line.append(
        f"{w('roles', turn.role.value):>1} ",
        style="bold cyan" if turn.role.value == "therapist" else "bold magenta",
    )
    line.append(f"#{turn.uid:<4} ", style="dim")
    line.append(_excerpt(turn.as_said()) or "…", style=style)
    return line


def _marker_block(marker: Marker, w: _Words) -> RenderableType:
    head = Text("▲ ", style="bold red" if marker.kind.value == "confrontation" else "bold yellow")
    head.append(
        f"{w('marker_title', marker.kind.value)} — {w('subtype', marker.subtype.value)}",
        style="bold",
    )
    measure = w("headings", "measure").format(
        salience=marker.salience, confidence=w.number(marker.confidence)
    )
    head.append(f"  ({measure})", style="dim")
    lines: list[RenderableType] = [head]
    for ev in marker.evidence:
        item = Text("  · ")
        if ev.words and ev.words not in ev.detail:
            item.append(w.typeset(w.quote(ev.words) + " "), style="italic")
        item.append(w.typeset(ev.detail))
        lines.append(item)
    return Padding(Group(*lines), (0, 0, 0, 14))


def _move_block(move: TherapistMove, w: _Words) -> RenderableType | None:
    if move.contribution is Contribution.NONE and move.repair is RepairStrategy.NONE:
        return None
    if move.contribution is not Contribution.NONE:
        head = Text("◆ ", style="bold blue")
        head.append(w("contribution", move.contribution.value), style="bold")
    else:
        head = Text("✚ ", style="bold green")
        head.append(w("repair", move.repair.value), style="bold")
    lines: list[RenderableType] = [head]
    lines.extend(Text(f"  · {w.typeset(ev.detail)}") for ev in move.evidence[:2])
    return Padding(Group(*lines), (0, 0, 0, 14))


def _episode_rule(index: int, ep: Episode, analysis: SessionAnalysis, w: _Words) -> Rule:
    turns = analysis.transcript.turns
    title = (
        f"{w('headings', 'episode')} {index + 1} · {w('kind', ep.kind.value)} · "
        f"{w('severity', ep.severity.value)} · {w('headings', 'resolved')} "
        f"{w('resolution', ep.resolved.value)} · {w('headings', 'turns_range')} "
        f"#{turns[ep.start].uid}–#{turns[ep.end].uid}"
    )
    return Rule(title, style="red" if ep.kind.value != "withdrawal" else "yellow", align="left")


def _bullets(items: Iterable[str]) -> list[RenderableType]:
    return [Padding(Text(f"• {item}"), (0, 0, 0, 2)) for item in items]


def _suggestion_block(s: Suggestion, w: _Words) -> RenderableType:
    if s.done_at is not None:  # already made and it took: reflected back, not suggested again
        head = Text(f"[{w('headings', 'done')}]", style="bold green")
        return Padding(Group(head, Text(f"  {s.text}")), (0, 0, 0, 2))
    head = Text(
        f"[{w('approach', s.approach.value)} · {w('repair', s.strategy.value)} · "
        f"{w('timing', s.timing.value)}]",
        style="bold green",
    )
    body = Text(f"  {s.text}")
    why = Text(f"  ({w('headings', 'why')} {s.why})", style="dim")
    return Padding(Group(head, body, why), (0, 0, 0, 2))


def _short(text: str, width: int = WORDS_WIDTH) -> str:
    return clip(text, width)


def _invitations(analysis: SessionAnalysis) -> dict[int, Invited]:
    """The markers said in answer to the therapist's invitation, by turn (a fact of the session)."""
    facts = analysis.formulation.facts if analysis.formulation is not None else None
    return {i.marker: i for i in facts.invited} if facts is not None else {}


def _invited_text(w: _Words, tr: Transcript, asked: Invited) -> str:
    return w.brief(note_key(asked.kind), turn=tr.turns[asked.therapist].uid)


def _brief_block(
    analysis: SessionAnalysis, b: Brief, w: _Words, form: prose.FormulationProse | None
) -> list[RenderableType]:
    """The summary (at most 15 lines), the scores with their scale, the episodes, lone notes."""
    tr = analysis.transcript
    det = analysis.detection
    notes = form.therapist_notes if form is not None else ()

    def say(key: str, **values: object) -> str:
        return w.brief(key, **values)

    def resolved(value: str) -> str:
        return w.typeset(str(w.pack.get("brief", {}).get("resolution", {}).get(value, value)))

    def when(index: int) -> str:
        start = tr.turns[index].start
        return say("moment_time", time=_clock(start)) if start is not None else ""

    invited = _invitations(analysis)
    parts: list[RenderableType] = [Rule(say("title"), align="left")]
    if not b.moments and det.markers:  # markers, none sure enough to be a moment
        n = len(det.markers)
        parts.append(Text(say(lang.counted(w.pack.get("brief", {}), "none_weak", n), n=n)))
    elif not b.moments:
        parts.append(Text(say("none")))
    else:
        parts.append(Text(say("moments"), style="bold"))
    for n, moment in enumerate(b.moments, 1):
        m = moment.marker
        state = det.episodes[moment.episode].resolved.value if moment.episode is not None else "no"
        line = say(
            "moment",
            n=n,
            turn=tr.turns[m.turn].uid,
            time=when(m.turn),
            subtype=w("subtype", m.subtype.value),
            resolved=resolved(state),
            words=w.quote(_short(tr.turns[m.turn].text)),
        )
        parts.append(Padding(Text(line), (0, 0, 0, 1)))
        if m.turn in invited:
            line = _invited_text(w, tr, invited[m.turn])
            parts.append(Padding(Text(line, style="dim"), (0, 0, 0, 4)))
        for i in moment.notes:
            parts.append(Padding(Text(say("note_here", text=_short(notes[i].text))), (0, 0, 0, 4)))
    if b.worked:
        parts.append(Text(say("worked", item=after_colon(w.code, b.worked))))
    # the summary stays within 15 lines: with a statement for next session, one open item here
    shown = b.open_items[: 1 if b.next_session is not None else OPEN_ITEMS_SHOWN]
    if b.planned:  # what the patient asked to take up next time comes first
        parts.extend(Text(say("open", item=after_colon(w.code, item))) for item in shown)
    if b.next_session is not None:
        key = "next_after_plan" if b.planned else "next"
        parts.append(Text(say(key, text=w.quote(b.next_session.text))))
    elif b.moments and not b.open_items:
        parts.append(Text(say("next_missing" if b.unresolved else "next_none")))
    if not b.planned:
        parts.extend(Text(say("open", item=after_colon(w.code, item))) for item in shown)
    if len(b.open_items) > len(shown):
        more = len(b.open_items) - len(shown)
        key = lang.counted(w.pack.get("brief", {}), "open_more", more)
        parts.append(Text(say(key, n=more), style="dim"))

    parts.append(Rule(say("scores"), align="left"))
    parts.append(Text(say("patient_score", value=w.number(det.scores.patient_rupture))))
    # with no turn flagged, the index is style alone and says so with its counts (a review found
    # 0.23 beside a session with no contribution, read as blame)
    style = contribution.profile(tr, det.moves)
    alone = style.substantive_turns and not style.contributing
    key = "therapist_score_style" if alone else "therapist_score"
    parts.append(
        Text(
            say(
                key,
                value=w.number(det.scores.therapist_contribution),
                directive=style.directive,
                turns=style.substantive_turns,
                reflections=style.reflections,
            )
        )
    )

    if det.episodes:
        parts.append(Rule(f"{say('episodes')} ({len(det.episodes)})", align="left"))
        for n, ep in enumerate(det.episodes[:EPISODES_SHOWN], 1):
            line = say(
                "episode",
                n=n,
                start=tr.turns[ep.start].uid,
                end=tr.turns[ep.end].uid,
                time=when(ep.start),
                kind=w("kind", ep.kind.value),
                severity=w("severity", ep.severity.value),
                resolved=resolved(ep.resolved.value),
            )
            parts.append(Padding(Text(line), (0, 0, 0, 1)))
        if len(det.episodes) > EPISODES_SHOWN:
            hidden = say("episodes_more", n=len(det.episodes) - EPISODES_SHOWN)
            parts.append(Padding(Text(hidden, style="dim"), (0, 0, 0, 1)))
    if b.lone_notes and form is not None:
        parts.append(Rule(say("notes"), align="left"))
        parts.extend(_bullets(form.timeline[i] for i in b.lone_notes))
    return parts


def _multi_party(tr: Transcript, w: _Words) -> str:
    """Who is there when the session is not one therapist and one patient, and what it implies."""
    groups = []
    for role in (Role.THERAPIST, Role.PATIENT, Role.OTHER):
        names = tr.speakers_with(role)
        if names:
            key = f"{role.value}_many" if len(names) > 1 else role.value
            groups.append(f"{w('multi_party', key)} ({', '.join(names)})")
    return w.typeset(
        str(w.pack.get("multi_party", {}).get("summary", "{parties}")).format(
            parties=", ".join(groups)
        )
    )


def _speaker_as(speaker: str, role: str) -> str:
    """A speaker and the role read for them — « Claire = patient » —, or the speaker alone when
    the label already names the role (« Patiente », not « Patiente = patient »: fresh38's review)."""
    if strip_accents(speaker).casefold().startswith(strip_accents(role).casefold()):
        return speaker
    return f"{speaker} = {role}"


def render(
    analysis: SessionAnalysis, *, show_all: bool = False, details: bool = False
) -> RenderableType:
    """The report as one rich renderable (print it with a ``rich.console.Console``): the brief,
    and with ``details`` (or ``show_all``) the timeline, the formulation and every option."""
    tr = analysis.transcript
    det = analysis.detection
    facts = analysis.formulation.facts if analysis.formulation is not None else None
    w = _Words(
        dict(lang.load(tr.language).get("report", {})),
        tr.language or "en",
        facts.patient_gender if facts is not None else Gender.UNKNOWN,
    )
    parts: list[RenderableType] = []
    details = details or show_all

    duration = tr.duration
    where = [str(x) for x in (tr.metadata.source, tr.metadata.transcript_id) if x is not None]
    if len(where) == 2:  # one session of a corpus file: say which
        where[1] = f"{w('headings', 'session').lower()} {where[1]}"
    title = Text(f"{w('headings', 'session')} — {', '.join(where)}", style="bold")
    title.append(f" · {tr.language} · {tr.numbered} {w('headings', 'turns')}")
    if duration:
        title.append(f" · {duration / 60:.0f} {w('headings', 'minutes')}")
    parts.append(title)
    roles = ", ".join(
        f"{_speaker_as(r.speaker, w('role_names', r.role.value))} "
        f"({w('role_method', r.method) if r.method in w.pack.get('role_method', {}) else r.basis})"
        for r in tr.roles
    )
    parts.append(Text(f"{w('headings', 'roles')} {roles}", style="dim"))
    if tr.multi_party:
        parts.append(Text(_multi_party(tr, w), style="yellow"))
    parts.append(Text(w("headings", "hypothesis"), style="italic dim"))
    form = prose.of(analysis)
    parts.extend(_brief_block(analysis, brief(analysis, form), w, form))
    if not details:
        parts.append(Text(w.typeset(str(w.pack.get("brief", {}).get("details", ""))), style="dim"))
        return Group(*parts)

    parts.append(Rule(w("headings", "timeline"), align="left"))
    invited = _invitations(analysis)
    if not det.markers:
        parts.append(Text(w("headings", "markers_none")))
    markers_at: dict[int, list[Marker]] = {}
    for m in det.markers:
        markers_at.setdefault(m.turn, []).append(m)
    moves_at = {mv.turn: mv for mv in det.moves}
    episode_starts = {ep.start: (i, ep) for i, ep in enumerate(det.episodes)}
    shown = _turns_to_show(analysis, show_all)
    previous = -1
    for index in shown:
        if index in episode_starts:
            i, ep = episode_starts[index]
            parts.append(_episode_rule(i, ep, analysis, w))
        if index > previous + 1 and not show_all:
            parts.append(
                Text(f"           … {w.count(index - previous - 1, 'elided')}", style="dim")
            )
        turn = tr.turns[index]
        parts.append(_turn_line(turn, w, "bold" if index in markers_at else ""))
        for m in markers_at.get(index, []):
            parts.append(_marker_block(m, w))
            if index in invited:
                said = _invited_text(w, tr, invited[index])
                parts.append(Padding(Text(f"  · {said}"), (0, 0, 0, 14)))
        if index in moves_at:
            block = _move_block(moves_at[index], w)
            if block is not None:
                parts.append(block)
        previous = index
    if previous < len(tr.turns) - 1 and not show_all and shown:
        parts.append(
            Text(
                f"           … {w.count(len(tr.turns) - previous - 1, 'elided')}",
                style="dim",
            )
        )

    if form is not None:
        parts.append(Rule(w("headings", "formulation"), align="left"))
        parts.extend(_bullets(form.summary))
        for ef in form.episodes:
            ep = det.episodes[ef.episode]
            parts.append(
                Text(
                    f"{w('headings', 'episode')} {ef.episode + 1} · {w('kind', ep.kind.value)}"
                    + (f" · {ef.topic}" if ef.topic else ""),
                    style="bold",
                )
            )
            for heading, items in (
                ("patient_part", ef.patient_part),
                ("therapist_part", ef.therapist_part),
                ("interaction", ef.interaction),
            ):
                if items:
                    parts.append(Text(f" {w('headings', heading)}", style="underline"))
                    parts.extend(_bullets(items))
            if ef.needs:
                parts.append(Text(f" {w('headings', 'needs')}", style="underline"))
                parts.extend(_bullets(n.question for n in ef.needs))
            suggestions = [s for s in analysis.suggestions if s.episode == ef.episode]
            if suggestions:
                parts.append(Text(f" {w('headings', 'suggestions')}", style="underline"))
                context = next((s.context for s in suggestions if s.context), "")
                if context:
                    answers = Text(f"({w('headings', 'options_for')} {context})", style="dim")
                    parts.append(Padding(answers, (0, 0, 0, 2)))
                parts.extend(_suggestion_block(s, w) for s in suggestions)
        for heading, items in (
            ("cycles", form.cycles),
            ("what_works", form.what_works),
            ("open_items", form.open_items),
        ):
            if items:
                parts.append(Text(w("headings", heading), style="bold"))
                parts.extend(_bullets(items))
        if form.therapist_notes:
            parts.append(Text(w("headings", "notes"), style="bold"))
            parts.extend(
                _bullets(
                    (
                        f"#{tr.turns[n.turn].uid} "
                        if n.turn is not None and 0 <= n.turn < len(tr.turns)
                        else ""
                    )
                    + n.text
                    for n in form.therapist_notes
                )
            )
    return Group(*parts)


def print_report(
    analysis: SessionAnalysis,
    console: Console | None = None,
    *,
    show_all: bool = False,
    details: bool = False,
) -> None:
    (console or Console(highlight=False)).print(
        render(analysis, show_all=show_all, details=details)
    )
