"""The workspace's wording per language (``lang/<code>/workspace.toml``): one mechanism for the
report and the web interface, plus the labels the language pack already gives (``report.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from raccord import lang
from raccord.lang import pack_code
from raccord.understand.patient import Gender, patient_words
from raccord.understand.text import typeset

LANGUAGES = ("fr", "en")


@cache
def _load(code: str) -> dict[str, Any]:
    return lang.section(code, "workspace") or lang.section("en", "workspace")


@dataclass(frozen=True)
class Words:
    """``t("report", "title")``, ``label("subtype", "giving_up")``, ``number(0.5)`` in one language;
    for one session, the patient named as their ``gender`` has it (« La part de la patiente : »)."""

    code: str
    gender: Gender = Gender.UNKNOWN

    def t(self, table: str, key: str, **values: object) -> str:
        raw = _load(self.code).get(table, {}).get(key)
        if raw is None:
            raw = _load("en").get(table, {}).get(key, key)
        values = {**patient_words(self.code, self.gender), **values}
        return typeset(self.code, str(raw).format(**values) if values else str(raw))

    def choices(self, table: str, key: str) -> dict[str, str]:
        return dict(_load(self.code).get(table, {}).get(key, {}))

    def label(self, table: str, key: str) -> str:
        """A label of the language pack's report wording (``kind``, ``subtype``, ``repair``…)."""
        pack = lang.section(self.code, "report")
        return typeset(self.code, str(pack.get(table, {}).get(key, key.replace("_", " "))))

    def number(self, value: float) -> str:
        return lang.decimal(self.code, value)

    def quote(self, words: str) -> str:
        pack = lang.section(self.code, "report")
        return str(pack.get("numbers", {}).get("quote", "“{}”")).format(words)


def words(language: str | None, gender: Gender = Gender.UNKNOWN) -> Words:
    return Words(pack_code(language), gender)
