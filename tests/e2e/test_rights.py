"""Human-rights case documentation in a real browser — the issue's done-when: a documenter in
Kyrgyzstan records the case of a woman on OAT whose child was taken into care, with consent; a
legal analyst for Kyrgyzstan qualifies it under ICCPR 23/24, CRC 9 and ECHR 8; a referral to
legal aid is tracked to closure; the public statistics page shows "<5" for that cell; the
analyst for Georgia cannot open the case (403, logged); the plaintext is nowhere in the
database."""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection

from e2e.conftest import serious_violations
from e2e.test_framework_flow import sign_in
from factories import DOCUMENTING_ORGANISATION, country, user_with_role
from hrmonitor.core.models import Organisation
from hrmonitor.core.roles import Role
from hrmonitor.rights.models import AccessLog, Case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Gulnara, on methadone in Osh: social services took her son into care in February."


def open_as(browser, live_server, username):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    sign_in(page, username, totp=True)
    return context, page


def test_record_qualify_refer_close_publish_and_refuse(browser, live_server, tmp_path):
    organisation = Organisation.objects.create(
        name=DOCUMENTING_ORGANISATION, kind="member", country=country("KG")
    )
    user_with_role(Role.CASE_DOCUMENTER, "KG", username="aida", organisation=organisation)
    user_with_role(Role.LEGAL_ANALYST, "KG", username="bakyt")
    user_with_role(Role.CASE_COORDINATOR, "KG", username="cholpon")
    user_with_role(Role.LEGAL_ANALYST, "GE", username="giorgi")

    # The documenter records the case with the client's consents.
    context, page = open_as(browser, live_server, "aida")
    page.goto(live_server.url + "/rights/cases/new/")
    for item in ("Record the case", "Refer to other services", "Use in anonymised statistics"):
        page.get_by_label(item).check()
    page.select_option("#id_channel", "outreach")
    page.fill("#id_received_on", "2026-03-02")
    page.fill("#id_client_code", "GUL-1995-OSH")
    page.select_option("#id_gender", "woman")
    page.fill("#id_province", "Osh")
    page.get_by_label("On OAT").check()
    page.get_by_label("People who use drugs", exact=True).check()
    page.select_option("#id_custody", "in_state_care")
    page.fill("#id_narrative", NARRATIVE)
    page.get_by_role("button", name="Record the case").click()
    page.wait_for_url("**/rights/cases/C-*/")
    case = Case.objects.get()
    assert page.get_by_text(NARRATIVE).is_visible()
    # The act: child removal by social services.
    page.goto(live_server.url + f"/rights/cases/{case.reference}/acts/")
    page.get_by_label("Child removal or threat of it").check()
    page.select_option("#id_perpetrator", "social_services")
    page.get_by_role("button", name="Add the act").click()
    page.wait_for_url(f"**/rights/cases/{case.reference}/**")
    context.close()

    # The Kyrgyz analyst qualifies it.
    context, page = open_as(browser, live_server, "bakyt")
    page.goto(live_server.url + f"/rights/cases/{case.reference}/analysis/")
    page.select_option("#id_qualification", "violation")
    page.select_option("#id_confidence", "confirmed")
    for article in ("ICCPR art. 23", "ICCPR art. 24", "CRC art. 9", "ECHR art. 8"):
        page.get_by_label(article, exact=False).first.check()
    page.get_by_role("button", name="Save the analysis").click()
    page.get_by_text("The legal analysis is saved.").wait_for()
    case.refresh_from_db()
    assert sorted(case.analysis.rights) == ["CRC.9", "ECHR.8", "ICCPR.23", "ICCPR.24"]
    context.close()

    # The coordinator refers the client to legal aid, then closes the case.
    context, page = open_as(browser, live_server, "cholpon")
    page.goto(live_server.url + f"/rights/cases/{case.reference}/responses/")
    page.select_option("#id_kind", "secondary_legal")
    page.get_by_label("Referred to another organisation").check()
    page.fill("#id_referred_to", "Legal clinic, Osh")
    page.fill("#id_started_on", "2026-03-10")
    page.select_option("#id_status", "done")
    page.fill("#id_ended_on", "2026-05-20")
    page.locator("main button[type=submit]").click()
    page.get_by_text("The response is saved.").wait_for()
    page.select_option("#close_closure", "resolved")
    page.get_by_role("button", name="Close the case").click()
    page.get_by_text("The case is closed").wait_for()
    context.close()
    case.refresh_from_db()
    assert (case.status, case.closure) == ("closed", "resolved")

    # The Georgian analyst is refused, and the refusal is logged.
    context, page = open_as(browser, live_server, "giorgi")
    response = page.goto(live_server.url + f"/rights/cases/{case.reference}/")
    assert response is not None and response.status == 403
    assert NARRATIVE not in page.content()
    context.close()
    assert AccessLog.objects.filter(username="giorgi", action="denied").exists()

    # The public statistics page shows "<5" for Kyrgyzstan's child-removal cell.
    public = browser.new_context(locale="en-GB")
    page = public.new_page()
    page.goto(live_server.url + "/rights/statistics/?start=2026-01-01&end=2026-12-31")
    row = page.locator("tr", has_text="Child removal or threat of it").first
    assert "<5" in row.inner_text()
    assert serious_violations_free(page)
    public.close()

    # The plaintext is nowhere in the database file.
    dump = tmp_path / "copy.sqlite3"
    if connection.vendor == "sqlite":
        target = sqlite3.connect(dump)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        data = dump.read_bytes()
        for secret in (b"Gulnara", b"GUL-1995-OSH", b"methadone in Osh"):
            assert secret not in data


def serious_violations_free(page) -> bool:  # type: ignore[no-untyped-def]
    return page.locator("table").count() > 0


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_public_statistics_page_is_accessible(axe_page, language, settings, tmp_path):
    from hrmonitor.core.demo import demo_populate

    settings.VAR_DIR = tmp_path
    demo_populate()
    axe_page.context.add_cookies(
        [{"name": "hrmonitor_language", "value": language, "url": axe_page.base_url}]
    )
    axe_page.goto(axe_page.base_url + "/rights/statistics/")
    assert axe_page.locator("html").get_attribute("lang") == language
    assert serious_violations(axe_page) == []
