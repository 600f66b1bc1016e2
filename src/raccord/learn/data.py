"""Every labelled session the detector may learn from, in both languages.

- AnnoMI (``../shared/data``): the 25 dev and 82 silver sessions with our rupture labels, in
  English (``annomi/AnnoMI-simple.csv``) and in their French rendering (``annomi-fr-*.csv``);
- the project's psychotherapy set (``corpus/psychotherapy``): sessions written for raccord, each
  coded twice independently and adjudicated (``*.labels.jsonl``);
- the same psychotherapy sessions as unpunctuated speech-to-text gives them (source
  ``psychotherapy-spoken``: lower case, no punctuation, no annotations, French without accents),
  with the same labels: the detector learns that a turn is not calmer or angrier for lacking its
  question mark, and the benchmark says what such a transcript costs, out of fold.

The ids of ``heldout-ids.txt`` are refused wherever they appear: they are kept for a test nobody
here runs. A session and its translation share a ``group``, so cross-validation never trains on
one and scores the other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from raccord.errors import RaccordError
from raccord.eval.corpus import ANNOMI, load_transcripts
from raccord.eval.labels import Annotation, TranscriptId, read_labels
from raccord.lang.cues import strip_accents, without_annotations
from raccord.model import Transcript

LABELS = ("annomi-rupture-dev.jsonl", "annomi-rupture-silver.jsonl")
FRENCH = ("annomi-fr-dev.csv", "annomi-fr-silver.csv")
HELDOUT = "heldout-ids.txt"
REPO = Path(__file__).resolve().parents[3]
PSYCHOTHERAPY = REPO / "corpus" / "psychotherapy"


#: The first psychotherapy session number of the batches written for the blind rounds (k–q):
#: each was written by a helper who saw no other session, scored by the detector before anyone
#: here read it, then coded blind a second time and adjudicated. The benchmark reports them apart
#: too (``blind_round``): they are the least like the sessions the packs were read on.
BLIND_ROUNDS_FROM = 61


@dataclass(frozen=True, slots=True)
class Labelled:
    """One labelled session in one language."""

    source: str  # "annomi" or "psychotherapy"
    group: str  # sessions sharing a group (a session and its translation) stay in one fold
    language: str
    transcript: Transcript
    labels: Annotation

    @property
    def key(self) -> str:
        return f"{self.source}:{self.language}:{self.labels.transcript_id}"

    @property
    def blind_round(self) -> bool:
        """A psychotherapy session of the blind rounds (``BLIND_ROUNDS_FROM``), as written."""
        tid = str(self.labels.transcript_id)
        number = tid.rsplit("-", 1)[-1]
        return (
            self.source == "psychotherapy" and number.isdigit() and int(number) >= BLIND_ROUNDS_FROM
        )


def heldout_ids(data: Path) -> frozenset[int]:
    """The AnnoMI ids nobody may train, tune or select on."""
    path = data / HELDOUT
    if not path.is_file():
        raise RaccordError("the list of held-out sessions is missing", path=str(path))
    ids: set[int] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip().startswith("#"):
            ids.update(int(x) for x in line.split())
    return frozenset(ids)


def annomi(data: Path, languages: tuple[str, ...] = ("en", "fr")) -> Iterator[Labelled]:
    """The labelled AnnoMI sessions (dev and silver), in each language asked for."""
    labels: dict[TranscriptId, Annotation] = {}
    for name in LABELS:
        labels.update(read_labels(data / name))
    forbidden = heldout_ids(data) & {t for t in labels if isinstance(t, int)}
    if forbidden:
        raise RaccordError(f"labels given for held-out sessions {sorted(forbidden)}")
    for language in languages:
        transcripts: dict[TranscriptId, Transcript] = {}
        for name in (ANNOMI,) if language == "en" else FRENCH:
            found = load_transcripts(data / name, language)
            transcripts.update({t: v for t, v in found.items() if t in labels})
        for tid in sorted(labels, key=str):
            if tid not in transcripts:
                raise RaccordError(f"labelled transcript {tid!r} not found in the {language} files")
            yield Labelled("annomi", f"annomi-{tid}", language, transcripts[tid], labels[tid])


def psychotherapy(folder: Path = PSYCHOTHERAPY) -> Iterator[Labelled]:
    """The project's psychotherapy sessions with their adjudicated labels (``<stem>.csv`` and
    ``<stem>.labels.jsonl``); the language is the stem's prefix (``fr-a`` → French)."""
    if not folder.is_dir():
        return
    for labels_path in sorted(folder.glob("*.labels.jsonl")):
        stem = labels_path.name[: -len(".labels.jsonl")]
        language = stem.split("-")[0]
        labels = read_labels(labels_path)
        transcripts = load_transcripts(folder / f"{stem}.csv", language)
        for tid in sorted(labels, key=str):
            if tid not in transcripts:
                raise RaccordError(f"labelled transcript {tid!r} not found", path=str(labels_path))
            yield Labelled("psychotherapy", f"psy-{tid}", language, transcripts[tid], labels[tid])


_PUNCTUATION = re.compile(r"[^\w' -]")


def unpunctuated(text: str, language: str) -> str:
    """A turn as plain speech-to-text writes it: lower case, no punctuation and no annotations
    (« [silence] », "(sighs)"), French without accents; a turn left empty becomes "mm"."""
    t = _PUNCTUATION.sub(" ", without_annotations(text.lower()))
    if language == "fr":
        t = strip_accents(t)  # « l'œil » stays « l'œil », not « l'il »
    return " ".join(t.split()) or "mm"


def spoken(sessions: Iterable[Labelled]) -> Iterator[Labelled]:
    """Each session rendered as unpunctuated speech-to-text (``unpunctuated``), in its own group:
    a rendering is never trained on while its original is scored."""
    for s in sessions:
        turns = tuple(
            replace(t, text=unpunctuated(t.text, s.language), annotations=())
            for t in s.transcript.turns
        )
        transcript = replace(s.transcript, turns=turns)
        yield Labelled(f"{s.source}-spoken", s.group, s.language, transcript, s.labels)


def everything(data: Path) -> list[Labelled]:
    """All labelled sessions: AnnoMI in both languages, the psychotherapy set, and the
    psychotherapy set as unpunctuated speech-to-text (``spoken``)."""
    psy = list(psychotherapy())
    return [*annomi(data), *psy, *spoken(psy)]


def data_hash(sessions: list[Labelled]) -> str:
    """A hash of the training data: every session's turns and labels, in order."""
    digest = hashlib.sha256()
    for s in sorted(sessions, key=lambda x: x.key):
        digest.update(s.key.encode())
        for t in s.transcript.turns:
            digest.update(f"{t.uid}|{t.role}|{t.text}\n".encode())
        digest.update(repr(sorted(s.labels.client.items())).encode())
        digest.update(repr(sorted(s.labels.therapist.items())).encode())
        digest.update(repr(s.labels.episodes).encode())
    return digest.hexdigest()[:16]
