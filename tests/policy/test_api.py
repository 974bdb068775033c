"""The policy and funding trackers in the public API (/api/v1/policy/…)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from factories import country, user_with_role
from hrmonitor.core.roles import Role
from hrmonitor.policy import services

pytestmark = pytest.mark.django_db

API = "/api/v1/policy"
LAW = "Order of the Minister of Health No. 123, 15 May 2024"


@pytest.fixture
def secretariat():  # type: ignore[no-untyped-def]
    return user_with_role(Role.SECRETARIAT_ADMIN)


@pytest.fixture
def naloxone(areas):  # type: ignore[no-untyped-def]
    return areas["naloxone-take-home"]


@pytest.fixture
def statuses(secretariat, naloxone):  # type: ignore[no-untyped-def]
    """Kazakhstan: not in place from 2019, in place from 15 May 2024 by an order; Georgia:
    partial from 2020."""
    kz, ge = country("KZ"), country("GE")
    record = services.policy_status_record
    record(
        user=secretariat,
        country=kz,
        area=naloxone,
        status="not_in_place",
        valid_from=dt.date(2019, 1, 1),
        source="Ministry of Health register",
    )
    record(
        user=secretariat,
        country=kz,
        area=naloxone,
        status="in_place",
        valid_from=dt.date(2024, 5, 15),
        legal_reference=LAW,
        evidence_url="https://example.org/order-123",
        source="Official gazette",
    )
    record(
        user=secretariat,
        country=ge,
        area=naloxone,
        status="partial_or_pilot",
        valid_from=dt.date(2020, 1, 1),
        source="Country report",
    )


@pytest.fixture
def funding(secretariat):  # type: ignore[no-untyped-def]
    """Kazakhstan, 2023: 1,000,000 KZT domestic (2,200 USD at 0.0022) and 3,000 USD from the
    Global Fund, against a need of 10,000 USD. 2022: 500,000 KZT without a 2022 rate."""
    kz = country("KZ")
    services.exchange_rate_save(
        user=secretariat, currency="KZT", year=2023, usd_per_unit=Decimal("0.0022"), source="NBK"
    )
    add = services.funding_record_create
    add(
        user=secretariat,
        country=kz,
        year=2023,
        source_category="domestic_national",
        amount=Decimal("1000000"),
        currency="KZT",
        funder="Ministry of Health",
        source="State budget law 2023",
    )
    add(
        user=secretariat,
        country=kz,
        year=2023,
        source_category="global_fund",
        amount=Decimal("3000"),
        evidence_url="https://example.org/gf-grant",
    )
    add(
        user=secretariat,
        country=kz,
        year=2022,
        source_category="domestic_municipal",
        amount=Decimal("500000"),
        currency="KZT",
        source="Almaty city budget",
    )
    services.funding_need_save(
        user=secretariat, country=kz, year=2023, amount=Decimal("10000"), source="Costing study"
    )
    services.funding_need_save(
        user=secretariat, country=kz, year=2022, amount=Decimal("9000"), source="Costing study"
    )


# --- Areas and statuses ----------------------------------------------------------------------


def test_areas_come_with_their_scale_in_the_requested_language(client, naloxone):
    areas = client.get(f"{API}/areas").json()
    found = next(a for a in areas if a["code"] == "naloxone-take-home")
    assert found["name"] == "Take-home naloxone"
    assert [step["code"] for step in found["scale"]] == [
        "not_legal",
        "not_in_place",
        "partial_or_pilot",
        "in_place",
    ]
    assert found["scale"][-1] == {
        "code": "in_place",
        "label": "In place",
        "label_en": "In place",
        "label_ru": "Действует",
        "counts_as_yes": True,
        "order": 4,
    }
    russian = client.get(f"{API}/areas", HTTP_ACCEPT_LANGUAGE="ru").json()
    found = next(a for a in russian if a["code"] == "naloxone-take-home")
    assert found["name"] == "Налоксон на руки"
    assert found["description"].startswith("Налоксон выдаётся")
    assert found["scale"][-1]["label"] == "Действует"


def test_the_status_as_of_a_date_is_the_one_valid_that_day_not_a_later_one(client, statuses):
    before = client.get(
        f"{API}/statuses",
        {"country": "KZ", "area": "naloxone-take-home", "as_of": "2024-01-01"},
    ).json()
    assert before["count"] == 1
    [record] = before["items"]
    assert (record["status"], record["valid_from"], record["valid_to"]) == (
        "not_in_place",
        "2019-01-01",
        "2024-05-14",
    )
    assert record["source"] == "Ministry of Health register"
    on_the_day = client.get(f"{API}/statuses", {"country": "kz", "as_of": "2024-05-15"}).json()[
        "items"
    ]
    assert [(r["status"], r["valid_to"]) for r in on_the_day] == [("in_place", None)]


def test_as_of_a_date_gives_one_status_per_country_and_none_before_any_record(client, statuses):
    items = client.get(f"{API}/statuses", {"as_of": "2021-06-30"}).json()["items"]
    assert [(r["country"], r["status"]) for r in items] == [
        ("GE", "partial_or_pilot"),
        ("KZ", "not_in_place"),
    ]
    assert client.get(f"{API}/statuses", {"as_of": "2018-12-31"}).json() == {
        "count": 0,
        "items": [],
    }


def test_without_a_date_the_history_lists_every_period_with_its_evidence(client, statuses):
    checker = user_with_role(Role.SECRETARIAT_ADMIN)
    latest = country("KZ").policy_statuses.get(valid_from=dt.date(2024, 5, 15))
    services.policy_status_verify(user=checker, record=latest)
    history = client.get(f"{API}/statuses", {"country": "KZ"}).json()
    assert history["count"] == 2
    first, second = history["items"]
    assert (first["valid_from"], first["valid_to"], first["status"]) == (
        "2019-01-01",
        "2024-05-14",
        "not_in_place",
    )
    assert first["verified"] is False and first["verified_at"] is None
    assert second == second | {
        "country": "KZ",
        "area": "naloxone-take-home",
        "status": "in_place",
        "status_label": "In place",
        "counts_as_yes": True,
        "valid_from": "2024-05-15",
        "valid_to": None,
        "legal_reference": LAW,
        "evidence_url": "https://example.org/order-123",
        "evidence_file_url": None,
        "source": "Official gazette",
        "verified": True,
    }
    assert second["verified_at"] is not None


def test_the_status_list_is_paginated(client, statuses):
    page = client.get(f"{API}/statuses", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3
    assert [(r["country"], r["valid_from"]) for r in page["items"]] == [("KZ", "2019-01-01")]
    # Out-of-range windows are clamped, not errors.
    clamped = client.get(f"{API}/statuses", {"limit": 0, "offset": -5}).json()
    assert [r["country"] for r in clamped["items"]] == ["GE"]


def test_status_labels_follow_the_requested_language(client, statuses):
    items = client.get(
        f"{API}/statuses", {"country": "KZ", "as_of": "2024-06-01"}, HTTP_ACCEPT_LANGUAGE="ru"
    ).json()["items"]
    assert [r["status_label"] for r in items] == ["Действует"]


def test_a_bad_date_is_a_400_that_names_it(client, statuses):
    response = client.get(f"{API}/statuses", {"as_of": "2024-13-01"})
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}
    assert "2024-13-01" in response.json()["detail"]


def test_an_unknown_area_or_country_is_a_translated_404(client, statuses):
    response = client.get(f"{API}/statuses", {"area": "nope"})
    assert (response.status_code, response.json()) == (404, {"detail": "Policy area not found."})
    response = client.get(f"{API}/statuses", {"country": "ZZ"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert (response.status_code, response.json()) == (404, {"detail": "Страна не найдена."})


# --- Funding ---------------------------------------------------------------------------------


def test_funding_is_converted_with_its_years_rate_or_flagged_without_one(client, funding):
    page = client.get(f"{API}/funding", {"country": "KZ"}).json()
    assert page["count"] == 3
    by_year_source = {(r["year"], r["source_category"]): r for r in page["items"]}
    domestic = by_year_source[(2023, "domestic_national")]
    assert (domestic["amount"], domestic["currency"]) == ("1000000.00", "KZT")
    assert Decimal(domestic["amount_usd"]) == Decimal("2200.00")
    assert Decimal(domestic["usd_rate"]) == Decimal("0.0022")
    assert domestic["usd_rate_missing"] is False
    assert domestic["funder"] == "Ministry of Health"
    assert domestic["source"] == "State budget law 2023"
    dollars = by_year_source[(2023, "global_fund")]
    assert Decimal(dollars["amount_usd"]) == Decimal("3000.00")
    assert dollars["evidence_url"] == "https://example.org/gf-grant"
    no_rate = by_year_source[(2022, "domestic_municipal")]
    assert no_rate["amount_usd"] is None and no_rate["usd_rate"] is None
    assert no_rate["usd_rate_missing"] is True


def test_funding_can_be_filtered_by_years_and_source(client, funding):
    items = client.get(
        f"{API}/funding", {"year_from": 2023, "year_to": 2023, "source_category": "global_fund"}
    ).json()["items"]
    assert [(r["country"], r["year"], r["source_category"]) for r in items] == [
        ("KZ", 2023, "global_fund")
    ]
    response = client.get(f"{API}/funding", {"source_category": "lottery"})
    assert response.status_code == 400
    assert "domestic_national" in response.json()["detail"]


def test_funding_records_carry_the_names_of_their_source_and_programme_area(client, funding):
    [record] = client.get(f"{API}/funding", {"source_category": "global_fund"}).json()["items"]
    assert (record["source_category_label"], record["programme_area"]) == ("Global Fund", "all")
    assert record["programme_area_label"] == "Harm reduction, not broken down"


def test_the_summary_gives_the_domestic_share_and_the_gap_to_the_need(client, funding):
    summary = client.get(f"{API}/funding/summary", {"country": "KZ"}).json()
    assert [row["year"] for row in summary] == [2022, 2023]
    year_2022, year_2023 = summary
    assert year_2023 == {
        "country": "KZ",
        "year": 2023,
        "total_usd": "5200.00",
        "domestic_usd": "2200.00",
        "international_usd": "3000.00",
        "domestic_share": 0.4231,
        "need_usd": "10000.00",
        "gap_usd": "4800.00",
        "missing_rates": [],
        "complete": True,
    }
    # No 2022 rate for tenge: the year says so and shows no share or gap built on part of it.
    assert year_2022["missing_rates"] == ["KZT"]
    assert year_2022["complete"] is False
    assert (year_2022["domestic_share"], year_2022["gap_usd"]) == (None, None)
    assert year_2022["need_usd"] == "9000.00"


def test_a_corrected_rate_corrects_the_summary(client, funding, secretariat):
    services.exchange_rate_save(
        user=secretariat, currency="KZT", year=2022, usd_per_unit=Decimal("0.002")
    )
    year_2022 = client.get(f"{API}/funding/summary", {"country": "KZ"}).json()[0]
    assert (year_2022["total_usd"], year_2022["domestic_share"], year_2022["gap_usd"]) == (
        "1000.00",
        1.0,
        "8000.00",
    )
    assert client.get(f"{API}/funding/summary", {"country": "ZZ"}).status_code == 404


def test_the_exchange_rates_are_listed(client, funding):
    assert client.get(f"{API}/exchange-rates").json() == [
        {"currency": "KZT", "year": 2023, "usd_per_unit": "0.00220000", "source": "NBK"}
    ]


# --- Query counts and the OpenAPI document ---------------------------------------------------


def _queries(client, path, params=None):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def test_lists_keep_a_fixed_query_count_as_rows_grow(
    client, statuses, funding, secretariat, naloxone
):
    endpoints = [
        (f"{API}/statuses", {"country": "KZ", "area": "naloxone-take-home"}),
        (f"{API}/statuses", {"as_of": "2024-06-01"}),
        (f"{API}/funding", {"country": "KZ"}),
        (f"{API}/funding/summary", {}),
        (f"{API}/areas", {}),
        (f"{API}/exchange-rates", {}),
    ]
    before = [_queries(client, path, params) for path, params in endpoints]
    assert max(before) <= 4
    for iso2 in ("GE", "AM", "KG", "TJ"):
        services.policy_status_record(
            user=secretariat,
            country=country(iso2),
            area=naloxone,
            status="in_place",
            valid_from=dt.date(2024, 1, 1),
        )
        services.funding_record_create(
            user=secretariat,
            country=country(iso2),
            year=2023,
            source_category="global_fund",
            amount=Decimal("1"),
            currency="EUR",
            source="Grant report",
        )
        services.funding_need_save(
            user=secretariat, country=country(iso2), year=2023, amount=Decimal(5), source="Study"
        )
    services.exchange_rate_save(
        user=secretariat, currency="EUR", year=2023, usd_per_unit=Decimal("1.08")
    )
    after = [_queries(client, path, params) for path, params in endpoints]
    assert after == before


def test_the_openapi_document_lists_the_policy_endpoints_and_their_errors(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("areas", "statuses", "funding", "funding/summary", "exchange-rates"):
        assert f"/api/v1/policy/{path}" in paths
    statuses = paths["/api/v1/policy/statuses"]["get"]
    assert {"400", "404"} <= set(statuses["responses"])
    assert {p["name"] for p in statuses["parameters"]} >= {"country", "area", "as_of", "limit"}
    assert "security" not in statuses  # public, like the countries list
