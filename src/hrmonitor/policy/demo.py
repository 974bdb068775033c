"""Synthetic demo data for the policy tracker: a few status changes over recent years for
demo countries, on top of the real reference facts, so the map and timelines show history.
Every record says "[DEMO]": these are not real legal changes. The same holds for the demo
funding: synthetic amounts, exchange rates, needs and transition milestones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from hrmonitor.core.models import Country, User
from hrmonitor.policy import services
from hrmonitor.policy.models import PolicyArea

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

DEMO_SOURCE = "[DEMO] synthetic status change — not a real legal change"
DEMO_FUNDING_SOURCE = "[DEMO] synthetic amount — not a real budget figure"
DEMO_RATE_SOURCE = "[DEMO] synthetic rate — not an official exchange rate"
# Synthetic yearly rates (US dollars per unit) for the demo amounts in local currency.
RATES = {"KZT": "0.0022", "GEL": "0.37", "KGS": "0.0115", "MDL": "0.056"}
# (country, currency, domestic national, domestic municipal, Global Fund, other intl), 2019,
# growing by the given factor per year for domestic money and shrinking for the Global Fund:
# a synthetic transition from international to domestic funding.
FUNDING: list[tuple[str, str, int, int, int, int, float]] = [
    ("KZ", "KZT", 180_000_000, 40_000_000, 1_500_000, 200_000, 1.25),
    ("GE", "GEL", 2_000_000, 0, 2_200_000, 300_000, 1.15),
    ("KG", "KGS", 20_000_000, 0, 2_600_000, 500_000, 1.10),
    ("MD", "MDL", 8_000_000, 2_000_000, 1_800_000, 250_000, 1.12),
]
FUNDING_YEARS = range(2019, 2026)
MILESTONES = [
    ("KZ", 2020, "transition_start"),
    ("KZ", 2024, "last_allocation"),
    ("GE", 2022, "transition_start"),
    ("GE", 2026, "domestic_takeover"),
]
# (country, area, status, start) in the order they are recorded.
CHANGES = [
    ("GE", "naloxone-take-home", "not_in_place", "2019-01-01"),
    ("GE", "naloxone-take-home", "partial_or_pilot", "2021-03-01"),
    ("GE", "naloxone-take-home", "in_place", "2023-06-01"),
    ("GE", "decriminalisation", "partial_or_pilot", "2018-07-30"),
    ("AM", "oat-take-home", "not_in_place", "2019-01-01"),
    ("AM", "oat-take-home", "partial_or_pilot", "2020-04-15"),
    ("AM", "oat-take-home", "in_place", "2022-09-01"),
    ("KZ", "domestic-funding", "not_in_place", "2018-01-01"),
    ("KZ", "domestic-funding", "partial_or_pilot", "2021-01-01"),
    ("KZ", "domestic-funding", "in_place", "2024-01-01"),
    ("KG", "drug-checking", "not_legal", "2018-01-01"),
    ("KG", "drug-checking", "partial_or_pilot", "2023-05-01"),
    ("MD", "consumption-rooms", "not_in_place", "2018-01-01"),
    ("MD", "consumption-rooms", "partial_or_pilot", "2024-10-01"),
    ("UA", "oat-take-home", "partial_or_pilot", "2018-01-01"),
    ("UA", "oat-take-home", "in_place", "2020-04-01"),
    ("TJ", "community-representation", "not_in_place", "2019-01-01"),
    ("TJ", "community-representation", "in_place", "2022-02-01"),
]


def populate(ctx: DemoContext) -> None:
    """Load the policy areas and real facts if needed, then the [DEMO] changes."""
    if not PolicyArea.objects.exists():
        services.policy_areas_load()
        services.policy_facts_load()
    user = User.objects.get(username="demo-admin")
    areas = {a.code: a for a in PolicyArea.objects.all()}
    countries = {c.iso2: c for c in Country.objects.all()}
    for iso2, area, status, start in CHANGES:
        services.policy_status_record(
            user=user,
            country=countries[iso2],
            area=areas[area],
            status=status,
            valid_from=dt.date.fromisoformat(start),
            legal_reference="[DEMO] invented reference, e.g. Order No. 000",
            source=DEMO_SOURCE,
            notes="[DEMO]",
        )
    ctx.lines.append(f"policy: {len(CHANGES)} [DEMO] status changes in 7 countries")
    records = _funding(user, countries)
    ctx.lines.append(
        f"funding: {records} [DEMO] funding records, needs and transition milestones "
        f"in {len(FUNDING)} countries, {FUNDING_YEARS[0]}–{FUNDING_YEARS[-1]}"
    )


def _funding(user: User, countries: dict[str, Country]) -> int:
    for currency, rate in RATES.items():
        for year in FUNDING_YEARS:
            services.exchange_rate_save(
                user=user,
                currency=currency,
                year=year,
                usd_per_unit=Decimal(rate),
                source=DEMO_RATE_SOURCE,
            )
    created = 0
    for iso2, currency, national, municipal, fund, other, growth in FUNDING:
        country = countries[iso2]
        for step, year in enumerate(FUNDING_YEARS):
            up, down = Decimal(str(growth)) ** step, Decimal("0.85") ** step
            amounts: list[tuple[str, str, Decimal, str]] = [
                ("domestic_national", "Ministry of Health [DEMO]", national * up, currency),
                ("domestic_municipal", "City budget [DEMO]", municipal * up, currency),
                ("global_fund", "The Global Fund [DEMO]", fund * down, "USD"),
                ("other_international", "Bilateral donor [DEMO]", Decimal(other), "USD"),
            ]
            for category, funder, amount, in_currency in amounts:
                if not amount:
                    continue
                services.funding_record_create(
                    user=user,
                    country=country,
                    year=year,
                    source_category=category,
                    funder=funder,
                    amount=amount.quantize(Decimal(1)),
                    currency=in_currency,
                    source=DEMO_FUNDING_SOURCE,
                    notes="[DEMO]",
                )
                created += 1
            services.funding_need_save(
                user=user,
                country=country,
                year=year,
                amount=Decimal(3 * (fund + other)),
                source="[DEMO] synthetic estimate of need — not a real costing",
            )
    for iso2, year, kind in MILESTONES:
        services.transition_milestone_save(
            user=user, country=countries[iso2], year=year, kind=kind, source="[DEMO] synthetic"
        )
    return created
