"""Setting baselines and targets: the Secretariat's page, saved cell by cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hrmonitor.framework.models import Indicator, Target

pytestmark = pytest.mark.django_db


def test_the_secretariat_sets_a_countrys_baseline_and_target(personas, login):
    client = login(personas["me_officer"])
    page = client.get("/framework/indicators/SO3.I2/targets/").content.decode()
    assert page.count('id="targets-') == 30  # the region and 29 countries
    response = client.post(
        "/framework/indicators/SO3.I2/targets/save/",
        {"place": "GE", "kind": "baseline", "period": "2018", "value": "6"},
        HTTP_HX_REQUEST="true",
    )
    assert 'value="6"' in response.content.decode()
    client.post(
        "/framework/indicators/SO3.I2/targets/save/",
        {"place": "GE", "kind": "target", "period": "2025", "value": "20"},
        HTTP_HX_REQUEST="true",
    )
    assert sorted(Target.objects.values_list("kind", "period", "value")) == [
        ("baseline", "2018", Decimal(6)),
        ("target", "2025", Decimal(20)),
    ]
    assert Target.history.count() == 2


def test_changing_the_period_of_a_shown_target_moves_it_rather_than_adding_one(personas, login):
    indicator = Indicator.objects.get(code="SO3.I2")
    target = Target.objects.create(indicator=indicator, period="2024", kind="target", value=10)
    client = login(personas["me_officer"])
    client.post(
        "/framework/indicators/SO3.I2/targets/save/",
        {"place": "region", "kind": "target", "target": target.pk, "period": "2025", "value": "12"},
    )
    assert list(Target.objects.values_list("period", "value")) == [("2025", Decimal(12))]


def test_a_bad_period_is_explained_next_to_the_field(personas, login):
    body = (
        login(personas["me_officer"])
        .post(
            "/framework/indicators/SO3.I2/targets/save/",
            {"place": "GE", "kind": "target", "period": "next year", "value": "20"},
        )
        .content.decode()
    )
    assert "is not a period" in body and "is-invalid" in body
    assert not Target.objects.exists()


def test_a_focal_point_cannot_set_targets(personas, login):
    client = login(personas["focal_point_georgia"])
    assert client.get("/framework/indicators/SO3.I2/targets/").status_code == 403
    response = client.post(
        "/framework/indicators/SO3.I2/targets/save/",
        {"place": "GE", "kind": "target", "period": "2025", "value": "20"},
    )
    assert response.status_code == 403
    assert not Target.objects.exists()
