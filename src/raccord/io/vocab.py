"""The io vocabulary of every language pack, merged.

A file's language is only known after it is read, so readers recognise the speaker labels,
non-verbal annotations and column names of all packs at once ("Thérapeute" in an English file
still means the therapist). The words live in ``lang/<code>/io.toml``; nothing here is language
specific.

Only ``io.toml`` is read (not the whole pack through ``lang.load``), so reading a transcript does
not depend on the analysis packs being valid.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from raccord import lang
from raccord.errors import RaccordError


@dataclass(frozen=True, slots=True)
class IoVocabulary:
    therapist_labels: frozenset[str]
    patient_labels: frozenset[str]
    other_labels: frozenset[str]
    not_speakers: frozenset[str]
    therapist_titles: frozenset[str]
    metadata: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
    nonverbal: dict[str, str]
    nonverbal_prefixes: tuple[tuple[str, str], ...]


def _io_pack(code: str) -> dict[str, Any]:
    entry = resources.files(lang.__name__).joinpath(code, "io.toml")
    if not entry.is_file():
        return {}
    try:
        return tomllib.loads(entry.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RaccordError(f"invalid language pack file: {exc}", path=str(entry)) from exc


def _words(section: dict[str, Any], key: str) -> list[str]:
    value = section.get(key, [])
    return [str(v).lower() for v in value] if isinstance(value, list) else []


@cache
def vocabulary() -> IoVocabulary:
    """The merged ``io.toml`` of all packs (read once per process)."""
    therapist: set[str] = set()
    patient: set[str] = set()
    other: set[str] = set()
    not_speakers: set[str] = set()
    titles: set[str] = set()
    metadata: dict[str, list[str]] = {}
    columns: dict[str, list[str]] = {}
    nonverbal: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    for code in lang.available():
        io = _io_pack(code)
        roles = dict(io.get("roles", {}))
        therapist.update(_words(roles, "therapist"))
        patient.update(_words(roles, "patient"))
        other.update(_words(roles, "other"))
        not_speakers.update(_words(roles, "not_speakers"))
        titles.update(_words(roles, "therapist_titles"))
        for area, target in (("metadata", metadata), ("csv", columns)):
            for key, value in dict(io.get(area, {})).items():
                if isinstance(value, list):
                    target.setdefault(key, []).extend(str(v).lower() for v in value)
        nv = dict(io.get("nonverbal", {}))
        for kind, raws in nv.items():
            if kind == "prefixes" and isinstance(raws, dict):
                for pkind, words in raws.items():
                    prefixes.extend((str(w).lower(), pkind) for w in words)
            elif isinstance(raws, list):
                for raw in raws:
                    nonverbal.setdefault(str(raw).lower(), kind)
    return IoVocabulary(
        therapist_labels=frozenset(therapist),
        patient_labels=frozenset(patient),
        other_labels=frozenset(other),
        not_speakers=frozenset(not_speakers),
        therapist_titles=frozenset(titles),
        metadata={k: tuple(dict.fromkeys(v)) for k, v in metadata.items()},
        columns={k: tuple(dict.fromkeys(v)) for k, v in columns.items()},
        nonverbal=nonverbal,
        nonverbal_prefixes=tuple(sorted(set(prefixes), key=lambda p: -len(p[0]))),
    )
