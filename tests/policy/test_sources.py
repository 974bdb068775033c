"""The tracker as a source of indicators: several areas at once, changes within a period
(improvements and setbacks), the strategy's SO1.I3 computed from the tracker, and one load of
the records for a whole dashboard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories import country
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator, Objective
from hrmonitor.framework.periods import parse_period
from hrmonitor.framework.sources import LineageRef
from hrmonitor.policy import services

pytestmark = pytest.mark.django_db


def record(user, iso2, area, status, date):  # type: ignore[no-untyped-def]
    return services.policy_status_record(
        user=user,
        country=country(iso2),
        area=area,
        status=status,
        valid_from=dt.date.fromisoformat(date),
        source="test",
    )


@pytest.fixture
def history(personas, areas):  # type: ignore[no-untyped-def]
    """Kazakhstan: naloxone not in place (2019), in place (May 2024). Armenia: take-home OAT
    pilot (2020), in place (2022), back to a pilot (2024-03)."""
    user = personas["secretariat_admin"]
    naloxone, oat = areas["naloxone-take-home"], areas["oat-take-home"]
    return {
        "kz_2019": record(user, "KZ", naloxone, "not_in_place", "2019-01-01"),
        "kz_2024": record(user, "KZ", naloxone, "in_place", "2024-05-15"),
        "am_2020": record(user, "AM", oat, "partial_or_pilot", "2020-01-01"),
        "am_2022": record(user, "AM", oat, "in_place", "2022-06-01"),
        "am_2024": record(user, "AM", oat, "partial_or_pilot", "2024-03-01"),
    }


def indicator(code: str, function: str, params: dict) -> Indicator:  # type: ignore[type-arg]
    return Indicator.objects.create(
        objective=Objective.objects.order_by("order").first(),
        code=code,
        name=code,
        unit=Indicator.Unit.NUMBER,
        space_aggregation=Indicator.SpaceAggregation.SUM,
        source_kind=Indicator.SourceKind.FUNCTION,
        source_function=function,
        source_params=params,
    )


def test_so1_i3_is_computed_from_the_tracker(history):
    so1_i3 = Indicator.objects.get(code="SO1.I3")
    computer = Computer.for_indicators([so1_i3], countries=[country("KZ"), country("AM")])
    # 2023: Armenia's take-home OAT is in place, Kazakhstan's naloxone is not.
    region_2023 = computer.value(so1_i3, None, parse_period("2023"))
    assert region_2023.value == Decimal(1)
    assert region_2023.lineage == (LineageRef.of(history["am_2022"]),)
    # 2024: Kazakhstan's naloxone counts; Armenia went back to a pilot.
    region_2024 = computer.value(so1_i3, None, parse_period("2024"))
    assert region_2024.value == Decimal(1)
    assert region_2024.lineage == (LineageRef.of(history["kz_2024"]),)
    assert computer.value(so1_i3, country("KZ"), parse_period("2024")).value == Decimal(1)
    assert computer.value(so1_i3, country("AM"), parse_period("2024")).value == Decimal(0)


def test_changes_in_a_period_count_improvements_and_setbacks_apart(history):
    areas = {"areas": ["naloxone-take-home", "oat-take-home"]}
    improved = indicator("POL.UP", "policy.status_changes", {**areas, "direction": "improved"})
    worsened = indicator("POL.DOWN", "policy.status_changes", {**areas, "direction": "worsened"})
    changed = indicator("POL.ANY", "policy.status_changes", areas)
    computer = Computer.for_indicators(
        [improved, worsened, changed], countries=[country("KZ"), country("AM")]
    )
    up_2024 = computer.value(improved, None, parse_period("2024"))
    assert up_2024.value == Decimal(1)
    assert up_2024.lineage == (LineageRef.of(history["kz_2024"]),)
    assert computer.value(worsened, None, parse_period("2024")).value == Decimal(1)
    assert computer.value(changed, None, parse_period("2024")).value == Decimal(2)
    # First records state a status; they are not changes.
    assert computer.value(changed, None, parse_period("2019")).value == Decimal(0)
    assert computer.value(changed, None, parse_period("2020")).value == Decimal(0)
    assert computer.value(improved, country("AM"), parse_period("2022")).value == Decimal(1)
    assert computer.value(improved, country("KZ"), parse_period("2022")).value == Decimal(0)
    # A change on the period's first day belongs to the period.
    assert computer.value(worsened, None, parse_period("2024Q1")).value == Decimal(1)


def test_a_whole_range_of_years_loads_the_records_once(history, django_assert_max_num_queries):
    so1_i3 = Indicator.objects.get(code="SO1.I3")
    places = [None, country("KZ"), country("AM"), country("GE")]
    computer = Computer.for_indicators([so1_i3], countries=places[1:])
    with django_assert_max_num_queries(2):
        for year in range(2015, 2027):
            for place in places:
                computer.value(so1_i3, place, parse_period(str(year)))


def test_the_domestic_share_converts_currencies_and_pools_the_region(personas, areas):
    user = personas["secretariat_admin"]
    services.exchange_rate_save(user=user, currency="KZT", year=2024, usd_per_unit=Decimal("0.002"))
    kz, ge = country("KZ"), country("GE")
    domestic = services.funding_record_create(
        user=user,
        country=kz,
        year=2024,
        source_category="domestic_national",
        amount=Decimal(300_000_000),
        currency="KZT",
        source="State budget law 2024",
    )  # 600,000 USD
    fund = services.funding_record_create(
        user=user,
        country=kz,
        year=2024,
        source_category="global_fund",
        amount=Decimal(400_000),
        source="Global Fund data explorer",
    )
    services.funding_record_create(
        user=user,
        country=ge,
        year=2024,
        source_category="global_fund",
        amount=Decimal(1_000_000),
        source="Global Fund data explorer",
    )
    share = indicator("FUND.DOM", "policy.domestic_share", {})
    computer = Computer.for_indicators([share], countries=[kz, ge])
    kz_2024 = computer.value(share, kz, parse_period("2024"))
    assert kz_2024.value == Decimal("60.0")
    assert set(kz_2024.lineage) == {LineageRef.of(domestic), LineageRef.of(fund)}
    assert computer.value(share, None, parse_period("2024")).value == Decimal("30.0")
    assert computer.value(share, kz, parse_period("2023")).value is None
    # Without the year's rate the share is unknown, and the note says why.
    services.funding_record_create(
        user=user,
        country=ge,
        year=2025,
        source_category="domestic_national",
        amount=Decimal(10),
        currency="GEL",
        source="x",
    )
    missing = Computer.for_indicators([share], countries=[kz, ge]).value(
        share, ge, parse_period("2025")
    )
    assert missing.value is None and "GEL" in str(missing.note)


def test_the_lineage_page_describes_the_status_records(client, history):
    page = client.get(
        "/framework/lineage/", {"indicator": "SO1.I3", "place": "region", "period": "2024"}
    ).content.decode()
    table = page.split('id="module-records"')[1].split("</table>")[0]
    assert "Kazakhstan — Take-home naloxone: In place" in table
    assert "2024-05-15 – now" in table
