"""Bulk import into the policy and funding trackers from CSV or XLSX: a check that writes
nothing, then an import that writes every row or none.

Four kinds of file, chosen by the user: policy statuses, funding records, estimated funding
needs and exchange rates. Columns are found by name in English or Russian, in any order (see
`KINDS`). Every row goes through the same service as the entry forms (`services.*`), so a row
is refused for the same reasons, permission included; a problem is reported with its row (as
numbered in the spreadsheet, the header being row 1), its column and the reason in the user's
language. The check runs the whole import inside a transaction and rolls it back, so it finds
exactly the problems the import would meet, including those between rows of the same file
(two statuses of one country and area are recorded in date order).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core import selectors as core_selectors
from hrmonitor.core import tabular
from hrmonitor.core.models import Country, User
from hrmonitor.core.tabular import TableFileError, TableRow
from hrmonitor.policy import services
from hrmonitor.policy.models import FundingSource, PolicyArea, ProgrammeArea

__all__ = [
    "KINDS",
    "MAX_ROWS",
    "Kind",
    "Outcome",
    "Problem",
    "TableFileError",
    "apply",
    "check",
    "template_rows",
]

MAX_ROWS = 5_000
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); a serial number is only
# read as a date in this range (1927-2173), so that a year typed alone is not taken for one.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = range(10_000, 100_001)
EXAMPLE_MARK = gettext_lazy("EXAMPLE: delete this row")


class Kind(models.TextChoices):
    STATUSES = "statuses", gettext_lazy("Policy statuses")
    FUNDING = "funding", gettext_lazy("Funding records")
    NEEDS = "needs", gettext_lazy("Estimated funding needs")
    RATES = "rates", gettext_lazy("Exchange rates")


@dataclass(frozen=True)
class Column:
    """A column of an import file: its English name (also its name in the template), its
    Russian name, the other titles it may have, and what goes in it."""

    name: str
    name_ru: str
    help: str | Promise
    required: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def titles(self) -> set[str]:
        return {self.name, self.name_ru, *self.aliases}

    @property
    def heading(self) -> str:
        """The column's title in the current language (as in the template)."""
        return self.name_ru if translation.get_language() == "ru" else self.name


@dataclass
class Problem:
    line: int
    column: str  # the column's English name
    heading: str  # the column as titled in the file
    message: str


@dataclass
class Outcome:
    """What a check or an import found: the rows read, the problems (nothing is written when
    there is any), and how many rows were written."""

    kind: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    written: int = 0

    @property
    def problem_rows(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def ready(self) -> int:
        """The rows without a problem (an import still writes none while any row has one)."""
        return self.rows - self.problem_rows


class _Invalid(ValueError):
    """A cell that cannot be read; the message is translated."""


@dataclass
class _Lookups:
    """The reference data a row names, read once per file."""

    countries: dict[str, Country]
    areas: dict[str, PolicyArea]
    choices: dict[str, dict[str, str]]  # column -> each choice by its code and labels
    example_marks: set[str]

    @classmethod
    def load(cls) -> _Lookups:
        countries = core_selectors.countries_by_any_name()
        areas: dict[str, PolicyArea] = {}
        for area in PolicyArea.objects.all():
            for key in (area.code, getattr(area, "name_en", None), getattr(area, "name_ru", None)):
                if key:
                    areas.setdefault(_key(key), area)
        return cls(
            countries=countries,
            areas=areas,
            choices={
                "source_category": _choice_keys(FundingSource),
                "programme_area": _choice_keys(ProgrammeArea),
            },
            example_marks=_in_languages(EXAMPLE_MARK),
        )


_key = tabular.name_key


def _in_languages(text: str | Promise) -> set[str]:
    """A translatable text in English and in Russian, as lookup keys."""
    found = set()
    for language in ("en", "ru"):
        with translation.override(language):
            found.add(_key(str(text)))
    return found


_choice_keys = tabular.choice_keys


# --- Reading cells --------------------------------------------------------------------------

SEPARATORS = re.compile(r"[\s\u00a0\u2009\u202f']")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_number(raw: str) -> Decimal:
    """A number as people type it: "1 234,50", "1,234.50", "1.234,50" and "1234.5" are all
    1234.5. A single comma before exactly three digits ("1,234") could be either a decimal
    comma or a thousands separator, so it is refused rather than guessed."""
    text = SEPARATORS.sub("", raw)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(",") == 1:
        whole, fraction = text.split(",")
        if len(fraction) == 3 and whole.lstrip("+-") not in {"", "0"}:
            raise _Invalid(
                _("“%(value)s” can be read two ways: write 1234 or 1.234 (or 1 234,00).")
                % {"value": raw}
            )
        text = f"{whole}.{fraction}"
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not NUMBER.fullmatch(text):
        raise _Invalid(_("“%(value)s” is not a number.") % {"value": raw})
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern only lets numbers by
        raise _Invalid(_("“%(value)s” is not a number.") % {"value": raw}) from error


def parse_date(raw: str) -> dt.date:
    """A date as YYYY-MM-DD, a date-time at midnight, DD.MM.YYYY, or an Excel serial number
    (a date cell that lost its format)."""
    text = raw.strip()
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
        try:
            return parse(text)
        except ValueError:
            pass
    dotted = DOTTED_DATE.fullmatch(text)
    try:
        if dotted:
            day, month, year = (int(part) for part in dotted.groups())
            return dt.date(year, month, day)
        if text.isdigit() and int(text) in EXCEL_SERIALS:
            return EXCEL_EPOCH + dt.timedelta(days=int(text))
    except ValueError:
        pass
    raise _Invalid(_("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": raw})


def parse_year(raw: str) -> int:
    text = raw.strip()
    if text.endswith(".0"):  # a year cell of a spreadsheet saved as a number
        text = text[:-2]
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise _Invalid(_("“%(value)s” is not a year (e.g. 2024).") % {"value": raw})
    return int(text)


class _Row:
    """Reads the cells of one row, collecting a problem for each cell that cannot be read
    rather than stopping at the first."""

    def __init__(self, row: TableRow, spec: KindSpec, headings: dict[str, str]) -> None:
        self.row = row
        self.spec = spec
        self.headings = headings
        self.problems: list[Problem] = []

    def problem(self, column: str, message: str) -> None:
        heading = self.headings.get(column) or self.spec.column(column).heading
        self.problems.append(Problem(self.row.line, column, heading, message))

    def text(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def required(self, column: str) -> str:
        text = self.text(column)
        if not text:
            self.problem(column, _("This column needs a value."))
        return text

    def read[T](self, column: str, parse: Callable[[str], T]) -> T | None:
        """The cell read by `parse`, or None when it is empty (a problem when the column is
        required) or unreadable (a problem)."""
        text = self.required(column) if self.spec.column(column).required else self.text(column)
        if not text:
            return None
        try:
            return parse(text)
        except _Invalid as error:
            self.problem(column, str(error))
            return None


# --- The kinds of file ----------------------------------------------------------------------

Prepared = tuple[tuple[Any, ...], dict[str, Any]]  # (order of application, service arguments)


def _country(row: _Row, lookups: _Lookups) -> Country | None:
    text = row.required("country")
    if not text:
        return None
    found = lookups.countries.get(_key(text))
    if found is None:
        row.problem("country", _("There is no country “%(code)s” in the network.") % {"code": text})
    return found


def _choice(row: _Row, lookups: _Lookups, column: str, default: str) -> str:
    text = row.required(column) if row.spec.column(column).required else row.text(column)
    if not text:
        return default
    keys = lookups.choices[column]
    found = keys.get(_key(text))
    if found is None:
        row.problem(
            column,
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(dict.fromkeys(keys.values()))},
        )
        return default
    return found


def _amount(row: _Row, column: str, *, positive: bool = False) -> Decimal | None:
    amount = row.read(column, parse_number)
    if amount is None:
        return None
    if positive and amount <= 0:
        row.problem(column, _("The number must be more than zero."))
    elif amount < 0:
        row.problem(column, _("The amount cannot be negative."))
    return amount


def _status(text: str, area: PolicyArea) -> str:
    """The status code a cell names (its code or its label in English or Russian); an unknown
    one is passed on as it is, for the service to refuse with its own message."""
    key = _key(text)
    for step in area.scale:
        if key in {_key(str(step.get(name) or "")) for name in ("code", "label_en", "label_ru")}:
            return str(step["code"])
    return text


def _prepare_status(row: _Row, lookups: _Lookups) -> Prepared:
    country = _country(row, lookups)
    area_text = row.required("area")
    area = lookups.areas.get(_key(area_text)) if area_text else None
    if area_text and area is None:
        row.problem("area", _("There is no policy area “%(code)s”.") % {"code": area_text})
    status_text = row.required("status")
    valid_from = row.read("valid_from", parse_date)
    arguments = {
        "country": country,
        "area": area,
        "status": _status(status_text, area) if area is not None else status_text,
        "valid_from": valid_from,
        "legal_reference": row.text("legal_reference"),
        "evidence_url": row.text("evidence_url"),
        "source": row.text("source"),
        "notes": row.text("notes"),
    }
    # Statuses of one country and area are recorded in date order, whatever the file's order.
    return (valid_from or dt.date.min, row.row.line), arguments


def _prepare_funding(row: _Row, lookups: _Lookups) -> Prepared:
    arguments = {
        "country": _country(row, lookups),
        "year": row.read("year", parse_year),
        "source_category": _choice(row, lookups, "source_category", ""),
        "funder": row.text("funder"),
        "programme_area": _choice(row, lookups, "programme_area", ProgrammeArea.ALL),
        "amount": _amount(row, "amount"),
        "currency": row.text("currency") or "USD",
        "evidence_url": row.text("evidence_url"),
        "source": row.text("source"),
        "notes": row.text("notes"),
    }
    return (row.row.line,), arguments


def _prepare_need(row: _Row, lookups: _Lookups) -> Prepared:
    arguments = {
        "country": _country(row, lookups),
        "year": row.read("year", parse_year),
        "amount": _amount(row, "amount"),
        "currency": row.text("currency") or "USD",
        "source": row.required("source"),
        "notes": row.text("notes"),
    }
    return (row.row.line,), arguments


def _prepare_rate(row: _Row, lookups: _Lookups) -> Prepared:
    arguments = {
        "currency": row.required("currency"),
        "year": row.read("year", parse_year),
        "usd_per_unit": _amount(row, "usd_per_unit", positive=True),
        "source": row.text("source"),
    }
    return (row.row.line,), arguments


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    columns: tuple[Column, ...]
    prepare: Callable[[_Row, _Lookups], Prepared]
    save: Callable[..., object]  # a service of `services`, called with the user and arguments
    # Where a problem of the whole record (not of one field) is shown.
    record_column: str
    # Where, and with what message, a refused permission is shown.
    denied_column: str
    denied_message: str | Promise
    # The example row of the template (its `mark_column` says it is one).
    example: Callable[[], dict[str, str]]
    mark_column: str

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def titles(self) -> dict[str, set[str]]:
        return {c.name: c.titles for c in self.columns}

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _example_status() -> dict[str, str]:
    area = PolicyArea.objects.filter(code="naloxone-take-home").first()
    area = area or PolicyArea.objects.order_by("order", "code").first()
    codes = area.yes_codes() if area is not None else []
    return {
        "country": "GE",
        "area": area.code if area is not None else "naloxone-take-home",
        "status": codes[0] if codes else "in_place",
        "valid_from": "2024-01-01",
        "legal_reference": _("Order of the Minister of Health No. 01-23/N of 15 December 2023"),
        "evidence_url": "https://example.org/order-01-23",
        "source": _("Ministry of Health"),
    }


def _example_funding() -> dict[str, str]:
    return {
        "country": "GE",
        "year": "2024",
        "source_category": FundingSource.DOMESTIC_NATIONAL,
        "funder": _("Ministry of Health"),
        "programme_area": ProgrammeArea.OAT,
        "amount": "1 234 567,89",
        "currency": "GEL",
        "evidence_url": "https://example.org/budget-2024",
        "source": _("State budget law 2024, programme 35 01"),
    }


def _example_need() -> dict[str, str]:
    return {
        "country": "GE",
        "year": "2024",
        "amount": "2500000",
        "currency": "USD",
        "source": _("National HIV strategy 2023-2027, costing annex"),
    }


def _example_rate() -> dict[str, str]:
    return {"currency": "GEL", "year": "2024", "usd_per_unit": "0.3712"}


COUNTRY = Column(
    "country",
    "страна",
    gettext_lazy("ISO code (GE) or the country's name in English or Russian."),
    required=True,
    aliases=("iso2", "country code", "код страны"),
)
YEAR = Column("year", "год", gettext_lazy("The year, e.g. 2024."), required=True)
CURRENCY = Column(
    "currency", "валюта", gettext_lazy("Three-letter code (USD, EUR, GEL…); empty means USD.")
)
EVIDENCE_URL = Column(
    "evidence_url",
    "ссылка на подтверждение",
    gettext_lazy("A link to the evidence (a web address)."),
    aliases=("evidence link", "evidence", "link", "url", "ссылка", "подтверждение"),
)
NOTES = Column(
    "notes",
    "примечания",
    gettext_lazy("Anything else worth knowing (optional)."),
    aliases=("note", "comment", "примечание", "комментарий"),
)

KINDS: dict[str, KindSpec] = {
    Kind.STATUSES: KindSpec(
        kind=Kind.STATUSES,
        columns=(
            COUNTRY,
            Column(
                "area",
                "область политики",
                gettext_lazy("The policy area's code (e.g. naloxone-take-home) or its name."),
                required=True,
                aliases=("policy area", "area code", "направление", "направление политики"),
            ),
            Column(
                "status",
                "статус",
                gettext_lazy("A status of the area's scale: its code (e.g. in_place) or label."),
                required=True,
                aliases=("status code", "код статуса"),
            ),
            Column(
                "valid_from",
                "действует с",
                gettext_lazy(
                    "The date the status applies from: YYYY-MM-DD or a date cell. It must be "
                    "after the date of the current status; rows of one country and area are "
                    "recorded in date order."
                ),
                required=True,
                aliases=("from", "date", "start date", "дата", "дата начала"),
            ),
            Column(
                "legal_reference",
                "правовая ссылка",
                gettext_lazy("The law, decree or regulation, with its number and date."),
                aliases=("law", "правовое основание", "нормативный акт"),
            ),
            EVIDENCE_URL,
            Column(
                "source",
                "источник",
                gettext_lazy("Where the fact comes from, e.g. a report or an official register."),
            ),
            NOTES,
        ),
        prepare=_prepare_status,
        save=services.policy_status_record,
        record_column="valid_from",
        denied_column="country",
        denied_message=gettext_lazy("You may not enter data for this country."),
        example=_example_status,
        mark_column="notes",
    ),
    Kind.FUNDING: KindSpec(
        kind=Kind.FUNDING,
        columns=(
            COUNTRY,
            YEAR,
            Column(
                "source_category",
                "источник средств",
                gettext_lazy("Where the money comes from: a code or a label listed below."),
                required=True,
                aliases=("source of funds", "funding source", "category", "категория"),
            ),
            Column(
                "funder",
                "донор",
                gettext_lazy("The organisation that gives the money (optional)."),
                aliases=("donor", "финансирующая организация"),
            ),
            Column(
                "programme_area",
                "программное направление",
                gettext_lazy(
                    "What the money pays for: a code or a label listed below; empty means "
                    "harm reduction not broken down."
                ),
                aliases=("programme", "program area", "направление"),
            ),
            Column(
                "amount",
                "сумма",
                gettext_lazy("The amount in its currency: 1 234,50 and 1,234.50 both work."),
                required=True,
            ),
            CURRENCY,
            EVIDENCE_URL,
            Column(
                "source",
                "источник",
                gettext_lazy(
                    "Where the figure comes from; a source or an evidence link is needed."
                ),
            ),
            NOTES,
        ),
        prepare=_prepare_funding,
        save=services.funding_record_create,
        record_column="amount",
        denied_column="country",
        denied_message=gettext_lazy("You may not enter data for this country."),
        example=_example_funding,
        mark_column="notes",
    ),
    Kind.NEEDS: KindSpec(
        kind=Kind.NEEDS,
        columns=(
            COUNTRY,
            YEAR,
            Column(
                "amount",
                "сумма",
                gettext_lazy(
                    "The estimated cost of the needed response in its currency; a year already "
                    "estimated is replaced."
                ),
                required=True,
            ),
            CURRENCY,
            Column(
                "source",
                "источник",
                gettext_lazy("The estimate's source."),
                required=True,
            ),
            NOTES,
        ),
        prepare=_prepare_need,
        save=services.funding_need_save,
        record_column="amount",
        denied_column="country",
        denied_message=gettext_lazy("You may not enter data for this country."),
        example=_example_need,
        mark_column="notes",
    ),
    Kind.RATES: KindSpec(
        kind=Kind.RATES,
        columns=(
            Column(
                "currency",
                "валюта",
                gettext_lazy("Three-letter code of the currency (not USD)."),
                required=True,
            ),
            YEAR,
            Column(
                "usd_per_unit",
                "курс к доллару",
                gettext_lazy(
                    "How many US dollars one unit was worth in the year (a yearly average); "
                    "a rate already set is replaced."
                ),
                required=True,
                aliases=("usd per unit", "rate", "exchange rate", "курс", "долларов за единицу"),
            ),
            Column(
                "source",
                "источник",
                gettext_lazy("Where the rate comes from (optional)."),
            ),
        ),
        prepare=_prepare_rate,
        save=services.exchange_rate_save,
        record_column="usd_per_unit",
        denied_column="currency",
        denied_message=gettext_lazy("Only the Secretariat sets exchange rates."),
        example=_example_rate,
        mark_column="source",
    ),
}


# --- Check and import -----------------------------------------------------------------------


def _service_problems(error: ValidationError, row: _Row) -> None:
    """A service's refusal, each message on the column it concerns (a problem of the whole
    record, or of a field the file has no column for, on the kind's record column)."""
    names = {c.name for c in row.spec.columns}
    if hasattr(error, "error_dict"):
        items = list(error.message_dict.items())
    else:
        items = [(row.spec.record_column, error.messages)]
    for name, messages in items:
        column = name if name in names else row.spec.record_column
        for message in messages:
            row.problem(column, message)


def _is_example(row: TableRow, lookups: _Lookups) -> bool:
    return any(_key(value) in lookups.example_marks for value in row.values.values() if value)


def _run(user: User, kind: str, path: Path, name: str, *, write: bool) -> Outcome:
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"Unknown kind of import: {kind!r}")
    table = tabular.read_table(
        path, name, columns=spec.titles, required=spec.required, max_rows=MAX_ROWS
    )
    lookups = _Lookups.load()
    problems: list[Problem] = []
    prepared: list[tuple[tuple[Any, ...], _Row, dict[str, Any]]] = []
    for table_row in table.rows:
        row = _Row(table_row, spec, table.headings)
        if _is_example(table_row, lookups):
            row.problem(
                spec.mark_column, _("This is the template's example row: delete it or replace it.")
            )
        else:
            order, arguments = spec.prepare(row, lookups)
            if not row.problems:
                prepared.append((order, row, arguments))
        problems += row.problems
    prepared.sort(key=lambda item: item[0])
    written = 0
    with transaction.atomic():
        for _order, row, arguments in prepared:
            try:
                spec.save(user=user, **arguments)
            except PermissionDenied:
                row.problem(spec.denied_column, str(spec.denied_message))
            except ValidationError as error:
                _service_problems(error, row)
            else:
                written += 1
            problems += row.problems
        if problems or not write:
            # The check (or a failed import) leaves the database as it found it.
            transaction.set_rollback(True)
            written = 0
    problems.sort(key=lambda p: p.line)
    return Outcome(kind=spec.kind, rows=len(table.rows), problems=problems, written=written)


def check(user: User, kind: str, path: Path, name: str) -> Outcome:
    """The dry run: every problem the import would meet, by row and column. Writes nothing.
    Raises TableFileError when the file itself cannot be read."""
    return _run(user, kind, path, name, write=False)


def apply(user: User, kind: str, path: Path, name: str) -> Outcome:
    """Import every row, or none: a single problem leaves the database untouched and is
    returned with the others. Raises TableFileError when the file itself cannot be read."""
    return _run(user, kind, path, name, write=True)


def template_rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """The header of a blank file of `kind` (column names in the current language) and one
    example row, marked as the example so that it is refused if left in."""
    spec = KINDS[kind]
    example = {**spec.example(), spec.mark_column: str(EXAMPLE_MARK)}
    return (
        [c.heading for c in spec.columns],
        [[example.get(c.name, "") for c in spec.columns]],
    )
