"""The policy tracker in a real browser — the issue's done-when: a Kazakh focal point records
that take-home naloxone came into force on a date with its legal reference; the country
profile, the regional map moved with the year slider, and the change report downloaded as a
PDF all show it, while the map of an earlier year does not."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from django.core.management import call_command

from e2e.conftest import serious_violations
from e2e.test_framework_flow import sign_in
from factories import country, user_with_role
from hrmonitor.core.demo import demo_populate
from hrmonitor.core.roles import Role
from hrmonitor.policy import services
from hrmonitor.policy.models import PolicyArea, PolicyStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAW = "Order of the Minister of Health No. 123 of 15 May 2024"


@pytest.fixture
def kazakh_focal_point():  # type: ignore[no-untyped-def]
    """Kazakhstan's take-home naloxone: not in place from 2019 (the published facts are set
    aside so that the test tells its own story)."""
    PolicyStatus.objects.filter(country__iso2="KZ", area__code="naloxone-take-home").delete()
    user = user_with_role(Role.FOCAL_POINT, "KZ", username="aigerim", mfa=False)
    services.policy_status_record(
        user=user,
        country=country("KZ"),
        area=PolicyArea.objects.get(code="naloxone-take-home"),
        status="not_in_place",
        valid_from=dt.date(2019, 1, 1),
        source="Ministry of Health register",
    )
    return user


def map_status(page, iso2_name: str) -> str | None:  # type: ignore[no-untyped-def]
    data = json.loads(page.locator("#policy-map-data").text_content())
    found = [c for c in data["countries"] if c["name"] == iso2_name]
    return found[0]["status"] if found else None


def test_a_recorded_change_shows_on_the_profile_the_map_and_the_report(
    browser, live_server, kazakh_focal_point, tmp_path
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, "aigerim")

    # Record the change through the form.
    page.goto(live_server.url + "/policy/record/?country=KZ")
    page.select_option("#id_area", label="Take-home naloxone")
    page.select_option("#id_status", label="In place")
    page.fill("#id_valid_from", "2024-05-15")
    page.fill("#id_legal_reference", LAW)
    page.fill("#id_source", "Official gazette")
    page.get_by_role("button", name="Record").click()
    page.get_by_text("Recorded: Kazakhstan").wait_for()

    # The public profile shows the status today, since the date.
    page.goto(live_server.url + "/countries/KZ/")
    row = page.locator("#policy-status-today tr", has_text="Take-home naloxone")
    assert row.get_by_text("In place").is_visible()
    assert row.get_by_text("2024-05-15").is_visible()
    assert page.locator("#funding").is_visible() and page.locator("#facts").is_visible()

    # The regional map: the year slider moves the date; 2023 is before the change.
    page.goto(live_server.url + "/policy/?area=naloxone-take-home")
    page.locator("#policy-map svg").wait_for()
    assert map_status(page, "Kazakhstan") == "in_place"
    page.locator("#policy-year").fill("2023")
    page.wait_for_url("**year=2023**")
    page.locator("#policy-map svg").wait_for()
    assert page.locator("#policy-date").input_value() == "2023-12-31"
    assert map_status(page, "Kazakhstan") == "not_in_place"
    kz_row = page.locator(".policy-grid tbody tr", has_text="Kazakhstan")
    assert kz_row.get_by_text("Not in place").count() >= 1
    page.locator("#policy-year").fill("2024")
    page.wait_for_url("**year=2024**")
    assert map_status(page, "Kazakhstan") == "in_place"

    # The change report between two dates, generated as a job, downloaded as a PDF.
    page.goto(live_server.url + "/policy/changes/?from=2024-01-01&to=2024-12-31")
    assert page.get_by_role("cell", name=LAW).is_visible()
    page.select_option("#report-format", "pdf")
    page.get_by_role("button", name="Generate the report").click()
    page.wait_for_url("**job=**")
    page.locator(".progress").wait_for()
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    download_button = page.get_by_role("link", name="Download the result")
    download_button.wait_for(timeout=20000)  # the bar polls every second
    with page.expect_download() as info:
        download_button.click()
    path = tmp_path / "report.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(  # noqa: S603 - a fixed command on the downloaded file
        ["/usr/bin/pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    joined = " ".join(text.split())
    assert "Kazakhstan (Central Asia)" in joined and "Not in place → In place" in joined
    assert "Order of the Minister of Health No." in joined and "123 of 15 May 2024" in joined
    context.close()


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("path", ["/countries/KZ/", "/policy/funding/"])
def test_the_profile_and_funding_charts_with_the_demo_data(
    axe_page, language, path, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    demo_populate()
    axe_page.context.add_cookies(
        [{"name": "hrmonitor_language", "value": language, "url": axe_page.base_url}]
    )
    axe_page.goto(axe_page.base_url + path)
    chart = "#funding-country" if path.startswith("/countries/") else "#funding-comparison"
    axe_page.locator(f"{chart} svg").wait_for()
    # One bar per source of funds and year (or per country): the chart drew the data.
    assert axe_page.locator(f"{chart} svg path").count() > 20
    assert serious_violations(axe_page) == []
