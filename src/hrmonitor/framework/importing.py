"""Bulk import of values from CSV or XLSX: a dry run that says what would change, then an
import that writes every row or none.

The file has a header row; columns are found by name in English or Russian, in any order:
indicator (индикатор), country (страна; ISO code, empty or "region" for the region), period
(период), disaggregation (дезагрегация; optional), value (значение), comment (комментарий;
optional). A DHIS2 `dataValueSets` JSON document is read too (see `dhis2`). Every row goes
through `values.data_value_prepare`, the same checks as the entry
grid, so a problem is reported with its row (as numbered in the spreadsheet, the header being
row 1), its column and the reason in the user's language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrmonitor.core import tabular
from hrmonitor.core.models import Country, User
from hrmonitor.core.tabular import TableFileError
from hrmonitor.framework import dhis2, values
from hrmonitor.framework.models import Dhis2Mapping, Indicator
from hrmonitor.framework.templatetags.framework_tags import input_value

COLUMNS = {
    "indicator": {"indicator", "indicator code", "code", "индикатор", "код"},
    "country": {"country", "iso2", "country code", "страна", "код страны"},
    "period": {"period", "year", "период", "год"},
    "disaggregation": {"disaggregation", "дезагрегация", "разбивка"},
    "value": {"value", "значение"},
    "comment": {"comment", "комментарий"},
}
REQUIRED = ("indicator", "period", "value")
MAX_ROWS = 200_000

Progress = Callable[[float, str], None]


# The file itself cannot be read (not the rows in it); the message is translated. The same
# error as the shared table reader raises, so callers catch either name.
ImportFileError = TableFileError


@dataclass
class Row:
    line: int
    indicator: str
    country: str
    period: str
    disaggregation: str
    value: str
    comment: str | None


@dataclass
class Problem:
    line: int
    column: str
    message: str


@dataclass
class Change:
    line: int
    indicator: str
    country: str
    period: str
    disaggregation: str
    old: str | None
    new: str | None
    action: str  # "create" | "update" | "unchanged"


def dhis2_codes() -> dhis2.Dhis2Codes:
    """The configured DHIS2 mapping (the first one), or the identity mapping."""
    mapping = Dhis2Mapping.objects.order_by("pk").first()
    if mapping is None:
        return dhis2.Dhis2Codes()
    return dhis2.Dhis2Codes(
        data_elements=mapping.data_elements,
        org_units=mapping.org_units,
        option_combos=mapping.option_combos,
    )


def _dhis2_rows(path: Path) -> list[Row]:
    """Rows of a DHIS2 dataValueSets JSON document; a row is an entry of `dataValues`,
    numbered from 1."""
    try:
        document = json.loads(path.read_bytes())
        found = dhis2.import_set(document, dhis2_codes())
    except (ValueError, dhis2.Dhis2FormatError) as error:
        raise ImportFileError(_("The file is not a DHIS2 dataValueSets JSON document.")) from error
    if not found:
        raise ImportFileError(_("The file has a header but no rows."))
    return [
        Row(
            line=index,
            indicator=v.indicator,
            country=v.place,
            period=v.period,
            disaggregation=v.disaggregation,
            value=v.value,
            comment=v.comment or None,
        )
        for index, v in enumerate(found, start=1)
    ]


def read_rows(path: Path, name: str) -> list[Row]:
    """The rows of an uploaded file, or ImportFileError when the file or its header is
    unusable."""
    if Path(name).suffix.lower() == ".json":
        return _dhis2_rows(path)
    table = tabular.read_table(path, name, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)
    return [
        Row(
            line=row.line,
            indicator=row.values["indicator"],
            country=row.values.get("country", ""),
            period=row.values["period"],
            disaggregation=row.values.get("disaggregation", ""),
            value=row.values["value"],
            comment=row.values.get("comment"),
        )
        for row in table.rows
    ]


@dataclass
class Outcome:
    changes: list[Change]
    problems: list[Problem]

    def report(self) -> dict[str, Any]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.action] += 1
        return {
            "counts": counts,
            "rows": len(self.changes) + len({p.line for p in self.problems}),
            # The page shows the first ones; the counts cover all.
            "changes": [asdict(c) for c in self.changes if c.action != "unchanged"][:500],
            "problems": [asdict(p) for p in self.problems][:500],
            "problem_count": len(self.problems),
        }


def _check_row(
    row: Row,
    *,
    user: User,
    indicators: dict[str, Indicator],
    countries: dict[str, Country],
) -> tuple[Change | None, list[Problem], Any]:
    indicator = indicators.get(row.indicator.upper())
    if indicator is None:
        message = _("There is no indicator “%(code)s”.") % {"code": row.indicator}
        return None, [Problem(row.line, "indicator", message)], None
    country: Country | None = None
    if row.country and row.country.lower() not in {"region", "регион"}:
        found = countries.get(row.country.upper())
        if found is None:
            message = _("There is no country “%(code)s” in the network.") % {"code": row.country}
            return None, [Problem(row.line, "country", message)], None
        country = found
    try:
        record = values.data_value_prepare(
            user=user,
            indicator=indicator,
            country=country,
            period=row.period,
            value=row.value,
            disaggregation=row.disaggregation,
            comment=row.comment,
        )
    except PermissionDenied:
        message = _("You may not enter data for this country.")
        return None, [Problem(row.line, "country", message)], None
    except ValidationError as error:
        problems = [
            Problem(row.line, field if field != "__all__" else "value", message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
        return None, problems, None
    old = None
    if record.pk:
        old = input_value(type(record).objects.get(pk=record.pk).value) or ""
    new = input_value(record.value) or ""
    action = "create" if not record.pk else ("unchanged" if old == new else "update")
    change = Change(
        line=row.line,
        indicator=indicator.code,
        country=country.iso2 if country else "",
        period=record.period,
        disaggregation=record.disaggregation,
        old=old,
        new=new,
        action=action,
    )
    return change, [], record


def check(user: User, rows: list[Row], progress: Progress | None = None) -> Outcome:
    """The dry run: what each row would change, or why it cannot. Writes nothing."""
    indicators = {
        i.code.upper(): i
        for i in Indicator.objects.prefetch_related("rules", "disaggregations__options")
    }
    countries = {c.iso2: c for c in Country.objects.all()}
    changes: list[Change] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for index, row in enumerate(rows):
        change, row_problems, _record = _check_row(
            row, user=user, indicators=indicators, countries=countries
        )
        problems += row_problems
        if change is not None:
            key = (change.indicator, change.country, change.period, change.disaggregation)
            if key in seen:
                problems.append(
                    Problem(
                        row.line,
                        "indicator",
                        _("The same value is already in row %(line)d.") % {"line": seen[key]},
                    )
                )
            else:
                seen[key] = row.line
                changes.append(change)
        if progress and index % 500 == 0:
            progress(100 * index / len(rows), _("Checking row %(line)d") % {"line": row.line})
    return Outcome(changes, problems)


def apply(user: User, rows: list[Row], progress: Progress | None = None) -> Outcome:
    """Import every row, or none: checks again (data may have changed since the dry run) and
    writes in one transaction."""
    outcome = check(user, rows, progress=lambda p, m: progress(p / 2, m) if progress else None)
    if outcome.problems:
        return outcome
    indicators = {i.code: i for i in Indicator.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    by_line = {row.line: row for row in rows}
    with transaction.atomic():
        for index, change in enumerate(outcome.changes):
            if change.action == "unchanged":
                continue
            row = by_line[change.line]
            values.data_value_save(
                user=user,
                indicator=indicators[change.indicator],
                country=countries.get(change.country) if change.country else None,
                period=change.period,
                value=row.value,
                disaggregation=change.disaggregation,
                comment=row.comment,
            )
            if progress and index % 500 == 0:
                progress(50 + 50 * index / len(outcome.changes), _("Importing"))
    return outcome
