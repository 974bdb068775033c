"""Case documentation: recording with consent, the legal analysis, a referral tracked to
closure, who may open a case (and the log of every access and refusal), and that the
plaintext is nowhere in the database — neither the SQLite file nor a PostgreSQL dump."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from factories import DOCUMENTING_ORGANISATION, country
from hrmonitor.core import access
from hrmonitor.core.models import Organisation
from hrmonitor.rights import services
from hrmonitor.rights.models import AccessLog, Case, CaseFile, Response
from rights.conftest import CLIENT_CODE, NARRATIVE

pytestmark = pytest.mark.django_db


def test_the_case_is_stored_encrypted_and_read_back(kg_case):
    row = Case.objects.values(
        "narrative_encrypted", "client_code_encrypted", "province_encrypted"
    ).get()
    assert all(value.startswith("v1.") for value in row.values())
    assert NARRATIVE not in str(row) and "Osh" not in str(row)
    fresh = Case.objects.get(pk=kg_case.pk)
    assert (fresh.narrative, fresh.client_code, fresh.province) == (NARRATIVE, CLIENT_CODE, "Osh")
    assert fresh.reference.startswith("C-") and len(fresh.reference) == 10
    # The history copies the tokens, never the plaintext.
    history = kg_case.history.values_list("narrative_encrypted", flat=True)
    assert history and all(h.startswith("v1.") for h in history)


def test_a_token_moved_to_another_case_does_not_decrypt(kg_case, personas):
    other = services.case_create(
        user=personas["case_documenter"],
        country=country("KG"),
        organisation=kg_case.organisation,
        channel="hotline",
        received_on=dt.date(2026, 3, 3),
        consents={"record": True},
        narrative="another",
    )
    Case.objects.filter(pk=other.pk).update(narrative_encrypted=kg_case.narrative_encrypted)
    with pytest.raises(Exception, match="(?i)decrypt"):
        _ = Case.objects.get(pk=other.pk).narrative


def test_nothing_is_kept_without_consent_to_record(personas):
    with pytest.raises(ValidationError):
        services.case_create(
            user=personas["case_documenter"],
            country=country("KG"),
            organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
            channel="hotline",
            received_on=dt.date(2026, 3, 3),
            consents={"record": False},
        )
    assert not Case.objects.exists()


def test_repeat_visits_are_linked_by_the_client_code_without_decrypting(kg_case, personas):
    again = services.case_create(
        user=personas["case_documenter"],
        country=country("KG"),
        organisation=kg_case.organisation,
        channel="in_person",
        received_on=dt.date(2026, 4, 1),
        consents={"record": True},
        client_code="  aig-1997-osh ",
    )
    assert again.client_index == kg_case.client_index != ""


def test_analysis_referral_and_closure(kg_case, personas):
    analyst = personas["legal_analyst"]
    analysis = services.analysis_save(
        user=analyst,
        case=kg_case,
        qualification="violation",
        confidence="confirmed",
        rights=["ICCPR.23", "ICCPR.24", "CRC.9", "ECHR.8"],
        strategic=True,
        text="Removal based solely on OAT status.",
    )
    assert analysis.rights == ["ICCPR.23", "ICCPR.24", "CRC.9", "ECHR.8"]
    with pytest.raises(ValidationError):
        services.analysis_save(
            user=analyst,
            case=kg_case,
            qualification="violation",
            confidence="likely",
            rights=["ICCPR.999"],
        )
    with pytest.raises(PermissionDenied):  # documenters do not qualify cases
        services.analysis_save(
            user=personas["case_documenter"],
            case=kg_case,
            qualification="violation",
            confidence="likely",
        )
    coordinator = personas["case_coordinator"]
    referral = services.response_save(
        user=coordinator,
        case=kg_case,
        kind=Response.Kind.SECONDARY_LEGAL,
        started_on=dt.date(2026, 3, 10),
        referred=True,
        referred_to="Legal clinic, Osh",
        follow_up_on=dt.date(2026, 4, 10),
    )
    assert [r.pk for r in services.reminders(coordinator, today=dt.date(2026, 4, 11))] == [
        referral.pk
    ]
    services.response_save(
        user=coordinator,
        case=kg_case,
        response=referral,
        kind=referral.kind,
        started_on=referral.started_on,
        referred=True,
        referred_to=referral.referred_to,
        status=Response.Status.DONE,
        ended_on=dt.date(2026, 5, 20),
        outcome="Custody restored by court decision.",
    )
    services.case_close(user=coordinator, case=kg_case, closure=Case.Closure.RESOLVED)
    kg_case.refresh_from_db()
    assert (kg_case.status, kg_case.closure) == ("closed", "resolved")
    assert services.reminders(coordinator, today=dt.date(2026, 6, 1)) == []


def test_a_referral_needs_the_consent_to_refer(kg_case, personas):
    services.consent_withdraw(user=personas["case_documenter"], case=kg_case, item="refer")
    with pytest.raises(ValidationError):
        services.response_save(
            user=personas["case_coordinator"],
            case=kg_case,
            kind="medical",
            started_on=dt.date(2026, 3, 10),
            referred=True,
            referred_to="Clinic",
        )


# (persona, action, allowed) on the Kyrgyz case documented by the Bishkek organisation.
MATRIX = [
    ("case_documenter", "open", "full"),
    ("legal_analyst", "open", "full"),
    ("case_coordinator", "open", "full"),
    ("regional_analyst", "open", "pseudonymised"),
    ("legal_analyst_georgia", "open", None),
    ("statistics_only", "open", None),
    ("secretariat_admin", "open", None),
    ("me_officer", "open", None),
    ("focal_point_georgia", "open", None),
    ("evaluator", "open", None),
    ("audit_body", "open", None),
    ("no_role", "open", None),
]


@pytest.mark.parametrize(("persona", "action", "level"), MATRIX)
def test_who_may_open_the_case(kg_case, personas, persona, action, level):
    user = personas[persona]
    assert access.case_access_level(user, kg_case) == level
    if level is None:
        with pytest.raises(PermissionDenied):
            services.case_open(user=user, reference=kg_case.reference)
        logged = AccessLog.objects.filter(username=user.username).get()
        assert (logged.action, logged.case_reference) == ("denied", kg_case.reference)
    else:
        opened = services.case_open(user=user, reference=kg_case.reference)
        assert opened.identifying == (level == "full")
        assert AccessLog.objects.filter(username=user.username, action__startswith="view").exists()


def test_a_documenter_of_another_organisation_sees_nothing(kg_case):
    from factories import user_with_role
    from hrmonitor.core.roles import Role

    other_org = Organisation.objects.create(name="Other NGO", kind="member", country=country("KG"))
    documenter = user_with_role(Role.CASE_DOCUMENTER, "KG", organisation=other_org)
    assert access.case_access_level(documenter, kg_case) is None


def test_the_access_log_is_append_only(kg_case, personas):
    services.case_open(user=personas["legal_analyst"], reference=kg_case.reference)
    entry = AccessLog.objects.first()
    with pytest.raises(PermissionError):
        entry.detail = "changed"
        entry.save()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.update(detail="x")
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE rights_accesslog SET detail = 'x'")


def test_an_evidence_file_is_stored_encrypted_with_its_checksum(
    kg_case, personas, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    content = b"%PDF-1.4 court decision about Aigul"
    record = services.file_add(
        user=personas["case_documenter"],
        case=kg_case,
        upload=SimpleUploadedFile("decision-aigul.pdf", content),
        kind="official",
        access_level=CaseFile.Access.ANALYSTS,
    )
    stored = Path(record.stored.path).read_bytes()
    assert b"Aigul" not in stored and b"decision-aigul" not in stored
    assert "aigul" not in record.stored.name.lower()
    assert services.file_read(user=personas["legal_analyst"], record=record) == content
    with pytest.raises(PermissionDenied):  # restricted to analysts and coordinators
        services.file_read(user=personas["case_documenter"], record=record)
    assert AccessLog.objects.filter(action="download").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_plaintext_is_nowhere_in_the_database(committed_reference_data, personas, tmp_path):
    from rights.conftest import kg_case as make_case  # noqa: F401 - the same case, committed

    case = services.case_create(
        user=personas["case_documenter"],
        country=country("KG"),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel="outreach",
        received_on=dt.date(2026, 3, 2),
        consents={"record": True},
        narrative=NARRATIVE,
        client_code=CLIENT_CODE,
        province="Osh-oblast-secret",
    )
    services.analysis_save(
        user=personas["legal_analyst"],
        case=case,
        qualification="violation",
        confidence="confirmed",
        text="Analysis mentions Aigul by name.",
    )
    secrets = [b"Aigul", CLIENT_CODE.encode(), b"Osh-oblast-secret", b"methadone in Osh"]
    if connection.vendor == "sqlite":
        dump = tmp_path / "copy.sqlite3"
        target = sqlite3.connect(dump)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        data = dump.read_bytes()
    else:
        pg_dump = shutil.which("pg_dump") or next(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
        params = connection.get_connection_params()
        result = subprocess.run(  # noqa: S603 - a fixed command against the test database
            [
                str(pg_dump),
                "--data-only",
                "-h",
                params.get("host", "127.0.0.1"),
                "-p",
                str(params.get("port", 5432)),
                "-U",
                params.get("user", "postgres"),
                params["dbname"],
            ],
            capture_output=True,
            check=True,
        )
        data = result.stdout
    assert len(data) > 10_000
    for secret in secrets:
        assert secret not in data, secret


def test_a_refused_write_stays_in_the_access_log(kg_case, personas):
    georgian = personas["legal_analyst_georgia"]
    with pytest.raises(PermissionDenied):
        services.analysis_save(
            user=georgian, case=kg_case, qualification="violation", confidence="likely"
        )
    with pytest.raises(PermissionDenied):
        services.act_add(user=georgian, case=kg_case, violations=["eviction"], perpetrator="police")
    refused = AccessLog.objects.filter(username=georgian.username, action="denied")
    assert refused.count() == 2
