"""The policy and funding trackers in the HTTP API (mounted at /api/v1/policy): policy areas
and their scales, countries' statuses over time or on a date, funding records in their
currency and in US dollars, yearly funding summaries and the exchange rates. Public data, like
the tracker's pages: no token needed. Labels and names follow the request's language
(`Accept-Language: ru`)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.api import BadRequest, ErrorOut, NotFound
from hrmonitor.core.api import problem as _error
from hrmonitor.core.models import Country
from hrmonitor.policy import funding, selectors
from hrmonitor.policy.models import FundingRecord, FundingSource, PolicyArea, PolicyStatus

router = Router(tags=["policy"])

MAX_LIMIT = 5000
SHARE_PLACES = Decimal("0.0001")
COUNTRY_HELP = "ISO 3166-1 alpha-2 code of a country of the network, e.g. KZ."


def _country(iso2: str) -> Country | None:
    if not iso2:
        return None
    found = core_selectors.country_by_iso2(iso2)
    if found is None:
        raise NotFound(_("Country not found."))
    return found


def _area(code: str) -> PolicyArea | None:
    if not code:
        return None
    found = selectors.area_by_code(code)
    if found is None:
        raise NotFound(_("Policy area not found."))
    return found


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD.") % {"value": value}
        ) from None


def _source_category(code: str) -> str:
    if code and code not in FundingSource.values:
        raise BadRequest(
            _("“%(code)s” is not a source of funds; use one of %(codes)s.")
            % {"code": code, "codes": ", ".join(FundingSource.values)}
        )
    return code


def _window(offset: int, limit: int) -> slice:
    offset = max(0, offset)
    return slice(offset, offset + max(1, min(limit, MAX_LIMIT)))


# --- Policy areas ----------------------------------------------------------------------------


class ScaleStepOut(Schema):
    code: str = Field(description="The status's code, as `status` in the statuses.")
    label: str = Field(description="The status's name in the request's language.")
    label_en: str
    label_ru: str
    counts_as_yes: bool = Field(
        description="Whether the status counts as “in place” (what indicators count by default)."
    )
    order: int = Field(description="Position on the scale, from 1 (worst) to the best.")


class PolicyAreaOut(Schema):
    code: str = Field(description="The area's code, e.g. naloxone-take-home.")
    order: int
    name: str = Field(description="The area's name in the request's language.")
    name_en: str
    name_ru: str
    description: str = Field(description="What the area covers, in the request's language.")
    scale: list[ScaleStepOut] = Field(description="The statuses of the area, worst first.")


@router.get("/areas", response=list[PolicyAreaOut], summary="Policy areas and their scales")
def areas(request: HttpRequest) -> list[PolicyAreaOut]:
    """Every policy area the tracker follows, with its ordered scale of statuses."""
    return [
        PolicyAreaOut(
            code=area.code,
            order=area.order,
            name=area.name,
            name_en=area.name_en or "",  # type: ignore[attr-defined]
            name_ru=area.name_ru or "",  # type: ignore[attr-defined]
            description=area.description,
            scale=[
                ScaleStepOut(
                    code=str(step["code"]),
                    label=area.status_label(str(step["code"])),
                    label_en=str(step.get("label_en") or ""),
                    label_ru=str(step.get("label_ru") or ""),
                    counts_as_yes=bool(step.get("counts_as_yes")),
                    order=position,
                )
                for position, step in enumerate(area.scale, start=1)
            ],
        )
        for area in selectors.areas()
    ]


# --- Statuses --------------------------------------------------------------------------------


class StatusFilters(Schema):
    country: str = Field("", description=COUNTRY_HELP)
    area: str = Field("", description="A policy area's code, e.g. naloxone-take-home.")
    as_of: str = Field(
        "",
        description="A date (YYYY-MM-DD): only the status in force that day, per country and "
        "area. Without it, every recorded period (the full history).",
    )
    limit: int = Field(500, description=f"At most this many records (1–{MAX_LIMIT}).")
    offset: int = Field(0, description="Skip this many records (for the next page).")


class PolicyStatusOut(Schema):
    id: int
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country.")
    area: str = Field(description="The policy area's code.")
    status: str = Field(description="A code of the area's scale.")
    status_label: str = Field(description="The status's name in the request's language.")
    counts_as_yes: bool = Field(description="Whether the status counts as “in place”.")
    valid_from: dt.date = Field(description="First day of the period.")
    valid_to: dt.date | None = Field(
        description="Last day of the period (inclusive); null while it is the current status."
    )
    legal_reference: str = Field(description="The law, decree or regulation, if any.")
    evidence_url: str = Field(description="Link to the evidence, if any.")
    evidence_file_url: str | None = Field(description="Download of the evidence file, if any.")
    source: str = Field(description="Where the fact comes from.")
    verified: bool = Field(description="Whether the Secretariat checked it against its evidence.")
    verified_at: dt.datetime | None = Field(description="When it was verified.")


class PolicyStatusPage(Schema):
    count: int = Field(description="Number of records matching the filters, on all pages.")
    items: list[PolicyStatusOut]


def _status_out(request: HttpRequest, record: PolicyStatus) -> PolicyStatusOut:
    return PolicyStatusOut(
        id=record.pk,
        country=record.country.iso2,
        area=record.area.code,
        status=record.status,
        status_label=record.status_label,
        counts_as_yes=record.counts_as_yes,
        valid_from=record.valid_from,
        valid_to=record.valid_to,
        legal_reference=record.legal_reference,
        evidence_url=record.evidence_url,
        evidence_file_url=(
            request.build_absolute_uri(reverse("policy:evidence_file", args=[record.pk]))
            if record.evidence_file
            else None
        ),
        source=record.source,
        verified=record.verified_at is not None,
        verified_at=record.verified_at,
    )


@router.get(
    "/statuses",
    response={200: PolicyStatusPage, 400: ErrorOut, 404: ErrorOut},
    summary="Countries' policy statuses: the full history, or the status on a date",
)
def statuses(request: HttpRequest, filters: Query[StatusFilters]) -> Status[Any]:
    """Periods never overlap, so with `as_of` there is at most one record per country and
    area: the status of any country on any date. Ordered by country, area and start date."""
    try:
        rows = selectors.status_records(
            country=_country(filters.country),
            area=_area(filters.area),
            as_of=_date(filters.as_of),
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = rows[_window(filters.offset, filters.limit)]
    return Status(
        200,
        PolicyStatusPage(count=rows.count(), items=[_status_out(request, r) for r in page]),
    )


# --- Funding ---------------------------------------------------------------------------------


class FundingFilters(Schema):
    country: str = Field("", description=COUNTRY_HELP)
    year_from: int | None = Field(None, description="First year, inclusive.")
    year_to: int | None = Field(None, description="Last year, inclusive.")
    source_category: str = Field(
        "", description=f"One source of funds: {', '.join(FundingSource.values)}."
    )
    limit: int = Field(500, description=f"At most this many records (1–{MAX_LIMIT}).")
    offset: int = Field(0, description="Skip this many records (for the next page).")


class FundingRecordOut(Schema):
    id: int
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country.")
    year: int
    source_category: str = Field(
        description=f"Source of funds: {', '.join(FundingSource.values)}; the first two are "
        "domestic."
    )
    source_category_label: str = Field(description="The source of funds, in words.")
    funder: str
    programme_area: str = Field(description="The programme area's code ('all' when not split).")
    programme_area_label: str = Field(description="The programme area, in words.")
    amount: Decimal = Field(description="The amount in its own currency.")
    currency: str = Field(description="ISO 4217 code of the amount's currency.")
    usd_rate: Decimal | None = Field(
        description="US dollars per unit of the currency in that year (1 for US dollars)."
    )
    amount_usd: Decimal | None = Field(
        description="The amount in US dollars at that year's rate, rounded to cents; null when "
        "the currency has no rate for the year."
    )
    usd_rate_missing: bool = Field(
        description="True when the amount could not be converted: no rate for its currency "
        "and year."
    )
    evidence_url: str
    source: str = Field(description="Where the figure comes from.")


class FundingRecordPage(Schema):
    count: int = Field(description="Number of records matching the filters, on all pages.")
    items: list[FundingRecordOut]


def _funding_out(record: FundingRecord, rates: funding.Rates) -> FundingRecordOut:
    usd = funding.to_usd(record.amount, record.currency, record.year, rates)
    rate = funding.to_usd(Decimal(1), record.currency, record.year, rates)
    return FundingRecordOut(
        id=record.pk,
        country=record.country.iso2,
        year=record.year,
        source_category=record.source_category,
        source_category_label=record.get_source_category_display(),
        funder=record.funder,
        programme_area=record.programme_area,
        programme_area_label=record.get_programme_area_display(),
        amount=record.amount,
        currency=record.currency,
        usd_rate=rate,
        amount_usd=funding.cents(usd) if usd is not None else None,
        usd_rate_missing=usd is None,
        evidence_url=record.evidence_url,
        source=record.source,
    )


@router.get(
    "/funding",
    response={200: FundingRecordPage, 400: ErrorOut, 404: ErrorOut},
    summary="Harm-reduction funding records, in their currency and in US dollars",
)
def funding_records(request: HttpRequest, filters: Query[FundingFilters]) -> Status[Any]:
    """Amounts are converted at read time with the exchange rate of their currency and year,
    so a corrected rate corrects every figure."""
    try:
        rows = selectors.funding_records(
            country=_country(filters.country),
            year_from=filters.year_from,
            year_to=filters.year_to,
            source_category=_source_category(filters.source_category),
        )
    except (NotFound, BadRequest) as error:
        return _error(error)
    page = rows[_window(filters.offset, filters.limit)]
    rates = selectors.exchange_rates()
    return Status(
        200,
        FundingRecordPage(count=rows.count(), items=[_funding_out(r, rates) for r in page]),
    )


class FundingYearOut(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code of the country.")
    year: int
    total_usd: Decimal = Field(
        description="All funding of the year in US dollars, rounded to cents (amounts without "
        "a rate left out: see `missing_rates`)."
    )
    domestic_usd: Decimal = Field(description="Of which domestic (national and municipal).")
    international_usd: Decimal = Field(
        description="Of which not domestic (Global Fund, other international, private)."
    )
    domestic_share: float | None = Field(
        description="Domestic ÷ total, between 0 and 1; null when the total is 0 or a rate "
        "is missing."
    )
    need_usd: Decimal | None = Field(
        description="The estimated need in US dollars; null without an estimate (or its rate)."
    )
    gap_usd: Decimal | None = Field(
        description="Need − total (negative when funding exceeds the need); null without a "
        "need or while a rate is missing."
    )
    missing_rates: list[str] = Field(
        description="Currencies of the year's records or need without an exchange rate that year."
    )
    complete: bool = Field(description="Every amount of the year converted to US dollars.")


class SummaryFilters(Schema):
    country: str = Field("", description=f"{COUNTRY_HELP} Without it, every country.")


def _share(value: Decimal | None) -> float | None:
    return (
        float(value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)) if value is not None else None
    )


def _cents_or_none(value: Decimal | None) -> Decimal | None:
    return funding.cents(value) if value is not None else None


@router.get(
    "/funding/summary",
    response={200: list[FundingYearOut], 404: ErrorOut},
    summary="Funding per country and year in US dollars: domestic share and gap to the need",
)
def funding_summary(request: HttpRequest, filters: Query[SummaryFilters]) -> Status[Any]:
    """One row per country and year with funding records, by country and year. The formulas
    are those of `hrmonitor.policy.funding.yearly_summary`."""
    try:
        found = _country(filters.country)
    except NotFound as error:
        return _error(error)
    records = list(selectors.funding_records(country=found))
    iso2_by_id = {r.country_id: r.country.iso2 for r in records}
    summaries = funding.yearly_summary(
        [selectors.funding_line(r) for r in records],
        selectors.exchange_rates(),
        selectors.funding_needs(countries=[found] if found else None),
    )
    return Status(
        200,
        [
            FundingYearOut(
                country=iso2_by_id[s.country_id],
                year=s.year,
                total_usd=funding.cents(s.total_usd),
                domestic_usd=funding.cents(s.domestic_usd),
                international_usd=funding.cents(s.international_usd),
                domestic_share=_share(s.domestic_share),
                need_usd=_cents_or_none(s.need_usd),
                gap_usd=_cents_or_none(s.gap_usd),
                missing_rates=list(s.missing_rates),
                complete=s.complete,
            )
            for s in summaries
        ],
    )


class ExchangeRateOut(Schema):
    currency: str = Field(description="ISO 4217 code of the currency.")
    year: int
    usd_per_unit: Decimal = Field(description="US dollars per unit (yearly average).")
    source: str = Field(description="Where the rate comes from.")


@router.get(
    "/exchange-rates",
    response=list[ExchangeRateOut],
    summary="Yearly exchange rates to the US dollar used to convert funding",
)
def exchange_rates(request: HttpRequest) -> list[ExchangeRateOut]:
    """US dollars need no rate; a currency without a rate for a year leaves that year's
    amounts unconverted."""
    return [
        ExchangeRateOut(
            currency=rate.currency,
            year=rate.year,
            usd_per_unit=rate.usd_per_unit,
            source=rate.source,
        )
        for rate in selectors.exchange_rate_list()
    ]
