"""ELAN ``.eaf`` files, one tier per speaker, read with pympi-ling.

Dependent tiers (translations, glosses: tiers with a parent) are skipped; each remaining tier is
a speaker (its ``PARTICIPANT`` attribute when set, else its name). Annotations of all tiers are put
in time order; overlapping speech is kept and reported as a warning.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path

from raccord.errors import InputError
from raccord.io.raw import RawTranscript, RawTurn

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read(text: str, source: str, path: Path | None = None) -> list[RawTranscript]:
    """Turns of an ELAN file; ``path`` is read directly when given, else ``text`` is."""
    if path is not None:
        return [_read_path(path, source)]
    handle, temp = tempfile.mkstemp(suffix=".eaf")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="UTF-8"?>' + _DECLARATION.sub("", text))
        return [_read_path(Path(temp), source)]
    finally:
        os.unlink(temp)


def _read_path(path: Path, source: str) -> RawTranscript:
    from pympi import Elan

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eaf = Elan.Eaf(str(path), suppress_version_warning=True)
            tiers = list(eaf.get_tier_names())
            collected: list[tuple[int, int, str, str]] = []
            speakers = 0
            for tier in tiers:
                params = eaf.get_parameters_for_tier(tier)
                if params.get("PARENT_REF"):
                    continue
                speaker = (params.get("PARTICIPANT") or "").strip() or str(tier)
                speakers += 1
                for annotation in eaf.get_annotation_data_for_tier(tier):
                    start, end, value = annotation[0], annotation[1], annotation[2]
                    collected.append((int(start), int(end), speaker, str(value or "")))
    except Exception as exc:  # pympi raises bare Exception, KeyError, ParseError …
        detail = (
            f"missing attribute {str(exc.args[0]).split('}')[-1]!r}"
            if isinstance(exc, KeyError) and exc.args
            else str(exc)[:120]
        )
        raise InputError(
            f"not a readable ELAN file ({detail})",
            path=source,
            expected="an ELAN .eaf document (XML) with one tier per speaker",
        ) from None
    if not speakers:
        raise InputError("the ELAN file has no tiers", path=source, expected="one tier per speaker")
    collected.sort(key=lambda a: (a[0], a[1]))
    turns = [RawTurn(spk, value, start / 1000, end / 1000) for start, end, spk, value in collected]
    return RawTranscript(turns=turns, source=source, format="eaf", unit="annotation")
