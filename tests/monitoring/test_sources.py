"""Output indicators computed from events: the Kyrgyz training's 15 community members count
as community leaders trained in its quarter, with the event as lineage; countries with a
national dialogue; one load of the events for a whole page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from factories import country
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator
from hrmonitor.framework.periods import parse_period
from hrmonitor.framework.sources import LineageRef
from hrmonitor.monitoring import services
from hrmonitor.monitoring.models import Event

pytestmark = pytest.mark.django_db


def value(code: str, place, period: str):  # type: ignore[no-untyped-def]
    indicator = Indicator.objects.get(code=code)
    places = [country("KG"), country("KZ"), country("GE")]
    return Computer.for_indicators([indicator], countries=places).value(
        indicator, place, parse_period(period)
    )


def test_community_leaders_trained_in_the_quarter(training):
    region = value("SO3.O1", None, "2026Q1")
    assert region.value == Decimal(15)
    assert region.lineage == (LineageRef.of(training),)
    assert value("SO3.O1", country("KG"), "2026Q1").value == Decimal(15)
    assert value("SO3.O1", country("KZ"), "2026Q1").value == Decimal(0)
    assert value("SO3.O1", None, "2026Q2").value == Decimal(0)
    assert value("SO3.O3", None, "2026").value == Decimal(20)


def test_an_unknown_breakdown_is_said_not_guessed(training):
    # Women who use drugs were not entered for the training.
    result = value("SO3.O2", None, "2026Q1")
    assert result.value is None
    assert "Training of community leaders, Bishkek" in str(result.note)


def test_a_participant_list_gives_every_breakdown(personas, training, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("gender,uses drugs,country\nwoman,yes,KG\nwoman,no,KG\nman,yes,KZ\n")
    services.participants_import(
        user=personas["secretariat_admin"], event=training, path=path, filename="list.csv"
    )
    assert value("SO3.O2", None, "2026Q1").value == Decimal(1)
    assert value("SO3.O1", country("KZ"), "2026Q1").value == Decimal(1)


def test_countries_where_the_network_supported_a_national_dialogue(personas, training):
    for iso2, kind in (("GE", "meeting_officials"), ("KZ", "national_dialogue"), ("KZ", "webinar")):
        services.event_save(
            user=personas["secretariat_admin"],
            kind=kind,
            title=f"{kind} {iso2}",
            start_date=dt.date(2026, 4, 2),
            end_date=dt.date(2026, 4, 2),
            countries=[country(iso2)],
        )
    assert value("SO2.O1", None, "2026").value == Decimal(2)
    assert value("SO2.O1", country("KZ"), "2026").value == Decimal(1)
    assert value("SO2.O1", country("KG"), "2026").value == Decimal(0)
    assert Event.objects.count() == 4


def test_a_whole_page_of_values_loads_the_events_once(training, django_assert_max_num_queries):
    indicators = list(Indicator.objects.filter(code__in=["SO3.O1", "SO3.O2", "SO2.O1"]))
    places = [None, country("KG"), country("KZ")]
    computer = Computer.for_indicators(indicators, countries=places[1:])
    with django_assert_max_num_queries(6):
        for indicator in indicators:
            for place in places:
                for year in ("2025", "2026", "2026Q1", "2026Q2"):
                    computer.value(indicator, place, parse_period(year))
