"""The safeguards around case data: case roles are signed out when idle, identifying data is
erased after the retention period (history and evidence files included) while statistics
stay, and neither error pages nor logs carry a narrative."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from hrmonitor.core.jobs import run_job
from hrmonitor.core.models import Job
from hrmonitor.core.services import api_token_create
from hrmonitor.rights import services
from hrmonitor.rights.models import (
    AccessLog,
    Act,
    Case,
    CaseFile,
    LegalAnalysis,
    Response,
)
from hrmonitor.rights.retention import months_before, purge_identifying
from hrmonitor.rights.tasks import PURGE_IDENTIFYING
from rights.conftest import CLIENT_CODE, NARRATIVE

pytestmark = pytest.mark.django_db

LAST_ACTIVITY = "hrmonitor_case_last_activity"


# --- Idle sign-out ---------------------------------------------------------------------------


def idle_for(client, minutes: float) -> None:  # type: ignore[no-untyped-def]
    """Pretend the session's last request was `minutes` ago."""
    session = client.session
    session[LAST_ACTIVITY] = timezone.now().timestamp() - minutes * 60
    session.save()


def test_a_legal_analyst_idle_too_long_is_signed_out_with_a_message(personas, login):
    client = login(personas["legal_analyst"])
    assert client.get("/account/").status_code == 200
    idle_for(client, 16)

    response = client.get("/account/?tab=roles")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/%3Ftab%3Droles"
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 15 minutes without activity, to protect case data." in page
    assert client.get("/account/").status_code == 302  # signed out for good


def test_a_legal_analyst_active_within_the_limit_stays_signed_in(personas, login):
    client = login(personas["legal_analyst"])
    client.get("/account/")
    idle_for(client, 14)
    assert client.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_the_idle_limit_is_a_setting(personas, login, settings):
    settings.HRMONITOR_CASE_IDLE_MINUTES = 0
    client = login(personas["regional_analyst"])  # pseudonymised readers too
    assert client.get("/account/").status_code == 200
    idle_for(client, 0.05)
    assert client.get("/account/").status_code == 302


def test_a_focal_point_is_not_signed_out_when_idle(personas, login, settings):
    settings.HRMONITOR_CASE_IDLE_MINUTES = 0
    client = login(personas["focal_point_georgia"])
    idle_for(client, 600)
    assert client.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_an_htmx_request_of_an_idle_analyst_loads_the_sign_in_page(personas, login):
    client = login(personas["legal_analyst"])
    client.get("/account/")
    idle_for(client, 16)
    response = client.get(
        "/jobs/1/progress/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/rights/cases/?page=2",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/rights/cases/%3Fpage%3D2"


# --- Retention -------------------------------------------------------------------------------


@pytest.fixture
def documented_case(kg_case, personas, settings, tmp_path) -> Case:  # type: ignore[no-untyped-def]
    """The Kyrgyz case with an act, an analysis, a response and an evidence file."""
    settings.MEDIA_ROOT = tmp_path
    services.act_add(
        user=personas["case_documenter"],
        case=kg_case,
        violations=["child_removal"],
        perpetrator="social_services",
        description="The social worker named Aigul's daughter in the order.",
    )
    services.analysis_save(
        user=personas["legal_analyst"],
        case=kg_case,
        qualification="violation",
        confidence="confirmed",
        rights=["ICCPR.23", "CRC.9"],
        text="Removal based solely on Aigul's OAT status.",
    )
    services.analysis_save(  # revised: the history keeps both versions
        user=personas["legal_analyst"],
        case=kg_case,
        qualification="violation",
        confidence="confirmed",
        rights=["ICCPR.23", "CRC.9"],
        text="Removal based solely on Aigul's OAT status; no assessment of the child.",
    )
    services.response_save(
        user=personas["case_coordinator"],
        case=kg_case,
        kind=Response.Kind.SECONDARY_LEGAL,
        started_on=dt.date(2026, 3, 10),
        outcome="Aigul got her daughter back.",
    )
    services.file_add(
        user=personas["case_documenter"],
        case=kg_case,
        upload=SimpleUploadedFile("court-order-aigul.pdf", b"%PDF-1.4 order about Aigul"),
        kind="official",
        access_level=CaseFile.Access.CASE_TEAM,
    )
    return kg_case


def close(case: Case, user, months_ago: int) -> None:  # type: ignore[no-untyped-def]
    services.case_close(
        user=user,
        case=case,
        closure=Case.Closure.RESOLVED,
        closed_on=months_before(timezone.localdate(), months_ago),
    )


def encrypted_history_values(model, **lookup) -> list[str]:  # type: ignore[no-untyped-def]
    history = model.history.model
    columns = [f.name for f in history._meta.fields if f.name.endswith("_encrypted")]
    assert columns
    rows = history.objects.filter(**lookup).values_list(*columns)
    assert rows
    return [value for row in rows for value in row]


def test_a_case_closed_25_months_ago_loses_its_identifying_data_history_included(
    documented_case, personas
):
    case = documented_case
    close(case, personas["case_coordinator"], 25)
    assert any(encrypted_history_values(Case, id=case.pk))
    stored = Path(CaseFile.objects.get().stored.path)
    assert stored.exists()

    report = purge_identifying()

    assert report.references == [case.reference]
    case = Case.objects.get(pk=case.pk)
    assert (case.narrative, case.client_code, case.province, case.client_index) == ("", "", "", "")
    assert case.identifying_purged_on == timezone.localdate()
    assert Act.objects.get().description == ""
    assert LegalAnalysis.objects.get().text == ""
    assert Response.objects.get().outcome == ""
    # Every historical copy of every record of the case is blanked too.
    for model in (Case, Act, LegalAnalysis, Response, CaseFile):
        lookup = {"id": case.pk} if model is Case else {"case_id": case.pk}
        assert set(encrypted_history_values(model, **lookup)) == {""}, model
    # The evidence file is gone from storage; what statistics need of it stays.
    record = CaseFile.objects.get()
    assert not stored.exists()
    assert (record.name, record.stored.name) == ("", "")
    assert (record.kind, record.size, len(record.sha256)) == ("official", 26, 64)
    # One line in the access log, with nothing personal in it.
    logged = AccessLog.objects.get(detail="purged")
    assert (logged.action, logged.case_reference) == ("edit", case.reference)


def test_statistics_fields_survive_the_purge(documented_case, personas):
    close(documented_case, personas["case_coordinator"], 25)
    purge_identifying()
    case = Case.objects.get()
    assert (case.country.iso2, case.received_on, case.incident_date) == (
        "KG",
        dt.date(2026, 3, 2),
        dt.date(2026, 2, 1),
    )
    assert (case.gender, case.age_band, case.key_groups) == ("woman", "25_34", ["pwud", "on_oat"])
    assert (case.status, case.closure, case.custody) == ("closed", "resolved", "in_state_care")
    act = Act.objects.get()
    assert (act.violations, act.perpetrator) == (["child_removal"], "social_services")
    analysis = LegalAnalysis.objects.get()
    assert (analysis.qualification, analysis.rights) == ("violation", ["ICCPR.23", "CRC.9"])
    assert Response.objects.get().kind == Response.Kind.SECONDARY_LEGAL
    assert case.consents.count() == 6


def test_a_case_closed_a_month_ago_is_untouched(documented_case, personas):
    close(documented_case, personas["case_coordinator"], 1)
    report = purge_identifying()
    assert report.cases == 0
    case = Case.objects.get()
    assert (case.narrative, case.client_code) == (NARRATIVE, CLIENT_CODE)
    assert case.identifying_purged_on is None
    assert all(encrypted_history_values(Case, id=case.pk)[:1])
    assert Path(CaseFile.objects.get().stored.path).exists()


def test_an_open_case_is_never_purged(kg_case):
    assert purge_identifying(today=dt.date(2040, 1, 1)).cases == 0
    assert Case.objects.get().narrative == NARRATIVE


def test_a_purge_runs_once_per_case(documented_case, personas):
    close(documented_case, personas["case_coordinator"], 25)
    assert purge_identifying().cases == 1
    assert purge_identifying().cases == 0
    assert AccessLog.objects.filter(detail="purged").count() == 1


def test_a_dry_run_counts_and_changes_nothing(documented_case, personas):
    close(documented_case, personas["case_coordinator"], 25)
    report = purge_identifying(dry_run=True)
    assert (report.cases, report.files) == (1, 1)
    assert report.rows["rights_case"] == 1
    assert Case.objects.get().narrative == NARRATIVE
    assert not AccessLog.objects.filter(detail="purged").exists()


def test_the_retention_period_is_a_setting(documented_case, personas, settings):
    close(documented_case, personas["case_coordinator"], 7)
    assert purge_identifying().cases == 0
    settings.HRMONITOR_CASE_RETENTION_MONTHS = 6
    assert purge_identifying().cases == 1
    with pytest.raises(ValueError, match="at least one month"):
        purge_identifying(months=0)


def test_the_purge_command_prints_what_it_did(documented_case, personas, capsys):
    close(documented_case, personas["case_coordinator"], 25)
    call_command("purge_identifying", "--dry-run")
    out = capsys.readouterr().out
    assert "would be purged: 1" in out and "stored files: 1" in out
    assert Case.objects.get().narrative == NARRATIVE
    call_command("purge_identifying")
    out = capsys.readouterr().out
    assert "purged: 1" in out and "rights_case: 1 rows" in out
    assert Case.objects.get().narrative == ""


def test_the_purge_job_reports_to_its_user(documented_case, personas):
    close(documented_case, personas["case_coordinator"], 25)
    job = Job.objects.create(kind=PURGE_IDENTIFYING, created_by=personas["secretariat_admin"])
    run_job.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == (
        Job.Status.DONE,
        "Identifying data erased from 1 closed case.",
    )
    assert AccessLog.objects.get(detail="purged").username == "secretariat_admin"
    assert Case.objects.get().narrative == ""


def test_months_before_keeps_the_day_or_takes_the_months_last(db):
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 5, 15), 24) == dt.date(2024, 5, 15)
    assert months_before(dt.date(2026, 1, 10), 25) == dt.date(2023, 12, 10)


# --- Error pages and logs --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["legal_analyst_georgia", "secretariat_admin", "no_role"])
def test_a_refused_case_page_shows_no_case_data(kg_case, personas, login, persona):
    client = login(personas[persona])
    for path in (f"/rights/cases/{kg_case.reference}/", "/rights/cases/C-UNKNOWN2/"):
        response = client.get(path)
        assert response.status_code in (403, 404)
        page = response.content.decode()
        assert NARRATIVE not in page and CLIENT_CODE not in page and "Aigul" not in page


def test_a_denied_access_writes_no_narrative_to_the_logs(kg_case, personas, client, caplog):
    caplog.set_level(logging.DEBUG)
    token = api_token_create(user=personas["legal_analyst_georgia"], name="script")[1]
    response = client.get(
        f"/api/v1/rights/cases/{kg_case.reference}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403
    assert "Forbidden" in caplog.text  # Django's request logger did speak
    for secret in (NARRATIVE, CLIENT_CODE, "Aigul"):
        assert secret not in caplog.text
        assert secret not in response.content.decode()
    assert AccessLog.objects.filter(action="denied").count() == 1
