"""Reads of the policy and funding trackers for the HTTP API: filtered listings with their
related rows joined, and the funding tables as the plain values of `policy.funding`. Each
function is one query."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from hrmonitor.core.models import Country
from hrmonitor.policy import funding
from hrmonitor.policy.models import (
    ExchangeRate,
    FundingNeed,
    FundingRecord,
    PolicyArea,
    PolicyStatus,
)
from hrmonitor.policy.selectors import covering


def status_records(
    *,
    country: Country | None = None,
    area: PolicyArea | None = None,
    as_of: dt.date | None = None,
) -> QuerySet[PolicyStatus]:
    """Every recorded period (or with `as_of`, the one covering that date) per country and
    area, in an order that does not depend on the language, so pages of it never overlap."""
    rows = PolicyStatus.objects.select_related("country", "area")
    if country is not None:
        rows = rows.filter(country=country)
    if area is not None:
        rows = rows.filter(area=area)
    if as_of is not None:
        rows = rows.filter(covering(as_of))
    return rows.order_by("country__iso2", "area__order", "area__code", "valid_from", "pk")


def funding_records(
    *,
    country: Country | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source_category: str = "",
) -> QuerySet[FundingRecord]:
    rows = FundingRecord.objects.select_related("country")
    if country is not None:
        rows = rows.filter(country=country)
    if year_from is not None:
        rows = rows.filter(year__gte=year_from)
    if year_to is not None:
        rows = rows.filter(year__lte=year_to)
    if source_category:
        rows = rows.filter(source_category=source_category)
    return rows.order_by("country__iso2", "year", "source_category", "funder", "pk")


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("currency", "year")


def rates_table() -> dict[tuple[str, int], Decimal]:
    """Every exchange rate, as `funding.Rates`: (currency, year) -> US dollars per unit."""
    return {
        (currency, year): usd_per_unit
        for currency, year, usd_per_unit in ExchangeRate.objects.values_list(
            "currency", "year", "usd_per_unit"
        )
    }


def funding_lines(
    *, country: Country | None = None
) -> tuple[list[funding.FundingLine], dict[int, str]]:
    """The funding records as `funding.FundingLine`s, and the ISO code of each country id."""
    rows = FundingRecord.objects.all()
    if country is not None:
        rows = rows.filter(country=country)
    lines = []
    iso2_by_id: dict[int, str] = {}
    for country_id, iso2, year, category, amount, currency in rows.values_list(
        "country_id", "country__iso2", "year", "source_category", "amount", "currency"
    ):
        iso2_by_id[country_id] = iso2
        lines.append(funding.FundingLine(country_id, year, category, amount, currency))
    return lines, iso2_by_id


def funding_needs(*, country: Country | None = None) -> dict[tuple[int, int], funding.Need]:
    """The estimated needs, as `funding.Needs`: (country id, year) -> need."""
    rows = FundingNeed.objects.all()
    if country is not None:
        rows = rows.filter(country=country)
    return {
        (country_id, year): funding.Need(amount, currency)
        for country_id, year, amount, currency in rows.values_list(
            "country_id", "year", "amount", "currency"
        )
    }
