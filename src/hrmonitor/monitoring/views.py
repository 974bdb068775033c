"""Pages of project and process monitoring for the Secretariat and focal points: the workplan
(list, timeline by objective, status with history), events (list, record, participants as
counts or a list with import, documents), and downloads."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.framework.exports import Table
from hrmonitor.framework.views import _export
from hrmonitor.monitoring import feedback as feedback_module
from hrmonitor.monitoring import selectors, services
from hrmonitor.monitoring.forms import (
    CountsForm,
    DocumentForm,
    EventForm,
    ParticipantListForm,
    WorkplanItemForm,
    WorkplanStatusForm,
)
from hrmonitor.monitoring.models import Event, Participant, WorkplanItem


def _require_staff(request: HttpRequest) -> None:
    """Monitoring pages are for the Secretariat and the focal points."""
    if not access.has_perm(request.user, Perm.MONITORING_EDIT, anywhere=True):
        raise PermissionDenied


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _year_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    return redirect("monitoring:events")


# --- Workplan --------------------------------------------------------------------------------


@login_required
def workplan(request: HttpRequest) -> HttpResponse:
    """The planned activities, filtered by status, country, period and objective, as a list
    and as a timeline grouped by objective."""
    _require_staff(request)
    today = timezone.localdate()
    default_start, default_end = _year_bounds(today)
    start = _date(request.GET.get("start")) or default_start
    end = _date(request.GET.get("end")) or default_end
    if end < start:
        start, end = end, start
    country = core_selectors.country_by_iso2(request.GET.get("country", ""))
    status = request.GET.get("status", "")
    status = status if status in WorkplanItem.Status.values else ""
    objective = request.GET.get("objective", "")
    items = list(
        selectors.workplan_filtered(
            status=status, country=country, start=start, end=end, objective_code=objective
        )
    )
    months = []
    month = dt.date(start.year, start.month, 1)
    span = (end - start).days + 1
    while month <= end:
        left = max((month - start).days, 0) / span * 100
        months.append((month, round(left, 2)))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    today_left = (today - start).days / span * 100 if start <= today <= end else None
    return render(
        request,
        "monitoring/workplan.html",
        {
            "items": items,
            "groups": selectors.gantt(items, start, end),
            "months": months if len(months) <= 24 else months[:: max(len(months) // 12, 1)],
            "today_left": round(today_left, 2) if today_left is not None else None,
            "start": start,
            "end": end,
            "status": status,
            "country": country,
            "objective": objective,
            "statuses": WorkplanItem.Status.choices,
            "countries": core_selectors.countries_list().order_by("name"),
            "objectives": selectors.objectives(),
            "can_plan": access.has_perm(request.user, Perm.MONITORING_PLAN),
        },
    )


@login_required
def workplan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not access.has_perm(request.user, Perm.MONITORING_PLAN):
        raise PermissionDenied
    item = selectors.workplan_item_by_pk(pk) if pk is not None else None
    if pk is not None and item is None:
        raise Http404
    initial: dict[str, Any] = {}
    if item is not None:
        initial = {
            "activity": item.activity_id,
            "title": item.title,
            "description": item.description,
            "start_date": item.start_date,
            "end_date": item.end_date,
            "responsible": item.responsible_id,
            "countries": list(item.countries.all()),
            "budget_amount": item.budget_amount,
            "budget_currency": item.budget_currency,
            "grant_reference": item.grant_reference,
        }
    form = WorkplanItemForm(
        request.POST or None,
        initial=initial,
        users=core_selectors.users_holding(Perm.MONITORING_EDIT),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.workplan_item_save(
                user=request.user,  # type: ignore[arg-type]
                item=item,
                **{k: data[k] for k in form.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": saved.title})
            return redirect("monitoring:workplan_item", pk=saved.pk)
    return render(request, "monitoring/workplan_edit.html", {"form": form, "item": item})


@login_required
def workplan_item(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    item = selectors.workplan_item_by_pk(pk)
    if item is None:
        raise Http404
    history = list(item.history.select_related("history_user").order_by("history_date"))
    changes = [h for i, h in enumerate(history) if i == 0 or history[i - 1].status != h.status]
    events = list(selectors.events().filter(workplan_item=item).order_by("start_date"))
    return render(
        request,
        "monitoring/workplan_item.html",
        {
            "item": item,
            "status_changes": changes,
            "events": events,
            "summaries": selectors.participant_summaries(events),
            "status_form": WorkplanStatusForm(initial={"status": item.status}),
            "can_plan": access.has_perm(request.user, Perm.MONITORING_PLAN),
        },
    )


@login_required
@require_POST
def workplan_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.workplan_item_by_pk(pk)
    if item is None:
        raise Http404
    form = WorkplanStatusForm(request.POST)
    if form.is_valid():
        try:
            services.workplan_item_set_status(
                user=request.user,  # type: ignore[arg-type]
                item=item,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The status is now “%(status)s”.") % {"status": item.get_status_display()},
            )
    return redirect("monitoring:workplan_item", pk=pk)


# --- Events ----------------------------------------------------------------------------------


def _event_filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    return {
        "kind": kind if kind in Event.Kind.values else "",
        "country": core_selectors.country_by_iso2(request.GET.get("country", "")),
        "start": _date(request.GET.get("start")),
        "end": _date(request.GET.get("end")),
        "query": request.GET.get("q", "").strip()[:100],
    }


@login_required
def events(request: HttpRequest) -> HttpResponse:
    """Every event with its participant totals, filtered and searchable."""
    _require_staff(request)
    filters = _event_filters(request)
    found = list(selectors.events_filtered(**filters, visible_to=request.user)[:500])
    summaries = selectors.participant_summaries(found)
    totals = {
        "participants": sum(s.total or 0 for s in summaries.values()),
        "women": sum(s.women or 0 for s in summaries.values()),
        "pwud": sum(s.people_who_use_drugs or 0 for s in summaries.values()),
    }
    return render(
        request,
        "monitoring/events.html",
        {
            "events": [(e, summaries[e.pk]) for e in found],
            "filters": filters,
            "totals": totals,
            "kinds": Event.Kind.choices,
            "countries": core_selectors.countries_list().order_by("name"),
            "query_string": request.GET.urlencode(),
        },
    )


def _recordable_countries(request: HttpRequest) -> Any:
    scope = access.scope_for(request.user, Perm.MONITORING_EDIT)
    return scope.filter(core_selectors.countries_list().order_by("name"), field="pk")


@login_required
def event_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_staff(request)
    event = selectors.event_by_pk(pk) if pk is not None else None
    if pk is not None and event is None:
        raise Http404
    if event is not None:
        try:
            services.require_event_edit(request.user, event)  # type: ignore[arg-type]
        except PermissionDenied:
            raise PermissionDenied from None
    initial: dict[str, Any] = {"is_public": True}
    if event is not None:
        initial = {
            "kind": event.kind,
            "title": event.title,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "is_online": event.is_online,
            "place": event.place,
            "countries": list(event.countries.all()),
            "organisers": list(event.organisers.all()),
            "workplan_item": event.workplan_item_id,
            "objectives": list(event.objectives.all()),
            "description": event.description,
            "outputs": event.outputs,
            "is_public": event.is_public,
        }
    elif "workplan_item" in request.GET:
        initial["workplan_item"] = request.GET["workplan_item"]
    form = EventForm(
        request.POST or None, initial=initial, countries=_recordable_countries(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(
                user=request.user,  # type: ignore[arg-type]
                event=event,
                **{k: form.cleaned_data[k] for k in form.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            form.add_error("countries", _("You may record events only in your countries."))
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": saved.title})
            return redirect("monitoring:event", pk=saved.pk)
    return render(request, "monitoring/event_edit.html", {"form": form, "event": event})


def _can_edit(request: HttpRequest, event: Event) -> bool:
    try:
        services.require_event_edit(request.user, event)  # type: ignore[arg-type]
    except PermissionDenied:
        return False
    return True


@login_required
def event(request: HttpRequest, pk: int) -> HttpResponse:
    """An event as the Secretariat sees it: what happened, who came, documents, feedback and
    experts' reflections."""
    _require_staff(request)
    found = selectors.event_by_pk(pk)
    if found is None or not access.event_visible(request.user, found):
        raise Http404
    summary = selectors.participant_summaries([found])[found.pk]
    can_edit = _can_edit(request, found)
    return render(
        request,
        "monitoring/event.html",
        {
            "event": found,
            "summary": summary,
            "people": selectors.participant_list(found) if can_edit else [],
            "can_edit": can_edit,
            "can_reflect": access.has_perm(request.user, Perm.MONITORING_PLAN),
            "feedback_summary": feedback_module.event_feedback_summary(found, request=request),
            "document_form": DocumentForm(),
            "gender_labels": dict(Participant.Gender.choices),
            "role_labels": dict(Participant.Role.choices),
        },
    )


@login_required
def event_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter the counts, or import a registration list (every row or none)."""
    found = selectors.event_by_pk(pk)
    if found is None:
        raise Http404
    if not _can_edit(request, found):
        raise PermissionDenied
    countries = list(found.countries.all()) or list(Country.objects.order_by("name"))
    summary = selectors.participant_summaries([found])[found.pk]
    initial: dict[str, Any] = {"total": found.participants_total}
    for row in found.counts.all():
        initial[f"{row.dimension}__{row.category}"] = row.count
    counts_form = CountsForm(initial=initial, countries=countries)
    list_form = ParticipantListForm()
    problems: list[services.ListProblem] = []
    action = request.POST.get("action")
    if request.method == "POST" and action == "counts":
        counts_form = CountsForm(request.POST, countries=countries)
        if counts_form.is_valid():
            try:
                services.event_counts_set(
                    user=request.user,  # type: ignore[arg-type]
                    event=found,
                    total=counts_form.cleaned_data["total"],
                    counts=counts_form.counts(),
                )
            except ValidationError as error:
                counts_form.add_error(None, error)
            else:
                messages.success(request, _("The participant counts are saved."))
                return redirect("monitoring:event", pk=pk)
    elif request.method == "POST" and action == "list":
        list_form = ParticipantListForm(request.POST, request.FILES)
        if list_form.is_valid():
            upload = list_form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                try:
                    outcome = services.participants_import(
                        user=request.user,  # type: ignore[arg-type]
                        event=found,
                        path=Path(handle.name),
                        filename=upload.name,
                    )
                except tabular.TableFileError as error:
                    list_form.add_error("file", str(error))
                    outcome = None
            if outcome is not None and not outcome.problems:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d participant imported; the counts now come from the list.",
                        "%(count)d participants imported; the counts now come from the list.",
                        outcome.imported,
                    )
                    % {"count": outcome.imported},
                )
                return redirect("monitoring:event", pk=pk)
            if outcome is not None:
                problems = outcome.problems
    return render(
        request,
        "monitoring/event_participants.html",
        {
            "event": found,
            "summary": summary,
            "counts_form": counts_form,
            "list_form": list_form,
            "problems": problems,
            "columns": services.LIST_COLUMNS,
        },
    )


def participants_template(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """A blank registration list with its header (English and Russian names both work)."""
    table = Table(
        title=_("Participants"),
        header=[
            pgettext("participant list column", "name"),
            pgettext("participant list column", "organisation"),
            pgettext("participant list column", "country"),
            pgettext("participant list column", "gender"),
            pgettext("participant list column", "role"),
            pgettext("participant list column", "uses drugs"),
            pgettext("participant list column", "consent"),
        ],
        rows=[],
    )
    return _export(table, fmt, "participants")


@login_required
@require_POST
def event_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.event_by_pk(pk)
    if found is None:
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.event_document_add(
                user=request.user,  # type: ignore[arg-type]
                event=found,
                **form.cleaned_data,
            )
        except PermissionDenied:
            raise
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The document is attached."))
    else:
        for field_errors in form.errors.values():
            for text in field_errors:
                messages.error(request, str(text))
    return redirect("monitoring:event", pk=pk)


def event_document(request: HttpRequest, pk: int) -> FileResponse:
    """A document of an event: public ones for everyone, others for monitoring staff; always
    as a download."""
    document = selectors.document_by_pk(pk)
    if document is None or not access.event_visible(request.user, document.event):
        raise Http404
    staff = access.has_perm(request.user, Perm.MONITORING_EDIT, anywhere=True)
    if not document.is_public and not staff:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=Path(document.file.name or "document").name,
    )


@login_required
def events_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The events of the list's filters, with participant totals (never names)."""
    _require_staff(request)
    found = list(selectors.events_filtered(**_event_filters(request), visible_to=request.user))
    summaries = selectors.participant_summaries(found)

    def number(value: int | None) -> int | None:
        return value

    table = Table(
        title=_("Events"),
        header=[
            _("Start"),
            _("End"),
            _("Type"),
            _("Title"),
            _("Countries"),
            _("Place"),
            _("Workplan activity"),
            _("Participants"),
            _("Women"),
            _("People who use drugs"),
            _("Women who use drugs"),
            _("Outputs"),
        ],
        rows=[
            (
                e.start_date.isoformat(),
                e.end_date.isoformat(),
                e.get_kind_display(),
                e.title,
                ", ".join(c.iso2 for c in e.countries.all()),
                _("Online") if e.is_online else e.place,
                e.workplan_item.title if e.workplan_item else "",
                number(summaries[e.pk].total),
                number(summaries[e.pk].women),
                number(summaries[e.pk].people_who_use_drugs),
                number(summaries[e.pk].women_who_use_drugs),
                e.outputs,
            )
            for e in found
        ],
    )
    return _export(table, fmt, "events")
