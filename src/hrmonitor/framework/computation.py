"""The value of any indicator, for a country or the region, for any period — with lineage.

An entered indicator's value is its approved total; the region's value aggregates the
countries' (sum, mean, count or share of countries meeting a condition); a period without its
own value aggregates its sub-periods (a year from its quarters or months). A formula indicator
evaluates its formula over the values of the indicators it names; a function indicator asks
the module that registered the function. Every result lists the records it came from.

Values are read once per request into a `ValueStore` (one query, whatever the number of
indicators, countries and periods asked for), so pages and exports keep a fixed query count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core.models import Country
from hrmonitor.framework import sources
from hrmonitor.framework.aggregation import (
    AggregationError,
    Condition,
    SpaceAggregation,
    TimeAggregation,
    aggregate_space_explained,
    aggregate_time_explained,
)
from hrmonitor.framework.formula import FormulaError, parse_formula
from hrmonitor.framework.models import DataValue, Indicator
from hrmonitor.framework.periods import Period, PeriodType, children
from hrmonitor.framework.sources import LineageRef, SourceRequest, SourceResult

_DATA_VALUE = DataValue._meta.label
NO_VALUE = gettext_lazy("No approved value.")
CYCLE = SourceResult(None, note=gettext_lazy("This formula refers to itself."))
_NOTHING = SourceResult(None, note=NO_VALUE)


@dataclass
class ValueStore:
    """Approved (or, for reviewers, chosen) totals of entered indicators, in memory:
    `(indicator_id, country_id | None, period key) -> (value, data value pk)`."""

    values: dict[tuple[int, int | None, str], tuple[Decimal | None, int]] = field(
        default_factory=dict
    )
    # The (indicator, country) cells that have values for periods shorter than a year: only
    # those need a year aggregated from quarters or months.
    has_sub_periods: set[tuple[int, int | None]] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        indicators: Iterable[Indicator],
        *,
        statuses: Sequence[str] = (DataValue.Status.APPROVED,),
        countries: Iterable[int] | None = None,
        periods: Sequence[str] | None = None,
    ) -> ValueStore:
        """Load the totals of `indicators`; with `periods` (year keys), only those years and
        the quarters and months within them."""
        store = cls()
        rows = DataValue.objects.filter(
            indicator__in=[i.pk for i in indicators], disaggregation="", status__in=statuses
        )
        if countries is not None:
            rows = rows.filter(country_id__in=list(countries))
        if periods:
            # Every period key of year Y sorts between "Y" and "Y+1" ("2019", "2019-07",
            # "2019Q3", "2019-01-01..2019-06-30"): one index-friendly range covers the years
            # asked for and everything within them.
            years = sorted(int(p[:4]) for p in periods)
            rows = rows.filter(period__gte=str(years[0]), period__lt=str(years[-1] + 1))
        for indicator_id, country_id, period, value, pk in rows.values_list(
            "indicator_id", "country_id", "period", "value", "pk"
        ):
            store.values[(indicator_id, country_id, period)] = (value, pk)
            if not period.isdigit():
                store.has_sub_periods.add((indicator_id, country_id))
        return store

    def get(
        self, indicator_id: int, country_id: int | None, period: str
    ) -> tuple[Decimal | None, int] | None:
        return self.values.get((indicator_id, country_id, period))


@dataclass
class Computer:
    """Computes indicator values from a store; reuse one per request."""

    store: ValueStore
    countries: Sequence[Country]
    indicators_by_code: dict[str, Indicator]
    _cache: dict[tuple[int, int | None, str], SourceResult] = field(default_factory=dict)
    # Shared by every source call of this computer, so that a source loads its records once
    # and answers many countries and periods from memory (see `SourceRequest.memo`).
    _memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_indicators(
        cls,
        indicators: Iterable[Indicator],
        *,
        countries: Sequence[Country],
        statuses: Sequence[str] = (DataValue.Status.APPROVED,),
        periods: Sequence[str] | None = None,
    ) -> Computer:
        """A computer for `indicators` and every indicator their formulas name; with
        `periods`, it only knows those years (see `ValueStore.load`)."""
        wanted = {i.code: i for i in indicators}
        pending = [i for i in wanted.values() if i.source_kind == Indicator.SourceKind.FORMULA]
        while pending:
            indicator = pending.pop()
            try:
                references = parse_formula(indicator.formula).references
            except FormulaError:
                continue
            missing = references - wanted.keys()
            for extra in Indicator.objects.filter(code__in=missing):
                wanted[extra.code] = extra
                if extra.source_kind == Indicator.SourceKind.FORMULA:
                    pending.append(extra)
        store = ValueStore.load(wanted.values(), statuses=statuses, periods=periods)
        return cls(store=store, countries=countries, indicators_by_code=wanted)

    def value(self, indicator: Indicator, country: Country | None, period: Period) -> SourceResult:
        key = (indicator.pk, country.pk if country else None, period.key)
        if key not in self._cache:
            self._cache[key] = CYCLE  # a formula that refers back to itself gets no value
            self._cache[key] = self._compute(indicator, country, period)
        return self._cache[key]

    def _compute(
        self, indicator: Indicator, country: Country | None, period: Period
    ) -> SourceResult:
        if indicator.source_kind == Indicator.SourceKind.FORMULA:
            return self._formula(indicator, country, period)
        if indicator.source_kind == Indicator.SourceKind.FUNCTION:
            source = sources.get(indicator.source_function)
            if source is None:
                return SourceResult(
                    None,
                    note=_("The source “%(key)s” is not available.")
                    % {"key": indicator.source_function},
                )
            return source.function(
                SourceRequest(
                    indicator, country, period, dict(indicator.source_params), memo=self._memo
                )
            )
        if country is None and indicator.level != Indicator.Level.REGIONAL:
            return self._region(indicator, period)
        return self._entered(indicator, country, period)

    def _entered(
        self, indicator: Indicator, country: Country | None, period: Period
    ) -> SourceResult:
        country_id = country.pk if country else None
        found = self.store.get(indicator.pk, country_id, period.key)
        if found is not None:
            return SourceResult(found[0], (LineageRef(_DATA_VALUE, found[1]),))
        if (indicator.pk, country_id) not in self.store.has_sub_periods:
            return SourceResult(None, note=NO_VALUE)
        # No value of its own: aggregate the sub-periods that have one.
        for kind in (PeriodType.QUARTER, PeriodType.MONTH):
            if not _finer(kind, period.type):
                continue
            points = []
            refs = []
            for child in _children(period, kind):
                hit = self.store.get(indicator.pk, country_id, child.key)
                if hit is not None:
                    points.append((child, hit[0]))
                    refs.append(hit[1])
            if points:
                value, used = aggregate_time_explained(
                    points, TimeAggregation(indicator.time_aggregation)
                )
                return SourceResult(value, tuple(LineageRef(_DATA_VALUE, refs[i]) for i in used))
        return SourceResult(None, note=NO_VALUE)

    def _region(self, indicator: Indicator, period: Period) -> SourceResult:
        how = SpaceAggregation(indicator.space_aggregation)
        if how == SpaceAggregation.NONE:
            return SourceResult(None, note=_("This indicator has no regional value."))
        if indicator.source_kind == Indicator.SourceKind.ENTERED and not any(
            (indicator.pk, country.pk) in self.store.has_sub_periods for country in self.countries
        ):
            # The common case, read straight from the store: every country's own value.
            hits = [
                self.store.get(indicator.pk, country.pk, period.key) for country in self.countries
            ]
            results = [
                SourceResult(hit[0], (LineageRef(_DATA_VALUE, hit[1]),)) if hit else _NOTHING
                for hit in hits
            ]
        else:
            results = [self.value(indicator, country, period) for country in self.countries]
        condition = (
            Condition(indicator.condition_operator, indicator.condition_value)
            if indicator.condition_operator and indicator.condition_value is not None
            else None
        )
        try:
            value, used = aggregate_space_explained([r.value for r in results], how, condition)
        except AggregationError:
            return SourceResult(
                None, note=_("The regional aggregation of this indicator needs a condition.")
            )
        lineage = tuple(ref for i in used for ref in results[i].lineage)
        return SourceResult(
            value, lineage, note="" if value is not None else _("No approved value.")
        )

    def _formula(
        self, indicator: Indicator, country: Country | None, period: Period
    ) -> SourceResult:
        try:
            formula = parse_formula(indicator.formula)
        except FormulaError:
            return SourceResult(
                None, note=_("The formula of %(code)s cannot be read.") % {"code": indicator.code}
            )
        inputs: dict[str, Decimal | None] = {}
        lineage: list[LineageRef] = []
        for code in sorted(formula.references):
            other = self.indicators_by_code.get(code)
            if other is None:
                return SourceResult(
                    None,
                    note=_("The formula names an unknown indicator %(code)s.") % {"code": code},
                )
            result = self.value(other, country, period)
            inputs[code] = result.value
            lineage.extend(result.lineage)
        value = formula.evaluate(inputs)
        note = "" if value is not None else _("An input of the formula has no value.")
        return SourceResult(value, tuple(dict.fromkeys(lineage)), note=note)


_ORDER = [PeriodType.YEAR, PeriodType.QUARTER, PeriodType.MONTH]


@lru_cache(maxsize=4096)
def _children(period: Period, kind: PeriodType) -> list[Period]:
    return children(period, kind)


def _finer(kind: PeriodType, than: PeriodType) -> bool:
    if than not in _ORDER:
        return False
    return _ORDER.index(kind) > _ORDER.index(than)
