"""Formula indicators: defined safely in the admin, computed with lineage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import country
from hrmonitor.core.models import Country
from hrmonitor.framework import periods, values
from hrmonitor.framework.admin import IndicatorForm
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator, Objective

pytestmark = pytest.mark.django_db


def form_data(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "objective": Objective.objects.get(code="SO3").pk,
        "code": "SO3.X1",
        "order": 99,
        "name": "Share of women among community leaders",
        "name_en": "Share of women among community leaders",
        "name_ru": "Доля женщин среди лидеров сообщества",
        "unit": "percent",
        "decimals": 1,
        "direction": "increase",
        "space_aggregation": "mean",
        "time_aggregation": "latest",
        "frequency": "annual",
        "level": "country",
        "source_kind": "formula",
        "formula": "[SO3.I2_women] / SO3.I2 * 100",
        "source_params": "{}",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_a_formula_that_cannot_be_read():
    form = IndicatorForm(data=form_data(formula="SO3.I2 * (2"))
    assert not form.is_valid()
    assert form.errors["formula"] == ["A parenthesis is not matched (character 10)."]


def test_the_admin_refuses_unknown_indicators_in_a_formula():
    form = IndicatorForm(data=form_data(formula="SO3.I2 / NOPE.I1"))
    assert not form.is_valid()
    assert form.errors["formula"] == ["The formula names unknown indicators: NOPE.I1"]


def test_a_formula_indicator_is_computed_from_approved_values_with_their_lineage(personas):
    form = IndicatorForm(data=form_data(formula="SO3.I3 / SO3.I2 * 100"))
    assert form.is_valid(), form.errors
    ratio = form.save()
    fp, officer = personas["focal_point_georgia"], personas["me_officer"]
    made = []
    for code, number in (("SO3.I2", "8"), ("SO3.I3", "2")):
        value = values.data_value_save(
            user=fp,
            indicator=Indicator.objects.get(code=code),
            country=country("GE"),
            period="2021",
            value=number,
        )
        values.data_values_submit(user=fp, values=[value])
        values.data_value_approve(user=officer, value=value)
        made.append(value.pk)
    computer = Computer.for_indicators([ratio], countries=list(Country.objects.all()))
    result = computer.value(ratio, country("GE"), periods.parse_period("2021"))
    assert result.value == Decimal(25)
    assert sorted(ref.pk for ref in result.lineage) == sorted(made)
    missing = computer.value(ratio, country("KZ"), periods.parse_period("2021"))
    assert missing.value is None and str(missing.note) == "An input of the formula has no value."


def test_the_indicator_admin_page_opens_for_the_administrator(personas, login):
    admin = personas["secretariat_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    indicator = Indicator.objects.get(code="SO3.I2")
    page = login(admin).get(f"/admin/framework/indicator/{indicator.pk}/change/")
    assert page.status_code == 200
    assert 'name="formula"' in page.content.decode()
