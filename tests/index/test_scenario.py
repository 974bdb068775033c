"""The "done when" of the drug policy index, through the pages, with the real job worker.

The Secretariat defines a small index, codes a law at the desk and enters three experts'
survey answers for two countries (Armenia's experts disagree), computes the index and sees
the flag, runs the uncertainty analysis as a background job, and publishes. The public ranking
then shows the scores with rank intervals, in English and in Russian.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from factories import country
from hrmonitor.core.models import Job
from hrmonitor.index.models import Edition, IndexDefinition

pytestmark = pytest.mark.usefixtures("committed_reference_data")


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def test_the_secretariat_builds_analyses_and_publishes_an_edition_the_public_then_reads(
    personas, login, spec_data
):
    client = login(personas["secretariat_admin"])

    # 1. Define a small index.
    response = client.post(
        "/index/manage/definitions/new/",
        {
            "code": "small",
            "name_en": "Small index",
            "name_ru": "Малый индекс",
            "spec": json.dumps(spec_data),
        },
    )
    assert response.status_code == 302
    definition = IndexDefinition.objects.get(code="small")

    # 2. Start the 2024 edition.
    response = client.post(
        "/index/manage/",
        {
            "definition": definition.pk,
            "year": 2024,
            "title_en": "Small index 2024",
            "title_ru": "Малый индекс 2024",
        },
    )
    edition = Edition.objects.get(definition=definition)
    workspace = f"/index/manage/editions/{edition.pk}/"
    assert response["Location"] == workspace

    # 3. Desk coding of the law, and three experts for each of two countries.
    client.post(f"{workspace}desk/possession/", {"value_GE": "3", "value_AM": "1"})
    answers = {"GE": [(3, 4), (3, 5), (4, 3)], "AM": [(4, 3), (4, 3), (0, 5)]}
    for iso2, experts in answers.items():
        for kind, (option, confidence) in zip(
            ["civil_society", "government", "academia"], experts, strict=True
        ):
            response = client.post(
                f"{workspace}responses/new/",
                {
                    "country": country(iso2).pk,
                    "respondent_type": kind,
                    "answer_police": str(option),
                    "confidence_police": str(confidence),
                },
            )
            assert response.status_code == 302, response.content.decode()
    assert edition.responses.count() == 6

    # 4. Compute: Armenia's disagreement is flagged for review.
    client.post(f"{workspace}compute/")
    page = client.get(workspace).content.decode()
    review = page.split('id="flags-heading"')[1].split("</section>")[0]
    assert "Armenia" in review and "Georgia" not in review
    assert "cell-flagged" in page

    # 5. The uncertainty analysis runs as a job; the workspace shows its progress bar.
    client.post(f"{workspace}uncertainty/")
    job = Job.objects.get(kind="index.uncertainty")
    page = client.get(workspace).content.decode()
    assert f'hx-get="/jobs/{job.pk}/progress/?refresh=1"' in page
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert "Rank intervals computed from" in job.message
    finished = client.get(f"/jobs/{job.pk}/progress/?refresh=1")
    assert finished["HX-Refresh"] == "true"
    assert (
        "The uncertainty analysis of these results is done."
        in client.get(workspace).content.decode()
    )

    # 6. Publish, after a confirmation.
    confirm = client.get(f"{workspace}publish/").content.decode()
    assert "Publication cannot be undone." in confirm
    response = client.post(f"{workspace}publish/")
    assert response["Location"] == f"/index/editions/{edition.pk}/"
    edition.refresh_from_db()
    assert edition.is_published

    # 7. The public ranking: scores with rank intervals, in English and in Russian.
    public = Client()
    english = public.get("/index/").content.decode()
    assert "Small index 2024" in english and "cite as" in english
    assert english.index(">Georgia<") < english.index(">Armenia<")
    assert english.count('class="rank-range"') == 2
    for iso2 in ("GE", "AM"):
        unit = edition.uncertainty["units"][iso2]
        assert f"{unit['low']:.0f}–{unit['high']:.0f}" in english
    assert f"{edition.results['scores']['GE']['index']:.1f}" in english
    russian = public.get("/index/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in russian
    assert "Малый индекс 2024" in russian
    assert russian.index(">Грузия<") < russian.index(">Армения<")
    assert russian.count('class="rank-range"') == 2

    # 8. And the published edition refuses changes made through the pages.
    client.post(f"{workspace}desk/possession/", {"value_GE": "0"})
    edition.refresh_from_db()
    assert edition.inputs["cells"]["GE"]["possession"]["value"] == 3.0
    assert edition.desk_values.get(country__iso2="GE").value == 3
