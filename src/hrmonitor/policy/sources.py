"""The policy and funding trackers as sources of results-framework indicators.

- `policy.countries_with_status` counts the countries whose status, on the last day of the
  requested period, is one of the wanted statuses. Parameters (`source_params`): `area` — a
  policy area's code, or `areas` — several codes, a country counting when any of them has a
  wanted status; `statuses` — the status codes to count (by default, those of each area's
  scale that count as "in place").
- `policy.status_changes` counts the changes of status that took effect within the period
  (after its first day's status, up to its last day). Parameters: `area` or `areas`;
  `direction` — `improved` (a better step of the scale), `worsened`, or `any` (default).
- `policy.domestic_share` is the share of harm-reduction funding (in US dollars) that comes
  from domestic sources in the years of the period, in percent; for the region, pooled over
  the countries with funding records. Only years whose amounts all convert to US dollars
  count.
Each value carries the status or funding records it was computed from as lineage.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.framework import sources
from hrmonitor.framework.sources import LineageItem, LineageRef, SourceRequest, SourceResult
from hrmonitor.policy import funding, selectors
from hrmonitor.policy.models import FundingRecord, PolicyArea, PolicyStatus


def _areas(request: SourceRequest) -> list[PolicyArea]:
    """The areas the indicator names; all areas are loaded once per computation."""
    if "policy.areas" not in request.memo:
        request.memo["policy.areas"] = {a.code: a for a in selectors.areas()}
    known: dict[str, PolicyArea] = request.memo["policy.areas"]
    codes = request.params.get("areas") or [request.params.get("area", "")]
    return [known[str(code)] for code in codes if str(code) in known]


def _records(request: SourceRequest, areas: list[PolicyArea]) -> list[PolicyStatus]:
    """Every status record of `areas` (all countries, all dates), loaded once per
    computation and set of areas, oldest first."""
    key = "policy.statuses:" + ",".join(sorted(a.code for a in areas))
    if key not in request.memo:
        request.memo[key] = selectors.statuses_history(areas)
    found: list[PolicyStatus] = request.memo[key]
    return found


def _covers(record: PolicyStatus, date: dt.date) -> bool:
    return record.valid_from <= date and (record.valid_to is None or record.valid_to >= date)


@sources.register(
    "policy.countries_with_status", label=gettext_lazy("Countries with a policy status")
)
def countries_with_status(request: SourceRequest) -> SourceResult:
    """For a country: 1 when its status on the period's last day is wanted in one of the
    areas, 0 when it is known and not wanted, no value when no record covers that day. For
    the region: the number of countries with a wanted status, with the matching records."""
    areas = _areas(request)
    if not areas:
        return SourceResult(None, note=_("The indicator names no known policy area."))
    explicit = request.params.get("statuses")
    wanted = {a.pk: set(explicit or a.yes_codes()) for a in areas}
    date = request.period.end
    records = [
        r
        for r in _records(request, areas)
        if _covers(r, date) and (request.country is None or r.country_id == request.country.pk)
    ]
    if not records:
        return SourceResult(None, note=_("No policy status is recorded for this date."))
    matching: dict[int, list[PolicyStatus]] = {}
    for record in records:
        if record.status in wanted[record.area_id]:
            matching.setdefault(record.country_id, []).append(record)
    lineage = tuple(LineageRef.of(r) for found in matching.values() for r in found)
    return SourceResult(Decimal(len(matching)), lineage)


def _rank(record: PolicyStatus) -> int:
    codes = record.area.status_codes()
    return codes.index(record.status) if record.status in codes else -1


@sources.register("policy.status_changes", label=gettext_lazy("Changes of policy status"))
def status_changes(request: SourceRequest) -> SourceResult:
    """The number of status changes in the period's days (for a country or the region),
    optionally only improvements or only setbacks on the area's scale."""
    areas = _areas(request)
    if not areas:
        return SourceResult(None, note=_("The indicator names no known policy area."))
    direction = str(request.params.get("direction", "any"))
    start, end = request.period.start, request.period.end
    previous: dict[tuple[int, int], PolicyStatus] = {}
    counted = []
    for record in _records(request, areas):  # oldest first
        place = (record.country_id, record.area_id)
        before, previous[place] = previous.get(place), record
        if not start <= record.valid_from <= end:
            continue
        if request.country is not None and record.country_id != request.country.pk:
            continue
        # A first record states a status, and a new record of the same status (another
        # source) changes nothing: neither is a change.
        if before is None or before.status == record.status:
            continue
        step = _rank(record) - _rank(before)
        if (direction == "improved" and step <= 0) or (direction == "worsened" and step >= 0):
            continue
        counted.append(record)
    return SourceResult(Decimal(len(counted)), tuple(LineageRef.of(r) for r in counted))


def _funding(request: SourceRequest) -> tuple[list[FundingRecord], dict[tuple[str, int], Decimal]]:
    """Every funding record and exchange rate, loaded once per computation."""
    if "policy.funding" not in request.memo:
        request.memo["policy.funding"] = (
            list(FundingRecord.objects.order_by("year", "pk")),
            selectors.exchange_rates(),
        )
    found: tuple[list[FundingRecord], dict[tuple[str, int], Decimal]] = request.memo[
        "policy.funding"
    ]
    return found


@sources.register("policy.domestic_share", label=gettext_lazy("Domestic share of funding"))
def domestic_share(request: SourceRequest) -> SourceResult:
    """Domestic funding as a percentage of all harm-reduction funding recorded for the
    years of the period (one country, or pooled over the region)."""
    records, rates = _funding(request)
    years = range(request.period.start.year, request.period.end.year + 1)
    chosen = [
        r
        for r in records
        if r.year in years and (request.country is None or r.country_id == request.country.pk)
    ]
    if not chosen:
        return SourceResult(None, note=_("No funding is recorded for this period."))
    lines = [selectors.funding_line(r) for r in chosen]
    summaries = funding.yearly_summary(lines, rates, {})
    missing = sorted({code for s in summaries for code in s.missing_rates})
    if missing:
        return SourceResult(
            None,
            note=_("An exchange rate to US dollars is missing for: %(codes)s.")
            % {"codes": ", ".join(missing)},
        )
    total = sum((s.total_usd for s in summaries), Decimal(0))
    domestic = sum((s.domestic_usd for s in summaries), Decimal(0))
    share = funding.domestic_share(domestic, total)
    if share is None:
        return SourceResult(None, note=_("No funding is recorded for this period."))
    return SourceResult(
        (share * 100).quantize(Decimal("0.1")), tuple(LineageRef.of(r) for r in chosen)
    )


@sources.register_lineage("policy.PolicyStatus")
def describe_statuses(user: Any, pks: list[int]) -> list[LineageItem]:
    """Status records are public: each with its period, legal reference and source."""
    items = []
    for record in selectors.statuses_by_pks(pks):
        period = f"{record.valid_from.isoformat()} – " + (
            record.valid_to.isoformat() if record.valid_to else _("now")
        )
        detail = " · ".join(p for p in (period, record.legal_reference, record.source) if p)
        items.append(
            LineageItem(
                kind=_("Policy status"),
                title=f"{record.country.name} — {record.area.name}: {record.status_label}",
                detail=detail,
                url=reverse("policy:country", args=[record.country.iso2]),
            )
        )
    return items


@sources.register_lineage("policy.FundingRecord")
def describe_funding(user: Any, pks: list[int]) -> list[LineageItem]:
    """Funding records are public: each with its amount and source."""
    return [
        LineageItem(
            kind=_("Funding record"),
            title=f"{r.country.name} {r.year} — {r.get_source_category_display()}",
            detail=" · ".join(
                p for p in (f"{r.amount:,.2f} {r.currency}", r.funder, r.source) if p
            ),
            url=reverse("portal:country", args=[r.country.iso2]) + "#funding",
        )
        for r in selectors.funding_records_by_pks(pks)
    ]
