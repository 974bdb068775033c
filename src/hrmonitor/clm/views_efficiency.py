"""Pages of the efficiency assessment: coverage and unit costs by country for a year (with
each country's records, the method and the sources, and downloads), the record form, the
import of a file of records, and the report (a background job)."""

from __future__ import annotations

import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hrmonitor.clm import reports
from hrmonitor.clm import selectors_efficiency as selectors
from hrmonitor.clm import services_efficiency as services
from hrmonitor.clm.efficiency import Coverage
from hrmonitor.clm.forms_efficiency import DeliveriesImportForm, DeliveryForm, ReportForm
from hrmonitor.clm.selectors_efficiency import CountryRow
from hrmonitor.clm.tasks import EFFICIENCY_REPORT
from hrmonitor.core import access, tabular
from hrmonitor.core.jobs import job_start
from hrmonitor.core.models import User
from hrmonitor.core.roles import Perm
from hrmonitor.framework.exports import Table
from hrmonitor.framework.views import _export

DOWNLOADS = ("csv", "xlsx")
ARCHIVE_SIZE = 20


def _require_reviewer(request: HttpRequest) -> User:
    if not access.has_perm(request.user, Perm.CLM_REVIEW, anywhere=True):
        raise PermissionDenied
    return request.user  # type: ignore[return-value]  # signed in: login_required


def _year(request: HttpRequest, years: list[int]) -> int | None:
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) in years:
        return int(chosen)
    return years[0] if years else None


# --- The assessment page ---------------------------------------------------------------------


@login_required
def efficiency(request: HttpRequest) -> HttpResponseBase:
    """Coverage and unit costs of each country in a year, with its records; `?format=csv`
    or `xlsx` downloads the table (`&detail=sites`: one row per record)."""
    user = _require_reviewer(request)
    years = selectors.delivery_years(user)
    year = _year(request, years)
    rows = selectors.assessment(user, year) if year is not None else []
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in DOWNLOADS or year is None:
            raise Http404
        sites = request.GET.get("detail") == "sites"
        table = _records_table(year, rows) if sites else _countries_table(year, rows)
        name = f"efficiency-{'records' if sites else 'countries'}-{year}"
        return _export(table, fmt, name)
    lines = [reports.country_line(row) for row in rows]
    countries = [
        {
            "row": row,
            "line": line,
            "records": [reports.record_line(record) for record in row.records],
        }
        for row, line in zip(rows, lines, strict=True)
    ]
    return render(
        request,
        "clm/efficiency.html",
        {
            "years": years,
            "year": year,
            "countries": countries,
            "any_unknown": any(line.unknowns for line in lines),
            "method": reports.method_paragraphs(),
            "guide": reports.GUIDE,
        },
    )


def _exact(value: Decimal | None, places: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _bounds(coverage: Coverage) -> list[Decimal | None]:
    return [
        _exact(coverage.value, 2),
        _exact(coverage.lowest, 2),
        _exact(coverage.highest, 2),
    ]


def _countries_table(year: int, rows: list[CountryRow]) -> Table:
    header = [
        _("Country"),
        _("ISO code"),
        _("Year"),
        _("PWID estimate, low"),
        _("PWID estimate, high"),
        _("PWID estimate, year"),
        _("PWID estimate, source"),
        _("Syringes"),
        _("Syringes per PWID"),
        _("Syringes per PWID, lowest"),
        _("Syringes per PWID, highest"),
        _("Syringe coverage level"),
        _("OAT clients"),
        _("OAT clients per 100 PWID"),
        _("OAT clients per 100 PWID, lowest"),
        _("OAT clients per 100 PWID, highest"),
        _("OAT coverage level"),
        _("Clients reached"),
        _("Cost, USD"),
        _("Cost per client, USD"),
        _("Cost per syringe, USD"),
        _("Figures from"),
        _("Unknown figures"),
    ]
    out: list[list[Any]] = []
    for row in rows:
        result, line = row.result, reports.country_line(row)
        estimate = result.estimate
        out.append(
            [
                row.country.name,
                row.country.iso2,
                year,
                estimate.low if estimate else None,
                estimate.high if estimate else None,
                estimate.year if estimate else None,
                estimate.source if estimate else None,
                result.syringes.value,
                *_bounds(result.syringe_coverage),
                line.syringe_level if result.syringe_coverage.level else None,
                result.oat_clients.value,
                *_bounds(result.oat_coverage),
                line.oat_level if result.oat_coverage.level else None,
                result.clients.value,
                _exact(result.cost_usd.value, 2),
                _exact(result.per_client.value, 2),
                _exact(result.per_syringe.value, 2),
                line.basis,
                " ".join(f"{what}: {why}" for what, why in line.unknowns),
            ]
        )
    return Table(title=_("Efficiency %(year)d") % {"year": year}, header=header, rows=out)


def _records_table(year: int, rows: list[CountryRow]) -> Table:
    header = [
        _("Country"),
        _("Year"),
        _("Site code"),
        _("Site"),
        _("Clients reached"),
        _("Syringes"),
        _("OAT clients"),
        _("Naloxone kits"),
        _("HIV/HCV tests"),
        _("Cost"),
        _("Currency"),
        _("Cost, USD"),
        _("Cost per client, USD"),
        _("Cost per syringe, USD"),
        _("Source"),
        _("Notes"),
        _("Unknown figures"),
    ]
    out: list[list[Any]] = []
    for row in rows:
        for record_row in row.records:
            record, result = record_row.record, record_row.result
            line = reports.record_line(record_row)
            out.append(
                [
                    row.country.name,
                    year,
                    line.site_code,
                    line.site,
                    record.clients_reached,
                    record.syringes,
                    record.oat_clients,
                    record.naloxone_kits,
                    record.tests,
                    record.cost,
                    record.currency,
                    _exact(result.cost_usd.value, 2),
                    _exact(result.per_client.value, 2),
                    _exact(result.per_syringe.value, 2),
                    record.source,
                    record.notes,
                    line.unknowns,
                ]
            )
    return Table(title=_("Records %(year)d") % {"year": year}, header=header, rows=out)


# --- A record --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def delivery_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Enter a record, or change one (`pk`), for a country where the user runs CLM."""
    user = _require_reviewer(request)
    record = access.clm_delivery_get_for_user(user, pk, write=True) if pk is not None else None
    initial: dict[str, Any] = {}
    if record is not None:
        initial = {
            "site": record.site_id,
            "country": record.country_id,
            "year": record.year,
            "clients_reached": record.clients_reached,
            "syringes": record.syringes,
            "oat_clients": record.oat_clients,
            "naloxone_kits": record.naloxone_kits,
            "tests": record.tests,
            "cost": record.cost,
            "currency": record.currency,
            "source": record.source,
            "notes": record.notes,
        }
    else:
        for name in ("site", "country", "year"):
            if request.GET.get(name, "").isdigit():
                initial[name] = int(request.GET[name])
    form = DeliveryForm(
        request.POST or None,
        initial=initial,
        countries=selectors.countries_for_entry(user),
        sites=selectors.sites_for_entry(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.delivery_save(
                user=user,
                delivery=record,
                country=data["country"],
                site=data["site"],
                year=data["year"],
                clients_reached=data["clients_reached"],
                syringes=data["syringes"],
                oat_clients=data["oat_clients"],
                naloxone_kits=data["naloxone_kits"],
                tests=data["tests"],
                cost=data["cost"],
                currency=data["currency"],
                source=data["source"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Saved: %(place)s, %(year)d.")
                % {
                    "place": saved.site.name if saved.site else saved.country.name,
                    "year": saved.year,
                },
            )
            return redirect(f"{reverse('clm:efficiency')}?{urlencode({'year': saved.year})}")
    return render(
        request,
        "clm/delivery_edit.html",
        {"form": form, "record": record},
        status=400 if form.is_bound else 200,
    )


# --- Import ----------------------------------------------------------------------------------


def _import_template(fmt: str) -> HttpResponseBase:
    """A blank file with the columns' English titles (the Russian ones work too)."""
    table = Table(
        title=_("Records"),
        header=[
            pgettext("efficiency import column", "country"),
            pgettext("efficiency import column", "site"),
            pgettext("efficiency import column", "year"),
            pgettext("efficiency import column", "clients reached"),
            pgettext("efficiency import column", "syringes"),
            pgettext("efficiency import column", "OAT clients"),
            pgettext("efficiency import column", "naloxone kits"),
            pgettext("efficiency import column", "tests"),
            pgettext("efficiency import column", "cost"),
            pgettext("efficiency import column", "currency"),
            pgettext("efficiency import column", "source"),
            pgettext("efficiency import column", "notes"),
        ],
        rows=[],
    )
    return _export(table, fmt, "service-delivery-records")


@login_required
@require_http_methods(["GET", "POST"])
def deliveries_import(request: HttpRequest) -> HttpResponseBase:
    """Import records from a CSV or XLSX file: every row or none, each problem with its row
    and column. `?template=csv` or `xlsx` gives a blank file."""
    user = _require_reviewer(request)
    template = request.GET.get("template", "")
    if template:
        if template not in DOWNLOADS:
            raise Http404
        return _import_template(template)
    form = DeliveriesImportForm(request.POST or None, request.FILES or None)
    problems: list[services.ImportProblem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
            handle.flush()
            try:
                outcome = services.deliveries_import(
                    user=user, path=Path(handle.name), filename=upload.name
                )
            except tabular.TableFileError as error:
                form.add_error("file", str(error))
                outcome = None
        if outcome is not None and not outcome.problems:
            messages.success(
                request,
                ngettext(
                    "%(count)d record imported (%(created)d new, %(updated)d updated).",
                    "%(count)d records imported (%(created)d new, %(updated)d updated).",
                    outcome.created + outcome.updated,
                )
                % {
                    "count": outcome.created + outcome.updated,
                    "created": outcome.created,
                    "updated": outcome.updated,
                },
            )
            return redirect("clm:efficiency")
        if outcome is not None:
            problems = outcome.problems
    return render(
        request,
        "clm/deliveries_import.html",
        {"form": form, "problems": problems},
        status=400 if form.is_bound else 200,
    )


# --- The report ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def efficiency_report(request: HttpRequest) -> HttpResponse:
    """GET: the form and the user's earlier reports (with `?job=`, that job's progress bar);
    POST: start the report job and come back to watch it."""
    user = _require_reviewer(request)
    years = selectors.delivery_years(user)
    countries = selectors.countries_with_records(user)
    if request.method == "POST":
        form = ReportForm(request.POST, years=years, countries=countries)
        if form.is_valid():
            started = job_start(kind=EFFICIENCY_REPORT, user=user, params=form.job_params())
            return redirect(f"{reverse('clm:efficiency_report')}?{urlencode({'job': started.pk})}")
    else:
        language = get_language() or settings.LANGUAGE_CODE
        form = ReportForm(
            years=years,
            countries=countries,
            initial={
                "year": _year(request, years),
                "language": language if language in dict(settings.LANGUAGES) else "en",
                "format": "pdf",
            },
        )
    jobs = access.jobs_visible_to(user).filter(kind=EFFICIENCY_REPORT)
    job_id = request.GET.get("job", "")
    job = jobs.filter(pk=int(job_id)).first() if job_id.isdigit() else None
    return render(
        request,
        "clm/efficiency_report.html",
        {
            "form": form,
            "years": years,
            "job": job,
            "archive": (jobs.exclude(pk=job.pk) if job else jobs)[:ARCHIVE_SIZE],
        },
        status=400 if form.is_bound else 200,
    )
