"""Pages of the service-site register: the list (search, filters, downloads), a site, the form
that adds or changes one, and the import of a list (every row or none).

The register is read by everyone who takes part in community-led monitoring (monitors choose
sites in their forms); it is kept by those who run CLM in a country (`Perm.CLM_REVIEW`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrmonitor.clm import services_sites as services
from hrmonitor.clm.forms_sites import SiteForm, SitesImportForm
from hrmonitor.clm.models import Service, ServiceSite, SiteKind
from hrmonitor.core import access, tabular
from hrmonitor.core import selectors as core_selectors
from hrmonitor.framework.exports import Table
from hrmonitor.framework.views import _export

SITES_PER_PAGE = 100
EXPORT_FORMATS = ("csv", "xlsx")


def _require_clm(request: HttpRequest) -> None:
    """The register's pages are for monitors, focal points and the Secretariat."""
    if not access.clm_participant(request.user):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    service = request.GET.get("service", "")
    return {
        "query": request.GET.get("q", "").strip()[:100],
        "country": core_selectors.country_by_iso2(request.GET.get("country", "")),
        "kind": kind if kind in SiteKind.values else "",
        "status": status if status in ServiceSite.Status.values else "",
        "service": service if service in Service.values else "",
    }


@login_required
def sites(request: HttpRequest) -> HttpResponse:
    """The register: every site, searched and filtered, a page at a time."""
    _require_clm(request)
    filters = _filters(request)
    found = services.sites_filtered(**filters)
    page = Paginator(found, SITES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clm/sites.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any(filters.values()),
            "register_empty": not page.paginator.count and not ServiceSite.objects.exists(),
            "kinds": SiteKind.choices,
            "statuses": ServiceSite.Status.choices,
            "services": Service.choices,
            "countries": core_selectors.countries_list().order_by("name"),
            "query_string": query.urlencode(),
            "can_manage": services.can_manage_sites(request.user),
        },
    )


@login_required
def site(request: HttpRequest, pk: int) -> HttpResponse:
    """A site with everything the register knows about it, its submissions and its changes."""
    _require_clm(request)
    found = access.clm_site_get_for_user(request.user, pk)
    return render(
        request,
        "clm/site.html",
        {
            "site": found,
            "submission_count": services.site_submission_count(request.user, found),
            "changes": services.site_changes(found),
            "can_edit": services.can_edit_site(request.user, found),
        },
    )


def _initial(site: ServiceSite) -> dict[str, Any]:
    return {name: getattr(site, name) for name in services.FIELDS}


@login_required
def site_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a site (in a country where the user runs CLM) or change one."""
    found = access.clm_site_get_for_user(request.user, pk, write=True) if pk is not None else None
    if found is None and not services.can_manage_sites(request.user):
        raise PermissionDenied
    form = SiteForm(
        request.POST or None,
        initial=_initial(found) if found is not None else {},
        countries=services.writable_countries(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.site_save(
                user=request.user,  # type: ignore[arg-type]
                site=found,
                **{name: form.cleaned_data[name] for name in services.FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.outcome == "unchanged":
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(request, _("Saved: %(title)s.") % {"title": saved.site.name})
            return redirect("clm:site", pk=saved.site.pk)
    return render(request, "clm/site_edit.html", {"form": form, "site": found})


@login_required
def sites_import(request: HttpRequest) -> HttpResponse:
    """Upload a list of sites: every row is imported, or none when any row has a problem (each
    problem shown with its row and column). The import can be repeated: a second run of the
    same file changes nothing."""
    if not services.can_manage_sites(request.user):
        raise PermissionDenied
    form = SitesImportForm(request.POST or None, request.FILES or None)
    outcome: services.ImportOutcome | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                outcome = services.sites_import(
                    user=request.user,  # type: ignore[arg-type]
                    path=Path(handle.name),
                    filename=upload.name,
                )
            except tabular.TableFileError as error:
                form.add_error("file", str(error))
    return render(
        request,
        "clm/sites_import.html",
        {
            "form": form,
            "outcome": outcome,
            "columns": services.COLUMNS,
            "kinds": SiteKind.choices,
            "services": Service.choices,
            "statuses": ServiceSite.Status.choices,
            "max_rows": services.IMPORT_MAX_ROWS,
        },
    )


@login_required
def sites_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The sites of the list's filters, in the columns the import reads (titles in the user's
    language), so that a downloaded list can be corrected and imported again."""
    _require_clm(request)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    found = services.sites_filtered(**_filters(request))

    def coordinate(value: Any) -> str:
        # As text: a spreadsheet's number format would show two decimals of six.
        return "" if value is None else format(value, "f")

    table = Table(
        title=_("Service sites"),
        header=[c.heading for c in services.COLUMNS],
        rows=(
            (
                s.code,
                s.name,
                s.kind,
                s.country.iso2,
                s.locality,
                s.operator.name if s.operator else "",
                ";".join(s.services),
                s.hours,
                coordinate(s.latitude),
                coordinate(s.longitude),
                s.status,
            )
            for s in found.iterator(chunk_size=2000)
        ),
    )
    return _export(table, fmt, "hrmonitor-sites")
