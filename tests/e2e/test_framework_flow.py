"""The results framework in a real browser: a focal point enters and submits, the
Secretariat approves, the public dashboard shows the number."""

from __future__ import annotations

import pytest

from e2e.conftest import totp_now
from factories import TEST_PASSWORD, user_with_role
from hrmonitor.core.roles import Role
from hrmonitor.framework.models import DataValue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECRET = "JBSWY3DPEHPK3PXP"  # the TOTP secret factories give users with a second factor


def sign_in(page, username: str, *, totp: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    if totp:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.fill("input[name=code]", totp_now(SECRET))
        page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_enter_submit_approve_and_see_it_on_the_dashboard(browser, live_server):
    user_with_role(Role.FOCAL_POINT, "GE", username="nino", mfa=False)
    user_with_role(Role.ME_OFFICER, username="olena", mfa=True)

    focal = browser.new_context(locale="en-GB")
    page = focal.new_page()
    page.base_url = live_server.url
    sign_in(page, "nino")
    page.goto(live_server.url + "/framework/entry/")
    page.select_option("#entry-place", "GE")
    page.fill("#entry-period", "2019")
    page.get_by_role("button", name="Open the form").click()
    page.wait_for_url("**/framework/entry/GE/2019/")

    leaders = page.get_by_label("SO3.I2 — value")
    leaders.fill("14")
    leaders.press("Tab")  # leaving the field saves it
    page.locator("tbody.entry-indicator", has=page.get_by_label("SO3.I2 — value")).get_by_text(
        "Draft"
    ).wait_for()
    assert DataValue.objects.get().status == DataValue.Status.DRAFT

    page.get_by_role("button", name="Submit drafts for approval").click()
    page.get_by_text("1 value submitted for approval.").wait_for()
    assert page.get_by_label("SO3.I2 — value").is_disabled()
    focal.close()

    secretariat = browser.new_context(locale="en-GB")
    page = secretariat.new_page()
    page.base_url = live_server.url
    sign_in(page, "olena", totp=True)
    page.goto(live_server.url + "/framework/review/")
    row = page.locator("tr", has_text="SO3.I2")
    row.get_by_role("button", name="Approve").click()
    row.get_by_text("Approved").wait_for()
    secretariat.close()

    public = browser.new_context(locale="en-GB")
    page = public.new_page()
    page.goto(live_server.url + "/framework/dashboard/")
    leaders_row = page.locator("tr", has_text="SO3.I2")
    assert leaders_row.get_by_role("link", name="14").is_visible()
    leaders_row.get_by_role("link", name="14").click()
    page.wait_for_url("**/framework/lineage/**")
    assert page.get_by_text("1 record produced this number.").is_visible()
    assert page.get_by_role("cell", name="Georgia").is_visible()
    public.close()


def test_an_armenian_focal_point_cannot_open_georgias_form(browser, live_server):
    user_with_role(Role.FOCAL_POINT, "AM", username="armen", mfa=False)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "armen")
    response = page.goto(live_server.url + "/framework/entry/GE/2019/")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", name="Access denied").is_visible()
    context.close()
