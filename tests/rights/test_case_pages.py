"""The case-work pages as documenters, analysts and coordinators use them: the done-when case
recorded through the intake form, qualified, referred and closed; who gets the full page, the
pseudonymised one or a refusal (and the log of each); evidence files; reminders; and that no
case page is cached, indexed or leaks identifying data into a title, a list or a file name."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from factories import country
from hrmonitor.core import crypto
from hrmonitor.rights import services
from hrmonitor.rights.models import AccessLog, Case, CaseFile, Response
from rights.conftest import CLIENT_CODE, NARRATIVE

pytestmark = pytest.mark.django_db


def case_url(case: Case, suffix: str = "") -> str:
    return f"/rights/cases/{case.reference}/{suffix}"


def test_a_documenter_records_the_done_when_case_through_the_intake_form(personas, login):
    client = login(personas["case_documenter"])
    form = client.get("/rights/cases/new/").content.decode()
    assert "never a name" in form and "never an address" in form and "2026-1" in form
    response = client.post(
        "/rights/cases/new/",
        {
            # The documenter's organisation is fixed by their assignment, not chosen.
            "country": country("KG").pk,
            "consents": ["record", "refer", "statistics"],
            "channel": "outreach",
            "received_on": "2026-03-02",
            "incident_date": "2026-02-01",
            "incident_precision": "month",
            "client_code": CLIENT_CODE,
            "gender": "woman",
            "age_band": "25_34",
            "province": "Osh",
            "key_groups": ["pwud", "on_oat"],
            "pregnant": "",
            "has_children": "yes",
            "custody": "in_state_care",
            "narrative": NARRATIVE,
        },
        follow=True,
    )
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == case_url(case)
    page = response.content.decode()
    assert NARRATIVE in page and CLIENT_CODE in page and "On OAT" in page
    assert f"Case {case.reference} is recorded." in page
    assert (case.organisation.name, case.has_children, case.pregnant) == (
        "Harm reduction NGO, Bishkek (test)",
        True,
        None,
    )
    in_force = {c.item for c in case.consents.all() if c.in_force}
    assert in_force == {"record", "refer", "statistics"}


def test_without_consent_to_record_the_form_refuses_and_nothing_is_kept(personas, login):
    client = login(personas["case_documenter"])
    response = client.post(
        "/rights/cases/new/",
        {
            "country": country("KG").pk,
            "consents": ["statistics"],
            "channel": "hotline",
            "received_on": "2026-03-02",
            "incident_precision": "day",
            "gender": "not_stated",
            "age_band": "not_stated",
            "custody": "not_applicable",
            "narrative": "Something happened.",
        },
    )
    assert response.status_code == 200
    assert "must consent to the recording" in response.content.decode()
    assert not Case.objects.exists()


def test_the_analyst_qualifies_the_case_on_the_analysis_page(kg_case, personas, login):
    client = login(personas["legal_analyst"])
    form = client.get(case_url(kg_case, "analysis/")).content.decode()
    assert "<legend" in form and "ICCPR art. 23" in form and "CRC art. 9" in form
    response = client.post(
        case_url(kg_case, "analysis/"),
        {
            "qualification": "violation",
            "confidence": "confirmed",
            "rights": ["ICCPR.23", "ICCPR.24", "CRC.9", "ECHR.8"],
            "strategic": "on",
            "text": "Removal based solely on OAT status.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "ICCPR art. 23: Protection of the family" in page and "ECHR art. 8" in page
    assert "Removal based solely on OAT status." in page
    assert kg_case.analysis.rights == ["ICCPR.23", "ICCPR.24", "CRC.9", "ECHR.8"]
    # Revising starts from the saved analysis.
    again = client.get(case_url(kg_case, "analysis/")).content.decode()
    assert re.search(r'value="CRC\.9"[^>]*checked', again)


def test_a_documenter_may_not_open_the_analysis_page_and_the_refusal_is_logged(
    kg_case, personas, login
):
    client = login(personas["case_documenter"])
    assert client.get(case_url(kg_case, "analysis/")).status_code == 403
    assert AccessLog.objects.filter(
        username="case_documenter", action="denied", detail="rights.analyse"
    ).exists()


def test_the_coordinator_refers_to_legal_aid_marks_it_done_and_closes_the_case(
    kg_case, personas, login
):
    client = login(personas["case_coordinator"])
    client.post(
        case_url(kg_case, "responses/"),
        {
            "kind": "secondary_legal",
            "referred": "on",
            "referred_to": "Legal clinic, Osh",
            "started_on": "2026-03-10",
            "status": "ongoing",
            "follow_up_on": "2026-04-10",
        },
    )
    referral = Response.objects.get()
    assert (referral.referred_to, referral.status) == ("Legal clinic, Osh", "ongoing")
    page = client.get(case_url(kg_case)).content.decode()
    assert "Referred to Legal clinic, Osh" in page
    edit = client.get(case_url(kg_case, f"responses/{referral.pk}/")).content.decode()
    assert 'value="Legal clinic, Osh"' in edit
    client.post(
        case_url(kg_case, f"responses/{referral.pk}/"),
        {
            "kind": "secondary_legal",
            "referred": "on",
            "referred_to": "Legal clinic, Osh",
            "started_on": "2026-03-10",
            "status": "done",
            "ended_on": "2026-05-20",
            "outcome": "Custody restored by court decision.",
        },
    )
    response = client.post(case_url(kg_case, "close/"), {"closure": "resolved"}, follow=True)
    kg_case.refresh_from_db()
    referral.refresh_from_db()
    assert (referral.status, kg_case.status, kg_case.closure) == ("done", "closed", "resolved")
    page = response.content.decode()
    assert "The case is closed: Resolved fully." in page
    assert "Custody restored by court decision." in page and "Close the case" not in page


def test_a_referral_without_consent_is_refused_on_the_form(kg_case, personas, login):
    login(personas["case_documenter"]).post(
        case_url(kg_case, "consents/"), {"item": "refer"}, follow=True
    )
    client = login(personas["case_coordinator"])
    response = client.post(
        case_url(kg_case, "responses/"),
        {
            "kind": "medical",
            "referred": "on",
            "referred_to": "Clinic",
            "started_on": "2026-03-10",
            "status": "planned",
        },
    )
    assert "not consented to referrals" in response.content.decode()
    assert not Response.objects.exists()


def test_the_georgian_analyst_is_refused_and_the_refusal_is_logged(kg_case, personas, login):
    client = login(personas["legal_analyst_georgia"])
    assert client.get(case_url(kg_case)).status_code == 403
    logged = AccessLog.objects.get(username="legal_analyst_georgia")
    assert (logged.action, logged.case_reference) == ("denied", kg_case.reference)


def test_the_regional_analyst_sees_the_case_without_identifying_data_never_decrypted(
    kg_case, personas, login, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    documenter, analyst = personas["case_documenter"], personas["legal_analyst"]
    services.act_add(
        user=documenter,
        case=kg_case,
        violations=["child_removal"],
        perpetrator="social_services",
        description="The head of the district office said so.",
    )
    services.analysis_save(
        user=analyst,
        case=kg_case,
        qualification="violation",
        confidence="likely",
        text="Analysis text.",
    )
    services.file_add(
        user=documenter,
        case=kg_case,
        upload=SimpleUploadedFile("aigul-decision.pdf", b"%PDF-1.4"),
        kind="official",
        access_level=CaseFile.Access.CASE_TEAM,
    )

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a pseudonymised page decrypted something")

    monkeypatch.setattr(crypto, "decrypt_text", refuse)
    page = login(personas["regional_analyst"]).get(case_url(kg_case)).content.decode()
    assert "Not shown: identifying data" in page and "Child removal" in page
    for secret in (NARRATIVE, CLIENT_CODE, "district office", "Analysis text", "aigul"):
        assert secret not in page
    assert "/rights/files/" not in page
    logged = AccessLog.objects.filter(username="regional_analyst").get()
    assert logged.action == "view_pseudonymised"


def test_case_pages_are_not_cached_indexed_or_titled_with_case_data(kg_case, personas, login):
    response = login(personas["legal_analyst"]).get(case_url(kg_case))
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert title and title.group(1).strip() == f"{kg_case.reference} · hrmonitor"


def test_an_anonymous_visitor_is_sent_to_sign_in(kg_case, client):
    response = client.get(case_url(kg_case))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not AccessLog.objects.filter(action__in=["view", "denied"]).exists()


def test_an_unknown_reference_is_not_found(personas, login):
    assert login(personas["legal_analyst"]).get("/rights/cases/C-NOTACASE/").status_code == 404


def test_the_list_shows_visible_cases_without_identifying_fields(
    kg_case, personas, login, django_assert_max_num_queries
):
    services.act_add(
        user=personas["case_documenter"],
        case=kg_case,
        violations=["child_removal", "denial_oat"],
        perpetrator="social_services",
    )
    client = login(personas["regional_analyst"])
    with django_assert_max_num_queries(12):
        page = client.get("/rights/cases/").content.decode()
    assert kg_case.reference in page and "Child removal or threat of it" in page
    assert CLIENT_CODE not in page and ">Osh<" not in page and "New case" not in page
    assert not AccessLog.objects.filter(username="regional_analyst").exists()  # not an opening
    found = client.get("/rights/cases/", {"reference": kg_case.reference.lower()})
    assert kg_case.reference in found.content.decode()
    # The search is by reference only, never in the (encrypted) text.
    missing = client.get("/rights/cases/", {"reference": "Aigul"}).content.decode()
    assert kg_case.reference not in missing
    assert "New case" in login(personas["case_documenter"]).get("/rights/cases/").content.decode()
    assert login(personas["statistics_only"]).get("/rights/cases/").status_code == 403


def test_the_list_does_not_grow_queries_with_rows(
    kg_case, personas, login, django_assert_num_queries
):
    client = login(personas["case_coordinator"])
    client.get("/rights/cases/")  # warm the per-request caches of the first request
    with CaptureQueriesContext(connection) as one:
        client.get("/rights/cases/")
    for day in (3, 4, 5):
        services.case_create(
            user=personas["case_coordinator"],
            country=kg_case.country,
            organisation=kg_case.organisation,
            channel="hotline",
            received_on=dt.date(2026, 3, day),
            consents={"record": True},
        )
    with django_assert_num_queries(len(one)):
        client.get("/rights/cases/")


def test_an_evidence_file_uploaded_then_downloaded_is_the_same(
    kg_case, personas, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 court decision about Aigul"
    upload = SimpleUploadedFile("decision-aigul.pdf", content, content_type="application/pdf")
    login(personas["case_documenter"]).post(
        case_url(kg_case, "files/"), {"file": upload, "kind": "official", "access": "analysts"}
    )
    record = CaseFile.objects.get()
    client = login(personas["legal_analyst"])
    page = client.get(case_url(kg_case)).content.decode()
    assert f"/rights/files/{record.pk}/" in page
    response = client.get(f"/rights/files/{record.pk}/")
    assert response.content == content
    disposition = response["Content-Disposition"]
    assert (
        disposition
        == f'attachment; filename="evidence-{kg_case.reference}-{record.sha256[:8]}.pdf"'
    )
    assert "aigul" not in disposition.lower() and response["Cache-Control"] == "no-store"
    assert AccessLog.objects.filter(username="legal_analyst", action="download").exists()
    # Restricted to analysts and coordinators: no link for the documenter, and a refusal.
    documenter = login(personas["case_documenter"])
    assert f"/rights/files/{record.pk}/" not in documenter.get(case_url(kg_case)).content.decode()
    assert documenter.get(f"/rights/files/{record.pk}/").status_code == 403


def test_an_executable_is_not_accepted_as_evidence(kg_case, personas, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("run.exe", b"MZ")
    response = login(personas["case_documenter"]).post(
        case_url(kg_case, "files/"), {"file": upload, "kind": "other", "access": "case_team"}
    )
    assert response.status_code == 200 and not CaseFile.objects.exists()


def test_the_reminders_page_lists_a_due_follow_up(kg_case, personas, login):
    today = timezone.localdate()
    services.response_save(
        user=personas["case_coordinator"],
        case=kg_case,
        kind=Response.Kind.PRIMARY_LEGAL,
        started_on=today - dt.timedelta(days=10),
        follow_up_on=today - dt.timedelta(days=2),
    )
    page = login(personas["case_coordinator"]).get("/rights/cases/reminders/").content.decode()
    assert case_url(kg_case) in page and "2 days overdue" in page


def test_a_consent_is_withdrawn_from_the_case_page(kg_case, personas, login):
    client = login(personas["case_documenter"])
    response = client.post(case_url(kg_case, "consents/"), {"item": "statistics"}, follow=True)
    assert "Consent withdrawn: Use in anonymised statistics." in response.content.decode()
    assert kg_case.consents.get(item="statistics").withdrawn_on == timezone.localdate()


def test_editing_intake_details_waits_for_its_service(kg_case, personas, login, monkeypatch):
    client = login(personas["case_documenter"])
    if getattr(services, "case_update", None) is None:
        page = client.get(case_url(kg_case, "edit/")).content.decode()
        assert "Editing intake details comes next." in page
    calls = []
    monkeypatch.setattr(
        services, "case_update", lambda **kwargs: calls.append(kwargs), raising=False
    )
    form = client.get(case_url(kg_case, "edit/")).content.decode()
    assert CLIENT_CODE in form
    client.post(
        case_url(kg_case, "edit/"),
        {
            "channel": "outreach",
            "received_on": "2026-03-02",
            "incident_precision": "month",
            "client_code": CLIENT_CODE,
            "gender": "woman",
            "age_band": "25_34",
            "province": "Osh",
            "has_children": "yes",
            "custody": "with_client",
            "narrative": NARRATIVE,
        },
    )
    assert calls and calls[0]["custody"] == "with_client" and calls[0]["case"] == kg_case
    assert login(personas["legal_analyst"]).get(case_url(kg_case, "edit/")).status_code == 403
