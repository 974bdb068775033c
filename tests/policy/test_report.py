"""The change report as people get it: a signed-in user asks for the report between two dates
in English or Russian, as PDF or DOCX; the worker writes it with a progress bar; the file holds
the change with its legal reference and the counts per sub-region, and stays in their list."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document as DocxDocument

from factories import country
from hrmonitor.core.models import Job
from hrmonitor.policy import services
from hrmonitor.policy.models import PolicyArea, PolicyStatus
from hrmonitor.policy.services import policy_areas_load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("committed_reference_data")]

LAW = "Order of the Minister of Health No. 123"


@pytest.fixture
def changed(personas):  # type: ignore[no-untyped-def]
    policy_areas_load()
    PolicyStatus.objects.all().delete()  # only this test's change, not the published facts
    naloxone = PolicyArea.objects.get(code="naloxone-take-home")
    focal_point = personas["focal_point_kazakhstan"]
    for status, date, law in (("not_in_place", "2019-01-01", ""), ("in_place", "2024-05-15", LAW)):
        services.policy_status_record(
            user=focal_point,
            country=country("KZ"),
            area=naloxone,
            status=status,
            valid_from=dt.date.fromisoformat(date),
            legal_reference=law,
            source="Official gazette",
        )


def generate(client, language: str, fmt: str) -> Job:  # type: ignore[no-untyped-def]
    response = client.post(
        "/policy/changes/report/",
        {"from": "2024-01-01", "to": "2024-12-31", "language": language, "format": fmt},
    )
    assert response.status_code == 302 and "job=" in response["Location"]
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    job = Job.objects.get(kind="policy.change_report", params__format=fmt)
    assert job.status == Job.Status.DONE, job.error
    return job


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(content)
        return subprocess.run(  # noqa: S603 - a fixed command on our own bytes
            ["/usr/bin/pdftotext", "-layout", handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_the_pdf_report_in_russian_shows_the_change(personas, login, changed):
    client = login(personas["focal_point_georgia"])
    job = generate(client, "ru", "pdf")
    assert job.message == "Отчёт готов: 1 изменение."
    download = client.get(f"/jobs/{job.pk}/result/")
    assert download["Content-Disposition"].startswith("attachment")
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Казахстан (Центральная Азия)" in text and "No. 123" in text
    assert "Отсутствует →" in text and "Действует" in text and "Official gazette" in text
    assert "Центральная Азия" in text  # the sub-region's count
    # The page lists the report as an earlier report of this user.
    page = client.get("/policy/changes/?from=2024-01-01&to=2024-12-31").content.decode()
    assert f"/jobs/{job.pk}/result/" in page


def test_the_docx_report_in_english(personas, login, changed):
    client = login(personas["secretariat_admin"])
    job = generate(client, "en", "docx")
    content = b"".join(client.get(f"/jobs/{job.pk}/result/").streaming_content)
    document = DocxDocument(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Kazakhstan (Central Asia)" in text
    assert LAW in cells and "Not in place → In place" in cells
    assert "Official gazette" in cells


def test_someone_else_cannot_download_the_report(personas, login, changed, client):
    job = generate(login(personas["secretariat_admin"]), "en", "pdf")
    other = login(personas["focal_point_georgia"])
    assert other.get(f"/jobs/{job.pk}/result/").status_code == 404


def test_an_anonymous_visitor_is_asked_to_sign_in(client, changed):
    page = client.get("/policy/changes/").content.decode()
    assert "Sign in to generate the report." in page
    assert client.post("/policy/changes/report/", {}).status_code == 302
    assert not Job.objects.exists()
