"""Cases in reports and files: the legal-analysis findings report (a background job, for
publication), the import of cases from CSV or XLSX, and the export of cases for the roles
that may take them out.

The findings page is for whoever may read the published statistics
(`Perm.RIGHTS_VIEW_STATISTICS`): region-wide, of any country or all; a country-scoped role,
of its countries only. The import and the export handle case data: their responses say
`Cache-Control: no-store`, an uploaded file is read from a temporary copy deleted before the
response leaves, and nothing identifying goes into a URL or a file name.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.forms import check_upload_size
from hrmonitor.core.jobs import job_start
from hrmonitor.core.models import Country, User
from hrmonitor.core.roles import Perm
from hrmonitor.framework import periods
from hrmonitor.framework.periods import Period, PeriodType
from hrmonitor.rights import importing, reports, selectors
from hrmonitor.rights.models import Case
from hrmonitor.rights.tasks import FINDINGS_REPORT

ARCHIVE_SIZE = 20
CUSTOM = "custom"
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2199, 12, 31)
UPLOAD_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _private(response: HttpResponse) -> HttpResponse:
    """Case data is never stored by a browser or a proxy, nor indexed."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The findings report ---------------------------------------------------------------------


def presets(today: dt.date) -> dict[str, Period]:
    """The periods offered with one click, computed from `today`."""
    this_quarter = periods.containing(today, PeriodType.QUARTER)
    return {
        "last_quarter": periods.shift(this_quarter, -1),
        "this_year": periods.year(today.year),
        "last_year": periods.year(today.year - 1),
    }


class FindingsForm(forms.Form):
    preset = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
        ),
    )
    country = forms.ChoiceField(
        label=gettext_lazy("Country"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the report"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("pdf", "PDF"), ("docx", gettext_lazy("Word (DOCX)"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(
        self, *args: Any, today: dt.date, countries: Sequence[Country], region: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.presets = presets(today)
        labels = {
            "last_quarter": _("Last quarter"),
            "this_year": _("This year"),
            "last_year": _("Last year"),
        }
        cast(forms.ChoiceField, self.fields["preset"]).choices = [
            (
                key,
                f"{labels[key]}: {date_format(period.start, 'SHORT_DATE_FORMAT')} – "
                f"{date_format(period.end, 'SHORT_DATE_FORMAT')}",
            )
            for key, period in self.presets.items()
        ] + [(CUSTOM, _("Other dates (below)"))]
        self.countries = {c.iso2: c for c in countries}
        country_field = cast(forms.ChoiceField, self.fields["country"])
        country_field.choices = ([("", _("All countries"))] if region else []) + [
            (c.iso2, c.name) for c in countries
        ]
        country_field.required = not region
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("preset")
        if preset and preset != CUSTOM:
            period = self.presets[preset]
            data["date_from"], data["date_to"] = period.start, period.end
        elif preset == CUSTOM:
            start, end = data.get("date_from"), data.get("date_to")
            if start is None or end is None:
                raise forms.ValidationError(_("Give both dates of the period."), code="dates")
            if end < start:
                raise forms.ValidationError(
                    _("The period cannot end before it starts."), code="reversed"
                )
            if start < EARLIEST or end > LATEST:
                raise forms.ValidationError(
                    _("Choose dates between %(first)s and %(last)s.")
                    % {"first": EARLIEST.year, "last": LATEST.year},
                    code="out_of_range",
                )
        return data

    def job_params(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
            "country": data.get("country") or "",
            "language": data["language"],
            "format": data["format"],
        }


@login_required
@require_http_methods(["GET", "POST"])
def findings(request: HttpRequest) -> HttpResponse:
    """GET: the form and the archive (with `?job=`, that job's progress); POST: start the
    findings report job and come back to watch it."""
    user = _user(request)
    scope = access.scope_for(user, Perm.RIGHTS_VIEW_STATISTICS)
    if not scope.anywhere:
        raise PermissionDenied
    countries = list(scope.filter(core_selectors.countries_list().order_by("name"), field="pk"))
    today = timezone.localdate()
    if request.method == "POST":
        form = FindingsForm(request.POST, today=today, countries=countries, region=scope.everywhere)
        if form.is_valid():
            params = form.job_params()
            country = form.countries.get(params["country"])
            if not reports.may_generate(user, country):  # the choices allow only these
                raise PermissionDenied
            started = job_start(kind=FINDINGS_REPORT, user=user, params=params)
            return redirect(f"{reverse('rights:findings')}?{urlencode({'job': started.pk})}")
    else:
        language = get_language() or settings.LANGUAGE_CODE
        form = FindingsForm(
            initial={
                "preset": "last_quarter",
                "date_from": periods.containing(today, PeriodType.QUARTER).start,
                "date_to": today,
                "country": "" if scope.everywhere else (countries[0].iso2 if countries else ""),
                "language": language if language in dict(settings.LANGUAGES) else "en",
                "format": "pdf",
            },
            today=today,
            countries=countries,
            region=scope.everywhere,
        )
    jobs = access.jobs_visible_to(user).filter(kind=FINDINGS_REPORT)
    job_id = request.GET.get("job", "")
    job = jobs.filter(pk=int(job_id)).first() if job_id.isdigit() else None
    return render(
        request,
        "rights/findings.html",
        {
            "form": form,
            "job": job,
            "archive": (jobs.exclude(pk=job.pk) if job else jobs)[:ARCHIVE_SIZE],
            "threshold": selectors.suppression_threshold(),
        },
        status=400 if form.is_bound else 200,
    )


# --- Import ----------------------------------------------------------------------------------


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV or XLSX with a header row; the columns are described below."),
    )

    def clean_file(self) -> Any:
        upload = check_upload_size(self.cleaned_data["file"])
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


@contextmanager
def _temporary_copy(upload: Any) -> Iterator[Path]:
    """The upload as a file on disk, named with its extension (the XLSX reader insists), in a
    private temporary folder removed with everything in it when the block ends."""
    suffix = Path(upload.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="hrmonitor-cases-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        yield path


@login_required
@require_http_methods(["GET", "POST"])
def import_cases(request: HttpRequest) -> HttpResponse:
    """Upload a file of cases: "Check" lists every problem by row and column (nothing is
    written), "Import" writes every row or, when there is any problem, none. Documenters
    import for their organisation in their country, coordinators for their countries."""
    user = _user(request)
    if not access.has_perm(user, Perm.RIGHTS_WRITE_CASES, anywhere=True):
        raise PermissionDenied
    form = CaseImportForm(request.POST or None, request.FILES or None)
    outcome: importing.Outcome | None = None
    write = request.POST.get("action") == "import"
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = importing.apply if write else importing.check
        try:
            with _temporary_copy(upload) as path:
                outcome = run(user, path, upload.name)
        except importing.TableFileError as error:
            form.add_error("file", str(error))
        else:
            if write and not outcome.problems:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d case was imported.",
                        "%(count)d cases were imported.",
                        outcome.written,
                    )
                    % {"count": outcome.written},
                )
                return _private(redirect("rights:cases"))
    return _private(
        render(
            request,
            "rights/import.html",
            {
                "form": form,
                "outcome": outcome,
                "write": write,
                "columns": importing.COLUMNS,
                "code_lists": importing.code_lists(),
                "max_rows": importing.MAX_ROWS,
            },
            status=400
            if form.is_bound and (form.errors or (outcome and outcome.problems))
            else 200,
        )
    )


# --- Export ----------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def export_cases(request: HttpRequest, fmt: str) -> HttpResponse:
    """The cases the user may export, as CSV or XLSX, filtered like the case list (country,
    status, dates received); every case exported is logged. Coordinators get the identifying
    fields of their countries' cases, the regional analyst a pseudonymised file."""
    user = _user(request)
    if fmt not in EXPORT_TYPES:
        raise Http404
    if not importing.may_export(user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    country_code = request.GET.get("country", "")
    export = importing.cases_export(
        user=user,
        fmt=fmt,
        country=Country.objects.filter(iso2=country_code).first() if country_code else None,
        start=_date(request.GET.get("start")),
        end=_date(request.GET.get("end")),
        status=status if status in Case.Status.values else "",
    )
    title = _("Cases")
    content = (
        importing.export_csv(export) if fmt == "csv" else importing.export_xlsx(export, title=title)
    )
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="cases-{timezone.localdate().isoformat()}.{fmt}"'
    )
    return _private(response)
