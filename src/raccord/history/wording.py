"""The history's sentences, per language, as data (``history/lang/<code>.toml``).

They belong with the language packs (``lang/<code>/``), but every file there enters the hash the
learned detector's weights are checked against (``learn.fit.code_hash``): a new wording file
there would mark the weights stale. They move to ``lang/<code>/history.toml`` at the next
``make train``; the code reads them only through ``section``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from raccord.errors import RaccordError
from raccord.understand.text import pack_code


@cache
def _load(code: str) -> dict[str, Any]:
    entry = resources.files("raccord.history").joinpath("lang", f"{code}.toml")
    try:
        return tomllib.loads(entry.read_text("utf-8"))
    except FileNotFoundError:
        return _load("en") if code != "en" else {}
    except tomllib.TOMLDecodeError as exc:
        raise RaccordError(f"invalid history wording file: {exc}", path=str(entry)) from exc


def section(code: str, table: str) -> dict[str, Any]:
    """One table (``text``, ``alert``, ``roles``, ``checkin``) in the language of ``code``."""
    return dict(_load(pack_code(code)).get(table, {}))
