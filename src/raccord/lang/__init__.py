"""Language packs: language-specific knowledge as data, never as ``if lang == "fr"`` in code.

A pack is a folder ``lang/<code>/`` of TOML files (``markers.toml``, ``moves.toml``,
``repair.toml``, ``io.toml`` …). ``load(code)`` merges them into one mapping keyed by file stem:
``load("fr")["markers"]`` is the content of ``lang/fr/markers.toml``. Adding a language is adding
a folder.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from raccord.errors import RaccordError

DEFAULT = "en"


@cache
def available() -> tuple[str, ...]:
    """Language codes that have a pack (read once per process: the packs ship with the code)."""
    root = resources.files(__name__)
    return tuple(
        sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    )


def pack_code(language: str | None) -> str:
    """The pack a transcript's language reads with ("fr-CA", "fr_FR" → "fr"); the default pack
    when it has none or no pack speaks it."""
    code = (language or DEFAULT).lower().split("-")[0].split("_")[0]
    return code if code in available() else DEFAULT


@cache
def load(code: str) -> MappingProxyType[str, Any]:
    """All the TOML files of one language's pack, keyed by file stem."""
    if code not in available():
        raise RaccordError(
            f"no language pack for {code!r}", expected=f"one of {', '.join(available())}"
        )
    folder = resources.files(__name__).joinpath(code)
    pack: dict[str, Any] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            try:
                pack[entry.name[: -len(".toml")]] = tomllib.loads(entry.read_text("utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise RaccordError(f"invalid language pack file: {exc}", path=str(entry)) from exc
    return MappingProxyType(pack)


def section(code: str, name: str) -> dict[str, Any]:
    """One file of a pack (``section("fr", "markers")``), empty when the pack has no such file."""
    return dict(load(code).get(name, {}))


def label(code: str, family: str, key: str) -> str:
    """A display label from the pack's ``understand.labels`` (``label("fr", "move",
    "advice_without_permission")`` → « conseil sans permission »), the key in words if missing."""
    labels: Mapping[str, Any] = section(code, "understand").get("labels", {}).get(family, {})
    return str(labels.get(key, key.replace("_", " ")))


def counted(table: Mapping[str, Any], key: str, n: object) -> str:
    """The key of a pack wording for a count: ``<key>_one`` when ``n`` is 1 and the table has it
    ("un seul mot", "une règle n'est pas respectée"), else ``key``."""
    return f"{key}_one" if n == 1 and f"{key}_one" in table else key


def decimal(code: str, value: float, digits: int = 2) -> str:
    """``0.56`` in the language's way of writing decimals (``0,56`` in French)."""
    mark = (
        str(section(code, "report").get("numbers", {}).get("decimal", "."))
        if code in available()
        else "."
    )
    return f"{value:.{digits}f}".replace(".", mark)
