"""Human-rights cases in the HTTP API (mounted at /api/v1/rights): read-only for now — cases
are recorded, analysed and answered in the pages; writes are not exposed in the API yet.

Every endpoint needs a personal token and applies the same rules as the pages, through the
same access helpers and services: a caller sees the cases of their case roles only (a
documenter, their organisation's cases in their country; legal analysts and coordinators,
their countries'; the regional analyst, every case without identifying data); the
Secretariat and statistics readers see no case. Opening a case is logged in the case access
log, a refusal too. The list never carries encrypted fields; a case opened with identifying
rights carries its narrative, client code, province and free texts, otherwise those are null.
The statistics are those of the public statistics page — only what `rights.suppression`
publishes, small counts withheld — for any token holder. No response may be cached
(`Cache-Control: no-store`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema, Status

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.api import ErrorOut, TokenAuth
from hrmonitor.core.models import User
from hrmonitor.rights import codes, selectors, services
from hrmonitor.rights.models import Case
from hrmonitor.rights.suppression import Published, SuppressedSeries

router = Router(tags=["rights"], auth=TokenAuth())
# On every answer, refusals and 401s included: nothing of a case may stay in a cache.
router.add_decorator(never_cache, mode="view")

MAX_LIMIT = 500


class CaseFilters(Schema):
    country: str = Field("", description="ISO 3166-1 alpha-2 code of a country, e.g. KG.")
    status: str = Field("", description=f"One status: {', '.join(Case.Status.values)}.")
    limit: int = Field(100, description=f"At most this many cases (1–{MAX_LIMIT}).")
    offset: int = Field(0, description="Skip this many cases (for the next page).")


class CaseOut(Schema):
    reference: str = Field(description="The case's random reference, e.g. C-7K3M9QX2.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country.")
    received_on: dt.date
    status: str
    channel: str
    violations: list[str] = Field(description="Codes of the violations of all its acts.")
    gender: str
    age_band: str
    key_groups: list[str]
    qualification: str | None = Field(description="The legal analysis' qualification, if any.")


class CasePage(Schema):
    count: int = Field(description="Number of cases matching the filters, on all pages.")
    items: list[CaseOut]


class ActOut(Schema):
    violations: list[str]
    perpetrator: str
    involvement: str
    occurred_on: dt.date | None
    description: str | None = Field(description="Null without identifying rights.")


class AnalysisOut(Schema):
    qualification: str
    confidence: str
    rights: list[str]
    national_law: str
    strategic: bool
    analysed_on: dt.date
    text: str | None = Field(description="Null without identifying rights.")


class ResponseOut(Schema):
    kind: str
    status: str
    referred: bool
    referred_to: str | None = Field(description="Null without identifying rights.")
    started_on: dt.date
    ended_on: dt.date | None
    follow_up_on: dt.date | None
    outcome: str | None = Field(description="Null without identifying rights.")


class ConsentOut(Schema):
    item: str
    given: bool
    in_force: bool
    text_version: str
    given_on: dt.date
    withdrawn_on: dt.date | None


class FileOut(Schema):
    kind: str
    size: int
    access: str
    uploaded_at: dt.datetime
    name: str | None = Field(description="Null without identifying rights.")


class CaseDetailOut(CaseOut):
    identifying: bool = Field(
        description="Whether the caller may see identifying data; when false, the narrative, "
        "client code, province and free texts are null."
    )
    organisation: str
    incident_date: dt.date | None
    incident_precision: str
    pregnant: bool | None
    has_children: bool | None
    custody: str
    closure: str
    closed_on: dt.date | None
    identifying_purged_on: dt.date | None = Field(
        description="When the retention period erased the identifying data."
    )
    narrative: str | None
    client_code: str | None
    province: str | None
    acts: list[ActOut]
    analysis: AnalysisOut | None
    responses: list[ResponseOut]
    consents: list[ConsentOut]
    files: list[FileOut]


def _case_fields(case: Case) -> dict[str, Any]:
    """The fields of the list: nothing encrypted, nothing identifying."""
    analysis = getattr(case, "analysis", None)
    return {
        "reference": case.reference,
        "country": case.country.iso2,
        "received_on": case.received_on,
        "status": case.status,
        "channel": case.channel,
        "violations": list(dict.fromkeys(v for act in case.acts.all() for v in act.violations)),
        "gender": case.gender,
        "age_band": case.age_band,
        "key_groups": case.key_groups,
        "qualification": analysis.qualification if analysis else None,
    }


def _caller(request: HttpRequest) -> User:
    """The token's user (`TokenAuth` has authenticated every request of this router)."""
    user: User = request.auth  # type: ignore[attr-defined]  # set by django-ninja's auth
    return user


def _cases_readable_by(user: User) -> QuerySet[Case]:
    """Every case the user may open, with or without identifying data."""
    return access.cases_visible_to(user) | access.cases_visible_to(user, identifying=False)


@router.get(
    "/cases",
    response={200: CasePage, 401: ErrorOut},
    summary="The cases you may open (no identifying fields)",
)
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> CasePage:
    rows = _cases_readable_by(_caller(request))
    if filters.country:
        rows = rows.filter(country__iso2=filters.country.upper())
    if filters.status:
        rows = rows.filter(status=filters.status)
    offset = max(0, filters.offset)
    page = (
        rows.select_related("country", "analysis")
        .prefetch_related("acts")
        .order_by("-received_on", "reference")[
            offset : offset + max(1, min(filters.limit, MAX_LIMIT))
        ]
    )
    return CasePage(count=rows.count(), items=[CaseOut(**_case_fields(c)) for c in page])


@router.get(
    "/cases/{reference}",
    response={200: CaseDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One case, as you may see it (logged in the case access log)",
)
def case_detail(request: HttpRequest, reference: str) -> Status[Any]:
    try:
        opened = services.case_open(user=_caller(request), reference=reference)
    except Case.DoesNotExist:
        return Status(404, {"detail": _("Case not found.")})
    except PermissionDenied:
        return Status(403, {"detail": _("You may not open this case.")})
    # Without identifying rights the encrypted values are not even decrypted.
    case, identifying = opened.case, opened.identifying
    analysis = case.analysis if hasattr(case, "analysis") else None
    return Status(
        200,
        CaseDetailOut(
            **_case_fields(case),
            identifying=identifying,
            organisation=case.organisation.name,
            incident_date=case.incident_date,
            incident_precision=case.incident_precision,
            pregnant=case.pregnant,
            has_children=case.has_children,
            custody=case.custody,
            closure=case.closure,
            closed_on=case.closed_on,
            identifying_purged_on=case.identifying_purged_on,
            narrative=case.narrative if identifying else None,
            client_code=case.client_code if identifying else None,
            province=case.province if identifying else None,
            acts=[
                ActOut(
                    violations=act.violations,
                    perpetrator=act.perpetrator,
                    involvement=act.involvement,
                    occurred_on=act.occurred_on,
                    description=act.description if identifying else None,
                )
                for act in case.acts.all()
            ],
            analysis=AnalysisOut(
                qualification=analysis.qualification,
                confidence=analysis.confidence,
                rights=analysis.rights,
                national_law=analysis.national_law,
                strategic=analysis.strategic,
                analysed_on=analysis.analysed_on,
                text=analysis.text if identifying else None,
            )
            if analysis
            else None,
            responses=[
                ResponseOut(
                    kind=response.kind,
                    status=response.status,
                    referred=response.referred,
                    referred_to=response.referred_to if identifying else None,
                    started_on=response.started_on,
                    ended_on=response.ended_on,
                    follow_up_on=response.follow_up_on,
                    outcome=response.outcome if identifying else None,
                )
                for response in case.responses.all()
            ],
            consents=[
                ConsentOut(
                    item=consent.item,
                    given=consent.given,
                    in_force=consent.in_force,
                    text_version=consent.text_version,
                    given_on=consent.given_on,
                    withdrawn_on=consent.withdrawn_on,
                )
                for consent in case.consents.all()
            ],
            files=[
                FileOut(
                    kind=record.kind,
                    size=record.size,
                    access=record.access,
                    uploaded_at=record.uploaded_at,
                    name=record.name if identifying else None,
                )
                for record in case.files.all()
            ],
        ),
    )


# --- Published statistics --------------------------------------------------------------------


class StatisticsFilters(Schema):
    start: dt.date | None = Field(
        None, description="First day of receipt (YYYY-MM-DD); default twelve months before `end`."
    )
    end: dt.date | None = Field(
        None, description="Last day of receipt (YYYY-MM-DD); default today (or `start`, if later)."
    )
    country: str = Field("", description="ISO 3166-1 alpha-2 code of a country; default all.")


class FigureOut(Schema):
    key: str = Field(description="The category's code (a country's ISO code in a table column).")
    label: str = Field(description="The category in the request's language.")
    value: int | None = Field(description="The count; null when withheld.")
    display: str = Field(description='What the page shows: the count, "<5" or "x".')
    reason: str | None = Field(
        description='Why it is withheld: "primary" (a small count) or "secondary" (it would '
        "give a small count away through a total); null when published."
    )


class SeriesOut(Schema):
    items: list[FigureOut]
    total: FigureOut | None = Field(description="Null when the series has no published total.")


class TableRowOut(Schema):
    violation: FigureOut = Field(description="The violation type and its total (all countries).")
    cells: list[FigureOut] = Field(description="One per column, in the order of `columns`.")


class TableOut(Schema):
    columns: list[str] = Field(description="ISO codes of the countries with any violation.")
    rows: list[TableRowOut]
    column_totals: list[FigureOut]
    grand_total: FigureOut


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    country: str | None
    threshold: int = Field(description="The smallest count published.")
    total: FigureOut = Field(description="Cases counted (consent to statistics in force).")
    by_violation: TableOut = Field(description="Violations (case × type) by country.")
    by_perpetrator: SeriesOut
    by_key_group: SeriesOut
    by_gender: SeriesOut
    by_quarter: SeriesOut


def _figure(key: str, label: str, entry: Published, threshold: int) -> FigureOut:
    return FigureOut(
        key=key,
        label=label,
        value=entry.value,
        display=entry.display(threshold),
        reason=entry.reason,
    )


def _series(
    series: SuppressedSeries, label: Callable[[str], str], threshold: int, *, total: bool
) -> SeriesOut:
    return SeriesOut(
        items=[_figure(k, label(k), series.count(k), threshold) for k in series.categories],
        total=_figure("", "", series.total(), threshold) if total else None,
    )


def _gender_label(code: str) -> str:
    return str(dict(Case.Gender.choices).get(code, code))


@router.get(
    "/statistics",
    response={200: StatisticsOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Published case statistics (small counts withheld), as on the statistics page",
)
def statistics(request: HttpRequest, filters: Query[StatisticsFilters]) -> Status[Any]:
    """Only cases whose client consented to anonymised statistics are counted; a count below
    the threshold is withheld, and so is any count that would let it be worked out from a
    total. The period defaults to the last twelve months."""
    country = None
    if filters.country:
        country = core_selectors.country_by_iso2(filters.country)
        if country is None:
            return Status(404, {"detail": _("Country not found.")})
    end = filters.end or max(timezone.localdate(), filters.start or dt.date.min)
    start = filters.start or selectors.last_twelve_months(end)[0]
    if end < start:
        return Status(400, {"detail": _("The end of the period cannot be before its start.")})
    stats = selectors.case_statistics(
        start=start, end=end, country=country, threshold=selectors.suppression_threshold()
    )
    k = stats.threshold
    table = stats.by_violation
    return Status(
        200,
        StatisticsOut(
            start=stats.start,
            end=stats.end,
            country=stats.country or None,
            threshold=k,
            total=_figure("total", "", stats.total, k),
            by_violation=TableOut(
                columns=table.columns,
                rows=[
                    TableRowOut(
                        violation=_figure(
                            code, codes.label("violations", code), table.row_total(code), k
                        ),
                        cells=[
                            _figure(iso2, iso2, table.cell(code, iso2), k) for iso2 in table.columns
                        ],
                    )
                    for code in table.rows
                ],
                column_totals=[
                    _figure(iso2, iso2, table.column_total(iso2), k) for iso2 in table.columns
                ],
                grand_total=_figure("", "", table.grand_total(), k),
            ),
            by_perpetrator=_series(
                stats.by_perpetrator, lambda c: codes.label("perpetrators", c), k, total=False
            ),
            by_key_group=_series(
                stats.by_key_group, lambda c: codes.label("key_groups", c), k, total=False
            ),
            by_gender=_series(stats.by_gender, _gender_label, k, total=True),
            by_quarter=_series(stats.by_quarter, str, k, total=True),
        ),
    )
