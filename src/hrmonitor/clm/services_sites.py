"""The register of service sites: saving a site and importing a list of them from CSV or XLSX,
with the reads of the register's pages.

A site belongs to a country; adding or changing one needs `Perm.CLM_REVIEW` in that country
(and, when a site moves, in the country it leaves). Sites are matched by their `code`, ignoring
case, so that re-importing a list updates the sites it names instead of doubling them.

An import writes every row or none: each row goes through `site_save`, the same function as the
form, inside one transaction that is rolled back when any row has a problem. A problem names
its row (as numbered in the spreadsheet, the header being row 1), its column as titled in the
file, and the reason in the user's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from hrmonitor.clm import selectors
from hrmonitor.clm.models import Service, ServiceSite, SiteKind
from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.core.roles import Perm

IMPORT_MAX_ROWS = 5_000
COORDINATE_PLACES = Decimal("0.000001")
# The fields a site's form and import file set, in the order of the file's columns.
FIELDS = (
    "code",
    "name",
    "kind",
    "country",
    "locality",
    "operator",
    "services",
    "hours",
    "latitude",
    "longitude",
    "status",
)


# --- Permission ------------------------------------------------------------------------------


def can_manage_sites(user: User | Any) -> bool:
    """Whether `user` may add sites somewhere (and so see the add and import buttons)."""
    return access.has_perm(user, Perm.CLM_REVIEW, anywhere=True)


def can_edit_site(user: User | Any, site: ServiceSite) -> bool:
    return access.has_perm(user, Perm.CLM_REVIEW, site.country_id)


def writable_countries(user: User | Any) -> QuerySet[Country]:
    """The countries whose sites `user` may add or change (all 29 for the Secretariat)."""
    scope = access.scope_for(user, Perm.CLM_REVIEW)
    return scope.filter(core_selectors.countries_list(), field="pk").order_by("name")


# --- Saving one site --------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    site: ServiceSite
    outcome: str  # "created", "updated" or "unchanged"


def _coordinate(value: Decimal | None) -> Decimal | None:
    # GPS apps give seven or more decimals; six (about 10 cm) is what the column keeps.
    return None if value is None else value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


def _clean_services(codes: Iterable[str]) -> list[str]:
    """The services in the order of `Service`, once each; an unknown code is refused."""
    wanted = set(codes)
    unknown = sorted(wanted - set(Service.values))
    if unknown:
        raise ValidationError(
            {"services": _("“%(value)s” is not a service.") % {"value": ", ".join(unknown)}}
        )
    return [code for code in Service.values if code in wanted]


@transaction.atomic
def site_save(
    *,
    user: User,
    code: str,
    name: str,
    kind: str,
    country: Country,
    locality: str = "",
    operator: Organisation | None = None,
    services: Iterable[str] = (),
    hours: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    status: str = ServiceSite.Status.ACTIVE,
    site: ServiceSite | None = None,
) -> Saved:
    """Add a site, or change `site` (as read from the database). Needs CLM_REVIEW in `country`
    and, for a change, in the site's current country (PermissionDenied otherwise). Raises
    ValidationError keyed by field: a code another site has (ignoring case), coordinates out of
    range or only one of the two. A change that changes nothing writes nothing (no empty
    history row), and `site` is left as it was when anything is refused."""
    access.require_perm(user, Perm.CLM_REVIEW, country.pk)
    created = site is None or site.pk is None
    if site is not None and not created:
        access.require_perm(user, Perm.CLM_REVIEW, site.country_id)
    code = code.strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_slug(code)
    except ValidationError:
        errors.setdefault("code", []).append(
            _("Use only letters, digits, hyphens and underscores, without spaces.")
        )
    # A site keeping its code (whatever its case) cannot take another's, so only a new code is
    # looked up. Codes are ASCII slugs: LOWER() compares them exactly on every database, in C
    # (an `iexact` would run SQLite's Unicode LIKE in Python on every row of the register).
    if code and (site is None or created or site.code.lower() != code.lower()):
        others = ServiceSite.objects.alias(code_lower=Lower("code")).filter(code_lower=code.lower())
        if site is not None and not created:
            others = others.exclude(pk=site.pk)
        if others.exists():
            errors.setdefault("code", []).append(
                _("Another site already has the code “%(code)s”.") % {"code": code}
            )
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors.setdefault(missing, []).append(
            _("Give both the latitude and the longitude, or neither.")
        )
    try:
        clean_services = _clean_services(services)
    except ValidationError as error:
        errors.setdefault("services", []).extend(error.message_dict["services"])
        clean_services = []
    if errors:
        raise ValidationError(errors)

    target = site if site is not None else ServiceSite()
    values: dict[str, Any] = {
        "code": code,
        "name": name.strip(),
        "kind": kind,
        "country": country,
        "locality": locality.strip(),
        "operator": operator,
        "services": clean_services,
        "hours": hours.strip(),
        "latitude": _coordinate(latitude),
        "longitude": _coordinate(longitude),
        "status": status,
    }
    before = {name: getattr(target, name) for name in values} if not created else {}
    changed = [name for name, value in values.items() if created or before[name] != value]
    if not changed:
        return Saved(target, "unchanged")
    for field_name, value in values.items():
        setattr(target, field_name, value)
    try:
        # The country and the operator are rows already read: no query to check they exist.
        target.full_clean(exclude=["country", "operator"], validate_unique=False)
    except ValidationError:
        for field_name, value in before.items():
            setattr(target, field_name, value)
        raise
    target._history_user = user  # type: ignore[attr-defined]  # simple-history: who changed it
    if created:
        target.save()
        return Saved(target, "created")
    target.save(update_fields=changed)
    return Saved(target, "updated")


# --- Import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the import (and export) file: its English and Russian titles, the other
    titles it may have, and whether the file must have it."""

    key: str
    name: str
    name_ru: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def titles(self) -> set[str]:
        return {self.name, self.name_ru, *self.aliases}

    @property
    def heading(self) -> str:
        """The title in the current language (as the export writes it)."""
        return self.name_ru if translation.get_language() == "ru" else self.name


COLUMNS: tuple[Column, ...] = (
    Column("code", "code", "код", ("site code", "код пункта"), required=True),
    Column("name", "name", "название", ("site", "site name", "пункт"), required=True),
    Column("kind", "type", "тип", ("kind", "site type", "тип пункта"), required=True),
    Column("country", "country", "страна", ("iso2", "country iso2"), required=True),
    Column(
        "locality",
        "province or city",
        "область или город",
        ("province/city", "city", "province", "locality", "город", "область", "населённый пункт"),
    ),
    Column("operator", "operator", "оператор", ("organisation", "organization", "организация")),
    Column("services", "services", "услуги"),
    Column("hours", "hours", "часы работы", ("opening hours", "часы", "режим работы")),
    Column("latitude", "latitude", "широта", ("lat",)),
    Column("longitude", "longitude", "долгота", ("lon", "lng", "long")),
    Column("status", "status", "статус"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}

# What people write besides the choices' codes and their labels in English and Russian (read
# from the translations by `tabular.choice_keys`): short names used in the region's services.
KIND_ALIASES = {
    "nsp": SiteKind.NSP_FIXED,
    "пош": SiteKind.NSP_FIXED,
    "пункт обмена шприцев": SiteKind.NSP_FIXED,
    "программа обмена игл и шприцев (стационарный пункт)": SiteKind.NSP_FIXED,
    "outreach": SiteKind.NSP_OUTREACH,
    "аутрич": SiteKind.NSP_OUTREACH,
    "мобильный пункт": SiteKind.NSP_OUTREACH,
    "программа обмена игл и шприцев (мобильная или аутрич)": SiteKind.NSP_OUTREACH,
    "ost": SiteKind.OAT,
    "озт": SiteKind.OAT,
    "оат": SiteKind.OAT,
    "пункт озт": SiteKind.OAT,
    "пункт опиоидной агонистической терапии": SiteKind.OAT,
    "drop-in": SiteKind.DROP_IN,
    "дроп-ин": SiteKind.DROP_IN,
    "дроп-ин центр": SiteKind.DROP_IN,
    "тестирование на вич/вгс": SiteKind.TESTING,
    "тестирование": SiteKind.TESTING,
    "распространение налоксона": SiteKind.NALOXONE,
    "налоксон": SiteKind.NALOXONE,
    "услуги в местах лишения свободы": SiteKind.PRISON,
    "тюрьма": SiteKind.PRISON,
    "аптека": SiteKind.PHARMACY,
    "онлайн": SiteKind.ONLINE,
    "онлайн-услуга": SiteKind.ONLINE,
    "online": SiteKind.ONLINE,
}
SERVICE_ALIASES = {
    "nsp": Service.SYRINGES,
    "иглы и шприцы": Service.SYRINGES,
    "шприцы": Service.SYRINGES,
    "налоксон": Service.NALOXONE,
    "ost": Service.OAT,
    "озт": Service.OAT,
    "оат": Service.OAT,
    "опиоидная агонистическая терапия": Service.OAT,
    "тестирование на вич": Service.HIV_TEST,
    "hiv test": Service.HIV_TEST,
    "тестирование на гепатит c": Service.HCV_TEST,
    "тестирование на гепатит с": Service.HCV_TEST,  # a Cyrillic С
    "тестирование на вгс": Service.HCV_TEST,
    "hcv test": Service.HCV_TEST,
    "презервативы": Service.CONDOMS,
    "консультирование и психосоциальная поддержка": Service.COUNSELLING,
    "консультирование": Service.COUNSELLING,
    "кейс-менеджмент": Service.CASE_MANAGEMENT,
    "ведение случая": Service.CASE_MANAGEMENT,
    "юридическая помощь": Service.LEGAL_AID,
    "услуги для женщин": Service.WOMEN,
}
STATUS_ALIASES = {
    "открыт": ServiceSite.Status.ACTIVE,
    "работает": ServiceSite.Status.ACTIVE,
    "действует": ServiceSite.Status.ACTIVE,
    "активен": ServiceSite.Status.ACTIVE,
    "open": ServiceSite.Status.ACTIVE,
    "приостановлен": ServiceSite.Status.SUSPENDED,
    "закрыт": ServiceSite.Status.CLOSED,
}
# Several services go in one cell separated by ";" (commas and new lines work too: no label
# of a service has one).
SERVICE_SEPARATORS = re.compile(r"[;,\n]+")


@dataclass(frozen=True)
class Problem:
    line: int
    column: str  # the column as titled in the file
    message: str


@dataclass
class ImportOutcome:
    """What an import found and did: the rows read, the problems (nothing is written when there
    is any), and the sites created, updated and left as they were."""

    rows: int
    problems: list[Problem] = field(default_factory=list)
    created: list[ServiceSite] = field(default_factory=list)
    updated: list[ServiceSite] = field(default_factory=list)
    unchanged: int = 0

    @property
    def problem_rows(self) -> int:
        return len({p.line for p in self.problems})


class _Invalid(ValueError):
    """A cell that cannot be read; the message is translated."""


def _coordinate_cell(raw: str, low: int, high: int) -> Decimal | None:
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Russian spreadsheets write
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _Invalid(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite() or not low <= value <= high:
        raise _Invalid(
            _("“%(value)s” is not between %(low)d and %(high)d.")
            % {"value": raw, "low": low, "high": high}
        )
    return value


@dataclass
class _Lookups:
    """The reference data the rows name, read once per file."""

    countries: dict[str, Country]
    organisations: dict[str, Organisation]
    sites: dict[str, ServiceSite]  # by code, case folded
    kinds: dict[str, str]
    services: dict[str, str]
    statuses: dict[str, str]

    @classmethod
    def load(cls) -> _Lookups:
        organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.order_by("pk"):
            organisations.setdefault(tabular.name_key(organisation.name), organisation)
        return cls(
            countries=core_selectors.countries_by_any_name(),
            organisations=organisations,
            sites={
                s.code.casefold(): s
                for s in ServiceSite.objects.select_related("country", "operator")
            },
            kinds={**KIND_ALIASES, **tabular.choice_keys(SiteKind)},
            services={**SERVICE_ALIASES, **tabular.choice_keys(Service)},
            statuses={**STATUS_ALIASES, **tabular.choice_keys(ServiceSite.Status)},
        )


class _Row:
    """One row being read: its values and the problems found in it."""

    def __init__(self, row: tabular.TableRow, headings: Mapping[str, str]) -> None:
        self.line = row.line
        self.values = {COLUMN_BY_NAME[name].key: value for name, value in row.values.items()}
        self.headings = headings
        self.problems: list[Problem] = []

    def has(self, key: str) -> bool:
        return key in self.values

    def text(self, key: str) -> str:
        return self.values.get(key, "").strip()

    def problem(self, key: str, message: str) -> None:
        heading = self.headings.get(key) or COLUMN_BY_KEY[key].heading
        self.problems.append(Problem(self.line, heading, message))


def _choice(row: _Row, key: str, keys: Mapping[str, str], message: str) -> str | None:
    value = keys.get(tabular.name_key(row.text(key)))
    if value is None:
        row.problem(key, message % {"value": row.text(key)})
    return value


def _prepare(row: _Row, lookups: _Lookups) -> dict[str, Any]:
    """The arguments of `site_save` for one row. A column the file lacks keeps the existing
    site's value (or the default for a new site); an empty cell of a present column clears it."""
    code = row.text("code")
    existing = lookups.sites.get(code.casefold()) if code else None
    arguments: dict[str, Any] = {"site": existing}
    if existing is not None:
        arguments.update({name: getattr(existing, name) for name in FIELDS})
    for key in ("code", "name"):
        if not row.text(key):
            row.problem(key, _("This cell is required."))
    arguments["code"] = code
    arguments["name"] = row.text("name")

    if row.text("kind"):
        arguments["kind"] = _choice(
            row, "kind", lookups.kinds, _("“%(value)s” is not a type of site.")
        )
    else:
        row.problem("kind", _("This cell is required."))

    country_text = row.text("country")
    if not country_text:
        row.problem("country", _("This cell is required."))
    else:
        country = lookups.countries.get(tabular.name_key(country_text))
        if country is None:
            row.problem("country", _("Unknown country “%(value)s”.") % {"value": country_text})
        arguments["country"] = country

    if row.has("locality"):
        arguments["locality"] = row.text("locality")
    if row.has("hours"):
        arguments["hours"] = row.text("hours")
    if row.has("operator"):
        operator_text = row.text("operator")
        operator = lookups.organisations.get(tabular.name_key(operator_text))
        if operator_text and operator is None:
            row.problem(
                "operator",
                _(
                    "No organisation is named “%(value)s”: write its name as in the list of "
                    "organisations, or leave the cell empty."
                )
                % {"value": operator_text},
            )
        arguments["operator"] = operator
    if row.has("services"):
        found: list[str] = []
        for part in SERVICE_SEPARATORS.split(row.text("services")):
            if not part.strip():
                continue
            service = lookups.services.get(tabular.name_key(part))
            if service is None:
                row.problem(
                    "services", _("“%(value)s” is not a service.") % {"value": part.strip()}
                )
            else:
                found.append(service)
        arguments["services"] = found
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if row.has(key):
            try:
                arguments[key] = _coordinate_cell(row.text(key), low, high)
            except _Invalid as error:
                row.problem(key, str(error))
                arguments[key] = None
    if row.has("status"):
        arguments["status"] = (
            _choice(row, "status", lookups.statuses, _("“%(value)s” is not a status."))
            if row.text("status")
            else ServiceSite.Status.ACTIVE
        )
    return arguments


def _refusal(row: _Row, error: ValidationError) -> None:
    """A refusal of `site_save`, each message on its column (a message about the whole site
    goes on the code)."""
    items = (
        error.message_dict.items() if hasattr(error, "error_dict") else [("code", error.messages)]
    )
    for name, messages in items:
        key = name if name in COLUMN_BY_KEY else "code"
        for message in messages:
            row.problem(key, message)


def sites_import(*, user: User, path: Path, filename: str) -> ImportOutcome:
    """Import a list of sites (CSV or XLSX, titles in English or Russian): every row or none.
    A row whose code is a site's already updates that site. Raises PermissionDenied when the
    user may not manage sites anywhere, `tabular.TableFileError` when the file cannot be read;
    returns every problem of the rows otherwise."""
    if not can_manage_sites(user):
        raise PermissionDenied
    # Columns go by their English titles, which a missing column's message names.
    table = tabular.read_table(
        path,
        filename,
        columns={c.name: c.titles for c in COLUMNS},
        required=[c.name for c in COLUMNS if c.required],
        max_rows=IMPORT_MAX_ROWS,
    )
    headings = {COLUMN_BY_NAME[name].key: title for name, title in table.headings.items()}
    lookups = _Lookups.load()
    outcome = ImportOutcome(rows=len(table.rows))
    prepared: list[tuple[_Row, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for table_row in table.rows:
        row = _Row(table_row, headings)
        arguments = _prepare(row, lookups)
        code = arguments["code"].casefold()
        if code and code in seen:
            row.problem(
                "code",
                _("The code “%(code)s” is already in row %(line)d.")
                % {"code": arguments["code"], "line": seen[code]},
            )
        elif code:
            seen[code] = row.line
        if row.problems:
            outcome.problems += row.problems
        else:
            prepared.append((row, arguments))
    with transaction.atomic():
        for row, arguments in prepared:
            try:
                saved = site_save(user=user, **arguments)
            except PermissionDenied:
                row.problem(
                    "country",
                    _("You may add or change sites only in the countries where you run CLM."),
                )
            except ValidationError as error:
                _refusal(row, error)
            else:
                if saved.outcome == "created":
                    outcome.created.append(saved.site)
                elif saved.outcome == "updated":
                    outcome.updated.append(saved.site)
                else:
                    outcome.unchanged += 1
            outcome.problems += row.problems
        if outcome.problems:
            transaction.set_rollback(True)
            outcome.created, outcome.updated, outcome.unchanged = [], [], 0
    outcome.problems.sort(key=lambda p: p.line)
    return outcome


# --- Reads of the register's pages ----------------------------------------------------------
# (They belong with the module's selectors; kept here while clm/selectors.py is shared work.)


def sites_filtered(
    *,
    query: str = "",
    country: Country | None = None,
    kind: str = "",
    status: str = "",
    service: str = "",
) -> QuerySet[ServiceSite]:
    """The register, filtered: `query` in the name, code, province or city, or operator
    (Unicode-aware on SQLite too), ordered by country and name in the current language."""
    sites = ServiceSite.objects.select_related("country", "operator")
    if query:
        sites = sites.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(locality__icontains=query)
            | Q(operator__name__icontains=query)
        )
    if country is not None:
        sites = sites.filter(country=country)
    if kind:
        sites = sites.filter(kind=kind)
    if status:
        sites = sites.filter(status=status)
    if service:
        # The JSON list as text holds each code in quotes ("oat" is not in "hcv_test").
        sites = sites.filter(services__icontains=f'"{service}"')
    language = "ru" if translation.get_language() == "ru" else "en"
    return sites.order_by(f"country__name_{language}", "name", "pk")


def site_submission_count(user: User | Any, site: ServiceSite) -> int:
    """The current submissions about `site` that `user` may open (what the link lists)."""
    visible = selectors.submissions_visible_to(user).filter(site=site)
    return selectors.current_submissions(visible).count()


@dataclass(frozen=True)
class Change:
    when: Any
    who: Any
    kind: str  # "+" created, "~" changed, "-" deleted
    fields: list[str]


def site_changes(site: ServiceSite, *, limit: int = 10) -> list[Change]:
    """The last changes of a site, newest first, each with the labels of the fields it
    changed."""
    records = list(
        site.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    labels = {
        name: str(getattr(ServiceSite._meta.get_field(name), "verbose_name", name))
        for name in FIELDS
    }
    changes = []
    for index, record in enumerate(records[:limit]):
        before = records[index + 1] if index + 1 < len(records) else None
        fields: list[str] = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, included_fields=list(FIELDS))
            fields = [labels.get(name, name) for name in delta.changed_fields]
        changes.append(
            Change(record.history_date, record.history_user, record.history_type, fields)
        )
    return changes
