"""What a newcomer does in a real browser: the map, sign-in, MFA, Russian, the framework."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from e2e.conftest import totp_now
from factories import TEST_PASSWORD, user_with_role
from hrmonitor.core.models import Job
from hrmonitor.core.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str, password: str = TEST_PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def test_the_home_page_draws_the_29_countries_with_nothing_from_outside(page, requests_seen):
    page.goto(page.base_url + "/")
    page.wait_for_selector("#region-map[data-ready=true]")
    assert page.get_attribute("#region-map", "data-countries") == "29"
    # ECharts drew one shape per country (SVG renderer).
    assert page.locator("#region-map svg path").count() >= 29
    assert page.get_by_role("heading", name="Strategic objectives").is_visible()
    assert page.locator("ol.objectives > li").count() == 4
    assert requests_seen.outside() == []
    assert any(url.endswith("/map/ceeca.geojson") for url in requests_seen)


def test_clicking_a_country_on_the_list_opens_its_page(page):
    page.goto(page.base_url + "/")
    page.get_by_text("Countries as a list").click()
    page.get_by_role("link", name="Kyrgyzstan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kyrgyzstan"


def test_a_focal_point_signs_in_and_sees_their_role(page):
    user_with_role(Role.FOCAL_POINT, "GE", username="nino", mfa=False)
    sign_in(page, "nino")
    page.wait_for_url("**/account/")
    assert page.get_by_text("Country focal point — Georgia").is_visible()


def test_a_case_documenter_must_enrol_an_authenticator_app_and_can(page):
    user_with_role(Role.CASE_DOCUMENTER, "KG", username="aigul", mfa=False)
    sign_in(page, "aigul")
    # The password is asked again before a second factor can be added.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()
    secret = page.input_value("#authenticator_secret")
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    # Recovery codes are handed over at once, for the day the phone is lost.
    assert page.get_by_role("heading", name="Recovery Codes").is_visible()
    page.goto(page.base_url + "/account/")
    assert page.get_by_text("An authenticator app protects your account.").is_visible()


def test_switching_to_russian_shows_russian_labels_and_is_remembered(page):
    user_with_role(Role.FOCAL_POINT, "AM", username="armen", mfa=False)
    sign_in(page, "armen")
    page.wait_for_url("**/account/")
    page.get_by_role("button", name="Русский").click()
    assert page.locator("html").get_attribute("lang") == "ru"
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", name="Стратегические цели").is_visible()
    assert page.get_by_text("Страны Балтии").first.is_visible()


def test_opening_an_indicator_from_the_framework(page):
    page.goto(page.base_url + "/framework/")
    page.get_by_role("link", name="Development and piloting of a regional system").click()
    page.wait_for_url("**/framework/indicators/SO1.I2/")
    assert "SO1.I2" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("SO1.A5").is_visible()


def test_searching_the_framework_updates_the_results_as_you_type(page):
    page.goto(page.base_url + "/framework/")
    page.get_by_label("Search indicators").fill("diversion")
    page.wait_for_selector("#search-results li")
    assert page.locator("#search-results li").count() == 1
    assert "SO2.I6" in page.locator("#search-results").inner_text()


def test_a_background_job_shows_its_progress_until_done(page):
    user_with_role(Role.SECRETARIAT_ADMIN, username="admin", mfa=True)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user__username="admin").delete()
    # The administrator must use a second factor: enrol one through the real pages first.
    sign_in(page, "admin")
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    page.get_by_label("Authenticator code").fill(
        totp_now(page.input_value("#authenticator_secret"))
    )
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/totp/activate/" not in url)

    page.goto(page.base_url + "/manage/")
    page.get_by_role("button", name="Reload reference data").click()
    page.wait_for_url("**/jobs/*/")
    assert page.get_by_role("progressbar").is_visible()
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    page.wait_for_selector(".job-progress .badge.text-bg-success")
    assert Job.objects.get().status == Job.Status.DONE
    assert "Reference data reloaded" in page.locator(".job-progress").inner_text()
