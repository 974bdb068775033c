"""Reads of the policy tracker. Every function answers with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hrmonitor.core.models import Country, SubRegion
from hrmonitor.policy.models import CountryFact, PolicyArea, PolicyStatus


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


def changes_between(
    date_from: dt.date,
    date_to: dt.date,
    *,
    areas: list[PolicyArea] | None = None,
    country: Country | None = None,
) -> ChangeReport:
    """The statuses that took effect after `date_from` and up to `date_to` (inclusive), each
    with the status it replaced, and the number of changes per sub-region; optionally of some
    areas or one country only. Three queries."""
    found = _statuses().filter(valid_from__gt=date_from, valid_from__lte=date_to)
    if areas is not None:
        found = found.filter(area__in=areas)
    if country is not None:
        found = found.filter(country=country)
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
