"""The Secretariat's progress report page: choose a period (a preset or two dates), a language
and a format; the report is written by a background job, and earlier reports stay listed."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hrmonitor.core import access
from hrmonitor.core.jobs import job_start
from hrmonitor.core.roles import Perm
from hrmonitor.framework import periods
from hrmonitor.framework.periods import Period, PeriodType
from hrmonitor.monitoring.tasks import PROGRESS_REPORT

CUSTOM = "custom"
# A report's indicators look back several years; periods module years start at 1900.
EARLIEST = dt.date(1950, 1, 1)
LATEST = dt.date(2199, 12, 31)
ARCHIVE_SIZE = 20


def presets(today: dt.date) -> dict[str, Period]:
    """The periods offered with one click, computed from `today`."""
    this_quarter = periods.containing(today, PeriodType.QUARTER)
    return {
        "this_quarter": this_quarter,
        "last_quarter": periods.shift(this_quarter, -1),
        "this_year": periods.year(today.year),
        "last_year": periods.year(today.year - 1),
    }


class ReportForm(forms.Form):
    preset = forms.ChoiceField(
        label=gettext_lazy("Period"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "class": "form-control form-control-sm",
                "aria-describedby": "report-dates-help",
            },
            format="%Y-%m-%d",
        ),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "class": "form-control form-control-sm",
                "aria-describedby": "report-dates-help",
            },
            format="%Y-%m-%d",
        ),
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

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.presets = presets(today)
        labels = {
            "this_quarter": _("This quarter"),
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
            "language": data["language"],
            "format": data["format"],
        }


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """GET: the form and the archive (with `?job=`, that job's progress); POST: start the
    report job and come back to watch it. The report is the Secretariat's."""
    if not access.has_perm(request.user, Perm.MONITORING_PLAN):
        raise PermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        form = ReportForm(request.POST, today=today)
        if form.is_valid():
            started = job_start(
                kind=PROGRESS_REPORT,
                user=request.user,  # type: ignore[arg-type]  # signed in: login_required
                params=form.job_params(),
            )
            return redirect(f"{reverse('monitoring:report')}?{urlencode({'job': started.pk})}")
    else:
        this_quarter = presets(today)["this_quarter"]
        language = get_language() or settings.LANGUAGE_CODE
        form = ReportForm(
            today=today,
            initial={
                "preset": "last_quarter",
                "date_from": this_quarter.start,
                "date_to": today,
                "language": language if language in dict(settings.LANGUAGES) else "en",
                "format": "pdf",
            },
        )
    reports = access.jobs_visible_to(request.user).filter(kind=PROGRESS_REPORT)
    job_id = request.GET.get("job", "")
    job = reports.filter(pk=int(job_id)).first() if job_id.isdigit() else None
    return render(
        request,
        "monitoring/report.html",
        {
            "form": form,
            "job": job,
            "archive": (reports.exclude(pk=job.pk) if job else reports)[:ARCHIVE_SIZE],
        },
        status=400 if form.is_bound else 200,
    )
