"""Reads of the framework module."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.core.models import Country
from hrmonitor.framework import periods
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import (
    Activity,
    DataValue,
    Framework,
    ImportBatch,
    Indicator,
    Objective,
    Target,
)
from hrmonitor.framework.periods import Period
from hrmonitor.framework.progress import (
    DEFAULT_RULE,
    Direction,
    ProgressError,
    ProgressRule,
    Status,
    percent_of_target,
    progress_status,
)
from hrmonitor.framework.sources import LineageRef, SourceResult


def framework_main() -> Framework | None:
    return Framework.objects.prefetch_related("evaluation_areas").first()


def objectives_list() -> QuerySet[Objective]:
    return Objective.objects.annotate(
        activity_count=Count("activities", distinct=True),
        indicator_count=Count("indicators", distinct=True),
    ).order_by("order")


def objectives_tree() -> QuerySet[Objective]:
    """Objectives with their activities and indicators, in three queries whatever the size."""
    return Objective.objects.order_by("order").prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("order")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("activity")
            .prefetch_related("disaggregations")
            .order_by("order"),
        ),
    )


def objective_by_code(code: str) -> Objective | None:
    return objectives_tree().filter(code=code).first()


def indicators_list() -> QuerySet[Indicator]:
    return (
        Indicator.objects.select_related("objective", "activity")
        .prefetch_related("disaggregations")
        .order_by("objective__order", "order")
    )


def country_indicators_public() -> QuerySet[Indicator]:
    """The public indicators measured per country, in the framework's order."""
    return (
        Indicator.objects.filter(is_public=True)
        .exclude(level=Indicator.Level.REGIONAL)
        .select_related("objective")
        .order_by("objective__order", "order")
    )


def indicators_search(query: str) -> QuerySet[Indicator]:
    """Indicators whose code, name or definition (in any language) contains `query`."""
    indicators = indicators_list()
    query = query.strip()
    if not query:
        return indicators
    return indicators.filter(
        Q(code__icontains=query)
        | Q(name_en__icontains=query)
        | Q(name_ru__icontains=query)
        | Q(definition_en__icontains=query)
        | Q(definition_ru__icontains=query)
    )


def indicator_by_code(code: str) -> Indicator | None:
    return indicators_list().filter(code=code).first()


def activity_by_code(code: str) -> Activity | None:
    return (
        Activity.objects.select_related("objective")
        .prefetch_related("indicators")
        .filter(code=code)
        .first()
    )


# --- Progress --------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    """Where one indicator stands for one country (or the region, country None)."""

    indicator: Indicator
    country: Country | None
    baseline: Target | None
    target: Target | None
    actual: SourceResult
    actual_period: str | None
    percent: Decimal | None
    status: Status
    series: list[tuple[str, Decimal | None]]
    # A problem with the targets themselves, for the Secretariat to fix (translated).
    problem: str = ""

    @property
    def place(self) -> str:
        return self.country.iso2 if self.country else ""


def targets_for(indicators: Sequence[Indicator]) -> dict[tuple[int, int | None], dict[str, Target]]:
    """Per (indicator, country): the earliest baseline and the governing target — the
    life-of-strategy target if there is one, else the latest target. One query."""
    found: dict[tuple[int, int | None], dict[str, Target]] = defaultdict(dict)
    rows = Target.objects.filter(indicator__in=indicators).order_by("period")
    for target in rows:
        slot = found[(target.indicator_id, target.country_id)]
        if target.kind == Target.Kind.BASELINE:
            slot.setdefault("baseline", target)
        elif target.kind == Target.Kind.LIFE_OF_STRATEGY:
            slot["life"] = target
        else:
            slot["target"] = target
    for slot in found.values():
        if "life" in slot:
            slot["target"] = slot.pop("life")
    return found


def reporting_years(today: date | None = None, span: int = 8) -> list[Period]:
    """The years progress is shown for: the last `span` years up to this one."""
    today = today or timezone.localdate()
    return [periods.year(y) for y in range(today.year - span + 1, today.year + 1)]


def progress_rows(
    indicators: Sequence[Indicator],
    places: Sequence[Country | None],
    *,
    computer: Computer,
    years: Sequence[Period],
    today: date | None = None,
) -> list[ProgressRow]:
    """Baseline, target, latest actual, percent of target, status and yearly series for each
    indicator × place. Queries: the computer's store and the targets, whatever the size."""
    today = today or timezone.localdate()
    targets = targets_for(indicators)
    rows = []
    for indicator in indicators:
        direction = Direction(indicator.direction)
        try:
            rule = ProgressRule(
                on_track=indicator.on_track_ratio or DEFAULT_RULE.on_track,
                at_risk=indicator.at_risk_ratio or DEFAULT_RULE.at_risk,
            )
        except ProgressError:
            rule = DEFAULT_RULE
        for place in places:
            series = [(year.key, computer.value(indicator, place, year)) for year in years]
            latest = next(((key, r) for key, r in reversed(series) if r.value is not None), None)
            slot = targets.get((indicator.pk, place.pk if place else None), {})
            baseline, target = slot.get("baseline"), slot.get("target")
            actual = latest[1] if latest else SourceResult(None)
            percent = None
            problem = ""
            try:
                percent = percent_of_target(
                    baseline.value if baseline else None,
                    target.value if target else None,
                    actual.value,
                    direction,
                )
                elapsed = (
                    periods.elapsed_fraction(periods.parse_period(target.period), today)
                    if target
                    else Decimal(1)
                )
                status = progress_status(
                    baseline.value if baseline else None,
                    target.value if target else None,
                    actual.value,
                    direction,
                    elapsed,
                    rule,
                )
            except ProgressError as error:
                status = Status.NO_TARGET
                if error.code == "target_against_direction":
                    problem = _("The target lies on the wrong side of the baseline.")
            except periods.PeriodError:
                status = Status.NO_TARGET
                problem = _("The target's period cannot be read.")
            rows.append(
                ProgressRow(
                    indicator=indicator,
                    country=place,
                    baseline=baseline,
                    target=target,
                    actual=actual,
                    actual_period=latest[0] if latest else None,
                    percent=percent,
                    status=status,
                    series=[(key, r.value) for key, r in series],
                    problem=problem,
                )
            )
    return rows


# --- Data entry ------------------------------------------------------------------------------


def entry_indicators(*, regional: bool) -> QuerySet[Indicator]:
    """The entered indicators of the region's form (regional) or of a country's form."""
    level = Q(level=Indicator.Level.REGIONAL) if regional else ~Q(level=Indicator.Level.REGIONAL)
    return (
        Indicator.objects.filter(level, source_kind=Indicator.SourceKind.ENTERED)
        .select_related("objective")
        .prefetch_related("disaggregations__options", "rules")
        .order_by("objective__order", "order")
    )


def entry_values(
    values: QuerySet[DataValue], *, country: Country | None, period: str
) -> dict[tuple[int, str], DataValue]:
    """The values of one form (country × period), by (indicator, disaggregation key), with
    their evidence — two queries."""
    rows = values.filter(country=country, period=period).prefetch_related("evidence")
    return {(v.indicator_id, v.disaggregation): v for v in rows}


def review_queue(values: QuerySet[DataValue]) -> QuerySet[DataValue]:
    return (
        values.filter(status=DataValue.Status.SUBMITTED)
        .select_related("indicator", "country", "submitted_by", "entered_by")
        .prefetch_related("evidence")
        .order_by(
            "country__name",
            "period",
            "indicator__objective__order",
            "indicator__order",
            "disaggregation",
        )
    )


def lineage_records(user: object, refs: Sequence[LineageRef]) -> list[DataValue]:
    """The records of a lineage the user may see (others are counted but not shown)."""
    from hrmonitor.core.access import data_values_visible_to

    keys = [ref.pk for ref in refs if ref.label == DataValue._meta.label]
    return list(
        data_values_visible_to(user)  # type: ignore[arg-type]
        .filter(pk__in=keys)
        .select_related("approved_by", "entered_by")
        .prefetch_related("evidence")
        .order_by("country__name", "period", "disaggregation")
    )


def targets_list(indicator_code: str = "") -> QuerySet[Target]:
    rows = Target.objects.select_related("indicator", "country").order_by(
        "indicator__objective__order", "indicator__order", "country__name", "period", "kind"
    )
    return rows.filter(indicator__code=indicator_code) if indicator_code else rows


def import_batches_of(user: object) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(uploaded_by=user).select_related("job")[:20]  # type: ignore[misc]


# --- IPTT: indicator × period, target vs actual ------------------------------------------------


@dataclass
class IpttCell:
    period: str
    actual: Decimal | None
    target: Decimal | None


@dataclass
class IpttRow:
    indicator: Indicator
    label: str  # empty for the total; the option for a disaggregated part
    key: str
    cells: list[IpttCell]

    @property
    def is_part(self) -> bool:
        return bool(self.key)


def iptt_parts(
    indicators: Sequence[Indicator], place: Country | None, keys: Sequence[str]
) -> dict[tuple[int, str, str], Decimal]:
    """Approved values of each single-category part (`gender=women`), summed over the
    countries for the region: one grouped query."""
    rows = (
        DataValue.objects.filter(
            indicator__in=indicators, status=DataValue.Status.APPROVED, period__in=list(keys)
        )
        .exclude(disaggregation="")
        .exclude(disaggregation__contains=";")
    )
    if place is not None:
        rows = rows.filter(country=place)
    grouped = rows.values("indicator_id", "disaggregation", "period").annotate(total=Sum("value"))
    return {(r["indicator_id"], r["disaggregation"], r["period"]): r["total"] for r in grouped}


def iptt_rows(
    indicators: Sequence[Indicator],
    place: Country | None,
    years: Sequence[Period],
    *,
    computer: Computer,
    with_parts: bool = False,
) -> list[IpttRow]:
    """Target and actual per indicator and year for one place; with `with_parts`, one row per
    disaggregation option under each disaggregated indicator (the page loads those when asked,
    exports always). Queries: the computer's store, the targets, and the parts — a fixed
    number, whatever the size."""
    keys = [year.key for year in years]
    targets: dict[tuple[int, str], Decimal] = {
        (t.indicator_id, t.period): t.value
        for t in Target.objects.filter(
            indicator__in=indicators, country=place, kind=Target.Kind.TARGET, period__in=keys
        )
    }
    parts = iptt_parts(indicators, place, keys) if with_parts else {}
    rows = []
    for indicator in indicators:
        rows.append(
            IpttRow(
                indicator=indicator,
                label="",
                key="",
                cells=[
                    IpttCell(
                        year.key,
                        computer.value(indicator, place, year).value,
                        targets.get((indicator.pk, year.key)),
                    )
                    for year in years
                ],
            )
        )
        if with_parts:
            rows += part_rows(indicator, place, years, parts)
    return rows


def part_rows(
    indicator: Indicator,
    place: Country | None,
    years: Sequence[Period],
    parts: dict[tuple[int, str, str], Decimal],
) -> list[IpttRow]:
    if place is None and indicator.space_aggregation != "sum":
        return []  # parts of a count or a mean do not add up across countries
    rows = []
    for category in indicator.disaggregations.all():
        for option in category.options.all():
            key = f"{category.code}={option.code}"
            rows.append(
                IpttRow(
                    indicator=indicator,
                    label=f"{category.name}: {option.name}",
                    key=key,
                    cells=[
                        IpttCell(year.key, parts.get((indicator.pk, key, year.key)), None)
                        for year in years
                    ],
                )
            )
    return rows


def target_by_pk(indicator: Indicator, pk: str) -> Target | None:
    """A target of `indicator` by its key as posted by a form (None for none or a bad key)."""
    if not pk.isdigit():
        return None
    return Target.objects.filter(indicator=indicator, pk=int(pk)).first()
