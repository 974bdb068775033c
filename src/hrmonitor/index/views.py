"""Pages of the drug policy index: the public ranking, country cards, the map, comparisons,
the methodology and downloads; and the Secretariat's definitions and edition workspace."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrmonitor.core import access as core_access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.framework.views import _export
from hrmonitor.index import access, exports, selectors, services, survey
from hrmonitor.index.forms import (
    DefinitionForm,
    DefinitionVersionForm,
    DeskCodingForm,
    EditionDetailsForm,
    EditionForm,
    SurveyResponseForm,
)
from hrmonitor.index.models import Edition

# --- Public pages ----------------------------------------------------------------------------


def _countries_by_iso2() -> dict[str, Country]:
    return {c.iso2: c for c in selectors.countries()}


def _map_data(rows: list[selectors.RankingRow], edition: Edition) -> dict[str, Any]:
    return {
        "geojson_url": reverse("core:map_geojson"),
        "countries": [
            {
                "map_name": row.country.map_name,
                "name": row.country.name,
                "value": round(row.score, 1),
                "rank": row.rank,
                "url": reverse("index:country", args=[edition.pk, row.country.iso2]),
            }
            for row in rows
            if row.score is not None
        ],
    }


def _ranking(request: HttpRequest, edition: Edition | None) -> HttpResponse:
    context: dict[str, Any] = {
        "edition": edition,
        "published": list(selectors.editions_published()),
        "can_manage": access.can_manage_index(request.user),
    }
    if edition is not None:
        index_spec = selectors.edition_spec(edition)
        countries = _countries_by_iso2()
        rows = selectors.ranking_rows(edition, index_spec, countries)
        context.update(
            {
                "spec": index_spec,
                "rows": rows,
                "with_intervals": any(r.interval for r in rows),
                "not_covered": [
                    countries[iso2]
                    for iso2 in (edition.results or {}).get("not_covered", [])
                    if iso2 in countries
                ],
                "map_data": _map_data(rows, edition),
                "runs": (edition.uncertainty or {}).get("runs"),
            }
        )
    return render(request, "index/ranking.html", context)


def ranking(request: HttpRequest) -> HttpResponse:
    """The latest published edition's ranking (`?edition=` switches to another one)."""
    chosen = request.GET.get("edition", "")
    if chosen.isdigit():
        return redirect("index:edition", pk=int(chosen))
    return _ranking(request, selectors.edition_latest_published())


def edition_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """One edition's ranking (drafts only for the Secretariat, as a preview)."""
    return _ranking(request, access.edition_get_for_user(request.user, pk))


def country(request: HttpRequest, pk: int, iso2: str) -> HttpResponse:
    """A country's card: its index and dimension scores, every indicator's raw value and
    source, and its score in the other published editions of the same index."""
    edition = access.edition_get_for_user(request.user, pk)
    found = core_selectors.country_by_iso2(iso2)
    if found is None:
        raise Http404
    index_spec = selectors.edition_spec(edition)
    history = selectors.editions_published().filter(definition__code=edition.definition.code)
    card = selectors.country_card(edition, index_spec, found, history=list(history))
    return render(
        request,
        "index/country.html",
        {"edition": edition, "spec": index_spec, "card": card},
    )


def methodology(request: HttpRequest, pk: int) -> HttpResponse:
    """How the edition is computed, generated from its definition."""
    edition = access.edition_get_for_user(request.user, pk)
    index_spec = selectors.edition_spec(edition)
    weights = {node["code"]: node["weight"] for node in (edition.results or {}).get("nodes", [])}
    dimension_total = sum(d.weight for d in index_spec.dimensions) or 1.0
    dimensions = [
        {
            "spec": d,
            "share": 100 * d.weight / dimension_total,
            "indicators": [
                {
                    "spec": i,
                    "share": 100 * i.weight / (sum(x.weight for x in d.indicators) or 1.0),
                }
                for i in d.indicators
            ],
        }
        for d in index_spec.dimensions
    ]
    return render(
        request,
        "index/methodology.html",
        {
            "edition": edition,
            "definition": edition.definition,
            "spec": index_spec,
            "dimensions": dimensions,
            "weights": weights,
            "uncertainty": edition.uncertainty or {},
            "mad_share": round(100 * survey.DISAGREEMENT_MAD_SHARE),
            "range_share": round(100 * survey.DISAGREEMENT_RANGE_SHARE),
            "min_coverage": 100 * index_spec.min_coverage,
        },
    )


def compare(request: HttpRequest) -> HttpResponse:
    """Rank changes between two published editions (by default the two latest)."""
    published = list(selectors.editions_published())
    by_pk = {str(e.pk): e for e in published}
    first = by_pk.get(request.GET.get("from", ""))
    second = by_pk.get(request.GET.get("to", ""))
    if second is None and published:
        second = published[0]
    if first is None and len(published) > 1:
        first = next((e for e in published if e != second), None)
    rows = (
        selectors.comparison_rows(first, second, _countries_by_iso2())
        if first is not None and second is not None
        else []
    )
    return render(
        request,
        "index/compare.html",
        {
            "published": published,
            "first": first,
            "second": second,
            "rows": rows,
            "same_definition": first is not None
            and second is not None
            and first.definition_id == second.definition_id,
        },
    )


def download(request: HttpRequest, pk: int, stage: str, fmt: str) -> HttpResponseBase:
    """Raw values, normalised indicators or aggregated results as CSV, XLSX or JSON."""
    edition = access.edition_get_for_user(request.user, pk)
    build = exports.STAGES.get(stage)
    if build is None or not edition.results:
        raise Http404
    table = build(edition, selectors.edition_spec(edition), selectors.countries())
    return _export(table, fmt, f"index-{edition.year}-{stage}")


# --- The Secretariat's pages -----------------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    access.require_index_manager(request.user)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Definitions and editions, and the form that starts a new edition."""
    _require_manager(request)
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = services.edition_create(
                user=request.user,  # type: ignore[arg-type]
                definition=data["definition"],
                year=data["year"],
                title_en=data["title_en"],
                title_ru=data["title_ru"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("index:workspace", pk=edition.pk)
    return render(
        request,
        "index/manage.html",
        {
            "definitions": selectors.definitions_latest(),
            "editions": selectors.editions_for_management(),
            "form": form,
        },
    )


@login_required
def definition_new(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = DefinitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            definition = services.definition_create(
                user=request.user,  # type: ignore[arg-type]
                code=data["code"],
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                description_en=data["description_en"],
                description_ru=data["description_ru"],
                spec_data=data["spec"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The definition was saved as version 1."))
            return redirect("index:definition", pk=definition.pk)
    return render(request, "index/definition_form.html", {"form": form, "definition": None})


@login_required
def definition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A definition version, its questions, and the form that saves the next version."""
    definition = access.definition_get_for_user(request.user, pk, write=True)
    form = DefinitionVersionForm(
        request.POST or None,
        initial={
            "name_en": definition.name_en,  # type: ignore[attr-defined]
            "name_ru": definition.name_ru,  # type: ignore[attr-defined]
            "description_en": definition.description_en,  # type: ignore[attr-defined]
            "description_ru": definition.description_ru,  # type: ignore[attr-defined]
            "spec": definition.spec,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = services.definition_version_create(
                user=request.user,  # type: ignore[arg-type]
                definition=definition,
                spec_data=data["spec"],
                name_en=data["name_en"],
                name_ru=data["name_ru"],
                description_en=data["description_en"],
                description_ru=data["description_ru"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved as version %(version)d.") % {"version": new.version})
            return redirect("index:definition", pk=new.pk)
    return render(
        request,
        "index/definition_form.html",
        {
            "form": form,
            "definition": definition,
            "spec": selectors.definition_spec(definition),
            "versions": selectors.definition_versions(definition.code),
            "editions": definition.editions.order_by("-year"),
        },
    )


@login_required
def workspace(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one edition: desk values, survey responses, computed results with
    the survey cells where experts disagree, the uncertainty job, and publication."""
    edition = access.edition_get_for_user(request.user, pk, write=True)
    index_spec = selectors.edition_spec(edition)
    countries = selectors.countries()
    live = selectors.edition_inputs(edition, index_spec)
    results = edition.results or {}
    job = edition.uncertainty_job
    return render(
        request,
        "index/workspace.html",
        {
            "edition": edition,
            "spec": index_spec,
            "desk_indicators": [i for i in index_spec.indicators if i.source == "desk"],
            "survey_indicators": [i for i in index_spec.indicators if i.source == "survey"],
            "matrix": selectors.input_matrix(live, index_spec, countries, results),
            "framework_only": selectors.framework_only(live, countries),
            "flags": selectors.flag_rows(live, index_spec, countries),
            "responses": selectors.responses_of(edition),
            "computed": bool(results),
            "stale": bool(results) and results.get("hash") != live["hash"],
            "uncertainty_current": selectors.uncertainty_current(edition),
            "job": job,
            "job_visible": job is not None
            and core_access.jobs_visible_to(request.user).filter(pk=job.pk).exists(),
            "details_form": EditionDetailsForm(
                initial={
                    "title_en": edition.title_en,  # type: ignore[attr-defined]
                    "title_ru": edition.title_ru,  # type: ignore[attr-defined]
                    "citation": edition.citation,
                }
            ),
        },
    )


def _service_call(request: HttpRequest, call: Any, success: str) -> None:
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@login_required
@require_POST
def edition_details(request: HttpRequest, pk: int) -> HttpResponse:
    edition = access.edition_get_for_user(request.user, pk, write=True)
    form = EditionDetailsForm(request.POST)
    if form.is_valid():
        _service_call(
            request,
            lambda: services.edition_update(
                user=request.user,  # type: ignore[arg-type]
                edition=edition,
                **form.cleaned_data,
            ),
            _("The edition was saved."),
        )
    else:
        messages.error(request, _("The title is required."))
    return redirect("index:workspace", pk=edition.pk)


@login_required
def desk(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Desk coding of one indicator for every country."""
    edition = access.edition_get_for_user(request.user, pk, write=True)
    indicator = selectors.edition_spec(edition).indicator(code)
    if indicator is None or indicator.source != "desk":
        raise Http404
    countries = list(core_selectors.countries_list().order_by("sub_region__order", "name"))
    existing = {d.country_id: d for d in selectors.desk_values_of(edition, code)}
    initial: dict[str, Any] = {}
    for country_ in countries:
        value = existing.get(country_.pk)
        if value is not None:
            initial[f"value_{country_.iso2}"] = format(value.value.normalize(), "f")
            initial[f"legal_{country_.iso2}"] = value.legal_reference
            initial[f"source_{country_.iso2}"] = value.source
    form = DeskCodingForm(request.POST or None, initial=initial, countries=countries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = [
            services.DeskEntry(
                c, data[f"value_{c.iso2}"], data[f"legal_{c.iso2}"], data[f"source_{c.iso2}"]
            )
            for c in countries
        ]
        try:
            filled = services.desk_values_save(
                user=request.user,  # type: ignore[arg-type]
                edition=edition,
                indicator_code=code,
                entries=entries,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Saved: %(count)d countries have a value for %(indicator)s.")
                % {"count": filled, "indicator": indicator.name},
            )
            return redirect("index:workspace", pk=edition.pk)
    return render(
        request,
        "index/desk.html",
        {"edition": edition, "indicator": indicator, "form": form},
    )


@login_required
def response_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter one expert's answers for one country."""
    edition = access.edition_get_for_user(request.user, pk, write=True)
    questions = selectors.questions_of(edition.definition)
    form = SurveyResponseForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.survey_response_record(
                user=request.user,  # type: ignore[arg-type]
                edition=edition,
                country=data["country"],
                respondent_type=data["respondent_type"],
                respondent_name=data["respondent_name"],
                note=data["note"],
                answers=form.answers(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The response for %(country)s was saved.") % {"country": data["country"].name},
            )
            if request.POST.get("another"):
                return redirect("index:response_new", pk=edition.pk)
            return redirect("index:workspace", pk=edition.pk)
    return render(request, "index/response_form.html", {"edition": edition, "form": form})


@login_required
@require_POST
def response_delete(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    edition = access.edition_get_for_user(request.user, pk, write=True)
    response = access.survey_response_get_for_user(request.user, response_pk)
    if response.edition_id != edition.pk:
        raise Http404
    _service_call(
        request,
        lambda: services.survey_response_delete(user=request.user, response=response),  # type: ignore[arg-type]
        _("The response was deleted."),
    )
    return redirect("index:workspace", pk=edition.pk)


@login_required
@require_POST
def compute(request: HttpRequest, pk: int) -> HttpResponse:
    edition = access.edition_get_for_user(request.user, pk, write=True)
    _service_call(
        request,
        lambda: services.edition_compute(user=request.user, edition=edition),  # type: ignore[arg-type]
        _("The index was computed."),
    )
    return redirect("index:workspace", pk=edition.pk)


@login_required
@require_POST
def uncertainty(request: HttpRequest, pk: int) -> HttpResponse:
    edition = access.edition_get_for_user(request.user, pk, write=True)
    _service_call(
        request,
        lambda: services.edition_uncertainty_start(user=request.user, edition=edition),  # type: ignore[arg-type]
        _("The uncertainty analysis was started."),
    )
    return redirect("index:workspace", pk=edition.pk)


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page; publishing itself is the POST."""
    edition = access.edition_get_for_user(request.user, pk, write=True)
    if request.method == "POST":
        try:
            services.edition_publish(user=request.user, edition=edition)  # type: ignore[arg-type]
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("index:workspace", pk=edition.pk)
        messages.success(request, _("The edition was published."))
        return redirect("index:edition", pk=edition.pk)
    results = edition.results or {}
    return render(
        request,
        "index/publish.html",
        {
            "edition": edition,
            "countries": len(results.get("units", [])),
            "ready": bool(results) and selectors.uncertainty_current(edition),
        },
    )
