"""Synthetic demo values, baselines and targets for the framework's indicators.

Every number here is invented for illustration: each value's comment says so, and every page
shows the demo banner. They let a newcomer see the dashboard, the indicator pages and the
approval queue working after `make run`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from hrmonitor.core.models import Country, User
from hrmonitor.framework.models import DataValue, Indicator, Target

if TYPE_CHECKING:
    from hrmonitor.core.demo import DemoContext

NOTE = "[DEMO] synthetic value"
YES_NO = ["SO1.I1", "SO2.I3", "SO2.I4", "SO2.I5", "SO2.I6", "SO3.I1", "SO3.I4"]


def populate(ctx: DemoContext) -> None:
    rng = ctx.rng
    officer = User.objects.get(username="demo-me-officer")
    admin = User.objects.get(username="demo-admin")
    georgia = Country.objects.get(iso2="GE")
    armenia = Country.objects.get(iso2="AM")
    countries = list(Country.objects.order_by("iso2"))
    indicators = {i.code: i for i in Indicator.objects.all()}
    this_year = timezone.localdate().year
    years = list(range(this_year - 7, this_year))  # complete years only
    now = timezone.now()
    rows: list[DataValue] = []
    targets: list[Target] = []

    def value(
        code: str, country: Country | None, year: int, number: Decimal, key: str = ""
    ) -> None:
        rows.append(
            DataValue(
                indicator=indicators[code],
                country=country,
                period=str(year),
                disaggregation=key,
                value=number,
                comment=NOTE,
                status=DataValue.Status.APPROVED,
                entered_by=officer,
                submitted_by=officer,
                approved_by=admin,
                submitted_at=now,
                approved_at=now,
            )
        )

    # Yes/no indicators: a country that says yes keeps saying yes; adoption spreads over time.
    for code in YES_NO:
        adopters = {c.pk: rng.randint(0, len(years) + 3) for c in countries}
        first = sum(1 for c in countries if adopters[c.pk] == 0)
        for position, year in enumerate(years):
            for c in countries:
                value(code, c, year, Decimal(1 if adopters[c.pk] <= position else 0))
        targets.append(
            Target(
                indicator=indicators[code],
                period=str(years[0]),
                kind=Target.Kind.BASELINE,
                value=Decimal(first),
                note=NOTE,
            )
        )
        targets.append(
            Target(
                indicator=indicators[code],
                period=f"{years[0]}-01-01..{this_year + 1}-12-31",
                kind=Target.Kind.LIFE_OF_STRATEGY,
                value=Decimal(min(29, first + 12)),
                note=NOTE,
            )
        )

    # Community leaders, by gender, in the countries with demo organisations and a few more.
    leader_countries = [
        c for c in countries if c.iso2 in {"GE", "AM", "KZ", "KG", "UA", "MD", "EE", "RS"}
    ]
    for c in leader_countries:
        base = rng.randint(4, 15)
        for position, year in enumerate(years):
            total = base + position * rng.randint(1, 3)
            women = total * rng.randint(35, 60) // 100
            trans = rng.randint(0, 1)
            value("SO3.I2", c, year, Decimal(total))
            value("SO3.I2", c, year, Decimal(women), "gender=women")
            value("SO3.I2", c, year, Decimal(trans), "gender=trans-diverse")
            value("SO3.I2", c, year, Decimal(total - women - trans), "gender=men")
        targets.append(
            Target(
                indicator=indicators["SO3.I2"],
                country=c,
                period=str(years[0]),
                kind=Target.Kind.BASELINE,
                value=Decimal(base),
                note=NOTE,
            )
        )
        targets.append(
            Target(
                indicator=indicators["SO3.I2"],
                country=c,
                period=str(this_year),
                kind=Target.Kind.TARGET,
                value=Decimal(base * 3),
                note=NOTE,
            )
        )

    region_base = sum(
        t.value for t in targets if t.indicator.code == "SO3.I2" and t.kind == Target.Kind.BASELINE
    )
    targets.append(
        Target(
            indicator=indicators["SO3.I2"],
            period=str(years[0]),
            kind=Target.Kind.BASELINE,
            value=region_base,
            note=NOTE,
        )
    )
    targets.append(
        Target(
            indicator=indicators["SO3.I2"],
            period=str(this_year),
            kind=Target.Kind.TARGET,
            value=region_base * 3,
            note=NOTE,
        )
    )

    # Funds raised by the Association (regional, EUR) and members' participation (%).
    for position, year in enumerate(years):
        value("SO4.I4", None, year, Decimal(rng.randint(300, 650) * 1000 + position * 40000))
        value("SO4.I1", None, year, Decimal(rng.randint(35, 55) + position * 3))
    targets.append(
        Target(
            indicator=indicators["SO4.I4"],
            period=str(this_year),
            kind=Target.Kind.TARGET,
            value=Decimal(1_000_000),
            note=NOTE,
        )
    )
    targets.append(
        Target(
            indicator=indicators["SO4.I1"],
            period=str(years[0]),
            kind=Target.Kind.BASELINE,
            value=Decimal(40),
            note=NOTE,
        )
    )
    targets.append(
        Target(
            indicator=indicators["SO4.I1"],
            period=str(this_year),
            kind=Target.Kind.TARGET,
            value=Decimal(75),
            note=NOTE,
        )
    )

    DataValue.objects.bulk_create(rows)
    Target.objects.bulk_create(targets)

    # This year's forms in progress: Georgia's drafts, Armenia's returned value, one to review.
    DataValue.objects.create(
        indicator=indicators["SO3.I2"],
        country=georgia,
        period=str(this_year),
        value=Decimal(21),
        comment=NOTE,
        entered_by=User.objects.get(username="demo-focal-georgia"),
    )
    DataValue.objects.create(
        indicator=indicators["SO3.I2"],
        country=armenia,
        period=str(this_year),
        value=Decimal(9),
        comment=NOTE,
        status=DataValue.Status.RETURNED,
        review_comment="[DEMO] Please add the list of leaders as evidence.",
        entered_by=User.objects.get(username="demo-focal-armenia"),
    )
    DataValue.objects.create(
        indicator=indicators["SO3.I3"],
        country=georgia,
        period=str(this_year - 1),
        value=Decimal(3),
        comment=NOTE,
        status=DataValue.Status.SUBMITTED,
        entered_by=User.objects.get(username="demo-focal-georgia"),
        submitted_by=User.objects.get(username="demo-focal-georgia"),
        submitted_at=now,
    )
    ctx.lines.append(
        f"framework: {len(rows) + 3} demo values, {len(targets)} baselines and targets"
    )
