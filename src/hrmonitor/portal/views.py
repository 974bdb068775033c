"""Public pages: the home page with the map, the countries, a country's profile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrmonitor.clm import scorecards as clm_scorecards
from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import SubRegion
from hrmonitor.core.roles import Perm
from hrmonitor.framework import selectors as framework_selectors
from hrmonitor.framework.computation import Computer
from hrmonitor.index import selectors as index_selectors
from hrmonitor.policy import selectors as policy_selectors
from hrmonitor.policy.models import FundingSource
from hrmonitor.rights import selectors as rights_selectors

# One colour per sub-region, chosen to be distinguishable with common colour-vision
# deficiencies (Okabe–Ito palette) and readable with the country name on top.
SUB_REGION_COLOURS = ["#56B4E9", "#E69F00", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]


def _map_data(sub_regions: list[SubRegion]) -> dict[str, Any]:
    return {
        "geojson_url": reverse("core:map_geojson"),
        "sub_regions": [
            {"name": sub.name, "colour": SUB_REGION_COLOURS[i % len(SUB_REGION_COLOURS)]}
            for i, sub in enumerate(sub_regions)
        ],
        "countries": [
            {
                "map_name": country.map_name,
                "name": country.name,
                "sub_region": sub.name,
                "url": reverse("portal:country", args=[country.iso2]),
            }
            for sub in sub_regions
            for country in sub.countries.all()
        ],
    }


def home(request: HttpRequest) -> HttpResponse:
    sub_regions = list(core_selectors.sub_regions_with_countries())
    return render(
        request,
        "portal/home.html",
        {
            "region": core_selectors.region_main(),
            "framework": framework_selectors.framework_main(),
            "objectives": framework_selectors.objectives_list(),
            "sub_regions": [
                (sub, SUB_REGION_COLOURS[i % len(SUB_REGION_COLOURS)])
                for i, sub in enumerate(sub_regions)
            ],
            "country_count": sum(len(sub.countries.all()) for sub in sub_regions),
            "map_data": _map_data(sub_regions),
        },
    )


def countries(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    countries = core_selectors.countries_list().order_by("sub_region__order", "name")
    if query:
        countries = countries.filter(
            Q(name_en__icontains=query)
            | Q(name_ru__icontains=query)
            | Q(iso2__iexact=query)
            | Q(iso3__iexact=query)
            | Q(sub_region__name_en__icontains=query)
            | Q(sub_region__name_ru__icontains=query)
        )
    context = {"countries": countries, "query": query}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "country-results":
        return render(request, "portal/_country_results.html", context)
    return render(request, "portal/countries.html", context)


PROFILE_START = dt.date(2015, 1, 1)  # the lanes of the policy timeline start here


def _funding_chart(found: policy_selectors.CountryFunding) -> dict[str, Any]:
    def number(amount: Decimal | None) -> float | None:
        return None if amount is None else round(float(amount), 2)

    labels = dict(FundingSource.choices)
    return {
        "years": found.year_numbers,
        "sources": [
            {"label": str(labels[code]), "amounts": [number(a) for a in amounts]}
            for code, amounts in found.by_source.items()
        ],
        "need": [number(y.need_usd) for y in found.years],
        "share": [
            None if y.domestic_share is None else round(float(y.domestic_share) * 100, 1)
            for y in found.years
        ],
        "milestones": [{"year": m.year, "label": m.get_kind_display()} for m in found.milestones],
        "labels": {
            "need": _("Estimated need"),
            "share": _("Domestic share, %"),
            "share_axis": _("Domestic, %"),
        },
    }


def country(request: HttpRequest, iso2: str) -> HttpResponse:
    """The country profile: policy statuses and their timeline, funding by source over the
    years, published facts with their sources, the indicators' progress, the index score,
    and the places later modules fill (case statistics, CLM scorecards)."""
    country = core_selectors.country_by_iso2(iso2)
    if country is None:
        raise Http404
    today = timezone.localdate()
    index_edition = index_selectors.edition_latest_published()
    index_card = (
        index_selectors.country_card(
            index_edition, index_selectors.edition_spec(index_edition), country
        )
        if index_edition
        else None
    )
    timelines = policy_selectors.country_timeline(country, today=today)
    funding = policy_selectors.country_funding(country)
    indicators = list(framework_selectors.country_indicators_public())
    computer = Computer.for_indicators(indicators, countries=[country])
    progress = framework_selectors.progress_rows(
        indicators,
        [country],
        computer=computer,
        years=framework_selectors.reporting_years(today),
        today=today,
    )
    return render(
        request,
        "portal/country.html",
        {
            "country": country,
            "today": today,
            "index_edition": index_edition,
            "index_card": index_card,
            "timelines": timelines,
            "lanes": policy_selectors.status_lanes(timelines, PROFILE_START, today),
            "lane_years": [PROFILE_START.year, (PROFILE_START.year + today.year) // 2, today.year],
            "facts": policy_selectors.country_facts(country),
            "funding": funding,
            "funding_chart": _funding_chart(funding) if funding.years else None,
            "progress": progress,
            "can_record": access.has_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, country.pk),
            "organisations": core_selectors.organisations_in(country),
            "neighbours": core_selectors.countries_list().filter(sub_region=country.sub_region),
            "case_summary": rights_selectors.country_case_summary(
                country=country, today=today, threshold=rights_selectors.suppression_threshold()
            ),
            "clm_summary": clm_scorecards.country_summary(country, today=today),
            "clm_reader": access.clm_participant(request.user),
        },
    )
