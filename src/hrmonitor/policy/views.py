"""Pages of the policy tracker: the regional grid and map at a date, a country's statuses and
facts, the form that records a change, and the changes between two dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.jobs import job_start
from hrmonitor.core.roles import Perm
from hrmonitor.framework.views import _export
from hrmonitor.policy import exports, selectors, services
from hrmonitor.policy.forms import StatusForm
from hrmonitor.policy.models import PolicyArea, PolicyStatus

# Colours of the map and the badges, by status code; other codes get a neutral colour.
STATUS_COLOURS = {
    "not_legal": "#cf222e",
    "not_in_place": "#afb8c1",
    "partial_or_pilot": "#d4a72c",
    "in_place": "#1a7f37",
}
FIRST_YEAR = 2015


def _today() -> dt.date:
    return dt.date.today()  # noqa: DTZ011 - a calendar date, not a moment


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


def _chosen_date(request: HttpRequest) -> dt.date:
    """`?date=` (ISO); `?year=` moves to the end of that year (today for the current year)
    when it differs from the date's year — the slider works without JavaScript too."""
    today = _today()
    date = _date(request.GET.get("date"), today)
    year = request.GET.get("year", "")
    if year.isdigit() and int(year) != date.year and 1900 < int(year) < 2200:
        date = min(dt.date(int(year), 12, 31), today)
    return date


def _map_data(area: PolicyArea, grid: selectors.StatusGrid) -> dict[str, Any]:
    column = grid.areas.index(area)
    codes = area.status_codes()
    countries = []
    for row in grid.rows:
        record = row.cells[column]
        if record is None or record.status not in codes:
            continue
        countries.append(
            {
                "map_name": row.country.map_name,
                "name": row.country.name,
                "value": codes.index(record.status),
                "status": record.status,
                "label": record.status_label,
                "since": record.valid_from.isoformat(),
                "url": reverse("policy:country", args=[row.country.iso2]),
            }
        )
    return {
        "geojson_url": reverse("core:map_geojson"),
        "area": area.code,
        "date": grid.date.isoformat(),
        "pieces": [
            {
                "value": index,
                "label": area.status_label(code),
                "color": STATUS_COLOURS.get(code, "#6e7781"),
            }
            for index, code in enumerate(codes)
        ],
        "countries": countries,
    }


def regional(request: HttpRequest) -> HttpResponse:
    """Every country × area on a date, and the map of one area on that date."""
    date = _chosen_date(request)
    grid = selectors.status_grid(date)
    area = next((a for a in grid.areas if a.code == request.GET.get("area")), None)
    if area is None and grid.areas:
        area = grid.areas[0]
    first = PolicyStatus.objects.aggregate(first=Min("valid_from"))["first"]
    context: dict[str, Any] = {
        "grid": grid,
        "area": area,
        "date": date,
        "first_year": min(first.year if first else FIRST_YEAR, date.year),
        "last_year": max(_today().year, date.year),
        "map_data": _map_data(area, grid) if area is not None else None,
        "can_record": access.has_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, anywhere=True),
    }
    return render(request, "policy/regional.html", context)


def country(request: HttpRequest, iso2: str) -> HttpResponse:
    """A country's status in every area today, each area's timeline, and its facts."""
    found = core_selectors.country_by_iso2(iso2)
    if found is None:
        raise Http404
    return render(
        request,
        "policy/country.html",
        {
            "country": found,
            "timelines": selectors.country_timeline(found, today=_today()),
            "facts": selectors.country_facts(found),
            "can_record": access.has_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, found.pk),
            "can_verify": access.has_perm(request.user, Perm.FRAMEWORK_APPROVE, found.pk),
        },
    )


@login_required
def record(request: HttpRequest) -> HttpResponse:
    """Record a change of status, for a country of the user's scope."""
    scope = access.scope_for(request.user, Perm.FRAMEWORK_ENTER_DATA)
    if not scope.anywhere:
        raise PermissionDenied
    countries = scope.filter(core_selectors.countries_list().order_by("name"), field="pk")
    initial: dict[str, Any] = {"valid_from": _today()}
    chosen = core_selectors.country_by_iso2(request.GET.get("country", ""))
    if chosen is not None:
        initial["country"] = chosen.pk
    form = StatusForm(
        request.POST or None,
        request.FILES or None,
        countries=countries,
        areas=selectors.areas(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.policy_status_record(
                user=request.user,  # type: ignore[arg-type]
                country=data["country"],
                area=data["area"],
                status=data["status"],
                valid_from=data["valid_from"],
                legal_reference=data["legal_reference"],
                evidence_url=data["evidence_url"],
                evidence_file=data["evidence_file"],
                source=data["source"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # a dict of errors lands on its fields
        else:
            messages.success(
                request,
                _("Recorded: %(country)s, %(area)s — %(status)s from %(date)s.")
                % {
                    "country": saved.country.name,
                    "area": saved.area.name,
                    "status": saved.status_label,
                    "date": saved.valid_from.isoformat(),
                },
            )
            return redirect("policy:country", iso2=saved.country.iso2)
    return render(request, "policy/record.html", {"form": form})


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The Secretariat confirms a recorded status against its evidence."""
    found = selectors.status_by_pk(pk)
    if found is None:
        raise Http404
    try:
        services.policy_status_verify(user=request.user, record=found)  # type: ignore[arg-type]
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The status was verified."))
    return redirect("policy:country", iso2=found.country.iso2)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """A status's evidence file, public like the status; always as a download, so that an
    uploaded page is never rendered on this site."""
    found = selectors.status_by_pk(pk)
    if found is None or not found.evidence_file:
        raise Http404
    return FileResponse(
        found.evidence_file.open("rb"),
        as_attachment=True,
        filename=Path(found.evidence_file.name or "evidence").name,
    )


def _change_dates(request: HttpRequest, source: QueryDict | None = None) -> tuple[dt.date, dt.date]:
    params = request.GET if source is None else source
    date_to = _date(params.get("to"), _today())
    date_from = _date(params.get("from"), date_to - dt.timedelta(days=365))
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    return date_from, date_to


def changes(request: HttpRequest) -> HttpResponse:
    """The status changes between two dates, by country and area, with counts per
    sub-region, downloads, and the report as DOCX or PDF (generated as a job)."""
    date_from, date_to = _change_dates(request)
    report = selectors.changes_between(date_from, date_to)
    reports = access.jobs_visible_to(request.user).filter(kind="policy.change_report")
    job_id = request.GET.get("job", "")
    job = reports.filter(pk=int(job_id)).first() if job_id.isdigit() else None
    return render(
        request,
        "policy/changes.html",
        {
            "report": report,
            "job": job,
            "past_reports": (reports.exclude(pk=job.pk) if job else reports)[:10],
            "language": get_language() or "en",
        },
    )


@login_required
@require_POST
def change_report(request: HttpRequest) -> HttpResponse:
    """Start the change report job; the changes page shows its progress and the file."""
    date_from, date_to = _change_dates(request, source=request.POST)
    language = request.POST.get("language", "en")
    fmt = request.POST.get("format", "pdf")
    if language not in dict(settings.LANGUAGES) or fmt not in ("docx", "pdf"):
        raise Http404
    job = job_start(
        kind="policy.change_report",
        user=request.user,  # type: ignore[arg-type]
        params={
            "date_from": date_from.isoformat(),
            "date_to": date_to.isoformat(),
            "language": language,
            "format": fmt,
        },
    )
    query = urlencode({"from": date_from, "to": date_to, "job": job.pk})
    return redirect(f"{reverse('policy:changes')}?{query}#report")


def statuses_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Every status in force on the chosen date, as on the regional page."""
    grid = selectors.status_grid(_chosen_date(request))
    return _export(exports.statuses_table(grid), fmt, f"policy-statuses-{grid.date}")


def changes_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    date_from, date_to = _change_dates(request)
    table = exports.changes_table(selectors.changes_between(date_from, date_to))
    return _export(table, fmt, f"policy-changes-{date_from}-{date_to}")
