from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.framework import (
    dhis2,
    disaggregation,
    errors,
    exports,
    importing,
    imports_service,
    periods,
    selectors,
    sources,
    values,
)
from hrmonitor.framework import services as framework_services
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.forms import EvidenceForm, ImportForm
from hrmonitor.framework.models import DataValue, Indicator
from hrmonitor.framework.templatetags.framework_tags import indicator_value, input_value


def browser(request: HttpRequest) -> HttpResponse:
    """The framework: objectives > activities > indicators, with a search over indicators."""
    query = request.GET.get("q", "").strip()
    context = {
        "framework": selectors.framework_main(),
        "objectives": selectors.objectives_tree(),
        "query": query,
        "matches": selectors.indicators_search(query) if query else None,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "search-results":
        return render(request, "framework/_search_results.html", context)
    return render(request, "framework/browser.html", context)


def objective_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The objective with its activities, and the roll-up of its indicators' progress."""
    objective = selectors.objective_by_code(code)
    if objective is None:
        raise Http404
    indicators = list(objective.indicators.all())
    countries = list(core_selectors.countries_list().order_by("name"))
    computer = Computer.for_indicators(indicators, countries=countries)
    rows = selectors.progress_rows(
        indicators, [None], computer=computer, years=selectors.reporting_years()
    )
    rollup: dict[str, int] = defaultdict(int)
    for row in rows:
        rollup[row.status] += 1
    return render(
        request,
        "framework/objective_detail.html",
        {
            "objective": objective,
            "rows": rows,
            "rollup": [(status, rollup[status]) for status in STATUS_ORDER if rollup[status]],
            "chart": _chart_data(rows),
        },
    )


STATUS_ORDER = [
    "achieved",
    "on_track",
    "at_risk",
    "off_track",
    "no_baseline",
    "no_target",
    "no_data",
]


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The indicator, how it is measured, and where it stands in the region and each country."""
    indicator = selectors.indicator_by_code(code)
    if indicator is None:
        raise Http404
    countries = list(core_selectors.countries_list().order_by("name"))
    computer = Computer.for_indicators([indicator], countries=countries)
    years = selectors.reporting_years()
    places: list[Country | None] = (
        [] if indicator.level == Indicator.Level.REGIONAL else list(countries)
    )
    if indicator.level == Indicator.Level.REGIONAL or indicator.space_aggregation != "none":
        places.insert(0, None)
    rows = selectors.progress_rows([indicator], places, computer=computer, years=years)
    region = rows[0] if rows and rows[0].country is None else None
    return render(
        request,
        "framework/indicator_detail.html",
        {
            "indicator": indicator,
            "region": region,
            "region_rows": [region] if region else [],
            "country_rows": [
                r
                for r in rows
                if r.country is not None and (r.actual.value is not None or r.target)
            ],
            "years": [y.key for y in years],
            "chart": _chart_data([region] if region else []),
            "choropleth": _choropleth(indicator, rows),
            "can_edit": access.has_perm(request.user, Perm.FRAMEWORK_EDIT),
        },
    )


def _choropleth(indicator: Indicator, rows: list[selectors.ProgressRow]) -> dict[str, Any]:
    """Each country's latest approved value, for the map on the indicator page."""
    return {
        "geojson_url": reverse("core:map_geojson"),
        "yes_no": indicator.unit == Indicator.Unit.YES_NO,
        "countries": [
            {
                "map_name": row.country.map_name,
                "name": row.country.name,
                "value": float(row.actual.value),
                "label": indicator_value(row.actual.value, indicator),
                "period": row.actual_period,
            }
            for row in rows
            if row.country is not None and row.actual.value is not None
        ],
    }


# --- Data entry, review, progress ------------------------------------------------------------


def _place(request: HttpRequest, place: str) -> Country | None:
    """`region` or a country's ISO code from the URL."""
    if place == "region":
        return None
    country = core_selectors.country_by_iso2(place)
    if country is None:
        raise Http404
    return country


def _period_key(period: str) -> str:
    try:
        return periods.parse_period(period).key
    except periods.PeriodError:
        raise Http404 from None


@login_required
def entry_start(request: HttpRequest) -> HttpResponse:
    """Choose the form to fill: a country (or the region) and a period."""
    scope = access.scope_for(request.user, Perm.FRAMEWORK_ENTER_DATA)
    if not scope.anywhere:
        raise PermissionDenied
    countries = scope.filter(core_selectors.countries_list(), field="pk")
    default_period = str(timezone.localdate().year - 1)
    place = request.GET.get("place")
    period = request.GET.get("period", "").strip()
    if place and period:
        try:
            key = errors.period_or_error(period).key
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("framework:entry", place=place, period=key)
    return render(
        request,
        "framework/entry_start.html",
        {
            "countries": countries,
            "region_allowed": scope.everywhere,
            "default_period": default_period,
            "period_help": errors.PERIOD_HELP,
        },
    )


def _entry_context(request: HttpRequest, country: Country | None, period: str) -> dict[str, Any]:
    indicators = list(selectors.entry_indicators(regional=country is None))
    values = selectors.entry_values(
        access.data_values_visible_to(request.user), country=country, period=period
    )
    rows = [entry_row(indicator, values) for indicator in indicators]
    counts: dict[str, int] = defaultdict(int)
    for value in values.values():
        counts[value.status] += 1
    return {
        "country": country,
        "place": country.iso2 if country else "region",
        "period": period,
        "rows": rows,
        "counts": dict(counts),
    }


def entry_row(indicator: Indicator, values: dict[tuple[int, str], DataValue]) -> dict[str, Any]:
    """One indicator of the form: its total and, per disaggregation, one cell per option."""
    cells = [{"key": "", "label": "", "value": values.get((indicator.pk, ""))}]
    for category in indicator.disaggregations.all():
        for option in category.options.all():
            key = disaggregation.canonical_key({category.code: option.code})
            cells.append(
                {
                    "key": key,
                    "label": f"{category.name}: {option.name}",
                    "value": values.get((indicator.pk, key)),
                }
            )
    return {"indicator": indicator, "cells": cells}


@login_required
def entry(request: HttpRequest, place: str, period: str) -> HttpResponse:
    country = _place(request, place)
    period = _period_key(period)
    access.require_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, country.pk if country else None)
    return render(request, "framework/entry.html", _entry_context(request, country, period))


@login_required
@require_POST
def entry_save(request: HttpRequest, place: str, period: str) -> HttpResponse:
    """Save one cell (htmx) and answer with the indicator's rows, errors included."""
    country = _place(request, place)
    period = _period_key(period)
    indicator = selectors.indicator_by_code(request.POST.get("indicator", ""))
    if indicator is None:
        raise Http404
    key = request.POST.get("key", "")
    error = ""
    try:
        existing = (
            access.data_values_visible_to(request.user)
            .filter(indicator=indicator, country=country, period=period, disaggregation=key)
            .first()
        )
        raw_value = (
            request.POST["value"]
            if "value" in request.POST
            else (existing.value if existing else None)
        )
        values.data_value_save(
            user=request.user,  # type: ignore[arg-type]
            indicator=indicator,
            country=country,
            period=period,
            disaggregation=key,
            value=raw_value,
            comment=request.POST.get("comment"),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    current = selectors.entry_values(
        access.data_values_visible_to(request.user).filter(indicator=indicator),
        country=country,
        period=period,
    )
    indicator = selectors.entry_indicators(regional=country is None).get(pk=indicator.pk)
    return render(
        request,
        "framework/entry/_indicator.html",
        {
            "row": entry_row(indicator, current),
            "place": place,
            "period": period,
            "error": error,
            "error_key": key,
        },
    )


@login_required
@require_POST
def entry_submit(request: HttpRequest, place: str, period: str) -> HttpResponse:
    """Submit every draft of the form for approval — all or none."""
    country = _place(request, place)
    period = _period_key(period)
    drafts = list(
        access.data_values_visible_to(request.user)
        .filter(
            country=country,
            period=period,
            status__in=[DataValue.Status.DRAFT, DataValue.Status.RETURNED],
        )
        .prefetch_related("indicator__rules", "indicator__disaggregations__options", "evidence")
    )
    try:
        count = values.data_values_submit(user=request.user, values=drafts)  # type: ignore[arg-type]
    except values.DataValueError as exc:
        context = _entry_context(request, country, period)
        context["problems"] = exc.problems
        return render(request, "framework/entry.html", context, status=422)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d value submitted for approval.",
                "%(count)d values submitted for approval.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There was no draft to submit."))
    return redirect("framework:entry", place=place, period=period)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence document, for whoever may see its value (public once approved); always as
    a download. Uploaded files are never served from media/ directly."""
    found = access.evidence_file_get_for_user(request.user, pk)
    return FileResponse(
        found.file.open("rb"), as_attachment=True, filename=Path(found.file.name or "evidence").name
    )


def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of a value; add a file or a link while the value can change."""
    value = access.data_value_get_for_user(request.user, pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                values.evidence_attach(
                    user=request.user,  # type: ignore[arg-type]
                    value=value,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                    url=form.cleaned_data["url"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("framework:evidence", pk=value.pk)
    return render(
        request,
        "framework/evidence.html",
        {"value": value, "form": form, "evidence": value.evidence.all()},
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Submitted values waiting for approval, where the user may approve."""
    scope = access.scope_for(request.user, Perm.FRAMEWORK_APPROVE)
    if not scope.anywhere:
        raise PermissionDenied
    queue = selectors.review_queue(
        scope.filter(access.data_values_visible_to(request.user), field="country")
        if not scope.everywhere
        else access.data_values_visible_to(request.user)
    )
    return render(request, "framework/review.html", {"queue": queue})


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or return one value (htmx); answers with its updated row."""
    value = access.data_value_get_for_user(request.user, pk)
    error = ""
    try:
        if request.POST.get("decision") == "approve":
            values.data_value_approve(user=request.user, value=value)  # type: ignore[arg-type]
        elif request.POST.get("decision") == "return":
            values.data_value_return(
                user=request.user,  # type: ignore[arg-type]
                value=value,
                comment=request.POST.get("comment", ""),
            )
        elif request.POST.get("decision") == "reopen":
            values.data_value_reopen(
                user=request.user,  # type: ignore[arg-type]
                value=value,
                comment=request.POST.get("comment", ""),
            )
        else:
            return HttpResponse(status=400)
    except (ValidationError, PermissionDenied) as exc:
        error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    value.refresh_from_db()
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return redirect(request.POST.get("next") or "framework:review")
    return render(request, "framework/review/_row.html", {"value": value, "error": error})


def _places() -> list[Country | None]:
    return [None, *core_selectors.countries_list().order_by("name")]


def dashboard(request: HttpRequest) -> HttpResponse:
    """Key indicators for the region: baseline, target, latest value, percent, status."""
    indicators = list(selectors.indicators_list().filter(is_key=True))
    countries = list(core_selectors.countries_list().order_by("name"))
    computer = Computer.for_indicators(indicators, countries=countries)
    years = selectors.reporting_years()
    rows = selectors.progress_rows(indicators, [None], computer=computer, years=years)
    return render(
        request,
        "framework/dashboard.html",
        {"rows": rows, "years": [y.key for y in years], "chart": _chart_data(rows)},
    )


def _chart_data(rows: list[selectors.ProgressRow]) -> dict[str, Any]:
    return {
        "series": [
            {
                "code": row.indicator.code,
                "place": row.place,
                "points": [[key, float(v) if v is not None else None] for key, v in row.series],
                "target": float(row.target.value) if row.target else None,
            }
            for row in rows
        ]
    }


def lineage(request: HttpRequest) -> HttpResponse:
    """The records behind one computed number: "this 7 = these 7 records"."""
    indicator = selectors.indicator_by_code(request.GET.get("indicator", ""))
    if indicator is None:
        raise Http404
    country = _place(request, request.GET.get("place") or "region")
    period = periods.parse_period(_period_key(request.GET.get("period", "")))
    countries = list(core_selectors.countries_list())
    computer = Computer.for_indicators([indicator], countries=countries)
    result = computer.value(indicator, country, period)
    records = selectors.lineage_records(request.user, result.lineage)
    module_records = sources.describe_lineage(request.user, result.lineage)
    return render(
        request,
        "framework/lineage.html",
        {
            "indicator": indicator,
            "country": country,
            "period": period.key,
            "result": result,
            "records": records,
            "module_records": module_records,
            "shown": len(records) + len(module_records),
        },
    )


# --- Exports ---------------------------------------------------------------------------------

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _export(table: exports.Table, fmt: str, filename: str) -> HttpResponseBase:
    if fmt not in EXPORT_TYPES:
        raise Http404
    disposition = f'attachment; filename="{filename}.{fmt}"'
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            exports.csv_stream(table), content_type=EXPORT_TYPES[fmt]
        )
    elif fmt == "xlsx":
        response = HttpResponse(exports.xlsx_bytes(table), content_type=EXPORT_TYPES[fmt])
    else:
        response = HttpResponse(exports.json_bytes(table), content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = disposition
    return response


def export_values(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The values the user may see, filtered by indicator, country, period and status."""
    rows = access.data_values_visible_to(request.user)
    filters = {
        "indicator": "indicator__code",
        "country": "country__iso2",
        "period": "period",
        "status": "status",
    }
    for param, lookup in filters.items():
        if request.GET.get(param):
            rows = rows.filter(**{lookup: request.GET[param]})
    return _export(exports.values_table(rows), fmt, "hrmonitor-values")


def export_dashboard(request: HttpRequest, fmt: str) -> HttpResponseBase:
    indicators = list(selectors.indicators_list().filter(is_key=True))
    countries = list(core_selectors.countries_list().order_by("name"))
    computer = Computer.for_indicators(indicators, countries=countries)
    rows = selectors.progress_rows(
        indicators, [None], computer=computer, years=selectors.reporting_years()
    )
    return _export(
        exports.progress_table(_("Key indicators"), rows), fmt, "hrmonitor-key-indicators"
    )


# --- Import ----------------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a CSV or XLSX file of values; it is checked first, in the background."""
    if not access.has_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, anywhere=True):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = imports_service.import_batch_create(user=request.user, upload=upload)  # type: ignore[arg-type]
        imports_service.import_batch_check(batch=batch, user=request.user)  # type: ignore[arg-type]
        return redirect("framework:import_detail", pk=batch.pk)
    recent = selectors.import_batches_of(request.user)
    return render(request, "framework/import.html", {"form": form, "recent": recent})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.import_batch_get_for_user(request.user, pk)
    return render(request, "framework/import_detail.html", {"batch": batch})


@login_required
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.import_batch_get_for_user(request.user, pk)
    try:
        imports_service.import_batch_apply(batch=batch, user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("framework:import_detail", pk=batch.pk)


# --- IPTT ------------------------------------------------------------------------------------

IPTT_PAGE_SIZE = 25


def _iptt(request: HttpRequest, *, with_parts: bool = False) -> dict[str, Any]:
    """The IPTT's filters from the query string, and its rows."""
    place_code = request.GET.get("place", "region")
    countries = list(core_selectors.countries_list().order_by("name"))
    group = countries  # the countries a regional value adds up
    sub_region = None
    if place_code.startswith("sub-"):
        sub_region = core_selectors.sub_region_by_code(place_code[4:])
        if sub_region is None:
            raise Http404
        place = None
        group = [c for c in countries if c.sub_region_id == sub_region.pk]
    else:
        place = None if place_code == "region" else core_selectors.country_by_iso2(place_code)
        if place_code != "region" and place is None:
            raise Http404
    indicators = selectors.indicators_list().prefetch_related("disaggregations__options")
    objective = request.GET.get("objective", "")
    if objective:
        indicators = indicators.filter(objective__code=objective)
    if request.GET.get("key") == "1":
        indicators = indicators.filter(is_key=True)
    if place is not None or sub_region is not None:
        indicators = indicators.exclude(level=Indicator.Level.REGIONAL)
    years = selectors.reporting_years()
    first, last = request.GET.get("from", ""), request.GET.get("to", "")
    years = [y for y in years if (not first or y.key >= first) and (not last or y.key <= last)]
    page = None
    if not with_parts:
        # 25 indicators a page: a framework of 150 indicators stays readable and fast.
        page = Paginator(indicators, IPTT_PAGE_SIZE).get_page(request.GET.get("page"))
        indicator_list = list(page.object_list)
    else:
        indicator_list = list(indicators)
    computer = Computer.for_indicators(
        indicator_list, countries=group, periods=[y.key for y in years]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "query": query.urlencode(),
        "rows": selectors.iptt_rows(
            indicator_list, place, years, computer=computer, with_parts=with_parts
        ),
        "years": [y.key for y in years],
        "all_years": [y.key for y in selectors.reporting_years()],
        "place": place,
        "place_code": place_code,
        "objective": objective,
        "key_only": request.GET.get("key") == "1",
        "objectives": selectors.objectives_list(),
        "countries": countries,
        "sub_regions": core_selectors.sub_regions_list(),
        "sub_region": sub_region,
        "first": first,
        "last": last,
    }


def iptt(request: HttpRequest) -> HttpResponse:
    """Indicator performance tracking table: every indicator × year, target against actual."""
    context = _iptt(request)
    if request.headers.get("HX-Request"):
        return render(request, "framework/_iptt_table.html", context)
    return render(request, "framework/iptt.html", context)


def iptt_parts(request: HttpRequest) -> HttpResponse:
    """The disaggregated rows of one indicator of the IPTT, loaded when expanded (htmx)."""
    indicator = selectors.indicator_by_code(request.GET.get("indicator", ""))
    if indicator is None:
        raise Http404
    place_code = request.GET.get("place", "region")
    place = None if place_code == "region" else core_selectors.country_by_iso2(place_code)
    first, last = request.GET.get("from", ""), request.GET.get("to", "")
    years = [
        y
        for y in selectors.reporting_years()
        if (not first or y.key >= first) and (not last or y.key <= last)
    ]
    keys = [y.key for y in years]
    parts = selectors.iptt_parts([indicator], place, keys)
    rows = selectors.part_rows(indicator, place, years, parts)
    return render(request, "framework/_iptt_parts.html", {"rows": rows})


def export_iptt(request: HttpRequest, fmt: str) -> HttpResponseBase:
    context = _iptt(request, with_parts=True)
    header = [_("Indicator"), _("Disaggregation")]
    for year in context["years"]:
        header += [
            _("%(period)s target") % {"period": year},
            _("%(period)s actual") % {"period": year},
        ]
    body = []
    for row in context["rows"]:
        line: list[Any] = [row.indicator.code, row.label]
        for cell in row.cells:
            line += [cell.target, cell.actual]
        body.append(line)
    place = context["place"].name if context["place"] else _("Region")
    if context["sub_region"]:
        place = context["sub_region"].name
    table = exports.Table(title=_("IPTT — %(place)s") % {"place": place}, header=header, rows=body)
    return _export(table, fmt, "hrmonitor-iptt")


def export_dhis2(request: HttpRequest) -> HttpResponse:
    """Approved values as a DHIS2 dataValueSets JSON document (with the configured mapping),
    filtered by indicator, country and period."""
    rows = access.data_values_visible_to(request.user).filter(status=DataValue.Status.APPROVED)
    for param, lookup in {
        "indicator": "indicator__code",
        "country": "country__iso2",
        "period": "period",
    }.items():
        if request.GET.get(param):
            rows = rows.filter(**{lookup: request.GET[param]})
    found = (
        dhis2.Value(
            indicator=code,
            place=iso2 or "region",
            period=period,
            disaggregation=key,
            value=input_value(number),
            comment=comment,
        )
        for code, iso2, period, key, number, comment in rows.order_by(
            "indicator__code", "country__iso2", "period", "disaggregation"
        ).values_list(
            "indicator__code", "country__iso2", "period", "disaggregation", "value", "comment"
        )
    )
    document = dhis2.export_set(found, importing.dhis2_codes())
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="hrmonitor-dataValueSets.json"'
    return response


# --- Targets ---------------------------------------------------------------------------------


def _target_rows(indicator: Indicator) -> list[dict[str, Any]]:
    places: list[Country | None] = [None]
    if indicator.level != Indicator.Level.REGIONAL:
        places += list(core_selectors.countries_list().order_by("name"))
    found = selectors.targets_for([indicator])
    return [
        {
            "place": place,
            "code": place.iso2 if place else "region",
            "baseline": found.get((indicator.pk, place.pk if place else None), {}).get("baseline"),
            "target": found.get((indicator.pk, place.pk if place else None), {}).get("target"),
        }
        for place in places
    ]


@login_required
def targets(request: HttpRequest, code: str) -> HttpResponse:
    """Baselines and targets of one indicator, for the region and each country."""
    access.require_perm(request.user, Perm.FRAMEWORK_EDIT)
    indicator = selectors.indicator_by_code(code)
    if indicator is None:
        raise Http404
    return render(
        request,
        "framework/targets.html",
        {
            "indicator": indicator,
            "rows": _target_rows(indicator),
            "period_help": errors.PERIOD_HELP,
        },
    )


@login_required
@require_POST
def target_save(request: HttpRequest, code: str) -> HttpResponse:
    """Save one baseline or target (htmx): answers with the row, errors included."""
    access.require_perm(request.user, Perm.FRAMEWORK_EDIT)
    indicator = selectors.indicator_by_code(code)
    if indicator is None:
        raise Http404
    place_code = request.POST.get("place", "region")
    country = _place(request, place_code)
    existing = selectors.target_by_pk(indicator, request.POST.get("target", ""))
    error = ""
    try:
        framework_services.target_set(
            user=request.user,  # type: ignore[arg-type]
            indicator=indicator,
            country=country,
            kind=request.POST.get("kind", ""),
            period=request.POST.get("period", ""),
            value=request.POST.get("value", ""),
            target=existing,
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    row = next(r for r in _target_rows(indicator) if r["code"] == place_code)
    return render(
        request,
        "framework/targets/_row.html",
        {
            "indicator": indicator,
            "row": row,
            "error": error,
            "error_kind": request.POST.get("kind"),
        },
    )
