"""The index's part of `hrmonitor demo`: clearly synthetic, and every page has data."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from hrmonitor.index.models import DeskValue, Edition, IndexDefinition, SurveyResponse

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_one_labelled_synthetic_edition_and_leaves_a_draft(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", if_empty=True)

    definition = IndexDefinition.objects.get()
    assert definition.name.startswith("[DEMO]") and "synthetic" in definition.name
    assert "not GDPI scores" in definition.description
    assert [d["code"] for d in definition.spec["dimensions"]] == [
        "extreme",
        "proportionality",
        "health",
        "medicines",
        "development",
    ]
    published, draft = Edition.objects.order_by("year")
    assert (published.year, published.status, draft.status) == (2021, "published", "draft")
    assert all("[DEMO]" in e.title and "synthetic" in e.title for e in (published, draft))
    assert len(published.results["units"]) == 12
    assert published.uncertainty["hash"] == published.results["hash"]
    assert published.inputs["flags"], "the demo shows a disagreement to review"
    assert all("[DEMO]" in v.source for v in DeskValue.objects.all())
    assert all("[DEMO]" in r.respondent_name for r in SurveyResponse.objects.all())

    page = Client().get("/index/").content.decode()
    assert "[DEMO] Drug policy index 2021 (synthetic data)" in page
    assert page.count('class="rank-range"') == 12
