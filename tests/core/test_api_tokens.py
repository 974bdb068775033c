"""Personal API tokens: shown once, stored hashed, revocable."""

from __future__ import annotations

import pytest

from factories import user_with_role
from hrmonitor.core.models import ApiToken
from hrmonitor.core.roles import Role
from hrmonitor.core.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_only_its_hash_is_stored(client):
    user = user_with_role(Role.FOCAL_POINT, "GE")
    client.force_login(user)
    client.post("/account/tokens/", {"name": "sync script"})
    first = client.get("/account/").content.decode()
    plaintext = first.split('id="new-token" class="form-control font-monospace" readonly value="')[
        1
    ].split('"')[0]
    assert plaintext.startswith("hrm_")
    assert plaintext not in client.get("/account/").content.decode()
    token = ApiToken.objects.get()
    assert plaintext not in (token.key_hash, token.prefix) and len(token.key_hash) == 64


def test_a_token_authenticates_api_requests_as_its_owner(client):
    user = user_with_role(Role.FOCAL_POINT, "GE", username="giorgi")
    _token, plaintext = api_token_create(user=user, name="script")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.json() == {"username": "giorgi", "language": "", "roles": ["focal_point"]}


def test_a_revoked_or_unknown_token_is_refused(client):
    user = user_with_role(Role.FOCAL_POINT, "GE")
    token, plaintext = api_token_create(user=user, name="script")
    api_token_revoke(token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer hrm_nope").status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client):
    owner = user_with_role(Role.FOCAL_POINT, "GE")
    token, _plaintext = api_token_create(user=owner, name="script")
    client.force_login(user_with_role(Role.FOCAL_POINT, "AM"))
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_token_needs_a_name(client):
    client.force_login(user_with_role(Role.FOCAL_POINT, "GE"))
    response = client.post("/account/tokens/", {"name": "  "}, follow=True)
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()
