"""The CLM pages of projects, phones (app users with a QR code) and forms (XLSForm upload,
versions, settings, scorecard mapping), as the Secretariat, a focal point and a monitor use
them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import country
from hrmonitor.clm.models import AppUser, Form, Project, ScoreItem
from hrmonitor.clm.services import default_forms_load

from .conftest import SMALL_FORM

pytestmark = pytest.mark.django_db


def test_the_overview_shows_the_monitor_their_forms(login, clm_setup):
    response = login(clm_setup["monitor"]).get(reverse("clm:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Almaty CLM" in page
    assert reverse("clm:webform", args=[clm_setup["form"].pk, clm_setup["project"].pk]) in page


@pytest.mark.parametrize("persona", ["member", "no_role", "evaluator"])
def test_clm_pages_are_closed_to_people_without_a_clm_role(login, personas, persona):
    client = login(personas[persona])
    for name in ("clm:home", "clm:projects", "clm:forms"):
        assert client.get(reverse(name)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("clm:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_projects_are_scoped_to_countries(login, personas, clm_setup):
    Project.objects.create(name="Tbilisi CLM", country=country("GE"))
    georgia = login(personas["focal_point_georgia"]).get(reverse("clm:projects"))
    assert "Tbilisi CLM" in georgia.content.decode()
    assert "Almaty CLM" not in georgia.content.decode()
    other = reverse("clm:project", args=[clm_setup["project"].pk])
    assert login(personas["focal_point_georgia"]).get(other).status_code == 404


def test_a_focal_point_creates_a_project_of_their_country_only(login, personas):
    client = login(personas["focal_point_georgia"])
    response = client.post(
        reverse("clm:project_new"),
        {"name": "Batumi CLM", "country": country("GE").pk, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Project.objects.filter(name="Batumi CLM", country__iso2="GE").exists()
    response = client.post(
        reverse("clm:project_new"),
        {"name": "Almaty again", "country": country("KZ").pk, "is_active": "on"},
    )
    assert response.status_code == 200  # KZ is not among the choices: a form error
    assert not Project.objects.filter(name="Almaty again").exists()


def test_a_phone_is_set_up_with_a_qr_code_shown_once_and_revoked(login, personas, clm_setup):
    client = login(personas["focal_point_kazakhstan"])
    project = clm_setup["project"]
    response = client.post(
        reverse("clm:app_user_new", args=[project.pk]), {"display_name": "Aigerim's phone"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page
    app_user = AppUser.objects.get()
    assert f"/openrosa/key/{app_user.token_prefix}" in page  # the URL with the key
    listing = client.get(reverse("clm:project", args=[project.pk])).content.decode()
    assert "Aigerim&#x27;s phone" in listing
    assert f"/openrosa/key/{app_user.token_prefix}" not in listing  # never shown again
    client.post(reverse("clm:app_user_revoke", args=[app_user.pk]))
    app_user.refresh_from_db()
    assert app_user.revoked_at is not None


def test_a_focal_point_of_another_country_cannot_set_up_phones(login, personas, clm_setup):
    client = login(personas["focal_point_georgia"])
    url = reverse("clm:app_user_new", args=[clm_setup["project"].pk])
    assert client.post(url, {"display_name": "x"}).status_code == 404
    assert not AppUser.objects.exists()


def test_monitors_are_chosen_among_the_countrys_monitors(login, personas, clm_setup):
    project = clm_setup["project"]
    project.monitors.clear()
    client = login(personas["focal_point_kazakhstan"])
    page = client.get(reverse("clm:project", args=[project.pk])).content.decode()
    assert "community_monitor" in page
    monitor = personas["community_monitor"]
    client.post(reverse("clm:project", args=[project.pk]), {"monitors": [monitor.pk]})
    assert list(project.monitors.all()) == [monitor]
    assert (
        login(monitor).post(reverse("clm:project", args=[project.pk]), {"monitors": []}).status_code
        == 403
    )


def test_uploading_an_xlsform_creates_a_form_then_versions(login, personas, clm_setup):
    client = login(personas["secretariat_admin"])
    form = clm_setup["form"]
    upload = SMALL_FORM.replace(b"| tform | 1 |", b"| tform | 2 |")
    response = client.post(
        reverse("clm:form_upload_version", args=[form.pk]),
        {"file": SimpleUploadedFile("tform.md", upload)},
    )
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.current_version.version == "2"
    assert form.versions.count() == 2
    page = client.get(reverse("clm:form", args=[form.pk])).content.decode()
    assert "Syringes in stock?" in page
    assert (
        client.get(
            reverse("clm:form_version_file", args=[form.current_version.pk, "xform"])
        ).status_code
        == 200
    )


def test_an_xlsform_error_is_shown_translated_and_nothing_is_saved(login, personas):
    client = login(personas["secretariat_admin"])
    broken = SMALL_FORM.replace(b"| select_one yn | stock |", b"| select_one nolist | stock |")
    response = client.post(
        reverse("clm:form_upload"),
        {"file": SimpleUploadedFile("broken.md", broken)},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert 'id="xlsform-errors"' in response.content.decode()
    assert not Form.objects.filter(xml_form_id="tform").exists()


def test_a_file_that_is_not_an_xlsform_is_refused(login, personas):
    client = login(personas["secretariat_admin"])
    before = Form.objects.count()
    response = client.post(
        reverse("clm:form_upload"), {"file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200
    assert "XLSForm" in response.content.decode()
    assert Form.objects.count() == before


def test_only_the_secretariat_uploads_forms(login, personas):
    client = login(personas["focal_point_kazakhstan"])
    response = client.post(
        reverse("clm:form_upload"), {"file": SimpleUploadedFile("tform.md", SMALL_FORM)}
    )
    assert response.status_code == 403


def test_the_scorecard_mapping_is_edited_as_data(login, personas, clm_setup):
    client = login(personas["secretariat_admin"])
    form = clm_setup["form"]
    url = reverse("clm:form_scoring", args=[form.pk])
    assert "Syringes in stock?" in client.get(url).content.decode()
    response = client.post(
        url, {"dim:stock": "availability", "score:stock:yes": "100", "score:stock:no": "0"}
    )
    assert response.status_code == 302
    item = ScoreItem.objects.get(form=form)
    assert item.dimension == "availability"
    assert item.choice_scores == {"yes": 100.0, "no": 0.0}
    response = client.post(url, {"dim:stock": "availability", "score:stock:yes": "150"})
    assert response.status_code == 400
    assert ScoreItem.objects.get(form=form).choice_scores == {"yes": 100.0, "no": 0.0}


def test_thresholds_must_be_ordered(login, personas, clm_setup):
    client = login(personas["secretariat_admin"])
    form = clm_setup["form"]
    response = client.post(
        reverse("clm:form_settings", args=[form.pk]),
        {
            "state": "open",
            "projects": [clm_setup["project"].pk],
            "green_from": "60",
            "amber_from": "70",
        },
    )
    assert response.status_code == 200
    form.refresh_from_db()
    assert (form.green_from, form.amber_from) == (75, 50)


def test_the_default_forms_install_once_with_their_mapping(db):
    # `hrmonitor init` (the test database's reference data) installed them; again: no change.
    assert default_forms_load().changed() == 0
    form = Form.objects.get(xml_form_id="clm_client_experience")
    assert set(form.score_items.values_list("dimension", flat=True)) == {
        "availability",
        "accessibility",
        "acceptability",
        "quality",
    }
    assert form.current_version.languages == ["en", "ru"]


@pytest.mark.parametrize("name", ["clm:home", "clm:projects", "clm:forms"])
def test_pages_render_in_russian(login, personas, clm_setup, name):
    response = login(personas["secretariat_admin"]).get(reverse(name), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
