"""Published case statistics (public, small counts withheld) and the review of the case access
log by those who audit it.

The statistics page and its downloads show only what `rights.suppression` publishes: "<5"
for a withheld small count, "x" for a count withheld so that a small one cannot be worked out
from a total. Raw counts never leave `rights.selectors`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.framework.exports import Cell, Table
from hrmonitor.framework.views import _export
from hrmonitor.rights import codes, selectors
from hrmonitor.rights.models import AccessLog, Case
from hrmonitor.rights.selectors import CaseStatistics, Figure
from hrmonitor.rights.suppression import Published, SuppressedSeries

FIRST_YEAR = 2015  # the year filter offers the years from this one to the current one


# --- Statistics ------------------------------------------------------------------------------


class StatisticsFilter(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)

    def __init__(self, data: Any, *, countries: Sequence[Country], today: dt.date) -> None:
        super().__init__(data)
        year_field: Any = self.fields["year"]
        year_field.choices = [("", _("Choose dates or the last 12 months"))] + [
            (str(y), str(y)) for y in range(today.year, FIRST_YEAR - 1, -1)
        ]
        country_field: Any = self.fields["country"]
        country_field.choices = [("", _("All countries"))] + [(c.iso2, c.name) for c in countries]
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period cannot be before its start."))
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen year, or the chosen dates (an open end is today, an open start twelve
        months before the end), or by default the last twelve months."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("year"):
            year = int(data["year"])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        if start is None and end is None:
            return selectors.last_twelve_months(self.today)
        if end is None:
            end = max(self.today, start or self.today)
        return start or selectors.last_twelve_months(end)[0], end

    def country_code(self) -> str:
        return str(self.cleaned_data.get("country") or "") if self.is_valid() else ""


def _filtered(request: HttpRequest) -> tuple[StatisticsFilter, CaseStatistics, dict[str, Country]]:
    """The filter from the query string, and the statistics it asks for (three queries)."""
    countries = list(core_selectors.countries_list().order_by("name"))
    form = StatisticsFilter(request.GET or None, countries=countries, today=timezone.localdate())
    start, end = form.period()
    by_iso2 = {c.iso2: c for c in countries}
    stats = selectors.case_statistics(
        start=start,
        end=end,
        country=by_iso2.get(form.country_code()),
        threshold=selectors.suppression_threshold(),
    )
    return form, stats, by_iso2


def _figure(key: str, label: str, published: Published, threshold: int) -> Figure:
    return Figure(key, label, published, threshold)


def _violation_table(
    stats: CaseStatistics, countries: dict[str, Country], *, zero_rows: bool = False
) -> dict[str, Any]:
    """Violation types (rows) by country (columns), with totals. Unless `zero_rows`, a type
    whose every entry is a published zero is left out (that it is zero is published anyway)."""
    table, k = stats.by_violation, stats.threshold
    columns = sorted(
        table.columns, key=lambda iso2: countries[iso2].name if iso2 in countries else iso2
    )
    rows = []
    for code in table.rows:
        entries = [table.cell(code, iso2) for iso2 in columns] + [table.row_total(code)]
        if not zero_rows and all(e.value == 0 for e in entries):
            continue
        rows.append(
            {
                "label": codes.label("violations", code),
                "cells": [_figure(iso2, "", table.cell(code, iso2), k) for iso2 in columns],
                "total": _figure(code, "", table.row_total(code), k),
            }
        )
    return {
        "columns": [
            (iso2, countries[iso2].name if iso2 in countries else iso2) for iso2 in columns
        ],
        "rows": rows,
        "column_totals": [_figure(iso2, "", table.column_total(iso2), k) for iso2 in columns],
        "grand_total": _figure("", "", table.grand_total(), k),
    }


def _gender_label(code: str) -> str:
    return str(dict(Case.Gender.choices).get(code, code))


def _series(
    series: SuppressedSeries, label: Callable[[str], str], threshold: int, *, total: bool
) -> dict[str, Any]:
    return {
        "rows": [
            _figure(key, label(key), series.count(key), threshold) for key in series.categories
        ],
        "total": _figure("", "", series.total(), threshold) if total else None,
    }


def _breakdowns(stats: CaseStatistics) -> list[dict[str, Any]]:
    """The one-way tables of the page and of the downloads, in the order shown."""
    k = stats.threshold
    return [
        {
            "id": "perpetrator",
            "title": _("Cases by perpetrator"),
            "note": _("A case counts once under each perpetrator of its acts."),
            **_series(
                stats.by_perpetrator, lambda c: codes.label("perpetrators", c), k, total=False
            ),
        },
        {
            "id": "key-group",
            "title": _("Cases by key group"),
            "note": _("A case counts once under each key group of the client, or under none."),
            **_series(stats.by_key_group, lambda c: codes.label("key_groups", c), k, total=False),
        },
        {
            "id": "gender",
            "title": _("Cases by gender"),
            "note": "",
            **_series(stats.by_gender, _gender_label, k, total=True),
        },
        {
            "id": "quarter",
            "title": _("Cases by quarter of receipt"),
            "note": _("The first and last quarters may be covered only in part by the period."),
            **_series(stats.by_quarter, str, k, total=True),
        },
    ]


def _charts(violations: dict[str, Any], breakdowns: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of published values only: a withheld entry is no bar (a quarter keeps its place on
    the axis, empty)."""
    charts = [
        {
            "id": "chart-violation",
            "title": _("Cases by violation type"),
            "labels": [r["label"] for r in violations["rows"] if (r["total"].value or 0) > 0],
            "values": [r["total"].value for r in violations["rows"] if (r["total"].value or 0) > 0],
        }
    ]
    for breakdown in breakdowns:
        rows = breakdown["rows"]
        if breakdown["id"] == "quarter":
            shown = rows
        else:
            shown = [f for f in rows if (f.value or 0) > 0]
        charts.append(
            {
                "id": f"chart-{breakdown['id']}",
                "title": breakdown["title"],
                "labels": [f.label for f in shown],
                "values": [f.value for f in shown],
            }
        )
    return {"charts": [c for c in charts if any(v for v in c["values"])], "cases": _("Cases")}


def statistics(request: HttpRequest) -> HttpResponse:
    """Published statistics of documented human rights cases: public, every small count
    withheld (see `rights.selectors` for what is counted)."""
    form, stats, countries = _filtered(request)
    violations = _violation_table(stats, countries)
    breakdowns = _breakdowns(stats)
    return render(
        request,
        "rights/statistics.html",
        {
            "form": form,
            "stats": stats,
            "country": countries.get(stats.country),
            "total": _figure("", "", stats.total, stats.threshold),
            "violations": violations,
            "breakdowns": breakdowns,
            "chart": _charts(violations, breakdowns),
            "threshold": stats.threshold,
            "threshold_less_one": stats.threshold - 1,
        },
    )


def _withheld_note(figure: Figure) -> str:
    if figure.reason == "primary":
        return _("fewer than %(threshold)s") % {"threshold": figure.threshold}
    if figure.reason == "secondary":
        return _("withheld to protect a smaller count")
    return ""


def _value(figure: Figure) -> Cell:
    return figure.value if figure.value is not None else figure.text


def _export_rows(stats: CaseStatistics, countries: dict[str, Country]) -> Iterator[list[Cell]]:
    period = f"{stats.start.isoformat()}/{stats.end.isoformat()}"
    scope = countries[stats.country].name if stats.country in countries else _("All countries")

    def row(section: str, place: str, category: str, figure: Figure) -> list[Cell]:
        return [period, section, place, category, _value(figure), _withheld_note(figure)]

    k = stats.threshold
    yield row(_("Cases"), scope, _("All cases"), _figure("", "", stats.total, k))
    violations = _violation_table(stats, countries, zero_rows=True)
    section = _("Cases by violation type and country")
    names = dict(violations["columns"])
    for entry in violations["rows"]:
        for figure in entry["cells"]:
            yield row(section, names[figure.key], entry["label"], figure)
        yield row(section, _("All countries"), entry["label"], entry["total"])
    section = _("Violations by country (a case counts once under each type)")
    for figure in violations["column_totals"]:
        yield row(section, names[figure.key], _("All types"), figure)
    if violations["columns"]:
        yield row(section, _("All countries"), _("All types"), violations["grand_total"])
    for breakdown in _breakdowns(stats):
        for figure in breakdown["rows"]:
            yield row(breakdown["title"], scope, figure.label, figure)
        if breakdown["total"] is not None:
            yield row(breakdown["title"], scope, _("All cases"), breakdown["total"])


def statistics_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The published values of the statistics page as CSV, XLSX or JSON — "<5" and "x" where
    the page shows them, never a raw count."""
    _form, stats, countries = _filtered(request)
    header = [_("Period"), _("Table"), _("Country"), _("Category"), _("Value"), _("Withheld")]
    title = _("Human rights cases, published values")
    table = Table(title=title, header=header, rows=list(_export_rows(stats, countries)))
    suffix = f"-{stats.country}" if stats.country else ""
    return _export(
        table, fmt, f"human-rights-cases{suffix}-{stats.start.isoformat()}-{stats.end.isoformat()}"
    )


# --- The access log --------------------------------------------------------------------------

ACCESS_LOG_PAGE_SIZE = 50


class AccessLogFilter(forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    case = forms.CharField(label=gettext_lazy("Case reference"), required=False, max_length=12)
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All"))] + list(AccessLog.Action.choices),
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _access_log_rows(entries: Any) -> Iterator[list[Cell]]:
    actions = dict(AccessLog.Action.choices)
    for at, username, action, reference, detail in entries.values_list(
        "at", "username", "action", "case_reference", "detail"
    ).iterator(chunk_size=2000):
        yield [
            timezone.localtime(at),
            username,
            str(actions.get(action, action)),
            reference,
            detail,
        ]


@login_required
def access_log(request: HttpRequest) -> HttpResponseBase:
    """The append-only log of every access to a case, newest first, for the Secretariat
    administrator and the audit body; `?format=csv` downloads the filtered log. Reading the
    log is not an access to a case, so it is not itself logged."""
    access.require_perm(request.user, Perm.RIGHTS_VIEW_ACCESS_LOG)
    form = AccessLogFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries = selectors.access_log_entries(
        username=(data.get("user") or "").strip(),
        reference=(data.get("case") or "").strip(),
        action=data.get("action") or "",
        start=data.get("start"),
        end=data.get("end"),
    )
    if request.GET.get("format") == "csv":
        table = Table(
            title=_("Case access log"),
            header=[_("When"), _("User"), _("Action"), _("Case"), _("Detail")],
            rows=_access_log_rows(entries),
        )
        return _export(table, "csv", "case-access-log")
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rights/access_log.html", {"form": form, "page": page})
