"""One session as the report and the dashboard show it: a pure function of stored data.

``build`` reads the analysis as ``export.to_json`` writes it and the transcript rows the store keeps
(``store.records.transcript_rows``), so a session just analysed and a session read back from the
records give the same view. It re-derives nothing from the text: the markers, episodes, formulation
and suggestions are the pipeline's own; this module only chooses what goes on the first page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from raccord import lang, moments
from raccord.history.data import FORMULATION_FIELDS, FormulationRecord, JournalRecord
from raccord.model import NonVerbal, as_said, numbered
from raccord.report.names import person_names
from raccord.report.pseudonym import Pseudonymiser, names_of
from raccord.report.wording import Words, words
from raccord.taxonomy import clear_within
from raccord.understand.invitations import note_key
from raccord.understand.patient import Gender

EXCERPT = 220
KEY_MOMENTS = moments.MOMENTS


@dataclass(frozen=True, slots=True)
class MarkerView:
    turn: int
    uid: int
    kind: str
    label: str
    salience: int
    confidence: float
    evidence: tuple[str, ...] = ()
    #: « saillance 3/5, confiance 0,89 », shown with the marker in the details
    measure: str = ""
    #: said right after the therapist invited it (``understand/invitations.py``), in words
    invited: str | None = None


@dataclass(frozen=True, slots=True)
class MoveView:
    turn: int
    uid: int
    kind: str  # "repair" | "contribution"
    label: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteView:
    turn: int | None
    uid: int | None
    text: str


@dataclass(frozen=True, slots=True)
class TurnView:
    index: int
    uid: int
    role: str
    speaker: str
    text: str
    clock: str
    markers: tuple[MarkerView, ...] = ()
    move: MoveView | None = None
    episode: int | None = None


@dataclass(frozen=True, slots=True)
class SuggestionView:
    approach: str
    strategy: str
    timing: str
    text: str
    why: str
    #: what in the episode the suggestion answers (``Suggestion.context``)
    context: str = ""


@dataclass(frozen=True, slots=True)
class EpisodeView:
    index: int
    start: int
    end: int
    kind: str
    title: str
    severity: str
    resolved: str
    topic: str | None = None
    patient_part: tuple[str, ...] = ()
    therapist_part: tuple[str, ...] = ()
    interaction: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    suggestions: tuple[SuggestionView, ...] = ()
    own: tuple[tuple[str, str], ...] = ()  # the therapist's own formulation: (label, text)


@dataclass(frozen=True, slots=True)
class MomentView:
    turn: int
    kind: str
    heading: str
    words: str
    episode: int | None


@dataclass(frozen=True, slots=True)
class SessionView:
    language: str
    title: str
    subtitle: str
    pseudonymised: bool
    turns: tuple[TurnView, ...]
    engagement: tuple[float, ...]
    markers: tuple[MarkerView, ...]
    moves: tuple[MoveView, ...]
    episodes: tuple[EpisodeView, ...]
    notes: tuple[NoteView, ...]
    moments: tuple[MomentView, ...]
    what_worked: tuple[str, ...]
    next_time: SuggestionView | None
    open_items: tuple[str, ...]
    summary: tuple[str, ...]
    cycles: tuple[str, ...]
    scores: str
    made: str
    #: what the patient asked to take up next session (the first open item), shown before the
    #: sentence prepared to reopen an episode
    plan: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: the patient's grammatical gender, as the analysis recorded it (``SessionFacts``)
    gender: Gender = Gender.UNKNOWN

    @property
    def words(self) -> Words:
        return words(self.language, self.gender)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    return (
        f"{s // 3600:d}:{s % 3600 // 60:02d}:{s % 60:02d}"
        if s >= 3600
        else f"{s // 60:d}:{s % 60:02d}"
    )


def excerpt(text: str, width: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + " …"


def _evidence(w: Words, items: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    out = []
    for ev in items:
        detail = str(ev.get("detail") or "")
        quoted = ev.get("words")
        if quoted and str(quoted) not in detail:
            detail = f"{w.quote(str(quoted))} {detail}"
        if detail:
            out.append(detail)
    return tuple(out)


def _suggestion(s: Mapping[str, Any]) -> SuggestionView:
    return SuggestionView(
        approach=str(s.get("approach", "")),
        strategy=str(s.get("strategy", "")),
        timing=str(s.get("timing", "")),
        text=str(s.get("text", "")),
        why=str(s.get("why", "")),
        context=str(s.get("context", "")),
    )


def _next_time(
    suggestions: Sequence[Mapping[str, Any]],
    episodes: Sequence[Mapping[str, Any]],
    moves: Sequence[Mapping[str, Any]],
    markers: Sequence[Mapping[str, Any]] = (),
) -> SuggestionView | None:
    """The sentence to prepare: a direct repair worded for next session (never a repair already
    made and reflected back), for an episode left unresolved or deferred in session (a "defer"
    move inside it) first; none when every episode was resolved and nothing was deferred, and
    none for an episode without a clear marker (``taxonomy.clear_within``): bringing a possible,
    mild tension back to the patient can open the rupture it supposes.
    Only a suggestion whose timing is next session is shown: its wording (« La dernière
    fois… ») and its "When" agree."""
    marked = [
        (int(m["turn"]), int(m.get("salience", 0)), float(m.get("confidence", 1.0)))
        for m in markers
    ]
    clear = {
        int(e.get("index", k))
        for k, e in enumerate(episodes)
        if clear_within(int(e["start"]), int(e["end"]), marked)
    }

    def prepared(s: Mapping[str, Any]) -> bool:
        return (
            s.get("timing") == "next_session"
            and s.get("approach") == "direct"
            and s.get("done_at") is None
        )

    deferred = {int(m["turn"]) for m in moves if m.get("repair") == "defer"}
    for k, e in enumerate(episodes):
        if int(e.get("index", k)) not in clear:
            continue
        inside = any(int(e["start"]) <= t <= int(e["end"]) + 2 for t in deferred)
        if e.get("resolved") != "yes" or inside:
            for s in e.get("suggestions", ()):
                if prepared(s):
                    return _suggestion(s)
    for s in suggestions:
        if prepared(s) and s.get("episode") in clear:
            return _suggestion(s)
    return None


def _own_texts(f: FormulationRecord) -> tuple[str | None, ...]:
    return tuple(getattr(f, name) for name in FORMULATION_FIELDS)


def build(
    analysis: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    *,
    patient: str | None = None,
    number: int | None = None,
    date: dt.date | None = None,
    journal: Sequence[JournalRecord] = (),
    formulations: Sequence[FormulationRecord] = (),
    keep_names: bool = False,
    language: str | None = None,
    today: dt.date | None = None,
) -> SessionView:
    """The view of one session; names replaced unless ``keep_names``."""
    meta = analysis.get("transcript", {})
    recorded = (analysis.get("formulation") or {}).get("facts") or {}
    w = words(language or meta.get("language"), Gender.read(recorded.get("patient_gender")))
    if not keep_names:
        names = names_of(rows)
        if patient:
            names.setdefault(patient, "patient")
        real = meta.get("metadata", {}).get("patient")
        if real:
            names.setdefault(str(real), "patient")
        spoken = meta.get("language") or w.code
        texts = [str(r.get("text", "")) for r in rows]
        texts += [j.comment for j in journal if j.comment]
        texts += [t for f in formulations for t in _own_texts(f) if t]
        for found in person_names(texts, spoken):
            names.setdefault(found, "person")
        role_names = {r: w.label("role_names", r) for r in ("therapist", "patient", "other")}
        role_names["person"] = str(
            lang.section(w.code, "workspace").get("names", {}).get("placeholder") or "person"
        )
        p = Pseudonymiser(names, role_names)
        analysis = p.data(dict(analysis))
        rows = p.data([dict(r) for r in rows])
        journal = [
            JournalRecord(
                j.feeling, j.turn, j.seconds, j.intensity, p.text(j.comment or "") or None
            )
            for j in journal
        ]
        formulations = [
            FormulationRecord(f.episode, *(p.text(text or "") or None for text in _own_texts(f)))
            for f in formulations
        ]
    uid = {int(r["index"]): int(r.get("id", r["index"])) for r in rows}
    facts = (analysis.get("formulation") or {}).get("facts") or {}
    invited = {
        int(i["marker"]): w.t(
            "report",
            note_key(str(i.get("kind", "repair"))),
            turn=uid.get(int(i["therapist"]), int(i["therapist"])),
        )
        for i in facts.get("invited", ())
    }

    markers = tuple(
        MarkerView(
            turn=int(m["turn"]),
            uid=uid.get(int(m["turn"]), int(m["turn"])),
            kind=str(m["kind"]),
            label=f"{w.label('kind', m['kind'])} — {w.label('subtype', m['subtype'])}",
            # as the terminal report shows them (the evidence does not repeat the confidence)
            measure=w.label("headings", "measure").format(
                salience=int(m.get("salience", 0)),
                confidence=w.number(float(m.get("confidence", 0.0))),
            ),
            salience=int(m.get("salience", 0)),
            confidence=float(m.get("confidence", 0.0)),
            evidence=_evidence(w, m.get("evidence", ())),
            invited=invited.get(int(m["turn"])),
        )
        for m in analysis.get("markers", ())
        if m.get("kind") in ("withdrawal", "confrontation")
    )
    moves = []
    for mv in analysis.get("moves", ()):
        turn = int(mv["turn"])
        if mv.get("repair", "none") != "none":
            moves.append(
                MoveView(
                    turn,
                    uid.get(turn, turn),
                    "repair",
                    w.label("repair", mv["repair"]),
                    _evidence(w, mv.get("evidence", ())[:2]),
                )
            )
        elif mv.get("contribution", "none") != "none":
            moves.append(
                MoveView(
                    turn,
                    uid.get(turn, turn),
                    "contribution",
                    w.label("contribution", mv["contribution"]),
                    _evidence(w, mv.get("evidence", ())[:2]),
                )
            )

    formulation = analysis.get("formulation") or {}
    by_episode = {int(f["episode"]): f for f in formulation.get("episodes", ())}
    own = {f.episode: f for f in formulations}
    episodes = []
    for e in analysis.get("episodes", ()):
        i = int(e["index"])
        f = by_episode.get(i, {})
        episodes.append(
            EpisodeView(
                index=i,
                start=int(e["start"]),
                end=int(e["end"]),
                kind=str(e["kind"]),
                title=w.t(
                    "report",
                    "episode",
                    n=i + 1,
                    kind=w.label("kind", e["kind"]),
                    severity=w.label("severity", e["severity"]),
                    resolved=w.label("resolution", e["resolved"]),
                    start=e.get("start_id", e["start"]),
                    end=e.get("end_id", e["end"]),
                ),
                severity=str(e["severity"]),
                resolved=str(e["resolved"]),
                topic=f.get("topic"),
                patient_part=tuple(f.get("patient_part", ())),
                therapist_part=tuple(f.get("therapist_part", ())),
                interaction=tuple(f.get("interaction", ())),
                needs=tuple(str(n.get("question", "")) for n in f.get("needs", ())),
                suggestions=tuple(_suggestion(s) for s in e.get("suggestions", ())),
                own=tuple(
                    (w.t("report", f"own_{name}"), text)
                    for name, text in (own[i].fields() if i in own else ())
                ),
            )
        )

    notes = [
        NoteView(
            n.get("turn"),
            uid.get(n["turn"]) if n.get("turn") is not None else None,
            str(n.get("text", "")),
        )
        for n in formulation.get("therapist_notes", ())
    ]
    feelings = w.choices("web", "feelings")
    for j in journal:
        text = feelings.get(j.feeling, j.feeling)
        if j.intensity is not None:
            text += f" ({j.intensity}/10)"
        if j.comment:
            text += f" — {j.comment}"
        notes.append(NoteView(j.turn, uid.get(j.turn) if j.turn is not None else None, text))

    marks_at: dict[int, list[MarkerView]] = {}
    for m in markers:
        marks_at.setdefault(m.turn, []).append(m)
    move_at = {m.turn: m for m in moves}
    episode_at = {t: ep.index for ep in episodes for t in range(ep.start, ep.end + 1)}
    turns = tuple(
        TurnView(
            index=int(r["index"]),
            uid=uid[int(r["index"])],
            role=str(r.get("role", "other")),
            speaker=str(r.get("speaker", "")),
            text=as_said(str(r.get("text", "")), _annotations(r)),
            clock=clock(r.get("start")),
            markers=tuple(marks_at.get(int(r["index"]), ())),
            move=move_at.get(int(r["index"])),
            episode=episode_at.get(int(r["index"])),
        )
        for r in rows
    )

    plans = (formulation.get("facts") or {}).get("plans", ())
    planned = {int(p["turn"]) for p in plans if not p.get("proposed")}
    key_moments = _moments(w, turns, markers, analysis.get("episodes", ()), planned)
    scores = analysis.get("scores", {})
    number_text = str(number) if number is not None else ""
    name = patient if (keep_names and patient) else w.label("role_names", "patient")
    title = w.t("report", "title")
    subtitle_parts = []
    if number is not None or patient:
        subtitle_parts.append(
            w.t("report", "session_of", number=number_text, patient=name).replace("  ", " ")
        )
    source = meta.get("metadata", {}).get("source")
    if source and keep_names:
        subtitle_parts.append(str(source).rsplit("/", 1)[-1])
    if date:
        subtitle_parts.append(date.isoformat())
    subtitle_parts.append(w.t("report", "turns", n=numbered([uid[int(r["index"])] for r in rows])))
    if meta.get("duration"):
        subtitle_parts.append(w.t("report", "minutes", n=round(float(meta["duration"]) / 60)))
    subtitle_parts.append(w.t("report", "named" if keep_names else "pseudonymised"))
    return SessionView(
        language=w.code,
        title=title,
        subtitle=" · ".join(subtitle_parts),
        pseudonymised=not keep_names,
        turns=turns,
        engagement=tuple(float(v) for v in scores.get("engagement", ())),
        markers=markers,
        moves=tuple(moves),
        episodes=tuple(episodes),
        notes=tuple(notes),
        moments=key_moments,
        what_worked=tuple(formulation.get("what_works", ())),
        next_time=_next_time(
            analysis.get("suggestions", ()),
            analysis.get("episodes", ()),
            analysis.get("moves", ()),
            analysis.get("markers", ()),
        ),
        open_items=tuple(formulation.get("open_items", ())),
        plan=(
            str(formulation["open_items"][0])
            if (formulation.get("facts") or {}).get("plans") and formulation.get("open_items")
            else None
        ),
        summary=tuple(formulation.get("summary", ())),
        cycles=tuple(formulation.get("cycles", ())),
        scores=w.t(
            "report",
            "scores",
            patient=w.number(float(scores.get("patient_rupture", 0.0))),
            therapist=w.number(float(scores.get("therapist_contribution", 0.0))),
        ),
        made=w.t("report", "made", date=(today or dt.date.today()).isoformat()),
        gender=w.gender,
    )


def _moments(
    w: Words,
    turns: Sequence[TurnView],
    markers: Sequence[MarkerView],
    episodes: Sequence[Mapping[str, Any]],
    planned: Collection[int] = (),
) -> tuple[MomentView, ...]:
    """The patient's words at the moments that matter (``raccord.moments``: the same choice as
    the text brief's; ``planned``: the turns where the patient asked for next session)."""
    spans = [
        moments.Span(
            markers=tuple(int(t) for t in e.get("markers", ())),
            macro=e.get("severity") == "macro",
            resolved=str(e.get("resolved", "yes")),
        )
        for e in episodes
    ]
    by_turn = {m.turn: m for m in markers}
    spots = [moments.Spot(m.turn, m.salience, m.confidence) for m in markers]
    invited = {m.turn for m in markers if m.invited}
    chosen = [
        (by_turn[s.turn], e) for s, e in moments.choose(spans, spots, invited, KEY_MOMENTS, planned)
    ]
    by_index = {t.index: t for t in turns}
    out = []
    for m, episode in chosen:
        turn = by_index.get(m.turn)
        if turn is None:
            continue
        label = m.label + (
            f" ({w.t('report', 'episode_of', n=episode + 1)})" if episode is not None else ""
        )
        out.append(
            MomentView(
                turn=m.turn,
                kind=m.kind,
                heading=w.t(
                    "report",
                    "moment",
                    turn=m.uid,
                    clock=f", {turn.clock}" if turn.clock else "",
                    label=label,
                ),
                words=excerpt(turn.text),
                episode=episode,
            )
        )
    return tuple(out)


def _annotations(row: Mapping[str, Any]) -> tuple[NonVerbal, ...]:
    """The non-verbal annotations of a stored transcript row (rows stored before they were kept
    have none)."""
    return tuple(
        NonVerbal(
            str(a.get("kind", "other")),
            str(a.get("raw", "")),
            a.get("seconds"),
            a.get("at") if isinstance(a.get("at"), int) else None,
        )
        for a in row.get("annotations", ()) or ()
        if isinstance(a, Mapping)
    )
