"""Reads of the policy tracker. Every function answers with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from hrmonitor.core.models import Country, SubRegion
from hrmonitor.policy import funding
from hrmonitor.policy.models import (
    CountryFact,
    ExchangeRate,
    FundingNeed,
    FundingRecord,
    FundingSource,
    PolicyArea,
    PolicyStatus,
    TransitionMilestone,
)


def areas() -> QuerySet[PolicyArea]:
    return PolicyArea.objects.order_by("order", "code")


def area_by_code(code: str) -> PolicyArea | None:
    return PolicyArea.objects.filter(code=code).first()


def countries() -> QuerySet[Country]:
    return Country.objects.select_related("sub_region").order_by("sub_region__order", "name")


def _statuses() -> QuerySet[PolicyStatus]:
    return PolicyStatus.objects.select_related(
        "country", "country__sub_region", "area", "verified_by", "entered_by"
    )


def status_by_pk(pk: int) -> PolicyStatus | None:
    """Statuses are public records: anyone may read one (writes check permissions)."""
    return _statuses().filter(pk=pk).first()


def covering(date: dt.date) -> Q:
    """The records whose period contains `date`."""
    return Q(valid_from__lte=date) & (Q(valid_to__isnull=True) | Q(valid_to__gte=date))


def statuses_by_pks(pks: list[int]) -> list[PolicyStatus]:
    return list(_statuses().filter(pk__in=pks).order_by("country__name", "area__order"))


def funding_records_by_pks(pks: list[int]) -> list[FundingRecord]:
    return list(
        FundingRecord.objects.select_related("country")
        .filter(pk__in=pks)
        .order_by("country__name", "year")
    )


def status_on(country: Country, area: PolicyArea, date: dt.date) -> PolicyStatus | None:
    """The country's status in the area on `date`, or None when nothing is known."""
    return _statuses().filter(covering(date), country=country, area=area).first()


def statuses_on(area: PolicyArea, date: dt.date) -> QuerySet[PolicyStatus]:
    """Every country's status in one area on `date` (countries without one are absent)."""
    return _statuses().filter(covering(date), area=area)


def statuses_history(areas: list[PolicyArea]) -> list[PolicyStatus]:
    """Every status record of `areas`, all countries and dates, oldest first. One query."""
    return list(
        _statuses().filter(area__in=areas).order_by("valid_from", "country__name", "area__order")
    )


@dataclass(frozen=True)
class GridRow:
    country: Country
    cells: list[PolicyStatus | None]  # one per area, in the order of `StatusGrid.areas`


@dataclass(frozen=True)
class StatusGrid:
    date: dt.date
    areas: list[PolicyArea]
    rows: list[GridRow]


def status_grid(date: dt.date, *, country_list: list[Country] | None = None) -> StatusGrid:
    """Every country × area on `date`: the status record or None. Three queries."""
    area_list = list(areas())
    country_list = country_list if country_list is not None else list(countries())
    found: dict[tuple[int, int], PolicyStatus] = {}
    records = _statuses().filter(covering(date), country__in=[c.pk for c in country_list])
    for record in records:
        found[(record.country_id, record.area_id)] = record
    rows = [
        GridRow(country, [found.get((country.pk, area.pk)) for area in area_list])
        for country in country_list
    ]
    return StatusGrid(date=date, areas=area_list, rows=rows)


@dataclass(frozen=True)
class AreaTimeline:
    area: PolicyArea
    current: PolicyStatus | None
    records: list[PolicyStatus]  # newest first


def country_timeline(country: Country, *, today: dt.date | None = None) -> list[AreaTimeline]:
    """Per area: the status today and every recorded period, newest first. Two queries."""
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, not a moment
    by_area: dict[int, list[PolicyStatus]] = {}
    for record in _statuses().filter(country=country).order_by("-valid_from"):
        by_area.setdefault(record.area_id, []).append(record)
    timelines = []
    for area in areas():
        records = by_area.get(area.pk, [])
        current = next(
            (
                r
                for r in records
                if r.valid_from <= today and (r.valid_to is None or r.valid_to >= today)
            ),
            None,
        )
        timelines.append(AreaTimeline(area, current, records))
    return timelines


def country_facts(country: Country) -> QuerySet[CountryFact]:
    return CountryFact.objects.filter(country=country).order_by("-year", "key")


@dataclass(frozen=True)
class Change:
    record: PolicyStatus
    previous: PolicyStatus | None


@dataclass(frozen=True)
class ChangeReport:
    date_from: dt.date
    date_to: dt.date
    changes: list[Change]
    by_sub_region: list[tuple[SubRegion, int]]


def changes_between(date_from: dt.date, date_to: dt.date) -> ChangeReport:
    """The statuses that took effect after `date_from` and up to `date_to` (inclusive), each
    with the status it replaced, and the number of changes per sub-region. Three queries."""
    found = _statuses().filter(valid_from__gt=date_from, valid_from__lte=date_to)
    changes = list(
        found.order_by("country__sub_region__order", "country__name", "area__order", "valid_from")
    )
    previous: dict[tuple[int, int, dt.date], PolicyStatus] = {}
    if changes:
        ends = {c.valid_from - dt.timedelta(days=1) for c in changes}
        for record in _statuses().filter(
            valid_to__in=ends, country__in={c.country_id for c in changes}
        ):
            assert record.valid_to is not None  # noqa: S101 - filtered on valid_to
            previous[(record.country_id, record.area_id, record.valid_to)] = record
    rows = [
        Change(
            c,
            previous.get((c.country_id, c.area_id, c.valid_from - dt.timedelta(days=1))),
        )
        for c in changes
    ]
    counts = Counter(c.country.sub_region_id for c in changes)
    by_sub_region = [(s, counts.get(s.pk, 0)) for s in SubRegion.objects.order_by("order")]
    return ChangeReport(date_from, date_to, rows, by_sub_region)


# --- Funding ---------------------------------------------------------------------------------


def exchange_rates() -> dict[tuple[str, int], Decimal]:
    """Every exchange rate, as `funding.Rates`: (currency, year) -> US dollars per unit."""
    return {(r.currency, r.year): r.usd_per_unit for r in ExchangeRate.objects.all()}


def exchange_rate_list() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.order_by("currency", "year")


def funding_needs(*, countries: list[Country] | None = None) -> dict[tuple[int, int], funding.Need]:
    """The estimated needs, as `funding.Needs`: (country id, year) -> need. One query."""
    found = FundingNeed.objects.all()
    if countries is not None:
        found = found.filter(country__in=countries)
    return {(n.country_id, n.year): funding.Need(n.amount, n.currency) for n in found}


def funding_line(record: FundingRecord) -> funding.FundingLine:
    return funding.FundingLine(
        record.country_id, record.year, record.source_category, record.amount, record.currency
    )


def funding_records(
    *,
    country: Country | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    source_category: str = "",
) -> QuerySet[FundingRecord]:
    """Funding records with their country, in an order that does not depend on the language
    (pages of it never overlap)."""
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


@dataclass(frozen=True)
class CountryFunding:
    """A country's funding by year: the records, the yearly totals (domestic share, gap to
    need) and the amounts by source of funds, in US dollars, for the stacked chart."""

    records: list[FundingRecord]
    years: list[funding.YearSummary]
    by_source: dict[str, list[Decimal | None]]  # source category -> one amount per year
    milestones: list[TransitionMilestone]
    needs: list[FundingNeed]

    @property
    def year_numbers(self) -> list[int]:
        return [y.year for y in self.years]


def country_funding(country: Country) -> CountryFunding:
    """Everything the country profile shows about funding. Four queries."""
    records = list(
        FundingRecord.objects.filter(country=country).order_by("year", "source_category", "funder")
    )
    rates = exchange_rates()
    needs = funding_needs(countries=[country])
    years = funding.yearly_summary([funding_line(r) for r in records], rates, needs)
    index = {summary.year: i for i, summary in enumerate(years)}
    by_source: dict[str, list[Decimal | None]] = {}
    for record in records:
        amounts = by_source.setdefault(record.source_category, [None] * len(years))
        usd = funding.to_usd(record.amount, record.currency, record.year, rates)
        if usd is not None:
            slot = index[record.year]
            amounts[slot] = (amounts[slot] or Decimal(0)) + usd
    ordered = {s.value: by_source[s.value] for s in FundingSource if s.value in by_source}
    return CountryFunding(
        records=records,
        years=years,
        by_source=ordered,
        milestones=list(TransitionMilestone.objects.filter(country=country).order_by("year")),
        needs=list(FundingNeed.objects.filter(country=country).order_by("year")),
    )


@dataclass(frozen=True)
class FundingComparisonRow:
    country: Country
    summary: funding.YearSummary | None


def funding_comparison(year: int) -> list[FundingComparisonRow]:
    """Every country's funding in `year` (None where nothing is recorded). Four queries."""
    country_list = list(countries())
    rates = exchange_rates()
    lines = [funding_line(r) for r in FundingRecord.objects.filter(year=year)]
    summaries = {s.country_id: s for s in funding.yearly_summary(lines, rates, funding_needs())}
    return [FundingComparisonRow(c, summaries.get(c.pk)) for c in country_list]


def funding_records_all() -> list[FundingRecord]:
    """Every funding record, for the download. One query."""
    return list(
        FundingRecord.objects.select_related("country").order_by(
            "country__name", "year", "source_category", "funder"
        )
    )


def funding_years() -> list[int]:
    """The years with funding records, newest first."""
    return list(FundingRecord.objects.order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class LaneSegment:
    record: PolicyStatus
    left: float  # percent of the lane
    width: float


@dataclass(frozen=True)
class StatusLane:
    area: PolicyArea
    segments: list[LaneSegment]


def status_lanes(timelines: list[AreaTimeline], start: dt.date, end: dt.date) -> list[StatusLane]:
    """The timelines as horizontal lanes from `start` to `end`: each recorded period as a
    segment placed in percent of the lane (no query; areas without records are left out)."""
    span = max((end - start).days, 1)
    lanes = []
    for timeline in timelines:
        segments = []
        for record in sorted(timeline.records, key=lambda r: r.valid_from):
            first = max(record.valid_from, start)
            last = min(record.valid_to or end, end)
            if last < first:
                continue
            left = (first - start).days / span * 100
            width = ((last - first).days + 1) / span * 100
            segments.append(LaneSegment(record, round(left, 2), round(min(width, 100 - left), 2)))
        if segments:
            lanes.append(StatusLane(timeline.area, segments))
    return lanes
