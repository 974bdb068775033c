"""The framework browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_framework_browser_lists_objectives_activities_and_indicators(client):
    page = client.get("/framework/").content.decode()
    assert page.count('class="card mb-4"') == 4
    assert "SO3.A2" in page
    assert 'href="/framework/indicators/SO2.I6/"' in page
    assert "What the evaluation measures" in page


def test_the_framework_browser_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        client.get("/framework/")


def test_indicators_can_be_searched_in_russian(client):
    response = client.get(
        "/framework/",
        {"q": "декриминализ"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-results",
    )
    partial = response.content.decode()
    assert "<html" not in partial
    assert "SO2.I4" in partial


def test_an_indicator_page_shows_its_objective_and_activity(client):
    page = client.get("/framework/indicators/SO1.I2/").content.decode()
    assert "Development and piloting of a regional system for harm reduction efficiency" in page
    assert "SO1.A5" in page
    assert 'href="/framework/objectives/SO1/"' in page


def test_an_indicator_page_in_russian(client):
    page = client.get("/framework/indicators/SO1.I2/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Стратегическая цель" in page
    assert "снижения вреда" in page


def test_an_unknown_indicator_is_a_404(client):
    assert client.get("/framework/indicators/SO9.I9/").status_code == 404
    assert client.get("/framework/objectives/SO9/").status_code == 404
