"""The events calendar: a month grid with the upcoming and past events, a public page per
event, and the iCalendar export of the public events (a feed, or one event).

Everyone sees the public events; staff (whoever may record events somewhere) see the internal
ones too, marked as such. The iCalendar feed holds public events only, whoever asks: its URL
gets shared and subscribed to, and a subscription outlives the session that created it.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import icalendar
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.monitoring import selectors
from hrmonitor.monitoring.models import Event

UPCOMING_COUNT = 10
ICS_PRODID = "-//hrmonitor//Events calendar//EN"
_MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# Months outside these years are typing mistakes, not plans (and keep prev/next in range).
_FIRST_YEAR, _LAST_YEAR = 1901, 2199


# --- The month grid, without Django ----------------------------------------------------------


class Dated(Protocol):
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    events: list[Any] = field(default_factory=list)


def month_start(value: str, today: dt.date) -> dt.date:
    """The first day of the month `YYYY-MM` in `value`, or of today's month when `value` is
    empty or not such a month."""
    found = _MONTH_PATTERN.match(value.strip())
    if found:
        year, month = int(found[1]), int(found[2])
        if _FIRST_YEAR <= year <= _LAST_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return today.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return month_end(first) + dt.timedelta(days=1)


def month_dates(first: dt.date) -> list[list[dt.date]]:
    """The weeks, Monday to Sunday, that show the month of `first` (with the days of the
    neighbouring months that complete the first and last weeks)."""
    return pycalendar.Calendar(firstweekday=pycalendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )


def month_weeks(first: dt.date, events: Iterable[Dated], today: dt.date) -> list[list[Day]]:
    """The weeks that show the month of `first`, each day with the events that cover it: an
    event of several days is on each of its days."""
    weeks = month_dates(first)
    days = {
        date: Day(date=date, in_month=date.month == first.month, is_today=date == today)
        for week in weeks
        for date in week
    }
    grid_first, grid_last = weeks[0][0], weeks[-1][-1]
    for event in events:
        date = max(event.start_date, grid_first)
        while date <= min(event.end_date, grid_last):
            days[date].events.append(event)
            date += dt.timedelta(days=1)
    return [[days[date] for date in week] for week in weeks]


def overlaps(event: Dated, start: dt.date, end: dt.date) -> bool:
    return event.start_date <= end and event.end_date >= start


def _today() -> dt.date:
    return timezone.localdate()


# --- Who sees what ---------------------------------------------------------------------------


def _sees_internal_events(request: HttpRequest) -> bool:
    """Staff (the Secretariat, M&E, focal points) get links to the internal pages and see the
    internal events of `access.events_visible_to`."""
    return access.has_perm(request.user, Perm.MONITORING_EDIT, anywhere=True)


def _public_event_for(request: HttpRequest, pk: int) -> Event:
    """A public event for everyone; an internal one only for staff (404 for others, so that
    an internal event's existence does not leak)."""
    event = selectors.event_by_pk(pk)
    if event is None or not access.event_visible(request.user, event):
        raise Http404
    return event


# --- Filters ---------------------------------------------------------------------------------


class CalendarFilter(forms.Form):
    """The calendar's filters (GET, so that they work without JavaScript and can be shared)."""

    type = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("All types")), *Event.Kind.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    country = forms.ModelChoiceField(
        label=gettext_lazy("Country"),
        queryset=core_selectors.countries_list().order_by("name"),  # lazy: no query at import
        to_field_name="iso2",
        required=False,
        empty_label=gettext_lazy("All countries"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def chosen(self) -> tuple[str, Country | None]:
        """The event type and country asked for; a value that is not one is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("type") or "", data.get("country")


# --- Pages -----------------------------------------------------------------------------------


def _month_value(first: dt.date) -> str:
    """`YYYY-MM` for a link to the month, "" for a month out of range (no link)."""
    return f"{first:%Y-%m}" if _FIRST_YEAR <= first.year <= _LAST_YEAR else ""


def _feed_url(kind: str, country: Country | None) -> str:
    """The .ics feed with the calendar's filters (the valid ones only)."""
    chosen = {"type": kind, "country": country.iso2 if country else ""}
    params = urlencode({name: value for name, value in chosen.items() if value})
    url = reverse("monitoring:calendar_ics")
    return f"{url}?{params}" if params else url


def calendar(request: HttpRequest) -> HttpResponse:
    """A month of events as a grid (`?month=YYYY-MM`, this month by default), the next events
    from today and the past events of the month, filtered by type and country."""
    today = _today()
    first = month_start(request.GET.get("month", ""), today)
    last = month_end(first)
    filters = CalendarFilter(request.GET)
    kind, country = filters.chosen()
    staff = _sees_internal_events(request)

    weeks_shown = month_dates(first)
    shown = list(
        selectors.events_filtered(
            kind=kind,
            country=country,
            start=weeks_shown[0][0],
            end=weeks_shown[-1][-1],
            visible_to=request.user,
        ).order_by("start_date", "title")
    )
    upcoming = list(
        selectors.events_filtered(
            kind=kind, country=country, start=today, visible_to=request.user
        ).order_by("start_date", "title")[:UPCOMING_COUNT]
    )
    in_month = [e for e in shown if overlaps(e, first, last)]
    context = {
        "filters": filters,
        "ics_url": _feed_url(kind, country),
        "staff": staff,
        "month_start": first,
        "month_value": f"{first:%Y-%m}",
        "previous_month": _month_value(previous_month(first)),
        "next_month": _month_value(next_month(first)),
        "this_month": f"{today:%Y-%m}",
        "weekdays": [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in range(7)],
        "weeks": month_weeks(first, shown, today),
        "month_events": in_month,
        "upcoming": upcoming,
        "past": [e for e in in_month if e.end_date < today],
        "today": today,
    }
    return render(request, "monitoring/calendar.html", context)


def public_event(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of an event: what, when, where, who organised it, what it produced, how
    many took part (totals only, never names) and its public documents."""
    event = _public_event_for(request, pk)
    summary = selectors.participant_summaries([event])[event.pk]
    context = {
        "event": event,
        "staff": _sees_internal_events(request),
        "summary": summary,
        "documents": [d for d in event.documents.all() if d.is_public],
    }
    return render(request, "monitoring/public_event.html", context)


# --- iCalendar -------------------------------------------------------------------------------


def _ics_event(request: HttpRequest, event: Event, stamp: dt.datetime) -> icalendar.Event:
    """One event as an all-day VEVENT: DATE values, the end exclusive (RFC 5545 §3.6.1)."""
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.pk}@hrmonitor")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.start_date)
    vevent.add("dtend", event.end_date + dt.timedelta(days=1))
    vevent.add("summary", event.title)
    location = event.place or (_("Online") if event.is_online else "")
    if location:
        vevent.add("location", location)
    if event.description:
        vevent.add("description", event.description)
    vevent.add(
        "url", request.build_absolute_uri(reverse("monitoring:public_event", args=[event.pk]))
    )
    vevent.add("categories", [str(event.get_kind_display())])
    vevent.add("transp", "TRANSPARENT")
    return vevent


def ics_document(request: HttpRequest, events: Sequence[Event]) -> bytes:
    """The events as an iCalendar file, named in the active language."""
    cal = icalendar.Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = _("hrmonitor events")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for event in events:
        cal.add_component(_ics_event(request, event, stamp))
    return cal.to_ical()


def calendar_ics(request: HttpRequest) -> HttpResponse:
    """The public events as iCalendar, filtered like the calendar (`?type=`, `?country=`), or
    one public event (`?event=<pk>`). Never an internal event, whoever asks."""
    single = request.GET.get("event", "")
    if single:
        event = selectors.event_by_pk(int(single)) if single.isdigit() else None
        if event is None or not event.is_public:
            raise Http404
        events, filename = [event], f"hrmonitor-event-{event.pk}.ics"
    else:
        kind, country = CalendarFilter(request.GET).chosen()
        found = selectors.events_filtered(kind=kind, country=country, public_only=True)
        events, filename = list(found.order_by("start_date", "title")), "hrmonitor-events.ics"
    response = HttpResponse(
        ics_document(request, events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
