"""Sign-in, lockout, MFA enforcement, language preference, password hashing."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher

from factories import TEST_PASSWORD, UserFactory, user_with_role
from hrmonitor.core.roles import Role
from hrmonitor.core.services import user_create

pytestmark = pytest.mark.django_db


def test_a_user_signs_in_with_username_and_password(client):
    user = user_with_role(Role.FOCAL_POINT, "GE", mfa=False)
    response = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client):
    user = UserFactory()
    response = client.post("/accounts/login/", {"login": user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_five_failed_sign_ins_lock_the_account_out(client):
    user = UserFactory()
    responses = [
        client.post("/accounts/login/", {"login": user.username, "password": "wrong"})
        for _attempt in range(5)
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Too many failed sign-in attempts" in responses[-1].content.decode()
    # Even the right password does not get in now.
    after = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert "Too many failed login attempts" in after.content.decode()
    assert client.get("/account/").status_code == 302


def test_nobody_can_sign_up_alone(client):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code in (302, 403)


def test_a_role_that_reads_cases_must_enrol_a_second_factor_first(client):
    user = user_with_role(Role.CASE_DOCUMENTER, "KG", mfa=False)
    client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Enrolment itself stays reachable: the password is asked again (a stolen session alone
    # cannot add a second factor), then the secret to scan is shown.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    enrolment = client.get("/accounts/2fa/totp/activate/")
    assert enrolment.status_code == 200
    assert "data:image/svg+xml" in enrolment.content.decode()


def test_a_focal_point_is_not_forced_to_enrol(client):
    client.force_login(user_with_role(Role.FOCAL_POINT, "GE", mfa=False))
    assert client.get("/account/").status_code == 200


def test_the_chosen_language_is_remembered_on_the_account(client):
    user = user_with_role(Role.FOCAL_POINT, "GE")
    client.force_login(user)
    response = client.post("/language/", {"language": "ru", "next": "/framework/"})
    assert response.status_code == 302 and response["Location"] == "/framework/"
    user.refresh_from_db()
    assert user.language == "ru"
    # Another device, English browser: still Russian.
    other = client.__class__()
    other.force_login(user)
    page = other.get("/framework/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in page


def test_an_anonymous_visitor_switches_language_by_cookie(client):
    client.post("/language/", {"language": "ru", "next": "/"})
    assert '<html lang="ru">' in client.get("/").content.decode()


def test_the_language_switch_refuses_an_outside_redirect_and_unknown_languages(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert client.post("/language/", {"language": "xx"}).status_code == 400


def test_passwords_are_hashed_with_argon2_in_production_settings(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = user_create(username="argon", email="a@example.org", password="a long passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_the_account_page_lists_roles_and_mfa_state(client):
    user = user_with_role(Role.FOCAL_POINT, "GE", mfa=False)
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert "Country focal point — Georgia" in page
    assert "Recommended for everyone." in page


def test_a_user_with_a_second_factor_is_asked_for_the_code_after_the_password(client):
    user = user_with_role(Role.ME_OFFICER)
    response = client.post("/accounts/login/", {"login": user.username, "password": TEST_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/account/").status_code == 302
