"""The EHRA Strategic Framework as loaded from its data file."""

from __future__ import annotations

import pytest

from hrmonitor.framework.models import Activity, EvaluationArea, Framework, Indicator, Objective
from hrmonitor.reference import reference_data_load

pytestmark = pytest.mark.django_db


def test_the_framework_has_4_objectives_with_their_activities_and_indicators():
    # The strategy's indicators (SOn.In); the output indicators the monitoring module adds
    # (SOn.On) are not part of the strategy file.
    counts = {
        o.code: (o.activities.count(), o.indicators.filter(code__contains=".I").count())
        for o in Objective.objects.order_by("order")
    }
    assert counts == {"SO1": (5, 3), "SO2": (5, 6), "SO3": (4, 4), "SO4": (5, 4)}
    assert EvaluationArea.objects.count() == 5


def test_codes_are_stable_and_english_is_verbatim_from_the_strategy():
    assert Objective.objects.get(code="SO2").title_en == (
        "To advocate for non-punitive drug policies in the CEECA region based on public "
        "health and human rights."
    )
    assert Indicator.objects.get(code="SO1.I1").name_en == (
        "Increase in the number of countries with approved and implemented mechanisms for "
        "domestic funding for harm reduction"
    )
    assert Activity.objects.get(code="SO4.A5").text_en.startswith(
        "Creation of an internal audit body"
    )


def test_every_framework_text_has_a_russian_translation():
    assert not Objective.objects.filter(title_ru="").exists()
    assert not Activity.objects.filter(text_ru="").exists()
    assert not Indicator.objects.filter(name_ru="").exists()
    assert Framework.objects.get().title_ru == "Стратегическая рамка ЕАСВ"


def test_indicators_link_only_to_activities_of_their_own_objective():
    for indicator in Indicator.objects.select_related("activity", "objective"):
        if indicator.activity:
            assert indicator.activity.objective_id == indicator.objective_id


def test_reloading_the_framework_writes_nothing():
    before = Indicator.history.count()
    assert reference_data_load().changed() == 0
    assert Indicator.history.count() == before
