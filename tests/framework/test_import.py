"""Bulk import: a dry run first, every row or none, problems named by row and column."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from hrmonitor.framework.models import DataValue, ImportBatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("committed_reference_data")]

GOOD = (
    "indicator,country,period,disaggregation,value,comment\n"
    "SO3.I2,GE,2019,,10,from the annual report\n"
    "SO3.I2,GE,2019,gender=women,4,\n"
    "SO1.I1,GE,2019,,да,\n"
)
# Row 3 (the spreadsheet's numbering: header is row 1) has a bad period, row 4 another
# country, row 5 an impossible yes/no.
BAD = (
    "indicator,country,period,value\n"
    "SO3.I2,GE,2019,10\n"
    "SO3.I2,GE,2019Q7,4\n"
    "SO3.I2,AM,2019,4\n"
    "SO1.I1,GE,2019,3\n"
)


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def upload(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    response = client.post("/framework/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    run_worker()
    return ImportBatch.objects.latest("pk")


def test_a_clean_file_is_checked_then_imported(personas, login):
    client = login(personas["focal_point_georgia"])
    batch = upload(client, "values.csv", GOOD.encode())
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.report["counts"] == {"create": 3, "update": 0, "unchanged": 0}
    assert not DataValue.objects.exists()  # the dry run wrote nothing
    page = client.get(f"/framework/import/{batch.pk}/").content.decode()
    assert "Import 3 values" in page

    client.post(f"/framework/import/{batch.pk}/apply/")
    run_worker()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert sorted(DataValue.objects.values_list("indicator__code", "disaggregation", "value")) == [
        ("SO1.I1", "", 1),
        ("SO3.I2", "", 10),
        ("SO3.I2", "gender=women", 4),
    ]


def test_a_file_with_bad_rows_writes_nothing_and_names_each_row_and_column(personas, login):
    client = login(personas["focal_point_georgia"])
    batch = upload(client, "values.csv", BAD.encode())
    assert batch.status == ImportBatch.Status.INVALID
    problems = [(p["line"], p["column"], p["message"]) for p in batch.report["problems"]]
    assert problems == [
        (3, "period", "“2019Q7” has no such quarter: quarters are Q1 to Q4."),
        (4, "country", "You may not enter data for this country."),
        (5, "value", "Enter 1 for yes or 0 for no."),
    ]
    assert client.post(f"/framework/import/{batch.pk}/apply/").status_code == 302
    run_worker()
    assert not DataValue.objects.exists()


def test_the_same_file_fixed_imports(personas, login):
    client = login(personas["focal_point_georgia"])
    upload(client, "values.csv", BAD.encode())
    fixed = (
        BAD.replace("2019Q7", "2019Q3")
        .replace("SO3.I2,AM", "SO3.I2,GE")
        .replace("SO1.I1,GE,2019,3", "SO1.I1,GE,2019,1")
        .replace("SO3.I2,GE,2019,4", "SO3.I2,GE,2018,4")
    )
    batch = upload(client, "values.csv", fixed.encode())
    assert batch.status == ImportBatch.Status.CHECKED, batch.report
    client.post(f"/framework/import/{batch.pk}/apply/")
    run_worker()
    assert DataValue.objects.count() == 4


def test_problems_are_reported_in_russian_for_a_russian_user(personas, login):
    user = personas["focal_point_georgia"]
    user.language = "ru"
    user.save(update_fields=["language"])
    batch = upload(login(user), "values.csv", BAD.encode())
    assert batch.report["problems"][2]["message"] == "Введите 1 («да») или 0 («нет»)."


def test_an_xlsx_with_russian_headers_is_read(personas, login):
    book = Workbook()
    sheet = book.active
    sheet.append(["Индикатор", "Страна", "Период", "Значение"])
    sheet.append(["SO3.I2", "GE", 2019, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = upload(login(personas["focal_point_georgia"]), "данные.xlsx", buffer.getvalue())
    assert batch.report["counts"]["create"] == 1


def test_an_unreadable_file_says_why(personas, login):
    batch = upload(login(personas["focal_point_georgia"]), "values.csv", b"name;age\nx;1\n")
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.report["file_error"].startswith("The header row has no column indicator")


def test_someone_elses_import_is_not_found(personas, login):
    batch = upload(login(personas["focal_point_georgia"]), "values.csv", GOOD.encode())
    assert (
        login(personas["focal_point_kazakhstan"]).get(f"/framework/import/{batch.pk}/").status_code
        == 404
    )
