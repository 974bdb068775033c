"""The audit log: who changed what and when."""

from __future__ import annotations

import pytest

from hrmonitor.core.models import Country

pytestmark = pytest.mark.django_db


def test_a_change_made_in_the_admin_shows_in_the_audit_log_with_its_author(personas, login):
    admin = personas["secretariat_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client = login(admin)
    moldova = Country.objects.get(iso2="MD")
    data = {
        "iso2": "MD",
        "iso3": "MDA",
        "name_en": "Republic of Moldova",
        "name_ru": "Республика Молдова",
        "sub_region": moldova.sub_region_id,
        "map_name": "Moldova",
    }
    response = client.post(f"/admin/core/country/{moldova.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    page = client.get("/audit/", {"model": "core.Country"}).content.decode()
    assert "secretariat_admin" in page and "MD" in page and "changed" in page
    history = client.get(f"/admin/core/country/{moldova.pk}/history/").content.decode()
    assert "Republic of Moldova" in history or "secretariat_admin" in history


def test_the_audit_log_is_closed_to_other_roles(personas, login):
    assert login(personas["focal_point_georgia"]).get("/audit/").status_code == 403


def test_the_audit_log_query_count_does_not_grow_with_entries(
    personas, login, django_assert_max_num_queries
):
    client = login(personas["me_officer"])
    client.get("/audit/")
    # One query per audited model (each module adds its models), whatever the entries.
    with django_assert_max_num_queries(60):
        client.get("/audit/")
