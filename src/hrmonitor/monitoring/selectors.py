"""Reads of project and process monitoring. Every function answers with a fixed number of
queries whatever the number of events."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from hrmonitor.core import access
from hrmonitor.core.models import Country
from hrmonitor.framework.models import Objective
from hrmonitor.monitoring import participants as pure
from hrmonitor.monitoring.models import (
    Event,
    EventDocument,
    FeedbackResponse,
    Participant,
    ParticipantCount,
    Reflection,
    WorkplanItem,
)


def workplan_items() -> QuerySet[WorkplanItem]:
    return WorkplanItem.objects.select_related(
        "activity", "activity__objective", "responsible"
    ).prefetch_related("countries")


def workplan_filtered(
    *,
    status: str = "",
    country: Country | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    objective_code: str = "",
) -> QuerySet[WorkplanItem]:
    """Planned activities by status, country (regional ones included), the period they
    overlap and objective."""
    items = workplan_items()
    if status:
        items = items.filter(status=status)
    if country is not None:
        items = items.filter(Q(countries=country) | Q(countries__isnull=True)).distinct()
    if start is not None:
        items = items.filter(end_date__gte=start)
    if end is not None:
        items = items.filter(start_date__lte=end)
    if objective_code:
        items = items.filter(activity__objective__code=objective_code)
    return items.order_by("activity__objective__order", "activity__order", "start_date")


def workplan_item_by_pk(pk: int) -> WorkplanItem | None:
    return workplan_items().filter(pk=pk).first()


def events() -> QuerySet[Event]:
    return Event.objects.select_related(
        "workplan_item", "workplan_item__activity"
    ).prefetch_related("countries", "objectives", "organisers")


def events_filtered(
    *,
    kind: str = "",
    country: Country | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    query: str = "",
    public_only: bool = False,
    visible_to: Any = None,
) -> QuerySet[Event]:
    """Events by type, country, the period they overlap and a search; only public ones, or
    (with `visible_to`) those the user may see (`access.events_visible_to`)."""
    found = events()
    if public_only:
        found = found.filter(is_public=True)
    if visible_to is not None:
        found = found.filter(pk__in=access.events_visible_to(visible_to).values("pk"))
    if kind:
        found = found.filter(kind=kind)
    if country is not None:
        found = found.filter(countries=country)
    if start is not None:
        found = found.filter(end_date__gte=start)
    if end is not None:
        found = found.filter(start_date__lte=end)
    if query:
        found = found.filter(
            Q(title__icontains=query) | Q(place__icontains=query) | Q(description__icontains=query)
        )
    return found.order_by("-start_date", "title")


def event_by_pk(pk: int) -> Event | None:
    return (
        events()
        .prefetch_related(
            Prefetch("documents", queryset=EventDocument.objects.order_by("kind", "title")),
            Prefetch("reflections", queryset=Reflection.objects.select_related("document")),
        )
        .filter(pk=pk)
        .first()
    )


def document_by_pk(pk: int) -> EventDocument | None:
    return (
        EventDocument.objects.select_related("event")
        .prefetch_related("event__countries")
        .filter(pk=pk)
        .first()
    )


def event_by_feedback_key(key: str) -> Event | None:
    return Event.objects.filter(feedback_key=key).first() if key else None


def _person(p: Participant) -> pure.Person:
    return pure.Person(
        gender=p.gender,
        role=p.role,
        country=p.country.iso2 if p.country else "",
        uses_drugs=p.uses_drugs,
    )


def participant_summaries(event_list: list[Event]) -> dict[int, pure.Summary]:
    """Each event's participants, from its list when it has one, else from its entered
    counts. Two queries for any number of events."""
    ids = [e.pk for e in event_list]
    people: dict[int, list[pure.Person]] = defaultdict(list)
    for person in Participant.objects.filter(event__in=ids).select_related("country"):
        people[person.event_id].append(_person(person))
    counts: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in ParticipantCount.objects.filter(event__in=ids):
        counts[row.event_id][(row.dimension, row.category)] = row.count
    return {
        e.pk: pure.from_list(people[e.pk])
        if people.get(e.pk)
        else pure.from_counts(e.participants_total, counts.get(e.pk, {}))
        for e in event_list
    }


def participant_list(event: Event) -> QuerySet[Participant]:
    return event.participants.select_related("country").order_by("pk")


def feedback_of(event: Event) -> list[FeedbackResponse]:
    return list(event.feedback.order_by("submitted_at"))


@dataclass(frozen=True)
class GanttRow:
    item: WorkplanItem
    left: float  # percent of the period
    width: float


@dataclass(frozen=True)
class GanttGroup:
    objective_code: str
    objective_title: str
    rows: list[GanttRow]


def gantt(items: list[WorkplanItem], start: dt.date, end: dt.date) -> list[GanttGroup]:
    """The planned activities as bars on a timeline from `start` to `end`, grouped by
    objective (no query beyond the items')."""
    span = max((end - start).days + 1, 1)
    groups: dict[str, GanttGroup] = {}
    for item in items:
        first, last = max(item.start_date, start), min(item.end_date, end)
        if last < first:
            continue
        objective = item.activity.objective
        group = groups.setdefault(objective.code, GanttGroup(objective.code, objective.title, []))
        left = (first - start).days / span * 100
        width = max(((last - first).days + 1) / span * 100, 0.8)
        group.rows.append(GanttRow(item, round(left, 2), round(min(width, 100 - left), 2)))
    return list(groups.values())


def objectives() -> QuerySet[Objective]:
    return Objective.objects.order_by("order")
