"""The Secretariat's progress report as people get it: a Secretariat user picks a period, a
language and a format on the report page; the worker writes the report; the file tells the
activities done against those planned, the events with who took part, the key indicators and
the events' outputs, and stays in the user's archive — for them only."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override
from docx import Document as DocxDocument

from factories import country
from hrmonitor.core.documents import BarChart, Paragraph, Table
from hrmonitor.core.models import Job
from hrmonitor.framework.models import DataValue, Indicator, Target
from hrmonitor.monitoring import reports, services
from hrmonitor.monitoring.models import Event
from hrmonitor.monitoring.views_report import presets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("committed_reference_data")]

Q1_2026 = {"preset": "custom", "date_from": "2026-01-01", "date_to": "2026-03-31"}


def generate(client, language: str, fmt: str, period: dict[str, str] = Q1_2026) -> Job:  # type: ignore[no-untyped-def]
    response = client.post("/monitoring/report/", {**period, "language": language, "format": fmt})
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get(kind="monitoring.progress_report", params__language=language)
    assert response["Location"] == f"/monitoring/report/?job={job.pk}"
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return job


def download(client, job: Job) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"/jobs/{job.pk}/result/")
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        Path(handle.name).write_bytes(content)
        return subprocess.run(  # noqa: S603 - a fixed command on our own bytes
            ["/usr/bin/pdftotext", "-layout", handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_the_pdf_report_in_russian_shows_the_training(personas, login, training):
    client = login(personas["secretariat_admin"])
    job = generate(client, "ru", "pdf")
    assert "progress-report-2026-01-01-2026-03-31-ru" in job.result_file.name
    content = download(client, job)
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content).split())  # lines joined: a sentence may wrap anywhere
    for heading in (
        "Краткие итоги",
        "Задачи плана работы: выполнено и запланировано",
        "Мероприятия",
        "Ключевые индикаторы",
        "Основные результаты",
    ):
        assert heading in text
    assert "Кыргызстан" in text
    assert "20/12/15" in text  # the events table: total / women / people who use drugs
    assert "20 человек, из них женщин — 12" in text and "— 15" in text  # the summary
    assert "National advocacy plans drafted by 4 groups." in text  # a highlight
    # The page shows the job's progress bar, and the file in the archive of a later visit.
    page = client.get(f"/monitoring/report/?job={job.pk}").content.decode()
    assert f'id="job-{job.pk}-progress"' in page and f"/jobs/{job.pk}/result/" in page
    assert f"/jobs/{job.pk}/result/" in client.get("/monitoring/report/").content.decode()


def test_the_docx_report_in_english_lists_the_event_and_the_activity(
    personas, login, training, planned
):
    community_leaders = Indicator.objects.get(code="SO3.I2")  # a key indicator
    Target.objects.create(
        indicator=community_leaders, kind=Target.Kind.BASELINE, period="2023", value=40
    )
    Target.objects.create(
        indicator=community_leaders, kind=Target.Kind.LIFE_OF_STRATEGY, period="2027", value=120
    )
    DataValue.objects.create(
        indicator=community_leaders,
        country=country("KG"),
        period="2025",
        value=Decimal("77.000000"),
        status=DataValue.Status.APPROVED,
    )
    client = login(personas["me_officer"])
    job = generate(client, "en", "docx")
    assert job.message == "The progress report is ready: 1 event in the period."
    document = DocxDocument(io.BytesIO(download(client, job)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for heading in ("Summary", "Activities: done vs planned", "Events", "Key indicators"):
        assert heading in text
    assert "Training of community leaders, Bishkek (Training)" in cells
    assert "Community leadership trainings in Central Asia (SO3.A1)" in cells
    assert "Kazakhstan, Kyrgyzstan" in cells and "Planned" in cells  # the workplan activity
    assert "20/12/15" in cells
    assert "40 (2023)" in cells and "120 (2027)" in cells and "77 (2025)" in cells
    assert "1 event was held." in text and "20 participants took part" in text


def test_a_period_without_anything_gives_a_report_that_says_so(personas, login, training):
    client = login(personas["secretariat_admin"])
    empty = {"preset": "custom", "date_from": "2030-01-01", "date_to": "2030-03-31"}
    job = generate(client, "en", "pdf", empty)
    assert job.message == "The progress report is ready: 0 events in the period."
    text = " ".join(pdf_text(download(client, job)).split())
    assert "No events were recorded in this period." in text
    assert "No activity of the workplan falls in this period." in text
    assert "Training of community leaders" not in text


def test_a_focal_point_may_not_use_the_report_page(personas, login):
    client = login(personas["focal_point_georgia"])
    assert client.get("/monitoring/report/").status_code == 403
    response = client.post("/monitoring/report/", {**Q1_2026, "language": "en", "format": "pdf"})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/monitoring/report/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_else_cannot_download_the_report(personas, login, training):
    job = generate(login(personas["secretariat_admin"]), "en", "pdf")
    other = login(personas["me_officer"])
    assert other.get(f"/jobs/{job.pk}/result/").status_code == 404
    page = other.get("/monitoring/report/").content.decode()
    assert f"/jobs/{job.pk}/" not in page
    assert (
        other.get(f"/monitoring/report/?job={job.pk}")
        .content.decode()
        .count(f"job-{job.pk}-progress")
        == 0
    )


def test_dates_that_cannot_make_a_period_are_refused(personas, login):
    client = login(personas["secretariat_admin"])
    reversed_dates = {"preset": "custom", "date_from": "2026-03-31", "date_to": "2026-01-01"}
    response = client.post(
        "/monitoring/report/", {**reversed_dates, "language": "en", "format": "pdf"}
    )
    assert response.status_code == 400
    assert "The period cannot end before it starts." in response.content.decode()
    response = client.post(
        "/monitoring/report/", {"preset": "custom", "language": "en", "format": "pdf"}
    )
    assert "Give both dates of the period." in response.content.decode()
    assert not Job.objects.exists()


def test_a_preset_period_is_computed_from_today(personas, login):
    client = login(personas["secretariat_admin"])
    client.post("/monitoring/report/", {"preset": "last_year", "language": "ru", "format": "docx"})
    job = Job.objects.get(kind="monitoring.progress_report")
    last_year = dt.date.today().year - 1  # noqa: DTZ011 - the calendar year, as the page computes
    assert job.params == {
        "date_from": f"{last_year}-01-01",
        "date_to": f"{last_year}-12-31",
        "language": "ru",
        "format": "docx",
    }


def test_the_presets_around_new_year():
    found = {key: (p.start, p.end) for key, p in presets(dt.date(2026, 2, 10)).items()}
    assert found == {
        "this_quarter": (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        "last_quarter": (dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        "this_year": (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        "last_year": (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }


def test_key_indicators_use_periods_that_ended_by_the_end_of_the_report():
    keys = [p.key for p in reports.indicator_periods(dt.date(2026, 3, 31))]
    assert "2025" in keys and "2026" not in keys and "2026Q2" not in keys
    # The latest first when read backwards: the quarter wins over its last month.
    assert keys[-2:] == ["2026-03", "2026Q1"]


def test_collecting_the_facts_takes_the_same_queries_for_more_events(personas, training):
    with CaptureQueriesContext(connection) as one_event:
        reports.progress_facts(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    for day in (3, 4, 5):
        event = services.event_save(
            user=personas["secretariat_admin"],
            kind=Event.Kind.WEBINAR,
            title=f"Webinar {day}",
            start_date=dt.date(2026, 3, day),
            end_date=dt.date(2026, 3, day),
            countries=[country("KZ"), country("GE")],
            workplan_item=training.workplan_item,
        )
        services.event_counts_set(
            user=personas["secretariat_admin"], event=event, total=10, counts={}
        )
    with CaptureQueriesContext(connection) as four_events:
        facts = reports.progress_facts(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert len(facts.events) == 4
    assert len(four_events) == len(one_event)


def test_events_without_participant_numbers_are_told_and_not_charted(personas):
    services.event_save(
        user=personas["secretariat_admin"],
        kind=Event.Kind.MEETING_OFFICIALS,
        title="Meeting with the Ministry of Health",
        start_date=dt.date(2026, 3, 5),
        end_date=dt.date(2026, 3, 5),
        countries=[country("GE")],
    )
    with override("en"):
        document = reports.progress_document(
            dt.date(2026, 1, 1), dt.date(2026, 3, 31), language="en"
        )
    summary = next(b for b in document.blocks if isinstance(b, Paragraph))
    assert "1 event was held." in summary.text
    assert "1 event has no participant numbers." in summary.text
    assert "participants took part" not in summary.text
    charts = [b.title for b in document.blocks if isinstance(b, BarChart)]
    assert "Participants by type of event and gender" not in charts
    events = next(b for b in document.blocks if isinstance(b, Table) and "Outputs" in b.columns)
    assert events.rows == [
        [
            "03/05/2026",
            "Meeting with the Ministry of Health (Meeting with officials)",
            "Georgia",
            "—/—/—",
            "—",
        ]
    ]
