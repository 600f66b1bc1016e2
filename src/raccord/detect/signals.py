"""Per-turn signals: what a clinician notices before naming a marker.

Each measure is read against the speaker's own baseline in the session (a patient who always
answers in three words is not withdrawing when they answer in three words), and only from the
past: a patient turn's signals use the turns up to it and the therapist turn it answers, so the
same code can run live, turn by turn (the ConvoKit forecaster idea in ``STYLE.md``).

Cue phrases are language-pack data (``lang/<code>/markers.toml``); this module compiles them once
per language and applies them to a normalised turn (lower case, no accents, stutters collapsed).
"""

from __future__ import annotations

import bisect
import importlib
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from raccord import lang as lang_packs
from raccord.model import TherapistMove, Transcript, Turn
from raccord.taxonomy import Contribution, MarkerSubtype, Role, TherapistMoveType

# --------------------------------------------------------------------------- normalisation

_STUTTER = re.compile(r"\b(\w+)(?:-\1\b)+")
_PARTIAL_STUTTER = re.compile(r"\b(\w{1,2})-(?=\1)")
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_LOOSE_HYPHEN = re.compile(r"(?<!\w)-+|-+(?!\w)")
_PUNCT = re.compile(r"[^\w'?$€£\s-]")
_WORD = re.compile(r"\w+")
_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "ʼ": "'", "«": " ", "»": " ", "“": " ", "”": " "}
)


def _unaccented(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Table(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character by ``fill``.

    NFKD decomposition works character by character and only reorders the combining marks that
    are dropped here, so translating each character equals decomposing the whole text at once.
    """

    def __init__(self, fill: Callable[[str], str]) -> None:
        super().__init__()
        self._fill = fill

    def __missing__(self, code: int) -> str:
        plain = self[code] = self._fill(chr(code))
        return plain


_UNACCENTED = _Table(_unaccented)
#: Typographic quotes to plain ones (all ASCII, which the accent step leaves as they are), then
#: accents stripped: both steps of ``normalise`` in one pass over the text.
_FOLDED = _Table(lambda char: str(_QUOTES.get(ord(char)) or _unaccented(char)))
_ASCII_QUOTES = "".join(chr(code) for code in _QUOTES if code < 128)


def as_written(raw: str, words: str) -> str:
    """The span of ``raw`` whose folded words are ``words`` (a cue matched on the normalised
    text), so that evidence quotes the patient's own words — « ça va pas », not "ca va pas".
    ``words`` itself when no such span is found."""
    wanted = _TOKEN.findall(words)
    if not wanted or (raw.isascii() and words in raw):
        return words
    spans = [(m.start(), m.end(), _fold(m.group(0)).lower()) for m in _TOKEN.finditer(raw)]
    n = len(wanted)
    for i in range(len(spans) - n + 1):
        if all(spans[i + k][2] == wanted[k] for k in range(n)):
            return raw[spans[i][0] : spans[i + n - 1][1]]
    return words


def strip_accents(text: str) -> str:
    if text.isascii():  # no decomposition, no combining mark
        return text
    return text.translate(_UNACCENTED)


def _fold(text: str) -> str:
    """``strip_accents(text.translate(_QUOTES))``, with a shortcut for plain ASCII text."""
    if text.isascii():
        for quote in _ASCII_QUOTES:
            if quote in text:
                text = text.replace(quote, _QUOTES[ord(quote)])
        return text
    return text.translate(_FOLDED)


def normalise(text: str) -> str:
    """The form cues are matched on: lower case, no accents, no annotations, plain punctuation."""
    t = _fold(text).lower()
    # each rewrite below needs a character the ``in`` test looks for first
    if "[" in t or "(" in t:
        t = _BRACKETS.sub(" ", t)
    if "-" in t:
        t = _STUTTER.sub(r"\1", t)
        t = _PARTIAL_STUTTER.sub("", t)
    t = t.replace("…", " ").replace("—", " ").replace("–", " ")
    if "-" in t:
        t = _LOOSE_HYPHEN.sub(" ", t)
    # ``str.split`` and ``\s`` agree on what a space is
    t = _collapse_words(_PUNCT.sub(" ", t).split())
    return t.replace(" ?", "?").replace("?", " ?")


def _collapse_words(words: list[str]) -> str:
    """ "need to need to stop" -> "need to stop": a restarted phrase of two or three words."""
    # the first restart needs a word equal to the one two or three places back
    if not any(map(operator.eq, words[2:], words)) and not any(map(operator.eq, words[3:], words)):
        return " ".join(words)
    out: list[str] = []
    for word in words:
        out.append(word)
        k = len(out)
        for n in (2, 3):
            # a repeated phrase ends with the word ``n`` places back (checked before slicing)
            if k >= 2 * n and out[k - 1 - n] == word and out[-n:] == out[-2 * n : -n]:
                del out[-n:]
                break
    return " ".join(out)


# --------------------------------------------------------------------------- the compiled pack


@dataclass(frozen=True, slots=True)
class Cue:
    """One pack cue: its weight, the context it needs, and how evidence names it."""

    name: str
    weight: float
    needs: str | None
    label: str | None
    source: str


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue that fired on a turn: ``family`` is a pack family or a subtype value."""

    family: str
    weight: float
    words: str
    needs: str | None = None
    label: str | None = None


_sre_parser: Any = importlib.import_module("re._parser")
_sre_constants: Any = importlib.import_module("re._constants")
_TOKEN = re.compile(r"[\w']+")
_UPPER = re.compile(r"(?<!\\)[A-Z]")


def _cue_source(raw: str) -> str:
    """A pack pattern in the normalised alphabet: no accents, lower case (escapes kept)."""
    return _UPPER.sub(lambda m: m.group(0).lower(), strip_accents(raw))


@lru_cache(maxsize=8)
def _parsed(source: str) -> Any:
    """The parse tree of a cue pattern (``_prefixes`` and ``_screen`` read the same one)."""
    return _sre_parser.parse(source)


def _prefixes(source: str, limit: int = 24) -> tuple[str, ...] | None:
    """The literal openings every match of a pattern starts with (``None`` when unknown).

    A cheap ``prefix in text`` test then skips most cues on most turns before any regex runs.
    """
    try:
        tree = _parsed(source)
    except re.error:  # pragma: no cover - patterns are compiled just after
        return None

    def walk(items: Any, heads: list[str]) -> list[str] | None:
        for op, arg in items:
            if op is _sre_constants.LITERAL:
                heads = [h + chr(arg) for h in heads]
            elif op is _sre_constants.SUBPATTERN:
                nested = walk(arg[-1], heads)
                if nested is None:
                    return heads
                heads = nested
            elif op is _sre_constants.BRANCH:
                out: list[str] = []
                for branch in arg[1]:
                    got = walk(branch, heads)
                    if got is None:
                        return None
                    out.extend(got)
                heads = out
            elif op is _sre_constants.AT:
                continue
            else:
                return heads
            if len(heads) > limit:
                return None
        return heads

    heads = walk(tree, [""])
    if not heads or any(len(h) < 2 for h in heads):
        return None
    return tuple(sorted(set(heads)))


#: A literal opening: its text, and whether the pattern's next items may still extend it.
_Head = tuple[str, bool]


def _screen(source: str, limit: int = 24) -> tuple[str, ...] | None:
    """Strings one of which every match of a pattern starts with (``None`` when unknown).

    Unlike ``_prefixes`` (whose word openings gate the scan as they always have), this reading is
    strict: an opening stops growing at the first item that is not a plain literal, optional
    groups give both their skipped and their taken forms, and when the forms grow too many they
    are all cut to their first few characters. A cue only counts where it starts a word, so one
    of these openings starting a word of the turn is a necessary condition of a hit.
    """
    try:
        tree = _parsed(source)
    except re.error:  # pragma: no cover - patterns are compiled just after
        return None
    c = _sre_constants

    def walk(items: Any, heads: list[_Head]) -> list[_Head]:
        for op, arg in items:
            live = [h for h, alive in heads if alive]
            if not live:
                break
            ended = [(h, False) for h, alive in heads if not alive]
            start = [(h, True) for h in live]
            if op is c.AT:
                continue
            if op is c.LITERAL:
                grown = [(h + chr(arg), True) for h in live]
            elif op is c.IN and all(o is c.LITERAL for o, _ in arg):
                grown = [(h + chr(ch), True) for h in live for _, ch in arg]
            elif op is c.SUBPATTERN:
                grown = walk(arg[-1], start)
            elif op is c.BRANCH:
                grown = [head for branch in arg[1] for head in walk(branch, start)]
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, body = arg
                grown = walk(body, start)
                if high != 1:  # more repeats may follow: the openings end here
                    grown = [(h, False) for h, _ in grown]
                if low == 0:
                    grown += start
            else:
                grown = []
            if not grown:
                return [(h, False) for h, _ in heads]
            heads = list(dict.fromkeys(ended + grown))
            if len(heads) > limit:
                return _cut(heads, limit)
        return heads

    found = {h for h, _ in walk(tree, [("", True)])}
    if not found or "" in found:
        return None
    # an opening that starts with another adds nothing
    return tuple(sorted(h for h in found if not any(h != g and h.startswith(g) for g in found)))


def _cut(heads: list[_Head], limit: int) -> list[_Head]:
    """At most ``limit`` openings: all cut to the longest length that leaves that few."""
    for size in range(max(len(h) for h, _ in heads), 0, -1):
        cut = list(dict.fromkeys(h[:size] for h, _ in heads))
        if len(cut) <= limit:
            return [(h, False) for h in cut]
    return [("", False)]


_LAST_TOKENS: list[tuple[str, frozenset[str]]] = [("", frozenset())]


def _tokens(norm: str) -> frozenset[str]:
    """The words of a turn (kept for the next family, which scans the same turn)."""
    last = _LAST_TOKENS[0]
    if last[0] != norm:
        last = (norm, frozenset(_TOKEN.findall(norm)))
        _LAST_TOKENS[0] = last
    return last[1]


#: A cue in the index: its family's number, its place in the family, its opening words.
_Indexed = tuple[int, int, frozenset[str] | None]


class _OpeningIndex:
    """The literal openings of the cues of several families (a pack's), found in one search.

    All openings go into one regular expression shaped as a trie (one branch per next
    character, longer openings first), tried at every word start of a turn: where openings
    start, it reports the longest, and the shorter ones are its own beginnings, known in
    advance. A cue whose opening words are known is dropped here already when the turn has
    none of them. A turn is scanned by many families in a row, so the answer is kept for the next.
    """

    __slots__ = ("_by_head", "_families", "_last", "_regex", "_within")

    def __init__(self) -> None:
        self._by_head: dict[str, list[_Indexed]] = {}
        self._families = 0
        self._regex: re.Pattern[str] | None = None
        self._within: dict[str, tuple[_Indexed, ...]] = {}
        self._last: tuple[str, dict[int, set[int]]] = ("", {})

    def register(
        self,
        screens: Sequence[tuple[str, ...] | None],
        openings: Sequence[frozenset[str] | None],
    ) -> int:
        """Index one family's cue openings; its number in the look-up's answer."""
        family = self._families
        self._families += 1
        for i, (screen, words) in enumerate(zip(screens, openings, strict=True)):
            for head in screen or ():
                self._by_head.setdefault(head, []).append((family, i, words))
        self._regex, self._within, self._last = None, {}, ("", {})
        return family

    def _compile(self) -> re.Pattern[str]:
        heads = self._by_head
        for head in heads:
            self._within[head] = tuple(
                cue for n in range(1, len(head) + 1) for cue in heads.get(head[:n], ())
            )
        trie: dict[str, Any] = {}
        for head in heads:
            node = trie
            for char in head:
                node = node.setdefault(char, {})
            node[""] = {}
        pattern = _trie_pattern(trie) if heads else "(?!)"
        self._regex = re.compile(f"(?<!\\w)(?=({pattern}))")
        return self._regex

    def lookup(self, norm: str) -> dict[int, set[int]]:
        """For each family number, its cues with an opening at a word start of ``norm``."""
        last = self._last
        if last[0] != norm:
            regex = self._regex or self._compile()
            found: dict[int, set[int]] = {}
            words = _tokens(norm)
            for head in set(regex.findall(norm)):
                for family, i, opening in self._within[head]:
                    if opening is None or not opening.isdisjoint(words):
                        found.setdefault(family, set()).add(i)
            last = self._last = (norm, found)
        return last[1]


def _trie_pattern(node: Mapping[str, Any]) -> str:
    """A trie of literal strings as a pattern whose first match is the longest one that fits."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in node.items() if char]
    if "" in node:
        branches.append("")
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_MEMO_CHARS = 40
_MEMO_SIZE = 4096
_NO_HITS: tuple[tuple[Cue, str], ...] = ()


class CueSet:
    """A family of cues, each compiled once.

    Turns are normalised to lower case without accents, so patterns are too and are compiled
    without ``re.IGNORECASE``: the engine can then jump to each cue's literal start, which makes
    one small regex per cue faster than one big alternation. A cue must start at a word start
    (checked here) and end at a word end or on an apostrophe ("j'", "qu'").

    A cue is tried only on a turn where one of its literal openings (``_screen``) starts a word,
    a necessary condition of a hit: an index of the openings (``_OpeningIndex``), shared by the
    families of a pack, finds these cues in one search per turn. A cue whose opening is whole words is
    also skipped, as it always was, on a turn without one of its first words. The candidates are
    tried in pack order, so the hits come in the same order as a scan of every cue.
    """

    __slots__ = ("_index", "_memo", "_number", "_unscreened", "items", "openings")

    def __init__(
        self,
        family: str,
        entries: Sequence[Mapping[str, Any]],
        index: _OpeningIndex | None = None,
    ) -> None:
        items: list[tuple[Cue, re.Pattern[str]]] = []
        openings: list[frozenset[str] | None] = []
        screens: list[tuple[str, ...] | None] = []
        for i, entry in enumerate(entries):
            source = _cue_source(str(entry["re"]))
            cue = Cue(
                f"c{i}", float(entry.get("w", 1.0)), entry.get("needs"), entry.get("label"), source
            )
            items.append((cue, re.compile(f"(?:{source})(?:(?<=')|(?!\\w))")))
            heads = _prefixes(source)
            first = (
                None
                if heads is None
                else frozenset(_TOKEN.findall(h)[0] for h in heads if _TOKEN.findall(h))
            )
            complete = heads is not None and all(
                h.endswith(" ") or len(_TOKEN.findall(h)) > 1 for h in heads
            )
            openings.append(first if first and complete else None)
            screens.append(_screen(source))
        self.items = tuple(items)
        self.openings = tuple(openings)
        self._index = index if index is not None else _OpeningIndex()
        self._number = self._index.register(screens, openings)
        self._unscreened = frozenset(i for i, screen in enumerate(screens) if screen is None)
        # short turns ("mm-hmm", "d'accord", "yeah yeah") come back all session long
        self._memo: dict[str, tuple[tuple[Cue, str], ...]] = {}

    def _matches(self, norm: str) -> tuple[tuple[Cue, str], ...]:
        chosen = self._index.lookup(norm).get(self._number)
        if chosen is None and not self._unscreened:  # most families on most turns
            return _NO_HITS
        if len(norm) > _MEMO_CHARS:
            return self._run(norm, chosen)
        found = self._memo.get(norm)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[norm] = self._run(norm, chosen)
        return found

    def _scan(self, norm: str) -> tuple[tuple[Cue, str], ...]:
        """Every hit of this family's cues on a normalised turn, in pack order."""
        return self._run(norm, self._index.lookup(norm).get(self._number))

    def _run(self, norm: str, chosen: Set[int] | None) -> tuple[tuple[Cue, str], ...]:
        """The hits of the cues the index found (``chosen``) and of those it cannot screen."""
        if self._unscreened:
            chosen = self._unscreened.union(chosen or ())
        if not chosen:
            return _NO_HITS
        found: list[tuple[Cue, str]] = []
        words: frozenset[str] | None = None
        for i in sorted(chosen):
            opening = self.openings[i]
            if opening is not None:
                if words is None:
                    words = _tokens(norm)
                if opening.isdisjoint(words):
                    continue
            cue, regex = self.items[i]
            for m in regex.finditer(norm):
                start = m.start()
                if start and (norm[start - 1].isalnum() or norm[start - 1] == "_"):
                    continue
                found.append((cue, m.group(0).strip()))
        return tuple(found)

    def hits(self, family: str, norm: str) -> list[CueHit]:
        return [
            CueHit(family, cue.weight, words, cue.needs, cue.label)
            for cue, words in self._matches(norm)
        ]

    def count(self, norm: str) -> int:
        return sum(1 for _ in self._matches(norm))

    def score(self, norm: str) -> tuple[float, str]:
        """Sum of weights of the distinct cues that fired, and the strongest one's words."""
        seen: set[str] = set()
        total, best, words = 0.0, 0.0, ""
        for cue, said in self._matches(norm):
            if cue.name in seen:
                continue
            seen.add(cue.name)
            total += cue.weight
            if cue.weight > best:
                best, words = cue.weight, said
        return total, words


@dataclass(frozen=True, slots=True)
class Pack:
    """A language's marker pack, compiled."""

    code: str
    families: Mapping[str, CueSet]
    subtypes: Mapping[MarkerSubtype, CueSet]
    minimal: CueSet
    nonverbal: Mapping[str, re.Pattern[str]]
    templates: Mapping[str, str]
    signal_templates: Mapping[str, str]
    prototypes: Mapping[str, tuple[str, ...]]
    stopwords: frozenset[str]
    edges: Mapping[str, re.Pattern[str]]

    def family(self, name: str) -> CueSet:
        return self.families.get(name) or _EMPTY_SET


_EMPTY_SET = CueSet("", ())


@cache
def pack(code: str) -> Pack:
    """The compiled marker pack of a language (falls back to English when a pack has none)."""
    data = lang_packs.section(code, "markers") if code in lang_packs.available() else {}
    if not data:
        code, data = lang_packs.DEFAULT, lang_packs.section(lang_packs.DEFAULT, "markers")
    evidence = lang_packs.section(code, "evidence")
    index = _OpeningIndex()
    families = {
        name: CueSet(name, entries, index) for name, entries in data.get("families", {}).items()
    }
    subtypes = {
        MarkerSubtype(name): CueSet(name, body.get("cues", ()), index)
        for name, body in data.get("subtypes", {}).items()
    }
    nonverbal = {
        kind: re.compile(pattern, re.IGNORECASE)
        for kind, pattern in data.get("nonverbal", {}).items()
    }
    return Pack(
        code=code,
        families=families,
        subtypes=subtypes,
        minimal=CueSet("minimal", data.get("minimal", {}).get("closing", ()), index),
        nonverbal=nonverbal,
        templates=dict(evidence.get("templates", {})),
        signal_templates=dict(evidence.get("signal_templates", {})),
        prototypes={k: tuple(v) for k, v in data.get("prototypes", {}).items()},
        edges={
            name: re.compile("|".join(f"(?:{e['re']})" for e in data["families"][name]))
            for name in ("cut_off", "continuation")
            if data.get("families", {}).get(name)
        },
        stopwords=frozenset(strip_accents(str(data.get("stopwords", ""))).lower().split()),
    )


# --------------------------------------------------------------------------- signals


@dataclass(frozen=True, slots=True)
class TurnSignals:
    """What one turn shows, measured against its speaker's own past in the session.

    For a patient turn the context fields (``pressure``, ``directive``, ``question``, ``invite``,
    ``reflection``, ``therapist_cut_off``) describe the therapist turn it answers; for a therapist
    turn they describe the turn itself.
    """

    index: int
    role: Role
    words: int
    baseline_words: float | None
    length_ratio: float | None
    latency: float | None
    silence: float | None
    cut_off: bool
    continuation: bool
    answers: int | None
    question: str
    pressure: float
    directive: float
    invite: float
    reflection: float
    therapist_cut_off: bool
    confront: float
    advice: float
    answered_move: str
    lexical_continuity: float | None
    semantic_continuity: float | None
    backchannel: bool
    minimal: float
    disagree: float
    justify: float
    compliance: float
    irritation: float
    hedges: float
    change_talk: float
    genuine: float
    first_person: float
    impersonal: float
    painful: float
    negative_affect: float
    nonverbal: tuple[str, ...]
    cues: tuple[CueHit, ...]
    words_of: tuple[tuple[str, str], ...]

    def said(self, family: str) -> str:
        """The words that fired a family on this turn (for evidence), or ``""``."""
        for name, words in self.words_of:
            if name == family:
                return words
        return ""

    def as_dict(self) -> dict[str, Any]:
        """A small JSON-friendly view (``Detection.signals``); no transcript text beyond cues."""
        return {
            "turn": self.index,
            "role": str(self.role),
            "words": self.words,
            "baseline_words": self.baseline_words,
            "length_ratio": _round(self.length_ratio),
            "latency": self.latency,
            "silence": self.silence,
            "question": self.question,
            "pressure": _round(self.pressure),
            "directive": _round(self.directive),
            "confront": _round(self.confront),
            "advice": _round(self.advice),
            "lexical_continuity": _round(self.lexical_continuity),
            "semantic_continuity": _round(self.semantic_continuity),
            "disagree": _round(self.disagree),
            "compliance": _round(self.compliance),
            "irritation": _round(self.irritation),
            "hedges": _round(self.hedges),
            "first_person": _round(self.first_person),
            "impersonal": _round(self.impersonal),
            "painful": _round(self.painful),
            "nonverbal": list(self.nonverbal),
            "cues": [h.family for h in self.cues],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _content_words(words: Sequence[str], stop: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in words if len(w) > 2 and w not in stop)


def _median(values: Sequence[int]) -> float:
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def _nonverbal(p: Pack, turn: Turn) -> tuple[tuple[str, ...], float | None]:
    kinds: list[str] = []
    silence: float | None = None
    for nv in turn.annotations:
        kinds.append(nv.kind)
        if nv.kind == "silence":
            silence = max(silence or 0.0, nv.seconds or 0.0)
    for kind, regex in p.nonverbal.items():
        m = regex.search(turn.text)
        if m and kind not in kinds:
            kinds.append(kind)
            if kind == "silence":
                secs = re.search(r"(\d+(?:[.,]\d+)?)\s*(s|sec|secondes?|seconds?)\b", m.group(0))
                value = float(secs.group(1).replace(",", ".")) if secs else 0.0
                silence = max(silence or 0.0, value)
    return tuple(kinds), silence


#: Patient turns shorter than this get no semantic continuity (a backchannel has no topic).
SEMANTIC_WORDS = 4

Similarity = Callable[[list[tuple[int, int]]], list[float]]


def compute(
    transcript: Transcript,
    *,
    similarity: Similarity | None = None,
    moves: Mapping[int, TherapistMove] | None = None,
) -> tuple[TurnSignals, ...]:
    """Signals for every turn of a session (past-only for patient turns).

    ``similarity`` (full mode) maps (therapist turn, patient turn) index pairs to a semantic
    similarity in [-1, 1]; without it semantic continuity stays ``None``. ``moves`` are the
    therapist moves labelled *before* any marker is known (``label_moves(transcript, ())``): an
    argue/confront or unsolicited-advice move is context for the replies that follow.
    """
    move_of = moves or {}
    p = pack(transcript.language)
    turns = transcript.turns
    norms = [normalise(t.text) for t in turns]
    words_in = [_WORD.findall(n) for n in norms]
    counts = [len(w) for w in words_in]
    content: dict[int, frozenset[str]] = {}

    def content_of(i: int) -> frozenset[str]:
        found = content.get(i)
        if found is None:
            found = content[i] = _content_words(words_in[i], p.stopwords)
        return found

    raw_cut = p.edges.get("cut_off")
    raw_cont = p.edges.get("continuation")

    # first pass: therapist context of every therapist turn
    t_ctx: dict[int, tuple[float, float, float, float, str, str, str]] = {}
    for i, turn in enumerate(turns):
        if turn.role is Role.PATIENT:
            continue
        norm = norms[i]
        pressure, pw = p.family("pressure").score(norm)
        directive, dw = p.family("directive").score(norm)
        invite, _ = p.family("invite").score(norm)
        reflection, _ = p.family("reflection").score(norm)
        question = _question(p, turn.text)
        if _move_name(move_of.get(i)) in _REFLECTIONS:
            # "you really need the money" reflects the patient's own need: not a push
            pressure, directive = 0.5 * pressure, 0.5 * directive
        t_ctx[i] = (pressure, directive, invite, reflection, question, pw, dw)

    pairs: list[tuple[int, int]] = []
    answers_of: list[int | None] = []
    last_t: int | None = None
    prev_t: int | None = None
    for i, turn in enumerate(turns):
        if turn.role is Role.PATIENT:
            answers_of.append(last_t)
            if last_t is not None and counts[i] >= SEMANTIC_WORDS:
                pairs.append((last_t, i))
        else:
            answers_of.append(None)
            if turn.role is Role.THERAPIST:
                prev_t, last_t = last_t, i
    del prev_t
    semantic: dict[tuple[int, int], float] = {}
    if similarity is not None and pairs:
        semantic = dict(zip(pairs, similarity(pairs), strict=True))

    history: dict[Role, list[int]] = {}
    out: list[TurnSignals] = []
    for i, turn in enumerate(turns):
        norm = norms[i]
        words = counts[i]
        past = history.setdefault(turn.role, [])
        baseline = _median(past) if len(past) >= 3 else None
        ratio = None if baseline is None else words / max(baseline, 1.0)
        bisect.insort(past, words)
        latency = None
        if i > 0 and turn.start is not None:
            before = turns[i - 1]
            end = before.end if before.end is not None else None
            if end is not None:
                latency = max(0.0, turn.start - end)
        nonverbal, silence = _nonverbal(p, turn)
        cut_off = bool(raw_cut and raw_cut.search(turn.text.strip()))
        continuation = bool(raw_cont and raw_cont.search(turn.text.strip()))
        if turn.role is not Role.PATIENT:
            pressure, directive, invite, reflection, question, pw, dw = t_ctx.get(
                i, (0.0, 0.0, 0.0, 0.0, "none", "", "")
            )
            out.append(
                TurnSignals(
                    index=i,
                    role=turn.role,
                    words=words,
                    baseline_words=baseline,
                    length_ratio=ratio,
                    latency=latency,
                    silence=silence,
                    cut_off=cut_off,
                    continuation=continuation,
                    answers=None,
                    question=question,
                    pressure=pressure,
                    directive=directive,
                    invite=invite,
                    reflection=reflection,
                    therapist_cut_off=cut_off,
                    confront=_confront(move_of.get(i)),
                    advice=_advice(move_of.get(i)),
                    answered_move=_move_name(move_of.get(i)),
                    lexical_continuity=None,
                    semantic_continuity=None,
                    backchannel=_is_backchannel(p, norm, words),
                    minimal=0.0,
                    disagree=0.0,
                    justify=0.0,
                    compliance=0.0,
                    irritation=0.0,
                    hedges=0.0,
                    change_talk=0.0,
                    genuine=0.0,
                    first_person=0.0,
                    impersonal=0.0,
                    painful=0.0,
                    negative_affect=0.0,
                    nonverbal=nonverbal,
                    cues=(),
                    words_of=(
                        ("pressure", as_written(turn.text, pw)),
                        ("directive", as_written(turn.text, dw)),
                    ),
                )
            )
            continue
        a = answers_of[i]
        pressure = directive = invite = reflection = confront = advice = 0.0
        question, pw, dw = "none", "", ""
        t_cut = False
        lexical: float | None = None
        if a is not None:
            pressure, directive, invite, reflection, question, pw, dw = t_ctx[a]
            t_cut = out[a].cut_off
            if out[a].backchannel or (t_cut and out[a].words <= 4):
                # the therapist only said "mm-hmm" or was cut: the question is the turn before
                earlier = _previous_substantive(out, a)
                if earlier is not None:
                    _, _, ei, er, eq, _, _ = t_ctx[earlier]
                    invite = max(invite, ei)
                    reflection = max(reflection, er)
                    question = eq if question == "none" else question
            # pressure lingers: the last therapist turns count, fading with distance
            recent = _recent_therapist(out, a)
            if _move_name(move_of.get(a)) in _FRESH_START:
                recent = recent[:1]
            for weight, j in zip(CONTEXT_DECAY, recent, strict=False):
                confront = max(confront, weight * out[j].confront)
                advice = max(advice, weight * out[j].advice)
                ep, ed, _, _, _, epw, edw = t_ctx[j]
                if weight * ep > pressure:
                    pressure, pw = weight * ep, epw or pw
                if weight * ed > directive:
                    directive, dw = weight * ed, edw or dw
            t_words = content_of(a)
            mine = content_of(i)
            if t_words and mine:
                lexical = len(t_words & mine) / min(len(t_words), len(mine))
        family_words: list[tuple[str, str]] = [("pressure", pw), ("directive", dw)]
        scores: dict[str, float] = {}
        for name in (
            "disagree",
            "justify",
            "compliance",
            "irritation",
            "hedge",
            "change_talk",
            "genuine",
            "painful",
            "negative_affect",
        ):
            value, fw = p.family(name).score(norm)
            scores[name] = value
            if fw:
                family_words.append((name, fw))
        tokens = max(words, 1)
        first = p.family("first_person").count(norm) / tokens
        impersonal = p.family("impersonal").count(norm) / tokens
        minimal, mw = p.minimal.score(norm)
        if mw:
            family_words.append(("minimal", mw))
        cues: list[CueHit] = []
        for subtype, cue_set in p.subtypes.items():
            cues.extend(
                replace(h, words=as_written(turn.text, h.words))
                for h in cue_set.hits(subtype.value, norm)
            )
        out.append(
            TurnSignals(
                index=i,
                role=turn.role,
                words=words,
                baseline_words=baseline,
                length_ratio=ratio,
                latency=latency,
                silence=silence,
                cut_off=cut_off,
                continuation=continuation,
                answers=a,
                question=question,
                pressure=pressure,
                directive=directive,
                invite=invite,
                reflection=reflection,
                therapist_cut_off=t_cut,
                confront=confront,
                advice=advice,
                answered_move=_move_name(move_of.get(a)) if a is not None else "",
                lexical_continuity=lexical,
                semantic_continuity=semantic.get((a, i)) if a is not None else None,
                backchannel=_is_backchannel(p, norm, words),
                minimal=minimal,
                disagree=scores["disagree"],
                justify=scores["justify"],
                compliance=scores["compliance"],
                irritation=scores["irritation"],
                hedges=scores["hedge"],
                change_talk=scores["change_talk"],
                genuine=scores["genuine"],
                first_person=first,
                impersonal=impersonal,
                painful=scores["painful"],
                negative_affect=scores["negative_affect"],
                nonverbal=nonverbal,
                cues=tuple(cues),
                words_of=tuple((name, as_written(turn.text, fw)) for name, fw in family_words),
            )
        )
    return tuple(out)


#: Weight of the therapist turns before a patient reply (most recent first) in its context.
CONTEXT_DECAY = (1.0, 0.8, 0.6)


_CONFRONT = frozenset(
    {
        Contribution.CONFRONT_ARGUE,
        Contribution.INTERPRETATION_IMPOSED,
        Contribution.CLOSED_INTERROGATION,
    }
)


_REFLECTIONS = frozenset(
    {TherapistMoveType.SIMPLE_REFLECTION.value, TherapistMoveType.COMPLEX_REFLECTION.value}
)
#: Therapist moves that change the stance (repairs): earlier pressure no longer lingers after them.
_FRESH_START = frozenset(
    {
        TherapistMoveType.META_COMMUNICATION.value,
        TherapistMoveType.VALIDATION.value,
        TherapistMoveType.SELF_DISCLOSURE.value,
    }
)


def _confront(move: TherapistMove | None) -> float:
    return 1.0 if move is not None and move.contribution in _CONFRONT else 0.0


def _move_name(move: TherapistMove | None) -> str:
    return "" if move is None else move.move.value


def _advice(move: TherapistMove | None) -> float:
    if move is None:
        return 0.0
    if move.contribution is Contribution.ADVICE_UNSOLICITED:
        return 1.0
    return 0.5 if move.move is TherapistMoveType.ADVICE_WITHOUT_PERMISSION else 0.0


def _recent_therapist(signals: Sequence[TurnSignals], index: int) -> list[int]:
    """The therapist turns at and before ``index`` (most recent first), within a short window."""
    out: list[int] = []
    for j in range(index, max(-1, index - 7), -1):
        if signals[j].role is Role.THERAPIST:
            out.append(j)
            if len(out) == len(CONTEXT_DECAY):
                break
    return out


def _previous_substantive(signals: Sequence[TurnSignals], index: int) -> int | None:
    for j in range(index - 1, max(-1, index - 4), -1):
        s = signals[j]
        if s.role is Role.THERAPIST and not s.backchannel:
            return j
    return None


def _is_backchannel(p: Pack, norm: str, words: int) -> bool:
    if words == 0:
        return True
    if words > 4:
        return False
    return p.family("backchannel").count(norm) > 0


_SENTENCE_ENDS = ".!?…"


def _question(p: Pack, text: str) -> str:
    """``open``, ``closed`` or ``none`` for a therapist turn, judged on its last question."""
    end = text.rfind("?")
    if end < 0:
        return "none"
    # the last question: from the end of the sentence before it up to its "?"
    start = max(text.rfind(mark, 0, end) for mark in _SENTENCE_ENDS) + 1
    clause = normalise(text[start : end + 1])
    if p.family("open_question").count(clause):
        return "open"
    return "closed"
