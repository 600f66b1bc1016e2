"""Small text tools shared by the formulation and the repair wording.

Words, the topic of a turn, and sentences filled from the language pack. Everything
language-specific (stopwords, determiners, contractions, cue patterns, phrasings) is read from
``lang/<code>/understand.toml``; nothing here knows French from English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from raccord import lang, nlp
from raccord.detect.moves import sentence_at
from raccord.lang import pack_code
from raccord.lang.cues import CueSet, Folded, Index, fold, fold_sentences
from raccord.model import Transcript
from raccord.understand.patient import Gender, patient_words

# French elisions (l', qu', jusqu'…) are their own token; other apostrophes stay inside the word
# (aujourd'hui, don't, you're).
_WORD = re.compile(
    r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=[^\W\d_])|[^\W\d_]+(?:['’-][^\W\d_]+)*",
    re.UNICODE | re.IGNORECASE,
)


def section(code: str, name: str) -> dict[str, Any]:
    return lang.section(pack_code(code), name)


_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)")


def words(text: str) -> list[str]:
    """Lower-cased word tokens; French elisions (``l'``, ``qu'``) are their own token;
    non-verbal annotations (``[silence 8s]``, ``(soupir)``) are not words."""
    return [w.replace("’", "'").lower() for w in _WORD.findall(_ANNOTATION.sub(" ", text))]


def word_count(text: str) -> int:
    return len(words(text))


def phrase(code: str, key: str, *, gender: Gender = Gender.UNKNOWN, **values: object) -> str:
    """One sentence of ``understand.toml [text]`` filled with ``values``, the patient named as
    their ``gender`` has it (``patient_words``: « la patiente est revenue »)."""
    template = str(section(code, "understand")["text"][key])
    return template.format(**{**patient_words(code, gender), **values})


def phrase_n(
    code: str, key: str, n: int, *, gender: Gender = Gender.UNKNOWN, **values: object
) -> str:
    """Like ``phrase``, using ``<key>_one`` when ``n`` is 1 and the pack has it."""
    texts = section(code, "understand")["text"]
    chosen = f"{key}_one" if n == 1 and f"{key}_one" in texts else key
    return phrase(code, chosen, gender=gender, n=n, **values)


def label(code: str, family: str, key: str, *, gender: Gender = Gender.UNKNOWN) -> str:
    """A display label of the pack (``lang.label``), the patient named as their ``gender`` has
    it (« vous avez parlé nettement plus que la patiente »)."""
    return lang.label(code, family, key).format(**patient_words(code, gender))


def join(code: str, items: Sequence[str]) -> str:
    """``a, b et c`` / ``a, b and c``."""
    text = section(code, "understand")["text"]
    if len(items) <= 1:
        return "".join(items)
    return str(text["list_sep"]).join(items[:-1]) + str(text["list_last"]) + items[-1]


def turn_ref(code: str, transcript: Transcript, index: int) -> str:
    """« tour 12 »: the turn as the therapist sees it numbered (its uid)."""
    return phrase(code, "turn", n=transcript.turns[index].uid)


def turns_ref(code: str, transcript: Transcript, indexes: Iterable[int]) -> str:
    ordered = sorted(set(indexes))
    if len(ordered) == 1:
        return turn_ref(code, transcript, ordered[0])
    uids = [str(transcript.turns[i].uid) for i in ordered]
    return phrase(code, "turns", list=join(code, uids))


def span_ref(code: str, transcript: Transcript, start: int, end: int, case: str = "") -> str:
    """« tours 10–18 », or « tour 10 » for one turn; ``case`` ``"at"`` / ``"of"`` gives the forms
    a preposition contracts with in French (« aux tours 10–18 » / « au tour 10 », « des tours
    10–18 » / « du tour 10 »: « Retrait des tour 10 » was printed for a one-turn episode)."""
    suffix = f"_{case}" if case else ""
    if start == end:
        return phrase(code, f"turn{suffix}", n=transcript.turns[start].uid)
    return phrase(
        code, f"span{suffix}", start=transcript.turns[start].uid, end=transcript.turns[end].uid
    )


@cache
def _cue_sets(code: str) -> dict[str, CueSet]:
    """The pack's ``[cues]`` lists, each compiled once by the project's cue engine."""
    index = Index()
    cues: Mapping[str, Sequence[str]] = section(code, "understand").get("cues", {})
    return {key: CueSet(key, [str(p) for p in entries], index) for key, entries in cues.items()}


@lru_cache(maxsize=4096)
def _sentences(text: str) -> Folded:
    return fold_sentences(text.strip())


def _match(code: str, key: str, text: str) -> tuple[Folded, re.Match[str]] | None:
    """The folded text and the first match of the pack's ``cues.<key>`` in it, or ``None``."""
    cues = _cue_sets(pack_code(code)).get(key)
    if cues is None:
        return None
    folded = _sentences(text)
    found = cues.search(folded.text)
    return None if found is None else (folded, found)


def cues_fired(code: str, key: str, text: str) -> frozenset[str]:
    """Which of the pack's ``cues.<key>`` fire in ``text``, each named by its pattern: two turns
    that fire the same cue name the same thing ("Tuesday at two" — "Tuesdays I'm off", with one
    cue per day)."""
    cues = _cue_sets(pack_code(code)).get(key)
    if cues is None:
        return frozenset()
    norm = _sentences(text).text
    fired: set[str] = set()
    hit = cues.search(norm)
    while hit is not None:
        fired.add(hit.re.pattern)
        hit = cues.search(norm, hit.end())
    return frozenset(fired)


def cue_sentence(code: str, key: str, text: str) -> tuple[str, str] | None:
    """Where the pack's ``cues.<key>`` first matched in ``text``: the words and their sentence,
    both as written (``cue`` reads the same match); ``None`` when no cue fires."""
    hit = _match(code, key, text)
    if hit is None:
        return None
    folded, found = hit
    said = text.strip()
    return folded.raw(found.start(), found.end()).strip(), _balanced(
        said, sentence_at(said, folded, found.start())
    )


#: Quotation marks that open and close a quote inside a turn.
_QUOTES = (("«", "»"), ("“", "”"))
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)")


def sentence_end(text: str, pos: int = 0) -> int:
    """Where the sentence of ``text`` under way at ``pos`` ends (after its final mark), or the
    end of ``text``."""
    end = _SENTENCE_END.search(text, pos)
    return end.end() if end else len(text)


def _balanced(said: str, sentence: str) -> str:
    """``sentence`` carried on to the end of the sentence that closes a quote it opens: « …et
    quand vous entendez le « c'est tout ? », vous le notez à côté » is one sentence, not two."""
    start = said.find(sentence.rstrip("….").rstrip())
    if start < 0:
        return sentence
    for opening, closing in _QUOTES:
        if sentence.count(opening) > sentence.count(closing):
            close = said.find(closing, start + len(sentence.rstrip("…")) - 1)
            if close < 0:
                return sentence
            return said[start : sentence_end(said, close + 1)].strip()
    if sentence.count('"') % 2:
        # a straight quote left open: 'even if it's just "too fast."' ends after its close
        close = said.find('"', start + len(sentence.rstrip("…")) - 1)
        if close >= 0:
            return said[start : close + 1].strip()
    return sentence


def cue(code: str, key: str, text: str) -> str | None:
    """The words of ``text``, as written, where one of the pack's ``cues.<key>`` matched first
    (the leftmost match; ``None`` when no cue fires).

    The cues are read by the project's cue engine (``raccord.lang.cues``) on the turn folded
    (lower case, accents dropped, apostrophes straight; punctuation kept, as for the therapist
    moves), so speech-to-text French (« ca a l'air dur ») and curly apostrophes (« je m’excuse »)
    fire as written French does, and the evidence is the turn's own words."""
    hit = _match(code, key, text)
    if hit is None:
        return None
    folded, found = hit
    return folded.raw(found.start(), found.end()).strip()


#: How many words may come before a lead-in clause that is still the turn's opening (« Bon, avant
#: qu'on commence, … »).
_LEAD_IN_WORDS = 3


def without_preamble(code: str, text: str) -> str:
    """``text`` without the lead-in clause that opens one of its sentences (``cues.preamble``:
    « Avant qu'on regarde l'agenda, comment s'est passée votre semaine ? » asks about the week,
    not the agenda); the text as it was when nothing else would remain."""
    cues = _cue_sets(pack_code(code)).get("preamble")
    if cues is None:
        return text
    folded = _sentences(text)
    found = cues.search(folded.text)
    if found is None:
        return text
    opening = folded.text[: found.start()]
    sentence = re.split(r"[.!?…;]", opening)[-1]
    if len(words(sentence)) > _LEAD_IN_WORDS:
        return text
    a, b = folded.where(found.start(), found.end())
    rest = folded.written[:a] + " " + folded.written[b:]
    return rest.strip() if words(rest[a:]) else text


# --------------------------------------------------------------------------- clauses

#: How many words of a turn are quoted at most (the rest becomes « … »).
QUOTE_WORDS = 10
_CLAUSE_END = re.compile(r"(?<=[.!?;…])")


def _quotable(text: str) -> str:
    """A turn as a quote may show it: annotations and quotation marks removed, spaces single."""
    plain = _ANNOTATION.sub(" ", text)
    return re.sub(r"\s+", " ", plain.replace("«", "").replace("»", "").replace('"', "")).strip()


def clauses(code: str, text: str, limit: int = QUOTE_WORDS) -> list[str]:
    """The clauses of a turn as they can be quoted: annotations and quotation marks removed,
    hesitations at the start dropped, at least three words, at most ``limit`` (then « … »).
    A question keeps its question mark, so a quote shows whether a question was asked."""
    fillers = set(section(code, "understand").get("quote", {}).get("fillers", ()))
    plain = _quotable(text)
    out: list[str] = []
    for clause in _CLAUSE_END.split(plain):
        tokens = clause.strip(" -–—,").split()
        while tokens and tokens[0].strip(",:-–—").lower() in fillers:
            tokens = tokens[1:]
        if len(words(" ".join(tokens))) < 3:
            continue
        tokens[0] = tokens[0].lstrip(",:-–—")  # « Et vous, assis… » → « Vous, assis… »
        end = "?" if tokens[-1].endswith("?") else ""
        short = " ".join(tokens[:limit]).rstrip(",:-–—.!;… ").rstrip("?").rstrip()
        short = short[:1].upper() + short[1:]
        out.append(short + ("…" if len(tokens) > limit else end))
    return out


def span(text: str, first: str, last: str) -> str | None:
    """The words of ``text`` as said from the clause ``first`` to the clause ``last`` (both
    from ``clauses``), with everything between them — the hesitations and « et » a list of
    clauses leaves out — and ``last``'s own punctuation; ``None`` when they are not found in
    that order (``first`` may have been recapitalised, ``last`` cut with « … »)."""
    plain = _quotable(text)
    lower = plain.lower()
    head = first.rstrip("?…").lower()
    tail = last.rstrip("?…").lower()
    if not head or not tail or last.endswith("…"):
        return None
    start = lower.find(head)
    if start < 0:
        return None
    at = lower.find(tail, start + len(head) if tail != head else start)
    if at < 0:
        return None
    end = at + len(tail)
    while end < len(plain) and plain[end] in ".!?…":
        end += 1
    said = plain[start:end].strip()
    return said[:1].upper() + said[1:]


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True, slots=True)
class Topic:
    """What was being talked about: ``phrase`` as the therapist would say it (« le travail »),
    ``de`` the same after « de » (« du travail »; identical in English), ``head`` the key word."""

    phrase: str
    de: str
    head: str
    #: A noun phrase a sentence can name: announced by a determiner (« le travail », "your
    #: sister"), or by a preposition when it does not have a verb's shape ("at work", but not
    #: "for lying" nor « sans prévenir »: ``topic.verb_endings`` of the pack).
    determined: bool = False
    #: A name (« Nathalie », "the Uffizi"), kept as written: grouped with no other word by
    #: meaning (found by the language model only).
    proper: bool = False


@cache
def _topic_data(code: str) -> dict[str, Any]:
    return dict(section(code, "understand").get("topic", {}))


def content_words(code: str, text: str) -> list[str]:
    data = _topic_data(pack_code(code))
    stop = set(data.get("stopwords", ()))
    dets = set(data.get("determiners", ()))
    minimum = int(data.get("min_length", 3))
    return [
        w for w in words(text) if w not in stop and w not in dets and len(w.strip("'")) >= minimum
    ]


#: Letters two forms of one word share, when no language model gives their lemma.
STEM_LETTERS = 5


def word_key(code: str, word: str, lemma: str | None = None) -> str:
    """What two forms of one word have in common, so that they count as the same word (a topic
    the patient echoes, a topic the therapist presses again, an answer that goes on with the
    same words): the lemma the language model read (``lemma``; a topic's head is one already),
    so « parents » and « parent » are one word and « parent » and « parenthèse », « travail »
    and « travers » two; without the ``nlp`` extra, the first ``STEM_LETTERS`` letters. Folded
    like the cues (``raccord.lang.cues.fold``): speech-to-text « reunion » is « réunion »."""
    if nlp.available(pack_code(code)):
        return fold(lemma or word)
    return fold(word)[:STEM_LETTERS]


def word_keys(code: str, text: str) -> frozenset[str]:
    """The ``word_key`` of every content word of a turn (lemmas read in the sentence)."""
    code = pack_code(code)
    return _word_keys(code, text, nlp.available(code))


@lru_cache(maxsize=4096)
def _word_keys(code: str, text: str, model: bool) -> frozenset[str]:
    """``word_keys``, once per turn (read for each context turn, each therapist turn and each
    answer): by the language model when ``model``, else by the rules."""
    if not model:
        return frozenset(word_key(code, w) for w in content_words(code, text))
    data = _topic_data(code)
    skip = {*data.get("stopwords", ()), *data.get("determiners", ())}
    minimum = int(data.get("min_length", 3))
    keys = {fold(w) for w in words(text) if "-" in w}  # « week-end » is one topic's head
    for word in _read(code, text, model):
        low = word.low
        if low in skip or len(low.strip("'")) < minimum or not low[:1].isalpha():
            continue
        keys.add(word.key)
    return frozenset(keys)


@dataclass(frozen=True, slots=True)
class _Word:
    """One word of a turn as read: lower case as written, its ``word_key``, and whether the
    language model tagged it a verb (``None`` without the model)."""

    low: str
    key: str
    verb: bool | None


@lru_cache(maxsize=4096)
def _read(code: str, text: str, model: bool) -> tuple[_Word, ...]:
    """The words of a turn in order: by the language model when ``model`` (lemmas and parts of
    speech read in the sentence), else ``words``."""
    if not model:
        return tuple(_Word(w, word_key(code, w), None) for w in words(text))
    return tuple(
        _Word(
            low := str(t.text).replace("’", "'").lower(),
            word_key(code, low, str(t.lemma_).lower()),
            t.pos_ in ("VERB", "AUX"),
        )
        for t in nlp.docs(code, [_ANNOTATION.sub(" ", text)])[0]
    )


def mentions(code: str, text: str, topic: Topic) -> bool:
    """Whether a turn names ``topic``'s head word, in any of its forms (``word_key``)."""
    return word_key(code, topic.head) in word_keys(code, text)


#: How many words before a subject a negation may stand and still deny it (« c'est même pas
#: l'argent », "it's not even the forty dollars").
NEGATION_REACH = 4


def set_aside(code: str, text: str, topic: Topic) -> bool:
    """Whether ``text`` names ``topic`` only to deny it (``topic.negations`` of the pack within
    ``NEGATION_REACH`` words before its head): "It's not even the forty dollars" sets the
    dollars aside, and a repair that names them contradicts the patient."""
    code = pack_code(code)
    data = _topic_data(code)
    negations = {fold(str(w)) for w in data.get("negations", ())}
    between_ok = {
        fold(str(w)) for w in (*data.get("determiners", ()), *data.get("negation_fillers", ()))
    }
    head = word_key(code, topic.head)
    read = _read(code, text, nlp.available(code))
    said = [fold(w.low) for w in read]
    # what may stand between a negation and the subject: no verb (the model's tags), else only
    # determiners and the pack's fillers
    blocks = [w.verb if w.verb is not None else fold(w.low) not in between_ok for w in read]
    for k, word in enumerate(read):
        if word.key != head:
            continue
        # the nearest negation before the head, with no verb between (« je l'ai pas vue, ma
        # mère » and "I haven't seen my mother" deny the seeing, not the mother)
        for j in range(k - 1, max(-1, k - 1 - NEGATION_REACH), -1):
            if said[j] in negations:
                if not any(blocks[j + 1 : k]):
                    return True
                break
    return False


def topic_of(
    code: str, text: str, context: Iterable[str] = (), *, min_score: float = 0.0
) -> Topic | None:
    """The topic of one turn: its best noun phrase, preferring words the patient also used.

    A candidate is a content word (not a stopword), better when a determiner announces it as a
    noun, longer, and echoed in ``context`` (the patient's nearby turns). The determiner is kept
    and adapted (« mon travail » → « votre travail ») so the phrase drops into a sentence.
    ``min_score`` 3 asks for a candidate announced by a determiner or echoed by the patient.
    """
    best: tuple[float, Topic] | None = None
    for score, candidate in _candidates(code, text, context, min_score):
        if best is None or score > best[0]:  # ties: the earlier phrase
            best = (score, candidate)
    return None if best is None or best[0] < min_score else best[1]


def read_ahead(code: str, texts: Sequence[str]) -> None:
    """Parse in one batch the turns a caller is about to ask the topics of (the language model
    reads a batch several times faster than the same turns one by one); nothing without it."""
    code = pack_code(code)
    if nlp.available(code):
        nlp.docs(code, [_ANNOTATION.sub(" ", t) for t in texts])


def noun_phrases(code: str, text: str) -> tuple[Topic, ...]:
    """Every noun phrase a determiner or a preposition announces in a turn (« le travail »,
    « au bureau », « votre responsable »), in order, each once: the subjects a turn brings up."""
    seen: set[str] = set()
    out: list[Topic] = []
    for _, candidate in _candidates(code, text, (), 3.0):
        if candidate.head not in seen:
            seen.add(candidate.head)
            out.append(candidate)
    return tuple(out)


def _candidates(
    code: str, text: str, context: Iterable[str], min_score: float
) -> Iterator[tuple[float, Topic]]:
    """The noun phrases of a turn with their scores: read by the language model where the
    ``nlp`` extra is installed, else by the pack's rules."""
    code = pack_code(code)
    text = without_preamble(code, text)
    found = (
        _model_candidates(code, text, context, min_score)
        if nlp.available(code)
        else _rule_candidates(code, text, context, min_score)
    )
    fixed = _fixed_words(code, text) | _not_subjects(code)
    return (c for c in found if not fixed or fold(c[1].head) not in fixed)


@cache
def _not_subjects(code: str) -> frozenset[str]:
    """The pack's nouns that name where a feeling sits, not what the session is about
    (``topic.not_subjects``: « la poitrine », "your chest"), folded: fresh64's review found a
    script offering « de parler de la poitrine »."""
    return frozenset(fold(str(w)) for w in _topic_data(code).get("not_subjects", ()))


@cache
def _fixed(code: str) -> CueSet | None:
    """The pack's set phrases (``topic.fixed``: « sans doute », "in fact"), compiled by the cue
    engine: a noun inside one is not a subject."""
    phrases = [str(p) for p in _topic_data(code).get("fixed", ())]
    return CueSet("fixed", phrases, Index()) if phrases else None


def _fixed_words(code: str, text: str) -> frozenset[str]:
    """The words of ``text`` that stand inside one of the pack's set phrases, folded."""
    phrases = _fixed(code)
    if phrases is None:
        return frozenset()
    # split at elisions too: « par l'esprit » holds « esprit »
    return frozenset(
        w
        for hit in phrases.hits("fixed", _sentences(text).text)
        for w in hit.words.replace("'", " ").split()
    )


def _rule_candidates(
    code: str, text: str, context: Iterable[str], min_score: float
) -> Iterator[tuple[float, Topic]]:
    """The fallback without a language model: a content word after a determiner or a
    preposition of the pack, unless it has a verb's shape or follows a clitic pronoun."""
    data = _topic_data(code)
    stop = set(data.get("stopwords", ()))
    dets = [str(d) for d in data.get("determiners", ())]
    links = set(data.get("links", ()))
    preps = set(data.get("prepositions", ()))
    modifiers = tuple(str(m) for m in data.get("modifier_endings", ())) or ("\0",)
    dmap: Mapping[str, str] = data.get("determiner_map", {})
    verbish = tuple(str(e) for e in data.get("verb_endings", ())) or ("\0",)
    clitic = data.get("clitic", {})
    clitic_dets = set(clitic.get("determiners", ()))
    clitic_before = set(clitic.get("before", ()))
    clitic_subjects = set(clitic.get("subjects", ()))
    infinitive = tuple(str(e) for e in clitic.get("endings", ())) or ("\0",)
    minimum = int(data.get("min_length", 3))
    tokens = words(text)
    raw = _WORD.findall(_ANNOTATION.sub(" ", text))
    echo = {k for t in context for k in word_keys(code, t)}
    head, comma, _ = text.partition(",")
    fronted = len(words(head)) if comma and len(words(head)) <= 4 else 0

    def is_content(w: str) -> bool:
        return w not in stop and w not in dets and len(w.strip("'")) >= minimum and not _stutter(w)

    for i, token in enumerate(tokens):
        if not is_content(token):
            continue
        det = tokens[i - 1] if i > 0 and tokens[i - 1] in dets else None
        after_preposition = det is None and i > 0 and tokens[i - 1] in preps
        parts = [token]
        j = i + 1
        if j + 1 < len(tokens) and tokens[j] in links and is_content(tokens[j + 1]):
            parts += [tokens[j], tokens[j + 1]]
        elif j < len(tokens) and is_content(tokens[j]) and token.endswith(modifiers):
            parts.append(tokens[j])  # "the breathing exercises", "your drinking problem"
        if i > 0 and raw[i][:1].isupper():
            continue  # a name, not a subject to bring up
        if (
            det in clitic_dets
            and i > 1
            and tokens[i - 2] in clitic_before
            and token.endswith(infinitive)
        ):
            continue  # « de la payer », « pour le faire »: a pronoun and a verb, not a subject
        if det in clitic_dets and i > 1 and tokens[i - 2] in clitic_subjects:
            continue  # « je le crains », « on les oublie »: an object pronoun and its verb
        announced = det is not None or after_preposition
        if min_score > 0 and not announced:
            continue  # without a determiner it is too often a verb or an adjective
        if det is None and token.endswith(verbish):
            continue  # "for lying", « passée »: a verb's shape, never a topic
        score = 1.0 + (2.0 if det or after_preposition else 0.0) + (0.5 if len(token) >= 6 else 0.0)
        score += 2.5 if word_key(code, token) in echo else 0.0
        score += 2.5 if i < fronted else 0.0  # « Et au travail, … » / "And at work, …"
        noun_phrase = _with_determiner(det, _glue(parts), dmap)
        candidate = Topic(
            phrase=noun_phrase,
            de=with_de(code, noun_phrase),
            head=token,
            determined=det is not None or (after_preposition and not token.endswith(verbish)),
        )
        yield score, candidate


#: Parts of speech a topic's head may have: a noun or a name, never a verb or a pronoun.
_NOUNS = frozenset({"NOUN", "PROPN"})


def _model_candidates(
    code: str, text: str, context: Iterable[str], min_score: float
) -> Iterator[tuple[float, Topic]]:
    """The nouns of a turn as the language model tags them (``raccord.nlp``), each with its
    determiner and the modifiers before it (« les vieilles photos », "your drinking problem"),
    a « de » complement after it (« votre consommation d'alcool »), and its lemma as the head.
    A name is kept as written; the pack's stopwords, determiners and scores are the rules'."""
    data = _topic_data(code)
    stop = set(data.get("stopwords", ()))
    dets = {str(d) for d in data.get("determiners", ())}
    links = set(data.get("links", ()))
    preps = set(data.get("prepositions", ()))
    dmap: Mapping[str, str] = data.get("determiner_map", {})
    clitic = data.get("clitic", {})
    clitic_dets = set(clitic.get("determiners", ()))
    clitic_subjects = set(clitic.get("subjects", ()))
    pronoun_after = set(clitic.get("pronoun_after", ()))
    verbs_before = set(clitic.get("verbs_before", ()))
    verb_endings = tuple(str(e) for e in clitic.get("verb_endings", ())) or ("\0",)
    minimum = int(data.get("min_length", 3))
    compounds = bool(data.get("noun_compounds", False))
    plain = _ANNOTATION.sub(" ", text)
    doc = nlp.docs(code, [plain])[0]
    echo = {k for t in context for k in word_keys(code, t)}
    comma = next((t.i for t in doc if t.text == ","), None)
    fronted = comma if comma is not None and comma <= 4 else 0

    def low(t: Any) -> str:  # a token or a span
        return str(t.text).replace("’", "'").lower()

    def name(t: Any) -> bool:
        return t.pos_ == "PROPN" or (not t.is_sent_start and t.text[:1].isupper())

    def shown(t: Any) -> str:
        return str(t.text) if name(t) else low(t)

    def hyphen(k: int) -> bool:  # doc[k] is a hyphen inside a word (« week-end »)
        return (
            0 < k < len(doc) - 1
            and doc[k].text == "-"
            and not doc[k].whitespace_
            and not doc[k - 1].whitespace_
        )

    for tok in doc:
        if hyphen(tok.i + 1):
            continue  # « week » of « week-end »: the word is read at its last piece
        first = tok.i
        while hyphen(first - 1):
            first -= 2
        word = low(doc[first : tok.i + 1])
        if (
            tok.pos_ not in _NOUNS
            or word in stop
            or word in dets
            or str(tok.lemma_).lower() in stop
        ):
            continue
        if len(word.strip("'")) < minimum or _stutter(word) or not word[:1].isalpha():
            continue
        if tok.is_sent_start and tok.text[:1].isupper() and tok.pos_ == "PROPN":
            continue  # "Bof.", "Meh?", "Bonjour Camille": a word the model takes for a name
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if compounds and nxt is not None and nxt.pos_ in _NOUNS and tok.dep_ == "compound":
            continue  # "holiday" in "holiday photos": the phrase is the last noun's
        start = first
        while start > 0 and _modifies(doc[start - 1], start, tok.i, compounds):
            if low(doc[start - 1]) in stop or name(doc[start - 1]) != name(tok):
                break
            start -= 1
        before = doc[start - 1] if start > 0 else None
        det = low(before) if before is not None and low(before) in dets else None
        subject = doc[before.i - 1] if before is not None and before.i > 0 else None
        if (
            det in clitic_dets
            and subject is not None
            and (subject.dep_.startswith("nsubj") or low(subject) in clitic_subjects)
        ):
            continue  # « je le pense », « en vous la disant »: a pronoun and a verb
        if subject is not None and f"{low(subject)} {det}" in pronoun_after:
            continue  # « à le croire mort »: no article there (« au »), a pronoun and a verb
        if (
            det in clitic_dets
            and subject is not None
            and low(subject) in verbs_before
            and word.endswith(verb_endings)
        ):
            continue  # « je ne veux pas la balayer », tagged a noun: a pronoun and a verb
        after_preposition = det is None and before is not None and low(before) in preps
        whole = str(doc[first : tok.i + 1].text) if name(tok) else word
        parts = [shown(t) for t in doc[start:first]] + [whole]
        if (
            nxt is not None
            and low(nxt) in links
            and tok.i + 2 < len(doc)
            and doc[tok.i + 2].pos_ in _NOUNS
            and low(doc[tok.i + 2]) not in stop
        ):
            parts += [low(nxt), shown(doc[tok.i + 2])]
        announced = det is not None or after_preposition
        if min_score > 0 and not announced:
            continue
        long = len(word) >= 6 and not name(tok)  # a name is a subject no more than a noun is
        score = 1.0 + (2.0 if announced else 0.0) + (0.5 if long else 0.0)
        lemma = word if first < tok.i else str(tok.lemma_).lower()
        score += 2.5 if word_key(code, word, lemma) in echo else 0.0
        score += 2.5 if tok.i < fronted else 0.0
        noun_phrase = _with_determiner(det, _glue(parts), dmap)
        yield (
            score,
            Topic(
                phrase=noun_phrase,
                de=with_de(code, noun_phrase),
                head=lemma,
                determined=announced,
                proper=name(tok),
            ),
        )


def _modifies(t: Any, start: int, end: int, compounds: bool) -> bool:
    """Whether ``t`` belongs to the noun phrase ``start..end`` as a word before its noun: an
    adjective or a number on it ("old", « vieilles »), or a noun compounded with it ("holiday
    photos", in a language whose pack says ``noun_compounds``; a noun the French parser calls an
    adjective, « ma sœur dimanche », is not)."""
    if not start <= t.head.i <= end:
        return False
    return t.pos_ in ("ADJ", "NUM") or (compounds and t.pos_ in _NOUNS and t.dep_ == "compound")


def _stutter(word: str) -> bool:
    """Transcribed hesitations (« j-je », « hm-hm »): not words to talk about."""
    parts = word.split("-")
    return len(parts) > 1 and (len(set(parts)) == 1 or min(len(p) for p in parts) <= 2)


def _glue(parts: Sequence[str]) -> str:
    out = ""
    for part in parts:
        out += part if not out or out.endswith("'") else " " + part
    return out


def as_said(code: str, noun_phrase: str) -> str:
    """A subject as the report to the therapist names it: quoted as said when its determiner
    addresses someone (« votre fille », « ce père »: the words of the session, not the report's —
    the report speaks to the therapist, not to the patient), else as it is."""
    first = noun_phrase.split(" ", 1)[0].lower()
    addressed = {str(w) for w in _topic_data(code).get("addressed", ())}
    if first in addressed:
        return phrase(code, "topic_as_said", topic=noun_phrase)
    return noun_phrase


def with_de(code: str, noun_phrase: str) -> str:
    """« le travail » → « du travail », « l'alcool » → « de l'alcool », « alcool » → « d'alcool »."""
    data = _topic_data(pack_code(code))
    forms: Mapping[str, str] = data.get("de_forms", {})
    vowel: Mapping[str, str] = data.get("de_vowel", {})
    for prefix in sorted(forms, key=len, reverse=True):
        if prefix and noun_phrase.startswith(prefix):
            return str(forms[prefix]) + noun_phrase[len(prefix) :]
    bare = str(forms.get("", ""))
    if bare in vowel and noun_phrase[:1].lower() in "aeiouyéèêàâîïôûh":
        return str(vowel[bare]) + noun_phrase
    return bare + noun_phrase


# --------------------------------------------------------------------------- typography


@cache
def _typography(code: str, kind: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The pack's finishing rules (``understand.toml [typography] <kind>``), compiled once."""
    rules = section(code, "understand").get("typography", {}).get(kind, ())
    return tuple((re.compile(str(pattern)), str(replacement)) for pattern, replacement in rules)


_QUOTED_SPAN = re.compile(r"(«[^«»]*»|“[^“”]*”)")


def typeset(code: str, text: str) -> str:
    """A generated sentence finished by its language's rules (``[typography]`` of the pack).

    ``elisions`` (« de en » → « d'en », « que il » → « qu'il ») apply outside quotation marks:
    quoted words are somebody's own. ``spacing`` applies everywhere: in French, the non-breaking
    spaces before ``: ; ? !`` and inside « », and no stop after a closing quote that already ends
    a sentence. A pack without rules (English) gets its text back unchanged.
    """
    code = pack_code(code)
    elisions, spacing = _typography(code, "elisions"), _typography(code, "spacing")
    if not text or not (elisions or spacing):
        return text
    if elisions:
        parts = _QUOTED_SPAN.split(text)
        for i in range(0, len(parts), 2):  # even parts are outside quotation marks
            for pattern, replacement in elisions:
                parts[i] = pattern.sub(replacement, parts[i])
        text = "".join(parts)
    for pattern, replacement in spacing:
        text = pattern.sub(replacement, text)
    return text


def after_colon(code: str, item: str) -> str:
    """A generated item continued after a label and a colon (« Ce qui a fonctionné : au tour
    36… »): in a language whose pack says so (``[typography] lower_after_colon``), its first
    letter in lower case, unless the first word is an acronym (« EMDR ») or a quotation. The
    items start with a template's own words, never a name."""
    typography = section(pack_code(code), "understand").get("typography", {})
    if not typography.get("lower_after_colon") or len(item) < 2:
        return item
    if item[0].isupper() and not item[1].isupper():
        return item[0].lower() + item[1:]
    return item


def _with_determiner(det: str | None, body: str, shown: Mapping[str, Any]) -> str:
    """The noun phrase as it is named: the determiner as the pack shows it (« votre » for « mon »),
    elided without a space (« l'atelier »)."""
    if det is None:
        return body
    word = str(shown.get(det, det))
    return word + body if word.endswith("'") else f"{word} {body}"
