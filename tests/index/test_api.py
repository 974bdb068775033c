"""The index API router (mounted at /api/v1/index by the project's API)."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from hrmonitor.core.services import api_token_create
from hrmonitor.index.api import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():  # type: ignore[no-untyped-def]
    return TestClient(router)


@pytest.fixture
def draft(admin, edition_factory, published):  # type: ignore[no-untyped-def]
    return edition_factory(admin, definition=published.definition, year=2025, publish=False)


def test_the_public_lists_published_editions_only(api, published, draft):
    editions = api.get("/editions").json()
    assert [e["id"] for e in editions] == [published.pk]
    assert editions[0]["title_ru"] == "Малый индекс 2024"
    assert editions[0]["definition"] == "small"
    assert api.get(f"/editions/{draft.pk}/results").status_code == 404


def test_with_a_secretariat_token_drafts_are_listed_too(api, admin, published, draft):
    _token, plaintext = api_token_create(user=admin, name="index")
    headers = {"Authorization": f"Bearer {plaintext}"}
    editions = api.get("/editions", headers=headers).json()
    assert [e["status"] for e in editions] == ["draft", "published"]
    assert api.get(f"/editions/{draft.pk}/results", headers=headers).status_code == 200
    assert api.get("/editions", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_an_editions_results_give_scores_ranks_and_intervals_best_first(api, published):
    body = api.get(f"/editions/{published.pk}/results").json()
    assert [d["code"] for d in body["dimensions"]] == ["law", "practice"]
    first = body["rows"][0]
    assert (first["country"], first["score"], first["rank"]) == ("GE", 87.5, 1)
    assert first["dimensions"] == {"law": 100.0, "practice": 75.0}
    assert first["rank_low"] <= first["median_rank"] <= first["rank_high"]
    assert [r["country"] for r in body["rows"]] == ["GE", "AM", "KZ"]


def test_the_editions_list_query_count_is_fixed(
    api, admin, published, edition_factory, django_assert_max_num_queries
):
    for year in (2020, 2021, 2022):
        edition_factory(admin, definition=published.definition, year=year)
    with django_assert_max_num_queries(1):
        editions = api.get("/editions").json()
    assert len(editions) == 4
