"""Writes of the efficiency assessment: service delivery records (entered one by one or
imported from a file, every row or none) and the published estimates of people who inject
drugs, loaded from the policy tracker's facts file.

Recording what a site or a country's programme delivered needs `Perm.CLM_REVIEW` in the
record's country: the Secretariat everywhere, a focal point in their country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hrmonitor.clm import efficiency
from hrmonitor.clm.models import PwidEstimate, ServiceDelivery, ServiceSite
from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.core.services import LoadReport, read_yaml, record_sync
from hrmonitor.policy.services import FACTS_FILE

CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
FIRST_YEAR, LAST_YEAR = 1990, 2100
COUNTS = ("clients_reached", "syringes", "oat_clients", "naloxone_kits", "tests")
IMPORT_MAX_ROWS = 5_000


# --- One record ------------------------------------------------------------------------------


def _currency(code: str) -> str:
    code = (code or "").strip().upper() or efficiency.USD
    if not CURRENCY_CODE.match(code):
        raise ValidationError(
            {
                "currency": _("“%(code)s” is not a currency code (three letters, e.g. USD, EUR).")
                % {"code": code}
            }
        )
    return code


def _duplicate(
    *, country: Country, site: ServiceSite | None, year: int, exclude: int | None
) -> ServiceDelivery | None:
    """The other record of the same site (or country programme) and year, if any."""
    found = ServiceDelivery.objects.filter(year=year)
    found = found.filter(site=site) if site else found.filter(country=country, site=None)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.first()


def _duplicate_message(country: Country, site: ServiceSite | None, year: int) -> str:
    if site is not None:
        return _("There is already a record of %(site)s for %(year)s.") % {
            "site": site.name,
            "year": year,
        }
    return _("There is already a record of the programme of %(country)s for %(year)s.") % {
        "country": country.name,
        "year": year,
    }


@transaction.atomic
def delivery_save(
    *,
    user: User,
    country: Country,
    year: int,
    source: str,
    site: ServiceSite | None = None,
    delivery: ServiceDelivery | None = None,
    clients_reached: int | None = None,
    syringes: int | None = None,
    oat_clients: int | None = None,
    naloxone_kits: int | None = None,
    tests: int | None = None,
    cost: Decimal | None = None,
    currency: str = efficiency.USD,
    notes: str = "",
) -> ServiceDelivery:
    """Record what a site (or, without a site, a country's programme as a whole) delivered
    in `year` and what it cost; with `delivery`, change that record.

    Needs CLM_REVIEW in the record's country (and, when changing, in its former country).
    A site lies in the record's country. Every record says where its figures come from; an
    empty count stays empty (unknown), it is not read as zero. One record per site and year,
    and one per country programme and year.
    """
    if delivery is not None:
        access.require_perm(user, Perm.CLM_REVIEW, delivery.country_id)
    access.require_perm(user, Perm.CLM_REVIEW, country.pk)
    if site is not None and site.country_id != country.pk:
        raise ValidationError(
            {
                "site": _("%(site)s is in %(site_country)s, not in %(country)s.")
                % {"site": site.name, "site_country": site.country.name, "country": country.name}
            }
        )
    if not source.strip():
        raise ValidationError({"source": _("Say where the figures come from.")})
    if _duplicate(country=country, site=site, year=year, exclude=delivery.pk if delivery else None):
        raise ValidationError({"year": _duplicate_message(country, site, year)})
    record = delivery or ServiceDelivery(created_by=user)
    record.country = country
    record.site = site
    record.year = year
    record.clients_reached = clients_reached
    record.syringes = syringes
    record.oat_clients = oat_clients
    record.naloxone_kits = naloxone_kits
    record.tests = tests
    record.cost = cost
    record.currency = _currency(currency)
    record.source = source.strip()
    record.notes = notes.strip()
    record.full_clean()
    record.save()
    return record


# --- Import ----------------------------------------------------------------------------------

# Each column and the titles it may have in a file (English or Russian, any case).
IMPORT_COLUMNS: dict[str, set[str]] = {
    "country": {"country", "страна"},
    "site": {"site", "site code", "сайт", "код сайта", "точка", "код точки", "пункт", "код пункта"},
    "year": {"year", "год"},
    "clients_reached": {
        "clients reached",
        "clients",
        "охвачено клиентов",
        "клиенты",
        "клиентов",
    },
    "syringes": {"syringes", "syringes distributed", "шприцы", "роздано шприцев", "шприцев"},
    "oat_clients": {
        "oat clients",
        "oat",
        "клиенты оат",
        "пациенты оат",
        "оат",
        "клиенты озт",
        "озт",
    },
    "naloxone_kits": {"naloxone kits", "naloxone", "наборы налоксона", "налоксон"},
    "tests": {"tests", "hiv/hcv tests", "тесты", "тесты на вич/вгс"},
    "cost": {"cost", "стоимость", "расходы"},
    "currency": {"currency", "валюта"},
    "source": {"source", "источник"},
    "notes": {"notes", "примечания", "комментарий"},
}
IMPORT_REQUIRED = ("year", "source")


@dataclass(frozen=True)
class ImportProblem:
    line: int  # the row number in the spreadsheet (the header is row 1)
    column: str  # the column's title as written in the file
    message: str


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    problems: list[ImportProblem]


def _whole_number(text: str) -> int | None:
    """A count from a cell: "1234", "1 234" or "1,234"; empty is None; ValueError else."""
    cleaned = re.sub(r"[\s\u00a0\u202f,]", "", text)
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(text)
    return int(cleaned)


def _amount(text: str) -> Decimal | None:
    """An amount from a cell: "1234.56", "1 234,56" (decimal comma) or "1,234.56"; a comma
    followed by three digits groups thousands. Empty is None; ValueError when unreadable or
    negative."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    elif re.fullmatch(r"\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not amount.is_finite() or amount < 0:
        raise ValueError(text)
    return amount


@transaction.atomic
def deliveries_import(*, user: User, path: Path, filename: str) -> ImportOutcome:
    """Import service delivery records from a CSV or XLSX file: every row or none.

    A row names a site by its code, or a country (ISO code or name, English or Russian) for
    its programme as a whole, and a year; a row for a site and year already recorded
    replaces that record's figures. Each problem names its row and the column as titled in
    the file. Raises `tabular.TableFileError` when the file itself is unusable.
    """
    if not access.has_perm(user, Perm.CLM_REVIEW, anywhere=True):
        raise PermissionDenied
    table = tabular.read_table(
        path, filename, columns=IMPORT_COLUMNS, required=IMPORT_REQUIRED, max_rows=IMPORT_MAX_ROWS
    )
    countries = core_selectors.countries_by_any_name()
    sites = {
        tabular.name_key(site.code): site for site in ServiceSite.objects.select_related("country")
    }
    scope = access.scope_for(user, Perm.CLM_REVIEW)
    file_years: set[int] = set()
    for row in table.rows:
        try:
            file_years.add(_whole_number(row.values.get("year", "")) or 0)
        except ValueError:
            continue
    # The records the rows may replace: those of the file's years, by site (or country) and year.
    existing = {
        (record.site_id, record.country_id if record.site_id is None else None, record.year): record
        for record in ServiceDelivery.objects.filter(year__in=file_years)
    }
    problems: list[ImportProblem] = []
    seen: dict[tuple[int | None, int | None, int], int] = {}
    to_save: list[tuple[ServiceDelivery, bool]] = []

    def problem(line: int, column: str, message: str) -> None:
        problems.append(ImportProblem(line, table.headings.get(column, column), message))

    for row in table.rows:
        values = row.values
        before = len(problems)
        site = None
        site_text = values.get("site", "").strip()
        if site_text:
            site = sites.get(tabular.name_key(site_text))
            if site is None:
                problem(
                    row.line, "site", _("No site has the code “%(code)s”.") % {"code": site_text}
                )
        country = None
        country_text = values.get("country", "").strip()
        if country_text:
            country = countries.get(tabular.name_key(country_text))
            if country is None:
                problem(
                    row.line, "country", _("Unknown country “%(value)s”.") % {"value": country_text}
                )
            elif site is not None and site.country_id != country.pk:
                problem(
                    row.line,
                    "country",
                    _("%(site)s is in %(site_country)s, not in %(country)s.")
                    % {
                        "site": site.name,
                        "site_country": site.country.name,
                        "country": country.name,
                    },
                )
        elif site is not None:
            country = site.country
        elif not site_text:
            problem(
                row.line,
                "country" if "country" in table.headings else "site",
                _("Give the site’s code, or the country for its programme as a whole."),
            )
        if country is not None and not scope.allows(country.pk):
            problem(
                row.line,
                "country" if country_text else "site",
                _("You may not enter records for %(country)s.") % {"country": country.name},
            )
        year: int | None = None
        try:
            year = _whole_number(values.get("year", ""))
        except ValueError:
            pass
        if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
            problem(
                row.line,
                "year",
                _("Write a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
            year = None
        counts: dict[str, int | None] = {}
        for column in COUNTS:
            try:
                counts[column] = _whole_number(values.get(column, ""))
            except ValueError:
                problem(row.line, column, _("Write a whole number, or leave it empty if unknown."))
        cost = None
        try:
            cost = _amount(values.get("cost", ""))
        except ValueError:
            problem(row.line, "cost", _("Write an amount such as 12500.50, or leave it empty."))
        currency = values.get("currency", "").strip().upper() or efficiency.USD
        if not CURRENCY_CODE.match(currency):
            problem(
                row.line,
                "currency",
                _("“%(code)s” is not a currency code (three letters, e.g. USD, EUR).")
                % {"code": values.get("currency", "")},
            )
        source = values.get("source", "").strip()
        if not source:
            problem(row.line, "source", _("Say where the figures come from."))
        if len(problems) > before or country is None or year is None:
            continue
        key = (site.pk if site else None, None if site else country.pk, year)
        if key in seen:
            problem(
                row.line,
                "site" if site else "country",
                _("Row %(line)d already gives this site (or programme) and year.")
                % {"line": seen[key]},
            )
            continue
        seen[key] = row.line
        record = existing.get(key)
        created = record is None
        if record is None:
            record = ServiceDelivery(country=country, site=site, year=year, created_by=user)
        for column, value in counts.items():
            setattr(record, column, value)
        record.cost = cost
        record.currency = currency
        record.source = source
        record.notes = values.get("notes", "").strip()
        try:
            record.full_clean(validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    problem(row.line, field, message)
            continue
        to_save.append((record, created))
    if problems:
        return ImportOutcome(0, 0, problems)
    for record, _created in to_save:
        record.save()
    created_count = sum(1 for _record, created in to_save if created)
    return ImportOutcome(created_count, len(to_save) - created_count, [])


# --- Estimates of people who inject drugs ----------------------------------------------------

PWID_FACT = "pwid_estimate"


@transaction.atomic
def pwid_estimates_load(*, path: Path = FACTS_FILE, report: LoadReport | None = None) -> LoadReport:
    """Load the estimates of people who inject drugs that the policy tracker's facts file
    publishes (`pwid_estimate` of each country and year), with the source and year of their
    group: "5,132–6,182" is the range 5132–6182, "9,000" is 9000–9000, "nk" and empty are
    not known and give no record. Nothing is estimated where the source gives nothing.

    Idempotent (matched by country and year); an estimate recorded for the same country and
    year from another source is left as it is.
    """
    report = report or LoadReport()
    data = read_yaml(path)
    countries = {country.iso2: country for country in Country.objects.all()}
    for group in data.get("facts", []):
        year = int(group["year"])
        source = str(group["source"]).strip()
        for iso2, facts in group["countries"].items():
            printed = (facts or {}).get(PWID_FACT)
            if printed is None:
                continue
            country = countries.get(iso2)
            if country is None:
                raise ValidationError(
                    _("The facts file names an unknown country %(code)s.") % {"code": iso2}
                )
            try:
                parsed = efficiency.parse_estimate(str(printed))
            except ValueError as error:
                raise ValidationError(
                    _("The estimate of %(country)s for %(year)d cannot be read: “%(value)s”.")
                    % {"country": iso2, "year": year, "value": printed}
                ) from error
            if parsed is None:
                continue
            low, high = parsed
            current = PwidEstimate.objects.filter(country=country, year=year).first()
            if current is not None and current.source != source:
                report.add(PwidEstimate, "unchanged")
                continue
            values: dict[str, Any] = {"low": low, "high": high, "source": source}
            record_sync(
                PwidEstimate,
                lookup={"country": country, "year": year},
                values=values,
                report=report,
            )
    return report
