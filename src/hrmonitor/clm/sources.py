"""Community-led monitoring as a source of results-framework indicators, each value with the
service sites it came from as lineage.

- `clm.active_countries`: for the region, the number of countries where communities monitored
  services in the period (at least one counted submission); for a country, 1 or 0. SO3.I1
  ("community groups use the regional approach to CLM") is computed with it.
- `clm.sites_monitored`: the number of service sites with at least one counted submission.
- `clm.respondents`: the number of counted submissions (clients interviewed).

A counted submission is accepted, not replaced by an edit, and pending or approved (see
`selectors.counted_submissions`); it counts in the period of its interview date.
Scorecard and coverage sources are added by `scorecards.py` and `efficiency.py` readers
registered below.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrmonitor.clm import selectors
from hrmonitor.clm.models import ServiceSite
from hrmonitor.core import access
from hrmonitor.framework import sources
from hrmonitor.framework.sources import LineageItem, LineageRef, SourceRequest, SourceResult


def _site_counts(request: SourceRequest) -> list[tuple[int, str, dt.date]]:
    """(site id, country ISO2, interview date) of every counted submission with a site,
    loaded once per computation."""
    key = "clm.site_dates"
    if key not in request.memo:
        request.memo[key] = list(
            selectors.counted_submissions()
            .filter(site__isnull=False, interview_date__isnull=False)
            .values_list("site_id", "site__country__iso2", "interview_date")
        )
    found: list[tuple[int, str, dt.date]] = request.memo[key]
    return found


def _in_request(request: SourceRequest) -> list[tuple[int, str, dt.date]]:
    start, end = request.period.start, request.period.end
    iso = request.country.iso2 if request.country is not None else None
    return [
        row
        for row in _site_counts(request)
        if start <= row[2] <= end and (iso is None or row[1] == iso)
    ]


def _sites(rows: list[tuple[int, str, dt.date]]) -> tuple[LineageRef, ...]:
    return tuple(LineageRef("clm.ServiceSite", pk) for pk in sorted({r[0] for r in rows}))


@sources.register(
    "clm.active_countries", label=gettext_lazy("Countries with community-led monitoring")
)
def active_countries(request: SourceRequest) -> SourceResult:
    rows = _in_request(request)
    if request.country is not None:
        return SourceResult(Decimal(1 if rows else 0), _sites(rows))
    return SourceResult(Decimal(len({r[1] for r in rows})), _sites(rows))


@sources.register(
    "clm.sites_monitored", label=gettext_lazy("Service sites monitored by communities")
)
def sites_monitored(request: SourceRequest) -> SourceResult:
    rows = _in_request(request)
    return SourceResult(Decimal(len({r[0] for r in rows})), _sites(rows))


@sources.register(
    "clm.respondents", label=gettext_lazy("Clients interviewed by community monitors")
)
def respondents(request: SourceRequest) -> SourceResult:
    rows = _in_request(request)
    return SourceResult(Decimal(len(rows)), _sites(rows))


@sources.register_lineage("clm.ServiceSite")
def describe_sites(user: Any, pks: list[int]) -> list[LineageItem]:
    """Sites behind a number, with how many counted submissions each has (the submissions
    themselves are for CLM reviewers; the site and its count are not sensitive)."""
    counts = dict(
        selectors.counted_submissions()
        .filter(site_id__in=pks)
        .values_list("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    sites = (
        ServiceSite.objects.filter(pk__in=pks)
        .select_related("country")
        .order_by("country__name", "name")
    )
    return [
        LineageItem(
            kind=_("Service site"),
            title=site.name,
            detail=_("%(country)s · %(n)s submissions")
            % {"country": site.country.name, "n": counts.get(site.pk, 0)},
            url=reverse("clm:site", args=[site.pk]),
        )
        for site in sites
    ]


# --- Coverage (the efficiency assessment) -------------------------------------------------------


def _assessment(request: SourceRequest, year: int) -> list[Any]:
    """Every country's efficiency assessment of `year`; all years are computed at once, the
    first time a computation asks (one query when there is no record)."""
    from hrmonitor.clm import selectors_efficiency
    from hrmonitor.clm.models import ServiceDelivery

    key = "clm.assessment"
    if key not in request.memo:
        request.memo[key] = selectors_efficiency.assessment_of(ServiceDelivery.objects.all())
    rows: list[Any] = request.memo[key]
    return [row for row in rows if row.result.year == year]


_MEASURES = {"syringes": "syringe_coverage", "oat": "oat_coverage"}


@sources.register("clm.coverage", label=gettext_lazy("Coverage of harm reduction services"))
def coverage(request: SourceRequest) -> SourceResult:
    """`measure`: "syringes" (needles and syringes per person who injects drugs per year) or
    "oat" (OAT clients per 100 people who inject drugs), from the service delivery records of
    the period's last year and the published estimate of people who inject drugs. For the
    region: the countries' totals divided by the sum of their estimates (countries where both
    are known)."""
    measure = str(request.params.get("measure", "syringes"))
    attribute = _MEASURES.get(measure)
    if attribute is None:
        return SourceResult(None, note=_("Unknown coverage measure."))
    rows = _assessment(request, request.period.end.year)
    if request.country is not None:
        rows = [r for r in rows if r.country.pk == request.country.pk]
    known = [r for r in rows if getattr(r.result, attribute).value is not None]
    lineage = tuple(
        LineageRef("clm.ServiceDelivery", record.record.pk) for r in known for record in r.records
    )
    if not known:
        return SourceResult(
            None,
            note=_(
                "No service delivery records with an estimate of people who inject "
                "drugs for %(year)s."
            )
            % {"year": request.period.end.year},
        )
    if request.country is not None:
        value = getattr(known[0].result, attribute).value
        return SourceResult(Decimal(value).quantize(Decimal("0.1")), lineage)
    numerator = sum(
        (r.result.syringes.value if measure == "syringes" else r.result.oat_clients.value * 100)
        for r in known
    )
    denominator = sum(Decimal(r.result.estimate.low + r.result.estimate.high) / 2 for r in known)
    return SourceResult((Decimal(numerator) / denominator).quantize(Decimal("0.1")), lineage)


@sources.register("clm.coverage_level", label=gettext_lazy("Countries at a coverage level"))
def coverage_level(request: SourceRequest) -> SourceResult:
    """`measure` ("syringes" or "oat") and `level` ("low", "medium" or "high", the
    WHO/UNODC/UNAIDS levels): for the region, the number of countries whose coverage in the
    period's last year is at that level for certain (the whole range of the estimate of people
    who inject drugs gives the same level); for a country, 1 or 0 (none when its coverage is
    unknown or its level uncertain)."""
    attribute = _MEASURES.get(str(request.params.get("measure", "syringes")))
    level = str(request.params.get("level", "high"))
    if attribute is None:
        return SourceResult(None, note=_("Unknown coverage measure."))
    rows = _assessment(request, request.period.end.year)
    if request.country is not None:
        rows = [r for r in rows if r.country.pk == request.country.pk]
    classified = [
        r
        for r in rows
        if getattr(r.result, attribute).level is not None
        and getattr(r.result, attribute).level.certain
    ]
    at_level = [r for r in classified if getattr(r.result, attribute).level.lowest == level]
    lineage = tuple(
        LineageRef("clm.ServiceDelivery", record.record.pk)
        for r in at_level
        for record in r.records
    )
    if request.country is not None and not classified:
        return SourceResult(
            None, note=_("The coverage of this country is unknown or its level uncertain.")
        )
    return SourceResult(Decimal(len(at_level)), lineage)


@sources.register(
    "clm.countries_assessed", label=gettext_lazy("Countries with an efficiency assessment")
)
def countries_assessed(request: SourceRequest) -> SourceResult:
    """Countries (or, for a country, 1/0) whose coverage of needles and syringes or of OAT
    could be computed for the period's last year."""
    rows = _assessment(request, request.period.end.year)
    if request.country is not None:
        rows = [r for r in rows if r.country.pk == request.country.pk]
    known = [
        r
        for r in rows
        if r.result.syringe_coverage.value is not None or r.result.oat_coverage.value is not None
    ]
    lineage = tuple(
        LineageRef("clm.ServiceDelivery", record.record.pk) for r in known for record in r.records
    )
    if request.country is not None:
        return SourceResult(Decimal(1 if known else 0), lineage)
    return SourceResult(Decimal(len(known)), lineage)


@sources.register_lineage("clm.ServiceDelivery")
def describe_deliveries(user: Any, pks: list[int]) -> list[LineageItem]:
    """Service delivery records behind a coverage figure, as far as the user may see them."""

    records = (
        access.clm_deliveries_visible_to(user)
        .filter(pk__in=pks)
        .select_related("country", "site")
        .order_by("country__name", "site__name")
    )
    return [
        LineageItem(
            kind=_("Service delivery record"),
            title=str(record.site.name if record.site else record.country.name),
            detail=f"{record.year} · {record.source}",
            url=reverse("clm:delivery_edit", args=[record.pk]),
        )
        for record in records
    ]


# --- Scorecards -----------------------------------------------------------------------------------


@sources.register("clm.scorecard", label=gettext_lazy("Community-led monitoring scorecard"))
def scorecard(request: SourceRequest) -> SourceResult:
    """The score (0–100) of `form` (an XForm ID) in `dimension` (availability, accessibility,
    acceptability, quality, or overall) over the counted interviews of the period, in the
    country or the region; none when fewer than the minimum of respondents answered (the
    scorecards' rule, HRMONITOR_CLM_MIN_RESPONDENTS)."""
    from hrmonitor.clm import scorecards, scoring
    from hrmonitor.clm.models import Form

    form_id = str(request.params.get("form", "clm_client_experience"))
    dimension = str(request.params.get("dimension", "overall"))
    key = f"clm.scorecard.{form_id}"
    if key not in request.memo:
        # The interviews first: without any, neither the form nor its mapping is read.
        rows = [
            scorecards.Row(0, site_id, country_id, day or dt.date.min, data)
            for site_id, country_id, day, data in selectors.counted_submissions()
            .filter(form__xml_form_id=form_id, interview_date__isnull=False)
            .values_list("site_id", "country_id", "interview_date", "data")
        ]
        form = Form.objects.filter(xml_form_id=form_id).first() if rows else None
        request.memo[key] = (form, scorecards.scoring_items(form), rows) if form else None
    found = request.memo[key]
    if found is None:
        return SourceResult(
            None, note=_("No interview with the form %(form)s yet.") % {"form": form_id}
        )
    _form, items, rows = found
    start, end = request.period.start, request.period.end
    country_id = request.country.pk if request.country is not None else None
    chosen = [
        r
        for r in rows
        if start <= r.day <= end and (country_id is None or r.country_id == country_id)
    ]
    result = scoring.scorecard(
        items, [r.data for r in chosen], minimum=scorecards.min_respondents()
    )
    score = (
        result.overall
        if dimension == "overall"
        else getattr(result.dimension(dimension), "score", None)
    )
    lineage = tuple(
        LineageRef("clm.ServiceSite", pk) for pk in sorted({r.site_id for r in chosen if r.site_id})
    )
    if score is None:
        return SourceResult(
            None,
            lineage,
            note=_("Fewer than %(n)s respondents: no score is shown.")
            % {"n": scorecards.min_respondents()},
        )
    return SourceResult(Decimal(str(score)), lineage)
