"""The indicator performance tracking table (IPTT)."""

from __future__ import annotations

import json

import pytest

from factories import country
from hrmonitor.framework import values
from hrmonitor.framework.models import Indicator, Target

pytestmark = pytest.mark.django_db


def approve(personas, iso2, period, number, key=""):  # type: ignore[no-untyped-def]
    user = personas["focal_point_georgia"] if iso2 == "GE" else personas["focal_point_kazakhstan"]
    value = values.data_value_save(
        user=user,
        indicator=Indicator.objects.get(code="SO3.I2"),
        country=country(iso2),
        period=period,
        value=number,
        disaggregation=key,
    )
    values.data_values_submit(user=user, values=[value])
    values.data_value_approve(user=personas["me_officer"], value=value)


def test_the_iptt_shows_target_and_actual_per_year_with_parts(personas, client):
    approve(personas, "GE", "2021", "10")
    approve(personas, "GE", "2021", "4", "gender=women")
    approve(personas, "KZ", "2021", "5")
    Target.objects.create(
        indicator=Indicator.objects.get(code="SO3.I2"), period="2021", kind="target", value=20
    )
    data = json.loads(client.get("/framework/iptt.json", {"objective": "SO3"}).content)
    total = next(r for r in data["rows"] if r["Indicator"] == "SO3.I2" and not r["Disaggregation"])
    assert (total["2021 target"], total["2021 actual"]) == (20, 15)
    women = next(r for r in data["rows"] if r["Disaggregation"] == "Gender: Women")
    assert women["2021 actual"] == 4


def test_the_iptt_for_a_country_hides_regional_indicators(personas, client):
    page = client.get("/framework/iptt/", {"place": "GE"}).content.decode()
    assert "SO3.I2" in page and "SO4.I4" not in page


def test_the_iptt_filters_come_back_as_a_partial_for_htmx(client):
    response = client.get("/framework/iptt/", {"key": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "SO1.I1" in body and "SO2.I1" not in body


def test_the_iptt_keeps_a_fixed_query_count(personas, client, django_assert_max_num_queries):
    for period in ("2020", "2021", "2022"):
        approve(personas, "GE", period, "3")
    # Entered values and targets, plus one load of each module source's records (the policy
    # tracker for SO1.I3, the events for the output indicators, CLM's interviews, service
    # delivery records and scorecard interviews).
    with django_assert_max_num_queries(19):
        client.get("/framework/iptt/")


def test_the_parts_of_an_indicator_load_when_expanded(personas, client):
    approve(personas, "GE", "2021", "10")
    approve(personas, "GE", "2021", "4", "gender=women")
    body = client.get(
        "/framework/iptt/parts/", {"indicator": "SO3.I2", "place": "GE", "from": "2021"}
    ).content.decode()
    assert body.count("<tr") == 3  # women, men, trans and gender-diverse people
    assert "Gender: Women" in body and ">4<" in body


def test_a_sub_region_adds_up_only_its_own_countries(personas, client):
    approve(personas, "GE", "2021", "10")  # Caucasus
    approve(personas, "KZ", "2021", "5")  # Central Asia
    data = json.loads(client.get("/framework/iptt.json", {"place": "sub-CA"}).content)
    total = next(r for r in data["rows"] if r["Indicator"] == "SO3.I2" and not r["Disaggregation"])
    assert total["2021 actual"] == 5
    assert data["title"] == "IPTT — Central Asia"
    assert not any(r["Indicator"] == "SO4.I4" for r in data["rows"])  # regional indicator


def test_the_objective_page_rolls_up_its_indicators(personas, client):
    approve(personas, "GE", "2021", "10")
    page = client.get("/framework/objectives/SO3/").content.decode()
    assert "Progress of the objective" in page
    assert page.count('class="badge text-bg-') >= 4  # a status per indicator, and the roll-up
