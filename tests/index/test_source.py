"""The index as a source of results-framework indicators, computed through `Computer`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from factories import country
from hrmonitor.framework.computation import Computer
from hrmonitor.framework.models import Indicator, Objective
from hrmonitor.framework.periods import parse_period
from hrmonitor.framework.sources import LineageRef, registered

pytestmark = pytest.mark.django_db


def index_indicator(code: str, params: dict[str, str] | None = None) -> Indicator:
    return Indicator.objects.create(
        objective=Objective.objects.order_by("order").first(),
        code=code,
        name=code,
        unit=Indicator.Unit.SCORE,
        space_aggregation=Indicator.SpaceAggregation.MEAN,
        source_kind=Indicator.SourceKind.FUNCTION,
        source_function="index.score",
        source_params=params or {},
    )


def value(indicator: Indicator, iso2: str | None, period: str):  # type: ignore[no-untyped-def]
    computer = Computer.for_indicators([indicator], countries=[country("GE"), country("AM")])
    return computer.value(indicator, country(iso2) if iso2 else None, parse_period(period))


def test_the_index_score_source_is_registered():
    assert "index.score" in {source.key for source in registered()}


def test_a_country_gets_its_score_in_the_latest_published_edition_with_lineage(published):
    indicator = index_indicator("IDX.1")
    result = value(indicator, "GE", "2024")
    assert result.value == Decimal("87.5")
    assert result.lineage == (LineageRef("index.Edition", published.pk),)
    # A later period still uses the latest edition published before it.
    assert value(indicator, "AM", "2026Q2").value == Decimal(
        str(round(published.results["scores"]["AM"]["index"], 2))
    )


def test_a_dimension_can_be_asked_for_and_the_region_gets_the_mean(published):
    practice = index_indicator("IDX.2", {"dimension": "practice"})
    assert value(practice, "GE", "2024").value == Decimal("75")
    scores = [published.results["scores"][c]["index"] for c in published.results["units"]]
    region = value(index_indicator("IDX.3"), None, "2024")
    assert region.value == Decimal(str(round(sum(scores) / len(scores), 2)))
    assert region.lineage == (LineageRef("index.Edition", published.pk),)


def test_no_value_before_the_first_edition_or_for_a_country_not_covered(published):
    indicator = index_indicator("IDX.4")
    before = value(indicator, "GE", "2023")
    assert before.value is None and "No published index edition" in str(before.note)
    assert value(indicator, "TJ", "2024").value is None


def test_drafts_are_not_a_source(admin, edition_factory):
    edition_factory(admin, publish=False)
    assert value(index_indicator("IDX.5"), "GE", "2024").value is None
