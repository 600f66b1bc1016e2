"""Implicit prohibitions across sessions: a subject after which the patient keeps withdrawing.

The article's central example: each time a subject comes up, the patient withdraws; only across
sessions does the "user manual" with its forbidden zones show. For each subject (``topics``):

- an **occasion** is a run of mentions less than ``WINDOW`` turns apart; who raised it is the
  speaker of its first mention;
- the patient turns within ``WINDOW`` turns after each mention are the topic's **replies**; the
  **rate** is the share of them carrying a possible rupture marker (withdrawal or confrontation);
- the **baseline rate** is the same share over all the patient's other turns, in every session;
- the test is Fisher's exact test, one-sided (replies after the subject more often marked than the
  other turns), with a Bonferroni correction over the subjects tested. A subject is listed when it
  came up on at least ``MIN_OCCASIONS`` occasions in at least ``MIN_SESSIONS`` sessions, markers
  followed it in at least ``MIN_SESSIONS`` sessions, and the corrected p-value is below ``ALPHA``.

It depends on the detector's markers: a withdrawal the detector misses does not count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from raccord.history.data import PatientRecord
from raccord.understand.subjects import Mention, TopicGroup

WINDOW = 3
MIN_OCCASIONS = 3
MIN_SESSIONS = 2
ALPHA = 0.05


@dataclass(frozen=True, slots=True)
class Occasion:
    session: int
    turns: tuple[int, ...]
    raised_by: str
    replies: tuple[int, ...]
    marked: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Example:
    """A mention and the marked patient reply after it, quoted from the session (``turn`` and
    ``reply_turn`` are the numbers the therapist reads, ``Turn.uid``)."""

    session: int
    turn: int
    role: str
    text: str
    reply_turn: int
    reply: str


@dataclass(frozen=True, slots=True)
class Prohibition:
    topic: str
    words: tuple[str, ...]
    occasions: tuple[Occasion, ...]
    replies: int
    marked: int
    rate: float
    baseline_rate: float
    baseline_replies: int
    p_value: float
    tested: int
    examples: tuple[Example, ...]

    @property
    def sessions(self) -> tuple[int, ...]:
        return tuple(sorted({o.session for o in self.occasions}))

    @property
    def marked_sessions(self) -> tuple[int, ...]:
        return tuple(sorted({o.session for o in self.occasions if o.marked}))

    @property
    def raised_by(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.occasions:
            counts[o.raised_by] = counts.get(o.raised_by, 0) + 1
        return counts


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided Fisher exact p-value that the first row's share (a of a+b) is greater than the
    second's (c of c+d): the hypergeometric tail P(X ≥ a)."""
    row, col, n = a + b, a + c, a + b + c + d
    total = math.comb(n, row)
    upper = min(row, col)
    return sum(math.comb(col, k) * math.comb(n - col, row - k) for k in range(a, upper + 1)) / total


def _occasions(record: PatientRecord, mentions: tuple[Mention, ...]) -> list[Occasion]:
    sessions = {s.number: s for s in record.sessions}
    out: list[Occasion] = []
    run: list[Mention] = []

    def close() -> None:
        if not run:
            return
        s = sessions[run[0].session]
        roles = {t.index: t.role for t in s.turns}
        marked_turns = {m.turn for m in s.markers}
        replies = sorted(
            {
                t
                for m in run
                for t in range(m.turn + 1, m.turn + WINDOW + 1)
                if roles.get(t) == "patient"
            }
        )
        out.append(
            Occasion(
                session=s.number,
                turns=tuple(sorted({m.turn for m in run})),
                raised_by=run[0].role,
                replies=tuple(replies),
                marked=tuple(t for t in replies if t in marked_turns),
            )
        )
        run.clear()

    for m in sorted(mentions, key=lambda m: (m.session, m.turn)):
        if run and (m.session != run[-1].session or m.turn - run[-1].turn >= WINDOW):
            close()
        run.append(m)
    close()
    return out


def find(record: PatientRecord, groups: tuple[TopicGroup, ...]) -> tuple[Prohibition, ...]:
    patient_turns = {
        (s.number, t.index) for s in record.sessions for t in s.turns if t.role == "patient"
    }
    marked_all = {(s.number, m.turn) for s in record.sessions for m in s.markers}
    candidates = []
    for g in groups:
        occasions = _occasions(record, g.mentions)
        if len(occasions) < MIN_OCCASIONS or len({o.session for o in occasions}) < MIN_SESSIONS:
            continue
        replies = {(o.session, t) for o in occasions for t in o.replies}
        if not replies:
            continue
        others = patient_turns - replies
        a = len(replies & marked_all)
        b = len(replies) - a
        c = len(others & marked_all)
        d = len(others) - c
        candidates.append((g, occasions, a, b, c, d))
    tested = len(candidates)
    found = []
    for g, occasions, a, b, c, d in candidates:
        p = min(1.0, fisher_greater(a, b, c, d) * tested)
        rate = a / (a + b)
        baseline = c / (c + d) if c + d else 0.0
        marked_sessions = {o.session for o in occasions if o.marked}
        if p >= ALPHA or rate <= baseline or len(marked_sessions) < MIN_SESSIONS:
            continue
        found.append(
            Prohibition(
                topic=g.name,
                words=g.words,
                occasions=tuple(occasions),
                replies=a + b,
                marked=a,
                rate=rate,
                baseline_rate=baseline,
                baseline_replies=c + d,
                p_value=p,
                tested=tested,
                examples=_examples(record, occasions),
            )
        )
    return tuple(sorted(found, key=lambda p: p.p_value))


def _examples(
    record: PatientRecord, occasions: list[Occasion], limit: int = 3
) -> tuple[Example, ...]:
    """Up to ``limit`` marked occasions, from different sessions first."""
    sessions = {s.number: s for s in record.sessions}
    chosen: list[Occasion] = []
    for o in occasions:
        if o.marked and o.session not in {c.session for c in chosen}:
            chosen.append(o)
    chosen = chosen[:limit]
    out = []
    for o in chosen:
        turns = {t.index: t for t in sessions[o.session].turns}
        first = turns[o.turns[0]]
        reply = turns[o.marked[0]]
        out.append(Example(o.session, first.shown, first.role, first.text, reply.shown, reply.text))
    return tuple(out)
