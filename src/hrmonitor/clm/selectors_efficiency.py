"""Reads of the efficiency assessment: the service delivery records a user may see, the
published estimates of people who inject drugs, and the assessment of a year (the pure
`efficiency` module applied to them with the stored exchange rates).

Who sees what: the records of the countries where the user holds `Perm.CLM_REVIEW` (the
Secretariat: every country; a focal point: theirs). The helpers below apply
`access.scope_for`; they belong with the other CLM helpers in `core.access`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from hrmonitor.clm import efficiency as eff
from hrmonitor.clm.models import PwidEstimate, ServiceDelivery, ServiceSite
from hrmonitor.core import access
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.policy import selectors as policy_selectors

if TYPE_CHECKING:
    from hrmonitor.core.access import AnyUser


def delivery_years(user: AnyUser) -> list[int]:
    """The years with records the user sees, latest first."""
    years = (
        access.clm_deliveries_visible_to(user).order_by().values_list("year", flat=True).distinct()
    )
    return sorted(set(years), reverse=True)


def countries_for_entry(user: AnyUser) -> QuerySet[Country]:
    """The countries where `user` may enter records."""
    scope = access.scope_for(user, Perm.CLM_REVIEW)
    return scope.filter(Country.objects.order_by("name"), field="pk")


def sites_for_entry(user: AnyUser) -> QuerySet[ServiceSite]:
    """The sites of those countries (closed ones too: their past years can be recorded)."""
    scope = access.scope_for(user, Perm.CLM_REVIEW)
    return scope.filter(ServiceSite.objects.select_related("country")).order_by(
        "country__name", "name"
    )


def countries_with_records(user: AnyUser) -> QuerySet[Country]:
    """The countries of the records the user sees (choices of the report)."""
    ids = access.clm_deliveries_visible_to(user).order_by().values("country_id")
    return Country.objects.filter(pk__in=ids).order_by("name")


def pwid_estimates(country_ids: Collection[int] | None = None) -> list[PwidEstimate]:
    estimates = PwidEstimate.objects.select_related("country").order_by("country__name", "year")
    if country_ids is not None:
        estimates = estimates.filter(country_id__in=country_ids)
    return list(estimates)


def _delivery_line(record: ServiceDelivery) -> eff.Delivery:
    return eff.Delivery(
        key=record.pk,
        country_id=record.country_id,
        site_id=record.site_id,
        year=record.year,
        clients_reached=record.clients_reached,
        syringes=record.syringes,
        oat_clients=record.oat_clients,
        naloxone_kits=record.naloxone_kits,
        tests=record.tests,
        cost=record.cost,
        currency=record.currency,
    )


@dataclass(frozen=True)
class RecordRow:
    record: ServiceDelivery
    result: eff.RecordResult


@dataclass(frozen=True)
class CountryRow:
    """A country's year: the computed result with the records and the estimate behind it."""

    country: Country
    result: eff.CountryResult
    records: list[RecordRow]
    estimate: PwidEstimate | None


def assessment(
    user: AnyUser, year: int, *, countries: Collection[int] | None = None
) -> list[CountryRow]:
    """The efficiency assessment of `year` for the countries the user sees (of `countries`,
    when given), ordered by country name. Three queries whatever the number of records:
    records, estimates, exchange rates."""
    records_qs = access.clm_deliveries_visible_to(user).filter(year=year)
    if countries is not None:
        records_qs = records_qs.filter(country_id__in=countries)
    return assessment_of(records_qs)


def assessment_of(records_qs: QuerySet[ServiceDelivery]) -> list[CountryRow]:
    """The assessment of the records of `records_qs` (one year's), whoever asks: the
    results-framework sources use it for every country."""
    records = {record.pk: record for record in records_qs.select_related("country", "site")}
    country_ids = {record.country_id for record in records.values()}
    stored = pwid_estimates(country_ids) if country_ids else []
    estimates: dict[int, list[eff.Estimate]] = {}
    by_key: dict[tuple[int, int], PwidEstimate] = {}
    for estimate in stored:
        estimates.setdefault(estimate.country_id, []).append(
            eff.Estimate(estimate.year, estimate.low, estimate.high, estimate.source)
        )
        by_key[(estimate.country_id, estimate.year)] = estimate
    rates = policy_selectors.exchange_rates() if records else {}
    results = eff.assess((_delivery_line(r) for r in records.values()), estimates, rates)
    rows = []
    for result in results:
        first = records[result.records[0].delivery.key]
        used = result.estimate
        rows.append(
            CountryRow(
                country=first.country,
                result=result,
                records=sorted(
                    (RecordRow(records[r.delivery.key], r) for r in result.records),
                    key=lambda row: (row.record.site is not None, str(row.record.site or "")),
                ),
                estimate=by_key.get((result.country_id, used.year)) if used else None,
            )
        )
    return sorted(rows, key=lambda row: row.country.name)
