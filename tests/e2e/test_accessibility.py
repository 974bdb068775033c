"""Accessibility: axe-core (the engine behind Lighthouse's checks) on the main pages.

Serious and critical violations fail the test: missing labels, contrast below WCAG AA, broken
ARIA, unreachable controls. axe is injected from node_modules (installed by `make assets`), so
nothing comes from outside; the test context bypasses our CSP only to inject it.
"""

from __future__ import annotations

import pytest

from e2e.conftest import serious_violations
from factories import TEST_PASSWORD, user_with_role
from hrmonitor.core.roles import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/index/",
    "/policy/",
    "/policy/countries/KZ/",
    "/policy/changes/",
    "/policy/funding/",
    "/policy/funding/rates/",
    "/",
    "/framework/",
    "/framework/indicators/SO2.I1/",
    "/countries/",
    "/countries/GE/",
    "/accounts/login/",
    "/no-such-page/",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_public_pages_have_no_serious_accessibility_violations(axe_page, path, language):
    axe_page.context.add_cookies(
        [{"name": "hrmonitor_language", "value": language, "url": axe_page.base_url}]
    )
    axe_page.goto(axe_page.base_url + path)
    if path == "/":
        axe_page.wait_for_selector("#region-map[data-ready=true]")
    assert serious_violations(axe_page) == []


def test_the_account_page_has_no_serious_accessibility_violations(axe_page):
    user_with_role(Role.FOCAL_POINT, "GE", username="nino", mfa=False)
    axe_page.goto(axe_page.base_url + "/accounts/login/")
    axe_page.fill("#id_login", "nino")
    axe_page.fill("#id_password", TEST_PASSWORD)
    axe_page.click("main button[type=submit]")
    axe_page.wait_for_url("**/account/")
    assert serious_violations(axe_page) == []
