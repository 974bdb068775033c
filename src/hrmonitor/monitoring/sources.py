"""Events as sources of results-framework indicators (output indicators such as "community
leaders trained"), each value with the events it was computed from as lineage.

- `monitoring.participants`: participants of the events of `kinds` (all kinds by default)
  that ended within the period; with `dimension` and `category` (e.g. community / pwud,
  gender / woman, role / government), only those. For a country: its events' participants
  from that country — from a participant list, each person's own country; from entered
  counts, the event's country breakdown, or all participants of a single-country event. An
  event whose counts lack the category asked for adds nothing and is named in the note.
- `monitoring.events`: the number of events of `kinds` that ended within the period.
- `monitoring.countries_with_events`: for the region, the number of countries with at least
  one event of `kinds` in the period; for a country, 1 or 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core import access
from hrmonitor.core.roles import Perm
from hrmonitor.framework import sources
from hrmonitor.framework.sources import LineageItem, LineageRef, SourceRequest, SourceResult
from hrmonitor.monitoring import participants as pure
from hrmonitor.monitoring import selectors
from hrmonitor.monitoring.models import Event


def _events(request: SourceRequest) -> list[Event]:
    """Every event with its countries, loaded once per computation, oldest first."""
    if "monitoring.events" not in request.memo:
        found = list(selectors.events().order_by("end_date", "pk"))
        request.memo["monitoring.events"] = found
        request.memo["monitoring.summaries"] = selectors.participant_summaries(found)
    events: list[Event] = request.memo["monitoring.events"]
    return events


def _chosen(request: SourceRequest) -> list[Event]:
    kinds = set(request.params.get("kinds") or Event.Kind.values)
    start, end = request.period.start, request.period.end
    return [e for e in _events(request) if e.kind in kinds and start <= e.end_date <= end]


def _isos(event: Event) -> list[str]:
    return [c.iso2 for c in event.countries.all()]


def _count(summary: pure.Summary, event: Event, request: SourceRequest) -> int | None:
    """The participants of `event` that the request counts (None: not known)."""
    dimension = str(request.params.get("dimension", ""))
    category = str(request.params.get("category", ""))
    if request.country is None:
        return summary.total if not dimension else summary.count(dimension, category)
    iso = request.country.iso2
    if summary.source == "list":  # each person's own country
        found = summary.per_country.get(iso)
        if found is None:
            return 0
        return found.total if not dimension else (found.count(dimension, category) or 0)
    if dimension and dimension != "country":
        # A category within one country is known only from a single-country event.
        return summary.count(dimension, category) if _isos(event) == [iso] else None
    if summary.country:
        return summary.country.get(iso, 0)
    return summary.total if _isos(event) == [iso] else None


@sources.register("monitoring.participants", label=gettext_lazy("Participants of events"))
def participants(request: SourceRequest) -> SourceResult:
    chosen = _chosen(request)  # loads the events and their summaries into the memo
    summaries: dict[int, pure.Summary] = request.memo["monitoring.summaries"]
    if request.country is not None:
        iso = request.country.iso2
        chosen = [
            e
            for e in chosen
            if iso in _isos(e) or iso in summaries.get(e.pk, pure.NONE).per_country
        ]
    total, used, unknown = 0, [], []
    for event in chosen:
        count = _count(summaries.get(event.pk, pure.NONE), event, request)
        if count is None:
            unknown.append(event.title)
            continue
        total += count
        if count:
            used.append(event)
    if not used and unknown:
        return SourceResult(
            None,
            note=_("The participants of these events are not broken down this way: %(events)s.")
            % {"events": "; ".join(unknown)},
        )
    note = (
        _("Not counted (no breakdown): %(events)s.") % {"events": "; ".join(unknown)}
        if unknown
        else ""
    )
    return SourceResult(Decimal(total), tuple(LineageRef.of(e) for e in used), note=note)


@sources.register("monitoring.events", label=gettext_lazy("Number of events"))
def events(request: SourceRequest) -> SourceResult:
    chosen = _chosen(request)
    if request.country is not None:
        chosen = [e for e in chosen if request.country.iso2 in _isos(e)]
    return SourceResult(Decimal(len(chosen)), tuple(LineageRef.of(e) for e in chosen))


@sources.register("monitoring.countries_with_events", label=gettext_lazy("Countries with events"))
def countries_with_events(request: SourceRequest) -> SourceResult:
    chosen = _chosen(request)
    if request.country is not None:
        chosen = [e for e in chosen if request.country.iso2 in _isos(e)]
        return SourceResult(Decimal(1 if chosen else 0), tuple(LineageRef.of(e) for e in chosen))
    countries = {iso for e in chosen for iso in _isos(e)}
    return SourceResult(Decimal(len(countries)), tuple(LineageRef.of(e) for e in chosen))


@sources.register_lineage("monitoring.Event")
def describe_events(user: Any, pks: list[int]) -> list[LineageItem]:
    """Events behind a number: public ones for everyone (their public page), every one for
    monitoring staff (the internal page)."""
    staff = access.has_perm(user, Perm.MONITORING_EDIT, anywhere=True)
    visible = access.events_visible_to(user).values("pk")
    found = selectors.events().filter(pk__in=pks).filter(pk__in=visible).order_by("start_date")
    items = []
    for event in found:
        place = ", ".join(c.name for c in event.countries.all()) or _("Regional")
        route = "monitoring:event" if staff else "monitoring:public_event"
        items.append(
            LineageItem(
                kind=event.get_kind_display(),
                title=event.title,
                detail=f"{event.start_date.isoformat()} · {place}",
                url=reverse(route, args=[event.pk]),
            )
        )
    return items
