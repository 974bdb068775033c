"""Public pages: what an anonymous visitor sees, in English and in Russian."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_29_countries_and_the_4_objectives(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    map_data = json.loads(
        page.split('id="map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert len(map_data["countries"]) == 29
    assert len(map_data["sub_regions"]) == 7
    for code in ("SO1", "SO2", "SO3", "SO4"):
        assert f'href="/framework/objectives/{code}/"' in page
    assert "in 29 countries of Central and Eastern Europe and Central Asia" in page


def test_the_home_page_in_russian_shows_russian_names(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "Евразийская ассоциация снижения вреда" in page
    assert "Стратегические цели" in page
    assert "Страны Балтии" in page


def test_the_home_page_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get("/")


def test_the_map_geometry_holds_the_29_countries_and_russia_in_one_piece(client):
    response = client.get(reverse("core:map_geojson"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert len(features) == 29
    russia = next(f for f in features if f["properties"]["name"] == "Russia")
    xs = [p[0] for poly in russia["geometry"]["coordinates"] for ring in poly for p in ring]
    assert min(xs) > 0


def test_the_country_list_can_be_searched_in_either_language(client):
    page = client.get("/countries/", {"q": "Грузия"}).content.decode()
    assert "Georgia" in page and "Armenia" not in page
    partial = client.get(
        "/countries/",
        {"q": "Central Asia"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="country-results",
    )
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().count("/countries/") == 5


def test_a_search_without_a_match_says_so(client):
    page = client.get("/countries/", {"q": "Atlantis"}).content.decode()
    assert "No country matches “Atlantis”." in page


def test_the_country_list_query_count_does_not_grow_with_countries(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get("/countries/")


def test_a_country_page_shows_its_sub_region_and_neighbours(client):
    page = client.get("/countries/ge/").content.decode()
    assert "<h1" in page and "Georgia" in page
    assert "Caucasus" in page
    assert 'href="/countries/AM/"' in page and 'href="/countries/AZ/"' in page


def test_an_unknown_country_gets_the_friendly_404(client):
    response = client.get("/countries/ZZ/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_404_page_is_translated(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_the_demo_banner_shows_only_when_demo_data_is_present(client):
    from hrmonitor.core.services import demo_dataset_mark

    assert "synthetic demo dataset" not in client.get("/").content.decode()
    demo_dataset_mark(note="test")
    from django.core.cache import cache

    cache.clear()
    assert "synthetic demo dataset" in client.get("/").content.decode()


def test_pages_forbid_inline_scripts_and_outside_sources(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    page = response.content.decode()
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


def test_a_country_page_shows_its_drug_policy_index_score_when_an_edition_is_published(
    client, settings, tmp_path
):
    from hrmonitor.core.demo import demo_populate

    settings.VAR_DIR = tmp_path
    demo_populate()
    page = client.get("/countries/GE/").content.decode()
    assert "Drug policy index" in page and "of 100, rank" in page
    assert "/index/editions/" in page
