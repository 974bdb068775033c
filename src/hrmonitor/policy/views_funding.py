"""Pages of the funding tracker: the comparison of countries in a year (table, chart,
downloads), the form that records an amount, and the yearly exchange rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hrmonitor.core import access
from hrmonitor.core import selectors as core_selectors
from hrmonitor.core.roles import Perm
from hrmonitor.framework.views import _export
from hrmonitor.policy import exports, selectors, services
from hrmonitor.policy.forms import ExchangeRateForm, FundingForm


def _year(request: HttpRequest, years: list[int]) -> int | None:
    chosen = request.GET.get("year", "")
    if chosen.isdigit() and int(chosen) in years:
        return int(chosen)
    return years[0] if years else None


def _float(amount: Decimal | None) -> float | None:
    return None if amount is None else round(float(amount), 2)


def funding(request: HttpRequest) -> HttpResponse:
    """Every country's funding in one year: totals, domestic share, gap to need."""
    years = selectors.funding_years()
    year = _year(request, years)
    rows = selectors.funding_comparison(year) if year is not None else []
    recorded = [row for row in rows if row.summary is not None]
    chart = {
        "countries": [row.country.name for row in recorded],
        "domestic": [_float(row.summary.domestic_usd) for row in recorded if row.summary],
        "international": [_float(row.summary.international_usd) for row in recorded if row.summary],
        "need": [_float(row.summary.need_usd) for row in recorded if row.summary],
        "labels": {
            "domestic": _("Domestic"),
            "international": _("International"),
            "need": _("Estimated need"),
        },
    }
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "rows": rows,
        "recorded": recorded,
        "chart": chart,
        "can_record": access.has_perm(request.user, Perm.FRAMEWORK_ENTER_DATA, anywhere=True),
        "can_edit_rates": access.has_perm(request.user, Perm.FRAMEWORK_EDIT),
    }
    return render(request, "policy/funding.html", context)


def funding_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    years = selectors.funding_years()
    year = _year(request, years) or 0
    table = exports.funding_table(year, selectors.funding_comparison(year))
    return _export(table, fmt, f"harm-reduction-funding-{year}")


def funding_records_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Every funding record as entered, with its value in US dollars."""
    table = exports.funding_records_table(
        selectors.funding_records_all(), selectors.exchange_rates()
    )
    return _export(table, fmt, "harm-reduction-funding-records")


@login_required
def funding_record(request: HttpRequest) -> HttpResponse:
    """Record an amount, for a country of the user's scope."""
    scope = access.scope_for(request.user, Perm.FRAMEWORK_ENTER_DATA)
    if not scope.anywhere:
        raise PermissionDenied
    countries = scope.filter(core_selectors.countries_list().order_by("name"), field="pk")
    initial: dict[str, Any] = {}
    chosen = core_selectors.country_by_iso2(request.GET.get("country", ""))
    if chosen is not None:
        initial["country"] = chosen.pk
    form = FundingForm(
        request.POST or None, request.FILES or None, countries=countries, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.funding_record_create(
                user=request.user,  # type: ignore[arg-type]
                country=data["country"],
                year=data["year"],
                source_category=data["source_category"],
                funder=data["funder"],
                programme_area=data["programme_area"],
                amount=data["amount"],
                currency=data["currency"],
                evidence_url=data["evidence_url"],
                evidence_file=data["evidence_file"],
                source=data["source"],
                notes=data["notes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Recorded: %(country)s %(year)s, %(amount)s %(currency)s from %(source)s.")
                % {
                    "country": saved.country.name,
                    "year": saved.year,
                    "amount": f"{saved.amount:,.2f}",
                    "currency": saved.currency,
                    "source": saved.get_source_category_display(),
                },
            )
            return redirect(reverse("portal:country", args=[saved.country.iso2]) + "#funding")
    return render(request, "policy/funding_record.html", {"form": form})


def rates(request: HttpRequest) -> HttpResponse:
    """The yearly exchange rates every conversion uses; the Secretariat sets them."""
    can_edit = access.has_perm(request.user, Perm.FRAMEWORK_EDIT)
    form = ExchangeRateForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.exchange_rate_save(
                    user=request.user,  # type: ignore[arg-type]
                    currency=data["currency"],
                    year=data["year"],
                    usd_per_unit=data["usd_per_unit"],
                    source=data["source"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Saved: 1 %(currency)s = %(rate)s USD in %(year)s.")
                    % {"currency": saved.currency, "rate": saved.usd_per_unit, "year": saved.year},
                )
                return redirect("policy:rates")
    return render(
        request,
        "policy/rates.html",
        {"rates": selectors.exchange_rate_list(), "form": form},
    )
