"""The public pages of the tracker: the regional grid and map, in English and Russian, with a
fixed number of queries, and the demo data."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache

from factories import country
from hrmonitor.core.demo import DemoContext
from hrmonitor.core.models import Country
from hrmonitor.core.roles import Role
from hrmonitor.core.services import role_assign, user_create
from hrmonitor.policy import demo, services
from hrmonitor.policy.models import PolicyStatus

pytestmark = pytest.mark.django_db


def test_the_regional_page_shows_every_country_and_area_at_the_chosen_date(client, facts):
    page = client.get("/policy/", {"date": "2020-06-30", "area": "nsp"}).content.decode()
    assert "All policy areas on 2020-06-30" in page
    assert page.count('<th scope="row"><a href="/policy/countries/') == Country.objects.count()
    assert page.count("policy-status--in_place") >= 27
    assert "Needle and syringe programmes legal and operating on 2020-06-30" in page
    assert "<script>" not in page
    assert 'type="range"' in page


def test_the_regional_page_in_russian_names_the_areas_in_russian(client, facts):
    page = client.get("/policy/", {"date": "2020-06-30"}, HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert '<html lang="ru">' in text
    assert "Налоксон на руки" in text
    assert "Действует" in text  # the Russian label of "in place"


def test_the_regional_page_query_count_does_not_grow_with_records(
    client, facts, personas, django_assert_num_queries
):
    # Areas, countries, the statuses on the date, the first year of the slider, and the
    # demo-banner check (cached per minute, so cleared before each measured request).
    cache.clear()
    with django_assert_num_queries(5):
        client.get("/policy/", {"date": "2024-06-30"})
    admin = personas["secretariat_admin"]
    for iso2 in ("GE", "AM", "KG", "TJ", "UA", "MD"):
        for code in ("strategy", "diversion", "domestic-funding"):
            services.policy_status_record(
                user=admin,
                country=country(iso2),
                area=facts[code],
                status="partial_or_pilot",
                valid_from=dt.date(2023, 1, 1),
            )
    # Areas, countries, the statuses on the date, the first year of the slider, and the
    # demo-banner check (cached per minute, so cleared before each measured request).
    cache.clear()
    with django_assert_num_queries(5):
        client.get("/policy/", {"date": "2024-06-30"})


def test_an_unknown_country_is_not_found(client, areas):
    assert client.get("/policy/countries/ZZ/").status_code == 404


def test_the_demo_adds_labelled_status_changes_on_top_of_the_facts(personas, facts):
    user = user_create(username="demo-admin", email="a@demo.invalid", password=None)
    role_assign(user=user, role=Role.SECRETARIAT_ADMIN)
    demo.populate(DemoContext(rng=random.Random(1)))  # noqa: S311 - synthetic data
    made = PolicyStatus.objects.filter(source=demo.DEMO_SOURCE)
    assert made.count() == len(demo.CHANGES)
    assert all("[DEMO]" in r.legal_reference for r in made)
    # The real facts stay as they were.
    assert PolicyStatus.objects.exclude(source=demo.DEMO_SOURCE).count() == 29 + 29 + 5


def test_the_country_and_changes_pages_keep_a_fixed_query_count(
    client, facts, personas, django_assert_num_queries
):
    admin = personas["secretariat_admin"]
    counts = []
    for year in (2021, 2022, 2023):
        for code in ("strategy", "diversion", "nsp"):
            services.policy_status_record(
                user=admin,
                country=country("KZ"),
                area=facts[code],
                status="partial_or_pilot" if year % 2 else "in_place",
                valid_from=dt.date(year, 3, 1),
            )
        cache.clear()
        # The country, its statuses, the areas, its facts, the demo-banner check.
        with django_assert_num_queries(5) as country_page:
            client.get("/policy/countries/KZ/")
        cache.clear()
        # The changes, the statuses they replaced, the sub-regions, the demo-banner check.
        with django_assert_num_queries(4) as changes_page:
            client.get("/policy/changes/", {"from": "2020-01-01", "to": "2024-01-01"})
        counts.append((len(country_page), len(changes_page)))
    assert len(set(counts)) == 1


def test_the_country_profile_keeps_a_fixed_query_count(
    client, facts, personas, django_assert_max_num_queries
):
    admin = personas["secretariat_admin"]
    # The country, statuses, areas, funding (records, rates, needs, milestones), facts, the
    # indicators with their values and targets, the index edition, organisations, countries,
    # the demo banner, and the records of the modules the indicators are computed from (CLM:
    # interviews, service delivery records, scorecard interviews), and the CLM scorecard
    # summary (scored forms, their interviews).
    cache.clear()
    with django_assert_max_num_queries(27):
        client.get("/countries/KZ/")
    for year in (2021, 2022, 2023):
        services.policy_status_record(
            user=admin,
            country=country("KZ"),
            area=facts["nsp"],
            status="partial_or_pilot" if year % 2 else "in_place",
            valid_from=dt.date(year, 3, 1),
        )
        services.funding_record_create(
            user=admin,
            country=country("KZ"),
            year=year,
            source_category="global_fund",
            amount=year,
            source="test",
        )
    cache.clear()
    with django_assert_max_num_queries(27):
        client.get("/countries/KZ/")
