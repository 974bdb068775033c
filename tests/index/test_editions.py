"""Definitions, editions, computation and publication, through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from factories import country
from hrmonitor.framework.models import DataValue, Indicator
from hrmonitor.index import services
from hrmonitor.index.models import DeskValue, Edition, SurveyResponse

pytestmark = pytest.mark.django_db


def test_editing_a_definition_saves_a_new_version_and_editions_keep_theirs(
    admin, definition_factory, spec_data
):
    first = definition_factory(admin)
    edition = services.edition_create(
        user=admin, definition=first, year=2024, title_en="Index 2024"
    )
    spec_data["dimensions"][0]["weight"] = 2
    second = services.definition_version_create(user=admin, definition=first, spec_data=spec_data)

    assert (second.code, second.version) == ("small", 2)
    assert second.name_ru == "Малый индекс"  # type: ignore[attr-defined]
    assert second.questions.get().indicator_code == "police"
    edition.refresh_from_db()
    assert edition.definition == first
    with pytest.raises(ValidationError, match="save a new version"):
        definition_factory(admin)


def test_a_definition_naming_an_unknown_framework_indicator_is_refused(admin, spec_data):
    spec_data["dimensions"][0]["indicators"][0]["source"] = "framework:SO9.I9"
    with pytest.raises(ValidationError, match="SO9.I9"):
        services.definition_create(user=admin, code="x", name_en="X", spec_data=spec_data)


def test_computing_scores_every_country_with_enough_data_and_ranks_them(admin, edition_factory):
    edition = edition_factory(admin, publish=False)
    results = edition.results

    assert results["units"] == ["AM", "GE", "KZ"]
    assert "RU" in results["not_covered"]
    # Georgia: possession 3 of 3 → 100; police median 3 of 4 → 75; index = mean = 87.5.
    assert results["scores"]["GE"] == {
        "possession": 100.0,
        "police": 75.0,
        "law": 100.0,
        "practice": 75.0,
        "index": 87.5,
    }
    assert [results["ranks"][c]["index"] for c in ("GE", "AM", "KZ")] == [1, 2, 3]
    cell = edition.inputs["cells"]["GE"]["possession"]
    assert cell == {
        "value": 3.0,
        "kind": "desk",
        "legal_reference": "Code of GE, art. 1",
        "source": "https://example.org/law",
    }


def test_the_disagreement_of_armenias_experts_is_flagged_for_review(admin, edition_factory):
    edition = edition_factory(admin, publish=False)
    (flag,) = edition.inputs["flags"]
    assert (flag["country"], flag["indicator"], flag["scores"]) == ("AM", "police", [0, 4, 4])
    assert flag["range_flag"]
    assert edition.inputs["cells"]["AM"]["police"]["flagged"] is True
    assert edition.inputs["cells"]["GE"]["police"]["flagged"] is False


def test_the_uncertainty_analysis_gives_each_country_a_median_rank_and_an_interval(
    admin, edition_factory
):
    edition = edition_factory(admin, publish=False)
    analysis = edition.uncertainty
    assert analysis["hash"] == edition.results["hash"]
    assert analysis["runs"] >= 1000
    for iso2 in ("GE", "AM", "KZ"):
        unit = analysis["units"][iso2]
        assert 1 <= unit["low"] <= unit["median"] <= unit["high"] <= 3


def test_framework_values_of_the_editions_year_feed_an_indicator(admin, spec_data):
    spec_data["dimensions"][0]["indicators"].append(
        {
            "code": "diversion",
            "name_en": "Diversion",
            "source": "framework:SO2.I6",
            "normalisation": {"method": "goalposts", "min": 0, "max": 1},
        }
    )
    indicator = Indicator.objects.get(code="SO2.I6")
    approved = DataValue.objects.create(
        indicator=indicator,
        country=country("GE"),
        period="2024",
        value=Decimal(1),
        status=DataValue.Status.APPROVED,
    )
    DataValue.objects.create(  # a draft is not used
        indicator=indicator,
        country=country("AM"),
        period="2024",
        value=Decimal(1),
        status=DataValue.Status.DRAFT,
    )
    definition = services.definition_create(
        user=admin, code="fw", name_en="With framework", spec_data=spec_data
    )
    edition = services.edition_create(
        user=admin, definition=definition, year=2024, title_en="With framework 2024"
    )
    services.edition_compute(user=admin, edition=services_fill(admin, edition))
    edition.refresh_from_db()

    cells = edition.inputs["cells"]
    assert cells["GE"]["diversion"]["value"] == 1.0
    assert cells["GE"]["diversion"]["lineage"] == [["framework.DataValue", approved.pk]]
    assert "diversion" not in cells["AM"]


def services_fill(admin, edition):  # type: ignore[no-untyped-def]
    for iso2 in ("GE", "AM"):
        services.desk_value_set(
            user=admin,
            edition=edition,
            country=country(iso2),
            indicator_code="possession",
            value="2",
        )
        services.survey_response_record(
            user=admin,
            edition=edition,
            country=country(iso2),
            respondent_type="academia",
            answers={"police": (2, 3)},
        )
    return edition


def test_publishing_needs_current_results_and_their_uncertainty_analysis(
    admin, edition_factory, fill_edition, definition_factory
):
    edition = services.edition_create(
        user=admin, definition=definition_factory(admin), year=2024, title_en="Index"
    )
    fill_edition(admin, edition)
    with pytest.raises(ValidationError, match="Compute the index first"):
        services.edition_publish(user=admin, edition=edition)
    services.edition_compute(user=admin, edition=edition)
    with pytest.raises(ValidationError, match="uncertainty analysis"):
        services.edition_publish(user=admin, edition=edition)
    services.edition_uncertainty_run(edition=edition)
    services.desk_value_set(
        user=admin, edition=edition, country=country("KZ"), indicator_code="possession", value="2"
    )
    with pytest.raises(ValidationError, match="data changed"):
        services.edition_publish(user=admin, edition=edition)

    services.edition_compute(user=admin, edition=edition)
    edition.refresh_from_db()
    assert edition.uncertainty == {}  # the analysis of the old data is dropped
    services.edition_uncertainty_run(edition=edition)
    published = services.edition_publish(user=admin, edition=edition)
    assert published.status == Edition.Status.PUBLISHED
    assert published.published_at is not None
    assert "Drug policy index, edition 2024 (definition small, version 1)" in published.citation


def test_a_published_edition_refuses_every_change(admin, published):
    frozen = (published.inputs, published.results, published.uncertainty)
    response = SurveyResponse.objects.filter(edition=published).first()
    assert response is not None
    changes = [
        lambda: services.desk_value_set(
            user=admin,
            edition=published,
            country=country("GE"),
            indicator_code="possession",
            value="0",
        ),
        lambda: services.survey_response_record(
            user=admin,
            edition=published,
            country=country("GE"),
            respondent_type="other",
            answers={"police": (0, 5)},
        ),
        lambda: services.survey_response_delete(user=admin, response=response),
        lambda: services.edition_compute(user=admin, edition=published),
        lambda: services.edition_uncertainty_start(user=admin, edition=published),
        lambda: services.edition_uncertainty_run(edition=published),
        lambda: services.edition_publish(user=admin, edition=published),
        lambda: services.edition_update(
            user=admin, edition=published, title_en="New", title_ru="", citation=""
        ),
    ]
    for change in changes:
        with pytest.raises(ValidationError, match="A published edition cannot be changed"):
            change()
    published.refresh_from_db()
    assert (published.inputs, published.results, published.uncertainty) == frozen
    assert published.title == "Small index 2024"
    assert DeskValue.objects.get(edition=published, country__iso2="GE").value == 3
    assert SurveyResponse.objects.filter(edition=published).count() == 9


def test_desk_values_are_saved_all_or_nothing(admin, definition_factory):
    edition = services.edition_create(
        user=admin, definition=definition_factory(admin), year=2024, title_en="Index"
    )
    entries = [
        services.DeskEntry(country("GE"), "2"),
        services.DeskEntry(country("AM"), "two"),
    ]
    with pytest.raises(ValidationError, match="“two” is not a number"):
        services.desk_values_save(
            user=admin, edition=edition, indicator_code="possession", entries=entries
        )
    assert not DeskValue.objects.filter(edition=edition).exists()
    with pytest.raises(ValidationError, match="not a desk indicator"):
        services.desk_values_save(
            user=admin, edition=edition, indicator_code="police", entries=entries[:1]
        )


def test_a_survey_answer_must_be_one_of_the_options_with_a_confidence_from_1_to_5(
    admin, definition_factory
):
    edition = services.edition_create(
        user=admin, definition=definition_factory(admin), year=2024, title_en="Index"
    )
    with pytest.raises(ValidationError) as error:
        services.survey_response_record(
            user=admin,
            edition=edition,
            country=country("GE"),
            respondent_type="government",
            answers={"police": (7, 9), "possession": (1, 3)},
        )
    assert error.value.messages == [
        "police: choose one of the answers.",
        "police: confidence is from 1 to 5.",
        "possession is not a survey question of this edition.",
    ]
