"""Reads of the framework module."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from hrmonitor.framework.models import Activity, Framework, Indicator, Objective


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
            "indicators", queryset=Indicator.objects.select_related("activity").order_by("order")
        ),
    )


def objective_by_code(code: str) -> Objective | None:
    return objectives_tree().filter(code=code).first()


def indicators_list() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("objective", "activity").order_by(
        "objective__order", "order"
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
