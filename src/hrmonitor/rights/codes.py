"""The code lists of case documentation (`data/codes.yaml`): violation types, perpetrators,
involvement, key groups, and the rights affected by instrument and article. Read once; a
label in the active language (English when Russian is missing)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

CODES_FILE = Path(__file__).resolve().parent / "data" / "codes.yaml"
LISTS = ("violations", "perpetrators", "involvement", "key_groups")


@dataclass(frozen=True)
class Code:
    code: str
    en: str
    ru: str

    @property
    def label(self) -> str:
        return self.ru if (get_language() or "en")[:2] == "ru" and self.ru else self.en


@cache
def _data() -> dict[str, Any]:
    with CODES_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@cache
def code_list(name: str) -> tuple[Code, ...]:
    """One list: violations, perpetrators, involvement or key_groups."""
    return tuple(Code(str(i["code"]), str(i["en"]), str(i["ru"])) for i in _data()[name])


def choices(name: str) -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in code_list(name)]


def label(name: str, code: str) -> str:
    found = next((c for c in code_list(name) if c.code == code), None)
    return found.label if found else code


@cache
def articles() -> tuple[Code, ...]:
    """Every article as a code "INSTRUMENT.number" with "Instrument art. n — subject"."""
    found = []
    for instrument in _data()["instruments"]:
        for article in instrument["articles"]:
            code = f"{instrument['code']}.{article['number']}"
            prefix = instrument["code"]
            number = article["number"]
            en = f"{prefix} {'art. ' + number if number.isdigit() else number}: {article['en']}"
            ru = f"{prefix} {'ст. ' + number if number.isdigit() else number}: {article['ru']}"
            found.append(Code(code, en, ru))
    return tuple(found)


def article_choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in articles()]


def article_label(code: str) -> str:
    found = next((c for c in articles() if c.code == code), None)
    return found.label if found else code
