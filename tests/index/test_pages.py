"""The public pages of the index: ranking with rank intervals, map data, country card,
methodology, comparison and downloads."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from factories import country
from hrmonitor.index import services

pytestmark = pytest.mark.django_db


def test_without_a_published_edition_the_index_page_says_so(client):
    page = client.get("/index/").content.decode()
    assert "No edition of the index has been published yet." in page


def test_the_ranking_shows_scores_ranks_and_rank_intervals(client, published):
    page = client.get("/index/").content.decode()
    assert "Small index 2024" in page
    assert "cite as" in page and published.citation in page
    # Georgia first with 87.5, each row with its interval bar and its text.
    assert page.index(">Georgia<") < page.index(">Armenia<") < page.index(">Kazakhstan<")
    assert "87.5" in page
    assert page.count('class="rank-range"') == 3
    unit = published.uncertainty["units"]["GE"]
    assert f"{unit['low']:.0f}–{unit['high']:.0f}" in page
    assert f'href="/index/editions/{published.pk}/country/GE/"' in page
    # The map gets its data through json_script, never an inline script.
    data = json.loads(page.split('id="index-map-data" type="application/json">')[1].split("<")[0])
    assert {c["name"] for c in data["countries"]} == {"Georgia", "Armenia", "Kazakhstan"}
    assert data["geojson_url"] == "/map/ceeca.geojson"
    assert "<script>" not in page


def test_the_ranking_in_russian(client, published):
    page = client.get("/index/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in page
    assert "Малый индекс 2024" in page
    assert page.index(">Грузия<") < page.index(">Армения<")
    assert "87,5" in page  # Russian decimal comma
    assert page.count('class="rank-range"') == 3


def test_the_ranking_page_query_count_does_not_grow_with_countries(
    client, admin, definition_factory, edition_factory, django_assert_max_num_queries
):
    definition = definition_factory(admin)
    edition_factory(admin, definition=definition, year=2023)
    many = {
        iso2: ("2", [(2, 3), (3, 3), (1, 4)])
        for iso2 in ("GE", "AM", "KZ", "KG", "TJ", "UA", "MD", "AL", "RS", "ME", "MK", "BA")
    }
    edition_factory(admin, definition=definition, year=2024, values=many)
    with django_assert_max_num_queries(4):
        page = client.get("/index/").content.decode()
    assert page.count('class="rank-range"') == 12


def test_a_country_card_shows_each_dimension_and_where_each_value_came_from(client, published):
    page = client.get(f"/index/editions/{published.pk}/country/AM/").content.decode()
    assert "<h1" in page and "Armenia</h1>" in page
    assert "Law" in page and "Practice" in page
    assert "Code of AM, art. 1" in page
    assert "Expert survey, 3 answers" in page
    assert "experts disagree" in page
    assert f"of {len(published.results['units'])}" in page


def test_a_country_the_edition_does_not_cover_gets_a_card_that_says_so(client, published):
    page = client.get(f"/index/editions/{published.pk}/country/RU/").content.decode()
    assert "Russia is not covered by this edition" in page
    assert client.get(f"/index/editions/{published.pk}/country/ZZ/").status_code == 404


def test_the_methodology_is_generated_from_the_definition(client, published):
    page = client.get(f"/index/editions/{published.pk}/methodology/").content.decode()
    assert "Small index" in page and "version 1" in page
    assert "goalposts 0 and 3" in page
    assert "y = 100·(x − 0) / (3 − 0)" in page
    assert "weight 50 % of the index" in page
    assert "weighted arithmetic mean" in page
    assert "How often do police abuse people who use drugs?" in page
    assert "confidence-weighted median" in page
    assert f"computed {published.uncertainty['runs']} more times" in page


def test_two_editions_are_compared_by_rank_change(client, admin, published, edition_factory):
    later = {
        "GE": ("0", [(1, 3), (1, 3), (1, 3)]),
        "AM": ("3", [(4, 3), (4, 3), (4, 3)]),
        "KZ": ("2", [(2, 3), (2, 3), (2, 3)]),
    }
    second = edition_factory(admin, definition=published.definition, year=2025, values=later)
    page = client.get("/index/compare/").content.decode()
    assert f'<option value="{second.pk}" selected>' in page
    armenia = page.split(">Armenia<")[1].split("</tr>")[0]
    assert "▲ +1" in armenia  # 2nd in 2024, 1st in 2025
    georgia = page.split(">Georgia<")[1].split("</tr>")[0]
    assert "▼ -2" in georgia  # 1st, then 3rd


@pytest.mark.parametrize("stage", ["raw", "normalised", "results"])
def test_every_stage_downloads_as_csv_xlsx_and_json(client, published, stage):
    base = f"/index/editions/{published.pk}/{stage}"
    csv_text = b"".join(client.get(f"{base}.csv").streaming_content).decode("utf-8-sig")
    assert "GE" in csv_text
    rows = json.loads(client.get(f"{base}.json").content)["rows"]
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    assert book.active.max_row == len(rows) + 1
    if stage == "raw":
        cell = next(r for r in rows if r["ISO code"] == "AM" and r["Indicator code"] == "police")
        assert (cell["Value"], cell["Survey answers"], cell["Experts disagree"]) == (2, 3, "yes")
    elif stage == "normalised":
        georgia = next(r for r in rows if r["ISO code"] == "GE")
        assert georgia["possession Possession for personal use"] == 100
    else:
        georgia = next(r for r in rows if r["ISO code"] == "GE")
        assert (georgia["Index score"], georgia["Rank"]) == (87.5, 1)
        assert georgia["Rank, 95th percentile"] >= 1


def test_an_unknown_stage_or_format_is_a_404(client, published):
    assert client.get(f"/index/editions/{published.pk}/secrets.csv").status_code == 404
    assert client.get(f"/index/editions/{published.pk}/raw.pdf").status_code == 404


def test_the_workspace_lists_survey_cells_where_experts_disagree(login, admin, edition_factory):
    draft = edition_factory(admin, publish=False)
    page = login(admin).get(f"/index/manage/editions/{draft.pk}/").content.decode()
    review = page.split('id="flags-heading"')[1].split("</section>")[0]
    assert "Armenia" in review and "Georgia" not in review
    assert "answers span more than half the scale" in review
    assert page.count("cell-flagged") == 2  # the grid cell and the review row
    assert "Publish…" in page


def test_a_secretariat_member_enters_desk_values_on_one_grid(login, admin, definition_factory):
    edition = services.edition_create(
        user=admin, definition=definition_factory(admin), year=2024, title_en="Index"
    )
    client = login(admin)
    form = client.get(f"/index/manage/editions/{edition.pk}/desk/possession/").content.decode()
    assert 'for="id_value_GE"' in form
    response = client.post(
        f"/index/manage/editions/{edition.pk}/desk/possession/",
        {"value_GE": "2,5", "legal_GE": "Law 12", "source_GE": "https://example.org"},
    )
    assert response.status_code == 302
    value = edition.desk_values.get()
    assert (value.country, value.value, value.legal_reference) == (country("GE"), 2.5, "Law 12")
    anonymous = Client().get(f"/index/manage/editions/{edition.pk}/desk/possession/")
    assert anonymous.status_code == 302
