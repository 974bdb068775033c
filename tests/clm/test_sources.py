"""Community-led monitoring in the results framework: a client interview received through
OpenRosa makes Kazakhstan count for SO3.I1 (communities use the regional CLM approach) and adds
a monitored site and a respondent; excluded interviews do not count; coverage of needles and
syringes and of OAT comes from service delivery records and the published PWID estimate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import country
from hrmonitor.clm import services
from hrmonitor.clm.models import PwidEstimate, ServiceDelivery
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator
from hrmonitor.framework.periods import parse_period
from hrmonitor.framework.sources import LineageRef

from .conftest import instance_xml

pytestmark = pytest.mark.django_db


def value(code: str, place, period: str):  # type: ignore[no-untyped-def]
    indicator = Indicator.objects.get(code=code)
    places = [country("KZ"), country("GE"), country("KG")]
    return Computer.for_indicators([indicator], countries=places).value(
        indicator, place, parse_period(period)
    )


def receive(clm_setup, instance_id: str, **answers: str):  # type: ignore[no-untyped-def]
    return services.submission_receive(
        xml=instance_xml(instance_id, **answers),
        project=clm_setup["project"],
        user=clm_setup["monitor"],
    )


def test_so3_i1_counts_a_country_once_communities_monitor_there(clm_setup):
    assert Indicator.objects.get(code="SO3.I1").source_function == "clm.active_countries"
    assert value("SO3.I1", country("KZ"), "2026").value == Decimal(0)
    assert receive(clm_setup, "uuid:a").status == 201
    kz = value("SO3.I1", country("KZ"), "2026")
    assert kz.value == Decimal(1)
    assert kz.lineage == (LineageRef("clm.ServiceSite", clm_setup["site"].pk),)
    assert value("SO3.I1", country("GE"), "2026").value == Decimal(0)
    assert value("SO3.I1", None, "2026").value == Decimal(1)
    assert value("SO3.I1", None, "2025").value == Decimal(0)


def test_sites_monitored_and_clients_interviewed(clm_setup):
    for n in range(3):
        receive(clm_setup, f"uuid:{n}")
    receive(clm_setup, "uuid:old", today="2025-06-01")
    assert value("SO3.O4", None, "2026Q4").value == Decimal(1)
    assert value("SO3.O5", country("KZ"), "2026Q4").value == Decimal(3)
    assert value("SO3.O5", None, "2025").value == Decimal(1)


def test_excluded_and_replaced_interviews_do_not_count(clm_setup):
    first = receive(clm_setup, "uuid:1").submission
    receive(clm_setup, "uuid:2")
    services.submission_review(
        user=clm_setup["admin"], submission=first, review="excluded", note="Test interview"
    )
    assert value("SO3.O5", None, "2026").value == Decimal(1)
    services.submission_receive(
        xml=instance_xml("uuid:2b", stock="no", deprecated="uuid:2"),
        project=clm_setup["project"],
        user=clm_setup["monitor"],
    )
    assert value("SO3.O5", None, "2026").value == Decimal(1)


def test_coverage_of_needles_syringes_and_oat(clm_setup):
    kz = country("KZ")
    PwidEstimate.objects.filter(country=kz).delete()
    PwidEstimate.objects.create(country=kz, year=2024, low=90_000, high=110_000, source="test")
    record = ServiceDelivery.objects.create(
        country=kz, year=2025, syringes=15_000_000, oat_clients=2_000, source="test"
    )
    syringes = value("SO1.O1", kz, "2025")
    assert syringes.value == Decimal("150.0")
    assert syringes.lineage == (LineageRef("clm.ServiceDelivery", record.pk),)
    assert value("SO1.O2", kz, "2025").value == Decimal("2.0")
    assert value("SO1.O3", None, "2025").value == Decimal(1)
    assert value("SO1.O1", None, "2025").value == Decimal("150.0")
    missing = value("SO1.O1", kz, "2024")
    assert missing.value is None
    assert missing.note


def test_a_scorecard_aggregate_needs_five_respondents(clm_setup):
    form = clm_setup["form"]
    services.score_items_set(
        user=clm_setup["admin"],
        form=form,
        items=[
            {
                "question": "stock",
                "dimension": "availability",
                "choice_scores": {"yes": 100, "no": 0},
            }
        ],
    )
    Indicator.objects.filter(code="SO3.O6").update(
        source_params={"form": "tform", "dimension": "availability"}
    )
    for n, stock in enumerate(["yes", "yes", "no", "yes"]):
        receive(clm_setup, f"uuid:{n}", stock=stock)
    four = value("SO3.O6", country("KZ"), "2026")
    assert four.value is None
    assert "5" in str(four.note)
    receive(clm_setup, "uuid:5", stock="no")
    assert value("SO3.O6", country("KZ"), "2026").value == Decimal("60.0")
    assert value("SO3.O6", None, "2026").value == Decimal("60.0")
    assert value("SO3.O6", country("GE"), "2026").value is None


def test_countries_at_a_coverage_level_count_only_certain_levels(clm_setup):
    from hrmonitor.framework import sources
    from hrmonitor.framework.sources import SourceRequest

    kz, ge = country("KZ"), country("GE")
    for place in (kz, ge):
        PwidEstimate.objects.filter(country=place).delete()
    PwidEstimate.objects.create(country=kz, year=2024, low=10_000, high=10_000, source="test")
    PwidEstimate.objects.create(country=ge, year=2024, low=5_000, high=20_000, source="test")
    ServiceDelivery.objects.create(country=kz, year=2025, syringes=2_500_000, source="test")
    ServiceDelivery.objects.create(country=ge, year=2025, syringes=2_000_000, source="test")
    level = sources.get("clm.coverage_level")
    indicator = Indicator.objects.get(code="SO1.O1")

    def ask(place, level_name):  # type: ignore[no-untyped-def]
        return level.function(
            SourceRequest(  # type: ignore[union-attr]
                indicator,
                place,
                parse_period("2025"),
                params={"measure": "syringes", "level": level_name},
            )
        )

    # Kazakhstan: 250 per person, high for certain; Georgia: 100 to 400, "medium to high".
    assert ask(None, "high").value == Decimal(1)
    assert ask(kz, "high").value == Decimal(1)
    assert ask(ge, "high").value is None
    assert ask(None, "medium").value == Decimal(0)
