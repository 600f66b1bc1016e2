"""Topics across sessions: the mentions of noun phrases in every session of a patient.

A mention is a noun phrase a determiner or preposition announces in a turn (« le travail »,
« au boulot », « votre responsable »; ``understand.text.noun_phrases``); ``understand.subjects``
groups them into subjects by meaning, as it does within one session.
"""

from __future__ import annotations

from raccord.history.data import PatientRecord
from raccord.understand.subjects import SHORT, Mention
from raccord.understand.text import noun_phrases, read_ahead, word_count


def mentions(record: PatientRecord) -> tuple[Mention, ...]:
    out = []
    for session in record.sessions:
        spoken = [t for t in session.turns if t.role in ("therapist", "patient")]
        read_ahead(session.language, [t.text for t in spoken])
        for turn in spoken:
            short = word_count(turn.text) <= SHORT
            for topic in noun_phrases(session.language, turn.text):
                out.append(
                    Mention(
                        session.number,
                        turn.index,
                        turn.role,
                        topic.phrase,
                        topic.head.lower(),
                        short,
                        topic.proper,
                    )
                )
    return tuple(out)
