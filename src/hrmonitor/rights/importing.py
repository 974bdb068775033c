"""Cases in and out of spreadsheets.

Import
    Cases from a CSV or XLSX file (e.g. an export of another documentation system): a check
    that writes nothing, then an import that writes every row or none. Columns are found by
    name in English or Russian, in any order (`COLUMNS`); rows are numbered as in the
    spreadsheet (the header is row 1). Every row goes through the same services as the intake
    form — `services.case_create`, then `services.act_add` when the row names violations — so
    a row is refused for the same reasons, a refused permission included, and each problem is
    reported with its row, the column as titled in the file and a message in the user's
    language. The check runs the whole import inside a transaction and rolls it back, so it
    finds exactly the problems the import would meet. Each imported case gets one more line in
    the access log ("imported"), after the "created" of `case_create`.

Export
    The cases a user may take out (`Perm.RIGHTS_EXPORT`: case coordinators for their
    countries, the regional analyst everywhere), as rows whose columns are those of the import
    (so that a file can come back in) plus the case's reference, status, analysis and outcome.
    Which cases, and with which fields, is decided by `access.cases_visible_to`: the cases the
    user may open with their identifying fields come with the narrative, the client code and
    the province; the others are pseudonymised — none of those columns, no free text at all,
    and nothing decrypted. Every exported case is logged ("export"), one line per case.

An uploaded file is read from a temporary copy that the caller deletes (see `views_reports`);
nothing of it is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country, Organisation, User
from hrmonitor.core.roles import Perm
from hrmonitor.core.tabular import TableFileError, TableRow
from hrmonitor.rights import codes, services
from hrmonitor.rights.models import AccessLog, Act, Case, Consent, LegalAnalysis

if TYPE_CHECKING:
    from hrmonitor.core.access import AnyUser

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "CasesExport",
    "Outcome",
    "Problem",
    "TableFileError",
    "apply",
    "cases_export",
    "check",
    "export_csv",
    "export_xlsx",
]

MAX_ROWS = 2_000
CLIENT_CODE_LENGTH = 60  # as on the intake form
PROVINCE_LENGTH = 120
DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
LIST_SEPARATORS = re.compile(r"[,;]")
# A spreadsheet takes a cell starting with one of these for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
YES = frozenset({"yes", "y", "true", "1", "да", "д"})
NO = frozenset({"no", "n", "false", "0", "нет", "н", ""})


@dataclass(frozen=True)
class Column:
    """A column of a case file: its English name (also its title in an English export), its
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
        """The column's title in the current language."""
        return self.name_ru if translation.get_language() == "ru" else self.name


def _consent_column(item: str, name_ru: str, what: str | Promise) -> Column:
    return Column(f"consent_{item}", name_ru, what, required=item == Consent.Item.RECORD)


COLUMNS: tuple[Column, ...] = (
    Column(
        "country",
        "страна",
        gettext_lazy("ISO code (KG) or the country's name in English or Russian."),
        required=True,
        aliases=("country code", "код страны"),
    ),
    Column(
        "organisation",
        "организация",
        gettext_lazy("The documenting organisation's name, as registered in hrmonitor."),
        required=True,
        aliases=("organization", "documenting organisation", "документирующая организация"),
    ),
    Column(
        "channel",
        "канал обращения",
        gettext_lazy("How the case came in: in_person, outreach, hotline or online."),
        required=True,
        aliases=("intake channel", "канал"),
    ),
    Column(
        "received_on",
        "дата обращения",
        gettext_lazy("The date the case was received: YYYY-MM-DD, DD.MM.YYYY or a date cell."),
        required=True,
        aliases=("received", "date received", "получено"),
    ),
    Column(
        "incident_date",
        "дата инцидента",
        gettext_lazy("The date of the incident (optional); not after the date received."),
        aliases=("date of the incident", "incident"),
    ),
    Column(
        "precision",
        "точность даты",
        gettext_lazy(
            "How precise the incident date is: day, month or year (enter the first day of the "
            "month or year); empty means day."
        ),
        aliases=("incident_precision", "date precision"),
    ),
    Column(
        "client_code",
        "код клиента",
        gettext_lazy("A code agreed with the client, never a name (optional)."),
        aliases=("client", "клиент"),
    ),
    Column(
        "gender",
        "пол",
        gettext_lazy("woman, man, other or not_stated; empty means not stated."),
        aliases=("гендер",),
    ),
    Column(
        "age_band",
        "возраст",
        gettext_lazy("under_18, 18_24, 25_34, 35_44, 45_54, 55_plus or not_stated."),
        aliases=("age", "возрастная группа"),
    ),
    Column(
        "province",
        "область",
        gettext_lazy("Region or city, never an address (optional)."),
        aliases=("region", "регион"),
    ),
    Column(
        "key_groups",
        "ключевые группы",
        gettext_lazy("Codes of the client's key groups, separated by commas (listed below)."),
        aliases=("key groups",),
    ),
    Column(
        "violations",
        "нарушения",
        gettext_lazy(
            "Codes of the violation types, separated by commas (listed below); with them, the "
            "case gets an act."
        ),
        aliases=("violation types", "виды нарушений"),
    ),
    Column(
        "perpetrator",
        "нарушитель",
        gettext_lazy("The perpetrator's code (listed below); empty means unknown."),
        aliases=("perpetrators", "нарушители"),
    ),
    Column(
        "narrative",
        "описание",
        gettext_lazy("What happened (stored encrypted). Avoid names."),
        aliases=("what happened", "что произошло"),
    ),
    _consent_column(
        "record",
        "согласие на запись",
        gettext_lazy("yes or no: consent to record the case. Must be yes."),
    ),
    _consent_column(
        "statistics",
        "согласие на статистику",
        gettext_lazy("yes or no: consent to the use in anonymised statistics."),
    ),
    _consent_column(
        "refer",
        "согласие на перенаправление",
        gettext_lazy("yes or no: consent to referrals to other services."),
    ),
    _consent_column(
        "story",
        "согласие на публикацию истории",
        gettext_lazy("yes or no: consent to publish an anonymised story."),
    ),
)
COLUMN_BY_NAME = {c.name: c for c in COLUMNS}
CONSENT_ITEMS = ("record", "statistics", "refer", "story")
# Where a service's complaint about a field goes (a field the file has no column for: the date
# received, which every row has).
FIELD_COLUMNS = {
    "consents": "consent_record",
    "incident_precision": "precision",
    "involvement": "violations",
}
RECORD_COLUMN = "received_on"


@dataclass
class Problem:
    line: int
    column: str  # the column's English name
    heading: str  # the column as titled in the file
    message: str


@dataclass
class Outcome:
    """What a check or an import found: the rows read, the problems (nothing is written when
    there is any), and how many cases were written."""

    rows: int
    problems: list[Problem] = field(default_factory=list)
    written: int = 0

    @property
    def problem_rows(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def ready(self) -> int:
        return self.rows - self.problem_rows


class _Invalid(ValueError):
    """A cell that cannot be read; the message is translated."""


_key = tabular.name_key
_choice_keys = tabular.choice_keys


@dataclass
class _Lookups:
    """The reference data rows name, read once per file."""

    countries: dict[str, Country]
    organisations: dict[str, list[Organisation]]
    choices: dict[str, dict[str, str]]  # column -> each choice by its code and labels
    codes: dict[str, set[str]]  # code list -> its codes
    perpetrators: dict[str, str]  # by code and by label in English and Russian

    @classmethod
    def load(cls) -> _Lookups:
        countries = core_selectors.countries_by_any_name()
        organisations: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.order_by("pk"):
            organisations.setdefault(_key(organisation.name), []).append(organisation)
        perpetrators: dict[str, str] = {}
        for code in codes.code_list("perpetrators"):
            for key in (code.code, code.en, code.ru):
                perpetrators.setdefault(_key(key), code.code)
        return cls(
            countries=countries,
            organisations=organisations,
            choices={
                "channel": _choice_keys(Case.Channel),
                "precision": _choice_keys(Case.Precision),
                "gender": _choice_keys(Case.Gender),
                "age_band": _choice_keys(Case.AgeBand),
            },
            codes={
                name: {c.code for c in codes.code_list(name)}
                for name in ("key_groups", "violations")
            },
            perpetrators=perpetrators,
        )


# --- Reading cells --------------------------------------------------------------------------

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = range(10_000, 100_001)  # 1927-2173: a bare year is not taken for a date


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


def parse_yes_no(raw: str) -> bool:
    """yes / no (да / нет, 1 / 0, true / false); empty is no."""
    key = _key(raw)
    if key in YES:
        return True
    if key in NO:
        return False
    raise _Invalid(_("“%(value)s” is neither yes nor no.") % {"value": raw})


def _unformula(text: str) -> str:
    """A text cell as written before an export protected it from spreadsheets ("'=…")."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _Row:
    """Reads the cells of one row, collecting a problem for each cell that cannot be read
    rather than stopping at the first."""

    def __init__(self, row: TableRow, headings: dict[str, str]) -> None:
        self.row = row
        self.headings = headings
        self.problems: list[Problem] = []

    def problem(self, column: str, message: str) -> None:
        heading = self.headings.get(column) or COLUMN_BY_NAME[column].heading
        self.problems.append(Problem(self.row.line, column, heading, message))

    def text(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def required(self, column: str) -> str:
        text = self.text(column)
        if not text and COLUMN_BY_NAME[column].required:
            self.problem(column, _("This column needs a value."))
        return text

    def read[T](self, column: str, parse: Callable[[str], T], default: T) -> T:
        text = self.required(column)
        if not text:
            return default
        try:
            return parse(text)
        except _Invalid as error:
            self.problem(column, str(error))
            return default

    def choice(self, column: str, lookups: _Lookups, default: str) -> str:
        text = self.required(column)
        if not text:
            return default
        keys = lookups.choices[column]
        found = keys.get(_key(text))
        if found is None:
            self.problem(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(dict.fromkeys(keys.values()))},
            )
            return default
        return found

    def codes(self, column: str, known: set[str]) -> list[str]:
        chosen = [c.strip() for c in LIST_SEPARATORS.split(self.text(column)) if c.strip()]
        unknown = [c for c in chosen if c not in known]
        if unknown:
            self.problem(column, _("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)})
        return list(dict.fromkeys(c for c in chosen if c in known))

    def free_text(self, column: str, *, max_length: int | None = None) -> str:
        text = _unformula(self.text(column))
        if max_length is not None and len(text) > max_length:
            self.problem(
                column,
                _("At most %(max)d characters (this cell has %(count)d).")
                % {"max": max_length, "count": len(text)},
            )
        return text


# --- Preparing a row ------------------------------------------------------------------------


@dataclass
class _Prepared:
    row: _Row
    case: dict[str, Any]  # the arguments of services.case_create
    act: dict[str, Any] | None  # those of services.act_add, when the row names violations


def _place(row: _Row, lookups: _Lookups) -> tuple[Country | None, Organisation | None]:
    country: Country | None = None
    text = row.required("country")
    if text:
        country = lookups.countries.get(_key(text))
        if country is None:
            row.problem(
                "country", _("There is no country “%(code)s” in the network.") % {"code": text}
            )
    organisation: Organisation | None = None
    name = _unformula(row.required("organisation"))
    if name:
        found = lookups.organisations.get(_key(name), [])
        if country is not None and len(found) > 1:
            # Two organisations of one name: the one of the row's country.
            found = [o for o in found if o.country_id == country.pk] or found
        if not found:
            row.problem(
                "organisation",
                _("There is no organisation “%(name)s” in hrmonitor.") % {"name": name},
            )
        elif len(found) > 1:
            row.problem(
                "organisation",
                _(
                    "Several organisations are named “%(name)s”; ask the Secretariat to tell "
                    "them apart."
                )
                % {"name": name},
            )
        else:
            organisation = found[0]
    if (
        country is not None
        and organisation is not None
        and organisation.country_id
        and organisation.country_id != country.pk
    ):
        row.problem("organisation", _("This organisation works in another country."))
    return country, organisation


def _prepare(row: _Row, lookups: _Lookups) -> _Prepared:
    country, organisation = _place(row, lookups)
    received = row.read("received_on", parse_date, None)
    incident = row.read("incident_date", parse_date, None)
    if received and incident and incident > received:
        row.problem("incident_date", _("The incident cannot be after the case was received."))
    consents = {item: row.read(f"consent_{item}", parse_yes_no, False) for item in CONSENT_ITEMS}
    if not consents["record"] and row.text("consent_record"):
        row.problem("consent_record", _("The client must consent to the recording of the case."))
    case = {
        "country": country,
        "organisation": organisation,
        "channel": row.choice("channel", lookups, ""),
        "received_on": received,
        "incident_date": incident,
        "incident_precision": row.choice("precision", lookups, Case.Precision.DAY),
        "client_code": row.free_text("client_code", max_length=CLIENT_CODE_LENGTH),
        "gender": row.choice("gender", lookups, Case.Gender.NOT_STATED),
        "age_band": row.choice("age_band", lookups, Case.AgeBand.NOT_STATED),
        "province": row.free_text("province", max_length=PROVINCE_LENGTH),
        "key_groups": row.codes("key_groups", lookups.codes["key_groups"]),
        "narrative": row.free_text("narrative"),
        "consents": {item: consents.get(item, False) for item in Consent.Item.values},
    }
    violations = row.codes("violations", lookups.codes["violations"])
    perpetrator_text = row.text("perpetrator")
    perpetrator = lookups.perpetrators.get(_key(perpetrator_text or "unknown"))
    if perpetrator is None:
        known = ", ".join(dict.fromkeys(lookups.perpetrators.values()))
        row.problem(
            "perpetrator",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": perpetrator_text, "choices": known},
        )
    elif perpetrator_text and not row.text("violations"):
        row.problem(
            "perpetrator", _("A perpetrator is recorded with the violations: name them too.")
        )
    act = None
    if violations and perpetrator is not None:
        act = {"violations": violations, "perpetrator": perpetrator, "occurred_on": incident}
    return _Prepared(row, case, act)


# --- Check and import -----------------------------------------------------------------------


def _service_problems(error: ValidationError, row: _Row) -> None:
    """A service's refusal, each message on the column it concerns."""
    items = (
        list(error.message_dict.items())
        if hasattr(error, "error_dict")
        else [(RECORD_COLUMN, error.messages)]
    )
    for name, messages in items:
        column = FIELD_COLUMNS.get(name, name)
        column = column if column in COLUMN_BY_NAME else RECORD_COLUMN
        for message in messages:
            row.problem(column, message)


def _refused(user: User, prepared: _Prepared) -> None:
    """A refused permission as a problem of the row: on the country when the user records no
    case there, else on the organisation (a documenter records their own organisation's)."""
    country = prepared.case["country"]
    if not access.scope_for(user, Perm.RIGHTS_WRITE_CASES).allows(country.pk):
        prepared.row.problem("country", _("You may not record cases in this country."))
    else:
        prepared.row.problem("organisation", _("You may not record cases of this organisation."))


def _write(user: User, prepared: _Prepared) -> None:
    """One row: its case, its act and the line of the access log, or none of them."""
    with transaction.atomic():
        case = services.case_create(user=user, **prepared.case)
        if prepared.act is not None:
            services.act_add(user=user, case=case, **prepared.act)
        services.log_access(user=user, case=case, action=AccessLog.Action.EDIT, detail="imported")


def _run(user: User, path: Path, name: str, *, write: bool) -> Outcome:
    table = tabular.read_table(
        path,
        name,
        columns={c.name: c.titles for c in COLUMNS},
        required=[c.name for c in COLUMNS if c.required],
        max_rows=MAX_ROWS,
    )
    lookups = _Lookups.load()
    problems: list[Problem] = []
    prepared: list[_Prepared] = []
    for table_row in table.rows:
        row = _Row(table_row, table.headings)
        ready = _prepare(row, lookups)
        if row.problems:
            problems += row.problems
        else:
            prepared.append(ready)
    written = 0
    with transaction.atomic():
        for ready in prepared:
            try:
                _write(user, ready)
            except PermissionDenied:
                _refused(user, ready)
            except ValidationError as error:
                _service_problems(error, ready.row)
            else:
                written += 1
            problems += ready.row.problems
        if problems or not write:
            # The check (or a failed import) leaves the database as it found it.
            transaction.set_rollback(True)
            written = 0
    problems.sort(key=lambda p: p.line)
    return Outcome(rows=len(table.rows), problems=problems, written=written)


def check(user: User, path: Path, name: str) -> Outcome:
    """The dry run: every problem the import would meet, by row and column. Writes nothing.
    Raises TableFileError when the file itself cannot be read."""
    return _run(user, path, name, write=False)


def apply(user: User, path: Path, name: str) -> Outcome:
    """Import every row, or none: a single problem leaves the database untouched and is
    returned with the others. Raises TableFileError when the file itself cannot be read."""
    return _run(user, path, name, write=True)


def code_lists() -> list[tuple[str, list[tuple[str, str]]]]:
    """The codes a file may use, by column, with their labels in the active language."""
    return [
        ("key_groups", codes.choices("key_groups")),
        ("violations", codes.choices("violations")),
        ("perpetrator", codes.choices("perpetrators")),
    ]


# --- Export ---------------------------------------------------------------------------------

IDENTIFYING_COLUMNS = ("client_code", "province", "narrative")
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("reference", "номер дела", gettext_lazy("The case's reference.")),
    Column("status", "статус", gettext_lazy("open, in_analysis, responding or closed.")),
    Column("qualification", "квалификация", gettext_lazy("The legal analysis' qualification.")),
    Column("rights", "нарушенные права", gettext_lazy("Articles found violated (codes).")),
    Column("strategic", "стратегическое дело", gettext_lazy("yes or no.")),
    Column("closure", "итог", gettext_lazy("How a closed case ended.")),
    Column("closed_on", "дата закрытия", gettext_lazy("The date the case was closed.")),
)
ENCRYPTED_COLUMNS = ("narrative_encrypted", "client_code_encrypted", "province_encrypted")


@dataclass
class CasesExport:
    header: list[str]
    rows: list[list[str]]
    identifying: int  # how many rows carry identifying fields


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _export_filter(
    cases: QuerySet[Case],
    *,
    country: Country | None,
    start: dt.date | None,
    end: dt.date | None,
    status: str,
) -> QuerySet[Case]:
    if country is not None:
        cases = cases.filter(country=country)
    if start is not None:
        cases = cases.filter(received_on__gte=start)
    if end is not None:
        cases = cases.filter(received_on__lte=end)
    if status:
        cases = cases.filter(status=status)
    return cases


def may_export(user: AnyUser) -> bool:
    return access.scope_for(user, Perm.RIGHTS_EXPORT).anywhere


@transaction.atomic
def cases_export(
    *,
    user: User,
    fmt: str,
    country: Country | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str = "",
) -> CasesExport:
    """The cases `user` may export (`Perm.RIGHTS_EXPORT`) received from `start` to `end`,
    newest first: identifying fields only for the cases `access.cases_visible_to(user)` opens
    in full, the others pseudonymised. One "export" line per case goes to the access log (with
    `fmt` and whether the case went out pseudonymised) before anything is returned; a user
    without the permission is refused (PermissionDenied). Five reads whatever the number of
    cases, and the log lines written in bulk; the encrypted columns of the pseudonymised cases
    are not even read."""
    scope = access.scope_for(user, Perm.RIGHTS_EXPORT)
    if not scope.anywhere:
        raise PermissionDenied

    def exportable(identifying: bool) -> QuerySet[Case]:
        visible = access.cases_visible_to(user, identifying=identifying)
        return _export_filter(
            scope.filter(visible), country=country, start=start, end=end, status=status
        )

    texts = {
        case.pk: (case.client_code, case.province, case.narrative)
        for case in exportable(True).only("id", *ENCRYPTED_COLUMNS)
    }
    selected = (exportable(False) | exportable(True)).distinct()
    cases = list(
        selected.select_related("country", "organisation")
        .defer(*ENCRYPTED_COLUMNS)
        .prefetch_related(
            Prefetch(
                "acts",
                queryset=Act.objects.only("id", "case_id", "violations", "perpetrator").order_by(
                    "occurred_on", "pk"
                ),
            ),
            Prefetch(
                "consents",
                queryset=Consent.objects.only("id", "case_id", "item", "given", "withdrawn_on"),
            ),
        )
        .order_by("-received_on", "reference")
    )
    analyses = {
        case_id: (qualification, rights, strategic)
        for case_id, qualification, rights, strategic in LegalAnalysis.objects.filter(
            case__in=selected.values("pk")
        ).values_list("case_id", "qualification", "rights", "strategic")
    }
    with_identifying = any(c.pk in texts for c in cases)
    names = [
        "reference",
        *(c.name for c in COLUMNS if with_identifying or c.name not in IDENTIFYING_COLUMNS),
        *(c.name for c in EXTRA_COLUMNS if c.name != "reference"),
    ]
    headings = {c.name: c.heading for c in (*COLUMNS, *EXTRA_COLUMNS)}
    rows = [_export_row(case, names, texts.get(case.pk), analyses.get(case.pk)) for case in cases]
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            username=user.get_username(),
            case_reference=case.reference,
            action=AccessLog.Action.EXPORT,
            detail=fmt if case.pk in texts else f"{fmt} pseudonymised",
        )
        for case in cases
    )
    return CasesExport(
        header=[headings[n] for n in names],
        rows=rows,
        identifying=sum(1 for c in cases if c.pk in texts),
    )


def _export_row(
    case: Case,
    names: list[str],
    texts: tuple[str, str, str] | None,
    analysis: tuple[str, list[str], bool] | None,
) -> list[str]:
    acts = list(case.acts.all())
    in_force = {c.item for c in case.consents.all() if c.in_force}
    client_code, province, narrative = texts or ("", "", "")
    qualification, rights, strategic = analysis or ("", [], False)
    values: dict[str, str] = {
        "reference": case.reference,
        "country": case.country.iso2,
        "organisation": case.organisation.name,
        "channel": case.channel,
        "received_on": case.received_on.isoformat(),
        "incident_date": case.incident_date.isoformat() if case.incident_date else "",
        "precision": case.incident_precision,
        "client_code": client_code,
        "gender": case.gender,
        "age_band": case.age_band,
        "province": province,
        "key_groups": ", ".join(case.key_groups or ()),
        "violations": ", ".join(dict.fromkeys(v for a in acts for v in a.violations or ())),
        "perpetrator": ", ".join(dict.fromkeys(a.perpetrator for a in acts)),
        "narrative": narrative,
        **{f"consent_{item}": _yes_no(item in in_force) for item in CONSENT_ITEMS},
        "status": case.status,
        "qualification": qualification,
        "rights": ", ".join(rights or ()),
        "strategic": _yes_no(strategic) if analysis else "",
        "closure": case.closure,
        "closed_on": case.closed_on.isoformat() if case.closed_on else "",
    }
    return [values[n] for n in names]


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula ("=…" becomes "'=…")."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def export_csv(export: CasesExport) -> bytes:
    """UTF-8 with BOM (so spreadsheet programs read Cyrillic right), no cell a formula."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(export.header)
    writer.writerows([_safe(cell) for cell in row] for row in export.rows)
    return buffer.getvalue().encode()


def export_xlsx(export: CasesExport, *, title: str) -> bytes:
    """One sheet; every cell written as text, never as a formula or a link."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True, "bg_color": "#DCE6F1"})
    sheet = book.add_worksheet("".join(c for c in title if c not in "[]:*?/\\")[:31] or "Cases")
    sheet.write_row(0, 0, export.header, bold)
    sheet.freeze_panes(1, 0)
    for index, row in enumerate(export.rows, start=1):
        for column, cell in enumerate(row):
            sheet.write_string(index, column, cell)
    sheet.set_column(0, len(export.header) - 1, 16)
    book.close()
    return buffer.getvalue()
