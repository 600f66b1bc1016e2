"""The cue engine: the one way a language pack's patterns are compiled and matched.

One pattern dialect for every pack file that holds cues (``markers.toml``, ``moves.toml``): a
Python regular expression written as the words are said — accents, capitals and curly
apostrophes allowed — folded on load exactly as the text is (``fold``: lower case, accents
dropped, apostrophes straight), and matched on folded text, so « ça va pas » and speech-to-text
« ca va pas » fire the same cue. A cue starts at a word start and ends at a word end (or just
after a character that is not a letter: an apostrophe, "j'", or a space); a space in a pattern is
one space (folded text has single spaces).

A turn is read in one of two views, both folded the same way:

- ``normalise`` (the *words* of a turn: punctuation but ``'`` and ``?`` dropped, stutters and
  restarted phrases collapsed, notes in brackets removed): the client-marker cues;
- ``fold_sentences`` (the *sentences*: punctuation kept, whitespace runs made one space, every
  position mapped back to the text as written): the therapist-move cues, which need sentence
  ends and where a cue sits.

Evidence quotes the words as written, never the folded form: ``as_written`` for a words-view hit,
``Folded.raw`` for a sentence-view position. ``CueSet`` compiles a list of cues once, tries each
only on a turn where one of its literal openings starts a word (``Index``, shared by
every list of a pack), and answers hits, counts, scores, or the leftmost match.
"""

from __future__ import annotations

import importlib
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "QUOTED",
    "Cue",
    "CueHit",
    "CueSet",
    "Folded",
    "Index",
    "as_written",
    "fold",
    "fold_pattern",
    "fold_sentences",
    "normalise",
    "quoted",
    "strip_accents",
    "without_annotations",
]

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


#: The folded words of the turns quoted lately, with their places: a turn's evidence quotes
#: several of its cues in a row.
_SPANS: dict[str, list[tuple[int, int, str]]] = {}
_SPANS_SIZE = 64


def as_written(raw: str, words: str) -> str:
    """The span of ``raw`` whose folded words are ``words`` (a cue matched on the normalised
    text), so that evidence quotes the patient's own words — « ça va pas », not "ca va pas".
    ``words`` itself when no such span is found."""
    wanted = _TOKEN.findall(words)
    if not wanted or (raw.isascii() and words in raw):
        return words
    spans = _SPANS.get(raw)
    if spans is None:
        if len(_SPANS) >= _SPANS_SIZE:
            _SPANS.clear()
        spans = _SPANS[raw] = [
            (m.start(), m.end(), fold(m.group(0))) for m in _RAW_TOKEN.finditer(raw)
        ]
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


def fold(text: str) -> str:
    """The one folding of text and patterns: lower case, accents dropped, apostrophes straight,
    typographic quotes made spaces. « Ça va pas » and "ca va pas" fold alike."""
    return _fold(text).lower()


def _pattern_char(char: str) -> str:
    """A pattern character folded like text; anything it folds into that is not a plain letter
    (« … » gives "...") is escaped, so that folding never changes what a pattern means."""
    if char.isascii():
        return char
    plain = _fold(char).lower()
    if len(plain) == 1 and (plain.isalnum() or plain in "' "):
        return plain
    return re.escape(plain)


_PATTERN = _Table(_pattern_char)


def fold_pattern(raw: str) -> str:
    """A pack pattern in the folded alphabet: accents dropped, lower case (escapes such as
    ``\\W`` kept), curly apostrophes straight."""
    source = raw if raw.isascii() else raw.translate(_PATTERN)
    return _UPPER.sub(lambda m: m.group(0).lower(), source)


@dataclass(frozen=True, slots=True)
class Folded:
    """A turn in the *sentence* view: folded, punctuation kept, whitespace runs made one space,
    and each position of ``text`` mapped back to the words as written."""

    written: str
    text: str
    #: ``origin[i]`` is the position in ``written`` of ``text[i]`` (``None``: the same position).
    origin: tuple[int, ...] | None = None

    def where(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``written`` behind ``text[start:end]`` (up to where the next folded
        character was written: a run of spaces made one is taken whole)."""
        if self.origin is None:
            return start, end
        n = len(self.origin)
        a = self.origin[start] if start < n else len(self.written)
        b = self.origin[end] if end < n else len(self.written)
        return a, max(a, b)

    def raw(self, start: int, end: int) -> str:
        """The words as written behind ``text[start:end]``."""
        a, b = self.where(start, end)
        return self.written[a:b]


_ODD_SPACE = re.compile(r"\s\s|[^\S ]")


def fold_sentences(written: str) -> Folded:
    """``written`` in the sentence view (see ``Folded``)."""
    text = fold(written)
    if len(text) == len(written) and not _ODD_SPACE.search(text):
        return Folded(written, text)
    chars: list[str] = []
    origin: list[int] = []
    space = False
    for i, char in enumerate(written):
        for plain in fold(char):
            if plain.isspace():
                if space:
                    continue
                plain, space = " ", True
            else:
                space = False
            chars.append(plain)
            origin.append(i)
    return Folded(written, "".join(chars), tuple(origin))


#: Words between quotation marks, straight, curly or French: reported speech (blanked before the
#: move cues read a turn) or a line the therapist gives the patient to say.
QUOTED = re.compile(r'"([^"]{1,300})"|“([^”]{1,300})”|«([^»]{1,300})»')


def quoted(text: str) -> list[str]:
    """What ``text`` puts between quotation marks (``QUOTED``), each part stripped."""
    return [part.strip() for m in QUOTED.finditer(text) for part in m.groups() if part]


def without_annotations(text: str) -> str:
    """``text`` with its bracketed annotations (« [silence 6s] », "(sighs)") blanked out."""
    return _BRACKETS.sub(" ", text) if "[" in text or "(" in text else text


def normalise(text: str) -> str:
    """A turn in the *words* view: folded, no annotations, punctuation but ``'`` and ``?``
    dropped, stutters and restarted phrases collapsed."""
    t = fold(text)
    # each rewrite below needs a character the ``in`` test looks for first
    t = without_annotations(t)
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
#: A word of text as written: its apostrophes may be curly (« m’excuse »).
_RAW_TOKEN = re.compile(r"[\w'’‘`ʼ]+")
_UPPER = re.compile(r"(?<!\\)[A-Z]")


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


#: The words of the turns scanned lately: the families of several packs (signals, moves, the
#: understanding's) scan the same turns in alternation, so one remembered turn was recomputed
#: more often than not.
_TOKENS: dict[str, frozenset[str]] = {}
_TOKENS_SIZE = 4096


def _tokens(norm: str) -> frozenset[str]:
    """The words of a turn (kept for the next families, which scan the same turn)."""
    words = _TOKENS.get(norm)
    if words is None:
        if len(_TOKENS) >= _TOKENS_SIZE:
            _TOKENS.clear()
        found = _TOKEN.findall(norm)
        split = _WORD.findall(norm) if "'" in norm else ()
        words = _TOKENS[norm] = frozenset((*found, *split))
    return words


#: A cue in the index: its family's number, its place in the family, its opening words.
_Indexed = tuple[int, int, frozenset[str] | None]


class Index:
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


#: A cue ends at a word end, or after a character that is not a letter ("j'", "qu'", "essayez ").
_TAIL = r"(?!(?<=\w)\w)"
#: A cue starts at a word start, in the pattern itself: a scan that tried « si … » inside
#: « aussi » consumed the text up to its end, and the real « si » after it was never tried
#: (fresh64: « Et je voudrais vous dire aussi : si, en séance, … je tiens à ce que vous me le
#: disiez » was no request to be told).
_HEAD = r"(?<!\w)"
_MEMO_CHARS = 40
_MEMO_SIZE = 4096
_NO_HITS: tuple[tuple[Cue, str], ...] = ()


class CueSet:
    """A list of cues, each compiled once.

    Text and patterns are folded alike (``fold``), so patterns are compiled without
    ``re.IGNORECASE``: the engine can then jump to each cue's literal start, which makes one small
    regex per cue faster than one big alternation. A cue must start at a word start (checked
    here) and end at a word end, or after a character that is not a letter ("j'", "qu'").

    A cue is tried only on a turn where one of its literal openings (``_screen``) starts a word,
    a necessary condition of a hit: an index of the openings (``Index``), shared by the lists of a
    pack, finds these cues in one search per turn. A cue whose opening is whole words is also
    skipped on a turn without one of its first words (a word after an elision counts: "il" in
    "qu'il"). The candidates are tried in pack order, so the hits come in the same order as a scan
    of every cue, and ``search`` finds the leftmost match as one alternation of the cues would.

    An entry is a pattern, or a table with the pattern under ``re`` and optionally its weight
    ``w``, the context it ``needs`` and its ``label``.
    """

    __slots__ = ("_index", "_memo", "_number", "_unscreened", "items", "openings")

    def __init__(
        self,
        family: str,
        entries: Sequence[Mapping[str, Any] | str],
        index: Index | None = None,
    ) -> None:
        items: list[tuple[Cue, re.Pattern[str]]] = []
        openings: list[frozenset[str] | None] = []
        screens: list[tuple[str, ...] | None] = []
        for i, raw in enumerate(entries):
            entry: Mapping[str, Any] = {"re": raw} if isinstance(raw, str) else raw
            source = fold_pattern(str(entry["re"]))
            cue = Cue(
                f"c{i}", float(entry.get("w", 1.0)), entry.get("needs"), entry.get("label"), source
            )
            items.append((cue, re.compile(f"{_HEAD}(?:{source}){_TAIL}")))
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
        self._index = index if index is not None else Index()
        self._number = self._index.register(screens, openings)
        self._unscreened = frozenset(i for i, screen in enumerate(screens) if screen is None)
        # short turns ("mm-hmm", "d'accord", "yeah yeah") come back all session long
        self._memo: dict[str, tuple[tuple[Cue, str], ...]] = {}

    def __len__(self) -> int:
        return len(self.items)

    def _candidates(self, norm: str) -> list[int]:
        """The cues that may fire on ``norm`` (screened by the index and the opening words)."""
        chosen: Set[int] | None = self._index.lookup(norm).get(self._number)
        if self._unscreened:
            chosen = self._unscreened.union(chosen or ())
        if not chosen:
            return []
        words: frozenset[str] | None = None
        out: list[int] = []
        for i in sorted(chosen):
            opening = self.openings[i]
            if opening is not None:
                if words is None:
                    words = _tokens(norm)
                if opening.isdisjoint(words):
                    continue
            out.append(i)
        return out

    def search(self, norm: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """The leftmost match of a cue in ``norm[pos:endpos]`` (the first cue in pack order at
        that place), or ``None``."""
        end = len(norm) if endpos is None else endpos
        best: re.Match[str] | None = None
        for i in self._candidates(norm):
            for m in self.items[i][1].finditer(norm, pos, end):
                start = m.start()
                if start and (norm[start - 1].isalnum() or norm[start - 1] == "_"):
                    continue
                if best is None or start < best.start():
                    best = m
                break
        return best

    def match(self, norm: str) -> re.Match[str] | None:
        """A cue matching at the start of ``norm`` (the first in pack order), or ``None``."""
        for i in self._candidates(norm):
            m = self.items[i][1].match(norm)
            if m is not None:
                return m
        return None

    def _matches(self, norm: str) -> tuple[tuple[Cue, str], ...]:
        chosen = self._index.lookup(norm).get(self._number)
        if chosen is None and not self._unscreened:  # most families on most turns
            return _NO_HITS
        if len(norm) > _MEMO_CHARS:
            return self._run(norm)
        found = self._memo.get(norm)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[norm] = self._run(norm)
        return found

    def _scan(self, norm: str) -> tuple[tuple[Cue, str], ...]:
        """Every hit of this family's cues on a normalised turn, in pack order."""
        return self._run(norm)

    def _run(self, norm: str) -> tuple[tuple[Cue, str], ...]:
        """The hits of the cues the index finds (``_candidates``) and of those it cannot screen."""
        found: list[tuple[Cue, str]] = []
        for i in self._candidates(norm):
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
