"""The public read API and its OpenAPI document."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_lists_the_29_countries(client):
    response = client.get("/api/v1/countries")
    assert response.status_code == 200
    countries = response.json()
    assert len(countries) == 29
    georgia = next(c for c in countries if c["iso2"] == "GE")
    assert georgia == {
        "iso2": "GE",
        "iso3": "GEO",
        "name": "Georgia",
        "name_en": "Georgia",
        "name_ru": "Грузия",
        "sub_region": "CAUCASUS",
    }


def test_names_follow_the_requested_language(client):
    countries = client.get("/api/v1/countries", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert {c["name"] for c in countries} >= {"Грузия", "Косово", "Казахстан"}


def test_the_api_lists_the_4_objectives_and_their_details(client):
    objectives = client.get("/api/v1/framework/objectives").json()
    assert [o["code"] for o in objectives] == ["SO1", "SO2", "SO3", "SO4"]
    detail = client.get("/api/v1/framework/objectives/SO2").json()
    assert len(detail["activities"]) == 5
    # The strategy's six, then the output indicator computed from events.
    codes = [i["code"] for i in detail["indicators"]]
    assert codes == [*(f"SO2.I{n}" for n in range(1, 7)), "SO2.O1"]


def test_sub_regions_carry_their_country_counts(client):
    sub_regions = client.get("/api/v1/subregions").json()
    assert sum(s["country_count"] for s in sub_regions) == 29
    assert len(sub_regions) == 7


def test_indicators_can_be_searched(client):
    found = client.get("/api/v1/framework/indicators", {"q": "diversion"}).json()
    assert [i["code"] for i in found] == ["SO2.I6"]


def test_an_unknown_code_is_a_translated_404(client):
    response = client.get("/api/v1/framework/indicators/NOPE", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert response.json() == {"detail": "Индикатор не найден."}
    assert client.get("/api/v1/countries/ZZ").status_code == 404


def test_the_openapi_document_declares_the_error_responses(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "404" in schema["paths"]["/api/v1/countries/{iso2}"]["get"]["responses"]
    assert "401" in schema["paths"]["/api/v1/me"]["get"]["responses"]


def test_the_api_docs_page_loads_nothing_from_outside(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "https://" not in page


def test_api_lists_keep_a_fixed_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get("/api/v1/countries")
    with django_assert_max_num_queries(2):
        client.get("/api/v1/framework/indicators")


def test_an_indicator_comes_with_how_it_is_measured(client):
    found = client.get("/api/v1/framework/indicators/SO1.I1").json()
    assert (found["unit"], found["level"], found["space_aggregation"], found["condition"]) == (
        "yes_no",
        "country",
        "count_meeting",
        "= 1",
    )
    assert client.get("/api/v1/framework/indicators/SO3.I2").json()["disaggregations"] == ["gender"]
