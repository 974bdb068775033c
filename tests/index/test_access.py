"""Who may see and change the index: the public sees published editions; only the
Secretariat (region-wide `framework.edit`) sees drafts and changes anything."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from factories import country
from hrmonitor.index import access, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(admin, edition_factory, published):  # type: ignore[no-untyped-def]
    return edition_factory(admin, definition=published.definition, year=2025, publish=False)


@pytest.mark.parametrize(
    ("persona", "manages"),
    [
        ("secretariat_admin", True),
        ("me_officer", True),
        ("focal_point_georgia", False),
        ("evaluator", False),
        ("steering_committee", False),
        ("no_role", False),
    ],
)
def test_only_the_secretariat_manages_the_index(personas, persona, manages):
    assert access.can_manage_index(personas[persona]) is manages


def test_anonymous_visitors_see_published_editions_only(published, draft):
    client = Client()
    assert client.get(f"/index/editions/{published.pk}/").status_code == 200
    assert client.get(f"/index/editions/{draft.pk}/").status_code == 404
    assert client.get(f"/index/editions/{draft.pk}/methodology/").status_code == 404
    assert client.get(f"/index/editions/{draft.pk}/country/GE/").status_code == 404
    assert client.get(f"/index/editions/{draft.pk}/results.csv").status_code == 404
    # The latest *published* edition is the public ranking, not the newer draft.
    assert "Small index 2024" in client.get("/index/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_for_the_secretariats_pages(published):
    client = Client()
    for path in ("/index/manage/", f"/index/manage/editions/{published.pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_focal_point_cannot_edit_the_index(personas, login, published, draft):
    focal = personas["focal_point_georgia"]
    client = login(focal)
    assert client.get("/index/manage/").status_code == 403
    assert client.get("/index/manage/definitions/new/").status_code == 403
    # A draft does not exist for them; a published edition is readable but not editable.
    assert client.get(f"/index/manage/editions/{draft.pk}/").status_code == 404
    assert client.post(f"/index/manage/editions/{draft.pk}/compute/").status_code == 404
    assert client.get(f"/index/manage/editions/{published.pk}/").status_code == 403
    assert client.get(f"/index/editions/{draft.pk}/").status_code == 404
    assert client.get(f"/index/editions/{published.pk}/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.desk_value_set(
            user=focal, edition=draft, country=country("GE"), indicator_code="possession", value="3"
        )
    with pytest.raises(PermissionDenied):
        services.edition_compute(user=focal, edition=draft)


def test_the_secretariat_previews_a_draft_labelled_as_such(personas, login, draft):
    page = login(personas["me_officer"]).get(f"/index/editions/{draft.pk}/").content.decode()
    assert "Draft preview." in page
    assert "Open the workspace" in page


def test_a_published_editions_pages_have_no_edit_buttons(personas, login, published):
    client = login(personas["secretariat_admin"])
    workspace = client.get(f"/index/manage/editions/{published.pk}/").content.decode()
    assert "cite as" in workspace
    for action in ("/compute/", "/uncertainty/", "/publish/", "/desk/", "/responses/new/"):
        assert action not in workspace
    assert "Delete" not in workspace
    public = client.get(f"/index/editions/{published.pk}/").content.decode()
    assert "Open the workspace" not in public
    assert "Draft preview." not in public


def test_posting_to_a_published_edition_changes_nothing(personas, login, published):
    client = login(personas["secretariat_admin"])
    response = client.post(
        f"/index/manage/editions/{published.pk}/desk/possession/", {"value_GE": "0"}
    )
    assert "A published edition cannot be changed." in response.content.decode()
    client.post(f"/index/manage/editions/{published.pk}/compute/")
    published.refresh_from_db()
    assert published.results["scores"]["GE"]["possession"] == 100.0
