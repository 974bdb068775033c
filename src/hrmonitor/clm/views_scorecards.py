"""Scorecard pages (a site, a country, the region's comparison) and the escalation loop (the
list, and raising or following up an issue).

Scorecards are aggregates under the minimum-respondents rule: anyone taking part in CLM
(CLM_SUBMIT or CLM_REVIEW somewhere) may read them. Escalations are for those who run CLM in
the escalation's country (CLM_REVIEW); raising one from a red item is offered to them only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hrmonitor.clm import scorecards as reads
from hrmonitor.clm import services_escalations
from hrmonitor.clm.forms_scorecards import EscalationFilter, EscalationForm
from hrmonitor.clm.models import Dimension, Escalation, Form, ServiceSite
from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Perm
from hrmonitor.framework import periods
from hrmonitor.framework.periods import Period

ESCALATIONS_PER_PAGE = 50
# A question's label is cut to this length in the title of an issue raised about it.
TITLE_QUESTION_CHARS = 120


def _require_scorecards(request: HttpRequest) -> None:
    if not access.clm_participant(request.user):
        raise PermissionDenied


def _require_review(request: HttpRequest) -> None:
    if not access.has_perm(request.user, Perm.CLM_REVIEW, anywhere=True):
        raise PermissionDenied


def _period_context(request: HttpRequest, today: dt.date) -> tuple[Period, dict[str, Any]]:
    key = request.GET.get("period", "").strip()
    period, read = reads.period_or_default(key, today)
    return period, {
        "period": period,
        "period_key": key if read else "",
        "period_label": reads.period_label(period),
        "period_error": not read,
        "period_options": reads.period_options(today, period),
        "dimension_headers": list(reads.dimension_labels().values()),
    }


def _raise_url(
    card: reads.FormScorecard,
    row: reads.ItemRow,
    period: Period,
    *,
    site: ServiceSite | None = None,
    country: Country | None = None,
) -> str:
    params: dict[str, Any] = {
        "form": card.form.pk,
        "question": row.question,
        "dimension": row.dimension,
        "period": period.key,
    }
    if row.cell.score is not None:
        params["score"] = f"{row.cell.score:.1f}"
    if site is not None:
        params["site"] = site.pk
    elif country is not None:
        params["country"] = country.iso2
    return f"{reverse('clm:escalation_new')}?{urlencode(params)}"


def _offer_raising(
    cards: list[reads.FormScorecard],
    period: Period,
    *,
    site: ServiceSite | None = None,
    country: Country | None = None,
) -> None:
    for card in cards:
        for row in card.red_items:
            row.raise_url = _raise_url(card, row, period, site=site, country=country)


# --- Scorecards ---------------------------------------------------------------------------------


@login_required
def scorecards(request: HttpRequest) -> HttpResponse:
    """One form across the region: its scorecard and the comparison of countries and sites."""
    _require_scorecards(request)
    today = timezone.localdate()
    period, context = _period_context(request, today)
    forms = reads.forms_by_submissions(list(reads.scored_forms()), period)
    chosen = next((f for f in forms if str(f.pk) == request.GET.get("form", "")), None)
    chosen = chosen or (forms[0] if forms else None)
    card = reads.regional_comparison(chosen, period) if chosen else None
    return render(
        request,
        "clm/scorecards.html",
        {
            **context,
            "forms": forms,
            "chosen": chosen,
            "card": card,
            "minimum": reads.min_respondents(),
        },
    )


@login_required
def site_scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    _require_scorecards(request)
    site = access.clm_site_get_for_user(request.user, pk)
    today = timezone.localdate()
    period, context = _period_context(request, today)
    cards = reads.site_scorecards(site, period)
    can_raise = access.has_perm(request.user, Perm.CLM_REVIEW, site.country_id)
    if can_raise:
        _offer_raising(cards, period, site=site)
    escalations = (
        [
            (e, reads.escalation_overdue(e, today))
            for e in access.clm_escalations_visible_to(request.user).filter(site=site)
        ]
        if can_raise
        else []
    )
    return render(
        request,
        "clm/site_scorecard.html",
        {
            **context,
            "site": site,
            "cards": cards,
            "can_raise": can_raise,
            "escalations": escalations,
            "minimum": reads.min_respondents(),
        },
    )


@login_required
def country_scorecard(request: HttpRequest, iso2: str) -> HttpResponse:
    _require_scorecards(request)
    country = core_selectors.country_by_iso2(iso2)
    if country is None:
        raise Http404
    today = timezone.localdate()
    period, context = _period_context(request, today)
    cards = reads.country_scorecards(country, period)
    can_raise = access.has_perm(request.user, Perm.CLM_REVIEW, country.pk)
    if can_raise:
        _offer_raising(cards, period, country=country)
    return render(
        request,
        "clm/country_scorecard.html",
        {
            **context,
            "country": country,
            "cards": cards,
            "can_raise": can_raise,
            "minimum": reads.min_respondents(),
        },
    )


# --- Escalations --------------------------------------------------------------------------------


def _review_countries(request: HttpRequest) -> Any:
    scope = access.scope_for(request.user, Perm.CLM_REVIEW)
    return scope.filter(core_selectors.countries_list().order_by("name"), field="pk")


@login_required
def escalations(request: HttpRequest) -> HttpResponse:
    """The escalations of the user's countries, filtered, with counts per status and the
    overdue ones marked."""
    _require_review(request)
    today = timezone.localdate()
    visible = access.clm_escalations_visible_to(request.user)
    sites = ServiceSite.objects.filter(pk__in=visible.values("site")).order_by("name")
    filters = EscalationFilter(request.GET, countries=_review_countries(request), sites=sites)
    found = visible
    if filters.value("country"):
        found = found.filter(country__iso2=filters.value("country"))
    if filters.value("site"):
        found = found.filter(site_id=filters.value("site"))
    counts = reads.escalation_status_counts(found)
    overdue_count = reads.escalations_overdue_filter(found, today).count()
    if filters.value("status"):
        found = found.filter(status=filters.value("status"))
    if filters.value("overdue"):
        found = reads.escalations_overdue_filter(found, today)
    page = Paginator(found.order_by("-created_at", "-pk"), ESCALATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clm/escalations.html",
        {
            "filters": filters,
            "page": page,
            "rows": [(e, reads.escalation_overdue(e, today)) for e in page],
            "status_counts": [
                (key, label, counts[key]) for key, label in Escalation.Status.choices
            ],
            "overdue_count": overdue_count,
            "overdue_days": reads.OVERDUE_DAYS,
            "query_string": query.urlencode(),
        },
    )


def _prefill(request: HttpRequest, countries: Any) -> tuple[dict[str, Any], Any]:
    """Initial values from the scorecard's "Raise with a duty-bearer" link
    (?site=&country=&form=&question=&dimension=&period=&score=)."""
    get = request.GET
    initial: dict[str, Any] = {"status": Escalation.Status.OPEN}
    site = None
    if get.get("site", "").isdigit():
        site = ServiceSite.objects.select_related("country").filter(pk=int(get["site"])).first()
        if site is not None:
            if not access.has_perm(request.user, Perm.CLM_REVIEW, site.country_id):
                raise PermissionDenied
            initial.update(site=site, country=site.country)
    elif get.get("country"):
        country = countries.filter(iso2=get["country"].upper()).first()
        if country is not None:
            initial["country"] = country
    elif countries.count() == 1:
        initial["country"] = countries.first()
    form = (
        Form.objects.select_related("current_version").filter(pk=int(get["form"])).first()
        if get.get("form", "").isdigit()
        else None
    )
    if form is not None:
        initial["form"] = form
    question = get.get("question", "")[:200]
    initial["question"] = question
    if get.get("dimension") in Dimension.values:
        initial["dimension"] = get["dimension"]
    period_text = ""
    if get.get("period"):
        try:
            period = periods.parse_period(get["period"])
        except periods.PeriodError:
            period = None
        if period is not None:
            period_text = reads.period_label(period)
            if len(period.key) <= services_escalations.PERIOD_MAX_LENGTH:
                initial["period"] = period.key
    score = None
    try:
        score = Decimal(get.get("score", "")) if get.get("score") else None
    except InvalidOperation:
        score = None
    if score is not None and 0 <= score <= 100:
        initial["score"] = score
    label = ""
    if form is not None and question:
        label = reads.question_labels(form).get(question, question)
        where = (
            site.name
            if site is not None
            else (initial["country"].name if initial.get("country") else "")
        )
        short = Truncator(label).chars(TITLE_QUESTION_CHARS)
        initial["title"] = (
            _("%(question)s at %(place)s") % {"question": short, "place": where} if where else short
        )
        if score is not None and period_text:
            initial["description"] = _(
                "The community scorecard of %(period)s gives “%(question)s” a score of "
                "%(score)s out of 100."
            ) % {"period": period_text, "question": label, "score": score}
    return initial, label


@login_required
def escalation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Raise a new issue (prefilled from a scorecard's red item) or follow one up."""
    _require_review(request)
    escalation = (
        access.clm_escalation_get_for_user(request.user, pk, write=True) if pk is not None else None
    )
    countries = _review_countries(request)
    scope = access.scope_for(request.user, Perm.CLM_REVIEW)
    sites = scope.filter(ServiceSite.objects.select_related("country")).order_by(
        "country__name", "name"
    )
    question_label = ""
    if escalation is not None:
        initial = {name: getattr(escalation, name) for name in EscalationForm.base_fields}
        if escalation.form is not None and escalation.question:
            question_label = reads.question_labels(escalation.form).get(escalation.question, "")
    else:
        initial, question_label = _prefill(request, countries)
    form = EscalationForm(
        request.POST or None,
        initial=initial,
        countries=countries,
        sites=sites,
        forms_=Form.objects.order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services_escalations.escalation_save(
                user=request.user,  # type: ignore[arg-type]
                escalation=escalation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": saved.title})
            return redirect("clm:escalations")
    return render(
        request,
        "clm/escalation_edit.html",
        {
            "form": form,
            "escalation": escalation,
            "question_label": question_label,
            "overdue_days": reads.OVERDUE_DAYS,
            "overdue": escalation is not None
            and reads.escalation_overdue(escalation, timezone.localdate()),
        },
    )
