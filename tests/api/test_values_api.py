"""The values API: the same services and checks as the pages."""

from __future__ import annotations

import pytest

from hrmonitor.core.services import api_token_create
from hrmonitor.framework.models import DataValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def georgia_token(personas):  # type: ignore[no-untyped-def]
    return api_token_create(user=personas["focal_point_georgia"], name="sync")[1]


def post(client, token, path, data):  # type: ignore[no-untyped-def]
    return client.post(
        path, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_focal_point_saves_and_submits_through_the_api(client, georgia_token):
    response = post(
        client,
        georgia_token,
        "/api/v1/framework/values",
        {"indicator": "SO3.I2", "country": "GE", "period": "2019", "value": "11"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    submitted = post(
        client,
        georgia_token,
        "/api/v1/framework/values/submit",
        {"country": "GE", "period": "2019"},
    )
    assert submitted.json() == {"submitted": 1}
    assert DataValue.objects.get().status == DataValue.Status.SUBMITTED


def test_the_api_refuses_another_countrys_data_and_bad_values_with_reasons(client, georgia_token):
    other = post(
        client,
        georgia_token,
        "/api/v1/framework/values",
        {"indicator": "SO3.I2", "country": "AM", "period": "2019", "value": "11"},
    )
    assert other.status_code == 403
    bad = post(
        client,
        georgia_token,
        "/api/v1/framework/values",
        {"indicator": "SO1.I1", "country": "GE", "period": "2019", "value": "7"},
    )
    assert bad.status_code == 400
    assert bad.json()["problems"] == ["Enter 1 for yes or 0 for no."]
    assert not DataValue.objects.exists()


def test_the_public_reads_approved_values_only_and_a_bad_token_is_refused(client, georgia_token):
    post(
        client,
        georgia_token,
        "/api/v1/framework/values",
        {"indicator": "SO3.I2", "country": "GE", "period": "2019", "value": "11"},
    )
    assert client.get("/api/v1/framework/values").json() == {"count": 0, "items": []}
    mine = client.get("/api/v1/framework/values", HTTP_AUTHORIZATION=f"Bearer {georgia_token}")
    assert mine.json()["count"] == 1
    assert (
        client.get("/api/v1/framework/values", HTTP_AUTHORIZATION="Bearer hrm_wrong").status_code
        == 401
    )


def test_writing_needs_a_token(client):
    response = client.post(
        "/api/v1/framework/values",
        {"indicator": "SO3.I2", "country": "GE", "period": "2019", "value": "1"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_the_values_list_keeps_a_fixed_query_count(
    client, georgia_token, django_assert_max_num_queries
):
    for period in ("2016", "2017", "2018", "2019"):
        post(
            client,
            georgia_token,
            "/api/v1/framework/values",
            {"indicator": "SO3.I2", "country": "GE", "period": period, "value": "3"},
        )
    with django_assert_max_num_queries(5):
        client.get("/api/v1/framework/values", HTTP_AUTHORIZATION=f"Bearer {georgia_token}")
