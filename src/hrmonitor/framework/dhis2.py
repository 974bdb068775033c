"""DHIS2 `dataValueSets` JSON, both ways: the format national health information systems
exchange data in. Pure conversion; the mapping of codes to DHIS2 identifiers is passed in.

    {"dataValues": [{"dataElement": "…", "period": "201907", "orgUnit": "…",
                     "categoryOptionCombo": "…", "value": "12", "comment": "…"}]}

DHIS2 writes months as `201907`, quarters as `2019Q3` and years as `2019`; hrmonitor writes
months as `2019-07`. Custom ranges have no DHIS2 period and are not exported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

TOTAL_KEY = ""
DEFAULT_COMBO = "default"  # what DHIS2 calls the combo of an undisaggregated value
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DHIS2_MONTH = re.compile(r"^(\d{4})(\d{2})$")


@dataclass(frozen=True)
class Dhis2Codes:
    """Code → DHIS2 identifier for indicators, places and disaggregations; a missing entry
    maps a code to itself."""

    data_elements: Mapping[str, str] = field(default_factory=dict)
    org_units: Mapping[str, str] = field(default_factory=dict)
    option_combos: Mapping[str, str] = field(default_factory=dict)

    def reverse(self, kind: str) -> dict[str, str]:
        return {v: k for k, v in getattr(self, kind).items()}


@dataclass(frozen=True)
class Value:
    indicator: str
    place: str  # ISO code, or "region"
    period: str
    disaggregation: str
    value: str
    comment: str = ""


def to_dhis2_period(period: str) -> str | None:
    if match := _MONTH.match(period):
        return f"{match[1]}{match[2]}"
    if re.match(r"^\d{4}(Q[1-4])?$", period):
        return period
    return None


def from_dhis2_period(period: str) -> str:
    if match := _DHIS2_MONTH.match(period):
        return f"{match[1]}-{match[2]}"
    return period


def export_set(values: Iterable[Value], mapping: Dhis2Codes) -> dict[str, Any]:
    """A dataValueSets document of `values` (those with no DHIS2 period are left out)."""
    rows = []
    for v in values:
        period = to_dhis2_period(v.period)
        if period is None:
            continue
        combo = mapping.option_combos.get(v.disaggregation) or (
            DEFAULT_COMBO if v.disaggregation == TOTAL_KEY else v.disaggregation
        )
        row = {
            "dataElement": mapping.data_elements.get(v.indicator, v.indicator),
            "period": period,
            "orgUnit": mapping.org_units.get(v.place, v.place),
            "categoryOptionCombo": combo,
            "value": v.value,
        }
        if v.comment:
            row["comment"] = v.comment
        rows.append(row)
    return {"dataValues": rows}


class Dhis2FormatError(ValueError):
    """The document is not a dataValueSets document; `code` names what is wrong."""

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


def import_set(document: Any, mapping: Dhis2Codes) -> list[Value]:
    """The values of a dataValueSets document, with hrmonitor's codes."""
    if not isinstance(document, dict) or not isinstance(document.get("dataValues"), list):
        raise Dhis2FormatError("not_a_data_value_set", "no dataValues list")
    elements = mapping.reverse("data_elements")
    units = mapping.reverse("org_units")
    combos = mapping.reverse("option_combos")
    values = []
    for index, row in enumerate(document["dataValues"], start=1):
        if not isinstance(row, dict):
            raise Dhis2FormatError(
                "bad_row", f"dataValues[{index}] is not an object", {"row": index}
            )
        combo = str(row.get("categoryOptionCombo") or DEFAULT_COMBO)
        values.append(
            Value(
                indicator=elements.get(
                    str(row.get("dataElement", "")), str(row.get("dataElement", ""))
                ),
                place=units.get(str(row.get("orgUnit", "")), str(row.get("orgUnit", ""))),
                period=from_dhis2_period(str(row.get("period", ""))),
                disaggregation=combos.get(combo, TOTAL_KEY if combo == DEFAULT_COMBO else combo),
                value=str(row.get("value", "")),
                comment=str(row.get("comment") or ""),
            )
        )
    return values
