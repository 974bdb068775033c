"""Cases in and out of spreadsheets: the import (a check that records nothing, then every row
or none, each problem named by its row and column, a refused permission included; the file is
never kept) and the export (coordinators get their countries' cases with the narrative, the
regional analyst a pseudonymised file, documenters nothing; every exported case logged)."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from factories import DOCUMENTING_ORGANISATION, country
from hrmonitor.core.models import Organisation
from hrmonitor.rights import importing, services
from hrmonitor.rights.models import AccessLog, Case
from rights.conftest import CLIENT_CODE, NARRATIVE

pytestmark = pytest.mark.django_db

HEADER = (
    "country,organisation,channel,received_on,incident_date,precision,client_code,gender,"
    "age_band,province,key_groups,violations,perpetrator,narrative,consent_record,"
    "consent_statistics,consent_refer,consent_story\n"
)
FIRST_NARRATIVE = "Invented: the clinic told social services that the client is on OAT."
SECOND_NARRATIVE = "Invented: stopped twice by the police, who took his syringes."
GOOD = HEADER + (
    f'KG,"{DOCUMENTING_ORGANISATION}",outreach,2026-03-01,01.02.2026,month,IMP-1,woman,25_34,'
    f'Osh,"pwud, on_oat","child_removal, denial_oat",social_services,"{FIRST_NARRATIVE}",'
    "yes,yes,no,no\n"
    f'Kyrgyzstan,"{DOCUMENTING_ORGANISATION}",Hotline,2026-03-04,,,IMP-2,man,18-24,Chui,pwid,'
    f'police_violence,Police,"{SECOND_NARRATIVE}",да,нет,да,нет\n'
)


def post(client, content: bytes, name: str = "cases.csv", action: str = "import"):  # type: ignore[no-untyped-def]
    return client.post(
        "/rights/import/", {"action": action, "file": SimpleUploadedFile(name, content)}
    )


def problems(page: str) -> list[tuple[str, str, str]]:
    """The (row, column, message) lines of the problems table."""
    table = page.split('id="import-problems"', 1)[1].split("</table>", 1)[0]
    found = []
    for row in table.split("<tr>")[2:]:
        cells = [c.split("</td>", 1)[0] for c in row.split("<td>")[1:]]
        found.append((cells[0], cells[1].replace("<code>", "").replace("</code>", ""), cells[2]))
    return found


# --- Import ----------------------------------------------------------------------------------


def test_a_good_file_records_both_cases_encrypted_with_their_consents_and_acts(personas, login):
    documenter = personas["case_documenter"]
    response = post(login(documenter), GOOD.encode())
    assert response.status_code == 302 and response["Location"] == "/rights/cases/"
    assert response["Cache-Control"] == "no-store"
    first, second = Case.objects.order_by("received_on")
    assert first.narrative == FIRST_NARRATIVE and second.narrative == SECOND_NARRATIVE
    for case in (first, second):
        stored = case.narrative_encrypted
        assert stored.startswith("v1.") and "Invented" not in stored
        assert "IMP-" not in case.client_code_encrypted and "Osh" not in case.province_encrypted
        assert case.documenter == documenter and case.country == country("KG")
    assert first.client_code == "IMP-1" and first.province == "Osh"
    assert first.incident_date.isoformat() == "2026-02-01" and first.incident_precision == "month"
    assert first.key_groups == ["pwud", "on_oat"] and second.age_band == "18_24"
    assert second.channel == "hotline" and second.gender == "man"
    consents = {c.item: c.given for c in first.consents.all()}
    assert consents["record"] and consents["statistics"] and not consents["refer"]
    consents = {c.item: c.given for c in second.consents.all()}
    assert consents["refer"] and not consents["statistics"]  # "да" / "нет"
    (act,) = first.acts.all()
    assert act.violations == ["child_removal", "denial_oat"]
    assert act.perpetrator == "social_services"
    assert [a.perpetrator for a in second.acts.all()] == ["police"]  # the label read as a code
    for case in (first, second):
        details = list(
            AccessLog.objects.filter(case_reference=case.reference).values_list("detail", flat=True)
        )
        assert sorted(details) == ["act", "created", "imported"]


def test_the_check_records_nothing_and_says_the_rows_are_ready(personas, login):
    response = post(login(personas["case_documenter"]), GOOD.encode(), action="check")
    assert response.status_code == 200
    assert "2 rows are ready to import." in response.content.decode()
    assert not Case.objects.exists() and not AccessLog.objects.exists()


def test_an_xlsx_file_with_russian_column_names_is_read_too(personas, login):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "Страна",
            "Организация",
            "Канал обращения",
            "Дата обращения",
            "Описание",
            "Согласие на запись",
            "Согласие на статистику",
        ]  # fmt: skip
    )
    sheet.append(["KG", DOCUMENTING_ORGANISATION, "outreach", "2026-03-01", NARRATIVE, "да", "да"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = post(login(personas["case_coordinator"]), buffer.getvalue(), name="cases.xlsx")
    assert response.status_code == 302
    assert Case.objects.get().narrative == NARRATIVE


def test_an_unknown_violation_code_is_reported_by_row_and_column_and_nothing_is_recorded(
    personas, login
):
    bad = GOOD.replace("police_violence,Police", "police_beating,Police")
    response = post(login(personas["case_documenter"]), bad.encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 1 problem." in page
    assert problems(page) == [("3", "violations", "Unknown code: police_beating.")]
    assert not Case.objects.exists() and not AccessLog.objects.exists()


def test_problems_name_the_column_as_titled_in_the_file(personas, login):
    bad = GOOD.replace("received_on", "Received_On").replace("2026-03-04", "4 March")
    response = post(login(personas["case_documenter"]), bad.encode(), action="check")
    assert problems(response.content.decode()) == [
        ("3", "Received_On", "“4 March” is not a date: write it as YYYY-MM-DD.")
    ]


def test_a_documenter_importing_a_georgian_row_gets_a_row_problem(personas, login):
    georgian = GOOD + (
        f'GE,"{DOCUMENTING_ORGANISATION}",outreach,2026-03-05,,,,,,,,,,"A case in Tbilisi.",'
        "yes,yes,no,no\n"
    )
    response = post(login(personas["case_documenter"]), georgian.encode())
    page = response.content.decode()
    assert problems(page) == [
        ("4", "organisation", "This organisation works in another country."),
    ]
    assert not Case.objects.exists()
    # With an organisation of Georgia, it is the country the documenter may not record in.
    Organisation.objects.create(name="Tbilisi NGO", kind="member", country=country("GE"))
    georgian = georgian.replace(f'GE,"{DOCUMENTING_ORGANISATION}"', "GE,Tbilisi NGO")
    page = post(login(personas["case_documenter"]), georgian.encode()).content.decode()
    assert problems(page) == [("4", "country", "You may not record cases in this country.")]
    assert not Case.objects.exists()


def test_a_row_without_consent_to_record_is_refused(personas, login):
    refused = GOOD.replace("yes,yes,no,no", "no,yes,no,no")
    page = post(login(personas["case_documenter"]), refused.encode()).content.decode()
    assert problems(page) == [
        ("2", "consent_record", "The client must consent to the recording of the case.")
    ]


def test_a_file_of_more_than_2000_rows_is_refused(personas, login):
    row = GOOD.splitlines()[1] + "\n"
    response = post(login(personas["case_documenter"]), (HEADER + row * 2001).encode())
    assert "The file has more than 2000 rows; split it." in response.content.decode()
    assert not Case.objects.exists()


def test_the_uploaded_file_is_not_kept_on_disk(personas, login, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client = login(personas["case_documenter"])
    for action in ("check", "import"):
        post(client, GOOD.encode(), action=action)
        assert list(tmp_path.iterdir()) == []
    assert Case.objects.count() == 2


def test_only_case_writers_may_import(personas, login):
    for persona in ("focal_point_georgia", "regional_analyst", "legal_analyst"):
        client = login(personas[persona])
        assert client.get("/rights/import/").status_code == 403
        assert post(client, GOOD.encode()).status_code == 403
    assert not Case.objects.exists()


def test_the_import_page_lists_the_columns_and_codes(personas, login):
    page = login(personas["case_coordinator"]).get("/rights/import/").content.decode()
    assert "consent_statistics" in page and "согласие на статистику" in page
    assert "child_removal" in page and "social_services" in page and "At most 2000 rows." in page


# --- Export ----------------------------------------------------------------------------------


@pytest.fixture
def two_cases(kg_case, personas):  # type: ignore[no-untyped-def]
    coordinator = personas["case_coordinator"]
    services.act_add(
        user=coordinator, case=kg_case, violations=["child_removal"], perpetrator="social_services"
    )
    other = services.case_create(
        user=coordinator,
        country=country("KG"),
        organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
        channel=Case.Channel.HOTLINE,
        received_on=kg_case.received_on,
        consents={"record": True},
        narrative=SECOND_NARRATIVE,
    )
    return [kg_case, other]


def read_csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_coordinators_export_has_the_narrative_and_logs_each_case(personas, login, two_cases):
    before = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count()
    response = login(personas["case_coordinator"]).get("/rights/cases.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="cases-')
    rows = read_csv(response)
    by_reference = {row["reference"]: row for row in rows}
    assert set(by_reference) == {c.reference for c in two_cases}
    first = by_reference[two_cases[0].reference]
    assert first["narrative"] == NARRATIVE and first["client_code"] == CLIENT_CODE
    assert first["province"] == "Osh" and first["violations"] == "child_removal"
    assert first["consent_statistics"] == "yes" and first["consent_story"] == "no"
    exports = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert exports.count() - before == 2
    assert sorted(exports.values_list("case_reference", flat=True)) == sorted(
        c.reference for c in two_cases
    )
    assert set(exports.values_list("username", "detail")) == {("case_coordinator", "csv")}


def test_the_regional_analysts_export_is_pseudonymised(personas, login, two_cases, monkeypatch):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a pseudonymised export must not decrypt anything")

    monkeypatch.setattr("hrmonitor.core.crypto.decrypt", refuse)
    response = login(personas["regional_analyst"]).get("/rights/cases.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert NARRATIVE not in text and SECOND_NARRATIVE not in text
    assert CLIENT_CODE not in text and "Osh" not in text
    rows = read_csv(response)
    assert {row["reference"] for row in rows} == {c.reference for c in two_cases}
    assert not {"narrative", "client_code", "province"} & set(rows[0])
    details = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).values_list(
        "detail", flat=True
    )
    assert list(details) == ["csv pseudonymised"] * 2


def test_a_documenter_may_not_export(personas, login, two_cases):
    client = login(personas["case_documenter"])
    assert client.get("/rights/cases.csv").status_code == 403
    assert client.get("/rights/cases.xlsx").status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_a_coordinator_exports_only_their_countrys_cases(personas, login, two_cases):
    rows = read_csv(login(personas["case_coordinator"]).get("/rights/cases.csv?country=GE"))
    assert rows == []
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_xlsx_export_keeps_a_formula_as_text(personas, login, two_cases):
    services.case_update(
        user=personas["case_coordinator"], case=two_cases[1], narrative="=HYPERLINK(1)"
    )
    client = login(personas["case_coordinator"])
    sheet = load_workbook(io.BytesIO(client.get("/rights/cases.xlsx").content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    narrative = values[0].index("narrative")
    assert {row[narrative] for row in values[1:]} == {NARRATIVE, "=HYPERLINK(1)"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rows = read_csv(client.get("/rights/cases.csv"))
    assert {row["narrative"] for row in rows} == {NARRATIVE, "'=HYPERLINK(1)"}


def test_an_exported_file_comes_back_in(personas, login, two_cases, tmp_path: Path):
    coordinator = personas["case_coordinator"]
    content = login(coordinator).get("/rights/cases.csv").content
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    outcome = importing.check(coordinator, path, "cases.csv")
    assert outcome.problems == [] and outcome.ready == 2


def test_the_export_reads_a_fixed_number_of_queries(personas, login, two_cases):
    client = login(personas["case_coordinator"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/rights/cases.csv").status_code == 200
        return len(captured)

    queries()  # the first request of a session reads more (the session, the second factor)
    few = queries()
    for _n in range(3):
        services.case_create(
            user=personas["case_coordinator"],
            country=country("KG"),
            organisation=Organisation.objects.get(name=DOCUMENTING_ORGANISATION),
            channel=Case.Channel.HOTLINE,
            received_on=two_cases[0].received_on,
            consents={"record": True},
        )
    assert queries() == few
